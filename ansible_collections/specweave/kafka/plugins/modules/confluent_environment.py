#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_environment
short_description: Create, update and delete Confluent Cloud environments
version_added: 1.0.0
description:
  - Manages an environment of a Confluent Cloud organization through the C(org/v2) API.
  - The environment is found by O(id) when given, else by its display name O(name).
  - Deleting an environment deletes every Kafka cluster in it. The module refuses to delete an
    environment that still holds clusters unless O(delete_clusters=true).
options:
  name:
    description:
      - Display name of the environment. Required to create one.
    type: str
  id:
    description:
      - Id of an existing environment (C(env-...)). With O(name), renames it.
    type: str
  stream_governance:
    description:
      - Stream Governance package. C(ADVANCED) cannot be downgraded to C(ESSENTIALS).
      - Not set means whatever the environment has (Confluent picks the default on creation).
    type: str
    choices: [ESSENTIALS, ADVANCED]
  state:
    description:
      - V(present) creates or updates the environment, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  delete_clusters:
    description:
      - Allow O(state=absent) to delete an environment that still has Kafka clusters (they are
        deleted with it).
    type: bool
    default: false
  wait_timeout:
    description:
      - After creating the environment, the module waits until Confluent Cloud lists it. Its lists are
        eventually consistent - a new object can be missing from them for a moment - and this
        module finds environments by name through them, so a run that ended earlier could let the next
        run create a second one.
      - Seconds to wait for that; past them the task fails, naming the new id.
    type: int
    default: 300
  wait_interval:
    description:
      - Seconds between two reads while waiting.
    type: float
    default: 2
extends_documentation_fragment:
  - specweave.kafka.confluent_cloud
  - specweave.kafka.confluent_cloud.action_group
attributes:
  check_mode:
    support: full
    description: Reports exactly what a real run would change, without changing anything.
  diff_mode:
    support: full
    description: Returns the environment before and after.
seealso:
  - module: specweave.kafka.confluent_environment_info
  - module: specweave.kafka.confluent_cluster
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Environment for production
  specweave.kafka.confluent_environment:
    name: production
    stream_governance: ESSENTIALS

- name: Remove a scratch environment and the clusters in it
  specweave.kafka.confluent_environment:
    name: scratch
    state: absent
    delete_clusters: true
"""

RETURN = r"""
environment:
  description: The environment after the task (empty when absent).
  returned: always
  type: dict
  contains:
    id:
      description: Environment id.
      type: str
      sample: env-a1b2c3
    name:
      description: Display name.
      type: str
      sample: production
    stream_governance:
      description: Stream Governance package.
      type: str
      sample: ESSENTIALS
    resource_name:
      description: Confluent resource name (CRN).
      type: str
    created_at:
      description: Creation time.
      type: str
changes:
  description: Changed fields as C(field -> [before, after]).
  returned: always
  type: dict
retries:
  description: Requests retried after HTTP 429/5xx, with the delay used.
  returned: when a request was retried
  type: list
  elements: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import (
    GOVERNANCE_PACKAGES,
    ConfluentCloudConnection,
)
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud_resource import EnvironmentResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    id=dict(type="str"),
    stream_governance=dict(type="str", choices=GOVERNANCE_PACKAGES),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    delete_clusters=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=300),
    wait_interval=dict(type="float", default=2),
)


def main():
    run_module(EnvironmentResource(), ARGUMENT_SPEC, ConfluentCloudConnection(),
               required_one_of=[("name", "id")], supports_check_mode=True)


if __name__ == "__main__":
    main()
