# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_topic's main() against a fake admin client at the KafkaConnection seam.

The fake keeps topics, partitions and dynamic configs, and offers only kafka-python's public
admin calls (so kafka_wire takes its fallbacks; the fast paths are tested against a real broker
in tests/integration/kafka/test_wire.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from kafka import errors as kafka_errors
from kafka.admin import AlterConfigOp

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.modules import kafka_topic

CONNECTION = dict(bootstrap_servers=["127.0.0.1:9092"])
DEFAULTS = {"retention.ms": "604800000", "cleanup.policy": "delete"}
WRITES = ("create_topics", "create_partitions", "alter_configs", "delete_topics",
          "alter_partition_reassignments")


class _Result(object):
    def __init__(self, name, error_code, error_message=None):
        self.name, self.error_code, self.error_message = name, error_code, error_message


class _Results(object):
    def __init__(self, results):
        self.results = results


class FakeAdmin(object):
    """A one-broker cluster behind kafka-python's public admin calls."""

    def __init__(self, topics=None, refuse_alter=(), broken=None):
        # {name: {"replicas": [[broker ids] per partition], "config": {key: value}}}
        self.topics = copy.deepcopy(topics or {})
        self.refuse_alter = set(refuse_alter)
        self.broken = broken
        self.calls = []
        self.closed = False

    def writes(self):
        return [call for call in self.calls if call[0] in WRITES and not call[-1]]

    def list_topics(self):
        self.calls.append(("list_topics",))
        return sorted(self.topics)

    def describe_topics(self, names):
        self.calls.append(("describe_topics", list(names)))
        if self.broken:
            raise self.broken
        answers = []
        for name in names:
            topic = self.topics.get(name)
            if topic is None:
                answers.append(dict(name=name, error_code=3, is_internal=False, partitions=[]))
                continue
            answers.append(dict(name=name, error_code=0, is_internal=False, partitions=[
                dict(partition_index=i, leader_id=r[0], replica_nodes=r, isr_nodes=r)
                for i, r in enumerate(topic["replicas"])]))
        return answers

    def describe_configs(self, resources, config_filter):
        self.calls.append(("describe_configs", [r.name for r in resources]))
        answer = {}
        for resource in resources:
            topic = self.topics.get(resource.name)
            if topic is None:
                answer[resource.name] = {}
                continue
            keys = resource.configs or sorted(set(DEFAULTS) | set(topic["config"]))
            answer[resource.name] = dict(
                (key, dict(value=topic["config"][key], config_source="DYNAMIC_TOPIC_CONFIG")
                 if key in topic["config"] else
                 dict(value=DEFAULTS.get(key), config_source="DEFAULT_CONFIG")) for key in keys)
        return dict(topic=answer)

    def describe_cluster(self):
        self.calls.append(("describe_cluster",))
        return dict(brokers=[dict(broker_id=1, rack=None)])

    def list_partition_reassignments(self, partitions):
        self.calls.append(("list_partition_reassignments",))
        return {}

    def create_topics(self, topics, timeout_ms=None, validate_only=False, raise_errors=True):
        self.calls.append(("create_topics", sorted(topics), validate_only))
        answers = []
        for name, spec in sorted(topics.items()):
            if name in self.topics:
                answers.append(dict(name=name, error_code=36, error_message="exists"))
                continue
            answers.append(dict(name=name, error_code=0, error_message=None))
            if not validate_only:
                count = spec["num_partitions"] if spec["num_partitions"] > 0 else 1
                self.topics[name] = dict(replicas=[[1]] * count,
                                         config=dict(spec["configs"]))
        return dict(topics=answers)

    def create_partitions(self, topics, timeout_ms=None, validate_only=False, raise_errors=True):
        self.calls.append(("create_partitions", sorted(topics), validate_only))
        for name, count in topics.items():
            if not validate_only:
                replicas = self.topics[name]["replicas"]
                replicas.extend([[1]] * (count - len(replicas)))
        return _Results([_Result(name, 0) for name in sorted(topics)])

    def alter_configs(self, resources, validate_only=False, raise_on_unknown=True,
                      incremental=None):
        self.calls.append(("alter_configs", [r.name for r in resources], validate_only))
        answer = {}
        for resource in resources:
            if resource.name in self.refuse_alter:
                answer[resource.name] = "PolicyViolationError: no"
                continue
            answer[resource.name] = "OK"
            if validate_only:
                continue
            config = self.topics[resource.name]["config"]
            for key, (op, value) in resource.configs.items():
                if op == AlterConfigOp.DELETE:
                    config.pop(key, None)
                else:
                    config[key] = value
        return dict(topic=answer)

    def delete_topics(self, names, timeout_ms=None, raise_errors=True):
        self.calls.append(("delete_topics", sorted(names), False))
        for name in names:
            self.topics.pop(name, None)
        return dict(topics=[dict(name=name, error_code=0) for name in names])

    def close(self):
        self.closed = True


def orders(partitions=3, **config):
    return dict(orders=dict(replicas=[[1]] * partitions, config=config))


@pytest.fixture
def connect(monkeypatch):
    """connect(FakeAdmin(...)) puts the fake at the seam; returns it."""
    def put(admin):
        monkeypatch.setattr(KafkaConnection, "open", lambda self, ctx=None: admin)
        return admin
    return put


def run(run_main, args, **kwargs):
    return run_main(kafka_topic.main, dict(CONNECTION, **args), **kwargs)


def test_create(run_main, connect):
    admin = connect(FakeAdmin())
    result, failed = run(run_main, dict(name="orders", partitions=3,
                                        config={"retention.ms": "7d"}))
    assert not failed and result["changed"] is True
    assert result["created"] == ["orders"] and result["updated"] == [] == result["unchanged"]
    assert result["topics"] == [dict(name="orders", action="created", changes=["create topic"])]
    assert result["failed_topics"] == {}
    # validated by the broker first, then created with the normalised config
    assert admin.writes() == [("create_topics", ["orders"], False)]
    assert ("create_topics", ["orders"], True) in admin.calls
    assert admin.topics == orders(3, **{"retention.ms": "604800000"})
    assert admin.closed


def test_no_op_changes_nothing(run_main, connect):
    admin = connect(FakeAdmin(orders(3, **{"retention.ms": "604800000"})))
    result, failed = run(run_main, dict(name="orders", partitions=3,
                                        config={"retention.ms": "1w"}))
    assert not failed and result["changed"] is False
    assert result["unchanged"] == ["orders"] and result["topics"] == []
    assert admin.writes() == [] and "diff" not in result
    assert not any(call[0] in WRITES for call in admin.calls)  # not even a dry run


@pytest.mark.parametrize("args", [
    dict(name="orders", partitions=6, config={"retention.ms": "1d"}),
    dict(topics=[dict(name="orders", state="absent"), dict(name="payments", partitions=2)]),
    dict(name="orders", config={"retention.ms": None, "cleanup.policy": ["compact"]}),
])
def test_check_mode_predicts_the_real_run(run_main, connect, args):
    existing = orders(3, **{"retention.ms": "604800000"})
    checked = connect(FakeAdmin(existing))
    predicted, failed = run(run_main, args, check_mode=True, diff=True)
    assert not failed and predicted["changed"] is True
    assert checked.topics == existing and checked.writes() == []
    applied = connect(FakeAdmin(existing))
    result, failed = run(run_main, args, diff=True)
    assert not failed
    assert predicted == result
    assert applied.topics != existing
    # the second run reports no change
    connect(applied)
    again, failed = run(run_main, args)
    assert not failed and again["changed"] is False


def test_diff_shows_before_and_after(run_main, connect):
    connect(FakeAdmin(orders(3, **{"retention.ms": "604800000"})))
    result, failed = run(run_main, dict(name="orders", partitions=6,
                                        config={"retention.ms": "1d"}), diff=True)
    assert not failed
    assert result["diff"] == dict(
        before=dict(orders=dict(partitions=3, replication_factor=1,
                                config={"retention.ms": "604800000"})),
        after=dict(orders=dict(partitions=6, replication_factor=1,
                               config={"retention.ms": "86400000"})))
    assert result["topics"][0]["changes"] == ["config retention.ms: 604800000 -> 86400000",
                                              "partitions: 3 -> 6"]


def test_partition_decrease_is_refused(run_main, connect):
    admin = connect(FakeAdmin(orders(6)))
    result, failed = run(run_main, dict(name="orders", partitions=3))
    assert failed
    assert result["msg"] == (
        "Topic changes refused, nothing was changed: topic 'orders' has 6 partitions; "
        "decreasing to 3 is not possible in Kafka (it would lose data and break key "
        "ordering). Create a new topic instead")
    assert len(result["problems"]) == 1
    assert not any(call[0] in WRITES for call in admin.calls)
    assert len(admin.topics["orders"]["replicas"]) == 6


def test_partial_failure_names_what_failed_and_what_was_applied(run_main, connect):
    existing = orders(3)
    existing["payments"] = dict(replicas=[[1]], config={})
    admin = connect(FakeAdmin(existing, refuse_alter={"payments"}))
    result, failed = run(run_main, dict(config={"retention.ms": "1d"}, topics=[
        dict(name="orders"), dict(name="payments")]))
    assert failed
    assert result["msg"] == ("1 topic(s) failed: payments (alter config: PolicyViolationError: "
                             "no). Applied: orders")
    assert result["failed_topics"] == {"payments": "alter config: PolicyViolationError: no"}
    assert result["updated"] == ["orders"] and result["changed"] is True
    assert result["topics"][1] == dict(
        name="payments", action="failed", error="alter config: PolicyViolationError: no",
        changes=["config retention.ms: 604800000 -> 86400000"])
    assert admin.topics["orders"]["config"] == {"retention.ms": "86400000"}
    assert admin.topics["payments"]["config"] == {}


def test_broker_refusal_in_check_mode_changes_nothing(run_main, connect):
    admin = connect(FakeAdmin(orders(3), refuse_alter={"orders"}))
    result, failed = run(run_main, dict(name="orders", config={"retention.ms": "1d"}),
                         check_mode=True)
    assert failed
    assert result["msg"] == ("The broker refused the changes, nothing was changed: topic "
                             "'orders' config cannot be changed: PolicyViolationError: no")
    assert result["updated"] == ["orders"] and admin.writes() == []


def test_invalid_input_fails_before_connecting(run_main, monkeypatch):
    def refuse(self, ctx=None):
        raise AssertionError("no connection for an invalid batch")
    monkeypatch.setattr(KafkaConnection, "open", refuse)
    result, failed = run(run_main, dict(topics=[dict(name="bad name"), dict(name="orders")],
                                        reassignment_timeout=-1))
    assert failed
    assert result["msg"].startswith("Invalid topic specification, nothing was changed: ")
    assert "topic name 'bad name' contains illegal character(s) ' '" in result["msg"]
    assert result["problems"][0] == "reassignment_timeout must be 0 or more seconds"
    assert len(result["problems"]) == 2
    result, failed = run(run_main, dict(name="orders", config={"retention.msx": 5}))
    assert failed and result["problems"] == [
        "topic 'orders': unknown topic config key 'retention.msx'. Valid keys: see "
        "https://kafka.apache.org/documentation/#topicconfigs"]


def test_library_error_names_the_step(run_main, connect):
    connect(FakeAdmin(broken=kafka_errors.KafkaTimeoutError("slow")))
    result, failed = run(run_main, dict(name="orders"))
    assert failed
    assert result["msg"].startswith("reading the current topics failed: 127.0.0.1:9092 did "
                                    "not answer within request_timeout_ms")
    assert "exception" in result


def test_delete_undeclared_inside_scope(run_main, connect):
    existing = orders(1)
    existing["shop.old"] = dict(replicas=[[1]], config={})
    existing["other"] = dict(replicas=[[1]], config={})
    admin = connect(FakeAdmin(existing))
    result, failed = run(run_main, dict(topics=[dict(name="shop.new")], delete_undeclared=True,
                                        undeclared_scope=dict(prefix="shop.")))
    assert not failed
    assert result["created"] == ["shop.new"] and result["deleted"] == ["shop.old"]
    assert sorted(admin.topics) == ["orders", "other", "shop.new"]
