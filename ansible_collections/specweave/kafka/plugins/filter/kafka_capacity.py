# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: kafka_capacity
short_description: Size a self-hosted Kafka cluster from its workload
version_added: 1.0.0
description:
  - Turns a workload (produce throughput, retention, replication factor, consumer fan-out, the
    largest consumer group) and the headroom to keep into a broker count, partitions per topic,
    disk per broker and network per broker, and says which limit decided the broker count.
  - "The formulas (MB = 10^6 bytes, GB = 10^9 bytes, W the produce throughput in MB/s as sent by
    the producers, that is after compression, RF the replication factor, F the consumer fan-out,
    u = 1 - headroom the share of a resource the plan may use):"
  - "network in of the cluster = W * RF (the producers' bytes and the followers' fetches of them);
    network out = W * (F + RF - 1) (every consumer group reads everything once, each follower
    fetches once); disk writes = W * RF; data stored = W * retention seconds * RF / 1000 GB."
  - "partitions of a topic = max(ceil(W_topic / partition_mb_s), ceil(W_topic /
    consumer_partition_mb_s), max_consumers), rounded up to a multiple of the broker count so that
    leaders spread evenly (W_topic = W / topics)."
  - "brokers = the largest of: RF, min_brokers, ceil(network in / (broker network_mb_s * u)),
    ceil(network out / (network_mb_s * u)), ceil(disk writes / (disk_mb_s * u)), ceil(data stored
    / (disk_gb * u)) and ceil(partitions * topics * RF / (max_partition_replicas * u)); the two
    steps are repeated until neither changes."
  - The per-broker figures are the cluster's divided by the broker count; RV(_value.disk_gb_per_broker)
    is the disk to provision (the data a broker stores divided by u).
options:
  _input:
    description:
      - "The workload. Throughput as C(throughput_mb_s) (MB/s), or C(records_per_second) with
        C(record_size) (bytes, default 1024). C(topics) (default 1) share it equally.
        C(retention_hours) (default 168), C(replication_factor) (default 3),
        C(consumer_fanout) (consumer groups that each read everything, default 1),
        C(max_consumers) (members of the largest consumer group, default 1),
        C(headroom) (share of every resource left free, 0 to below 1, default 0.3)."
      - "Per broker limits: C(network_mb_s) (default 125, one 1 Gbit/s link), C(disk_mb_s)
        (sustained write throughput, default 200), C(disk_gb) (default 1000),
        C(max_partition_replicas) (default 4000). Per partition: C(partition_mb_s) (what one
        partition takes from producers, default 10) and C(consumer_partition_mb_s) (what one
        consumer reads from one partition, default 20). C(min_brokers) (default 3)."
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Size a cluster for 50 MB/s, 3 days of retention, two consumer groups of up to 24 members
  ansible.builtin.debug:
    msg: >-
      {{ {'throughput_mb_s': 50, 'retention_hours': 72, 'replication_factor': 3,
          'consumer_fanout': 2, 'max_consumers': 24, 'disk_gb': 4000}
         | specweave.kafka.kafka_capacity }}

- name: From records per second, on 10 Gbit/s links
  ansible.builtin.set_fact:
    brokers: >-
      {{ ({'records_per_second': 200000, 'record_size': 512, 'network_mb_s': 1250}
          | specweave.kafka.kafka_capacity).brokers }}
"""

RETURN = r"""
_value:
  description: The plan.
  type: dict
  contains:
    brokers:
      description: Brokers needed.
      type: int
    limited_by:
      description: The limit that decided the broker count (C(replication_factor), C(min_brokers),
        C(network_in), C(network_out), C(disk_throughput), C(disk_space), C(partition_replicas)).
      type: str
    partitions_per_topic:
      description: Partitions of each topic.
      type: int
    disk_gb_per_broker:
      description: Disk to provision per broker (stored data / (1 - headroom)), GB.
      type: float
    stored_gb_per_broker:
      description: Data a broker stores at full retention, GB.
      type: float
    network_in_mb_s_per_broker:
      description: Network in per broker, MB/s.
      type: float
    network_out_mb_s_per_broker:
      description: Network out per broker, MB/s.
      type: float
    partition_replicas_per_broker:
      description: Partition replicas per broker.
      type: int
    cluster:
      description: The cluster's totals (C(throughput_mb_s), C(network_in_mb_s),
        C(network_out_mb_s), C(disk_write_mb_s), C(stored_gb)) and the workload as read.
      type: dict
"""

import math

from ansible.errors import AnsibleFilterError

DEFAULTS = {
    "record_size": 1024,
    "topics": 1,
    "retention_hours": 168,
    "replication_factor": 3,
    "consumer_fanout": 1,
    "max_consumers": 1,
    "headroom": 0.3,
    "network_mb_s": 125.0,
    "disk_mb_s": 200.0,
    "disk_gb": 1000.0,
    "max_partition_replicas": 4000,
    "partition_mb_s": 10.0,
    "consumer_partition_mb_s": 20.0,
    "min_brokers": 3,
}
_INTEGERS = ("record_size", "topics", "replication_factor", "consumer_fanout", "max_consumers",
             "max_partition_replicas", "min_brokers")
_POSITIVE = ("network_mb_s", "disk_mb_s", "disk_gb", "partition_mb_s", "consumer_partition_mb_s",
             "retention_hours")


class CapacityError(ValueError):
    pass


def _number(spec, key):
    value = spec[key]
    if isinstance(value, bool):
        raise CapacityError("%s must be a number, got %r" % (key, value))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CapacityError("%s must be a number, got %r" % (key, value))


def workload(spec):
    """The workload with its defaults, checked; throughput in MB/s."""
    if not isinstance(spec, dict):
        raise CapacityError("the input must be a dict of the workload, got %s"
                            % type(spec).__name__)
    unknown = sorted(set(spec) - set(DEFAULTS) - {"throughput_mb_s", "records_per_second"})
    if unknown:
        raise CapacityError("unknown key(s) %s; known: %s" % (", ".join(unknown), ", ".join(
            sorted(set(DEFAULTS) | {"throughput_mb_s", "records_per_second"}))))
    data = dict(DEFAULTS)
    data.update(dict((k, v) for k, v in spec.items() if v is not None))
    values = {}
    for key in DEFAULTS:
        values[key] = _number(data, key)
    for key in _INTEGERS:
        if values[key] != int(values[key]) or values[key] < 1:
            raise CapacityError("%s must be a whole number of 1 or more, got %r"
                                % (key, data[key]))
        values[key] = int(values[key])
    for key in _POSITIVE:
        if values[key] <= 0:
            raise CapacityError("%s must be more than 0, got %r" % (key, data[key]))
    if not 0 <= values["headroom"] < 1:
        raise CapacityError("headroom is the share of each resource left free: from 0 to "
                            "below 1 (0.3 keeps 30%% free), got %r" % data["headroom"])
    if "throughput_mb_s" in data:
        if "records_per_second" in data:
            raise CapacityError("give throughput_mb_s or records_per_second (with "
                                "record_size), not both")
        values["throughput_mb_s"] = _number(data, "throughput_mb_s")
    elif "records_per_second" in data:
        values["records_per_second"] = _number(data, "records_per_second")
        values["throughput_mb_s"] = values["records_per_second"] * values["record_size"] / 1e6
    else:
        raise CapacityError("the throughput is missing: give throughput_mb_s (MB/s) or "
                            "records_per_second and record_size (bytes)")
    if values["throughput_mb_s"] <= 0:
        raise CapacityError("the throughput must be more than 0")
    return values


def _ceil(value):
    # 3.0000000001 from float noise is 3, not 4
    return int(math.ceil(round(value, 9)))


def plan(spec):
    """The capacity plan of ``spec`` (see DOCUMENTATION for the formulas)."""
    w = workload(spec)
    use = 1.0 - w["headroom"]
    rf, throughput = w["replication_factor"], w["throughput_mb_s"]
    network_in = throughput * rf
    network_out = throughput * (w["consumer_fanout"] + rf - 1)
    disk_write = throughput * rf
    stored_gb = throughput * w["retention_hours"] * 3600 * rf / 1000.0
    per_topic = throughput / w["topics"]
    partitions = max(_ceil(per_topic / w["partition_mb_s"]),
                     _ceil(per_topic / w["consumer_partition_mb_s"]), w["max_consumers"])
    fixed = [
        ("replication_factor", rf),
        ("min_brokers", w["min_brokers"]),
        ("network_in", _ceil(network_in / (w["network_mb_s"] * use))),
        ("network_out", _ceil(network_out / (w["network_mb_s"] * use))),
        ("disk_throughput", _ceil(disk_write / (w["disk_mb_s"] * use))),
        ("disk_space", _ceil(stored_gb / (w["disk_gb"] * use))),
    ]
    if w["topics"] * rf > w["max_partition_replicas"] * use:
        raise CapacityError(
            "%d topics of replication factor %d put at least %d partition replicas on every "
            "broker, more than max_partition_replicas * (1 - headroom) = %g: fewer topics or a "
            "higher max_partition_replicas" % (w["topics"], rf, w["topics"] * rf,
                                               w["max_partition_replicas"] * use))
    brokers = 0
    while True:  # converges: with one partition per broker and topic the replicas fit (above)
        candidates = fixed + [("partition_replicas", _ceil(
            partitions * w["topics"] * rf / (w["max_partition_replicas"] * use)))]
        limited_by, needed = max(candidates, key=lambda item: item[1])  # first of equals wins
        rounded = _ceil(float(partitions) / needed) * needed
        if needed == brokers and rounded == partitions:
            break
        brokers, partitions = needed, rounded
    replicas = partitions * w["topics"] * rf
    return {
        "brokers": brokers,
        "limited_by": limited_by,
        "partitions_per_topic": partitions,
        "stored_gb_per_broker": round(stored_gb / brokers, 3),
        "disk_gb_per_broker": round(stored_gb / brokers / use, 3),
        "network_in_mb_s_per_broker": round(network_in / brokers, 3),
        "network_out_mb_s_per_broker": round(network_out / brokers, 3),
        "partition_replicas_per_broker": _ceil(float(replicas) / brokers),
        "cluster": {
            "throughput_mb_s": round(throughput, 6),
            "network_in_mb_s": round(network_in, 6),
            "network_out_mb_s": round(network_out, 6),
            "disk_write_mb_s": round(disk_write, 6),
            "stored_gb": round(stored_gb, 6),
            "workload": w,
        },
    }


def kafka_capacity(spec):
    try:
        return plan(spec)
    except CapacityError as exc:
        raise AnsibleFilterError("kafka_capacity: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"kafka_capacity": kafka_capacity}
