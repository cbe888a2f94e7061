#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_cluster_info
short_description: List Confluent Cloud Kafka clusters and their endpoints
version_added: 1.0.0
description:
  - Lists the Kafka clusters of an environment (all pages), or looks one up by id or name,
    with their phase and their bootstrap and REST endpoints.
options:
  environment:
    description:
      - Environment, by id (C(env-...)) or display name.
    type: str
    required: true
  name:
    description:
      - Only the clusters with this display name.
    type: str
  id:
    description:
      - Only the cluster with this id (C(lkc-...)).
    type: str
extends_documentation_fragment:
  - specweave.kafka.confluent_cloud
  - specweave.kafka.confluent_cloud.info_module
seealso:
  - module: specweave.kafka.confluent_cluster
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Find the bootstrap servers of the orders cluster
  specweave.kafka.confluent_cluster_info:
    environment: production
    name: orders
  register: orders

- name: Use them
  ansible.builtin.debug:
    msg: "{{ orders.clusters[0].bootstrap_servers }}"
"""

RETURN = r"""
environment:
  description: Id of the environment listed.
  returned: always
  type: str
  sample: env-a1b2c3
clusters:
  description: Matching clusters, in the shape RV(specweave.kafka.confluent_cluster#module:cluster) returns.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "lkc-a1b2c3", "name": "orders", "phase": "PROVISIONED",
            "bootstrap_servers": "pkc-a1b2c.us-east-1.aws.confluent.cloud:9092"}]
"""

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import ConfluentCloudConnection
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud_resource import ClusterInfo
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(environment=dict(type="str", required=True), name=dict(type="str"),
                     id=dict(type="str"))


def main():
    run_module(ClusterInfo(), ARGUMENT_SPEC, ConfluentCloudConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
