#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: kafka_user
short_description: Manage SCRAM-SHA-256/512 user credentials on Apache Kafka
version_added: 1.0.0
description:
  - Creates, updates and deletes SASL/SCRAM credentials (SCRAM-SHA-256 and SCRAM-SHA-512) of one
    user (O(name)) or many users in one task (O(users)), with one DescribeUserScramCredentials
    and one AlterUserScramCredentials request for the whole batch.
  - Kafka never returns passwords, so an existing credential is compared on its mechanism and
    iteration count. O(update_password) decides whether the password is written again, and the
    opt-in O(verify_password) detects a changed password by authenticating with it.
  - The password is salted and hashed (PBKDF2) on the host that runs the module; only the salted
    password goes over the wire.
author:
  - specweave.kafka developers (@specweave)
extends_documentation_fragment:
  - specweave.kafka.kafka
options:
  name:
    description:
      - Name of one user to manage. Mutually exclusive with O(users).
    type: str
  password:
    description:
      - Password of O(name). Required with O(state=present).
    type: str
  users:
    description:
      - Users to manage in one task. O(mechanism), O(iterations) and O(state) given at the top
        level are defaults for every item.
      - A user with both mechanisms is listed twice, once per mechanism.
    type: list
    elements: dict
    suboptions:
      name:
        description: User name (the SASL user name, principal C(User:<name>)).
        type: str
        required: true
      password:
        description: Password. Required with O(users[].state=present).
        type: str
      mechanism:
        description:
          - SCRAM mechanism of this credential.
          - With O(users[].state=absent) and no mechanism, every credential of the user is
            deleted.
        type: str
        choices: [SCRAM-SHA-256, SCRAM-SHA-512]
      iterations:
        description: PBKDF2 iteration count (4096 to 16384).
        type: int
      state:
        description: Whether the credential exists.
        type: str
        choices: [present, absent]
  mechanism:
    description:
      - SCRAM mechanism (default for O(users) items). V(SCRAM-SHA-512) when not given, except
        with O(state=absent) where no mechanism means every mechanism.
    type: str
    choices: [SCRAM-SHA-256, SCRAM-SHA-512]
  iterations:
    description:
      - PBKDF2 iteration count, from 4096 to 16384 (default for O(users) items). A different
        count on an existing credential rewrites it with the given password.
    type: int
    default: 4096
  state:
    description:
      - V(present) creates or updates the credentials, V(absent) deletes them.
    type: str
    choices: [present, absent]
    default: present
  update_password:
    description:
      - V(on_create) writes the password only when the credential is created (or its iteration
        count changes). Re-runs report no change, even if the password differs on the cluster.
      - V(always) writes the password on every run and reports a change, unless
        O(verify_password=true) proves the current password already authenticates.
    type: str
    choices: [always, on_create]
    default: on_create
  verify_password:
    description:
      - Detect password drift by authenticating every existing credential with its declared
        password against a SASL listener (one short connection per credential).
      - Users whose password does not authenticate are listed in RV(password_mismatch). With
        O(update_password=always) only those passwords are rewritten, so re-runs are idempotent.
    type: bool
    default: false
  verify_bootstrap_servers:
    description:
      - SASL listener used by O(verify_password). Defaults to O(bootstrap_servers) when
        O(security_protocol) is a SASL protocol.
      - Needed when the module itself connects over mutual TLS (V(SSL)).
    type: list
    elements: str
  verify_security_protocol:
    description:
      - Protocol of O(verify_bootstrap_servers). Defaults to O(security_protocol) when that is a
        SASL protocol, else V(SASL_SSL). The O(ssl_cafile) and O(ssl_check_hostname) options
        apply to it.
    type: str
    choices: [SASL_PLAINTEXT, SASL_SSL]
attributes:
  check_mode:
    support: full
    description: Reports exactly the credentials a real run writes and deletes.
  diff_mode:
    support: full
    description: Shows mechanisms and iteration counts per user before and after, never passwords.
  action_group:
    support: full
    membership:
      - specweave.kafka.kafka
    description: Use C(group/specweave.kafka.kafka) in C(module_defaults) to set the connection once.
notes:
  - Needs the C(kafka-python) library (3.x) on the host that runs the module.
  - Needs Kafka 2.7 or later (KIP-554). The connecting principal needs C(Alter) and C(Describe)
    on the cluster resource, or to be a super user.
  - A user's ACLs are managed with M(specweave.kafka.kafka_acl); deleting a user keeps its ACLs.
seealso:
  - module: specweave.kafka.kafka_acl
  - module: specweave.kafka.kafka_quota
  - name: KIP-554 SCRAM credential management
    description: The Kafka admin API used by this module.
    link: https://cwiki.apache.org/confluence/display/KAFKA/KIP-554%3A+Add+Broker-side+SCRAM+Config+API
"""

EXAMPLES = r"""
- name: Create two service users
  specweave.kafka.kafka_user:
    bootstrap_servers: broker1:9093
    security_protocol: SASL_SSL
    sasl_mechanism: SCRAM-SHA-512
    sasl_username: admin
    sasl_password: "{{ vault_kafka_admin_password }}"
    ssl_cafile: /etc/kafka/ca.pem
    users:
      - name: orders
        password: "{{ vault_orders_password }}"
      - name: billing
        password: "{{ vault_billing_password }}"
        mechanism: SCRAM-SHA-256
        iterations: 8192

- name: Keep passwords in sync with the vault, rewriting only the ones that changed
  specweave.kafka.kafka_user:
    users: "{{ kafka_service_users }}"
    update_password: always
    verify_password: true

- name: Delete a user (every mechanism)
  specweave.kafka.kafka_user:
    name: legacy
    state: absent
"""

RETURN = r"""
users:
  description: Credentials of the managed users after the task (predicted in check mode).
  returned: always
  type: dict
  sample:
    orders:
      SCRAM-SHA-512:
        iterations: 4096
changes:
  description: What was (or would be) done per C(user/mechanism), and why.
  returned: always
  type: dict
  sample:
    orders/SCRAM-SHA-512: created
    legacy/SCRAM-SHA-256: deleted
password_mismatch:
  description:
    - With O(verify_password=true), the C(user/mechanism) credentials whose declared password
      did not authenticate before the task.
  returned: when O(verify_password=true)
  type: list
  elements: str
"""

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_user import (
    MECHANISMS,
    UserResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    password=dict(type="str", no_log=True),
    users=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        password=dict(type="str", no_log=True),
        mechanism=dict(type="str", choices=MECHANISMS),
        iterations=dict(type="int"),
        state=dict(type="str", choices=["present", "absent"]),
    )),
    mechanism=dict(type="str", choices=MECHANISMS),
    iterations=dict(type="int", default=4096),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    update_password=dict(type="str", default="on_create", no_log=False,
                         choices=["always", "on_create"]),
    verify_password=dict(type="bool", default=False, no_log=False),
    verify_bootstrap_servers=dict(type="list", elements="str"),
    verify_security_protocol=dict(type="str", choices=["SASL_PLAINTEXT", "SASL_SSL"]),
)


def main():
    run_module(UserResource(), ARGUMENT_SPEC, KafkaConnection(), supports_check_mode=True,
               mutually_exclusive=[("name", "users")], required_one_of=[("name", "users")])


if __name__ == "__main__":
    main()
