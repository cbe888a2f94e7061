# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic import (
    TopicValidationError,
    desired_topics,
    in_scope,
    is_protected,
    name_problem,
    plan_changes,
    plan_is_empty,
    plan_partitions,
    plan_replication,
    plan_topic_configs,
    scope_problems,
    validate_batch,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_admin import (
    RECORD_BUDGET,
    chunk_by_cost,
    create_record_cost,
    topic_state_from_metadata,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_config import (
    TOPIC_CONFIG_TYPES,
    normalise_config_value,
    same_config_value,
    unknown_config_problems,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_placement import (
    place_replicas,
)


# --- names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["orders", "a.b_c-d", "A" * 249, "x", "..a", "_schemas2"])
def test_legal_names(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name, fragment", [
    ("", "non-empty"),
    (".", "reserved"),
    ("..", "reserved"),
    ("A" * 250, "maximum is 249"),
    ("with space", "' '"),
    ("slash/topic", "'/'"),
    ("ümlaut", "illegal character"),
    (None, "non-empty"),
])
def test_illegal_names(name, fragment):
    assert fragment in name_problem(name)


@pytest.mark.parametrize("name, internal, expected", [
    ("__consumer_offsets", False, True),
    ("__transaction_state", False, True),
    ("_schemas", False, True),
    ("__anything", False, True),
    ("_private", False, False),
    ("orders", True, True),
    ("orders", False, False),
])
def test_protected(name, internal, expected):
    assert is_protected(name, internal) is expected


# --- config normalisation -------------------------------------------------------------------

@pytest.mark.parametrize("key, value, expected", [
    ("retention.ms", 604800000, "604800000"),
    ("retention.ms", "604800000", "604800000"),
    ("retention.ms", "7d", "604800000"),
    ("retention.ms", "1w", "604800000"),
    ("retention.ms", "12h", "43200000"),
    ("retention.ms", "90s", "90000"),
    ("retention.ms", "1.5h", "5400000"),
    ("retention.ms", "250ms", "250"),
    ("retention.ms", -1, "-1"),
    ("retention.ms", "-1", "-1"),
    ("retention.bytes", "1GiB", "1073741824"),
    ("retention.bytes", "1GB", "1000000000"),
    ("segment.bytes", "512MiB", "536870912"),
    ("max.message.bytes", 1048588, "1048588"),
    ("retention.bytes", "-1", "-1"),
    ("preallocate", True, "true"),
    ("preallocate", "yes", "true"),
    ("unclean.leader.election.enable", "False", "false"),
    ("unclean.leader.election.enable", False, "false"),
    ("min.insync.replicas", 2, "2"),
    ("min.insync.replicas", "2", "2"),
    ("min.insync.replicas", 2.0, "2"),
    ("min.cleanable.dirty.ratio", 0.5, "0.5"),
    ("min.cleanable.dirty.ratio", "0.50", "0.5"),
    ("min.cleanable.dirty.ratio", 1, "1.0"),
    ("cleanup.policy", ["delete", "compact"], "compact,delete"),
    ("cleanup.policy", "delete, compact", "compact,delete"),
    ("cleanup.policy", "compact", "compact"),
    ("leader.replication.throttled.replicas", ["0:1", "1:2"], "0:1,1:2"),
    ("compression.type", "ZSTD", "zstd"),
    ("message.timestamp.type", "LogAppendTime", "LogAppendTime"),
    ("retention.ms", None, None),
])
def test_normalise(key, value, expected):
    assert normalise_config_value(key, value) == expected


@pytest.mark.parametrize("key, value, fragment", [
    ("retention.ms", "seven days", "retention.ms expects milliseconds"),
    ("retention.ms", "7 fortnights", "unknown unit"),
    ("retention.ms", True, "boolean"),
    ("retention.bytes", "1.3B", "whole number"),
    ("min.insync.replicas", "two", "expects an integer"),
    ("min.insync.replicas", 1.5, "expects an integer"),
    ("preallocate", "maybe", "expects a boolean"),
    ("min.cleanable.dirty.ratio", "half", "expects a number"),
    ("cleanup.policy", {"a": 1}, "single value"),
    ("compression.type", True, "expects a string"),
    ("compression.type", "brotli", "not one of"),
    ("cleanup.policy", "compact,bogus", "not one of"),
    ("cleanup.policy", [], "not one of"),
    ("message.timestamp.type", "createtime", "not one of"),
    ("min.cleanable.dirty.ratio", 1.5, "between 0 and 1"),
])
def test_normalise_rejects(key, value, fragment):
    with pytest.raises(ValueError) as err:
        normalise_config_value(key, value)
    assert fragment in str(err.value)


@pytest.mark.parametrize("key, current, desired, same", [
    ("min.cleanable.dirty.ratio", "0.50", "0.5", True),
    ("cleanup.policy", "delete,compact", "compact,delete", True),
    ("retention.ms", "604800000", "604800000", True),
    ("retention.ms", "86400000", "604800000", False),
    ("retention.ms", None, "1", False),
])
def test_same_config_value(key, current, desired, same):
    assert same_config_value(key, current, desired) is same


def test_config_catalogue_covers_kafka_4():
    assert len(TOPIC_CONFIG_TYPES) == 33
    assert "message.format.version" not in TOPIC_CONFIG_TYPES


# --- desired state and validation -----------------------------------------------------------

def params(**kwargs):
    base = dict(name=None, topics=None, partitions=None, replication_factor=None, config=None,
                state="present", delete_undeclared=False)
    base.update(kwargs)
    return base


def test_desired_single_topic():
    topics = desired_topics(params(name="a", partitions=3, config={"retention.ms": "1d"}))
    assert topics == [dict(name="a", state="present", partitions=3, replication_factor=None,
                           config={"retention.ms": "86400000"})]


def test_desired_list_uses_top_level_defaults():
    topics = desired_topics(params(
        replication_factor=3, config={"min.insync.replicas": 2, "retention.ms": "1d"},
        topics=[dict(name="a", config={"retention.ms": "2d"}),
                dict(name="b", partitions=6, state="absent")]))
    assert topics[0]["replication_factor"] == 3
    assert topics[0]["config"] == {"min.insync.replicas": "2", "retention.ms": "172800000"}
    assert topics[1]["state"] == "absent" and topics[1]["partitions"] == 6


def test_desired_reports_every_problem_at_once():
    with pytest.raises(TopicValidationError) as err:
        desired_topics(params(topics=[
            dict(name="bad name"), dict(name="p0", partitions=0),
            dict(name="rf", replication_factor="three"),
            dict(name="cfg", config={"retention.ms": "soon"}),
            dict(name="ok")]))
    text = str(err.value)
    assert "illegal character" in text
    assert "partitions must be at least 1, got 0" in text
    assert "replication_factor must be an integer" in text
    assert "config retention.ms expects milliseconds" in text
    assert len(err.value.problems) == 4


def test_desired_requires_name_or_topics():
    with pytest.raises(TopicValidationError):
        desired_topics(params())
    assert desired_topics(params(delete_undeclared=True)) == []


def test_validate_batch_duplicates_and_collisions():
    topics = desired_topics(params(topics=[dict(name="a.b"), dict(name="a_b"), dict(name="c"),
                                           dict(name="c")]))
    problems = validate_batch(topics)
    assert any("'a.b' and 'a_b' collide" in p for p in problems)
    assert any("'c' is declared more than once" in p for p in problems)


def test_collision_ignores_absent_topics():
    topics = desired_topics(params(topics=[dict(name="a.b", state="absent"), dict(name="a_b")]))
    assert validate_batch(topics) == []


def test_unknown_config_key_named():
    topics = desired_topics(params(name="t", config={"retention.msec": 1, "retention.ms": 1,
                                                     "message.format.version": "3.0"}))
    problems = unknown_config_problems(topics, TOPIC_CONFIG_TYPES)
    assert len(problems) == 2
    assert "unknown topic config key 'retention.msec'" in problems[1]
    assert "removed in Kafka 4.0" in problems[0]


@pytest.mark.parametrize("scope, ok", [
    (None, False), ({"prefix": "", "pattern": None}, False),
    ({"prefix": "a.", "pattern": "b.*"}, False), ({"prefix": None, "pattern": "("}, False),
    ({"prefix": None, "pattern": ".*"}, False), ({"prefix": "a.", "pattern": None}, True),
    ({"prefix": None, "pattern": "team-[0-9]+\\..*"}, True)])
def test_scope_problems(scope, ok):
    assert (scope_problems(dict(delete_undeclared=True, undeclared_scope=scope)) == []) is ok


def test_in_scope():
    assert in_scope("shop.orders", {"prefix": "shop."})
    assert not in_scope("shopx", {"prefix": "shop."})
    assert in_scope("team-1.x", {"pattern": "team-[0-9]+\\..*"})
    assert not in_scope("xteam-1.x", {"pattern": "team-[0-9]+\\..*"})
    assert not in_scope("team-1", {"pattern": "team"})


# --- placement ------------------------------------------------------------------------------

RACKS3 = {1: "r1", 2: "r2", 3: "r3"}
RACKS6 = {1: "a", 2: "a", 3: "b", 4: "b", 5: "c", 6: "c"}


def test_increase_keeps_current_replicas_and_leader_first():
    current = {0: [2], 1: [3], 2: [1]}
    placed = place_replicas(current, RACKS3, 3)
    for partition, replicas in placed.items():
        assert replicas[0] == current[partition][0]
        assert sorted(replicas) == [1, 2, 3]


def test_increase_is_rack_aware_and_balanced():
    current = dict((p, [1 + p % 6]) for p in range(12))
    placed = place_replicas(current, RACKS6, 3)
    counts = {}
    for partition, replicas in placed.items():
        assert replicas[0] == current[partition][0]
        assert len(set(RACKS6[b] for b in replicas)) == 3, replicas
        for broker in replicas:
            counts[broker] = counts.get(broker, 0) + 1
    assert max(counts.values()) - min(counts.values()) <= 1, counts


def test_decrease_keeps_leader_and_removes_duplicate_rack():
    current = {0: [1, 2, 3], 1: [3, 4, 5]}
    placed = place_replicas(current, RACKS6, 2, leaders={0: 1, 1: 4})
    assert placed[0][0] == 1 and len(placed[0]) == 2
    assert RACKS6[placed[0][1]] != RACKS6[1]
    assert placed[1] == [3, 4] or placed[1][0] == 3 and 4 in placed[1]


def test_decrease_drops_dead_broker_first():
    placed = place_replicas({0: [1, 9, 2]}, {1: None, 2: None, 3: None}, 2)
    assert placed[0] == [1, 2]


def test_unchanged_rf_returns_current():
    assert place_replicas({0: [1, 2]}, RACKS3, 2) == {0: [1, 2]}


def test_new_partitions_are_placed_with_target_rf():
    placed = place_replicas({0: [1]}, RACKS3, 3, new_partitions=2)
    assert sorted(placed) == [0, 1, 2]
    assert all(len(set(r)) == 3 for r in placed.values())
    assert placed[1][0] != placed[2][0]


def test_rf_above_brokers_refused():
    with pytest.raises(ValueError) as err:
        place_replicas({0: [1]}, {1: None}, 2)
    assert "only 1" in str(err.value)


# --- diff -----------------------------------------------------------------------------------

def meta(name, assignment, internal=False):
    return topic_state_from_metadata(dict(
        error_code=0, name=name, is_internal=internal,
        partitions=[dict(partition_index=p, leader_id=r[0], replica_nodes=r)
                    for p, r in assignment.items()]))


def cfg(**values):
    return dict((k.replace("_", "."), dict(value=v, config_source="DYNAMIC_TOPIC_CONFIG"))
                for k, v in values.items())


def test_topic_state_missing():
    assert topic_state_from_metadata(dict(error_code=3, name="x", partitions=[])) is None


def test_plan_create_update_delete_unchanged():
    desired = desired_topics(params(topics=[
        dict(name="new", partitions=3, config={"retention.ms": "1d", "preallocate": None}),
        dict(name="upd", partitions=4, config={"retention.ms": "2d"}),
        dict(name="same", partitions=1, config={"retention.ms": "1d"}),
        dict(name="gone", state="absent"),
        dict(name="never", state="absent")]))
    current = dict(new=None, upd=meta("upd", {0: [1], 1: [1]}), same=meta("same", {0: [1]}),
                   gone=meta("gone", {0: [1]}), never=None)
    configs = dict(upd=cfg(retention_ms="86400000"), same=cfg(retention_ms="86400000"))
    plan = plan_changes(desired, current, configs, {1: None})
    actions = dict((t["name"], t["action"]) for t in plan["topics"])
    assert actions == dict(new="created", upd="updated", same="unchanged", gone="deleted",
                           never="unchanged")
    assert plan["create"] == dict(new=dict(num_partitions=3, replication_factor=-1,
                                           configs={"retention.ms": "86400000"}))
    assert plan["create_partitions"] == dict(upd=4)
    assert plan["alter_configs"] == dict(upd={"retention.ms": "172800000"})
    assert plan["delete"] == ["gone"]
    upd = [t for t in plan["topics"] if t["name"] == "upd"][0]
    assert upd["before"]["config"] == {"retention.ms": "86400000"}
    assert upd["after"] == dict(partitions=4, replication_factor=1,
                                config={"retention.ms": "172800000"})


def test_plan_rerun_is_empty():
    desired = desired_topics(params(name="t", partitions=1, replication_factor=1,
                                    config={"cleanup.policy": ["delete", "compact"],
                                            "min.cleanable.dirty.ratio": 0.5}))
    plan = plan_changes(desired, dict(t=meta("t", {0: [1]})),
                        dict(t=cfg(cleanup_policy="delete,compact",
                                   min_cleanable_dirty_ratio="0.50")), {1: None})
    assert plan_is_empty(plan)


def test_plan_null_resets_only_topic_level_value():
    desired = desired_topics(params(name="t", config={"retention.ms": None,
                                                      "segment.ms": None}))
    configs = dict(t=cfg(retention_ms="1000"))
    configs["t"]["segment.ms"] = dict(value="604800000", config_source="DEFAULT_CONFIG")
    plan = plan_changes(desired, dict(t=meta("t", {0: [1]})), configs, None)
    assert plan["alter_configs"] == dict(t={"retention.ms": None})


def test_plan_reset_undeclared():
    desired = desired_topics(params(name="t", config={"retention.ms": "1000"}))
    configs = dict(t=cfg(retention_ms="1000", segment_ms="5000"))
    configs["t"]["min.insync.replicas"] = dict(value="1",
                                               config_source="DYNAMIC_DEFAULT_BROKER_CONFIG")
    current = dict(t=meta("t", {0: [1]}))
    assert plan_is_empty(plan_changes(desired, current, configs, None))
    plan = plan_changes(desired, current, configs, None, reset_undeclared_config=True)
    assert plan["alter_configs"] == dict(t={"segment.ms": None})


@pytest.mark.parametrize("spec, current, fragment", [
    (dict(name="t", partitions=1), {0: [1], 1: [1]}, "decreasing to 1 is not possible"),
    (dict(name="t", replication_factor=2), {0: [1]}, "larger than the 1 live broker"),
    (dict(name="__consumer_offsets", config={"retention.ms": 1}), {0: [1]}, "internal"),
    (dict(name="__consumer_offsets", state="absent"), {0: [1]}, "never deleted"),
])
def test_plan_refusals(spec, current, fragment):
    desired = desired_topics(params(**spec))
    name = spec["name"]
    with pytest.raises(TopicValidationError) as err:
        plan_changes(desired, {name: meta(name, current)},
                     {name: cfg(retention_ms="5")}, {1: None})
    assert fragment in str(err.value)


def test_plan_internal_allowed_with_flag():
    desired = desired_topics(params(name="__x", state="absent"))
    plan = plan_changes(desired, {"__x": meta("__x", {0: [1]})}, {}, None,
                        allow_internal_topics=True)
    assert plan["delete"] == ["__x"]


def test_plan_internal_unchanged_is_fine():
    desired = desired_topics(params(name="__consumer_offsets", partitions=1))
    plan = plan_changes(desired, {"__consumer_offsets": meta("__consumer_offsets", {0: [1]},
                                                             internal=True)}, {}, None)
    assert plan_is_empty(plan)


def test_plan_collision_with_existing_topic():
    desired = desired_topics(params(name="a_b"))
    with pytest.raises(TopicValidationError) as err:
        plan_changes(desired, {"a_b": None, "a.b": meta("a.b", {0: [1]})}, {}, None)
    assert "collides with existing topic 'a.b'" in str(err.value)


def test_plan_rf_change_and_partition_growth():
    desired = desired_topics(params(name="t", partitions=3, replication_factor=3))
    current = dict(t=meta("t", {0: [1], 1: [2]}))
    plan = plan_changes(desired, current, {}, RACKS3)
    assert sorted(plan["reassign"]["t"]) == [0, 1, 2]
    assert plan["reassign"]["t"][0][0] == 1 and plan["reassign"]["t"][1][0] == 2
    growth = plan["create_partitions"]["t"]
    # created with the current replication factor, then reassigned to the target
    assert growth["count"] == 3 and len(growth["assignments"]) == 1
    assert growth["assignments"][0] == plan["reassign"]["t"][2][:1]
    assert sorted(plan["reassign"]["t"][2]) == [1, 2, 3]
    record = plan["topics"][0]
    assert "replication_factor: 1 -> 3" in record["changes"]
    assert record["after"]["replicas"][0][0] == 1


def test_plan_rf_shrink_and_growth_creates_with_current_rf():
    desired = desired_topics(params(name="t", partitions=2, replication_factor=1))
    plan = plan_changes(desired, dict(t=meta("t", {0: [1, 2, 3]})), {}, RACKS3)
    initial = plan["create_partitions"]["t"]["assignments"][0]
    assert len(set(initial)) == 3
    assert plan["reassign"]["t"][0] == [1]
    assert len(plan["reassign"]["t"][1]) == 1 and plan["reassign"]["t"][1][0] in initial


def test_plan_undeclared_skips_internal():
    plan = plan_changes([], {"shop.x": meta("shop.x", {0: [1]}),
                             "__shop": meta("__shop", {0: [1]})}, {}, None,
                        undeclared=["shop.x", "__shop"])
    assert plan["delete"] == ["shop.x"]


# --- the three planners, one concern each ----------------------------------------------------

def test_config_planner_sets_only_declared_keys_that_differ():
    current = cfg(retention_ms="86400000", segment_ms="1000")
    current["preallocate"] = dict(value="false", config_source="DEFAULT_CONFIG")
    alter, before, after, changes = plan_topic_configs(
        {"retention.ms": "86400000", "segment.ms": "2000", "preallocate": None,
         "cleanup.policy": "compact"}, current)
    assert alter == {"segment.ms": "2000", "cleanup.policy": "compact"}
    assert before == {"retention.ms": "86400000", "segment.ms": "1000", "preallocate": "false",
                      "cleanup.policy": None}
    assert after == {"retention.ms": "86400000", "segment.ms": "2000", "preallocate": "false",
                     "cleanup.policy": "compact"}
    assert changes == ["config cleanup.policy: None -> compact",
                       "config segment.ms: 1000 -> 2000"]


def test_config_planner_resets_dynamic_keys_only():
    current = cfg(retention_ms="5", segment_ms="7")
    current["flush.ms"] = dict(value="9", config_source="DYNAMIC_BROKER_CONFIG")
    alter, before, after, changes = plan_topic_configs({"retention.ms": None}, current,
                                                       reset_undeclared_config=True)
    assert alter == {"retention.ms": None, "segment.ms": None}
    assert after == {"retention.ms": "(default)", "segment.ms": "(default)"}
    assert before == {"retention.ms": "5", "segment.ms": "7"}
    assert changes == ["config retention.ms: 5 -> (default)",
                       "config segment.ms: 7 -> (default), not declared"]
    assert plan_topic_configs({}, current) == ({}, {}, {}, [])


@pytest.mark.parametrize("wanted, current, expected", [
    (None, 3, (0, [])), (3, 3, (0, [])), (5, 3, (2, ["partitions: 3 -> 5"]))])
def test_partition_planner(wanted, current, expected):
    assert plan_partitions("t", wanted, current) == expected


def test_partition_planner_refuses_a_decrease():
    with pytest.raises(TopicValidationError) as info:
        plan_partitions("t", 2, 3)
    assert info.value.problems == [
        "topic 't' has 3 partitions; decreasing to 2 is not possible in Kafka (it would lose "
        "data and break key ordering). Create a new topic instead"]


def test_replication_planner_leaves_partition_growth_alone_when_rf_is_kept():
    now = meta("t", {0: [1, 2], 1: [2, 3]})
    assert plan_replication("t", None, 4, 2, now, RACKS3, {}, {}) == ({}, 4, [])
    assert plan_replication("t", 2, None, 0, now, RACKS3, {}, {}) == ({}, None, [])


def test_replication_planner_places_and_updates_the_load():
    now = meta("t", {0: [1], 1: [2]})
    load, leader_load = {1: 1, 2: 1}, {1: 1, 2: 1}
    reassign, grow, changes = plan_replication("t", 2, None, 0, now, RACKS3, load, leader_load)
    assert grow is None and changes == ["replication_factor: 1 -> 2"]
    assert reassign[0][0] == 1 and reassign[1][0] == 2
    assert all(len(set(r)) == 2 for r in reassign.values())
    assert sum(load.values()) == 4


def test_replication_planner_needs_live_brokers():
    with pytest.raises(TopicValidationError, match="live brokers unknown"):
        plan_replication("t", 3, None, 0, meta("t", {0: [1]}), None, {}, {})


def test_internal_topic_change_refused_unless_allowed():
    desired = desired_topics(params(topics=[dict(name="__x", partitions=3, replication_factor=1),
                                            dict(name="ok", partitions=2)]))
    current = {"__x": meta("__x", {0: [1]}), "ok": meta("ok", {0: [1]})}
    with pytest.raises(TopicValidationError) as info:
        plan_changes(desired, current, {}, {1: None})
    assert info.value.problems == ["topic '__x' is internal; it is never altered unless "
                                   "allow_internal_topics is true (wanted: partitions: 1 -> 3)"]
    plan = plan_changes(desired, current, {}, {1: None}, allow_internal_topics=True)
    assert plan["create_partitions"] == {"__x": 3, "ok": 2}


# --- chunking -------------------------------------------------------------------------------

def test_chunks_stay_under_budget():
    specs = [("t%d" % i, dict(num_partitions=30, replication_factor=3, configs={"a": "1"}))
             for i in range(500)]
    chunks = chunk_by_cost(specs, create_record_cost)
    assert sum(len(c) for c in chunks) == 500
    for chunk in chunks:
        assert sum(create_record_cost(v) for _k, v in chunk) <= RECORD_BUDGET
    assert len(chunks) == -(-500 // (RECORD_BUDGET // 92))
    # 1,000 topics x 3 partitions x 2 configs fit in one request
    one = [("t%d" % i, dict(num_partitions=3, replication_factor=1, configs={"a": 1, "b": 2}))
           for i in range(1000)]
    assert len(chunk_by_cost(one, create_record_cost)) == 1


def test_default_partitions_counted_conservatively():
    assert create_record_cost(dict(num_partitions=-1, replication_factor=-1)) > 100


def test_single_oversized_topic_gets_own_chunk():
    chunks = chunk_by_cost([("big", 10 ** 6), ("small", 1)], lambda v: v)
    assert chunks == [[("big", 10 ** 6)], [("small", 1)]]


# --- apply with partial failures (fake admin client, broker answers as kafka-python returns) --

class _Result(object):
    def __init__(self, name, error_code=0, error_message=None):
        self.name = name
        self.error_code = error_code
        self.error_message = error_message


class _Partitions(object):
    def __init__(self, results):
        self.results = results


class FakeAdmin(object):
    def __init__(self, reject):
        self.reject = reject
        self.calls = []

    def create_topics(self, topics, **kwargs):
        self.calls.append(("create_topics", sorted(topics)))
        return dict(topics=[dict(name=n, error_code=37 if n in self.reject else 0,
                                 error_message="rejected" if n in self.reject else None)
                            for n in topics])

    def describe_topics(self, topics):
        self.calls.append(("describe_topics", sorted(topics)))
        return [dict(name=n, error_code=0, partitions=[dict(partition_index=0, leader_id=1)])
                for n in topics]

    def create_partitions(self, topics, **kwargs):
        self.calls.append(("create_partitions", sorted(topics)))
        return _Partitions([_Result(n, 37 if n in self.reject else 0) for n in topics])

    def alter_configs(self, resources, **kwargs):
        self.calls.append(("alter_configs", sorted(r.name for r in resources)))
        return dict(topic=dict((r.name, "PolicyViolationError: no" if r.name in self.reject
                                else "OK") for r in resources))

    def delete_topics(self, topics, **kwargs):
        self.calls.append(("delete_topics", sorted(topics)))
        return dict(topics=[dict(name=n, error_code=0) for n in topics])


def test_apply_reports_exactly_what_failed():
    from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_admin import apply_plan
    desired = desired_topics(params(topics=[
        dict(name="new1"), dict(name="new2"),
        dict(name="grow", partitions=3, config={"retention.ms": 5}),
        dict(name="cfg", config={"retention.ms": 5}), dict(name="old", state="absent")]))
    current = dict(new1=None, new2=None, grow=meta("grow", {0: [1]}), cfg=meta("cfg", {0: [1]}),
                   old=meta("old", {0: [1]}))
    plan = plan_changes(desired, current, dict(grow=cfg(retention_ms="1"), cfg=cfg(retention_ms="1")),
                        None)
    admin = FakeAdmin(reject={"new2", "grow", "cfg"})
    outcomes, report = apply_plan(admin, plan, 1000)
    failed = dict((n, o["failed"]) for n, o in outcomes.items() if o["failed"])
    assert sorted(failed) == ["cfg", "grow", "new2"]
    assert failed["grow"][0].startswith("create partitions")
    assert failed["cfg"][0].startswith("alter config")
    # a topic whose partitions failed does not get its config altered afterwards
    assert ("alter_configs", ["cfg"]) in admin.calls
    assert ("delete_topics", ["old"]) in admin.calls
    assert ("describe_topics", ["new1"]) in admin.calls  # waits for the created topic only
    assert report is None


# --- reassignments already running ----------------------------------------------------------

def test_running_reassignment_is_planned_against_its_target():
    from kafka.structs import TopicPartition
    from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_admin import (
        apply_ongoing, suspect_partitions)
    state = topic_state_from_metadata(dict(error_code=0, name="t", partitions=[
        dict(partition_index=0, leader_id=1, replica_nodes=[1, 2, 3], isr_nodes=[1]),
        dict(partition_index=1, leader_id=2, replica_nodes=[2], isr_nodes=[2])]))
    current = dict(t=state)
    desired = desired_topics(params(name="t", replication_factor=1))
    assert suspect_partitions(desired, current) == [TopicPartition("t", 0)]
    assert suspect_partitions(desired_topics(params(name="t")), current) == []
    # shrinking 3 -> 1 in progress: target is [1], so RF 1 is already what was asked for
    apply_ongoing(current, {TopicPartition("t", 0): dict(replicas=[1, 2, 3], adding_replicas=[],
                                                         removing_replicas=[2, 3])})
    assert current["t"]["assignment"][0] == [1] and current["t"]["replication_factor"] == 1
    assert plan_is_empty(plan_changes(desired, current, {}, RACKS3))


# --- the reads of a converge, sent at once ----------------------------------------------------

class _Answer(object):
    def __init__(self, topics):
        self.topics = topics


class _Part(object):
    def __init__(self, index, replicas):
        self.partition_index, self.leader_id = index, replicas[0]
        self.replica_nodes, self.isr_nodes, self.error_code = replicas, replicas, 0


class _Topic(object):
    def __init__(self, name, partitions=None):
        self.name, self.is_internal = name, False
        self.error_code = 3 if partitions is None else 0  # UNKNOWN_TOPIC_OR_PARTITION
        self.partitions = [_Part(i, r) for i, r in enumerate(partitions or [])]


class _Scheduled(object):
    """A request handed to the event loop; records how many were in flight when it is awaited."""

    def __init__(self, loop, coroutine, args):
        self.loop, self.coroutine, self.args = loop, coroutine, args

    def __await__(self):
        self.loop.in_flight_at_await.append(len(self.loop.scheduled))
        return self.coroutine(*self.args).__await__()


class _Loop(object):
    def __init__(self, existing):
        self.existing, self.scheduled, self.in_flight_at_await, self.sent = existing, [], [], []

    def call_soon(self, coroutine, *args):
        self.scheduled.append(coroutine.__name__)
        return _Scheduled(self, coroutine, args)

    async def send(self, request):
        self.sent.append(request)
        return _Answer([_Topic(t.name, self.existing.get(t.name)) for t in request.topics])

    def run(self, coroutine):
        try:
            coroutine().send(None)
        except StopIteration as done:
            return done.value
        raise AssertionError("the fake loop answers every request at once")


class ReadingAdmin(object):
    def __init__(self, existing):
        self._manager = _Loop(existing)
        self.described = []

    async def _async_describe_configs(self, resources, include_synonyms, config_filter):
        self.described.append(([(r.name, r.configs) for r in resources], config_filter))
        # kafka-python gives a topic the broker does not know an empty entry
        return dict(topic=dict((r.name, {"retention.ms": {"value": "5"}} if r.name in
                                self._manager.existing else {}) for r in resources))

    async def _describe_cluster(self):
        fenced = dict(broker_id=2, rack=None, is_fenced=True)
        return dict(brokers=[dict(broker_id=1, rack="a"), fenced])


def test_reads_are_sent_at_once_and_missing_topics_dropped():
    from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_admin import read_current
    admin = ReadingAdmin(existing={"old": [[1], [1]]})
    current, configs, brokers = read_current(admin, ["old", "new"], {"old": ["retention.ms"],
                                                                     "new": ["retention.ms"]},
                                             need_brokers=True)
    loop = admin._manager
    # Metadata, DescribeConfigs and DescribeCluster are all scheduled before the first is
    # awaited: none waits for the answer of another
    assert loop.scheduled == ["metadata", "_async_describe_configs", "_describe_cluster"]
    assert loop.in_flight_at_await == [3, 3, 3]
    # configs are asked for every named topic (no wait for Metadata), kept for existing ones
    assert admin.described == [([("old", ["retention.ms"]), ("new", ["retention.ms"])], "all")]
    assert configs == {"old": {"retention.ms": {"value": "5"}}}
    assert current["new"] is None and current["old"]["partitions"] == 2
    assert current["old"]["assignment"] == {0: [1], 1: [1]} and current["old"]["leaders"][1] == 1
    assert brokers == {1: "a"}
    # the Metadata request leaves out authorized operations
    request = loop.sent[0]
    assert request.include_topic_authorized_operations is False
    assert request.allow_auto_topic_creation is False


def test_reads_skip_what_is_not_needed():
    from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_admin import read_current
    admin = ReadingAdmin(existing={"old": [[1]]})
    current, configs, brokers = read_current(admin, ["old"], {"old": []}, need_brokers=False)
    assert admin._manager.scheduled == ["metadata"]
    assert configs == {} and brokers is None and current["old"]["partitions"] == 1


def test_reads_fall_back_to_the_public_calls():
    from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_admin import read_current

    class PublicAdmin(FakeAdmin):
        def describe_configs(self, resources, config_filter):
            self.calls.append(("describe_configs", sorted(r.name for r in resources)))
            return dict(topic=dict((r.name, {}) for r in resources))

        def describe_cluster(self):
            self.calls.append(("describe_cluster", []))
            return dict(brokers=[dict(broker_id=1)])

    admin = PublicAdmin(reject=set())
    current, configs, brokers = read_current(admin, ["a"], {"a": ["retention.ms"]}, True)
    assert admin.calls == [("describe_topics", ["a"]), ("describe_configs", ["a"]),
                           ("describe_cluster", [])]
    assert current["a"]["partitions"] == 1 and configs == {"a": {}} and brokers == {1: None}
