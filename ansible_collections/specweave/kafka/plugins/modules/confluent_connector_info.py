#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_connector_info
short_description: List the managed connectors of a Confluent Cloud cluster with their status
version_added: 1.0.0
description:
  - Lists the connectors of one Kafka cluster with their config (secrets hidden) and status
    (connector and task states, error trace), in one C(connect/v1) request
    (C(GET .../connectors?expand=info&expand=status)).
options:
  environment:
    description:
      - Environment of the cluster, by id (C(env-...)) or by display name.
    type: str
    required: true
  cluster:
    description:
      - The Kafka cluster, by id (C(lkc-...)) or by display name.
    type: str
    required: true
  name:
    description:
      - Only the connector with this name.
    type: str
extends_documentation_fragment:
  - specweave.kafka.confluent_cloud
  - specweave.kafka.confluent_cloud.info_module
seealso:
  - module: specweave.kafka.confluent_connector
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Connectors of the orders cluster that are not running
  specweave.kafka.confluent_connector_info:
    environment: production
    cluster: orders
  register: connectors

- name: Show them
  ansible.builtin.debug:
    msg: "{{ connectors.connectors | rejectattr('state', 'equalto', 'RUNNING') | list }}"
"""

RETURN = r"""
environment:
  description: Environment id.
  returned: always
  type: str
cluster:
  description: Kafka cluster id.
  returned: always
  type: str
connectors:
  description: The connectors, sorted by name, each with C(name), C(type), C(state), C(trace),
    C(tasks) (C(id), C(state), C(worker_id), C(msg)) and C(config) (secrets shown as
    C(********)).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "orders-datagen", "type": "source", "state": "RUNNING",
            "tasks": [{"id": 0, "state": "RUNNING", "worker_id": "orders-datagen"}]}]
"""

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_connector import (
    ConnectConnection,
    ConnectorInfo,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    environment=dict(type="str", required=True),
    cluster=dict(type="str", required=True),
    name=dict(type="str"),
)


def main():
    run_module(ConnectorInfo(), ARGUMENT_SPEC, ConnectConnection(), supports_check_mode=True)


if __name__ == "__main__":
    main()
