#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_environment_info
short_description: List Confluent Cloud environments
version_added: 1.0.0
description:
  - Lists the environments of the organization (all pages), or looks one up by id or name.
options:
  name:
    description:
      - Only the environments with this display name.
    type: str
  id:
    description:
      - Only the environment with this id.
    type: str
extends_documentation_fragment:
  - specweave.kafka.confluent_cloud
  - specweave.kafka.confluent_cloud.info_module
seealso:
  - module: specweave.kafka.confluent_environment
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Look up the production environment
  specweave.kafka.confluent_environment_info:
    name: production
  register: prod_env

- name: Show its id
  ansible.builtin.debug:
    msg: "{{ prod_env.environments[0].id }}"
"""

RETURN = r"""
environments:
  description: Matching environments.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "env-a1b2c3", "name": "production", "stream_governance": "ESSENTIALS"}]
"""

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import ConfluentCloudConnection
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud_resource import EnvironmentInfo
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(name=dict(type="str"), id=dict(type="str"))


def main():
    run_module(EnvironmentInfo(), ARGUMENT_SPEC, ConfluentCloudConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
