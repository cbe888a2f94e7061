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

import fnmatch

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry import (
    SCHEMA_REGISTRY_MUTUALLY_EXCLUSIVE,
    SCHEMA_REGISTRY_REQUIRED_TOGETHER,
    SchemaRegistryClient,
    SchemaRegistryError,
    schema_registry_argument_spec,
    schema_view,
)


def matches(subject, patterns):
    return not patterns or any(fnmatch.fnmatchcase(subject, p) for p in patterns)


def main():
    spec = schema_registry_argument_spec()
    spec.update(
        subjects=dict(type="list", elements="str"),
        versions=dict(type="str", choices=["latest", "all", "none"], default="latest"),
        include_deleted=dict(type="bool", default=False),
        include_compatibility=dict(type="bool", default=True),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           mutually_exclusive=SCHEMA_REGISTRY_MUTUALLY_EXCLUSIVE,
                           required_together=SCHEMA_REGISTRY_REQUIRED_TOGETHER)
    params = module.params
    client = SchemaRegistryClient.from_params(params)
    deleted = params["include_deleted"]
    out = []
    try:
        global_level = client.global_compatibility()
        names = sorted(s for s in client.subjects(deleted=deleted) if matches(s, params["subjects"]))
        for name in names:
            entry = {"subject": name, "versions": client.versions(name, deleted=deleted)}
            if params["include_compatibility"]:
                entry["compatibility"] = client.subject_compatibility(name)
            if entry["versions"] and params["versions"] == "latest":
                entry["latest"] = schema_view(client.version(name, entry["versions"][-1]))
            elif entry["versions"] and params["versions"] == "all":
                entry["schemas"] = [schema_view(client.version(name, v)) for v in entry["versions"]]
                entry["latest"] = entry["schemas"][-1]
            out.append(entry)
    except SchemaRegistryError as exc:
        module.fail_json(msg=exc.message, status=exc.status, error_code=exc.error_code)
    module.exit_json(changed=False, global_compatibility=global_level, subjects=out)


if __name__ == "__main__":
    main()
