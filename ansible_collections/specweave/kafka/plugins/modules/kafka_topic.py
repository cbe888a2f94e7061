#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: kafka_topic
short_description: Create, update and delete Apache Kafka topics, one or many per task
version_added: 1.0.0
description:
  - Converges one topic (O(name)) or a whole list of topics (O(topics)) in a single task, with
    one admin connection and one request per Kafka API for the whole batch (CreateTopics is split
    in chunks under the KRaft limit of 10,000 records per request).
  - Creates and deletes topics, increases partitions, changes topic configuration with
    incremental alter (only the keys you declare are touched) and changes the replication factor
    by partition reassignment with balanced, rack-aware placement that keeps current replicas and
    leaders, waiting for the reassignment to finish.
  - The whole batch is validated before anything is applied, first locally (names, '.'/'_'
    collisions, partitions, replication factor against live brokers, config keys and value
    types), then by the broker with C(validate_only) requests. If the broker still rejects part
    of the batch, the result says exactly which topics were applied and which were not.
  - Config values are normalised before comparison, so V(true), V(yes) and V("true"), V(7d) and
    V(604800000), V(1GiB) and V(1073741824) are the same value and re-runs report no change.
  - Internal topics (C(__consumer_offsets), C(__transaction_state), C(_schemas), any C(__*)) are
    never created, altered or deleted unless O(allow_internal_topics=true).
author:
  - specweave.kafka developers (@specweave)
extends_documentation_fragment:
  - specweave.kafka.kafka
options:
  name:
    description:
      - Name of one topic to manage. Mutually exclusive with O(topics).
      - Legal names use ASCII letters, digits, C(.), C(_) and C(-), at most 249 characters.
    type: str
    aliases: [topic]
  topics:
    description:
      - List of topics to manage in one task, each with the same keys as the single-topic form.
      - O(partitions), O(replication_factor), O(config) and O(state) given at the top level are
        defaults for every item; an item's own O(topics[].config) is merged over O(config).
    type: list
    elements: dict
    suboptions:
      name:
        description: Topic name.
        type: str
        required: true
      partitions:
        description: Number of partitions.
        type: int
      replication_factor:
        description: Replication factor.
        type: int
      config:
        description: Topic configuration (key to value; V(null) resets the key to its default).
        type: dict
      state:
        description: Whether the topic exists.
        type: str
        choices: [present, absent]
  partitions:
    description:
      - Number of partitions. On creation the broker default (C(num.partitions)) when omitted;
        for an existing topic, partitions are only managed when given.
      - Partitions can only be increased; a decrease is refused with a clear message.
    type: int
  replication_factor:
    description:
      - Replication factor. On creation the broker default when omitted; for an existing topic
        a different value triggers a partition reassignment (see O(reassignment_timeout)).
      - Must not exceed the number of live brokers.
    type: int
  config:
    description:
      - Topic configuration, key to value, for example C(retention.ms), C(cleanup.policy).
      - Only these keys are managed; other dynamic topic configs are left alone unless
        O(reset_undeclared_config=true). A V(null) value resets the key to the broker default.
      - Durations (keys ending in C(.ms)) accept V(500ms), V(30s), V(15m), V(12h), V(7d), V(2w);
        sizes (keys ending in C(.bytes)) accept V(512KiB), V(100MiB), V(1GiB) (powers of 1024)
        and V(1GB) (powers of 1000); lists accept YAML lists; booleans accept YAML booleans.
      - Unknown keys are refused, naming the key.
    type: dict
  state:
    description:
      - V(present) creates or updates, V(absent) deletes.
      - With O(topics), the default state for items that do not set one.
    type: str
    choices: [present, absent]
    default: present
  reset_undeclared_config:
    description:
      - Reset every dynamic topic config that is set on the topic but not declared in
        O(config) to the broker default.
    type: bool
    default: false
  delete_undeclared:
    description:
      - Exclusive mode. Delete existing topics that are not declared in O(topics) (or O(name)),
        but only those inside O(undeclared_scope). Internal topics are never deleted.
    type: bool
    default: false
  undeclared_scope:
    description:
      - Required with O(delete_undeclared=true). Exactly one of O(undeclared_scope.prefix) or
        O(undeclared_scope.pattern).
    type: dict
    suboptions:
      prefix:
        description: Topics whose names start with this prefix are in scope.
        type: str
      pattern:
        description: Topics whose whole name matches this Python regular expression are in scope.
        type: str
  allow_internal_topics:
    description:
      - Allow creating, altering and deleting internal topics (C(__consumer_offsets),
        C(__transaction_state), C(_schemas) and any name starting with C(__)).
    type: bool
    default: false
  broker_dry_run:
    description:
      - Before applying, ask the broker to validate topic creations and partition increases with
        C(validate_only) requests (and config changes too in check mode), so that collisions with
        existing names, out-of-range values and placement policies refuse the whole batch
        before anything is applied.
      - V(false) saves that round trip on very large batches; the broker then rejects bad topics
        one by one and the result lists exactly which were applied.
    type: bool
    default: true
  reassignment_timeout:
    description:
      - Seconds to wait for replication-factor reassignments to complete. When they are not done
        in time the task fails, listing the pending partitions; the reassignment continues on
        the cluster and a re-run waits again.
    type: int
    default: 600
attributes:
  check_mode:
    support: full
    description: Predicts exactly what a real run does, including the broker's own validation.
  diff_mode:
    support: full
    description: Shows before and after for every topic that changes.
  action_group:
    support: full
    membership:
      - specweave.kafka.kafka
    description: Use C(group/specweave.kafka.kafka) in C(module_defaults) to set the connection once.
notes:
  - Needs the C(kafka-python) library (3.x) on the host that runs the module.
  - Partition reassignment moves data between brokers; on busy clusters set replication
    throttles first.
seealso:
  - module: specweave.kafka.kafka_info
  - name: Kafka topic configuration reference
    description: All topic-level configuration keys and their defaults.
    link: https://kafka.apache.org/documentation/#topicconfigs
"""

EXAMPLES = r"""
- name: One topic
  specweave.kafka.kafka_topic:
    bootstrap_servers: broker1:9092
    name: orders
    partitions: 12
    replication_factor: 3
    config:
      retention.ms: 7d
      cleanup.policy: [compact, delete]
      min.insync.replicas: 2

- name: Many topics in one task, with shared defaults
  specweave.kafka.kafka_topic:
    bootstrap_servers: broker1:9092,broker2:9092
    replication_factor: 3
    config:
      min.insync.replicas: 2
    topics:
      - name: payments
        partitions: 6
      - name: payments.dlq
        partitions: 1
        config:
          retention.ms: 30d
      - name: legacy-events
        state: absent

- name: Own everything under "shop." - delete shop.* topics not in the list
  specweave.kafka.kafka_topic:
    bootstrap_servers: broker1:9092
    topics: "{{ shop_topics }}"
    delete_undeclared: true
    undeclared_scope:
      prefix: shop.

- name: Raise the replication factor (reassignment, waits up to 30 minutes)
  specweave.kafka.kafka_topic:
    bootstrap_servers: broker1:9092
    name: orders
    replication_factor: 3
    reassignment_timeout: 1800

- name: Remove a topic
  specweave.kafka.kafka_topic:
    bootstrap_servers: broker1:9092
    name: scratch
    state: absent
"""

RETURN = r"""
topics:
  description:
    - One entry per topic created, updated, deleted or failed (or that would be, in check mode),
      in the order given.
    - Topics already in the desired state are only listed by name in RV(unchanged), so a re-run
      over thousands of topics returns a small result.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Topic name.
      type: str
      sample: orders
    action:
      description: What happened (or would happen in check mode).
      type: str
      sample: updated
      choices: [created, updated, deleted, failed]
    changes:
      description: Human readable list of the changes.
      type: list
      elements: str
      sample: ["config retention.ms: 86400000 -> 604800000"]
    error:
      description: Why the change failed (only when O(topics[].name) failed).
      type: str
      returned: on failure
  sample:
    - name: orders
      action: updated
      changes: ["partitions: 6 -> 12"]
created:
  description: Names of the topics created.
  returned: always
  type: list
  elements: str
  sample: [orders]
updated:
  description: Names of the topics updated.
  returned: always
  type: list
  elements: str
  sample: [payments]
deleted:
  description: Names of the topics deleted.
  returned: always
  type: list
  elements: str
  sample: [legacy-events]
unchanged:
  description: Names of the topics already in the desired state.
  returned: always
  type: list
  elements: str
  sample: [payments.dlq]
failed_topics:
  description:
    - Topics the broker rejected, with the reason; nothing else was applied to them. Not called
      C(failed), which Ansible reserves for the task's own status.
  returned: always
  type: dict
  sample: {"orders": "alter config: PolicyViolationError: ..."}
reassignment_in_progress:
  description:
    - Reassignments that were already running on the managed topics when the task started (for
      example from an earlier run that timed out). The task plans against their target and waits
      for them (not in check mode) within O(reassignment_timeout).
  returned: when such reassignments were found
  type: dict
  sample: {"partitions": 2, "pending": [], "progress": [{"seconds": 1.2, "done": 2, "pending": 0}]}
reassignment:
  description: Progress of the replication-factor reassignment.
  returned: when a reassignment ran
  type: dict
  sample:
    partitions: 6
    completed: 6
    pending: []
    seconds: 3.4
    progress: [{"seconds": 0.2, "done": 2, "pending": 4}]
"""

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic import TopicResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

# The keys of each O(topics) item are checked by TopicResource (check_items), not here:
# AnsibleModule's per-element validation of a list of thousands costs more than the Kafka
# requests of the whole task.
ARGUMENT_SPEC = dict(
    name=dict(type="str", aliases=["topic"]),
    topics=dict(type="list", elements="dict"),
    partitions=dict(type="int"),
    replication_factor=dict(type="int"),
    config=dict(type="dict"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    reset_undeclared_config=dict(type="bool", default=False),
    delete_undeclared=dict(type="bool", default=False),
    undeclared_scope=dict(type="dict", options=dict(
        prefix=dict(type="str"),
        pattern=dict(type="str"),
    )),
    allow_internal_topics=dict(type="bool", default=False),
    reassignment_timeout=dict(type="int", default=600),
    broker_dry_run=dict(type="bool", default=True),
)


def main():
    run_module(TopicResource(), ARGUMENT_SPEC, KafkaConnection(), supports_check_mode=True,
               mutually_exclusive=[("name", "topics")])


if __name__ == "__main__":
    main()
