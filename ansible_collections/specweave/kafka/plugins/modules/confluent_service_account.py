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

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import (
    ConfluentCloudModule,
    pick_by_name,
    quote_id,
    service_account_view,
    text_changes,
)


def run(ccm):
    params = ccm.params
    client = ccm.client
    current = pick_by_name(client.list_service_accounts(params["name"]), params["name"],
                           "service account")
    before = service_account_view(current)
    if params["state"] == "absent":
        if current is None:
            return dict(changed=False, service_account={}, changes={},
                        diff=dict(before={}, after={}))
        if not ccm.check_mode:
            client.request("DELETE", "/iam/v2/service-accounts/" + quote_id(current["id"]))
        return dict(changed=True, service_account={}, changes={"state": ["present", "absent"]},
                    diff=dict(before=before, after={}))
    if current is None:
        after = dict(id=None, name=params["name"], description=params["description"],
                     resource_name=None)
        if not ccm.check_mode:
            body = {"display_name": params["name"]}
            if params["description"] is not None:
                body["description"] = params["description"]
            created = client.request("POST", "/iam/v2/service-accounts", body=body)
            after = service_account_view(created)
        return dict(changed=True, service_account=after,
                    changes={"state": ["absent", "present"]}, diff=dict(before={}, after=after))
    changes = text_changes(before, {"description": params["description"]})
    after = dict(before, **dict((k, v[1]) for k, v in changes.items()))
    if changes and not ccm.check_mode:
        after = service_account_view(client.request(
            "PATCH", "/iam/v2/service-accounts/" + quote_id(current["id"]),
            body={"description": params["description"]}))
    return dict(changed=bool(changes), service_account=after,
                changes=dict((k, list(v)) for k, v in changes.items()),
                diff=dict(before=before, after=after))


def main():
    ccm = ConfluentCloudModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            description=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    ccm.run(run)


if __name__ == "__main__":
    main()
