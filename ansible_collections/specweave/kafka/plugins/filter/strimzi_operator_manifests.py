# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: strimzi_operator_manifests
short_description: Point Strimzi's release manifests at a namespace and its watched namespaces
version_added: 1.0.0
description:
  - Takes the documents of Strimzi's release manifest (C(strimzi-cluster-operator-<version>.yaml))
    and returns them ready to apply for an operator running in O(namespace).
  - Namespaced objects are placed in O(namespace), the service account subjects of the role
    bindings too, and the operator Deployment's C(STRIMZI_NAMESPACE) lists O(watch_namespaces)
    (its own namespace when empty, V(*) for every namespace).
options:
  _input:
    description: The manifest's documents (for example from C(from_yaml_all)).
    type: list
    elements: dict
    required: true
  namespace:
    description: Namespace the operator runs in.
    type: str
    required: true
  watch_namespaces:
    description: Namespaces the operator watches; empty means its own.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: The operator in "strimzi", watching "kafka" and "kafka-dev"
  ansible.builtin.set_fact:
    operator_docs: >-
      {{ lookup('ansible.builtin.file', 'strimzi-cluster-operator.yaml') | ansible.builtin.from_yaml_all
         | list | specweave.kafka.strimzi_operator_manifests('strimzi', ['kafka', 'kafka-dev']) }}
"""

RETURN = r"""
_value:
  description: The documents, changed copies.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.specweave.kafka.plugins.module_utils.strimzi import operator_manifests


def strimzi_operator_manifests(documents, namespace, watch_namespaces=None):
    if not isinstance(documents, list):
        raise AnsibleFilterError("strimzi_operator_manifests: expects a list of documents, got %r"
                                 % type(documents).__name__)
    if not namespace:
        raise AnsibleFilterError("strimzi_operator_manifests: namespace is required")
    return operator_manifests(documents, namespace, watch_namespaces)


class FilterModule(object):
    def filters(self):
        return {"strimzi_operator_manifests": strimzi_operator_manifests}
