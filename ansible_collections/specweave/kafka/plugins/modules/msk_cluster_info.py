#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: msk_cluster_info
short_description: Read AWS MSK clusters and their bootstrap servers
version_added: 1.0.0
description:
  - Lists MSK clusters (provisioned and serverless) with C(ListClustersV2), in the shape of
    M(specweave.kafka.msk_cluster)'s options, with the bootstrap servers of each C(ACTIVE) one.
options:
  name:
    description:
      - Cluster name. Without it, every cluster of the region is listed.
    type: str
  exact:
    description:
      - With V(true) only the cluster named exactly O(name); with V(false) every cluster whose
        name starts with O(name).
    type: bool
    default: true
  cluster_type:
    description:
      - Only clusters of this type.
    type: str
    choices: [provisioned, serverless]
extends_documentation_fragment:
  - specweave.kafka.aws_msk
  - specweave.kafka.aws_msk.info_module
seealso:
  - module: specweave.kafka.msk_cluster
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Bootstrap servers of the orders cluster
  specweave.kafka.msk_cluster_info:
    name: orders
    region: eu-west-1
  register: msk

- name: Show them
  ansible.builtin.debug:
    msg: "{{ msk.clusters[0].bootstrap_servers }}"
"""

RETURN = r"""
clusters:
  description: The clusters found, as RV(specweave.kafka.msk_cluster#module:cluster) with
    C(bootstrap_servers) added (empty unless C(ACTIVE)).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk import run_aws_module
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_cluster import ClusterInfoResource

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    exact=dict(type="bool", default=True),
    cluster_type=dict(type="str", choices=["provisioned", "serverless"]),
)


def main():
    run_aws_module(ClusterInfoResource(), ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
