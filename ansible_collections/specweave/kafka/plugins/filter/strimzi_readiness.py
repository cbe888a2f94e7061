# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: strimzi_readiness
short_description: What the Strimzi operator reports as ready, in progress or failed
version_added: 1.0.0
description:
  - Reads the C(status.conditions) and C(status.observedGeneration) that the Strimzi operator
    writes on C(Kafka), C(KafkaNodePool), C(KafkaTopic) and C(KafkaUser) objects (as returned by
    C(kubernetes.core.k8s_info)).
  - A resource is ready when the operator has seen its current generation and reports
    C(Ready=True); failed when it reports C(Ready=False) or C(NotReady=True) with a reason other
    than creating or updating; otherwise in progress.
options:
  _input:
    description: The resources, as read back from the API server.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Wait until the operator has reconciled every topic, or one failed
  kubernetes.core.k8s_info:
    api_version: kafka.strimzi.io/v1
    kind: KafkaTopic
    namespace: kafka
    label_selector: app.kubernetes.io/managed-by=specweave-kafka
  register: topics
  until: (topics.resources | specweave.kafka.strimzi_readiness).done
         or (topics.resources | specweave.kafka.strimzi_readiness).failed | length > 0
  retries: 60
  delay: 5
"""

RETURN = r"""
_value:
  description: The verdict.
  type: dict
  contains:
    done:
      description: Nothing is in progress any more.
      type: bool
    ready:
      description: Names of the ready resources.
      type: list
      elements: str
    progress:
      description: Resources still in progress, each with C(kind), C(name), C(reason), C(message) and
        C(text), the three as one line.
      type: list
      elements: dict
    failed:
      description: Resources the operator failed on, each with C(kind), C(name), C(reason), the
        operator's C(message) and C(text), the three as one line.
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.specweave.kafka.plugins.module_utils.strimzi import readiness


def strimzi_readiness(resources):
    if not isinstance(resources, list):
        raise AnsibleFilterError("strimzi_readiness: expects the list of resources of "
                                 "kubernetes.core.k8s_info, got %r" % type(resources).__name__)
    return readiness(resources)


class FilterModule(object):
    def filters(self):
        return {"strimzi_readiness": strimzi_readiness}
