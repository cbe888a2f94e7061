#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_environment
short_description: Create, update and delete Confluent Cloud environments
version_added: 1.0.0
description:
  - Manages an environment of a Confluent Cloud organization through the C(org/v2) API.
  - The environment is found by O(id) when given, else by its display name O(name).
  - Deleting an environment deletes every Kafka cluster in it. The module refuses to delete an
    environment that still holds clusters unless O(delete_clusters=true).
options:
  name:
    description:
      - Display name of the environment. Required to create one.
    type: str
  id:
    description:
      - Id of an existing environment (C(env-...)). With O(name), renames it.
    type: str
  stream_governance:
    description:
      - Stream Governance package. C(ADVANCED) cannot be downgraded to C(ESSENTIALS).
      - Not set means whatever the environment has (Confluent picks the default on creation).
    type: str
    choices: [ESSENTIALS, ADVANCED]
  state:
    description:
      - V(present) creates or updates the environment, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  delete_clusters:
    description:
      - Allow O(state=absent) to delete an environment that still has Kafka clusters (they are
        deleted with it).
    type: bool
    default: false
extends_documentation_fragment:
  - specweave.kafka.confluent_cloud
  - specweave.kafka.confluent_cloud.action_group
attributes:
  check_mode:
    support: full
    description: Reports exactly what a real run would change, without changing anything.
  diff_mode:
    support: full
    description: Returns the environment before and after.
seealso:
  - module: specweave.kafka.confluent_environment_info
  - module: specweave.kafka.confluent_cluster
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Environment for production
  specweave.kafka.confluent_environment:
    name: production
    stream_governance: ESSENTIALS

- name: Remove a scratch environment and the clusters in it
  specweave.kafka.confluent_environment:
    name: scratch
    state: absent
    delete_clusters: true
"""

RETURN = r"""
environment:
  description: The environment after the task (empty when absent).
  returned: always
  type: dict
  contains:
    id:
      description: Environment id.
      type: str
      sample: env-a1b2c3
    name:
      description: Display name.
      type: str
      sample: production
    stream_governance:
      description: Stream Governance package.
      type: str
      sample: ESSENTIALS
    resource_name:
      description: Confluent resource name (CRN).
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
    ConfluentCloudError,
    ConfluentCloudModule,
    environment_body,
    environment_changes,
    environment_view,
    pick_by_name,
    quote_id,
)


def run(ccm):
    params = ccm.params
    client = ccm.client
    if params["id"]:
        current = client.get_environment(params["id"])
        if current is None and params["state"] == "present":
            raise ConfluentCloudError("Environment %s does not exist; leave id out to create one "
                                      "named %r." % (params["id"], params["name"]))
    else:
        current = pick_by_name(client.list_environments(), params["name"], "environment")
    before = environment_view(current)

    if params["state"] == "absent":
        if current is None:
            return dict(changed=False, environment={}, changes={}, diff=dict(before={}, after={}))
        clusters = client.list_clusters(current["id"])
        if clusters and not params["delete_clusters"]:
            raise ConfluentCloudError(
                "Environment %s (%s) still has %d Kafka cluster(s): %s. Deleting it would delete "
                "them too; delete them first or set delete_clusters: true." % (
                    current["id"], before["name"], len(clusters),
                    ", ".join(sorted(c.get("id", "?") for c in clusters))))
        if not ccm.check_mode:
            client.request("DELETE", "/org/v2/environments/" + quote_id(current["id"]))
        return dict(changed=True, environment={}, changes={"state": ["present", "absent"]},
                    diff=dict(before=before, after={}))

    if current is None:
        after = dict(id=None, name=params["name"], stream_governance=params["stream_governance"],
                     resource_name=None, created_at=None)
        if not ccm.check_mode:
            created = client.request("POST", "/org/v2/environments",
                                     body=environment_body(params["name"],
                                                           params["stream_governance"]))
            after = environment_view(created)
        return dict(changed=True, environment=after, changes={"state": ["absent", "present"]},
                    diff=dict(before={}, after=after))

    changes = environment_changes(before, params["name"], params["stream_governance"])
    after = dict(before)
    for field, (_old, new) in changes.items():
        after[field] = new
    if changes and not ccm.check_mode:
        body = environment_body(changes.get("name", (None, None))[1],
                                changes.get("stream_governance", (None, None))[1])
        updated = client.request("PATCH", "/org/v2/environments/" + quote_id(current["id"]),
                                 body=body)
        after = environment_view(updated)
    return dict(changed=bool(changes), environment=after,
                changes=dict((k, list(v)) for k, v in changes.items()),
                diff=dict(before=before, after=after))


def main():
    ccm = ConfluentCloudModule(
        argument_spec=dict(
            name=dict(type="str"),
            id=dict(type="str"),
            stream_governance=dict(type="str", choices=["ESSENTIALS", "ADVANCED"]),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            delete_clusters=dict(type="bool", default=False),
        ),
        required_one_of=[("name", "id")],
        supports_check_mode=True,
    )
    ccm.run(run)


if __name__ == "__main__":
    main()
