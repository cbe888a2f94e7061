#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: kafka_connector_info
short_description: Read a Kafka Connect cluster, its plugins and its connectors
version_added: 1.0.0
description:
  - Returns the worker's version and Kafka cluster id, the installed connector plugins, and the
    connectors with their config (secrets hidden), state, task states and, on request, offsets.
  - All connectors are read in one request (C(GET /connectors?expand=info&expand=status)).
options:
  names:
    description: Only these connectors (the others are not returned). Names not found are listed in RV(missing).
    type: list
    elements: str
  prefix:
    description: Only the connectors whose names start with this prefix.
    type: str
  plugins:
    description: Return the connector plugins installed on the worker.
    type: bool
    default: false
  offsets:
    description: Return each connector's offsets (Kafka 3.5 or later on the workers; null before).
    type: bool
    default: false
extends_documentation_fragment:
  - specweave.kafka.kafka_connect
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so shows no diff.
  action_group:
    support: full
    description: >-
      Use C(group/specweave.kafka.kafka_connect) in C(module_defaults) to set the connection once
      (a group of its own: its connection options are not those of the Kafka modules).
    membership:
      - specweave.kafka.kafka_connect
author:
  - specweave.kafka developers (@specweave)
seealso:
  - module: specweave.kafka.kafka_connector
"""

EXAMPLES = r"""
- name: Every connector of team A with its task states
  specweave.kafka.kafka_connector_info:
    url: http://connect-1:8083
    prefix: team-a-
  register: connect

- name: Fail when a task is FAILED
  ansible.builtin.assert:
    that: >-
      connect.connectors | map(attribute='status.tasks') | flatten
      | selectattr('state', 'equalto', 'FAILED') | list | length == 0
    fail_msg: A connector task is FAILED

- name: The plugins of the worker
  specweave.kafka.kafka_connector_info:
    url: http://connect-1:8083
    plugins: true
"""

RETURN = r"""
worker:
  description: The worker's C(version), C(commit) and C(kafka_cluster_id).
  returned: always
  type: dict
  sample: {version: 4.3.0, commit: a9ce3221537b8653, kafka_cluster_id: 1TaEcrfvSSeHngXvFTlShg}
plugins:
  description: The connector plugins (C(class), C(type), C(version)).
  returned: when O(plugins=true)
  type: list
  elements: dict
  sample: [{class: org.apache.kafka.connect.file.FileStreamSinkConnector, type: sink, version: 4.3.0}]
connectors:
  description: The selected connectors, by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The connector's name.
      type: str
    type:
      description: V(source) or V(sink).
      type: str
    config:
      description: The stored config (secrets hidden).
      type: dict
    status:
      description: >-
        The connector's C(state), C(worker_id), C(trace) (first line, when FAILED) and C(tasks)
        (each with C(id), C(state), C(worker_id) and C(trace)).
      type: dict
    tasks:
      description: How many tasks the connector has.
      type: int
    offsets:
      description: The offsets (C(partition), C(offset)), with O(offsets=true).
      type: list
      elements: dict
missing:
  description: Names of O(names) that no connector has.
  returned: when some are missing
  type: list
  elements: str
requests:
  description: HTTP requests sent to the worker.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect import (
    KafkaConnectConnection,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect_resource import (
    ConnectorInfoResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    names=dict(type="list", elements="str"),
    prefix=dict(type="str"),
    plugins=dict(type="bool", default=False),
    offsets=dict(type="bool", default=False),
)


def main():
    run_module(ConnectorInfoResource(), ARGUMENT_SPEC, KafkaConnectConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
