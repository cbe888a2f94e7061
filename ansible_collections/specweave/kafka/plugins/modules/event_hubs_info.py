#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: event_hubs_info
short_description: Read Azure Event Hubs namespaces, event hubs, consumer groups and rules
version_added: 1.0.0
description:
  - Without O(namespace) - the namespaces of O(resource_group), or of the subscription.
  - With O(namespace) - that namespace with its event hubs, their consumer groups and
    authorization rules, the namespace's authorization rules and network rule set, and the
    Kafka client settings of its endpoint.
  - Keys and connection strings are never read; see
    M(specweave.kafka.event_hubs_authorization_rule).
options:
  resource_group:
    description:
      - Resource group to look in (required with O(namespace)).
    type: str
  namespace:
    description:
      - One namespace to describe in detail.
    type: str
extends_documentation_fragment:
  - specweave.kafka.azure_event_hubs
  - specweave.kafka.azure_event_hubs.info_module
seealso:
  - module: specweave.kafka.event_hubs_namespace
  - module: specweave.kafka.event_hub
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Every namespace of a resource group
  specweave.kafka.event_hubs_info:
    resource_group: kafka-prod
  register: namespaces

- name: One namespace in detail
  specweave.kafka.event_hubs_info:
    resource_group: kafka-prod
    namespace: orders-prod-ehns
  register: orders_ns
"""

RETURN = r"""
namespaces:
  description: The namespaces found (see M(specweave.kafka.event_hubs_namespace) for the
    fields), each with C(kafka); with O(namespace), also C(event_hubs) (each with
    C(consumer_groups) and C(authorization_rules)), C(authorization_rules) and
    C(network_rule_set).
  returned: always
  type: list
  elements: dict
exists:
  description: Whether O(namespace) exists.
  returned: with O(namespace)
  type: bool
"""

from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs import EventHubsConnection
from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs_resource import InfoResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    resource_group=dict(type="str"),
    namespace=dict(type="str"),
)


def main():
    run_module(InfoResource(), ARGUMENT_SPEC, EventHubsConnection(), supports_check_mode=True,
               required_by={"namespace": "resource_group"})


if __name__ == "__main__":
    main()
