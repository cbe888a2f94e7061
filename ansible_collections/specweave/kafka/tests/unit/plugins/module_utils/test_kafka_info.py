# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_info import (
    evaluate_health, group_lag, metadata_request_topics, min_isr_of, resolve_gather,
    split_metadata, summarize_brokers, summarize_configs, summarize_quorum, summarize_topic,
    topic_filter, validate_params, wait_until_healthy)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import ModuleFailure


@pytest.mark.parametrize("gather, expected", [
    (None, {"brokers", "topics", "quorum"}),
    ([], {"brokers", "topics", "quorum"}),
    (["brokers"], {"brokers"}),
    (["configs"], {"configs", "topics"}),
    (["all"], {"brokers", "topics", "configs", "consumer_groups", "quorum"}),
    (["all", "brokers"], {"brokers", "topics", "configs", "consumer_groups", "quorum"}),
])
def test_resolve_gather(gather, expected):
    assert resolve_gather(gather) == expected


@pytest.mark.parametrize("params, expected", [
    (dict(topic_pattern="orders.("), "topic_pattern 'orders.(' is not a valid regular"),
    (dict(topics=["ok", ""]), "topics contains an empty name"),
    (dict(topics=["  "]), "topics contains an empty name"),
    (dict(expected_brokers=0), "expected_brokers must be 1 or more"),
    (dict(quorum_max_lag_ms=-1), "quorum_max_lag_ms must be 0 or more"),
    (dict(quorum_max_lag=-5), "quorum_max_lag must be 0 or more, got -5"),
    (dict(require_brokers=[1, -2]), "require_brokers holds node ids, 0 or more; got -2"),
    (dict(gather=["brokers"], require_voters=[1]),
     "require_voters needs the quorum: add quorum to gather"),
    (dict(gather=["quorum"], require_brokers=[1]),
     "require_brokers needs the brokers: add brokers to gather"),
    (dict(gather=["topics"], quorum_max_lag=10),
     "quorum_max_lag needs the quorum: add quorum to gather"),
    (dict(wait=True, wait_timeout=0, wait_interval=0.5),
     "wait_timeout must be 1 second or more, got 0"),
    (dict(wait=True, wait_timeout=10, wait_interval=0),
     "wait_interval must be more than 0 and at most 60 seconds, got 0"),
])
def test_validate_params_rejects(params, expected):
    problems = validate_params(params)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize("params", [
    dict(), dict(topic_pattern=r"orders\..*", topics=["a"], expected_brokers=3,
                 quorum_max_lag_ms=0),
    dict(gather=["brokers", "quorum"], require_brokers=[1], require_voters=[0],
         quorum_max_lag=0, wait=True, wait_timeout=1, wait_interval=60),
    # wait_* are not checked when not waiting
    dict(wait=False, wait_timeout=0, wait_interval=0),
])
def test_validate_params_accepts(params):
    assert validate_params(params) == []


NAMES = ["orders", "orders.eu", "orders.us", "payments", "__consumer_offsets",
         "__transaction_state", "_schemas", "__orders_internal"]


@pytest.mark.parametrize("kwargs, expected", [
    (dict(), ["orders", "orders.eu", "orders.us", "payments"]),
    (dict(include_internal=True), NAMES),
    (dict(prefix="orders."), ["orders.eu", "orders.us"]),
    (dict(pattern=r"orders\.(eu|us)"), ["orders.eu", "orders.us"]),
    # the pattern matches the whole name, as Kafka's pattern subscriptions do
    (dict(pattern="orders"), ["orders"]),
    (dict(pattern=".*orders.*", include_internal=True),
     ["orders", "orders.eu", "orders.us", "__orders_internal"]),
    (dict(names=["payments", "__consumer_offsets"]), ["payments", "__consumer_offsets"]),
    (dict(names=["payments"], prefix="orders.u"), ["orders.us", "payments"]),
    (dict(prefix="orders", pattern=r".*\.eu"), ["orders.eu"]),
])
def test_topic_filter(kwargs, expected):
    wanted = topic_filter(**kwargs)
    assert sorted(n for n in NAMES if wanted(n)) == sorted(expected)


def test_topic_filter_respects_internal_flag():
    assert topic_filter()("weird", True) is False
    assert topic_filter(include_internal=True)("weird", True) is True


@pytest.mark.parametrize("kwargs, expected", [
    (dict(), None),
    (dict(names=["b", "a", "a"]), ["a", "b"]),
    (dict(names=["a"], prefix="x"), None),
    (dict(pattern="x.*"), None),
])
def test_metadata_request_topics(kwargs, expected):
    assert metadata_request_topics(**kwargs) == expected


def test_summarize_brokers_sorted_with_fencing():
    cluster = dict(brokers=[
        dict(broker_id=3, host="h3", port=9092, rack="r3", is_fenced=True),
        dict(broker_id=1, host="h1", port=9092, rack=None, is_fenced=False),
        dict(node_id=2, host="h2", port=9093, rack="r2"),
    ])
    assert summarize_brokers(cluster) == [
        dict(id=1, host="h1", port=9092, rack=None, fenced=False),
        dict(id=2, host="h2", port=9093, rack="r2", fenced=False),
        dict(id=3, host="h3", port=9092, rack="r3", fenced=True),
    ]


def partition(index, leader, replicas, isr, offline=()):
    return dict(partition_index=index, leader_id=leader, replica_nodes=replicas, isr_nodes=isr,
                offline_replicas=list(offline), error_code=0)


@pytest.mark.parametrize("parts, live, min_isr, urp, offline, under_min", [
    ([partition(0, 1, [1, 2, 3], [1, 2, 3])], {1, 2, 3}, None, 0, 0, None),
    ([partition(1, 1, [1, 2, 3], [1, 2]), partition(0, 2, [2, 3, 1], [2, 1])],
     {1, 2}, 2, 2, 0, 0),
    ([partition(0, 1, [1, 2, 3], [1])], {1}, 2, 1, 0, 1),
    ([partition(0, -1, [3], [3], offline=[3])], {1, 2}, None, 0, 1, None),
    # a leader that is no longer a live broker counts as offline
    ([partition(0, 3, [3], [3])], {1, 2}, None, 0, 1, None),
    ([], set(), None, 0, 0, None),
])
def test_summarize_topic_counts(parts, live, min_isr, urp, offline, under_min):
    topic = summarize_topic(dict(name="t", topic_id="id", is_internal=False, partitions=parts),
                            live, min_isr)
    assert topic["under_replicated_partitions"] == urp
    assert topic["offline_partitions"] == offline
    assert topic.get("under_min_isr_partitions") == under_min
    assert [p["partition"] for p in topic["partitions"]] == sorted(
        p["partition_index"] for p in parts)
    assert topic["partition_count"] == len(parts)


def test_summarize_topic_shape():
    topic = summarize_topic(dict(name="__consumer_offsets", topic_id="abc", is_internal=True,
                                 partitions=[partition(0, 2, [2, 1], [2, 1])]), {1, 2})
    assert topic == dict(
        name="__consumer_offsets", topic_id="abc", internal=True, partition_count=1,
        replication_factor=2, under_replicated_partitions=0, offline_partitions=0,
        partitions=[dict(partition=0, leader=2, replicas=[2, 1], isr=[2, 1],
                         offline_replicas=[], under_replicated=False, offline=False)])


def test_split_metadata():
    present, missing, errors = split_metadata([
        dict(name="ok", error_code=0, partitions=[partition(0, 1, [1], [1])]),
        dict(name="gone", error_code=3, partitions=[]),
        dict(name="busy", error_code=5, partitions=[]),
        dict(name="leaderless", error_code=5, partitions=[partition(0, -1, [1], [])]),
    ])
    assert [t["name"] for t in present] == ["ok", "leaderless"]
    assert missing == ["gone"]
    assert errors == {"busy": "error code 5"}


ENTRIES = {
    "retention.ms": dict(value="1000", config_source="DYNAMIC_TOPIC_CONFIG"),
    "cleanup.policy": dict(value="delete", config_source="DEFAULT_CONFIG"),
    "min.insync.replicas": dict(value="2", config_source="DYNAMIC_DEFAULT_BROKER_CONFIG"),
    "secret.thing": dict(value="hunter2", config_source="DYNAMIC_TOPIC_CONFIG",
                         is_sensitive=True),
}


@pytest.mark.parametrize("include_defaults, expected", [
    (False, {"retention.ms": "1000", "secret.thing": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}),
    (True, {"retention.ms": "1000", "cleanup.policy": "delete", "min.insync.replicas": "2",
            "secret.thing": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}),
])
def test_summarize_configs(include_defaults, expected):
    assert summarize_configs(ENTRIES, include_defaults) == expected


@pytest.mark.parametrize("entries, expected", [
    (ENTRIES, 2), ({}, None), (None, None),
    ({"min.insync.replicas": dict(value=None)}, None),
])
def test_min_isr_of(entries, expected):
    assert min_isr_of(entries) == expected


def voter(replica_id, leo, caught_up, fetched=None):
    return dict(replica_id=replica_id, log_end_offset=leo, last_caught_up_timestamp=caught_up,
                last_fetch_timestamp=caught_up if fetched is None else fetched)


def quorum(leader, hw, voters, observers=()):
    return dict(topics=[dict(topic_name="__cluster_metadata", partitions=[dict(
        partition_index=0, leader_id=leader, leader_epoch=4, high_watermark=hw,
        current_voters=voters, observers=list(observers))])],
        nodes=[dict(node_id=1, listeners=[dict(name="CONTROLLER", host="h1", port=9093)])])


def test_summarize_quorum_caught_up():
    result = summarize_quorum(quorum(1, 100, [voter(1, 102, 10000), voter(2, 100, 9800),
                                              voter(3, 99, 9000)]), max_lag_ms=5000)
    assert result["leader_id"] == 1 and result["voter_ids"] == [1, 2, 3]
    assert [v["lag"] for v in result["voters"]] == [0, 0, 1]
    assert [v["lag_time_ms"] for v in result["voters"]] == [0, 200, 1000]
    assert [v["status"] for v in result["voters"]] == ["Leader", "Follower", "Follower"]
    assert result["voters"][0]["endpoints"] == ["CONTROLLER://h1:9093"]
    assert result["max_follower_lag"] == 1 and result["max_follower_lag_time_ms"] == 1000
    assert result["caught_up"] is True and result["lagging_voters"] == []


@pytest.mark.parametrize("voters, leader, lagging", [
    ([voter(1, 500, 20000), voter(2, 500, 19000), voter(3, 120, 9000)], 1, [3]),
    # a new leader that never saw voter 3 catch up reports -1
    ([voter(1, 500, 20000), voter(2, 500, 19000), voter(3, -1, -1)], 1, [3]),
    ([voter(1, 500, 20000), voter(2, 500, 14999)], 1, [2]),
])
def test_summarize_quorum_lagging(voters, leader, lagging):
    result = summarize_quorum(quorum(leader, 500, voters), max_lag_ms=5000)
    assert result["lagging_voters"] == lagging
    assert result["caught_up"] is False


def test_summarize_quorum_without_leader_and_observers():
    result = summarize_quorum(quorum(-1, -1, [voter(1, 5, -1)], [voter(4, 5, 7)]))
    assert result["leader_id"] is None and result["caught_up"] is False
    assert result["observers"][0]["status"] == "Observer"
    assert summarize_quorum(dict(topics=[]))["available"] is False


@pytest.mark.parametrize("committed, ends, total, per_topic", [
    ({("t", 0): 2, ("t", 1): 7, ("t", 2): 10}, {("t", 0): 10, ("t", 1): 10, ("t", 2): 10},
     11, {"t": 11}),
    ({("a", 0): 5, ("b", 0): 0}, {("a", 0): 5, ("b", 0): 3}, 3, {"a": 0, "b": 3}),
    # committed beyond the end (truncated log) is not negative lag
    ({("t", 0): 12}, {("t", 0): 10}, 0, {"t": 0}),
    # no commit yet / topic deleted: unknown lag, not counted
    ({("t", 0): -1, ("gone", 0): 4}, {("t", 0): 10}, 0, {"t": 0, "gone": 0}),
])
def test_group_lag(committed, ends, total, per_topic):
    result = group_lag(committed, ends)
    assert result["lag"] == total
    assert dict((t, v["lag"]) for t, v in result["topics"].items()) == per_topic


def test_group_lag_partition_detail():
    result = group_lag({("t", 1): 3, ("t", 0): -1}, {("t", 0): 4, ("t", 1): 9})
    assert result["topics"]["t"]["partitions"] == [
        dict(partition=0, committed_offset=None, log_end_offset=4, lag=None),
        dict(partition=1, committed_offset=3, log_end_offset=9, lag=6)]


BROKERS = [dict(id=1, fenced=False), dict(id=2, fenced=False), dict(id=3, fenced=False)]


def topic_with(flags):
    return dict(partitions=[dict(partition=i, under_replicated=u, offline=o)
                            for i, (u, o) in enumerate(flags)])


@pytest.mark.parametrize("brokers, topics, quorum_state, expected_brokers, healthy, problems", [
    (BROKERS, {"t": topic_with([(False, False)])}, dict(available=True, leader_id=1,
                                                        caught_up=True), 3, True, []),
    (BROKERS[:2] + [dict(id=3, fenced=True)], None, None, None, False,
     ["brokers fenced (registered but not serving): 3"]),
    (BROKERS[:2], None, None, 3, False, ["2 of 3 expected brokers are live"]),
    (BROKERS, {"b": topic_with([(True, False), (True, False)]),
               "a": topic_with([(False, True)])}, None, None, False,
     ["2 under-replicated partitions: b-0, b-1", "1 offline partitions: a-0"]),
    (BROKERS, None, dict(available=True, leader_id=None), None, False,
     ["the controller quorum has no leader"]),
    (BROKERS, None, dict(available=True, leader_id=1, caught_up=False, max_lag_ms=5000,
                         lagging_voters=[3]), None, False,
     ["controller quorum voters not caught up (more than 5000 ms behind the leader): 3"]),
    # quorum not available (managed service): not part of the verdict
    (BROKERS, None, dict(available=False, caught_up=None), None, True, []),
])
def test_evaluate_health(brokers, topics, quorum_state, expected_brokers, healthy, problems):
    verdict, found, checks = evaluate_health(brokers, topics, quorum_state, expected_brokers)
    assert verdict is healthy
    assert found == problems
    assert ("partitions" in checks) is (topics is not None)
    assert ("quorum" in checks) is bool(quorum_state and quorum_state.get("available"))


def test_evaluate_health_lists_at_most_ten_partitions():
    _verdict, problems, _checks = evaluate_health(
        [], {"t": topic_with([(True, False)] * 12)}, None)
    assert problems == ["12 under-replicated partitions: " +
                        ", ".join("t-%d" % i for i in range(10)) + " ..."]


QUORUM = dict(available=True, leader_id=1, caught_up=True, voter_ids=[1, 2, 3],
              max_follower_lag=7)


@pytest.mark.parametrize("kwargs, problems", [
    (dict(require_brokers=[2, 3]), []),
    (dict(require_brokers=[3, 5, 4]), ["required brokers not registered: 4, 5"]),
    (dict(require_voters=[1, 3]), []),
    (dict(require_voters=[4]), ["required nodes not voters of the controller quorum: 4"]),
    (dict(quorum_max_lag=7), []),
    (dict(quorum_max_lag=6),
     ["a controller quorum voter is 7 records behind the leader (quorum_max_lag 6)"]),
])
def test_evaluate_health_required_nodes_and_record_lag(kwargs, problems):
    verdict, found, checks = evaluate_health(BROKERS, None, QUORUM, **kwargs)
    assert found == problems and verdict is (not problems)
    assert checks == ["brokers", "quorum"]


def test_required_voters_without_a_quorum_answer_are_a_problem():
    verdict, found, checks = evaluate_health(
        BROKERS, None, dict(available=False, error="DescribeQuorum failed: denied"),
        require_voters=[2])
    assert verdict is False and checks == ["brokers", "quorum"]
    assert found == ["required voters 2 cannot be checked: the controller quorum is not "
                     "available (DescribeQuorum failed: denied)"]


class Clock(object):
    """A clock that moves only when the waiter sleeps (and by 0.1 s per poll)."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Ctx(object):
    def __init__(self):
        self.closed = 0

    def close(self):
        self.closed += 1


def polls(*answers):
    """A gather() that gives the answers in turn: a report's health, or a ModuleFailure."""
    answers = list(answers)
    calls = []

    def gather():
        calls.append(1)
        answer = answers.pop(0)
        if isinstance(answer, ModuleFailure):
            raise answer
        healthy, problems = answer
        return dict(healthy=healthy, health_problems=problems, cluster={})
    return gather, calls


WAIT = dict(wait_timeout=10, wait_interval=0.5)


def failure(msg, retriable):
    exc = ModuleFailure(msg)
    exc.retriable = retriable
    return exc


def test_wait_polls_until_healthy_and_reports_the_polls():
    clock, ctx = Clock(), Ctx()
    gather, calls = polls((False, ["broker 2 fenced"]),
                          failure("Metadata failed: no answer", True),
                          (True, []))
    report = wait_until_healthy(ctx, WAIT, gather, clock=clock, sleep=clock.sleep)
    assert report["healthy"] is True
    assert report["wait"] == dict(polls=3, seconds=1.0)
    assert len(calls) == 3 and clock.sleeps == [0.5, 0.5]
    # the failed request's client was closed, so that the next poll connects again
    assert ctx.closed == 1


def test_wait_stops_at_once_on_a_failure_that_cannot_pass():
    clock, ctx = Clock(), Ctx()
    refused = failure("connecting failed: authentication to b:9092 failed", False)
    gather, calls = polls((False, ["broker 2 fenced"]), refused, (True, []))
    with pytest.raises(ModuleFailure) as raised:
        wait_until_healthy(ctx, WAIT, gather, clock=clock, sleep=clock.sleep)
    assert raised.value is refused and len(calls) == 2


def test_wait_times_out_naming_what_is_still_wrong():
    clock, ctx = Clock(), Ctx()
    gather, calls = polls(*[(False, ["brokers fenced (registered but not serving): 2",
                                     "1 under-replicated partitions: t-0"])] * 30)
    with pytest.raises(ModuleFailure) as raised:
        wait_until_healthy(ctx, dict(wait_timeout=3, wait_interval=1), gather,
                           clock=clock, sleep=clock.sleep)
    assert raised.value.msg == (
        "The cluster was not healthy after waiting 3 s (4 polls): brokers fenced (registered "
        "but not serving): 2; 1 under-replicated partitions: t-0")
    # the last report is kept in the failed result
    assert raised.value.result["healthy"] is False
    assert raised.value.result["wait"] == dict(polls=4, seconds=3.0)
    assert len(calls) == 4


def test_wait_times_out_naming_the_last_failed_request():
    clock, ctx = Clock(), Ctx()
    gather, _calls = polls(*[failure("connecting failed: could not connect", True)] * 10)
    with pytest.raises(ModuleFailure) as raised:
        wait_until_healthy(ctx, dict(wait_timeout=2, wait_interval=1), gather,
                           clock=clock, sleep=clock.sleep)
    assert raised.value.msg == ("The cluster was not healthy after waiting 2 s (3 polls): "
                                "connecting failed: could not connect")
