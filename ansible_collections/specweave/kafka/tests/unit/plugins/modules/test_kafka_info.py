# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_info's main() against a fake admin client at the KafkaConnection seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from kafka import errors as kafka_errors

from ansible.module_utils import basic

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.modules import kafka_info

CONNECTION = dict(bootstrap_servers=["127.0.0.1:9092"])


def partition(index, leader, replicas, isr):
    return dict(partition_index=index, leader_id=leader, replica_nodes=replicas, isr_nodes=isr,
                offline_replicas=[])


class FakeAdmin(object):
    """The read calls kafka_info makes, answering for a 2-broker cluster with one topic."""

    def __init__(self):
        self.calls = []
        self.errors = {}
        # DescribeCluster answers given before the normal one (a broker restarting)
        self.cluster_answers = []

    def describe_cluster(self):
        self.calls.append("DescribeCluster")
        if "DescribeCluster" in self.errors:
            raise self.errors["DescribeCluster"]
        if self.cluster_answers:
            answer = self.cluster_answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return dict(cluster_id="c1", controller_id=1, brokers=[
            dict(broker_id=2, host="127.0.0.1", port=9094, rack="b", is_fenced=False),
            dict(broker_id=1, host="127.0.0.1", port=9092, rack="a", is_fenced=False)])

    def describe_topics(self, names):
        self.calls.append(("Metadata", names))
        topics = [dict(name="orders", error_code=0, is_internal=False, partitions=[
            partition(0, 1, [1, 2], [1, 2]), partition(1, 2, [2, 1], [2])]),
            dict(name="__consumer_offsets", error_code=0, is_internal=True,
                 partitions=[partition(0, 1, [1], [1])])]
        if names is None:
            return topics
        known = dict((t["name"], t) for t in topics)
        return [known.get(name, dict(name=name, error_code=3, partitions=[])) for name in names]

    def describe_metadata_quorum(self):
        self.calls.append("DescribeQuorum")
        if "DescribeQuorum" in self.errors:
            raise self.errors["DescribeQuorum"]
        voters = [dict(replica_id=1, log_end_offset=10, last_caught_up_timestamp=1000,
                       last_fetch_timestamp=1000)]
        return dict(topics=[dict(topic_name="__cluster_metadata", partitions=[dict(
            partition_index=0, leader_id=1, high_watermark=10, current_voters=voters,
            observers=[])])], nodes=[])

    def list_groups(self):
        self.calls.append("ListGroups")
        return [dict(group_id="billing", protocol_type="consumer", group_state="Stable")]

    def describe_groups(self, group_ids):
        self.calls.append(("DescribeGroups", group_ids))
        return dict((g, dict(group_state="Stable", protocol_type="consumer", members=[{}]))
                    for g in group_ids)

    def list_group_offsets(self, group_ids):
        from kafka import TopicPartition
        self.calls.append(("OffsetFetch", group_ids))
        return dict((g, {TopicPartition("orders", 0): 5, TopicPartition("orders", 1): 7})
                    for g in group_ids)

    def list_partition_offsets(self, specs):
        self.calls.append(("ListOffsets", sorted((tp.topic, tp.partition) for tp in specs)))
        return dict((tp, 10) for tp in specs)

    def close(self):
        pass


@pytest.fixture
def fake(monkeypatch):
    admin = FakeAdmin()
    monkeypatch.setattr(KafkaConnection, "open", lambda self, ctx=None: admin)
    return admin


def test_default_report(run_main, fake):
    result, failed = run_main(kafka_info.main, dict(CONNECTION))
    assert not failed and result["changed"] is False
    assert fake.calls == ["DescribeCluster", ("Metadata", None), "DescribeQuorum"]
    assert result["gathered"] == ["brokers", "quorum", "topics"]
    assert result["cluster"]["cluster_id"] == "c1" and result["broker_ids"] == [1, 2]
    assert list(result["topics"]) == ["orders"]
    assert result["topics"]["orders"]["under_replicated_partitions"] == 1
    assert result["summary"]["under_replicated_partitions"] == 1
    assert result["quorum"]["caught_up"] is True
    assert result["healthy"] is False and result["health_problems"]
    assert "diff" not in result


def test_check_mode_reports_the_same(run_main, fake):
    real, _failed = run_main(kafka_info.main, dict(CONNECTION, topics=["orders", "gone"]))
    checked, failed = run_main(kafka_info.main, dict(CONNECTION, topics=["orders", "gone"]),
                               check_mode=True, diff=True)
    assert not failed and checked == real
    assert real["missing_topics"] == ["gone"]
    assert ("Metadata", ["gone", "orders"]) in fake.calls


def test_quorum_not_available_is_a_warning(run_main, fake, monkeypatch):
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, message: warnings.append(message))
    fake.errors["DescribeQuorum"] = kafka_errors.UnsupportedVersionError("DescribeQuorum")
    result, failed = run_main(kafka_info.main, dict(CONNECTION, gather=["quorum"]))
    assert not failed
    assert result["quorum"]["available"] is False
    assert "UnsupportedVersionError" in result["quorum"]["error"]
    assert any(w.startswith("Controller quorum status not available: DescribeQuorum failed")
               for w in warnings)


def test_quorum_other_error_fails_naming_the_step(run_main, fake):
    fake.errors["DescribeQuorum"] = kafka_errors.KafkaTimeoutError("slow")
    result, failed = run_main(kafka_info.main, dict(CONNECTION, gather=["quorum"]))
    assert failed
    assert result["msg"].startswith("DescribeQuorum failed: 127.0.0.1:9092 did not answer")


def test_consumer_group_lag(run_main, fake):
    result, failed = run_main(kafka_info.main, dict(CONNECTION, gather=["consumer_groups"]))
    assert not failed
    assert fake.calls[1:] == ["ListGroups", ("DescribeGroups", ["billing"]),
                              ("OffsetFetch", ["billing"]), ("Metadata", ["orders"]),
                              ("ListOffsets", [("orders", 0), ("orders", 1)])]
    group = result["consumer_groups"]["billing"]
    assert group["lag"] == 8 and group["members"] == 1 and group["state"] == "Stable"
    assert result["summary"]["consumer_lag"] == 8


def test_invalid_options_fail_before_connecting(run_main, fake):
    result, failed = run_main(kafka_info.main, dict(CONNECTION, topic_pattern="orders("))
    assert failed
    assert result["msg"].startswith("Invalid options: topic_pattern 'orders(' is not a valid "
                                    "regular expression")
    assert fake.calls == []


def test_cluster_error_names_the_step(run_main, fake):
    fake.errors["DescribeCluster"] = kafka_errors.ClusterAuthorizationFailedError("denied")
    result, failed = run_main(kafka_info.main, dict(CONNECTION))
    assert failed
    assert result["msg"].startswith("DescribeCluster failed: the principal is not authorized")


def only_broker_1(fenced_2=None):
    brokers = [dict(broker_id=1, host="127.0.0.1", port=9092, rack="a", is_fenced=False)]
    if fenced_2 is not None:
        brokers.append(dict(broker_id=2, host="127.0.0.1", port=9094, rack="b",
                            is_fenced=fenced_2))
    return dict(cluster_id="c1", controller_id=1, brokers=brokers)


def test_wait_until_a_restarted_broker_is_back(run_main, fake, monkeypatch):
    opened = []
    monkeypatch.setattr(KafkaConnection, "open",
                        lambda self, ctx=None: opened.append(1) or fake)
    # broker 2 absent, then a request that fails while it starts, then registered but fenced
    fake.cluster_answers = [only_broker_1(), kafka_errors.KafkaConnectionError("reset"),
                            only_broker_1(fenced_2=True)]
    result, failed = run_main(kafka_info.main, dict(
        CONNECTION, gather=["brokers"], require_brokers=[2], wait=True, wait_interval=0.01,
        wait_timeout=30))
    assert not failed, result["msg"]
    assert result["healthy"] is True and result["broker_ids"] == [1, 2]
    assert result["wait"]["polls"] == 4 and fake.calls == ["DescribeCluster"] * 4
    # the client was opened again after the failed request only
    assert len(opened) == 2


def test_wait_fails_after_the_timeout_with_what_is_wrong(run_main, fake):
    fake.cluster_answers = [only_broker_1()] * 1000
    result, failed = run_main(kafka_info.main, dict(
        CONNECTION, gather=["brokers"], require_brokers=[2, 3], wait=True, wait_interval=0.2,
        wait_timeout=1))
    assert failed
    assert result["msg"].startswith("The cluster was not healthy after waiting 1 s (")
    assert result["msg"].endswith(" polls): required brokers not registered: 2, 3")
    assert result["broker_ids"] == [1] and 2 <= result["wait"]["polls"] <= 6


def test_wait_does_not_retry_a_refused_permission(run_main, fake):
    fake.cluster_answers = [only_broker_1(),
                            kafka_errors.ClusterAuthorizationFailedError("denied")]
    result, failed = run_main(kafka_info.main, dict(
        CONNECTION, require_brokers=[2], wait=True, wait_interval=0.01, wait_timeout=30))
    assert failed
    assert result["msg"].startswith("DescribeCluster failed: the principal is not authorized")
    assert fake.calls == ["DescribeCluster", ("Metadata", None), "DescribeQuorum",
                          "DescribeCluster"]


def test_wait_options_are_checked_before_connecting(run_main, fake):
    result, failed = run_main(kafka_info.main, dict(
        CONNECTION, gather=["brokers"], require_voters=[1], wait=True, wait_interval=0))
    assert failed and fake.calls == []
    assert result["msg"] == ("Invalid options: require_voters needs the quorum: add quorum to "
                             "gather; wait_interval must be more than 0 and at most 60 seconds, "
                             "got 0.0")
