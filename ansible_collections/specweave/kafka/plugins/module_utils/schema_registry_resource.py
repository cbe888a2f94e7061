# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The declarations of the Schema Registry modules on the runner.

``SchemaRegistryResource`` (module ``schema_registry``): the subjects' desired states are checked
and their payloads built before anything is read; the current state of each subject is read on a
few threads; the plan is the per-subject result and diff; ``verify`` asks the registry whether
every new schema is compatible under the levels in force (in check mode too) and refuses the
whole task otherwise; ``apply`` sets the global and subject levels, checks again under the new
levels (putting the old levels back when a schema would be refused), then deletes and registers.

``SchemaRegistryInfoResource`` (module ``schema_registry_info``): a read, nothing to change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.specweave.kafka.plugins.module_utils.batch_options import (
    ItemSpec,
    check_items,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry import (
    COMPATIBILITY_LEVELS,
    SCHEMA_TYPES,
    UNSET_COMPATIBILITY,
    build_payload,
    compatibility_change,
    incompatibility_message,
    is_apicurio,
    load_schema_text,
    normalize_references,
    plan_delete,
    registry_step,
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

# The result keys copied to the top level when the task names one ``subject``.
SINGLE_SUBJECT_KEYS = ("subject", "version", "id", "schema_type", "compatibility")


class SubjectPlan(object):
    """Desired vs current for one subject (the payload is built, and checked, on creation)."""

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
        if self.state == "present":
            refs = normalize_references(item.get("references"), self.subject)
            self.payload = build_payload(load_schema_text(item), item.get("schema_type"), refs)


class Task(object):
    """What one task manages: the subjects' plans and the global level (wanted and before)."""

    def __init__(self, subjects, global_compatibility=None, single=False):
        self.subjects = subjects
        self.global_compatibility = global_compatibility
        self.global_before = None
        self.single = single

    @property
    def global_change(self):
        return bool(self.global_compatibility) and self.global_compatibility != self.global_before

    def names(self):
        return [plan.subject for plan in self.subjects]


# -- reads ----------------------------------------------------------------------------------

def read_subjects(ctx, client, plans):
    """Fill every plan with what the registry holds (the reads run on a few threads)."""
    apicurio_none = any(p.item.get("compatibility") == "NONE" for p in plans) and is_apicurio(client.url)
    global_level = client.global_compatibility() if apicurio_none else None
    for plan in plans:
        if plan.item.get("compatibility") == "NONE" and apicurio_none and global_level != "NONE":
            ctx.warn("subject %s: Apicurio Registry cannot store compatibility NONE for a "
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
        return
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        for future in [pool.submit(read_current, client, plan, apicurio_none) for plan in to_read]:
            future.result()
    finally:
        pool.shutdown(wait=True)


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


def check_compatible(ctx, client, plans, only_unchanged_level=True):
    """Ask the registry about every schema to be registered; return all incompatibilities."""
    problems = []
    warnings = []
    for plan in plans:
        if not plan.register or not plan.exists:
            continue
        if only_unchanged_level and plan.compat_action:
            if ctx.check_mode:
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
        ctx.warn(warning)
    return problems


# -- results --------------------------------------------------------------------------------

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


def outcome(task):
    """(changed, result without ``changed``, diff) of ``task`` as its plans stand."""
    changed = False
    result = {"subjects": []}
    diff = {"before": {}, "after": {}}
    if task.global_change:
        diff["before"]["global_compatibility"] = task.global_before
        diff["after"]["global_compatibility"] = task.global_compatibility
    for plan in task.subjects:
        entry = subject_result(plan)
        result["subjects"].append(entry)
        changed = changed or entry["changed"]
        if entry["changed"]:
            before, after = diff_entry(plan, plan.existing if plan.register else None)
            diff["before"][plan.subject] = before
            diff["after"][plan.subject] = after
    if task.global_compatibility:
        result["global_compatibility"] = task.global_compatibility
        changed = changed or task.global_change
    if task.single and result["subjects"]:
        first = result["subjects"][0]
        for key in SINGLE_SUBJECT_KEYS:
            if key in first:
                result[key] = first[key]
    return changed, result, diff


# -- changes --------------------------------------------------------------------------------

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


def apply_subject(client, plan):
    """Delete or register one subject; record what the registry registered in ``existing``."""
    if plan.state == "absent":
        for kind in plan.deletes:
            client.delete_subject(plan.subject, permanent=(kind == "permanent"))
        return
    if not plan.register:
        return
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


class SchemaRegistryResource(Resource):
    """Module ``schema_registry``: subjects (schemas, levels, deletions) and the global level."""

    def desired(self, ctx):
        params = ctx.params
        if params["subjects"] is not None:
            checked, problems = check_items(params["subjects"], SUBJECT_OPTIONS, "subjects")
            if problems:
                raise InvalidInput("Invalid subjects, nothing was changed: %s"
                                   % "; ".join(problems[:20]), problems=problems)
            params = dict(params, subjects=checked)
        try:
            plans = [SubjectPlan(item) for item in subject_items(params, SUBJECT_KEYS)]
        except ValueError as exc:
            raise InvalidInput(str(exc))
        return Task(plans, params["global_compatibility"], single=bool(params["subject"]))

    def read(self, ctx, desired):
        client = ctx.client
        with registry_step(ctx, "Read the global compatibility"):
            if desired.global_compatibility:
                desired.global_before = client.global_compatibility()
        with registry_step(ctx, "Read the subjects"):
            read_subjects(ctx, client, desired.subjects)
        return desired

    def plan(self, ctx, desired, current):
        changed, result, diff = outcome(current)
        return Plan(changed, result, diff, data=current)

    def verify(self, ctx, plan, failures):
        task = plan.data
        with registry_step(ctx, "Check compatibility"):
            problems = check_compatible(ctx, ctx.client, task.subjects)
        if problems:
            raise ModuleFailure(" ".join(problems), subjects=task.names())

    def apply(self, ctx, plan, failures):
        task = plan.data
        try:
            self._apply(ctx, task)
        except ModuleFailure:
            # a failed apply reports what it says, not the planned result (as it always did)
            plan.result, plan.diff = {}, None
            raise
        dummy, plan.result, plan.diff = outcome(task)

    @staticmethod
    def _apply(ctx, task):
        client = ctx.client
        with registry_step(ctx, "Set the global compatibility"):
            if task.global_change:
                client.set_global_compatibility(task.global_compatibility)
        with registry_step(ctx, "Set the subjects' compatibility"):
            apply_compatibility(client, task.subjects)
        with registry_step(ctx, "Check compatibility under the new levels"):
            problems = check_compatible(ctx, client, [p for p in task.subjects if p.compat_action],
                                        only_unchanged_level=False)
            if problems:
                restore_compatibility(client, task.subjects)
                raise ModuleFailure(" ".join(problems) + " The compatibility levels were put back.",
                                    subjects=task.names())
        done = []
        for plan in task.subjects:
            with registry_step(ctx, "Apply subject %s" % plan.subject, prefix="subject %s: " % plan.subject,
                               applied_subjects=done):
                apply_subject(client, plan)
            done.append(plan.subject)


# -- schema_registry_info -------------------------------------------------------------------

def matches(subject, patterns):
    return not patterns or any(fnmatch.fnmatchcase(subject, p) for p in patterns)


def collect_info(client, params):
    """The registry's global level and the matching subjects with their versions."""
    deleted = params["include_deleted"]
    global_level = client.global_compatibility()
    names = sorted(s for s in client.subjects(deleted=deleted) if matches(s, params["subjects"]))
    out = []
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
    return {"global_compatibility": global_level, "subjects": out}


class SchemaRegistryInfoResource(Resource):
    """Module ``schema_registry_info``: read-only."""

    def read(self, ctx, desired):
        with registry_step(ctx, "Read the registry"):
            return collect_info(ctx.client, ctx.params)

    def plan(self, ctx, desired, current):
        return Plan(False, result=current)
