# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of the kafka_quota module: entities, validation, diff, and the raw client-quota API.

kafka-python 3.x has the DescribeClientQuotas / AlterClientQuotas protocol messages but no admin
call for them; ``describe_client_quotas`` and ``alter_client_quotas`` (imported here from
``kafka_wire``, the one place that sends raw requests) send them.

An entity is a tuple of ``(entity_type, name)`` pairs sorted by type, where the name ``None`` is
the default entity (shown to users as ``<default>``), e.g. ``(("client-id", None), ("user",
"alice"))`` is "client ids without their own quota, of user alice".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import math
import re

from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    Plan,
    Resource,
)

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_wire

# The raw client-quota requests, named here for the module (they live in kafka_wire).
describe_client_quotas = kafka_wire.describe_client_quotas
alter_client_quotas = kafka_wire.alter_client_quotas

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


def plain_number(value):
    """A quota value as shown to users: ``1048576`` rather than ``1048576.0``; None stays None."""
    if value is None:
        return None
    return int(value) if value == int(value) else value


def view(state, entities):
    """[{entity..., quotas: {...}}] for ``entities`` (sorted), as shown in results and diffs."""
    out = []
    for entity in sorted(entities, key=entity_label):
        if entity in state:
            out.append(dict(entity_to_dict(entity), quotas=dict(
                (k, plain_number(v)) for k, v in sorted(state[entity].items()))))
    return out


def refused_by_label(refused):
    """(entity label, error) pairs of an AlterClientQuotas answer, sorted by label."""
    return sorted((entity_label(entity), error) for entity, error in refused.items())


class QuotaResource(Resource):
    """kafka_quota on the runner: one DescribeClientQuotas, then one AlterClientQuotas checked
    first with ``validate_only`` (the ``verify`` hook, in check mode too) so a refused entity
    leaves nothing half applied."""

    service = "Kafka"

    def desired(self, ctx):
        try:
            items = normalize_items(ctx.params["quotas"], ctx.params["state"])
        except QuotaValidationError as exc:
            raise InvalidInput("Invalid quotas, nothing was changed: %s" % exc)
        return dict(items=items, remove_undeclared=ctx.params["remove_undeclared"])

    def read(self, ctx, desired):
        with ctx.step("DescribeClientQuotas"):
            return describe_client_quotas(ctx.client)

    def plan(self, ctx, desired, current):
        changes = compute_changes(desired["items"], current, desired["remove_undeclared"])
        after = apply_changes(current, changes)
        result = dict(
            changes=dict((entity_label(entity), dict((k, plain_number(v)) for k, v in ops.items()))
                         for entity, ops in changes.items()),
            quotas=view(after, [item["entity"] for item in desired["items"]]),
        )
        diff = dict(before=view(current, list(changes)), after=view(after, list(changes)))
        return Plan(changes, result=result, diff=diff, data=changes)

    def verify(self, ctx, plan, failures):
        with ctx.step("AlterClientQuotas (validate only)"):
            refused = alter_client_quotas(ctx.client, plan.data, validate_only=True)
        for label, error in refused_by_label(refused):
            failures.add(label, error)

    def apply(self, ctx, plan, failures):
        with ctx.step("AlterClientQuotas"):
            refused = alter_client_quotas(ctx.client, plan.data)
        for label, error in refused_by_label(refused):
            failures.add(label, error)

    def failure_message(self, plan, failures, applied):
        outcome = "the other entities were applied" if applied else "nothing was changed"
        return "Kafka refused the quotas of %s; %s" % ("; ".join(failures.lines()), outcome)
