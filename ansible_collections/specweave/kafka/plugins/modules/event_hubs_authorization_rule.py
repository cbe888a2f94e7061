#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: event_hubs_authorization_rule
short_description: Manage shared access authorization rules of Event Hubs namespaces and hubs
version_added: 1.0.0
description:
  - Creates, updates and deletes a shared access authorization rule of a namespace, or of one
    event hub with O(event_hub), with the rights C(Listen), C(Send) and C(Manage).
  - The rule's keys and connection strings are returned only with
    O(return_connection_strings=true). They are secrets - set C(no_log) on such a task, and keep
    them in a vault or pass them straight on.
  - A Kafka client of the namespace uses SASL C(PLAIN) with the user name C($ConnectionString)
    and a connection string as password; RV(kafka) holds those settings.
options:
  name:
    description:
      - Rule name.
    type: str
    required: true
  namespace:
    description:
      - Event Hubs namespace.
    type: str
    required: true
  resource_group:
    description:
      - Resource group of the namespace.
    type: str
    required: true
  event_hub:
    description:
      - Event hub of the rule; a namespace rule when not set.
    type: str
  rights:
    description:
      - Rights of the rule. C(Manage) needs C(Listen) and C(Send) as well. Required with
        O(state=present).
    type: list
    elements: str
    choices: [Listen, Send, Manage]
  state:
    description:
      - V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  return_connection_strings:
    description:
      - Return the rule's keys and connection strings in RV(keys) and the primary connection
        string as RV(kafka.sasl_password).
    type: bool
    default: false
extends_documentation_fragment:
  - specweave.kafka.azure_event_hubs
  - specweave.kafka.azure_event_hubs.action_group
attributes:
  check_mode:
    support: full
    description: Reports exactly what a real run would change, without changing anything.
  diff_mode:
    support: full
    description: Returns the rule (name and rights, never keys) before and after.
seealso:
  - module: specweave.kafka.event_hubs_namespace
  - module: specweave.kafka.event_hub
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: A rule that may produce and consume, and its Kafka password
  specweave.kafka.event_hubs_authorization_rule:
    name: orders-app
    namespace: orders-prod-ehns
    resource_group: kafka-prod
    rights: [Listen, Send]
    return_connection_strings: true
  register: orders_rule
  no_log: true

- name: Consume only, from one event hub
  specweave.kafka.event_hubs_authorization_rule:
    name: billing-reader
    namespace: orders-prod-ehns
    resource_group: kafka-prod
    event_hub: orders
    rights: [Listen]
"""

RETURN = r"""
rule:
  description: The rule after the task (empty when absent).
  returned: always
  type: dict
  contains:
    name:
      description: Rule name.
      type: str
    id:
      description: Resource id.
      type: str
    rights:
      description: Rights, in the order Listen, Send, Manage.
      type: list
      elements: str
keys:
  description: Keys and connection strings of the rule (secrets).
  returned: with O(return_connection_strings)
  type: dict
  contains:
    key_name:
      description: Rule name.
      type: str
    primary_key:
      description: Primary key.
      type: str
    secondary_key:
      description: Secondary key.
      type: str
    primary_connection_string:
      description: Connection string of the primary key.
      type: str
    secondary_connection_string:
      description: Connection string of the secondary key.
      type: str
kafka:
  description: Kafka client settings of the namespace.
  returned: when present
  type: dict
  contains:
    bootstrap_servers:
      description: The namespace's Kafka endpoint.
      type: str
      sample: orders-prod-ehns.servicebus.windows.net:9093
    security_protocol:
      description: Always C(SASL_SSL).
      type: str
    sasl_mechanism:
      description: C(PLAIN), for a connection string.
      type: str
    sasl_username:
      description: Always C($ConnectionString).
      type: str
    sasl_password:
      description: The primary connection string of the rule (a secret).
      type: str
      returned: with O(return_connection_strings)
    oauthbearer:
      description: The settings for Entra ID (C(OAUTHBEARER)) instead, with the token scope.
      type: dict
changes:
  description: Changed fields as C(field -> [before, after]).
  returned: always
  type: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs import EventHubsConnection
from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs_plan import RIGHTS
from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs_resource import RuleWithKeysResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    namespace=dict(type="str", required=True),
    resource_group=dict(type="str", required=True),
    event_hub=dict(type="str"),
    rights=dict(type="list", elements="str", choices=RIGHTS),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    return_connection_strings=dict(type="bool", default=False),
)


def main():
    run_module(RuleWithKeysResource(), ARGUMENT_SPEC, EventHubsConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
