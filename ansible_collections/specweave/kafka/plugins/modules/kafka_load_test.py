#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kafka_load_test
short_description: Measure a Kafka cluster's throughput and end-to-end latency
version_added: 1.0.0
description:
  - Runs O(producers) producer processes and O(consumers) consumer processes (one consumer group)
    against an existing topic for O(duration) seconds or until O(records) records were sent,
    whichever comes first, and reports produced and consumed msg/s and MB/s, send errors,
    end-to-end latency percentiles (p50, p95, p99, p99.9, max), a per-second series and whether
    the targets were met.
  - Every record carries the time it was handed to the producer in its first 8 bytes; the
    latency of a record is the time it was received minus that time, so producers and consumers
    must share a clock (they run on the host that runs the module).
  - Before the run the group's offsets are set to the end of the topic, so only this run's
    records are read (with O(producers=0), to the beginning, so the consumers read what is there).
    The consumers join and get every partition assigned before the producers start; after the
    producers the consumers read until every acknowledged record is read or nothing new came
    for O(drain_timeout) seconds.
  - Each producer and consumer is its own process with its own librdkafka client (through the
    C(confluent-kafka) library), so Python does not limit the throughput.
  - With O(report), the result is also written as JSON there, with PNG plots next to it
    (throughput over time, latency over time, latency histogram) and a progress log
    (C(<report>.progress.log), one line a second with the phase and the interim rates) that
    C(tail -f) follows while the task runs.
  - The targets default to the seed's - producer at least 100,000 msg/s and 10 MB/s, consumer
    at least 50,000 msg/s and 5 MB/s (specified with 10 consumers), latency p50 below 10 ms,
    p95 below 100 ms, p99 below 500 ms.
  - The topic must exist; the module never creates one. Records sent stay in the topic until
    its retention removes them.
author:
  - specweave.kafka developers (@specweave)
extends_documentation_fragment:
  - specweave.kafka.kafka
attributes:
  check_mode:
    support: full
    description:
      - Checks the input, connects and reads the topic's partitions, and returns RV(workload)
        with C(changed=true); nothing is sent and no offset is committed.
  diff_mode:
    support: none
    description: A load test has no before and after to show.
  action_group:
    support: full
    membership:
      - specweave.kafka.kafka
    description: Use C(group/specweave.kafka.kafka) in C(module_defaults) to set the connection once.
seealso:
  - module: specweave.kafka.kafka_topic
  - module: specweave.kafka.kafka_message
options:
  topic:
    description:
      - The topic to load. It must exist; its partition count sets how many consumers get work.
    type: str
    required: true
  producers:
    description:
      - Producer processes. V(0) reads what the topic holds with the consumers alone (then
        O(latency) must be false).
    type: int
    default: 1
  consumers:
    description:
      - Consumer processes, members of one consumer group. V(0) only produces.
    type: int
    default: 1
  group_id:
    description:
      - The consumers' group. Without it, a new group (C(specweave-load-test-<random>)).
      - Its committed offsets are set before the run; do not use a group an application uses.
    type: str
  duration:
    description:
      - Seconds the producers send (or, with O(producers=0), the consumers read), more than 0.
        The run stops earlier when O(records) are sent.
    type: float
    default: 30
  records:
    description:
      - Records to send in all (shared among the producers); with O(producers=0), records to
        read. Without it, O(duration) alone bounds the run.
    type: int
  record_size:
    description:
      - Bytes of each record's value, at least 8 (the send time).
    type: int
    default: 100
  key_distribution:
    description:
      - V(none) records without a key (librdkafka's sticky partitioner fills batches);
        V(uniform) keys drawn at random from O(key_count) keys; V(sequential) the O(key_count)
        keys in turn.
    type: str
    choices: [none, uniform, sequential]
    default: none
  key_count:
    description:
      - Distinct keys with O(key_distribution) V(uniform) or V(sequential).
    type: int
    default: 1000
  acks:
    description:
      - Acknowledgements the producers wait for. V(0) only with O(latency=false).
    type: str
    choices: ['0', '1', all]
    default: all
  compression:
    description:
      - Producer compression codec.
    type: str
    choices: [none, gzip, snappy, lz4, zstd]
    default: none
  linger_ms:
    description:
      - Milliseconds a producer waits to fill a batch (C(linger.ms)).
    type: int
    default: 5
  batch_size:
    description:
      - Largest batch in bytes (C(batch.size)); librdkafka's default without it.
    type: int
  rate:
    description:
      - Records per second for all producers together; V(0) sends as fast as possible. A
        moderate rate measures latency below saturation.
    type: int
    default: 0
  latency:
    description:
      - Measure the end-to-end latency. Needs producers, consumers and O(acks) V(1) or V(all).
    type: bool
    default: true
  producer_config:
    description:
      - 'Other librdkafka producer settings, for example C({"queue.buffering.max.kbytes": 1048576}).'
    type: dict
    default: {}
  consumer_config:
    description:
      - 'Other librdkafka consumer settings, for example C({"fetch.min.bytes": 65536}).'
    type: dict
    default: {}
  targets:
    description:
      - Targets that replace the seed's, by name - C(producer_msg_s), C(producer_mb_s),
        C(consumer_msg_s), C(consumer_mb_s) (at least), C(latency_p50_ms), C(latency_p95_ms),
        C(latency_p99_ms) (below).
    type: dict
    default: {}
  fail_on_targets:
    description:
      - Fail the task when a measured target is missed (the result is still returned).
    type: bool
    default: false
  report:
    description:
      - Path of the JSON report to write. The plots and the progress log go next to it.
    type: path
  plots:
    description:
      - Write the PNG plots next to O(report). Needs the C(matplotlib) library.
    type: bool
    default: true
  drain_timeout:
    description:
      - Seconds the consumers may read nothing new after the producers end before the run
        stops; also the producers' time to get their last records acknowledged.
    type: float
    default: 30
  join_timeout:
    description:
      - Seconds the consumers have to join the group and get every partition.
    type: float
    default: 60
requirements:
  - confluent-kafka >= 2.6
  - matplotlib (for O(plots))
notes:
  - The figures depend on the host that runs the module as much as on the cluster; run it close
    to the cluster, on a host with spare cores (each producer and consumer takes about one).
"""

EXAMPLES = r"""
- name: One minute with 4 producers, 10 consumers, 1 KB records, lz4
  specweave.kafka.kafka_load_test:
    bootstrap_servers: kafka1:9092
    topic: load-test
    producers: 4
    consumers: 10
    duration: 60
    record_size: 1024
    compression: lz4
    linger_ms: 10
    report: /tmp/load-test/report.json
  register: load

- name: Latency below saturation, 5,000 records/s, acks=all, TLS and SCRAM
  specweave.kafka.kafka_load_test:
    bootstrap_servers: kafka1:9093
    security_protocol: SASL_SSL
    sasl_mechanism: SCRAM-SHA-512
    sasl_username: loadtest
    sasl_password: "{{ vault_loadtest_password }}"
    ssl_cafile: /etc/kafka/ca.pem
    topic: load-test
    rate: 5000
    duration: 30
    fail_on_targets: true
    targets:
      latency_p99_ms: 50
"""

RETURN = r"""
workload:
  description: The workload as run (the options that shape it, the group id chosen).
  returned: always
  type: dict
  sample: {"topic": "load-test", "producers": 4, "consumers": 10, "record_size": 1024,
           "acks": "all", "compression": "lz4", "linger_ms": 10, "duration": 60}
partitions:
  description: Partitions of the topic.
  returned: always
  type: int
  sample: 12
produced:
  description: C(sent), C(acknowledged), C(errors) (failed deliveries), C(unacknowledged) (no
    answer before O(drain_timeout)), C(error_samples), C(seconds), C(msg_s), C(mb_s) (of the
    acknowledged records, MB = 10^6 bytes) and C(bytes).
  returned: when the run took place
  type: dict
  sample: {"sent": 600000, "acknowledged": 600000, "errors": 0, "msg_s": 118000.5, "mb_s": 11.8}
consumed:
  description: C(records), C(bytes), C(seconds), C(msg_s), C(mb_s) and C(errors) of the consumers.
  returned: when the run took place
  type: dict
  sample: {"records": 600000, "msg_s": 117000.1, "mb_s": 11.7}
latency_ms:
  description: End-to-end latency in milliseconds - C(count), C(min), C(mean), C(p50), C(p95),
    C(p99), C(p999), C(max) (nearest-rank percentiles over every record read).
  returned: when the run took place
  type: dict
  sample: {"count": 600000, "p50": 3.1, "p95": 9.8, "p99": 22.4, "max": 80.2}
series:
  description: One entry per second of the run - C(second), C(produced) and C(consumed)
    records, C(produced_mb), C(consumed_mb), and C(latency_p50_ms), C(latency_p99_ms),
    C(latency_max_ms) of the records read in that second.
  returned: when the run took place
  type: list
  elements: dict
targets:
  description: Per target, C(limit), C(kind) (C(min) met at or above, C(max) met below),
    the measured C(value) and C(met) (null when not measured).
  returned: when the run took place
  type: dict
targets_met:
  description: Whether every measured target was met (null when none was measured).
  returned: when the run took place
  type: bool
phases:
  description: The phases of the run with their seconds (joining group, producing, draining).
  returned: when the run took place
  type: list
  elements: dict
report:
  description: The JSON report written.
  returned: with O(report)
  type: str
plots:
  description: The PNG files written next to the report.
  returned: with O(report)
  type: list
  elements: str
  sample: ["/tmp/load-test/report-throughput.png", "/tmp/load-test/report-latency.png",
           "/tmp/load-test/report-latency-histogram.png"]
progress_log:
  description: The progress log written during the run.
  returned: with O(report)
  type: str
"""

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_librdkafka import (
    LibrdkafkaConnection,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_load_test import (
    ACKS,
    COMPRESSION,
    KEY_DISTRIBUTIONS,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_load_test_run import (
    LoadTestResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    topic=dict(type="str", required=True),
    producers=dict(type="int", default=1),
    consumers=dict(type="int", default=1),
    group_id=dict(type="str"),
    duration=dict(type="float", default=30),
    records=dict(type="int"),
    record_size=dict(type="int", default=100),
    key_distribution=dict(type="str", choices=list(KEY_DISTRIBUTIONS), default="none"),
    key_count=dict(type="int", default=1000, no_log=False),
    acks=dict(type="str", choices=list(ACKS), default="all"),
    compression=dict(type="str", choices=list(COMPRESSION), default="none"),
    linger_ms=dict(type="int", default=5),
    batch_size=dict(type="int"),
    rate=dict(type="int", default=0),
    latency=dict(type="bool", default=True),
    producer_config=dict(type="dict", default={}),
    consumer_config=dict(type="dict", default={}),
    targets=dict(type="dict", default={}),
    fail_on_targets=dict(type="bool", default=False),
    report=dict(type="path"),
    plots=dict(type="bool", default=True),
    drain_timeout=dict(type="float", default=30),
    join_timeout=dict(type="float", default=60),
)


def main():
    run_module(LoadTestResource(), ARGUMENT_SPEC, LibrdkafkaConnection(), supports_check_mode=True)


if __name__ == "__main__":
    main()
