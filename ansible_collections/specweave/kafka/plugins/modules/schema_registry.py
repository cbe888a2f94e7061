#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: schema_registry
short_description: Manage schemas and compatibility in a Confluent compatible Schema Registry
version_added: 1.0.0
description:
  - Registers Avro, Protobuf and JSON schemas under subjects, sets the compatibility level of
    subjects and the global default, and deletes subjects (soft or permanent).
  - Works through the Confluent Schema Registry REST API, so it serves Confluent Platform,
    Confluent Cloud, Karapace, Redpanda and Apicurio Registry alike.
  - Idempotent by the registry's own comparison, never by string equality. The schema is looked
    up under the subject (C(POST /subjects/{subject})); when that finds nothing it is looked up
    again with normalization, so an equivalent but reformatted schema reports unchanged and
    creates no version.
  - Before anything is changed, every new schema of an existing subject is checked with
    C(POST /compatibility/subjects/{subject}/versions/latest?verbose=true). An incompatible schema
    fails the task with the registry's list of incompatibilities and nothing is registered.
  - When both the compatibility level and the schema of a subject change, the level is applied
    first, then the schema is checked again under the new level and registered. If that check
    fails, the level is put back.
options:
  subject:
    description:
      - The subject to manage, usually C(<topic>-value) or C(<topic>-key).
      - Use O(subjects) to manage many subjects in one task.
    type: str
  subjects:
    description:
      - Many subjects in one task. Each entry takes the per-subject options below; options not
        set in an entry are taken from the top-level options of the same name.
    type: list
    elements: dict
    suboptions:
      subject:
        description: The subject.
        type: str
        required: true
      schema:
        description: As the top-level O(schema).
        type: raw
      schema_file:
        description: As the top-level O(schema_file).
        type: path
      schema_type:
        description: As the top-level O(schema_type).
        type: str
        choices: [AVRO, PROTOBUF, JSON]
      references:
        description: As the top-level O(references).
        type: list
        elements: dict
      normalize:
        description: As the top-level O(normalize).
        type: bool
      compatibility:
        description: As the top-level O(compatibility).
        type: str
        choices: [BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE, GLOBAL]
      state:
        description: As the top-level O(state).
        type: str
        choices: [present, absent]
      permanent:
        description: As the top-level O(permanent).
        type: bool
  schema:
    description:
      - The schema, as a string (Avro or JSON Schema JSON text, Protobuf C(.proto) text) or, for
        Avro and JSON Schema, as a YAML/JSON mapping.
      - Mutually exclusive with O(schema_file). One of them is needed with O(state=present).
    type: raw
  schema_file:
    description:
      - Path of a file holding the schema, on the host that runs the module.
    type: path
  schema_type:
    description: The schema's type.
    type: str
    choices: [AVRO, PROTOBUF, JSON]
    default: AVRO
  references:
    description:
      - Schemas this schema imports (Protobuf C(import), Avro named types, JSON Schema C($ref)).
      - Each entry has C(name) (the import name, for example C(address.proto) or the Avro full
        name), C(subject) and C(version) (a number, or V(-1) for the latest).
    type: list
    elements: dict
  normalize:
    description:
      - Ask the registry to normalize the schema when registering it, so that equivalent schemas
        are stored as one version.
    type: bool
    default: false
  compatibility:
    description:
      - Compatibility level of the subject.
      - V(GLOBAL) removes the subject-level setting so the subject follows the global default.
      - Not set leaves the subject's setting alone.
    type: str
    choices: [BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE, GLOBAL]
  global_compatibility:
    description:
      - The registry-wide default compatibility level (C(PUT /config)).
    type: str
    choices: [BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE]
  state:
    description:
      - V(present) registers the schema under the subject when no equivalent version is there.
      - V(absent) deletes the subject with all its versions.
    type: str
    choices: [present, absent]
    default: present
  permanent:
    description:
      - With O(state=absent), delete the subject permanently (hard delete) after the soft delete,
        as the registry requires. A subject that is only soft-deleted is then removed for good.
    type: bool
    default: false
extends_documentation_fragment:
  - specweave.kafka.schema_registry
attributes:
  check_mode:
    support: full
    description: Asks the registry whether each new schema is compatible and reports what would be done without changing anything.
  diff_mode:
    support: full
    description: Shows the latest version and compatibility of each changed subject before and after.
  action_group:
    support: full
    description: Use C(group/specweave.kafka.schema_registry) in C(module_defaults) to set the connection once.
    membership:
      - specweave.kafka.schema_registry
author:
  - specweave.kafka developers (@specweave)
seealso:
  - module: specweave.kafka.schema_registry_info
  - name: Confluent Schema Registry API reference
    description: The REST API the module speaks.
    link: https://docs.confluent.io/platform/current/schema-registry/develop/api.html
"""

EXAMPLES = r"""
- name: Register the value schema of the orders topic
  specweave.kafka.schema_registry:
    url: https://psrc-xxxx.eu-central-1.aws.confluent.cloud
    username: "{{ sr_api_key }}"
    password: "{{ sr_api_secret }}"
    subject: orders-value
    schema_type: AVRO
    schema:
      type: record
      name: Order
      namespace: com.acme
      fields:
        - {name: id, type: long}
        - {name: note, type: ["null", string], default: null}
    compatibility: BACKWARD

- name: Many subjects in one task, Protobuf with a reference
  specweave.kafka.schema_registry:
    url: http://registry:8081
    schema_type: PROTOBUF
    subjects:
      - subject: address
        schema_file: /srv/schemas/address.proto
      - subject: customers-value
        schema_file: /srv/schemas/customer.proto
        references:
          - {name: address.proto, subject: address, version: 1}
        compatibility: FULL

- name: Registry-wide default
  specweave.kafka.schema_registry:
    url: http://registry:8081
    global_compatibility: BACKWARD_TRANSITIVE

- name: Let a subject follow the global default again
  specweave.kafka.schema_registry:
    url: http://registry:8081
    subject: orders-value
    compatibility: GLOBAL

- name: Delete a subject for good
  specweave.kafka.schema_registry:
    url: http://registry:8081
    subject: legacy-value
    state: absent
    permanent: true
"""

RETURN = r"""
subject:
  description: The subject, when O(subject) was given.
  returned: when O(subject) is set
  type: str
  sample: orders-value
version:
  description: Version of the schema under the subject (null in check mode for a schema not registered yet).
  returned: when O(subject) is set and O(state=present)
  type: int
  sample: 3
id:
  description: Global id of the schema (null in check mode for a schema not registered yet).
  returned: when O(subject) is set and O(state=present)
  type: int
  sample: 100042
schema_type:
  description: Type of the schema.
  returned: when O(subject) is set and O(state=present)
  type: str
  sample: AVRO
compatibility:
  description: Subject-level compatibility after the task; null when the subject follows the global default.
  returned: when O(subject) is set
  type: str
  sample: BACKWARD
subjects:
  description: One result per managed subject, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    subject:
      description: The subject.
      type: str
    action:
      description: What was (or in check mode would be) done, V(registered), V(unchanged), V(deleted), V(absent).
      type: str
    changed:
      description: Whether this subject changed.
      type: bool
    version:
      description: Version of the schema under the subject.
      type: int
    id:
      description: Global id of the schema.
      type: int
    schema_type:
      description: Type of the schema.
      type: str
    compatibility:
      description: Subject-level compatibility; null when the global default applies.
      type: str
    deleted_versions:
      description: Versions removed by O(state=absent).
      type: list
      elements: int
  sample:
    - {subject: orders-value, action: registered, changed: true, version: 2, id: 12, schema_type: AVRO, compatibility: BACKWARD}
global_compatibility:
  description: The global compatibility level after the task.
  returned: when O(global_compatibility) is set
  type: str
  sample: BACKWARD
diff:
  description: Per subject, the latest version and the compatibility before and after.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module
from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry import (
    COMPATIBILITY_LEVELS,
    SCHEMA_TYPES,
    UNSET_COMPATIBILITY,
    SchemaRegistryConnection,
)
from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry_resource import (
    SchemaRegistryResource,
)

# The module's own options (the connection options come from SchemaRegistryConnection).
ARGUMENT_SPEC = dict(
    subject=dict(type="str"),
    subjects=dict(type="list", elements="dict"),
    schema=dict(type="raw"),
    schema_file=dict(type="path"),
    schema_type=dict(type="str", choices=SCHEMA_TYPES, default="AVRO"),
    references=dict(type="list", elements="dict"),
    normalize=dict(type="bool", default=False),
    compatibility=dict(type="str", choices=COMPATIBILITY_LEVELS + [UNSET_COMPATIBILITY]),
    global_compatibility=dict(type="str", choices=COMPATIBILITY_LEVELS),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    permanent=dict(type="bool", default=False),
)


def main():
    run_module(SchemaRegistryResource(), ARGUMENT_SPEC, SchemaRegistryConnection(),
               supports_check_mode=True,
               mutually_exclusive=[("schema", "schema_file")],
               required_one_of=[("subject", "subjects", "global_compatibility")])


if __name__ == "__main__":
    main()
