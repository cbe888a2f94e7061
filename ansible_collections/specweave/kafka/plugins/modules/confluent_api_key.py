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
    CLUSTER_ID_RE,
    ConfluentCloudError,
    ConfluentCloudModule,
    api_key_create_body,
    api_key_view,
    pick_by_name,
    quote_id,
    require_environment,
    text_changes,
)

OWNER_ID_PREFIXES = ("sa-", "u-", "pool-")


def resolve_owner(client, owner):
    if owner.startswith(OWNER_ID_PREFIXES):
        return owner
    account = pick_by_name(client.list_service_accounts(owner), owner, "service account")
    if account is None:
        raise ConfluentCloudError("owner %r is neither an id (sa-..., u-...) nor the name of a "
                                  "service account." % owner)
    return account["id"]


def resolve_resource(client, resource, environment):
    """(resource id or None for Cloud keys, environment id or None)."""
    if resource.lower() == "cloud":
        return None, None
    env_id = require_environment(client, environment)["id"] if environment else None
    if CLUSTER_ID_RE.match(resource):
        return resource, env_id
    if env_id is None:
        raise ConfluentCloudError("resource %r is a cluster name; give its environment too (or "
                                  "the cluster id lkc-...)." % resource)
    cluster = pick_by_name(client.list_clusters(env_id), resource, "cluster")
    if cluster is None:
        raise ConfluentCloudError("No cluster named %r in environment %s." % (resource, env_id))
    return cluster["id"], env_id


def find_key(client, owner_id, resource_id, name):
    keys = client.list_api_keys(owner=owner_id, resource=resource_id)
    if resource_id is None:
        keys = [k for k in keys
                if ((k.get("spec") or {}).get("resource") or {}).get("id") in (None, "cloud")]
    return pick_by_name(keys, name, "API key")


def run(ccm):
    params = ccm.params
    client = ccm.client
    if params["id"]:
        current = client.get_api_key(params["id"])
        if current is None and params["state"] == "present":
            raise ConfluentCloudError("API key %s does not exist; leave id out to create a key."
                                      % params["id"])
        owner_id = resource_id = env_id = None
    else:
        if not params["owner"] or not params["resource"]:
            raise ConfluentCloudError("owner and resource are needed to find or create an API key "
                                      "by name (or give its id).")
        owner_id = resolve_owner(client, params["owner"])
        resource_id, env_id = resolve_resource(client, params["resource"], params["environment"])
        current = find_key(client, owner_id, resource_id, params["name"])
    before = api_key_view(current)

    if params["state"] == "absent":
        if current is None:
            return dict(changed=False, api_key={}, changes={}, diff=dict(before={}, after={}))
        if not ccm.check_mode:
            client.request("DELETE", "/iam/v2/api-keys/" + quote_id(current["id"]))
        return dict(changed=True, api_key={}, changes={"state": ["present", "absent"]},
                    diff=dict(before=before, after={}))

    if current is None:
        after = dict(id=None, name=params["name"], description=params["description"],
                     owner=owner_id, resource=resource_id, environment=env_id, created_at=None)
        diff_after = after
        if not ccm.check_mode:
            created = client.request("POST", "/iam/v2/api-keys", body=api_key_create_body(
                owner_id, resource_id, env_id, params["name"], params["description"]))
            secret = (created.get("spec") or {}).get("secret")
            after = api_key_view(created, secret=secret)
            diff_after = api_key_view(created)
        return dict(changed=True, api_key=after, changes={"state": ["absent", "present"]},
                    diff=dict(before={}, after=diff_after))

    changes = text_changes(before, {"name": params["name"], "description": params["description"]})
    after = dict(before, **dict((k, v[1]) for k, v in changes.items()))
    if changes and not ccm.check_mode:
        spec = {}
        if "name" in changes:
            spec["display_name"] = changes["name"][1]
        if "description" in changes:
            spec["description"] = changes["description"][1]
        after = api_key_view(client.request("PATCH", "/iam/v2/api-keys/" + quote_id(current["id"]),
                                            body={"spec": spec}))
    return dict(changed=bool(changes), api_key=after,
                changes=dict((k, list(v)) for k, v in changes.items()),
                diff=dict(before=before, after=after))


def main():
    ccm = ConfluentCloudModule(
        argument_spec=dict(
            name=dict(type="str"),
            id=dict(type="str"),
            description=dict(type="str"),
            owner=dict(type="str"),
            resource=dict(type="str"),
            environment=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_one_of=[("name", "id")],
        supports_check_mode=True,
    )
    ccm.run(run)


if __name__ == "__main__":
    main()
