#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kafka_info
short_description: Report the state and health of an Apache Kafka cluster
version_added: 1.0.0
description:
  - Reports the cluster id, the active controller, the brokers, topics with their partitions
    (leader, replicas, in-sync replicas), under-replicated and offline partition counts, and
    the KRaft controller quorum with the lag of each voter.
  - Optionally reports topic configurations and consumer groups with their lag (committed
    offsets against log end offsets).
  - Sums it up in RV(healthy) and RV(health_problems). With O(wait) it asks again every
    O(wait_interval) seconds until the cluster is healthy (for example a restarted node back in
    the metadata with every partition in sync), in one task, which is how the kafka_broker role
    gates its rolling restarts.
  - Filters (O(topics), O(topic_prefix), O(topic_pattern), O(gather)) keep it fast on large
    clusters. It sends one request per Kafka API and never changes anything.
author:
  - specweave.kafka developers (@specweave)
extends_documentation_fragment:
  - specweave.kafka.kafka
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  action_group:
    support: full
    membership:
      - specweave.kafka.kafka
    description: Use C(group/specweave.kafka.kafka) in C(module_defaults) to set the connection once.
options:
  gather:
    description:
      - Which parts to report. The cluster id, controller and health summary are always
        reported.
      - V(brokers) lists the brokers; V(topics) the topics and partitions; V(configs) the
        topic configurations (implies V(topics)); V(consumer_groups) the consumer groups and
        their lag; V(quorum) the KRaft controller quorum; V(all) everything.
    type: list
    elements: str
    choices: [all, brokers, topics, configs, consumer_groups, quorum]
    default: [brokers, topics, quorum]
  topics:
    description:
      - Only these topics (exact names). Metadata is then requested for these names only,
        which is the fastest way to look at a few topics of a big cluster.
      - Names that do not exist are listed in RV(missing_topics).
      - Named topics are reported even when internal.
    type: list
    elements: str
  topic_prefix:
    description:
      - Only topics whose name starts with this prefix.
    type: str
  topic_pattern:
    description:
      - Only topics whose whole name matches this Python regular expression, for example
        C(orders\..*).
    type: str
  include_internal:
    description:
      - Also report internal topics (C(__consumer_offsets), C(__transaction_state), C(_schemas)
        and any other name starting with C(__)) that were not named in O(topics).
    type: bool
    default: false
  configs_include_defaults:
    description:
      - With O(gather=configs), also report configuration values that are defaults (of Kafka or
        of the broker). By default only values set on the topic are reported.
    type: bool
    default: false
  consumer_groups:
    description:
      - With O(gather=consumer_groups), only these groups. By default all consumer groups.
      - When topic filters are set, only offsets on the selected topics count in the lag.
    type: list
    elements: str
  expected_brokers:
    description:
      - Number of brokers that must be registered and unfenced for RV(healthy) to be true.
      - Without it, every broker that is registered must be unfenced.
    type: int
  quorum_max_lag_ms:
    description:
      - A controller quorum voter counts as caught up when it was last caught up with the
        leader's log at most this many milliseconds before the leader.
    type: int
    default: 5000
  quorum_max_lag:
    description:
      - Also require every controller quorum voter to be at most this many records behind
        the leader's log end (C(max_follower_lag) of RV(quorum)) for RV(healthy).
      - Needs V(quorum) in O(gather).
    type: int
  require_brokers:
    description:
      - Ids of brokers that must be registered and unfenced for RV(healthy) to be true, for
        example a broker that was just restarted. Needs V(brokers) in O(gather).
    type: list
    elements: int
  require_voters:
    description:
      - Ids of nodes that must be voters of the KRaft controller quorum for RV(healthy) to be
        true. Needs V(quorum) in O(gather).
    type: list
    elements: int
  wait:
    description:
      - Ask again every O(wait_interval) seconds until RV(healthy) is true, then return that
        report with RV(wait). One connection serves every poll.
      - A request that fails because no broker answered in time or a node was restarting
        counts as a poll that was not healthy (the connection is opened again). Refused
        credentials or certificates, a missing permission or a port that does not speak Kafka
        fail at once.
      - Fails after O(wait_timeout) seconds with what was still wrong (RV(health_problems) of
        the last poll) in the message and the last report in the result.
    type: bool
    default: false
  wait_timeout:
    description:
      - With O(wait), seconds to wait for the cluster to be healthy.
    type: int
    default: 300
  wait_interval:
    description:
      - With O(wait), seconds between two polls (more than 0, at most 60).
    type: float
    default: 0.5
notes:
  - Under-replicated and offline counts and RV(healthy) cover the topics selected by the
    filters, which are all topics when no filter is set.
  - The controller quorum needs a KRaft cluster and the DescribeQuorum API (Kafka 3.3 or
    later, permission C(Describe) on the cluster). Where it is not available (for example on
    some managed services) C(quorum.available) is false, a warning is shown and the quorum
    is left out of RV(healthy).
seealso:
  - module: specweave.kafka.kafka_topic
  - name: Kafka operations, monitoring
    description: What under-replicated and offline partitions mean.
    link: https://kafka.apache.org/documentation/#monitoring
"""

EXAMPLES = r"""
- name: Health of the cluster
  specweave.kafka.kafka_info:
    bootstrap_servers: broker1:9092,broker2:9092
  register: kafka

- name: Gate on it
  ansible.builtin.assert:
    that:
      - kafka.healthy
    fail_msg: "{{ kafka.health_problems | join('; ') }}"

- name: Wait until broker 2 is back and every partition is in sync (one task, polls every 0.5 s)
  specweave.kafka.kafka_info:
    bootstrap_servers: "{{ kafka_bootstrap }}"
    gather: [brokers, topics, quorum]
    include_internal: true
    expected_brokers: 3
    require_brokers: [2]
    wait: true
    wait_timeout: 180
  register: kafka_health

- name: How long it took
  ansible.builtin.debug:
    msg: "healthy after {{ kafka_health.wait.seconds }} s ({{ kafka_health.wait.polls }} polls)"

- name: Partitions and configs of the order topics
  specweave.kafka.kafka_info:
    bootstrap_servers: "{{ kafka_bootstrap }}"
    gather: [topics, configs]
    topic_prefix: orders.
  register: orders

- name: Lag of one consumer group
  specweave.kafka.kafka_info:
    bootstrap_servers: "{{ kafka_bootstrap }}"
    gather: [consumer_groups]
    consumer_groups: [billing]
  register: billing

- name: Show it
  ansible.builtin.debug:
    msg: "billing is {{ billing.consumer_groups.billing.lag }} messages behind"
"""

RETURN = r"""
gathered:
  description: The parts that were gathered (after expanding V(all) and V(configs)).
  returned: always
  type: list
  elements: str
  sample: [brokers, quorum, topics]
cluster:
  description: Cluster identity.
  returned: always
  type: dict
  contains:
    cluster_id:
      description: Cluster id.
      type: str
      sample: yg6vKSI-QyOFO45sb-5A0w
    controller_id:
      description: Id of the node the brokers report as controller.
      type: int
      sample: 1
    broker_count:
      description: Registered brokers, fenced ones included.
      type: int
      sample: 3
    live_broker_count:
      description: Registered brokers that are not fenced.
      type: int
      sample: 3
    kafka_version:
      description: Kafka version the client detected from the API versions.
      type: str
      sample: "4.1"
brokers:
  description: Registered brokers, sorted by id.
  returned: when O(gather) includes V(brokers)
  type: list
  elements: dict
  sample: [{"id": 1, "host": "broker1", "port": 9092, "rack": "eu-west-1a", "fenced": false}]
broker_ids:
  description: Ids of the live (unfenced) brokers.
  returned: when O(gather) includes V(brokers)
  type: list
  elements: int
  sample: [1, 2, 3]
topics:
  description:
    - Selected topics by name. Each has C(name), C(topic_id), C(internal), C(partition_count),
      C(replication_factor), C(under_replicated_partitions), C(offline_partitions) and
      C(partitions), a list sorted by partition of C(partition), C(leader) (-1 when none),
      C(replicas), C(isr), C(offline_replicas), C(under_replicated) and C(offline).
    - With V(configs), also C(configs) (key to value, sensitive values hidden),
      C(min_insync_replicas), C(under_min_isr_partitions) and per partition C(under_min_isr).
  returned: when O(gather) includes V(topics) or V(configs)
  type: dict
  sample:
    orders:
      name: orders
      topic_id: 2679c6e4-ee9e-4454-8864-dbcc343faa2d
      internal: false
      partition_count: 1
      replication_factor: 3
      under_replicated_partitions: 0
      offline_partitions: 0
      partitions:
        - partition: 0
          leader: 1
          replicas: [1, 2, 3]
          isr: [1, 2, 3]
          offline_replicas: []
          under_replicated: false
          offline: false
missing_topics:
  description: Names given in O(topics) that do not exist.
  returned: when O(gather) includes V(topics)
  type: list
  elements: str
  sample: []
consumer_groups:
  description:
    - Consumer groups by id with C(state), C(protocol_type), C(group_type), C(members) (count),
      C(lag) (total) and C(topics), by topic C(lag) and C(partitions) with C(partition),
      C(committed_offset), C(log_end_offset) and C(lag).
  returned: when O(gather) includes V(consumer_groups)
  type: dict
  sample:
    billing:
      group_id: billing
      state: Stable
      members: 2
      lag: 7
      topics:
        orders:
          lag: 7
          partitions: [{"partition": 0, "committed_offset": 3, "log_end_offset": 10, "lag": 7}]
quorum:
  description:
    - KRaft controller quorum (the C(__cluster_metadata) log), as
      C(kafka-metadata-quorum describe --status --replication) shows it.
    - C(available), C(leader_id), C(leader_epoch), C(high_watermark), C(voter_ids),
      C(voters) and C(observers) (each C(id), C(status), C(log_end_offset), C(lag),
      C(lag_time_ms), C(last_fetch_timestamp), C(last_caught_up_timestamp), C(caught_up)),
      C(max_follower_lag), C(max_follower_lag_time_ms), C(lagging_voters), C(caught_up).
    - When the cluster does not offer it, only C(available=false) and C(error).
  returned: when O(gather) includes V(quorum)
  type: dict
  sample: {"available": true, "leader_id": 1, "voter_ids": [1, 2, 3], "caught_up": true}
summary:
  description:
    - Counts for quick assertions. C(brokers), C(live_brokers), C(fenced_brokers); with
      topics C(topics), C(partitions), C(under_replicated_partitions), C(offline_partitions)
      (and C(under_min_isr_partitions) with configs); C(quorum_caught_up);
      C(consumer_groups) and C(consumer_lag).
  returned: always
  type: dict
  sample: {"brokers": 3, "live_brokers": 3, "under_replicated_partitions": 0,
           "offline_partitions": 0, "quorum_caught_up": true}
healthy:
  description:
    - True when every registered broker is unfenced (and at least O(expected_brokers) are),
      no selected partition is under-replicated or offline, and the controller quorum is
      caught up. Only the parts gathered are checked, see RV(health_checks).
  returned: always
  type: bool
  sample: true
health_problems:
  description: What makes RV(healthy) false, one sentence each.
  returned: always
  type: list
  elements: str
  sample: ["2 under-replicated partitions: orders-0, orders-1"]
health_checks:
  description: The checks RV(healthy) is based on (V(brokers), V(partitions), V(quorum)).
  returned: always
  type: list
  elements: str
  sample: [brokers, partitions, quorum]
wait:
  description: With O(wait), how many polls were made and how many seconds they took.
  returned: when O(wait) is true
  type: dict
  contains:
    polls:
      description: Reports gathered, the last one included.
      type: int
      sample: 7
    seconds:
      description: Seconds from the first poll to the last.
      type: float
      sample: 3.1
"""

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_info import (
    DEFAULT_GATHER,
    GATHER_CHOICES,
    InfoResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    gather=dict(type="list", elements="str", choices=GATHER_CHOICES,
                default=list(DEFAULT_GATHER)),
    topics=dict(type="list", elements="str"),
    topic_prefix=dict(type="str"),
    topic_pattern=dict(type="str"),
    include_internal=dict(type="bool", default=False),
    configs_include_defaults=dict(type="bool", default=False),
    consumer_groups=dict(type="list", elements="str"),
    expected_brokers=dict(type="int"),
    quorum_max_lag_ms=dict(type="int", default=5000),
    quorum_max_lag=dict(type="int"),
    require_brokers=dict(type="list", elements="int"),
    require_voters=dict(type="list", elements="int"),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=300),
    wait_interval=dict(type="float", default=0.5),
)


def main():
    run_module(InfoResource(), ARGUMENT_SPEC, KafkaConnection(), supports_check_mode=True)


if __name__ == "__main__":
    main()
