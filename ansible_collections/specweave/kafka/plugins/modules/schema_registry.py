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

from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.specweave.kafka.plugins.module_utils.batch_options import (
    ItemSpec,
    check_items,
)
from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry import (
    COMPATIBILITY_LEVELS,
    SCHEMA_REGISTRY_MUTUALLY_EXCLUSIVE,
    SCHEMA_REGISTRY_REQUIRED_TOGETHER,
    SCHEMA_TYPES,
    UNSET_COMPATIBILITY,
    SchemaRegistryClient,
    SchemaRegistryError,
    build_payload,
    compatibility_change,
    is_apicurio,
    incompatibility_message,
    load_schema_text,
    normalize_references,
    plan_delete,
    schema_registry_argument_spec,
    schema_view,
    subject_items,
)

READ_THREADS = 4
SUBJECT_LIST_TRUSTED_BELOW = 1000

SUBJECT_KEYS = ["subject", "schema", "schema_file", "schema_type", "references", "normalize",
                "compatibility", "state", "permanent"]


# The keys of each O(subjects) item. Checked by check_items() rather than as argument_spec
# options: AnsibleModule's per-element validation of hundreds of items costs more than it should.
SUBJECT_OPTIONS = ItemSpec(dict(
    subject=dict(type="str", required=True),
    schema=dict(type="raw"),
    schema_file=dict(type="path"),
    schema_type=dict(type="str", choices=SCHEMA_TYPES),
    references=dict(type="list", elements="dict"),
    normalize=dict(type="bool"),
    compatibility=dict(type="str", choices=COMPATIBILITY_LEVELS + [UNSET_COMPATIBILITY]),
    state=dict(type="str", choices=["present", "absent"]),
    permanent=dict(type="bool"),
))


def argument_spec():
    levels = COMPATIBILITY_LEVELS + [UNSET_COMPATIBILITY]
    spec = schema_registry_argument_spec()
    spec.update(
        subject=dict(type="str"),
        subjects=dict(type="list", elements="dict"),
        schema=dict(type="raw"),
        schema_file=dict(type="path"),
        schema_type=dict(type="str", choices=SCHEMA_TYPES, default="AVRO"),
        references=dict(type="list", elements="dict"),
        normalize=dict(type="bool", default=False),
        compatibility=dict(type="str", choices=levels),
        global_compatibility=dict(type="str", choices=COMPATIBILITY_LEVELS),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        permanent=dict(type="bool", default=False),
    )
    return spec


class Plan(object):
    """Desired vs current for one subject."""

    def __init__(self, item):
        self.item = item
        self.subject = item["subject"]
        self.state = item.get("state") or "present"
        self.payload = None
        self.existing = None       # version info matching the desired schema
        self.latest = None         # latest version before the task (for the diff)
        self.register = False
        self.compat_before = None
        self.compat_action = None
        self.exists = False        # the subject has live versions
        self.never_existed = False  # no version at all, not even soft-deleted ones
        self.deletes = []
        self.deleted_versions = []
        self.result = {}


def prepare(module, client, items):
    plans = []
    for item in items:
        plan = Plan(item)
        if plan.state == "present":
            try:
                refs = normalize_references(item.get("references"), plan.subject)
                plan.payload = build_payload(load_schema_text(item), item.get("schema_type"), refs)
            except ValueError as exc:
                module.fail_json(msg=str(exc))
        plans.append(plan)

    apicurio_none = any(p.item.get("compatibility") == "NONE" for p in plans) and is_apicurio(client.url)
    global_level = client.global_compatibility() if apicurio_none else None
    for plan in plans:
        if plan.item.get("compatibility") == "NONE" and apicurio_none and global_level != "NONE":
            module.warn("subject %s: Apicurio Registry cannot store compatibility NONE for a "
                        "subject; it follows the global level (%s) instead. Set "
                        "global_compatibility: NONE or choose another level." % (plan.subject, global_level))

    # One listing (live and soft-deleted subjects) spares the reads of brand-new subjects. A
    # registry may cap the list (Apicurio: 1000), so absence only counts in a short list.
    known = None
    if any(p.state == "present" for p in plans):
        listed = client.subjects(deleted=True)
        if len(listed) < SUBJECT_LIST_TRUSTED_BELOW:
            known = set(listed)
    to_read = []
    for plan in plans:
        if known is not None and plan.state == "present" and plan.subject not in known \
                and plan.item.get("compatibility") is None:
            plan.never_existed = True
            plan.register = True
        else:
            to_read.append(plan)

    # Reads are independent per subject: run them on a few threads (registrations stay in order).
    workers = max(1, min(READ_THREADS, len(to_read)))
    if workers == 1:
        for plan in to_read:
            read_current(client, plan, apicurio_none)
    else:
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            for future in [pool.submit(read_current, client, plan, apicurio_none) for plan in to_read]:
                future.result()
        finally:
            pool.shutdown(wait=True)
    return plans


def read_current(client, plan, apicurio_none=False):
    """Everything the plan of one subject needs from the registry."""
    item = plan.item
    if item.get("compatibility") is not None:
        desired = item["compatibility"]
        if desired == "NONE" and apicurio_none:
            # Apicurio stores a subject-level NONE as "no rule": the subject follows the global level
            desired = UNSET_COMPATIBILITY
        plan.compat_before = client.subject_compatibility(plan.subject)
        plan.compat_action = compatibility_change(plan.compat_before, desired)
    if plan.state == "absent":
        live = client.versions(plan.subject)
        plan.exists = bool(live)
        soft = []
        if not live and item.get("permanent"):
            soft = client.versions(plan.subject, deleted=True)
        plan.deletes = plan_delete(plan.subject, set([plan.subject]) if live else set(),
                                   set([plan.subject]) if soft else set(), bool(item.get("permanent")))
        if live:
            plan.deleted_versions = live
            plan.latest = client.latest_version(plan.subject)
        return
    normalize = bool(item.get("normalize"))
    plan.existing, plan.exists = client.lookup_subject(plan.subject, plan.payload, normalize)
    if plan.existing is None and plan.exists and not normalize:
        plan.existing, plan.exists = client.lookup_subject(plan.subject, plan.payload, True)
    if plan.existing is None and plan.exists:
        plan.latest = client.latest_version(plan.subject)
        # Apicurio answers "schema not found" for a soft-deleted subject: it has no live version
        plan.exists = plan.latest is not None
    if not plan.exists:
        # a subject with soft-deleted versions continues their numbering
        plan.never_existed = not client.versions(plan.subject, deleted=True)
    plan.register = plan.existing is None


def check_compatible(module, client, plans, only_unchanged_level=True):
    """Ask the registry about every schema to be registered; fail with all incompatibilities."""
    problems = []
    warnings = []
    for plan in plans:
        if not plan.register or not plan.exists:
            continue
        if only_unchanged_level and plan.compat_action:
            if module.check_mode:
                warnings.append("subject %s: compatibility was checked under the current level %s; "
                                "the task also changes it to %s" % (
                                    plan.subject, plan.compat_before or "(global default)",
                                    plan.item["compatibility"]))
            else:
                continue
        ok, messages = client.check_compatibility(plan.subject, plan.payload, bool(plan.item.get("normalize")))
        if not ok:
            level = plan.compat_action[1] if plan.compat_action and not only_unchanged_level else plan.compat_before
            if level is None:
                level = client.subject_compatibility(plan.subject) or \
                    "%s (global default)" % client.global_compatibility()
            problems.append(incompatibility_message(plan.subject, level, messages))
    for warning in warnings:
        module.warn(warning)
    return problems


def subject_result(plan):
    result = {"subject": plan.subject, "changed": False}
    compat = plan.compat_before
    if plan.compat_action:
        compat = plan.compat_action[1]
        result["changed"] = True
    if plan.state == "absent":
        result["action"] = "deleted" if plan.deletes else "absent"
        result["changed"] = result["changed"] or bool(plan.deletes)
        result["deleted_versions"] = plan.deleted_versions
        result["permanent"] = "permanent" in plan.deletes
    else:
        info = plan.existing or {}
        if plan.register:
            result["action"] = "registered"
            result["changed"] = True
        else:
            result["action"] = "unchanged"
        result.update({"version": info.get("version"), "id": info.get("id"),
                       "schema_type": plan.payload.get("schemaType")})
    if plan.item.get("compatibility") is not None:
        result["compatibility"] = compat
    return result


def diff_entry(plan, after_info):
    before = {}
    after = {}
    previous = plan.latest if plan.register or plan.state == "absent" else plan.existing
    if previous:
        before["latest"] = schema_view(previous)
    if plan.item.get("compatibility") is not None:
        before["compatibility"] = plan.compat_before
        after["compatibility"] = plan.compat_action[1] if plan.compat_action else plan.compat_before
    if plan.state == "present":
        view = schema_view(after_info) if after_info else {
            "schema_type": plan.payload["schemaType"], "schema": plan.payload["schema"]}
        if plan.payload.get("references"):
            view["references"] = plan.payload["references"]
        after["latest"] = view
    return before, after


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=SCHEMA_REGISTRY_MUTUALLY_EXCLUSIVE + [("schema", "schema_file")],
        required_together=SCHEMA_REGISTRY_REQUIRED_TOGETHER,
        required_one_of=[("subject", "subjects", "global_compatibility")],
    )
    params = module.params
    if params["subjects"] is not None:
        checked, problems = check_items(params["subjects"], SUBJECT_OPTIONS, "subjects")
        if problems:
            module.fail_json(msg="Invalid subjects, nothing was changed: %s"
                             % "; ".join(problems[:20]), problems=problems)
        params = dict(params, subjects=checked)
    try:
        items = subject_items(params, SUBJECT_KEYS)
    except ValueError as exc:
        module.fail_json(msg=str(exc))

    client = SchemaRegistryClient.from_params(params)
    result = {"changed": False, "subjects": []}
    diff = {"before": {}, "after": {}}
    try:
        global_before = None
        if params["global_compatibility"]:
            global_before = client.global_compatibility()
        plans = prepare(module, client, items)

        problems = check_compatible(module, client, plans)
        if problems:
            module.fail_json(msg=" ".join(problems), subjects=[p.subject for p in plans])

        global_change = params["global_compatibility"] and params["global_compatibility"] != global_before
        if global_change:
            diff["before"]["global_compatibility"] = global_before
            diff["after"]["global_compatibility"] = params["global_compatibility"]

        if not module.check_mode:
            if global_change:
                client.set_global_compatibility(params["global_compatibility"])
            apply_compatibility(client, plans)
            problems = check_compatible(module, client, [p for p in plans if p.compat_action],
                                        only_unchanged_level=False)
            if problems:
                restore_compatibility(client, plans)
                module.fail_json(msg=" ".join(problems) + " The compatibility levels were put back.",
                                 subjects=[p.subject for p in plans])
            apply_subjects(module, client, plans)

        for plan in plans:
            entry = subject_result(plan)
            result["subjects"].append(entry)
            result["changed"] = result["changed"] or entry["changed"]
            if entry["changed"]:
                before, after = diff_entry(plan, plan.existing if plan.register else None)
                diff["before"][plan.subject] = before
                diff["after"][plan.subject] = after
        if params["global_compatibility"]:
            result["global_compatibility"] = params["global_compatibility"]
            result["changed"] = result["changed"] or bool(global_change)
    except SchemaRegistryError as exc:
        module.fail_json(msg=exc.message, status=exc.status, error_code=exc.error_code)

    if params["subject"] and result["subjects"]:
        first = result["subjects"][0]
        for key in ("subject", "version", "id", "schema_type", "compatibility"):
            if key in first:
                result[key] = first[key]
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


def apply_compatibility(client, plans):
    for plan in plans:
        if not plan.compat_action:
            continue
        if plan.compat_action[0] == "unset":
            client.delete_subject_compatibility(plan.subject)
        else:
            client.set_subject_compatibility(plan.subject, plan.compat_action[1])


def restore_compatibility(client, plans):
    for plan in plans:
        if not plan.compat_action:
            continue
        if plan.compat_before is None:
            client.delete_subject_compatibility(plan.subject)
        else:
            client.set_subject_compatibility(plan.subject, plan.compat_before)


def apply_subjects(module, client, plans):
    done = []
    for plan in plans:
        try:
            if plan.state == "absent":
                for kind in plan.deletes:
                    client.delete_subject(plan.subject, permanent=(kind == "permanent"))
            elif plan.register:
                normalize = bool(plan.item.get("normalize"))
                answer = client.register(plan.subject, plan.payload, normalize) or {}
                if plan.never_existed and answer.get("id"):
                    # a subject that never existed starts at version 1: no need to ask
                    plan.existing = {"id": answer["id"], "version": answer.get("version", 1),
                                     "schema": plan.payload["schema"],
                                     "schemaType": plan.payload["schemaType"],
                                     "references": plan.payload.get("references")}
                else:
                    # the registry's own view of what was registered: version, id
                    plan.existing = client.lookup(plan.subject, plan.payload, normalize) or \
                        client.lookup(plan.subject, plan.payload, True)
        except SchemaRegistryError as exc:
            module.fail_json(msg="subject %s: %s" % (plan.subject, exc.message), status=exc.status,
                             error_code=exc.error_code, applied_subjects=done)
        done.append(plan.subject)


if __name__ == "__main__":
    main()
