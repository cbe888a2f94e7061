#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: kafka_acl
short_description: Manage Apache Kafka ACLs as a list of bindings, with an exclusive mode
version_added: 1.0.0
description:
  - Converges a list of ACL bindings in one task. Each binding names a principal, a host, a
    resource (type, name, pattern type), a list of operations and a permission; it stands for
    one Kafka ACL per operation.
  - Reads the current ACLs with one DescribeAcls request, compares declared and current ACLs as
    sets, then creates and deletes what differs with batched CreateAcls and DeleteAcls requests.
  - Every binding is validated before anything is applied (principal format, host, resource
    type, operations valid for the resource type); one invalid binding fails the task and
    nothing is changed.
  - Opt-in exclusive mode (O(exclusive)) removes the ACLs inside a scope you name (principals
    and/or resources) that are not declared. ACLs outside the scope are never touched.
author:
  - specweave.kafka developers (@specweave)
extends_documentation_fragment:
  - specweave.kafka.kafka
options:
  acls:
    description:
      - The ACL bindings to manage.
    type: list
    elements: dict
    required: true
    suboptions:
      principal:
        description:
          - Principal as C(<type>:<name>), for example C(User:alice), or C(User:*) for every
            user. For mutual TLS clients the name is what C(ssl.principal.mapping.rules) makes
            of the certificate subject.
        type: str
        required: true
      host:
        description:
          - Client IP address the ACL applies to, or C(*) for any host. Host names are not
            supported by Kafka.
        type: str
        default: '*'
      resource_type:
        description: Type of the resource.
        type: str
        required: true
        choices: [topic, group, cluster, transactional_id, delegation_token, user]
      resource_name:
        description:
          - Name of the resource, or C(*) for every resource of the type (literal pattern only).
          - Not needed for V(cluster) (always C(kafka-cluster)).
        type: str
      pattern_type:
        description:
          - V(literal) matches the name exactly (or everything with C(*)); V(prefixed) matches
            every resource whose name starts with O(acls[].resource_name).
        type: str
        choices: [literal, prefixed]
        default: literal
      operations:
        description:
          - Operations granted or denied, for example V(read), V(write), V(describe),
            V(describe_configs), V(idempotent_write), V(all). Kafka's spellings
            (C(DescribeConfigs), C(IDEMPOTENT_WRITE)) are accepted too.
          - Each operation must apply to the resource type (for example V(write) does not apply
            to a V(group)); otherwise the task fails before any change.
        type: list
        elements: str
        required: true
      permission:
        description: Whether the operations are allowed or denied. A deny wins over any allow.
        type: str
        choices: [allow, deny]
        default: allow
  state:
    description:
      - V(present) creates the declared ACLs that are missing.
      - V(absent) deletes the declared ACLs that exist.
    type: str
    choices: [present, absent]
    default: present
  return_acls:
    description:
      - Also return RV(acls), every declared ACL (and in exclusive mode every ACL inside the
        scope) as it is after the task.
      - Off by default so that a task over thousands of bindings returns only what changed
        (RV(created), RV(deleted), as lines); the diff is exact either way.
    type: bool
    default: false
  exclusive:
    description:
      - Exclusive mode, only with O(state=present). Existing ACLs inside the scope given here
        that are not declared in O(acls) are deleted. An ACL is inside the scope when its
        principal is in O(exclusive.principals) or its resource is in
        O(exclusive.resources). Nothing outside the scope is touched.
    type: dict
    suboptions:
      principals:
        description: Principals whose every ACL is managed by this task.
        type: list
        elements: str
      resources:
        description: Resources whose every ACL is managed by this task.
        type: list
        elements: dict
        suboptions:
          resource_type:
            description: Type of the resource.
            type: str
            required: true
            choices: [topic, group, cluster, transactional_id, delegation_token, user]
          resource_name:
            description: Name of the resource (not needed for V(cluster)).
            type: str
          pattern_type:
            description: Pattern type of the resource.
            type: str
            choices: [literal, prefixed]
            default: literal
attributes:
  check_mode:
    support: full
    description: Reports exactly the ACLs a real run creates and deletes.
  diff_mode:
    support: full
    description: Before and after are the declared and in-scope ACLs, one line per ACL.
  action_group:
    support: full
    membership:
      - specweave.kafka.kafka
    description: Use C(group/specweave.kafka.kafka) in C(module_defaults) to set the connection once.
notes:
  - Needs the C(kafka-python) library (3.x) on the host that runs the module.
  - The connecting principal needs C(Alter) on the cluster resource (or be a super user) to
    create and delete ACLs, and C(Describe) on the cluster to read them.
  - The brokers must run an authorizer (for KRaft C(StandardAuthorizer)); otherwise Kafka
    answers with a security-disabled error, reported as such.
seealso:
  - module: specweave.kafka.kafka_user
  - module: specweave.kafka.kafka_quota
  - name: Kafka authorization and ACLs
    description: Operations and resources in the Apache Kafka documentation.
    link: https://kafka.apache.org/documentation/#security_authz
"""

EXAMPLES = r"""
- name: Let the orders service produce to and consume from its topics
  specweave.kafka.kafka_acl:
    bootstrap_servers: broker1:9093
    security_protocol: SASL_SSL
    sasl_mechanism: SCRAM-SHA-512
    sasl_username: admin
    sasl_password: "{{ vault_kafka_admin_password }}"
    ssl_cafile: /etc/kafka/ca.pem
    acls:
      - principal: User:orders
        resource_type: topic
        resource_name: orders.
        pattern_type: prefixed
        operations: [read, write, describe]
      - principal: User:orders
        resource_type: group
        resource_name: orders-service
        operations: [read]

- name: Deny one host, whatever else is allowed
  specweave.kafka.kafka_acl:
    acls:
      - principal: User:*
        host: 10.0.0.66
        resource_type: topic
        resource_name: payments
        operations: [all]
        permission: deny

- name: The orders user has exactly these ACLs; its other ACLs are removed
  specweave.kafka.kafka_acl:
    acls:
      - principal: User:orders
        resource_type: topic
        resource_name: orders
        operations: [read, describe]
    exclusive:
      principals: [User:orders]

- name: Remove ACLs
  specweave.kafka.kafka_acl:
    acls:
      - principal: User:legacy
        resource_type: topic
        resource_name: old-topic
        operations: [read, write]
    state: absent
"""

RETURN = r"""
created:
  description:
    - ACLs created (or that would be created in check mode), one line per operation, in the
      form C(<principal> <permission> <operation> on <pattern_type> <resource_type>:<resource_name>
      from <host>), the same lines as the diff.
    - Lines rather than dicts keep the result of a task over thousands of bindings small (the
      module and Ansible scrub and serialise every value of the result); set
      O(return_acls=true) for the ACLs as dicts.
  returned: always
  type: list
  elements: str
  sample:
    - "User:orders allow write on prefixed topic:orders. from *"
deleted:
  description: ACLs deleted (or that would be deleted in check mode), as lines like RV(created).
  returned: always
  type: list
  elements: str
acls:
  description:
    - The declared ACLs and, in exclusive mode, every ACL inside the scope, as they are after
      the task (predicted in check mode).
  returned: when O(return_acls=true)
  type: list
  elements: dict
  sample:
    - principal: User:orders
      host: '*'
      resource_type: topic
      resource_name: orders.
      pattern_type: prefixed
      operation: write
      permission: allow
"""

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_acl import (
    PATTERN_TYPES,
    RESOURCE_TYPES,
    AclResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

# The items of O(acls) are checked by AclResource (batch_options.check_items), not here:
# AnsibleModule's per-element validation of thousands of bindings costs more than the Kafka
# requests of the whole task.
ARGUMENT_SPEC = dict(
    acls=dict(type="list", elements="dict", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    return_acls=dict(type="bool", default=False),
    exclusive=dict(type="dict", options=dict(
        principals=dict(type="list", elements="str"),
        resources=dict(type="list", elements="dict", options=dict(
            resource_type=dict(type="str", required=True, choices=RESOURCE_TYPES),
            resource_name=dict(type="str"),
            pattern_type=dict(type="str", default="literal", choices=PATTERN_TYPES),
        )),
    )),
)


def main():
    run_module(AclResource(), ARGUMENT_SPEC, KafkaConnection(), supports_check_mode=True)


if __name__ == "__main__":
    main()
