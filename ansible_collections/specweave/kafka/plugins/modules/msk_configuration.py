#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: msk_configuration
short_description: Manage AWS MSK configurations from a properties dict
version_added: 1.0.0
description:
  - Creates an MSK configuration from O(server_properties), or adds a revision to it when the
    properties (or O(description)) differ from its latest revision. The same properties give
    no new revision, so a re-run is unchanged.
  - O(server_properties) has the shape of the C(kafka_broker) role's C(kafka_broker_properties)
    and is rendered the same way (booleans in lower case, keys sorted).
  - The Kafka versions of a configuration cannot change; a different O(kafka_versions) is
    refused before anything is sent.
  - Apply a revision to a cluster with M(specweave.kafka.msk_cluster)'s
    O(specweave.kafka.msk_cluster#module:configuration_arn) and
    O(specweave.kafka.msk_cluster#module:configuration_revision).
options:
  name:
    description:
      - Name of the configuration.
    type: str
    required: true
  description:
    description:
      - Description of the configuration (of its new revision on an update). Left out, it is
        not compared.
    type: str
  kafka_versions:
    description:
      - Kafka versions the configuration is for (any when left out at creation). Cannot change.
    type: list
    elements: str
  server_properties:
    description:
      - The broker properties as a dict, for example C(auto.create.topics.enable) set to
        V(false). Required with O(state=present).
    type: dict
  state:
    description:
      - V(present) creates or revises the configuration, V(absent) deletes it (MSK refuses while
        a cluster uses it).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - specweave.kafka.aws_msk
  - specweave.kafka.aws_msk.action_group
attributes:
  check_mode:
    support: full
    description: Reports whether a revision would be added, and the configuration after it.
  diff_mode:
    support: full
    description: Returns the configuration (with its properties) before and after.
seealso:
  - module: specweave.kafka.msk_cluster
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Broker settings of the orders cluster
  specweave.kafka.msk_configuration:
    name: orders
    kafka_versions: [3.6.0]
    server_properties:
      auto.create.topics.enable: false
      default.replication.factor: 3
      min.insync.replicas: 2
  register: orders_config

- name: Apply the revision to the cluster
  specweave.kafka.msk_cluster:
    name: orders
    configuration_arn: "{{ orders_config.arn }}"
    configuration_revision: "{{ orders_config.revision }}"
    kafka_version: 3.6.0
    broker_instance_type: kafka.m7g.large
    brokers_per_az: 1
    subnets: [subnet-0a1, subnet-0b2, subnet-0c3]
"""

RETURN = r"""
arn:
  description: ARN of the configuration (null in check mode before creation).
  returned: always
  type: str
revision:
  description: Latest revision, the one to give msk_cluster (null when absent).
  returned: always
  type: int
  sample: 2
configuration:
  description: The configuration after the task (empty when absent).
  returned: always
  type: dict
  contains:
    name:
      description: Name.
      type: str
    arn:
      description: ARN.
      type: str
    revision:
      description: Latest revision.
      type: int
    description:
      description: Description of the latest revision.
      type: str
    kafka_versions:
      description: Kafka versions it is for.
      type: list
      elements: str
    server_properties:
      description: The properties of the latest revision, values as strings.
      type: dict
changes:
  description: Changed fields as C(field -> [before, after]).
  returned: always
  type: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk import run_aws_module
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_configuration import ConfigurationResource

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    kafka_versions=dict(type="list", elements="str"),
    server_properties=dict(type="dict"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
)


def main():
    run_aws_module(ConfigurationResource(), ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
