#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: event_hubs_namespace
short_description: Create, update and delete Azure Event Hubs namespaces (Kafka endpoint)
version_added: 1.0.0
description:
  - Manages an Azure Event Hubs namespace - its tier, capacity and auto-inflate, Kafka
    endpoint, zone redundancy, minimum TLS version, public network access, network rule set and
    tags - and returns the Kafka client settings of its endpoint
    (C(<namespace>.servicebus.windows.net:9093), C(SASL_SSL)).
  - A new namespace's name is checked with Azure's name availability check first (names are
    global); a taken name fails before anything is created.
  - Create, update and delete are long-running operations in Azure; with O(wait) the module
    waits for them through the Azure SDK's pollers.
  - What Azure cannot change on an existing namespace (location, zone redundancy, the Kafka
    endpoint, the Dedicated cluster, moving to or from Premium) is refused before anything is
    sent.
  - Options left out are not compared, and keep what the namespace has.
options:
  name:
    description:
      - Namespace name (6 to 50 characters, global across Azure).
    type: str
    required: true
  resource_group:
    description:
      - Resource group of the namespace.
    type: str
    required: true
  location:
    description:
      - Azure region, for example C(westeurope). Required to create a namespace; cannot change.
    type: str
  sku:
    description:
      - Tier. Required to create a namespace. The Kafka endpoint needs V(Standard) or
        V(Premium). A namespace on a Dedicated cluster is given with O(cluster_id).
      - V(Basic) and V(Standard) change into each other in place.
    type: str
    choices: [Basic, Standard, Premium]
  capacity:
    description:
      - Throughput units (V(Basic), V(Standard), 1 to 40) or processing units (V(Premium),
        1, 2, 4, 8 or 16). A new namespace gets 1 when not set.
    type: int
  auto_inflate:
    description:
      - Auto-inflate of a V(Standard) namespace, up to O(maximum_throughput_units).
    type: bool
  maximum_throughput_units:
    description:
      - Upper limit of auto-inflate (1 to 40).
    type: int
  kafka_enabled:
    description:
      - Whether the Kafka endpoint is on. Set by the tier when the namespace is created
        (on for Standard and Premium); cannot change afterwards.
    type: bool
  zone_redundant:
    description:
      - Spread the namespace over availability zones. Only on creation; when not set, Azure
        decides by region.
    type: bool
  minimum_tls_version:
    description:
      - Oldest TLS version clients may use. A new namespace gets V(1.2) when not set.
    type: str
    choices: ['1.0', '1.1', '1.2']
  public_network_access:
    description:
      - Whether the namespace is reachable from public networks.
    type: str
    choices: [Enabled, Disabled, SecuredByPerimeter]
  disable_local_auth:
    description:
      - Turn off shared access signature (connection string) authentication; clients then need
        Entra ID (Kafka C(OAUTHBEARER)).
    type: bool
  cluster_id:
    description:
      - Resource id of the Event Hubs Dedicated cluster that hosts the namespace. Only on
        creation.
    type: str
  network_rule_set:
    description:
      - The namespace's network rule set (IP and virtual network rules). Left out, it is not
        managed. The rule lists given replace the ones the namespace has.
    type: dict
    suboptions:
      default_action:
        description: What happens to traffic no rule matches.
        type: str
        choices: [Allow, Deny]
      public_network_access:
        description: Public network access of the rule set.
        type: str
        choices: [Enabled, Disabled, SecuredByPerimeter]
      trusted_service_access_enabled:
        description: Let trusted Microsoft services through.
        type: bool
      ip_rules:
        description: IP rules.
        type: list
        elements: dict
        suboptions:
          ip_mask:
            description: IPv4 address or CIDR range.
            type: str
            required: true
          action:
            description: Rule action.
            type: str
            choices: [Allow]
            default: Allow
      virtual_network_rules:
        description: Subnets allowed in.
        type: list
        elements: dict
        suboptions:
          subnet_id:
            description: Resource id of the subnet.
            type: str
            required: true
          ignore_missing_vnet_service_endpoint:
            description: Accept the subnet before its C(Microsoft.EventHub) service endpoint.
            type: bool
            default: false
  tags:
    description:
      - Tags of the namespace.
    type: dict
  purge_tags:
    description:
      - Remove tags that O(tags) does not list. With V(false), O(tags) are added to the existing
        ones.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the namespace, V(absent) deletes it with its event hubs.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait until Azure has finished creating, updating or deleting the namespace.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for a long-running operation.
    type: int
    default: 1800
extends_documentation_fragment:
  - specweave.kafka.azure_event_hubs
  - specweave.kafka.azure_event_hubs.action_group
attributes:
  check_mode:
    support: full
    description: Reports exactly what a real run would change, without changing anything.
  diff_mode:
    support: full
    description: Returns the namespace before and after.
seealso:
  - module: specweave.kafka.event_hub
  - module: specweave.kafka.event_hubs_authorization_rule
  - module: specweave.kafka.event_hubs_info
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Standard namespace with the Kafka endpoint, auto-inflate up to 4 throughput units
  specweave.kafka.event_hubs_namespace:
    name: orders-prod-ehns
    resource_group: kafka-prod
    location: westeurope
    sku: Standard
    capacity: 1
    auto_inflate: true
    maximum_throughput_units: 4
    kafka_enabled: true
    minimum_tls_version: "1.2"
    tags:
      team: orders
  register: ehns

- name: Print the Kafka bootstrap servers
  ansible.builtin.debug:
    msg: "{{ ehns.kafka.bootstrap_servers }}"

- name: Only a subnet and one office range may connect
  specweave.kafka.event_hubs_namespace:
    name: orders-prod-ehns
    resource_group: kafka-prod
    network_rule_set:
      default_action: Deny
      ip_rules:
        - ip_mask: 203.0.113.0/24
      virtual_network_rules:
        - subnet_id: /subscriptions/0000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apps

- name: Delete the namespace and everything in it
  specweave.kafka.event_hubs_namespace:
    name: scratch-ehns
    resource_group: kafka-dev
    state: absent
"""

RETURN = r"""
namespace:
  description: The namespace after the task (empty when absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource id.
      type: str
    name:
      description: Namespace name.
      type: str
    location:
      description: Region.
      type: str
    sku:
      description: Tier.
      type: str
    capacity:
      description: Throughput or processing units.
      type: int
    auto_inflate:
      description: Whether auto-inflate is on.
      type: bool
    maximum_throughput_units:
      description: Auto-inflate limit.
      type: int
    kafka_enabled:
      description: Whether the Kafka endpoint is on.
      type: bool
    zone_redundant:
      description: Whether the namespace spans zones.
      type: bool
    minimum_tls_version:
      description: Oldest TLS version accepted.
      type: str
    public_network_access:
      description: Public network access.
      type: str
    disable_local_auth:
      description: Whether shared access signatures are refused.
      type: bool
    cluster_id:
      description: Dedicated cluster of the namespace.
      type: str
    tags:
      description: Tags.
      type: dict
    provisioning_state:
      description: Azure's provisioning state (C(Succeeded) once done).
      type: str
    status:
      description: Namespace status (C(Active)).
      type: str
    service_bus_endpoint:
      description: Endpoint of the namespace.
      type: str
      sample: https://orders-prod-ehns.servicebus.windows.net:443/
kafka:
  description: Kafka client settings of the namespace's endpoint, as the connection options of
    the collection's Kafka modules. The password is the connection string of an authorization
    rule (see M(specweave.kafka.event_hubs_authorization_rule)).
  returned: when present
  type: dict
  sample:
    bootstrap_servers: orders-prod-ehns.servicebus.windows.net:9093
    security_protocol: SASL_SSL
    sasl_mechanism: PLAIN
    sasl_username: $ConnectionString
    oauthbearer:
      sasl_mechanism: OAUTHBEARER
      security_protocol: SASL_SSL
      scope: https://orders-prod-ehns.servicebus.windows.net/.default
network_rule_set:
  description: The network rule set after the task.
  returned: when O(network_rule_set) is given
  type: dict
changes:
  description: Changed fields as C(field -> [before, after]).
  returned: always
  type: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs import EventHubsConnection
from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs_plan import SKUS
from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs_resource import NamespaceResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

PUBLIC_ACCESS = ["Enabled", "Disabled", "SecuredByPerimeter"]

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    resource_group=dict(type="str", required=True),
    location=dict(type="str"),
    sku=dict(type="str", choices=SKUS),
    capacity=dict(type="int"),
    auto_inflate=dict(type="bool"),
    maximum_throughput_units=dict(type="int"),
    kafka_enabled=dict(type="bool"),
    zone_redundant=dict(type="bool"),
    minimum_tls_version=dict(type="str", choices=["1.0", "1.1", "1.2"]),
    public_network_access=dict(type="str", choices=PUBLIC_ACCESS),
    disable_local_auth=dict(type="bool"),
    cluster_id=dict(type="str"),
    network_rule_set=dict(type="dict", options=dict(
        default_action=dict(type="str", choices=["Allow", "Deny"]),
        public_network_access=dict(type="str", choices=PUBLIC_ACCESS),
        trusted_service_access_enabled=dict(type="bool"),
        ip_rules=dict(type="list", elements="dict", options=dict(
            ip_mask=dict(type="str", required=True),
            action=dict(type="str", choices=["Allow"], default="Allow"),
        )),
        virtual_network_rules=dict(type="list", elements="dict", options=dict(
            subnet_id=dict(type="str", required=True),
            ignore_missing_vnet_service_endpoint=dict(type="bool", default=False),
        )),
    )),
    tags=dict(type="dict"),
    purge_tags=dict(type="bool", default=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=1800),
)


def main():
    run_module(NamespaceResource(), ARGUMENT_SPEC, EventHubsConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
