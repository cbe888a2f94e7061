#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_service_account_info
short_description: List Confluent Cloud service accounts
version_added: 1.0.0
description:
  - Lists the service accounts of the organization (all pages), or looks one up by name.
options:
  name:
    description:
      - Only the service account with this display name.
    type: str
extends_documentation_fragment:
  - specweave.kafka.confluent_cloud
  - specweave.kafka.confluent_cloud.info_module
seealso:
  - module: specweave.kafka.confluent_service_account
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Id of the orders application's service account
  specweave.kafka.confluent_service_account_info:
    name: orders-app
  register: orders_sa
"""

RETURN = r"""
service_accounts:
  description: Matching service accounts.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "sa-a1b2c3", "name": "orders-app", "description": "Produces to orders.*"}]
"""

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import ConfluentCloudConnection
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud_resource import ServiceAccountInfo
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(name=dict(type="str"))


def main():
    run_module(ServiceAccountInfo(), ARGUMENT_SPEC, ConfluentCloudConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
