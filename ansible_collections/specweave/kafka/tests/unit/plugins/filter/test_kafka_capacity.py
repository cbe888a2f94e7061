# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.specweave.kafka.plugins.filter.kafka_capacity import (
    FilterModule,
    kafka_capacity,
)


def test_worked_example_network_out_decides():
    # 100 MB/s, RF 3, 2 consumer groups, 24 h, 30 % headroom, 1 GbE (125 MB/s), 10 TB disks.
    # in = 300 MB/s -> 300 / 87.5 = 3.4 -> 4; out = 100 * (2 + 3 - 1) = 400 -> 4.6 -> 5;
    # disk writes 300 / 140 -> 3; stored 100 * 86400 * 3 / 1000 = 25920 GB / 7000 -> 4;
    # partitions max(100/10, 100/20, 12) = 12, rounded to a multiple of 5 brokers = 15.
    plan = kafka_capacity({"throughput_mb_s": 100, "replication_factor": 3, "consumer_fanout": 2,
                           "retention_hours": 24, "headroom": 0.3, "disk_gb": 10000,
                           "max_consumers": 12})
    assert plan["brokers"] == 5
    assert plan["limited_by"] == "network_out"
    assert plan["partitions_per_topic"] == 15
    assert plan["cluster"]["network_in_mb_s"] == 300
    assert plan["cluster"]["network_out_mb_s"] == 400
    assert plan["cluster"]["stored_gb"] == 25920
    assert plan["network_in_mb_s_per_broker"] == 60
    assert plan["network_out_mb_s_per_broker"] == 80
    assert plan["stored_gb_per_broker"] == 5184
    assert plan["disk_gb_per_broker"] == pytest.approx(7405.714, abs=0.001)
    assert plan["partition_replicas_per_broker"] == 9


def test_worked_example_disk_space_decides_from_records_per_second():
    # 20,000 records/s of 500 B = 10 MB/s; a week (168 h) at RF 3 = 18144 GB on 1 TB disks
    # at 70 % -> 25.9 -> 26 brokers; one partition is enough, rounded up to 26.
    plan = kafka_capacity({"records_per_second": 20000, "record_size": 500})
    assert plan["cluster"]["throughput_mb_s"] == 10
    assert plan["brokers"] == 26
    assert plan["limited_by"] == "disk_space"
    assert plan["partitions_per_topic"] == 26
    assert plan["stored_gb_per_broker"] == pytest.approx(697.846, abs=0.001)
    assert plan["disk_gb_per_broker"] == pytest.approx(996.923, abs=0.001)


def test_worked_example_partition_replicas_decide():
    # 100 topics, groups of 12 -> 12 partitions each: 12 * 100 * 3 = 3600 replicas over
    # 1000 per broker -> 4 brokers; 12 is already a multiple of 4.
    plan = kafka_capacity({"throughput_mb_s": 1, "topics": 100, "max_consumers": 12,
                           "max_partition_replicas": 1000, "headroom": 0})
    assert (plan["brokers"], plan["limited_by"], plan["partitions_per_topic"]) == (
        4, "partition_replicas", 12)
    assert plan["partition_replicas_per_broker"] == 900


def test_small_workload_gets_replication_factor_brokers():
    plan = kafka_capacity({"throughput_mb_s": 1, "retention_hours": 1})
    assert (plan["brokers"], plan["limited_by"], plan["partitions_per_topic"]) == (
        3, "replication_factor", 3)


def test_more_headroom_never_needs_fewer_brokers():
    spec = {"throughput_mb_s": 200, "consumer_fanout": 3, "retention_hours": 48}
    counts = [kafka_capacity(dict(spec, headroom=h))["brokers"] for h in (0, 0.2, 0.4, 0.6)]
    assert counts == sorted(counts) and counts[0] < counts[-1]


@pytest.mark.parametrize("spec, words", [
    ({}, "throughput is missing"),
    ({"throughput_mb_s": 0}, "more than 0"),
    ({"throughput_mb_s": 1, "records_per_second": 5}, "not both"),
    ({"throughput_mb_s": 1, "headroom": 1}, "headroom"),
    ({"throughput_mb_s": 1, "replication_factor": 1.5}, "replication_factor must be a whole"),
    ({"throughput_mb_s": "fast"}, "throughput_mb_s must be a number"),
    ({"throughput_mb_s": 1, "retention": 7}, "unknown key(s) retention"),
    ({"throughput_mb_s": 1, "topics": 2000}, "fewer topics"),
    ("100", "must be a dict"),
])
def test_bad_input_is_refused_with_the_reason(spec, words):
    with pytest.raises(AnsibleFilterError, match="kafka_capacity: .*" + words.replace("(", r"\(")
                       .replace(")", r"\)")):
        kafka_capacity(spec)


def test_filter_is_registered():
    assert FilterModule().filters()["kafka_capacity"] is kafka_capacity
