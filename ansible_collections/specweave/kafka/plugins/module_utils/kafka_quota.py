# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of the kafka_quota module: entities, validation, diff, and the raw client-quota API.

kafka-python 3.x has the DescribeClientQuotas / AlterClientQuotas protocol messages but no admin
call for them; ``describe_client_quotas`` and ``alter_client_quotas`` below are the one place
that sends them (through the admin client's connection manager).

An entity is a tuple of ``(entity_type, name)`` pairs sorted by type, where the name ``None`` is
the default entity (shown to users as ``<default>``), e.g. ``(("client-id", None), ("user",
"alice"))`` is "client ids without their own quota, of user alice".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import math
import re

DEFAULT = "<default>"
ENTITY_OPTIONS = (("user", "user"), ("client_id", "client-id"), ("ip", "ip"))
USER_CLIENT_KEYS = ["producer_byte_rate", "consumer_byte_rate", "request_percentage",
                    "controller_mutation_rate"]
IP_KEYS = ["connection_creation_rate"]
QUOTA_KEYS = USER_CLIENT_KEYS + IP_KEYS
INTEGER_KEYS = ["producer_byte_rate", "consumer_byte_rate", "connection_creation_rate"]
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class QuotaValidationError(ValueError):
    """The declared quotas are invalid; the message says which and how to fix it."""


def entity_from_item(item, where):
    """Validate the entity fields of one item; return the entity tuple."""
    pairs = []
    for option, entity_type in ENTITY_OPTIONS:
        value = item.get(option)
        if value is None:
            continue
        if not isinstance(value, str) or value == "":
            raise QuotaValidationError("%s: %s must be a name or %s" % (where, option, DEFAULT))
        if _CONTROL_RE.search(value) or value != value.strip():
            raise QuotaValidationError("%s: %s %r has surrounding spaces or control characters"
                                       % (where, option, value))
        if entity_type == "ip" and value != DEFAULT:
            try:
                value = str(ipaddress.ip_address(value))
            except ValueError:
                raise QuotaValidationError("%s: ip %r is not an IP address (or %s)"
                                           % (where, value, DEFAULT))
        pairs.append((entity_type, None if value == DEFAULT else value))
    types = set(pair[0] for pair in pairs)
    if not pairs:
        raise QuotaValidationError("%s: name an entity with user, client_id and/or ip "
                                   "(%s for the default entity)" % (where, DEFAULT))
    if "ip" in types and len(types) > 1:
        raise QuotaValidationError("%s: an ip quota cannot be combined with user or client_id"
                                   % where)
    return tuple(sorted(pairs))


def entity_to_dict(entity):
    result = {}
    for option, entity_type in ENTITY_OPTIONS:
        for etype, name in entity:
            if etype == entity_type:
                result[option] = DEFAULT if name is None else name
    return result


def entity_label(entity):
    return ",".join("%s=%s" % (etype, DEFAULT if name is None else name)
                    for etype, name in entity)


def validate_quotas(quotas, entity, where, allow_none):
    """Validate quota keys and values for ``entity``; return {key: float or None}."""
    valid = IP_KEYS if entity[0][0] == "ip" else USER_CLIENT_KEYS
    result = {}
    for key, value in (quotas or {}).items():
        if key not in QUOTA_KEYS:
            raise QuotaValidationError("%s: unknown quota key %r; valid keys are %s"
                                       % (where, key, ", ".join(QUOTA_KEYS)))
        if key not in valid:
            raise QuotaValidationError("%s: quota %s does not apply to %s entities; valid there: "
                                       "%s" % (where, key, entity_label(entity),
                                               ", ".join(valid)))
        if value is None:
            if not allow_none:
                raise QuotaValidationError("%s: %s needs a value" % (where, key))
            result[key] = None
            continue
        if isinstance(value, bool):
            raise QuotaValidationError("%s: %s must be a number, not a boolean" % (where, key))
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise QuotaValidationError("%s: %s must be a number (got %r)" % (where, key, value))
        if math.isnan(number) or math.isinf(number) or number <= 0:
            raise QuotaValidationError("%s: %s must be a positive number (got %r)"
                                       % (where, key, value))
        if key in INTEGER_KEYS and number != int(number):
            raise QuotaValidationError("%s: %s must be a whole number (got %r)"
                                       % (where, key, value))
        result[key] = number
    return result


def normalize_items(items, default_state="present"):
    """Validate every item; return a list of dict(entity, quotas, state)."""
    if not items:
        raise QuotaValidationError("quotas must list at least one entity")
    seen = set()
    result = []
    for index, item in enumerate(items):
        where = "quotas[%d]" % index
        if not isinstance(item, dict):
            raise QuotaValidationError("%s: each item must be a dictionary" % where)
        entity = entity_from_item(item, where)
        if entity in seen:
            raise QuotaValidationError("%s: entity %s is declared twice"
                                       % (where, entity_label(entity)))
        seen.add(entity)
        state = item.get("state") or default_state
        values = validate_quotas(item.get("quotas"), entity, where, allow_none=True)
        if state == "present" and not values:
            raise QuotaValidationError("%s: state=present needs at least one quota, for "
                                       "example producer_byte_rate: 1048576" % where)
        result.append(dict(entity=entity, quotas=values, state=state))
    return result


def compute_changes(items, current, remove_undeclared=False):
    """Return {entity: {key: value or None(remove)}} of the operations to send."""
    changes = {}
    for item in items:
        entity = item["entity"]
        have = current.get(entity, {})
        ops = {}
        if item["state"] == "absent":
            keys = item["quotas"].keys() if item["quotas"] else have.keys()
            for key in keys:
                if key in have:
                    ops[key] = None
        else:
            for key, value in item["quotas"].items():
                if value is None:
                    if key in have:
                        ops[key] = None
                elif have.get(key) != value:
                    ops[key] = value
            if remove_undeclared:
                for key in have:
                    if key not in item["quotas"]:
                        ops[key] = None
        if ops:
            changes[entity] = ops
    return changes


def apply_changes(current, changes):
    after = dict((entity, dict(values)) for entity, values in current.items())
    for entity, ops in changes.items():
        values = after.setdefault(entity, {})
        for key, value in ops.items():
            if value is None:
                values.pop(key, None)
            else:
                values[key] = value
        if not values:
            del after[entity]
    return after


def _plain(value):
    return int(value) if value == int(value) else value


def view(state, entities):
    """[{entity..., quotas: {...}}] for ``entities`` (sorted), as shown in results and diffs."""
    out = []
    for entity in sorted(entities, key=entity_label):
        if entity in state:
            out.append(dict(entity_to_dict(entity), quotas=dict(
                (k, _plain(v)) for k, v in sorted(state[entity].items()))))
    return out


# -- raw protocol (kafka-python has no admin call for client quotas) ---------------------------

def describe_client_quotas(admin):
    """Every client-quota entity of the cluster: {entity: {key: value}} (one request)."""
    from kafka.protocol.admin import DescribeClientQuotasRequest
    from kafka import errors as kafka_errors
    request = DescribeClientQuotasRequest(components=[], strict=False)
    response = admin._manager.run(admin._manager.send, request)
    error = kafka_errors.for_code(response.error_code)
    if error is not kafka_errors.NoError:
        raise error("DescribeClientQuotas: %s" % (response.error_message or error.__name__))
    current = {}
    for entry in response.entries or []:
        entity = tuple(sorted((e.entity_type, e.entity_name) for e in entry.entity))
        current[entity] = dict((v.key, float(v.value)) for v in entry.values)
    return current


def alter_client_quotas(admin, changes, validate_only=False):
    """Send ``changes`` ({entity: {key: value or None}}) in one AlterClientQuotas request.

    Returns {entity: error message} for the entities the broker refused (empty on success).
    """
    from kafka.protocol.admin import AlterClientQuotasRequest
    Entry = AlterClientQuotasRequest.EntryData
    entries = []
    for entity, ops in sorted(changes.items(), key=lambda item: entity_label(item[0])):
        entries.append(Entry(
            entity=[Entry.EntityData(entity_type=etype, entity_name=name) for etype, name in entity],
            ops=[Entry.OpData(key=key, value=0.0 if value is None else float(value),
                              remove=value is None) for key, value in sorted(ops.items())]))
    request = AlterClientQuotasRequest(entries=entries, validate_only=validate_only)
    response = admin._manager.run(admin._manager.send, request)
    failures = {}
    for entry in response.entries or []:
        if entry.error_code:
            entity = tuple(sorted((e.entity_type, e.entity_name) for e in entry.entity))
            failures[entity] = entry.error_message or "error code %d" % entry.error_code
    return failures
