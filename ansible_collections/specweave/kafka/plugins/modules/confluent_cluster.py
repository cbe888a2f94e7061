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
    is on. Deletion is asynchronous on Confluent's side - a deleted cluster stays visible a while,
    with its deletion time set. With O(wait) the module returns once the cluster is gone;
    without, RV(deleting) says it is still being deleted. A re-run meanwhile sends no second
    delete (and waits with O(wait)).
  - A cluster whose provisioning FAILED is an error, naming it and what to do (delete it and
    create it again), on the run that waits for it and on every later run with O(state=present).
  - A cluster being deleted is an error with O(state=present); a live cluster of the same name
    is used rather than one being deleted.
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
      - Wait until the cluster is C(PROVISIONED) after creating it, until a CKU change has taken
        effect (C(status.cku) reaches O(cku); the API accepts a resize at once and the CKUs
        follow, often hours later), and until it is gone after deleting it.
      - A run that finds the cluster still provisioning or resizing waits for it first.
      - Whatever O(wait), a new cluster is returned only once Confluent Cloud lists it, within
        O(wait_timeout). Its lists are eventually consistent, and a run that ended earlier could
        let the next run create a second cluster of the same name.
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
    current_cku:
      description: CKUs in effect of a Dedicated cluster (differs from RV(cluster.cku) while it
        resizes).
      type: int
    resizing:
      description: Whether a Dedicated cluster is still resizing to RV(cluster.cku).
      type: bool
    deleting:
      description: Whether Confluent Cloud accepted the cluster's deletion and is still deleting
        it.
      type: bool
    deleted_at:
      description: When the deletion was accepted (while RV(cluster.deleting)).
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
deleting:
  description: True when the task ends with the cluster still being deleted (O(state=absent)
    with O(wait=false), or a deletion accepted earlier); false otherwise.
  returned: always
  type: bool
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
    AVAILABILITIES,
    CLOUDS,
    CLUSTER_TYPES,
    ConfluentCloudConnection,
)
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud_resource import ClusterResource
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    id=dict(type="str"),
    environment=dict(type="str", required=True),
    cluster_type=dict(type="str", choices=CLUSTER_TYPES),
    cloud=dict(type="str", choices=CLOUDS),
    region=dict(type="str"),
    availability=dict(type="str", choices=AVAILABILITIES),
    cku=dict(type="int"),
    max_ecku=dict(type="int"),
    zones=dict(type="list", elements="str"),
    deletion_protection=dict(type="bool"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=1800),
    wait_interval=dict(type="float", default=10),
)


def main():
    run_module(ClusterResource(), ARGUMENT_SPEC, ConfluentCloudConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
