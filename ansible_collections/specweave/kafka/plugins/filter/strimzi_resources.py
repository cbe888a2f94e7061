# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: strimzi_resources
short_description: Render a Kafka cluster and its desired state as Strimzi custom resources
version_added: 1.0.0
description:
  - Turns cluster settings and the collection's shared desired state (the topic, user, ACL and
    quota lists that M(specweave.kafka.kafka_topic), M(specweave.kafka.kafka_user),
    M(specweave.kafka.kafka_acl) and M(specweave.kafka.kafka_quota) take) into C(KafkaNodePool),
    C(Kafka), C(KafkaTopic), C(KafkaUser) and password C(Secret) objects for Strimzi or AMQ
    Streams.
  - The lists are validated and normalised by the modules' own code, so C(retention.ms=7d) is
    604800000 in the C(KafkaTopic) as on a self-hosted broker.
  - Every problem (a replication factor above the broker pools, a listener name used twice, TLS
    client authentication on an unencrypted listener, a ZooKeeper-era field with
    C(kafka.strimzi.io/v1), an ACL of a principal that is not a declared user...) is reported at
    once, before anything is applied.
  - The C(specweave.kafka.strimzi) role uses it; see its argument specification for the meaning
    of each setting.
options:
  _input:
    description:
      - The settings. Keys - C(name), C(namespace), C(api_version) (V(kafka.strimzi.io/v1) or
        V(kafka.strimzi.io/v1beta2)), C(platform) (V(kubernetes) or V(openshift)), C(labels),
        C(node_pools), C(listeners), C(authorization), C(config), C(version),
        C(metadata_version), C(rack_topology_key), C(metrics_configmap), C(cruise_control),
        C(kafka_spec) (merged over the rendered C(Kafka) spec), C(topics), C(users),
        C(tls_users), C(acls), C(quotas).
    type: dict
    required: true
  secrets:
    description:
      - Include the users' password C(Secret) objects. The role renders once without them (a
        result it can show) and takes the Secrets from a second, C(no_log) rendering.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Render everything, failing with every problem before anything is applied
  ansible.builtin.set_fact:
    resources: "{{ settings | specweave.kafka.strimzi_resources }}"
  vars:
    settings:
      name: my-cluster
      namespace: kafka
      api_version: kafka.strimzi.io/v1
      node_pools:
        - {name: dual, roles: [controller, broker], replicas: 3, storage: {type: ephemeral}}
      listeners:
        - {name: scram, port: 9094, type: internal, tls: true, authentication: {type: scram-sha-512}}
      authorization: {type: simple}
      topics: "{{ kafka_site_topics }}"
      users: "{{ kafka_site_users }}"
      acls: "{{ kafka_site_acls }}"
      quotas: "{{ kafka_site_quotas }}"
"""

RETURN = r"""
_value:
  description: The resources, by group.
  type: dict
  contains:
    cluster:
      description: The C(KafkaNodePool) objects, then the C(Kafka).
      type: list
      elements: dict
    topics:
      description: One C(KafkaTopic) per present topic.
      type: list
      elements: dict
    users:
      description: For each user a C(KafkaUser), preceded by its password C(Secret) for SCRAM users
        (unless O(secrets=false)).
      type: list
      elements: dict
    absent_topics:
      description: Names of the C(KafkaTopic) objects of topics declared with C(state=absent).
      type: list
      elements: str
    absent_users:
      description: Names of the C(KafkaUser) objects of users declared with C(state=absent).
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.specweave.kafka.plugins.module_utils.strimzi import StrimziError, render


def strimzi_resources(settings, secrets=True):
    if not isinstance(settings, dict):
        raise AnsibleFilterError("strimzi_resources: expects a dictionary of settings, got %r"
                                 % type(settings).__name__)
    try:
        return render(settings, secrets=bool(secrets))
    except StrimziError as exc:
        raise AnsibleFilterError("strimzi_resources: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"strimzi_resources": strimzi_resources}
