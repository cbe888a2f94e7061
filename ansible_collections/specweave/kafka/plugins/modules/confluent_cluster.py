#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_cluster
short_description: Create, update and delete Confluent Cloud Kafka clusters
version_added: 1.0.0
description:
  - Manages a Basic, Standard, Enterprise, Freight or Dedicated Kafka cluster through the
    C(cmk/v2) API, and waits until it is C(PROVISIONED).
  - The cluster is found by O(id) when given, else by its display name O(name) in
    O(environment).
  - Idempotent by comparing the options given with the cluster's spec; options left out are not
    compared.
  - What the API changes in place is applied with one PATCH - display name, C(max_ecku), C(cku)
    of Dedicated clusters, deletion protection and the Basic to Standard upgrade. Changes of
    O(cloud), O(region), O(availability), and any other cluster type change (including
    downgrades) are refused with a message before anything is sent.
  - The cluster is deleted only with O(state=absent), and never while its deletion protection
    is on.
options:
  name:
    description:
      - Display name of the cluster.
    type: str
    required: true
  id:
    description:
      - Id of an existing cluster (C(lkc-...)); with O(name) different from its display name,
        renames it.
    type: str
  environment:
    description:
      - Environment of the cluster, by id (C(env-...)) or by display name.
    type: str
    required: true
  cluster_type:
    description:
      - Cluster type. Required to create a cluster.
      - Only V(Basic) to V(Standard) is an in-place upgrade.
    type: str
    choices: [Basic, Standard, Enterprise, Dedicated, Freight]
  cloud:
    description:
      - Cloud provider. Required to create a cluster; cannot change.
    type: str
    choices: [AWS, GCP, AZURE]
  region:
    description:
      - Cloud region, for example C(us-east-1). Required to create a cluster; cannot change.
    type: str
  availability:
    description:
      - Zone layout. Required to create a cluster; cannot change.
      - V(SINGLE_ZONE)/V(MULTI_ZONE) for Basic, Standard and Dedicated clusters,
        V(LOW)/V(HIGH) for the elastic types where Confluent offers them.
    type: str
    choices: [SINGLE_ZONE, MULTI_ZONE, LOW, HIGH]
  cku:
    description:
      - Number of CKUs of a V(Dedicated) cluster (at least 2 for multi-zone). Required to create
        one; can grow or shrink in place.
    type: int
  max_ecku:
    description:
      - Upper limit of the eCKUs a Basic, Standard, Enterprise or Freight cluster auto-scales to.
    type: int
  zones:
    description:
      - Zones of a V(Dedicated) cluster, only used on creation.
    type: list
    elements: str
  deletion_protection:
    description:
      - Deletion protection of the cluster (C(spec.deletion_protection) of the API). While on,
        Confluent Cloud and this module refuse to delete the cluster.
      - Not set means leave it as it is (off for new clusters).
    type: bool
  state:
    description:
      - V(present) creates or updates the cluster, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait until the cluster is C(PROVISIONED) after creating or resizing it (and until it is
        gone after deleting it).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait. Dedicated clusters can take hours to provision.
    type: int
    default: 1800
  wait_interval:
    description:
      - Seconds between two status reads while waiting.
    type: float
    default: 10
extends_documentation_fragment:
  - specweave.kafka.confluent_cloud
  - specweave.kafka.confluent_cloud.action_group
attributes:
  check_mode:
    support: full
    description: Reports exactly what a real run would change, without changing anything.
  diff_mode:
    support: full
    description: Returns the cluster before and after.
seealso:
  - module: specweave.kafka.confluent_cluster_info
  - module: specweave.kafka.confluent_environment
  - module: specweave.kafka.confluent_api_key
  - module: specweave.kafka.kafka_topic
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Standard cluster that scales up to 4 eCKUs
  specweave.kafka.confluent_cluster:
    name: orders
    environment: production
    cluster_type: Standard
    cloud: AWS
    region: us-east-1
    availability: SINGLE_ZONE
    max_ecku: 4
    deletion_protection: true
  register: orders_cluster

- name: Connect kafka_topic to it
  ansible.builtin.debug:
    msg: "bootstrap_servers: {{ orders_cluster.bootstrap_servers }}"

- name: Dedicated cluster with 2 CKUs, wait up to 3 hours
  specweave.kafka.confluent_cluster:
    name: ledger
    environment: env-a1b2c3
    cluster_type: Dedicated
    cloud: GCP
    region: europe-west1
    availability: MULTI_ZONE
    cku: 2
    wait_timeout: 10800

- name: Delete a cluster (turn deletion protection off first if it is on)
  specweave.kafka.confluent_cluster:
    name: scratch
    environment: production
    state: absent
"""

RETURN = r"""
cluster:
  description: The cluster after the task (empty when absent).
  returned: always
  type: dict
  contains:
    id:
      description: Cluster id.
      type: str
      sample: lkc-a1b2c3
    name:
      description: Display name.
      type: str
    environment:
      description: Environment id.
      type: str
    cluster_type:
      description: Basic, Standard, Enterprise, Dedicated or Freight.
      type: str
    cloud:
      description: Cloud provider.
      type: str
    region:
      description: Region.
      type: str
    availability:
      description: Zone layout.
      type: str
    cku:
      description: CKUs of a Dedicated cluster.
      type: int
    max_ecku:
      description: eCKU limit of an elastic cluster.
      type: int
    deletion_protection:
      description: Whether deletion protection is on.
      type: bool
    phase:
      description: C(PROVISIONING), C(PROVISIONED) or C(FAILED).
      type: str
    bootstrap_endpoint:
      description: Kafka bootstrap endpoint as the API gives it (C(SASL_SSL://host:9092)).
      type: str
    bootstrap_servers:
      description: The bootstrap endpoint without the scheme, for O(specweave.kafka.kafka_topic#module:bootstrap_servers).
      type: str
    rest_endpoint:
      description: Kafka REST endpoint of the cluster.
      type: str
    endpoints:
      description: Every access point of the cluster, keyed by access point id.
      type: dict
bootstrap_servers:
  description: Same as RV(cluster.bootstrap_servers).
  returned: when present
  type: str
  sample: pkc-a1b2c.us-east-1.aws.confluent.cloud:9092
rest_endpoint:
  description: Same as RV(cluster.rest_endpoint).
  returned: when present
  type: str
  sample: https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443
phase:
  description: Last phase seen.
  returned: when present
  type: str
  sample: PROVISIONED
phase_history:
  description: Phases seen while waiting, in order.
  returned: always
  type: list
  elements: str
  sample: [PROVISIONING, PROVISIONED]
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
    apply_changes,
    cluster_changes,
    cluster_create_body,
    cluster_patch_body,
    cluster_refusals,
    cluster_view,
    find_environment,
    pick_by_name,
    predicted_cluster_view,
    quote_id,
    validate_cluster_params,
    wait_for_cluster,
    wait_for_cluster_gone,
)


def _result(changed, cluster, changes, before, history):
    result = dict(changed=changed, cluster=cluster, phase_history=history,
                  changes=dict((k, list(v)) for k, v in changes.items()),
                  diff=dict(before=before, after=cluster))
    if cluster:
        result.update(bootstrap_servers=cluster.get("bootstrap_servers"),
                      rest_endpoint=cluster.get("rest_endpoint"), phase=cluster.get("phase"))
    return result


def _wait(ccm, cluster_id, env_id):
    params = ccm.params
    return wait_for_cluster(ccm.client, cluster_id, env_id, params["wait_timeout"],
                            params["wait_interval"])


def run(ccm):
    params = ccm.params
    client = ccm.client
    problems = validate_cluster_params(params)
    if problems:
        raise ConfluentCloudError("Invalid cluster options: " + "; ".join(problems))

    env = find_environment(client, params["environment"])
    if env is None:
        if params["state"] == "absent":
            return _result(False, {}, {}, {}, [])
        if not ccm.check_mode:
            raise ConfluentCloudError(
                "Environment %r not found (looked for an id and a display name). Create it "
                "with specweave.kafka.confluent_environment first." % params["environment"])
        env_id = None
        current = None
    else:
        env_id = env["id"]
        if params["id"]:
            current = client.get_cluster(params["id"], env_id)
            if current is None and params["state"] == "present":
                raise ConfluentCloudError(
                    "Cluster %s does not exist in environment %s; leave id out to create a "
                    "cluster named %r." % (params["id"], env_id, params["name"]))
        else:
            current = pick_by_name(client.list_clusters(env_id), params["name"], "cluster")
    before = cluster_view(current)

    if params["state"] == "absent":
        if current is None:
            return _result(False, {}, {}, {}, [])
        if before["deletion_protection"]:
            raise ConfluentCloudError(
                "Cluster %s (%s) has deletion protection on; nothing was deleted. Turn it off "
                "first with state: present and deletion_protection: false, then delete it."
                % (before["id"], before["name"]))
        if not ccm.check_mode:
            client.request("DELETE", "/cmk/v2/clusters/" + quote_id(before["id"]),
                           {"environment": env_id})
            if params["wait"]:
                wait_for_cluster_gone(client, before["id"], env_id, params["wait_timeout"],
                                      params["wait_interval"])
        return _result(True, {}, {"state": ("present", "absent")}, before, [])

    if current is None:
        missing = [name for name in ("cluster_type", "cloud", "region", "availability")
                   if not params.get(name)]
        if params.get("cluster_type") == "Dedicated" and params.get("cku") is None:
            missing.append("cku")
        if missing:
            raise ConfluentCloudError(
                "Cluster %r does not exist in environment %s; to create it give %s."
                % (params["name"], env_id or params["environment"], ", ".join(missing)))
        after = predicted_cluster_view(params, env_id)
        history = []
        if not ccm.check_mode:
            created = client.request("POST", "/cmk/v2/clusters",
                                     body=cluster_create_body(params, env_id))
            after = cluster_view(created)
            history = [after.get("phase")]
            if params["wait"] and after.get("phase") != "PROVISIONED":
                created, history = _wait(ccm, after["id"], env_id)
                after = cluster_view(created)
        return _result(True, after, {"state": ("absent", "present")}, {}, history)

    refusals = cluster_refusals(before, params)
    if refusals:
        raise ConfluentCloudError("Cluster %s (%s) cannot be changed as asked; nothing was "
                                  "changed: %s." % (before["id"], before["name"],
                                                    "; ".join(refusals)))
    changes = cluster_changes(before, params)
    after = apply_changes(before, changes)
    history = [before.get("phase")]
    if ccm.check_mode:
        return _result(bool(changes), after, changes, before, history)
    if params["wait"] and before.get("phase") == "PROVISIONING":
        current, history = _wait(ccm, before["id"], env_id)
        after = apply_changes(cluster_view(current), changes)
    if changes:
        updated = client.request("PATCH", "/cmk/v2/clusters/" + quote_id(before["id"]),
                                 body=cluster_patch_body(before, changes, env_id))
        after = cluster_view(updated)
        if params["wait"] and after.get("phase") != "PROVISIONED":
            updated, more = _wait(ccm, before["id"], env_id)
            history.extend(more)
            after = cluster_view(updated)
    return _result(bool(changes), after, changes, before, history)


def main():
    ccm = ConfluentCloudModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            id=dict(type="str"),
            environment=dict(type="str", required=True),
            cluster_type=dict(type="str", choices=["Basic", "Standard", "Enterprise",
                                                   "Dedicated", "Freight"]),
            cloud=dict(type="str", choices=["AWS", "GCP", "AZURE"]),
            region=dict(type="str"),
            availability=dict(type="str", choices=["SINGLE_ZONE", "MULTI_ZONE", "LOW", "HIGH"]),
            cku=dict(type="int"),
            max_ecku=dict(type="int"),
            zones=dict(type="list", elements="str"),
            deletion_protection=dict(type="bool"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=1800),
            wait_interval=dict(type="float", default=10),
        ),
        supports_check_mode=True,
    )
    ccm.run(run)


if __name__ == "__main__":
    main()
