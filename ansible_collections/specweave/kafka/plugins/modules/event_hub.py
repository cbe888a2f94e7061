#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: event_hub
short_description: Manage Azure event hubs and their consumer groups from the Kafka topic model
version_added: 1.0.0
description:
  - Creates, updates and deletes the event hubs of an Event Hubs namespace - what Kafka clients
    of the namespace see as topics - and their consumer groups, from the same topic list that
    M(specweave.kafka.kafka_topic) applies to a Kafka cluster (C(name), C(partitions),
    C(replication_factor), C(config)).
  - C(config) keys that map onto an event hub are C(retention.ms) (whole hours),
    C(cleanup.policy) (V(delete) or V(compact)) and C(delete.retention.ms) (tombstones of a
    compacted hub). Any other topic config has no Event Hubs setting and is refused, naming it.
    C(replication_factor) is accepted and ignored with a warning (Event Hubs replicates by
    itself).
  - Refused before anything changes, with a message - fewer partitions (never possible), more
    partitions on the Basic and Standard tiers (only Premium and Dedicated add partitions),
    retention or partitions above the tier's limits, a change of cleanup policy, compaction or
    capture on the Basic tier.
  - Exclusive mode (O(delete_undeclared)) deletes the event hubs of this namespace that the task
    does not declare, within O(undeclared_scope); O(delete_undeclared_consumer_groups) deletes
    the undeclared consumer groups of each declared hub (never C($Default)).
options:
  namespace:
    description:
      - Event Hubs namespace of the hubs.
    type: str
    required: true
  resource_group:
    description:
      - Resource group of the namespace.
    type: str
    required: true
  name:
    description:
      - One event hub (mutually exclusive with O(hubs)).
    type: str
    aliases: [topic]
  partitions:
    description:
      - Partition count of O(name). A new hub gets 4 when not set.
    type: int
  replication_factor:
    description:
      - Accepted for the topic model, ignored (Event Hubs replicates by itself).
    type: int
  config:
    description:
      - Topic configs of O(name) (C(retention.ms), C(cleanup.policy), C(delete.retention.ms)).
    type: dict
  retention_hours:
    description:
      - Retention of O(name) in hours (instead of C(retention.ms)). A new hub keeps events for
        24 hours when neither is set.
    type: int
  consumer_groups:
    description:
      - Consumer groups of O(name), as names or dicts with C(name) and C(user_metadata).
    type: list
    elements: raw
  capture:
    description:
      - Capture of O(name) to Azure Blob Storage - C(enabled), C(storage_account_id),
        C(blob_container), C(encoding), C(interval_seconds), C(size_limit_bytes),
        C(skip_empty_archives), C(archive_name_format), C(destination_name).
    type: dict
  user_metadata:
    description:
      - Free text kept with O(name).
    type: str
  hubs:
    description:
      - Several event hubs, each a dict of the options above (C(name), C(partitions),
        C(replication_factor), C(config), C(retention_hours), C(consumer_groups), C(capture),
        C(user_metadata)) and C(state).
    type: list
    elements: dict
  state:
    description:
      - V(present) or V(absent), for O(name) and for the O(hubs) that give no C(state).
    type: str
    choices: [present, absent]
    default: present
  delete_undeclared:
    description:
      - Exclusive mode - delete the event hubs of O(namespace) that the task does not declare
        (only inside O(undeclared_scope) when given). Other namespaces are never touched.
    type: bool
    default: false
  undeclared_scope:
    description:
      - Limits O(delete_undeclared) to hub names with this C(prefix) and/or matching this
        regular expression C(pattern).
    type: dict
    suboptions:
      prefix:
        description: Name prefix.
        type: str
      pattern:
        description: Regular expression searched in the name.
        type: str
  delete_undeclared_consumer_groups:
    description:
      - Delete the consumer groups of each declared hub that the task does not list (hubs that
        give C(consumer_groups) only; C($Default) is kept).
    type: bool
    default: false
extends_documentation_fragment:
  - specweave.kafka.azure_event_hubs
  - specweave.kafka.azure_event_hubs.action_group
attributes:
  check_mode:
    support: full
    description: Reports exactly what a real run would change, without changing anything.
  diff_mode:
    support: full
    description: Returns the declared hubs before and after.
seealso:
  - module: specweave.kafka.event_hubs_namespace
  - module: specweave.kafka.kafka_topic
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Two hubs from the topic model, with consumer groups
  specweave.kafka.event_hub:
    namespace: orders-prod-ehns
    resource_group: kafka-prod
    hubs:
      - name: orders
        partitions: 8
        config:
          retention.ms: 259200000
        consumer_groups: [billing, shipping]
      - name: customers
        partitions: 4
        config:
          cleanup.policy: compact
        consumer_groups:
          - name: crm
            user_metadata: owned by the CRM team

- name: Keep exactly these hubs whose names start with app-
  specweave.kafka.event_hub:
    namespace: orders-prod-ehns
    resource_group: kafka-prod
    hubs: "{{ app_topics }}"
    delete_undeclared: true
    undeclared_scope:
      prefix: app-
"""

RETURN = r"""
hubs:
  description: The declared event hubs after the task, by name (absent ones left out).
  returned: always
  type: dict
  sample:
    orders:
      partitions: 8
      retention_hours: 72
      cleanup_policy: Delete
      consumer_groups: [{name: $Default}, {name: billing}]
actions:
  description: What the task did (or would do in check mode), in order.
  returned: always
  type: list
  elements: str
  sample: [create orders, create_group orders/billing, delete old-hub]
kafka:
  description: Kafka client settings of the namespace (see M(specweave.kafka.event_hubs_namespace)).
  returned: always
  type: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs import EventHubsConnection
from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs_resource import HubResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    namespace=dict(type="str", required=True),
    resource_group=dict(type="str", required=True),
    name=dict(type="str", aliases=["topic"]),
    partitions=dict(type="int"),
    replication_factor=dict(type="int"),
    config=dict(type="dict"),
    retention_hours=dict(type="int"),
    consumer_groups=dict(type="list", elements="raw"),
    capture=dict(type="dict"),
    user_metadata=dict(type="str"),
    hubs=dict(type="list", elements="dict"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    delete_undeclared=dict(type="bool", default=False),
    undeclared_scope=dict(type="dict", options=dict(
        prefix=dict(type="str"),
        pattern=dict(type="str"),
    )),
    delete_undeclared_consumer_groups=dict(type="bool", default=False),
)


def main():
    run_module(HubResource(), ARGUMENT_SPEC, EventHubsConnection(), supports_check_mode=True,
               mutually_exclusive=[("name", "hubs")])


if __name__ == "__main__":
    main()
