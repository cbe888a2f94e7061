# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from kafka import admin as kafka_admin
from kafka import errors as kafka_errors

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_acl import (
    AclKey,
    AclValidationError,
    acl_line,
    chunks,
    compute_changes,
    create_failures,
    delete_failures,
    describe_filter,
    diff_text,
    expand_binding,
    expand_bindings,
    normalize_operation,
    parse_scope,
    relevant,
    to_kafka_acl,
)


def binding(**overrides):
    base = dict(principal="User:alice", host="*", resource_type="topic", resource_name="orders",
                pattern_type="literal", operations=["read"], permission="allow")
    base.update(overrides)
    return base


def key(principal="User:alice", resource_type="topic", name="orders", operation="read",
        permission="allow", pattern="literal", host="*"):
    return AclKey(principal, host, resource_type, name, pattern, operation, permission)


@pytest.mark.parametrize("raw, expected", [
    ("read", "read"), ("READ", "read"), ("DescribeConfigs", "describe_configs"),
    ("describe-configs", "describe_configs"), ("IDEMPOTENT_WRITE", "idempotent_write"),
    ("All", "all"), ("reed", None), ("", None),
])
def test_normalize_operation(raw, expected):
    assert normalize_operation(raw) == expected


def test_expand_binding_one_acl_per_operation():
    acls = expand_binding(binding(operations=["Read", "describe"]))
    assert acls == [key(operation="read"), key(operation="describe")]


def test_cluster_name_defaults():
    acls = expand_binding(binding(resource_type="cluster", resource_name=None,
                                  operations=["idempotent_write"]))
    assert acls == [key(resource_type="cluster", name="kafka-cluster",
                        operation="idempotent_write")]


@pytest.mark.parametrize("overrides, message", [
    (dict(principal="alice"), "malformed"),
    (dict(principal="User: alice "), "malformed"),
    (dict(principal=" User:alice"), "malformed"),
    (dict(principal="User:al\nice"), "malformed"),
    (dict(principal=""), "principal is required"),
    (dict(host="broker.example.com"), "not an IP address"),
    (dict(operations=["fly"]), "unknown operation 'fly'"),
    (dict(operations=[]), "at least one operation"),
    (dict(resource_type="group", operations=["write"]), "does not apply to resource_type group"),
    (dict(resource_type="transactional_id", operations=["read"]), "does not apply"),
    (dict(resource_type="user", operations=["read"]), "does not apply"),
    (dict(resource_type="table"), "resource_type 'table'"),
    (dict(pattern_type="match"), "pattern_type 'match'"),
    (dict(resource_name=""), "resource_name is required"),
    (dict(resource_name="*", pattern_type="prefixed"), "wildcard only"),
    (dict(resource_type="cluster", resource_name="other"), "always named kafka-cluster"),
    (dict(permission="maybe"), "not allow or deny"),
])
def test_invalid_bindings(overrides, message):
    with pytest.raises(AclValidationError, match=message):
        expand_binding(binding(**overrides))


def test_expand_bindings_rejects_empty_and_names_the_index():
    with pytest.raises(AclValidationError, match="at least one binding"):
        expand_bindings([])
    with pytest.raises(AclValidationError, match=r"acls\[1\]"):
        expand_bindings([binding(), binding(operations=["nope"])])


def test_ipv6_host_normalised():
    assert expand_binding(binding(host="::0001"))[0].host == "::1"


def test_present_creates_missing_only():
    desired = set([key(), key(operation="describe")])
    current = set([key(), key(principal="User:bob")])
    create, delete = compute_changes(desired, current)
    assert create == [key(operation="describe")]
    assert delete == []


def test_absent_deletes_declared_existing():
    desired = set([key(), key(operation="describe")])
    create, delete = compute_changes(desired, set([key(), key(principal="User:bob")]), "absent")
    assert (create, delete) == ([], [key()])


def test_exclusive_principal_scope_touches_nothing_outside():
    desired = set([key()])
    current = set([key(), key(operation="write"), key(principal="User:bob", operation="write")])
    scope = parse_scope(dict(principals=["User:alice"]))
    create, delete = compute_changes(desired, current, "present", scope)
    assert create == [] and delete == [key(operation="write")]


def test_exclusive_resource_scope():
    desired = set([key()])
    current = set([key(principal="User:bob"), key(principal="User:bob", name="other")])
    scope = parse_scope(dict(resources=[dict(resource_type="topic", resource_name="orders")]))
    create, delete = compute_changes(desired, current, "present", scope)
    assert create == [key()] and delete == [key(principal="User:bob")]
    assert relevant(current, desired, scope) == [key(principal="User:bob")]


def test_exclusive_needs_a_scope():
    with pytest.raises(AclValidationError, match="exclusive needs"):
        parse_scope(dict(principals=[], resources=[]))
    assert parse_scope(None) is None


@pytest.mark.parametrize("desired, scope, expected", [
    ([key(), key(operation="write")], None,
     dict(principal="User:alice", resource=("topic", "orders", "literal"))),
    ([key(), key(principal="User:bob")], None, dict(resource=("topic", "orders", "literal"))),
    ([key(), key(name="x")], None, dict(principal="User:alice")),
    ([key(), key(principal="User:bob", name="x")], None, {}),
    ([key()], (set(["User:alice"]), set()), dict(principal="User:alice")),
    ([key()], (set(), set([("topic", "orders", "literal")])),
     dict(resource=("topic", "orders", "literal"))),
    ([key()], (set(["User:alice"]), set([("topic", "orders", "literal")])), {}),
])
def test_describe_filter_is_narrowest_covering(desired, scope, expected):
    assert describe_filter(set(desired), scope) == expected


def test_chunks():
    assert [len(c) for c in chunks(range(12001))] == [5000, 5000, 2001]


def test_acl_line_names_every_field():
    acl = expand_binding(binding(principal="User:orders", host="10.0.0.1",
                                 resource_name="orders.", pattern_type="prefixed",
                                 operations=["DescribeConfigs"], permission="deny"))[0]
    assert acl_line(acl) == ("User:orders deny describe_configs on prefixed topic:orders. "
                             "from 10.0.0.1")


def test_delete_failures_keeps_refusals_only():
    a, b, c = (AclKey("User:a", "*", "topic", name, "literal", "read", "allow")
               for name in ("x", "y", "z"))
    responses = [(None, [], kafka_errors.NoError), (None, [], kafka_errors.SecurityDisabledError),
                 (None, [], None)]
    assert delete_failures([a, b, c], responses) == [(b, "SecurityDisabledError")]


def test_create_failures_names_the_acls_not_created():
    a, b = (AclKey("User:a", "*", "topic", name, "literal", "read", "allow") for name in "xy")
    created = [to_kafka_acl(a, kafka_admin)]
    assert create_failures([a, b], dict(succeeded=created, failed=[])) == []
    outcome = dict(succeeded=created, failed=[kafka_errors.SecurityDisabledError, "odd"])
    assert create_failures([a, b], outcome) == [(b, "SecurityDisabledError, odd")]


def test_diff_text_one_line_per_acl():
    acl = AclKey("User:a", "*", "topic", "x", "literal", "read", "allow")
    assert diff_text([]) == "\n"
    assert diff_text([acl, acl]) == ("User:a allow read on literal topic:x from *\n" * 2)
