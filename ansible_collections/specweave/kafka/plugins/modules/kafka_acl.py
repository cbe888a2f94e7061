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

from ansible_collections.specweave.kafka.plugins.module_utils.batch_options import (
    ItemSpec,
    check_items,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaModule
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_acl import (
    AclValidationError,
    DELETE_CHUNK_SIZE,
    RESOURCE_TYPES,
    acl_line,
    acl_to_dict,
    chunks,
    compute_changes,
    describe_filter,
    describe_kafka_filter,
    expand_bindings,
    from_kafka_acl,
    parse_scope,
    relevant,
    to_kafka_acl,
    to_kafka_filter,
)

try:
    from kafka import admin as kafka_admin
except ImportError:  # pragma: no cover - reported by KafkaModule
    kafka_admin = None


# The keys of each O(acls) item. Checked by check_items() rather than as argument_spec options:
# AnsibleModule's per-element validation of thousands of bindings costs more than the Kafka
# requests of the whole task.
ACL_OPTIONS = ItemSpec(dict(
    principal=dict(type="str", required=True),
    host=dict(type="str", default="*"),
    resource_type=dict(type="str", required=True, choices=RESOURCE_TYPES),
    resource_name=dict(type="str"),
    pattern_type=dict(type="str", default="literal", choices=["literal", "prefixed"]),
    operations=dict(type="list", elements="str", required=True),
    permission=dict(type="str", default="allow", choices=["allow", "deny"]),
))


def main():
    argument_spec = dict(
        acls=dict(type="list", elements="dict", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        return_acls=dict(type="bool", default=False),
        exclusive=dict(type="dict", options=dict(
            principals=dict(type="list", elements="str"),
            resources=dict(type="list", elements="dict", options=dict(
                resource_type=dict(type="str", required=True, choices=RESOURCE_TYPES),
                resource_name=dict(type="str"),
                pattern_type=dict(type="str", default="literal",
                                  choices=["literal", "prefixed"]),
            )),
        )),
    )
    km = KafkaModule(argument_spec=argument_spec, supports_check_mode=True)
    module = km.module
    params = km.params
    state = params["state"]

    items, problems = check_items(params["acls"], ACL_OPTIONS, "acls")
    if problems:
        km.fail_json(msg="Invalid ACLs, nothing was changed: %s" % "; ".join(problems[:20]),
                     problems=problems)
    try:
        desired = expand_bindings(items)
        scope = parse_scope(params["exclusive"])
    except AclValidationError as exc:
        km.fail_json(msg="Invalid ACLs, nothing was changed: %s" % exc)
    if scope is not None and state == "absent":
        km.fail_json(msg="exclusive only applies to state=present; with state=absent only the "
                         "declared ACLs are deleted")

    admin = km.admin()
    with km.operation("DescribeAcls"):
        found, _error = admin.describe_acls(
            describe_kafka_filter(describe_filter(desired, scope), kafka_admin))
    current = set(acl for acl in (from_kafka_acl(item) for item in found) if acl is not None)

    to_create, to_delete = compute_changes(desired, current, state, scope)
    changed = bool(to_create or to_delete)
    result = dict(
        changed=changed,
        created=[acl_line(acl) for acl in to_create],
        deleted=[acl_line(acl) for acl in to_delete],
    )
    if params["return_acls"] or module._diff:
        before = relevant(current, desired, scope)
        after_set = (current | set(to_create)) - set(to_delete)
        after = relevant(after_set, desired, scope)
    if params["return_acls"]:
        result["acls"] = [acl_to_dict(acl) for acl in after]
    if module._diff:
        result["diff"] = dict(before="\n".join(acl_line(acl) for acl in before) + "\n",
                              after="\n".join(acl_line(acl) for acl in after) + "\n")
    if module.check_mode or not changed:
        km.exit_json(**result)

    failures = []
    for batch in chunks(to_delete, DELETE_CHUNK_SIZE):
        with km.operation("DeleteAcls", **result):
            responses = admin.delete_acls([to_kafka_filter(acl, kafka_admin) for acl in batch])
        for acl, (_filter, _matched, error) in zip(batch, responses):
            if error is not None and getattr(error, "errno", 0):
                failures.append("delete %s: %s" % (acl_line(acl), error.__name__))
    for batch in chunks(to_create):
        with km.operation("CreateAcls", **result):
            outcome = admin.create_acls([to_kafka_acl(acl, kafka_admin) for acl in batch])
        if outcome["failed"]:
            done = set(from_kafka_acl(item) for item in outcome["succeeded"])
            errors = sorted(set(getattr(e, "__name__", str(e)) for e in outcome["failed"]))
            for acl in batch:
                if acl not in done:
                    failures.append("create %s: %s" % (acl_line(acl), ", ".join(errors)))
    if failures:
        km.fail_json(msg="Kafka refused %d ACL change(s): %s" % (len(failures),
                                                                 "; ".join(failures[:20])),
                     **result)
    km.exit_json(**result)


if __name__ == "__main__":
    main()
