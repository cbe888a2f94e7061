# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.specweave.kafka.plugins.filter.kafka_tuning import (
    FilterModule,
    kafka_broker_tuning,
)

MIB = 1048576


def test_this_test_machine_2_cores_24_gib_from_ansible_facts():
    tuned = kafka_broker_tuning({"processor_vcpus": 2, "memtotal_mb": 24576,
                                 "memory_mb": {"real": {"total": 24576}}})
    props = tuned["properties"]
    # 2 cores: Kafka's 3 network and 8 I/O threads, 2 replica fetchers, 1 MiB socket buffers
    assert props["num.network.threads"] == "3" and props["num.io.threads"] == "8"
    assert props["num.replica.fetchers"] == "2"
    assert props["socket.send.buffer.bytes"] == props["socket.receive.buffer.bytes"] == str(MIB)
    assert props["replica.socket.receive.buffer.bytes"] == str(MIB)
    assert props["num.recovery.threads.per.data.dir"] == "2"
    assert props["log.segment.bytes"] == str(1024 * MIB)
    # a quarter of 24 GiB is 6 GiB, the cap; G1 with 16 MiB regions from 4 GiB
    assert tuned["heap"] == "6g"
    assert "-XX:+UseG1GC" in tuned["gc_opts"] and "G1HeapRegionSize=16M" in tuned["gc_opts"]


def test_big_host_with_several_disks():
    tuned = kafka_broker_tuning({"cores": 32, "memory_mb": 131072, "disks": 6, "disk_gb": 4000})
    props = tuned["properties"]
    assert props["num.network.threads"] == "16"           # 32 / 2
    assert props["num.io.threads"] == "64"                # max(8, 64, 48)
    assert props["num.replica.fetchers"] == "8"           # 32 / 4
    assert props["num.recovery.threads.per.data.dir"] == "3"   # ceil(32 / 12)
    assert tuned["heap"] == "6g"


def test_small_host_keeps_kafkas_defaults():
    tuned = kafka_broker_tuning({"cores": 1, "memory_mb": 1500, "disk_gb": 20})
    props = tuned["properties"]
    assert props["socket.send.buffer.bytes"] == "102400"
    assert props["replica.socket.receive.buffer.bytes"] == "65536"
    assert props["log.segment.bytes"] == str(256 * MIB)
    assert tuned["heap"] == "512m" and "G1HeapRegionSize" not in tuned["gc_opts"]


@pytest.mark.parametrize("memory, heap", [(2048, "1g"), (6000, "1280m"), (8192, "2g"),
                                          (16384, "4g"), (65536, "6g")])
def test_heap_is_a_quarter_of_memory_between_1_and_6_gib(memory, heap):
    assert kafka_broker_tuning({"cores": 4, "memory_mb": memory})["heap"] == heap


def test_cores_from_sockets_times_cores_when_vcpus_missing():
    tuned = kafka_broker_tuning({"processor_cores": 4, "processor_count": 2, "memtotal_mb": 8192})
    assert tuned["host"]["cores"] == 8 and tuned["properties"]["num.io.threads"] == "16"


@pytest.mark.parametrize("data, words", [
    ({"memory_mb": 4096}, "cores must be"),
    ({"cores": 2}, "memory_mb must be"),
    ({"cores": 2, "memory_mb": 4096, "disks": 0}, "disks must be"),
    ({"cores": 2, "memory_mb": 4096, "disk_gb": -1}, "disk_gb must be"),
    ("host", "must be ansible_facts"),
])
def test_bad_input_refused(data, words):
    with pytest.raises(AnsibleFilterError, match="kafka_broker_tuning: .*" + words):
        kafka_broker_tuning(data)


def test_filter_is_registered():
    assert FilterModule().filters()["kafka_broker_tuning"] is kafka_broker_tuning
