# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_acl's main() against a fake admin client at the KafkaConnection seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from kafka import admin as kafka_admin
from kafka import errors as kafka_errors

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_acl as acl_utils
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_acl import (
    AclKey,
    from_kafka_acl,
    to_kafka_acl,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.modules import kafka_acl

CONNECTION = dict(bootstrap_servers=["127.0.0.1:9092"])


def key(principal="User:alice", operation="read", name="orders", pattern="literal",
        resource_type="topic", permission="allow", host="*"):
    return AclKey(principal, host, resource_type, name, pattern, operation, permission)


class FakeAdmin(object):
    """The ACL calls of kafka-python's KafkaAdminClient over a set of AclKey."""

    def __init__(self, acls=(), refuse_create=(), refuse_delete=(), broken=None):
        self.acls = set(acls)
        self.refuse_create = set(refuse_create)
        self.refuse_delete = set(refuse_delete)
        self.broken = broken
        self.calls = []
        self.closed = False

    def describe_acls(self, acl_filter):
        self.calls.append(("describe", acl_filter.principal))
        if self.broken:
            raise self.broken
        return [to_kafka_acl(acl, kafka_admin) for acl in sorted(self.acls)], kafka_errors.NoError

    def delete_acls(self, filters):
        self.calls.append(("delete", len(filters)))
        answers = []
        for acl_filter in filters:
            acl = from_kafka_acl(acl_filter)
            if acl in self.refuse_delete:
                answers.append((acl_filter, [], kafka_errors.SecurityDisabledError))
            else:
                self.acls.discard(acl)
                answers.append((acl_filter, [], kafka_errors.NoError))
        return answers

    def create_acls(self, acls):
        self.calls.append(("create", len(acls)))
        outcome = dict(succeeded=[], failed=[])
        for item in acls:
            acl = from_kafka_acl(item)
            if acl in self.refuse_create:
                outcome["failed"].append(kafka_errors.InvalidRequestError)
            else:
                self.acls.add(acl)
                outcome["succeeded"].append(item)
        return outcome

    def close(self):
        self.closed = True


@pytest.fixture
def fake(monkeypatch):
    admin = FakeAdmin()
    monkeypatch.setattr(KafkaConnection, "open", lambda self, ctx=None: admin)
    return admin


def binding(principal="User:alice", operations=("read",), name="orders", **extra):
    item = dict(principal=principal, resource_type="topic", resource_name=name,
                operations=list(operations))
    item.update(extra)
    return item


def args(*bindings, **options):
    result = dict(CONNECTION, acls=list(bindings))
    result.update(options)
    return result


def test_no_op_sends_only_describe(run_main, fake):
    fake.acls = {key()}
    result, failed = run_main(kafka_acl.main, args(binding()))
    assert not failed
    assert result["changed"] is False
    assert result["created"] == [] and result["deleted"] == []
    assert "acls" not in result and "diff" not in result
    assert fake.calls == [("describe", "User:alice")]
    assert fake.closed


def test_create_sends_create_acls(run_main, fake):
    result, failed = run_main(kafka_acl.main, args(binding(operations=["read", "Describe"])))
    assert not failed and result["changed"] is True
    assert result["created"] == ["User:alice allow describe on literal topic:orders from *",
                                 "User:alice allow read on literal topic:orders from *"]
    assert fake.acls == {key(), key(operation="describe")}
    assert fake.calls == [("describe", "User:alice"), ("create", 2)]


def test_check_mode_predicts_the_real_run(run_main, fake):
    fake.acls = {key(operation="write")}
    options = dict(exclusive=dict(principals=["User:alice"]), return_acls=True)
    predicted, failed = run_main(kafka_acl.main, args(binding(), **options), check_mode=True,
                                 diff=True)
    assert not failed and predicted["changed"] is True
    assert fake.acls == {key(operation="write")}
    assert fake.calls == [("describe", "User:alice")]
    applied, failed = run_main(kafka_acl.main, args(binding(), **options), diff=True)
    assert not failed
    assert applied == predicted
    assert fake.acls == {key()}
    assert predicted["deleted"] == ["User:alice allow write on literal topic:orders from *"]
    assert predicted["acls"] == [dict(principal="User:alice", host="*", resource_type="topic",
                                      resource_name="orders", pattern_type="literal",
                                      operation="read", permission="allow")]
    again, failed = run_main(kafka_acl.main, args(binding(), **options))
    assert not failed and again["changed"] is False


def test_diff_shows_relevant_lines_only(run_main, fake):
    fake.acls = {key(principal="User:bob")}
    result, failed = run_main(kafka_acl.main, args(binding()), check_mode=True, diff=True)
    assert not failed
    assert result["diff"] == dict(
        before="\n",
        after="User:alice allow read on literal topic:orders from *\n")


def test_state_absent_deletes_declared_acls_only(run_main, fake):
    fake.acls = {key(), key(operation="write")}
    result, failed = run_main(kafka_acl.main, args(binding(), state="absent"))
    assert not failed and result["changed"] is True
    assert result["deleted"] == ["User:alice allow read on literal topic:orders from *"]
    assert fake.acls == {key(operation="write")}


def test_deletes_are_chunked(run_main, fake, monkeypatch):
    monkeypatch.setattr(acl_utils, "DELETE_CHUNK_SIZE", 2)
    fake.acls = set(key(name="t%d" % index) for index in range(5))
    result, failed = run_main(kafka_acl.main, args(
        *[binding(name="t%d" % index) for index in range(5)], state="absent"))
    assert not failed and len(result["deleted"]) == 5
    assert fake.calls[1:] == [("delete", 2), ("delete", 2), ("delete", 1)]
    assert fake.acls == set()


def test_partial_failure_names_every_refused_change(run_main, fake):
    fake.acls = {key(principal="User:old")}
    fake.refuse_create = {key(operation="write")}
    fake.refuse_delete = {key(principal="User:old")}
    result, failed = run_main(kafka_acl.main, args(
        binding(operations=["read", "write"]),
        exclusive=dict(principals=["User:alice", "User:old"])))
    assert failed
    assert result["msg"] == (
        "Kafka refused 2 ACL change(s): delete User:old allow read on literal topic:orders "
        "from *: SecurityDisabledError; create User:alice allow write on literal topic:orders "
        "from *: InvalidRequestError")
    assert result["changed"] is True
    assert len(result["created"]) == 2 and len(result["deleted"]) == 1
    assert fake.acls == {key(), key(principal="User:old")}


def test_failure_message_lists_at_most_twenty(run_main, fake):
    fake.refuse_create = set(key(name="t%02d" % index) for index in range(25))
    result, failed = run_main(kafka_acl.main, args(
        *[binding(name="t%02d" % index) for index in range(25)]))
    assert failed
    assert result["msg"].startswith("Kafka refused 25 ACL change(s): create User:alice")
    assert result["msg"].count("InvalidRequestError") == 20


@pytest.mark.parametrize("bad, expected", [
    (binding(principal="alice"), "principal 'alice' is malformed"),
    (binding(operations=["write"], resource_type="group"),
     "operation write does not apply to resource_type group"),
    (dict(binding(), colour="red"), "acls[1]: unsupported key(s) colour"),
])
def test_invalid_input_fails_before_any_request(run_main, fake, bad, expected):
    result, failed = run_main(kafka_acl.main, args(binding(name="fine"), bad))
    assert failed
    assert result["msg"].startswith("Invalid ACLs, nothing was changed: ")
    assert expected in result["msg"]
    assert fake.calls == []


def test_exclusive_with_absent_is_refused(run_main, fake):
    result, failed = run_main(kafka_acl.main, args(
        binding(), state="absent", exclusive=dict(principals=["User:alice"])))
    assert failed
    assert result["msg"].startswith("exclusive only applies to state=present")
    assert fake.calls == []


def test_describe_error_names_the_step(run_main, fake):
    fake.broken = kafka_errors.SecurityDisabledError("no authorizer")
    result, failed = run_main(kafka_acl.main, args(binding()))
    assert failed
    assert result["msg"].startswith("DescribeAcls failed against 127.0.0.1:9092: ")
    assert "SecurityDisabledError" in result["msg"]
