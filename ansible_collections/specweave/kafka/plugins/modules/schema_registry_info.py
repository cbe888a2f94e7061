#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: schema_registry_info
short_description: Read subjects, versions, schemas and compatibility from a Confluent compatible Schema Registry
version_added: 1.0.0
description:
  - Lists subjects with their versions, latest schema and compatibility level, and the global
    compatibility level, through the Confluent Schema Registry REST API.
options:
  subjects:
    description:
      - Only subjects matching one of these shell-style patterns (for example V(orders-*)).
      - Not set lists every subject.
    type: list
    elements: str
  versions:
    description:
      - Which versions to return in full with their schema. V(latest) only the latest, V(all)
        every version, V(none) only the list of version numbers.
    type: str
    choices: [latest, all, none]
    default: latest
  include_deleted:
    description: Include soft-deleted subjects and versions.
    type: bool
    default: false
  include_compatibility:
    description: Read the subject-level compatibility of every listed subject (one request each).
    type: bool
    default: true
extends_documentation_fragment:
  - specweave.kafka.schema_registry
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Returns no diff.
  action_group:
    support: full
    description: Use C(group/specweave.kafka.schema_registry) in C(module_defaults) to set the connection once.
    membership:
      - specweave.kafka.schema_registry
author:
  - specweave.kafka developers (@specweave)
seealso:
  - module: specweave.kafka.schema_registry
"""

EXAMPLES = r"""
- name: Everything about the orders subjects
  specweave.kafka.schema_registry_info:
    url: http://registry:8081
    subjects: ["orders-*"]
  register: __sr

- name: Only names and version numbers of every subject
  specweave.kafka.schema_registry_info:
    url: http://registry:8081
    versions: none
    include_compatibility: false
"""

RETURN = r"""
global_compatibility:
  description: The registry-wide default compatibility level.
  returned: always
  type: str
  sample: BACKWARD
subjects:
  description: The matching subjects, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    subject:
      description: The subject.
      type: str
    versions:
      description: The version numbers.
      type: list
      elements: int
    compatibility:
      description: Subject-level compatibility; null when the global default applies.
      type: str
    latest:
      description: The latest version (C(version), C(id), C(schema_type), C(schema), C(references)).
      type: dict
    schemas:
      description: Every version in full, with O(versions=all).
      type: list
      elements: dict
  sample:
    - subject: orders-value
      versions: [1, 2]
      compatibility: BACKWARD
      latest: {version: 2, id: 7, schema_type: AVRO, schema: '{"type":"string"}'}
"""

from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module
from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry import (
    SchemaRegistryConnection,
)
from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry_resource import (
    SchemaRegistryInfoResource,
)

# The module's own options (the connection options come from SchemaRegistryConnection).
ARGUMENT_SPEC = dict(
    subjects=dict(type="list", elements="str"),
    versions=dict(type="str", choices=["latest", "all", "none"], default="latest"),
    include_deleted=dict(type="bool", default=False),
    include_compatibility=dict(type="bool", default=True),
)


def main():
    run_module(SchemaRegistryInfoResource(), ARGUMENT_SPEC, SchemaRegistryConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
