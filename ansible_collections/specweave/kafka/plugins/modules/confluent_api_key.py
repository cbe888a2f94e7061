#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_api_key
short_description: Create and delete Confluent Cloud API keys
version_added: 1.0.0
description:
  - Manages an API key of a service account or user through the C(iam/v2) API keys API, either
    for one Kafka cluster (the key then serves as SASL/PLAIN user name, its secret as password)
    or for the Confluent Cloud API (O(resource=cloud)).
  - An existing key is found by O(id), else by O(owner), O(resource) and display name O(name).
  - B(The secret exists only in the answer to the creation request.) The module returns it once,
    in RV(api_key.secret), on the run that creates the key; later runs cannot return it. Run the
    task with C(no_log) and store the secret right away (ansible-vault, a secret manager), see
    the examples. A lost secret cannot be read again; delete the key and create a new one.
  - Owner and resource of a key cannot change; only its display name and description can.
  - A new key takes a while to work - Confluent Cloud refuses it with HTTP 401 until it has
    spread. With O(wait), the module returns a new Cloud API key (O(resource=cloud)) only once
    the Confluent Cloud API accepts it, so the next task can use it. A cluster API key cannot
    be checked through the Cloud API; its first Kafka connections may still be refused for a
    minute or two (retry them).
options:
  name:
    description:
      - Display name of the key. Required unless O(id) is given.
    type: str
  id:
    description:
      - Id of an existing key (the key itself). With O(name) or O(description), updates them.
    type: str
  description:
    description:
      - Description of the key. Not set means leave it as it is.
    type: str
  owner:
    description:
      - Owner of the key - a service account id (C(sa-...)), a user id (C(u-...)), or the
        display name of a service account. Required to create a key.
    type: str
  resource:
    description:
      - V(cloud) for a Cloud API key, or the Kafka cluster the key is for, by id (C(lkc-...)) or
        display name (then O(environment) is needed). Required to create a key.
    type: str
  environment:
    description:
      - Environment of the cluster in O(resource), by id or display name.
    type: str
  state:
    description:
      - V(present) creates the key, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - After creating a Cloud API key, wait until the Confluent Cloud API accepts it (HTTP 401
        until then; a 403 because its owner has no role yet counts as accepted).
      - If it is still refused after O(wait_timeout), the task does not fail, as the secret would
        be lost; it returns the key and its secret with RV(authenticated=false) and a warning.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the new key to authenticate (O(wait)).
      - Also the time allowed, whatever O(wait), for a new key to appear in Confluent Cloud's
        list of keys - it is eventually consistent, and a run that ended before the key is
        listed could let the next run create a second key. Past it the task fails, naming the
        key.
    type: int
    default: 600
  wait_interval:
    description:
      - Seconds between two attempts while waiting.
    type: float
    default: 5
extends_documentation_fragment:
  - specweave.kafka.confluent_cloud
  - specweave.kafka.confluent_cloud.action_group
attributes:
  check_mode:
    support: full
    description: Reports exactly what a real run would change, without changing anything.
  diff_mode:
    support: full
    description: Returns the key before and after, never the secret.
seealso:
  - module: specweave.kafka.confluent_service_account
  - module: specweave.kafka.confluent_cluster
  - module: specweave.kafka.kafka_topic
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Cluster API key for the orders application (the secret is only in this result)
  specweave.kafka.confluent_api_key:
    name: orders-app-key
    owner: orders-app
    resource: orders
    environment: production
  register: orders_key
  no_log: true

- name: Store the secret once, encrypted with ansible-vault, next to the inventory
  ansible.builtin.copy:
    content: "{{ {'orders_kafka_api_key': orders_key.api_key.id,
                  'orders_kafka_api_secret': orders_key.api_key.secret}
                 | to_nice_yaml | ansible.builtin.vault(vault_password) }}"
    dest: group_vars/all/orders_kafka_key.vault.yml
    mode: "0600"
  delegate_to: localhost
  when: orders_key.api_key.secret is defined
  no_log: true

- name: Delete the key
  specweave.kafka.confluent_api_key:
    id: ABCDEFGH12345678
    state: absent
"""

RETURN = r"""
api_key:
  description: The key after the task (empty when absent).
  returned: always
  type: dict
  contains:
    id:
      description: The API key (use it as SASL user name or as O(api_key)).
      type: str
      sample: ABCDEFGH12345678
    secret:
      description: The secret. Only on the run that created the key; store it right away.
      type: str
      returned: when the key was created in this run
    name:
      description: Display name.
      type: str
    description:
      description: Description.
      type: str
    owner:
      description: Owner id (C(sa-...) or C(u-...)).
      type: str
    resource:
      description: Cluster id, or C(cloud) / null for a Cloud API key.
      type: str
    environment:
      description: Environment of the cluster.
      type: str
    created_at:
      description: Creation time.
      type: str
authenticated:
  description: True once the new Cloud API key was accepted by the Confluent Cloud API.
  returned: when a Cloud API key was created with O(wait)
  type: bool
authentication_attempts:
  description: Requests made with the new Cloud API key until it was accepted.
  returned: when a Cloud API key was created with O(wait)
  type: int
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
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud_resource import ApiKeyResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    id=dict(type="str"),
    description=dict(type="str"),
    owner=dict(type="str"),
    resource=dict(type="str"),
    environment=dict(type="str"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
    wait_interval=dict(type="float", default=5),
)


def main():
    run_module(ApiKeyResource(), ARGUMENT_SPEC, ConfluentCloudConnection(),
               required_one_of=[("name", "id")], supports_check_mode=True)


if __name__ == "__main__":
    main()
