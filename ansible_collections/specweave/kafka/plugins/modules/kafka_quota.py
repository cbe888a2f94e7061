#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: kafka_quota
short_description: Manage Apache Kafka client quotas (user, client id, IP, defaults)
version_added: 1.0.0
description:
  - Sets and removes client quotas for users, client ids, user and client id pairs, IP
    addresses, and their default entities, many in one task.
  - Reads every quota once (one DescribeClientQuotas request), compares, and sends all changes in
    one AlterClientQuotas request, validated first by the broker with C(validate_only) so a
    refused entity leaves nothing half applied.
  - Every quota key Kafka accepts is supported; keys that do not apply to the entity type are
    refused before anything is sent.
author:
  - specweave.kafka developers (@specweave)
extends_documentation_fragment:
  - specweave.kafka.kafka
options:
  quotas:
    description:
      - Quota entities to manage. Each item names its entity with O(quotas[].user),
        O(quotas[].client_id) (both for a user and client id pair) or O(quotas[].ip).
      - Use the value C(<default>) for the default entity, for example O(quotas[].user=<default>)
        for every user without a quota of its own.
    type: list
    elements: dict
    required: true
    suboptions:
      user:
        description: User principal name, or C(<default>).
        type: str
      client_id:
        description: Client id, or C(<default>).
        type: str
      ip:
        description: Client IP address, or C(<default>). Cannot be combined with user or client id.
        type: str
      quotas:
        description:
          - Quota key to value. For users and client ids C(producer_byte_rate),
            C(consumer_byte_rate) (bytes per second, whole numbers), C(request_percentage)
            (percent of one I/O and network thread) and C(controller_mutation_rate) (partition
            mutations per second). For IP addresses C(connection_creation_rate) (connections per
            second, whole number).
          - With O(quotas[].state=present), a V(null) value removes that key.
          - With O(quotas[].state=absent), the keys listed here are removed (their values are
            ignored), or every key of the entity when none is listed.
        type: dict
      state:
        description: Defaults to O(state).
        type: str
        choices: [present, absent]
  state:
    description:
      - V(present) sets the declared quotas, V(absent) removes them. Default for the items.
    type: str
    choices: [present, absent]
    default: present
  remove_undeclared:
    description:
      - For entities with O(quotas[].state=present), also remove the quota keys set on the
        cluster but not declared in O(quotas[].quotas). Other entities are never touched.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Reports exactly the quotas a real run sets and removes.
  diff_mode:
    support: full
    description: Shows the quotas of every changed entity before and after.
  action_group:
    support: full
    membership:
      - specweave.kafka.kafka
    description: Use C(group/specweave.kafka.kafka) in C(module_defaults) to set the connection once.
notes:
  - Needs the C(kafka-python) library (3.x) on the host that runs the module.
  - Needs Kafka 2.6 or later (KIP-546). The connecting principal needs C(AlterConfigs) and
    C(DescribeConfigs) on the cluster resource, or to be a super user.
seealso:
  - module: specweave.kafka.kafka_user
  - module: specweave.kafka.kafka_acl
  - name: Kafka quotas
    description: Quota types and entity precedence in the Apache Kafka documentation.
    link: https://kafka.apache.org/documentation/#design_quotas
"""

EXAMPLES = r"""
- name: Throttle a noisy producer and give every user a default
  specweave.kafka.kafka_quota:
    bootstrap_servers: broker1:9093
    security_protocol: SASL_SSL
    sasl_mechanism: SCRAM-SHA-512
    sasl_username: admin
    sasl_password: "{{ vault_kafka_admin_password }}"
    ssl_cafile: /etc/kafka/ca.pem
    quotas:
      - user: batch-loader
        quotas:
          producer_byte_rate: 10485760
          request_percentage: 50
      - user: <default>
        quotas:
          producer_byte_rate: 52428800
          consumer_byte_rate: 104857600
      - user: orders
        client_id: orders-replayer
        quotas:
          consumer_byte_rate: 1048576
      - ip: <default>
        quotas:
          connection_creation_rate: 100

- name: Remove every quota of a client id
  specweave.kafka.kafka_quota:
    quotas:
      - client_id: legacy-app
    state: absent
"""

RETURN = r"""
quotas:
  description: Quotas of the managed entities after the task (predicted in check mode).
  returned: always
  type: list
  elements: dict
  sample:
    - user: batch-loader
      quotas:
        producer_byte_rate: 10485760
        request_percentage: 50
changes:
  description: Per entity (C(type=name,...)) the keys set (with their value) or removed (V(null)).
  returned: always
  type: dict
  sample:
    user=batch-loader:
      producer_byte_rate: 10485760
      request_percentage: null
"""

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_quota import QuotaResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    quotas=dict(type="list", elements="dict", required=True, options=dict(
        user=dict(type="str"),
        client_id=dict(type="str"),
        ip=dict(type="str"),
        quotas=dict(type="dict"),
        state=dict(type="str", choices=["present", "absent"]),
    )),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    remove_undeclared=dict(type="bool", default=False),
)


def main():
    run_module(QuotaResource(), ARGUMENT_SPEC, KafkaConnection(), supports_check_mode=True)


if __name__ == "__main__":
    main()
