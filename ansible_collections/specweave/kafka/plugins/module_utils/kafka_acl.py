# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of the kafka_acl module: validation, expansion to single ACLs, set diff, and the
``AclResource`` the module declares on the runner.

An ACL is handled as a plain tuple ``AclKey`` of lower-case strings::

    (principal, host, resource_type, resource_name, pattern_type, operation, permission)

so the desired and the current state compare as Python sets. Conversions to and from
kafka-python's ``ACL`` objects and ``AclResource`` (read, plan, chunked apply) live at the
bottom; everything above them is pure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re
from collections import namedtuple

from ansible_collections.specweave.kafka.plugins.module_utils.batch_options import (
    ItemSpec,
    check_items,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    Plan,
    Resource,
)

try:
    from kafka import admin as kafka_admin
except ImportError:  # pragma: no cover - reported by KafkaConnection
    kafka_admin = None

AclKey = namedtuple("AclKey", ["principal", "host", "resource_type", "resource_name",
                               "pattern_type", "operation", "permission"])

RESOURCE_TYPES = ["topic", "group", "cluster", "transactional_id", "delegation_token", "user"]
PATTERN_TYPES = ["literal", "prefixed"]
PERMISSIONS = ["allow", "deny"]
CLUSTER_RESOURCE_NAME = "kafka-cluster"

# Operations each resource type supports (Kafka's AclEntry.supportedOperations); ``all`` is
# valid everywhere.
OPERATIONS_BY_RESOURCE = {
    "topic": ["read", "write", "create", "delete", "alter", "describe", "describe_configs",
              "alter_configs"],
    "group": ["read", "describe", "delete"],
    "cluster": ["create", "cluster_action", "describe_configs", "alter_configs",
                "idempotent_write", "alter", "describe"],
    "transactional_id": ["describe", "write"],
    "delegation_token": ["describe"],
    "user": ["create_tokens", "describe_tokens"],
}
OPERATIONS = ["all", "read", "write", "create", "delete", "alter", "describe", "cluster_action",
              "describe_configs", "alter_configs", "idempotent_write", "create_tokens",
              "describe_tokens"]

_SQUASHED_OPERATIONS = dict((op.replace("_", ""), op) for op in OPERATIONS)
_PRINCIPAL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*:[^\x00-\x1f\x7f]+$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

# Kafka's controller refuses a metadata batch of more than 10,000 records; stay well below.
CHUNK_SIZE = 5000
# The controller matches every DeleteAcls filter against every ACL of the cluster, so a request
# with thousands of filters can outlast the request timeout: delete in smaller requests.
DELETE_CHUNK_SIZE = 500


class AclValidationError(ValueError):
    """The declared ACLs are invalid; the message says which and how to fix it."""


def normalize_operation(value):
    """``Write``, ``WRITE``, ``describe-configs``, ``DescribeConfigs`` -> ``write`` / ``describe_configs``."""
    squashed = re.sub(r"[\s_-]", "", str(value)).lower()
    return _SQUASHED_OPERATIONS.get(squashed)


def _where(index):
    return "acls[%d]" % index


def validate_principal(principal, where):
    if not isinstance(principal, str) or not principal:
        raise AclValidationError("%s: principal is required, for example User:alice" % where)
    if principal != principal.strip() or not _PRINCIPAL_RE.match(principal):
        raise AclValidationError(
            "%s: principal %r is malformed; use <type>:<name> such as User:alice or User:* "
            "(no surrounding spaces or control characters)" % (where, principal))
    return principal


def validate_host(host, where):
    host = "*" if host is None else str(host)
    if host == "*":
        return host
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        raise AclValidationError(
            "%s: host %r is not an IP address; Kafka ACLs match client IP addresses "
            "(or * for any host), not host names" % (where, host))


def expand_binding(binding, index=0):
    """Validate one declared binding and return the list of AclKey it stands for."""
    where = _where(index)
    if not isinstance(binding, dict):
        raise AclValidationError("%s: each ACL binding must be a dictionary" % where)
    principal = validate_principal(binding.get("principal"), where)
    host = validate_host(binding.get("host"), where)
    resource_type = str(binding.get("resource_type") or "").lower()
    if resource_type not in RESOURCE_TYPES:
        raise AclValidationError("%s: resource_type %r is not one of %s"
                                 % (where, binding.get("resource_type"), ", ".join(RESOURCE_TYPES)))
    pattern_type = str(binding.get("pattern_type") or "literal").lower()
    if pattern_type not in PATTERN_TYPES:
        raise AclValidationError("%s: pattern_type %r is not one of literal, prefixed"
                                 % (where, binding.get("pattern_type")))
    name = binding.get("resource_name")
    if resource_type == "cluster":
        if name not in (None, CLUSTER_RESOURCE_NAME):
            raise AclValidationError("%s: the cluster resource is always named %s (got %r)"
                                     % (where, CLUSTER_RESOURCE_NAME, name))
        if pattern_type != "literal":
            raise AclValidationError("%s: the cluster resource only takes pattern_type literal"
                                     % where)
        name = CLUSTER_RESOURCE_NAME
    if not isinstance(name, str) or not name:
        raise AclValidationError("%s: resource_name is required for resource_type %s"
                                 % (where, resource_type))
    if _CONTROL_RE.search(name):
        raise AclValidationError("%s: resource_name %r contains control characters"
                                 % (where, name))
    if pattern_type == "prefixed" and name == "*":
        raise AclValidationError("%s: '*' is a wildcard only with pattern_type literal; a "
                                 "prefixed pattern needs a real prefix" % where)
    permission = str(binding.get("permission") or "allow").lower()
    if permission not in PERMISSIONS:
        raise AclValidationError("%s: permission %r is not allow or deny"
                                 % (where, binding.get("permission")))
    operations = binding.get("operations")
    if isinstance(operations, str):
        operations = [operations]
    if not operations:
        raise AclValidationError("%s: operations must list at least one operation, for example "
                                 "[read, describe]" % where)
    result = []
    for raw in operations:
        operation = normalize_operation(raw)
        if operation is None:
            raise AclValidationError("%s: unknown operation %r; valid operations are %s"
                                     % (where, raw, ", ".join(OPERATIONS)))
        if operation != "all" and operation not in OPERATIONS_BY_RESOURCE[resource_type]:
            raise AclValidationError(
                "%s: operation %s does not apply to resource_type %s; valid there: all, %s"
                % (where, operation, resource_type,
                   ", ".join(OPERATIONS_BY_RESOURCE[resource_type])))
        result.append(AclKey(principal, host, resource_type, name, pattern_type, operation,
                             permission))
    return result


def expand_bindings(bindings):
    """Validate every binding first; return the set of AclKey they declare."""
    if not bindings:
        raise AclValidationError("acls must list at least one binding")
    desired = set()
    for index, binding in enumerate(bindings):
        desired.update(expand_binding(binding, index))
    return desired


ScopeResource = namedtuple("ScopeResource", ["resource_type", "resource_name", "pattern_type"])


def parse_scope(exclusive):
    """Validate the ``exclusive`` option; return (principals set, resources set) or None."""
    if not exclusive:
        return None
    principals = set()
    for index, principal in enumerate(exclusive.get("principals") or []):
        principals.add(validate_principal(principal, "exclusive.principals[%d]" % index))
    resources = set()
    for index, item in enumerate(exclusive.get("resources") or []):
        where = "exclusive.resources[%d]" % index
        resource_type = str(item.get("resource_type") or "").lower()
        if resource_type not in RESOURCE_TYPES:
            raise AclValidationError("%s: resource_type %r is not one of %s"
                                     % (where, item.get("resource_type"), ", ".join(RESOURCE_TYPES)))
        pattern_type = str(item.get("pattern_type") or "literal").lower()
        if pattern_type not in PATTERN_TYPES:
            raise AclValidationError("%s: pattern_type %r is not one of literal, prefixed"
                                     % (where, item.get("pattern_type")))
        name = item.get("resource_name")
        if resource_type == "cluster":
            name = CLUSTER_RESOURCE_NAME
        if not name:
            raise AclValidationError("%s: resource_name is required" % where)
        resources.add(ScopeResource(resource_type, name, pattern_type))
    if not principals and not resources:
        raise AclValidationError(
            "exclusive needs exclusive.principals and/or exclusive.resources: the scope inside "
            "which undeclared ACLs are removed (nothing outside it is touched)")
    return principals, resources


def in_scope(acl, scope):
    principals, resources = scope
    return (acl.principal in principals or
            ScopeResource(acl.resource_type, acl.resource_name, acl.pattern_type) in resources)


def compute_changes(desired, current, state="present", scope=None):
    """Return (to_create, to_delete) as sorted lists of AclKey.

    ``current`` are the ACLs read from the cluster (at least those matching the declared
    bindings and the exclusive scope). With ``state=absent`` the declared ACLs that exist are
    deleted. With a ``scope`` (exclusive mode), ACLs in the scope that are not declared are
    deleted too; nothing outside the scope is ever touched.
    """
    current = set(current)
    if state == "absent":
        return [], sorted(desired & current)
    to_create = desired - current
    to_delete = set()
    if scope is not None:
        to_delete = set(acl for acl in current if in_scope(acl, scope) and acl not in desired)
    return sorted(to_create), sorted(to_delete)


def relevant(current, desired, scope=None):
    """The current ACLs a diff should show: declared ones and those inside the scope."""
    return sorted(acl for acl in current
                  if acl in desired or (scope is not None and in_scope(acl, scope)))


def describe_filter(desired, scope=None):
    """Narrowest single DescribeAcls filter covering the declared ACLs and the scope.

    Returns a dict with ``principal`` and/or resource ``(type, name, pattern)`` when every
    declared ACL and the whole scope share it, else an empty dict (describe everything).
    """
    principals = set(acl.principal for acl in desired)
    resources = set((acl.resource_type, acl.resource_name, acl.pattern_type) for acl in desired)
    any_principal = any_resource = False
    if scope is not None:
        scope_principals, scope_resources = scope
        if scope_principals:  # every ACL of these principals, on any resource
            principals |= scope_principals
            any_resource = True
        if scope_resources:  # every ACL on these resources, of any principal
            resources |= set(tuple(r) for r in scope_resources)
            any_principal = True
    result = {}
    if len(principals) == 1 and not any_principal:
        result["principal"] = next(iter(principals))
    if len(resources) == 1 and not any_resource:
        result["resource"] = next(iter(resources))
    return result


def acl_to_dict(acl):
    return dict(acl._asdict())


def acl_line(acl):
    """One ACL as the line used in results, diffs and messages:
    ``User:alice allow write on literal topic:orders from *``."""
    return "%s %s %s on %s %s:%s from %s" % (
        acl.principal, acl.permission, acl.operation, acl.pattern_type, acl.resource_type,
        acl.resource_name, acl.host)


def chunks(items, size=CHUNK_SIZE):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- kafka-python conversions and the module's declaration -----------------------------------

def _kafka_binding(acl, m, binding_class, pattern_class):
    return binding_class(
        principal=acl.principal, host=acl.host,
        operation=m.ACLOperation[acl.operation.upper()],
        permission_type=m.ACLPermissionType[acl.permission.upper()],
        resource_pattern=pattern_class(
            m.ResourceType[acl.resource_type.upper()], acl.resource_name,
            m.ACLResourcePatternType[acl.pattern_type.upper()]))


def to_kafka_acl(acl, kafka_acl_module):
    """AclKey -> kafka.admin ACL object (``kafka_acl_module`` is ``kafka.admin``)."""
    m = kafka_acl_module
    return _kafka_binding(acl, m, m.ACL, m.ResourcePattern)


def to_kafka_filter(acl, kafka_acl_module):
    """AclKey -> an exact kafka.admin ACLFilter (used by DeleteAcls)."""
    m = kafka_acl_module
    return _kafka_binding(acl, m, m.ACLFilter, m.ResourcePatternFilter)


def describe_kafka_filter(spec, kafka_acl_module):
    """``describe_filter()`` result -> kafka.admin ACLFilter for DescribeAcls."""
    m = kafka_acl_module
    if "resource" in spec:
        rtype, rname, rpattern = spec["resource"]
        pattern = m.ResourcePatternFilter(m.ResourceType[rtype.upper()], rname,
                                          m.ACLResourcePatternType[rpattern.upper()])
    else:
        pattern = m.ResourcePatternFilter(m.ResourceType.ANY, None, m.ACLResourcePatternType.ANY)
    return m.ACLFilter(principal=spec.get("principal"), host=None,
                       operation=m.ACLOperation.ANY, permission_type=m.ACLPermissionType.ANY,
                       resource_pattern=pattern)


def from_kafka_acl(acl):
    """kafka.admin ACL object -> AclKey (None for types this module does not manage)."""
    try:
        return AclKey(acl.principal, acl.host, acl.resource_pattern.resource_type.name.lower(),
                      acl.resource_pattern.resource_name,
                      acl.resource_pattern.pattern_type.name.lower(),
                      acl.operation.name.lower(), acl.permission_type.name.lower())
    except AttributeError:
        return None


# The keys of each O(acls) item. Checked by check_items() rather than as argument_spec options:
# AnsibleModule's per-element validation of thousands of bindings costs more than the Kafka
# requests of the whole task.
ACL_OPTIONS = ItemSpec(dict(
    principal=dict(type="str", required=True),
    host=dict(type="str", default="*"),
    resource_type=dict(type="str", required=True, choices=RESOURCE_TYPES),
    resource_name=dict(type="str"),
    pattern_type=dict(type="str", default="literal", choices=PATTERN_TYPES),
    operations=dict(type="list", elements="str", required=True),
    permission=dict(type="str", default="allow", choices=PERMISSIONS),
))
# How many refusals the failure message lists.
MESSAGE_ITEMS = 20


def diff_text(acls):
    """The ``before``/``after`` of the diff: one line per ACL."""
    return "\n".join(acl_line(acl) for acl in acls) + "\n"


def create_failures(batch, outcome):
    """(acl, error names) for the ACLs of ``batch`` a CreateAcls ``outcome`` did not create."""
    if not outcome["failed"]:
        return []
    done = set(from_kafka_acl(item) for item in outcome["succeeded"])
    errors = ", ".join(sorted(set(getattr(e, "__name__", str(e)) for e in outcome["failed"])))
    return [(acl, errors) for acl in batch if acl not in done]


def delete_failures(batch, responses):
    """(acl, error name) for the ACLs of ``batch`` a DeleteAcls answer refused."""
    return [(acl, error.__name__) for acl, (_filter, _matched, error) in zip(batch, responses)
            if error is not None and getattr(error, "errno", 0)]


class AclResource(Resource):
    """kafka_acl on the runner: one DescribeAcls, set diff, chunked DeleteAcls then CreateAcls."""

    service = "Kafka"
    noun = "ACL change"

    def desired(self, ctx):
        params = ctx.params
        items, problems = check_items(params["acls"], ACL_OPTIONS, "acls")
        if problems:
            raise InvalidInput("Invalid ACLs, nothing was changed: %s"
                               % "; ".join(problems[:MESSAGE_ITEMS]), problems=problems)
        try:
            acls = expand_bindings(items)
            scope = parse_scope(params["exclusive"])
        except AclValidationError as exc:
            raise InvalidInput("Invalid ACLs, nothing was changed: %s" % exc)
        if scope is not None and params["state"] == "absent":
            raise InvalidInput("exclusive only applies to state=present; with state=absent only "
                               "the declared ACLs are deleted")
        return dict(acls=acls, scope=scope, state=params["state"],
                    return_acls=params["return_acls"])

    def read(self, ctx, desired):
        admin = ctx.client
        with ctx.step("DescribeAcls"):
            found, _error = admin.describe_acls(describe_kafka_filter(
                describe_filter(desired["acls"], desired["scope"]), kafka_admin))
        return set(acl for acl in (from_kafka_acl(item) for item in found) if acl is not None)

    def plan(self, ctx, desired, current):
        acls, scope = desired["acls"], desired["scope"]
        to_create, to_delete = compute_changes(acls, current, desired["state"], scope)
        result = dict(created=[acl_line(acl) for acl in to_create],
                      deleted=[acl_line(acl) for acl in to_delete])
        diff = None
        if desired["return_acls"] or ctx.diff_mode:
            after = relevant((current | set(to_create)) - set(to_delete), acls, scope)
            if desired["return_acls"]:
                result["acls"] = [acl_to_dict(acl) for acl in after]
            if ctx.diff_mode:
                diff = dict(before=diff_text(relevant(current, acls, scope)),
                            after=diff_text(after))
        return Plan(to_create or to_delete, result=result, diff=diff,
                    data=(to_create, to_delete))

    def apply(self, ctx, plan, failures):
        admin = ctx.client
        to_create, to_delete = plan.data
        for batch in chunks(to_delete, DELETE_CHUNK_SIZE):
            with ctx.step("DeleteAcls"):
                responses = admin.delete_acls([to_kafka_filter(acl, kafka_admin) for acl in batch])
            for acl, error in delete_failures(batch, responses):
                failures.add("delete %s" % acl_line(acl), error)
        for batch in chunks(to_create):
            with ctx.step("CreateAcls"):
                outcome = admin.create_acls([to_kafka_acl(acl, kafka_admin) for acl in batch])
            for acl, errors in create_failures(batch, outcome):
                failures.add("create %s" % acl_line(acl), errors)

    def failure_message(self, plan, failures, applied):
        return "Kafka refused %d ACL change(s): %s" % (
            len(failures), "; ".join(failures.lines()[:MESSAGE_ITEMS]))
