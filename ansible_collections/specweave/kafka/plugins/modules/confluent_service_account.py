#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_service_account
short_description: Create, update and delete Confluent Cloud service accounts
version_added: 1.0.0
description:
  - Manages a service account (the principal of applications, C(User:sa-...) in Kafka ACLs)
    through the C(iam/v2) API. Service accounts are found by their display name, which
    Confluent Cloud keeps unique in an organization.
options:
  name:
    description:
      - Display name of the service account. It cannot be changed after creation.
    type: str
    required: true
  description:
    description:
      - Description. Not set means leave it as it is.
    type: str
  state:
    description:
      - V(present) creates or updates the account, V(absent) deletes it (and its API keys).
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    description:
      - Seconds a new account may take to appear in the list of service accounts, which is
        eventually consistent. The module finds accounts by name through that list, and names are
        unique - a run that missed the new account would be refused with HTTP 409 - so the task
        returns only once the account is listed, and fails past this time, naming its id.
    type: int
    default: 300
  wait_interval:
    description:
      - Seconds between two list reads while waiting for a new account.
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
    description: Returns the account before and after.
seealso:
  - module: specweave.kafka.confluent_service_account_info
  - module: specweave.kafka.confluent_api_key
  - module: specweave.kafka.kafka_acl
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Service account of the orders application
  specweave.kafka.confluent_service_account:
    name: orders-app
    description: Produces to orders.*
  register: orders_sa

- name: Its ACL principal
  ansible.builtin.debug:
    msg: "User:{{ orders_sa.service_account.id }}"
"""

RETURN = r"""
service_account:
  description: The service account after the task (empty when absent).
  returned: always
  type: dict
  contains:
    id:
      description: Id (C(sa-...)); Kafka ACLs name it C(User:<id>).
      type: str
      sample: sa-a1b2c3
    name:
      description: Display name.
      type: str
    description:
      description: Description.
      type: str
    resource_name:
      description: Confluent resource name (CRN).
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

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import ConfluentCloudConnection
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud_resource import ServiceAccountResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    wait_timeout=dict(type="int", default=300),
    wait_interval=dict(type="float", default=2),
)


def main():
    run_module(ServiceAccountResource(), ARGUMENT_SPEC, ConfluentCloudConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
