#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_role_binding
short_description: Grant and revoke Confluent Cloud RBAC role bindings
version_added: 1.0.0
description:
  - Manages one role binding - a role granted to a principal on the resources a CRN pattern
    matches - through the C(iam/v2) role bindings API.
  - A binding has no name and none of its fields can change; it is found by listing the
    bindings with the API's filters (O(principal) and O(role_name) exact, O(crn_pattern) a
    partial search) and keeping the one equal on all three. To change a binding, delete it and
    create the new one.
  - B(No exclusive mode.) A task knows one binding; removing the principal's other bindings from
    it would revoke what other tasks granted, and the list endpoint cannot return every binding of
    a principal without a CRN pattern. Revoke a binding by name with O(state=absent).
  - Tested against the published role bindings OpenAPI contract, not the live service.
options:
  principal:
    description:
      - The principal, C(User:<id>) for a service account (C(User:sa-...)) or a user
        (C(User:u-...)), or C(Group:<id>).
    type: str
    required: true
  role_name:
    description:
      - The role, for example C(CloudClusterAdmin), C(EnvironmentAdmin), C(DeveloperRead),
        C(DeveloperWrite), C(ResourceOwner).
    type: str
    required: true
  crn_pattern:
    description:
      - The scope, a CRN such as
        C(crn://confluent.cloud/organization=<org>/environment=env-.../cloud-cluster=lkc-...),
        with a resource below for topic and group roles
        (C(.../kafka=lkc-.../topic=orders-*)).
    type: str
    required: true
  state:
    description:
      - V(present) creates the binding, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    description:
      - Seconds a new binding may take to appear in Confluent Cloud's list (it is eventually
        consistent; a run that ended before could let the next run create it again). Past it
        the task fails, naming the binding.
    type: int
    default: 60
  wait_interval:
    description:
      - Seconds between two list requests while waiting.
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
    description: Returns the binding before and after.
seealso:
  - module: specweave.kafka.confluent_service_account
  - module: specweave.kafka.confluent_api_key
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: The orders application may administer its cluster
  specweave.kafka.confluent_role_binding:
    principal: "User:{{ orders_sa.service_account.id }}"
    role_name: CloudClusterAdmin
    crn_pattern: "crn://confluent.cloud/organization={{ org_id }}/environment=env-a1b2c3/cloud-cluster=lkc-x9y8z7"

- name: Read access to the orders topics only
  specweave.kafka.confluent_role_binding:
    principal: User:sa-abc123
    role_name: DeveloperRead
    crn_pattern: "crn://confluent.cloud/organization={{ org_id }}/environment=env-a1b2c3/cloud-cluster=lkc-x9y8z7/kafka=lkc-x9y8z7/topic=orders-*"

- name: Revoke it
  specweave.kafka.confluent_role_binding:
    principal: User:sa-abc123
    role_name: DeveloperRead
    crn_pattern: "crn://confluent.cloud/organization={{ org_id }}/environment=env-a1b2c3/cloud-cluster=lkc-x9y8z7/kafka=lkc-x9y8z7/topic=orders-*"
    state: absent
"""

RETURN = r"""
role_binding:
  description: The binding after the task (empty when absent).
  returned: always
  type: dict
  contains:
    id:
      description: Role binding id.
      type: str
      sample: rb-a1b2c3
    principal:
      description: The principal.
      type: str
    role_name:
      description: The role.
      type: str
    crn_pattern:
      description: The scope.
      type: str
    resource_name:
      description: The binding's own CRN.
      type: str
changes:
  description: C(state -> [before, after]) when the binding was created or deleted.
  returned: always
  type: dict
retries:
  description: Requests retried after HTTP 429/5xx, with the delay used.
  returned: when a request was retried
  type: list
  elements: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import ConfluentCloudConnection
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_role_binding import RoleBindingResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    principal=dict(type="str", required=True),
    role_name=dict(type="str", required=True),
    crn_pattern=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    wait_timeout=dict(type="int", default=60),
    wait_interval=dict(type="float", default=2),
)


def main():
    run_module(RoleBindingResource(), ARGUMENT_SPEC, ConfluentCloudConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
