# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_quota's main() against a fake client-quota server at the KafkaConnection seam.

The raw DescribeClientQuotas / AlterClientQuotas calls are replaced where QuotaResource looks
them up (``module_utils.kafka_quota``), so everything from main() to the wire is real.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from kafka import errors as kafka_errors

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_quota as quota_utils
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.modules import kafka_quota

CONNECTION = dict(bootstrap_servers=["127.0.0.1:9092"])
ALICE = (("user", "alice"),)
BOB = (("user", "bob"),)
DEFAULT_USER = (("user", None),)


class FakeQuotas(object):
    """Client quotas of a cluster, {entity: {key: value}}, refusing some entities."""

    def __init__(self):
        self.quotas = {}
        self.refuse = {}
        self.refuse_on_apply = {}
        self.calls = []
        self.errors = {}

    def describe(self, admin):
        assert admin is self
        self.calls.append("describe")
        if "describe" in self.errors:
            raise self.errors["describe"]
        return dict((entity, dict(values)) for entity, values in self.quotas.items())

    def alter(self, admin, changes, validate_only=False):
        assert admin is self
        self.calls.append(("validate" if validate_only else "alter", dict(changes)))
        refused = dict((e, m) for e, m in self.refuse.items() if e in changes)
        if not validate_only:
            refused.update((e, m) for e, m in self.refuse_on_apply.items() if e in changes)
        if validate_only:
            return refused
        for entity, ops in changes.items():
            if entity in refused:
                continue
            values = self.quotas.setdefault(entity, {})
            for key, value in ops.items():
                if value is None:
                    values.pop(key, None)
                else:
                    values[key] = value
            if not values:
                del self.quotas[entity]
        return refused

    def close(self):
        pass


@pytest.fixture
def fake(monkeypatch):
    server = FakeQuotas()
    monkeypatch.setattr(KafkaConnection, "open", lambda self, ctx=None: server)
    monkeypatch.setattr(quota_utils, "describe_client_quotas", server.describe)
    monkeypatch.setattr(quota_utils, "alter_client_quotas", server.alter)
    return server


def args(*items, **options):
    result = dict(CONNECTION, quotas=list(items))
    result.update(options)
    return result


def test_no_op_sends_no_alter(run_main, fake):
    fake.quotas = {ALICE: {"producer_byte_rate": 1024.0}}
    result, failed = run_main(kafka_quota.main, args(
        dict(user="alice", quotas=dict(producer_byte_rate=1024))))
    assert not failed and result["changed"] is False
    assert result["changes"] == {}
    assert result["quotas"] == [dict(user="alice", quotas=dict(producer_byte_rate=1024))]
    assert fake.calls == ["describe"]


def test_set_validates_then_alters(run_main, fake):
    result, failed = run_main(kafka_quota.main, args(
        dict(user="<default>", quotas=dict(request_percentage=12.5, consumer_byte_rate=2048))))
    assert not failed and result["changed"] is True
    changes = {DEFAULT_USER: {"request_percentage": 12.5, "consumer_byte_rate": 2048.0}}
    assert fake.calls == ["describe", ("validate", changes), ("alter", changes)]
    assert result["changes"] == {"user=<default>": dict(request_percentage=12.5,
                                                        consumer_byte_rate=2048)}
    assert fake.quotas == changes


def test_check_mode_validates_and_predicts_the_real_run(run_main, fake):
    fake.quotas = {ALICE: {"producer_byte_rate": 1024.0, "request_percentage": 50.0}}
    item = dict(user="alice", quotas=dict(producer_byte_rate=4096))
    predicted, failed = run_main(kafka_quota.main, args(item, remove_undeclared=True),
                                 check_mode=True, diff=True)
    assert not failed and predicted["changed"] is True
    assert [call if call == "describe" else call[0] for call in fake.calls] == [
        "describe", "validate"]
    assert fake.quotas == {ALICE: {"producer_byte_rate": 1024.0, "request_percentage": 50.0}}
    applied, failed = run_main(kafka_quota.main, args(item, remove_undeclared=True), diff=True)
    assert not failed and applied == predicted
    assert fake.quotas == {ALICE: {"producer_byte_rate": 4096.0}}
    assert predicted["changes"] == {
        "user=alice": dict(producer_byte_rate=4096, request_percentage=None)}
    assert predicted["diff"] == dict(
        before=[dict(user="alice", quotas=dict(producer_byte_rate=1024, request_percentage=50))],
        after=[dict(user="alice", quotas=dict(producer_byte_rate=4096))])
    again, failed = run_main(kafka_quota.main, args(item, remove_undeclared=True))
    assert not failed and again["changed"] is False


def test_refused_in_validation_changes_nothing(run_main, fake):
    fake.refuse = {BOB: "Invalid quota value"}
    result, failed = run_main(kafka_quota.main, args(
        dict(user="alice", quotas=dict(producer_byte_rate=1024)),
        dict(user="bob", quotas=dict(producer_byte_rate=1))))
    assert failed
    assert result["msg"] == ("Kafka refused the quotas of user=bob: Invalid quota value; "
                             "nothing was changed")
    assert [call if call == "describe" else call[0] for call in fake.calls] == [
        "describe", "validate"]
    assert fake.quotas == {}
    assert result["changed"] is True and len(result["changes"]) == 2


def test_refused_on_apply_says_the_others_were_applied(run_main, fake):
    fake.refuse_on_apply = {BOB: "race"}
    result, failed = run_main(kafka_quota.main, args(
        dict(user="alice", quotas=dict(producer_byte_rate=1024)),
        dict(user="bob", quotas=dict(producer_byte_rate=1))))
    assert failed
    assert result["msg"] == ("Kafka refused the quotas of user=bob: race; the other entities "
                             "were applied")
    assert fake.quotas == {ALICE: {"producer_byte_rate": 1024.0}}


@pytest.mark.parametrize("items, expected", [
    ([dict(ip="10.0.0.300", quotas=dict(connection_creation_rate=5))],
     "quotas[0]: ip '10.0.0.300' is not an IP address"),
    ([dict(user="alice", quotas=dict(producer_byte_rate=-1))],
     "quotas[0]: producer_byte_rate must be a positive number"),
    ([dict(user="alice")], "quotas[0]: state=present needs at least one quota"),
])
def test_invalid_input_fails_before_any_request(run_main, fake, items, expected):
    result, failed = run_main(kafka_quota.main, args(*items))
    assert failed
    assert result["msg"].startswith("Invalid quotas, nothing was changed: " + expected)
    assert fake.calls == []


def test_describe_error_names_the_step(run_main, fake):
    fake.errors["describe"] = kafka_errors.ClusterAuthorizationFailedError("denied")
    result, failed = run_main(kafka_quota.main, args(
        dict(user="alice", quotas=dict(producer_byte_rate=1024))))
    assert failed
    assert result["msg"].startswith("DescribeClientQuotas failed: the principal is not "
                                    "authorized")
