# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The n8n_workflow and n8n_workflow_info resources on the runner.

``N8nWorkflowResource``: ``desired`` loads and validates the workflow (``workflow``, ``src`` or
``template``) and the credentials it manages; ``read`` fetches the live workflow, the
credentials and the schemas of the credential types to write; ``plan`` is a chain of small pure
planners (credentials, nodes, fields, tags, activation, the list of changes, the diff);
``apply`` writes credentials, workflow, tags and activation in that order and undoes this run's
writes when a later one fails, so nothing is left half-applied.

``N8nWorkflowInfoResource`` reads and filters workflows (nothing to apply).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import uuid

from ansible_collections.specweave.kafka.plugins.module_utils.n8n import (
    WORKFLOW_FIELDS,
    N8nError,
    assign_webhook_ids,
    carry_read_only,
    complete_credential_data,
    credential_data,
    credential_plan,
    is_published,
    normalize_workflow,
    parse_workflow,
    prepare_workflow,
    resolve_credentials,
    secret_values,
    summary,
    tag_names,
    validate_credential_specs,
    validate_workflow,
    webhook_urls,
    workflow_changes,
)
from ansible_collections.specweave.kafka.plugins.module_utils.n8n_templates import (
    TemplateError,
    render_template,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import Plan, Resource


# -- desired state ------------------------------------------------------------------------------
def load_desired(params):
    """(workflow dict, implied credentials) from workflow/src/template."""
    implied = []
    if params["template"]:
        try:
            workflow, implied = render_template(params["template"], params["template_params"])
        except TemplateError as exc:
            raise N8nError(str(exc))
    elif params["src"]:
        path = params["src"]
        if not os.path.isfile(path):
            raise N8nError("src %s does not exist on this host (the file is read where the "
                           "module runs; use workflow: with a lookup for controller files)"
                           % path)
        with open(path) as handle:
            workflow = parse_workflow(handle.read(), "src %s" % path)
    else:
        workflow = parse_workflow(params["workflow"])
    if params["template_params"] and not params["template"]:
        raise N8nError("template_params is only used with template")
    workflow = prepare_workflow(workflow, params["name"])
    if params["settings"]:
        workflow["settings"].update(params["settings"])
    problems = validate_workflow(workflow)
    if not workflow.get("name"):
        problems.append("the workflow needs a name (set name)")
    if problems:
        raise N8nError("invalid workflow: " + "; ".join(problems))
    return workflow, implied


def merged_credential_specs(implied, explicit):
    """One spec per (type, name): explicit ones over those a template implies, secrets merged."""
    specs = {}
    for spec in list(implied) + list(explicit):
        key = (spec.get("type") or "kafka", spec.get("name"))
        data = dict(spec.get("data") or {})
        data.update(spec.get("secret_data") or {})
        specs[key] = dict(name=spec.get("name"), type=key[0],
                          data=credential_data(key[0], data))
    return list(specs.values())


# -- reading ------------------------------------------------------------------------------------
def find_current(client, params):
    """The live workflow named by ``id`` or ``name`` (None when there is none)."""
    if params["id"]:
        current = client.get_workflow(params["id"], missing_ok=True)
        if current is None and params["state"] == "present" and not params["name"]:
            raise N8nError("workflow id %s does not exist; give a name to create a new workflow"
                           % params["id"])
        return current
    matches = client.find_workflows(params["name"])
    if len(matches) > 1:
        raise N8nError("%d workflows are named %r (ids %s); pass id to choose one"
                       % (len(matches), params["name"],
                          ", ".join(str(m.get("id")) for m in matches)))
    if not matches:
        return None
    return client.get_workflow(matches[0]["id"])


def needs_credentials(desired):
    """Whether the credentials of n8n must be listed (managed ones, or node references)."""
    return bool(desired["specs"]) or any(node.get("credentials")
                                         for node in desired["workflow"]["nodes"])


def types_to_write(cred_items):
    """Credential types whose schema is needed: those of credentials created or updated."""
    types = []
    for item in cred_items:
        if item["action"] != "none" and item["type"] not in types:
            types.append(item["type"])
    return types


# -- planners (pure) ----------------------------------------------------------------------------
def plan_credentials(specs, existing, update_secrets, schemas):
    """(items, specs by (type, name), known ids by (type, name)).

    ``items`` say what happens to each managed credential (``credential_plan``); the specs of
    those written get the switches their type's schema needs; ``known`` maps every credential
    of n8n, and the managed ones, to its id (None for one still to create).
    """
    items = credential_plan(specs, existing, update_secrets)
    by_key = dict(((spec["type"], spec["name"]), dict(spec)) for spec in specs)
    for item in items:
        if item["action"] != "none":
            spec = by_key[(item["type"], item["name"])]
            spec["data"] = complete_credential_data(spec["data"], schemas.get(item["type"]))
    known = {}
    for cred in existing:
        known.setdefault((cred.get("type"), cred.get("name")), cred.get("id"))
    for item in items:
        known[(item["type"], item["name"])] = item["id"]
    return items, by_key, known


def plan_nodes(nodes, known, current_nodes, new_id):
    """The desired nodes with credential ids resolved and the live nodes' read-only ids.

    A credential still to be created has the id None (check mode cannot know it), which still
    differs from any live reference, as the real run's does.
    """
    resolved, problems = resolve_credentials(nodes, known)
    if problems:
        raise N8nError("invalid workflow: " + "; ".join(problems))
    return assign_webhook_ids(carry_read_only(resolved, current_nodes), new_id)


def plan_tags(wanted, current):
    """(tag names after the task, whether they are written). ``wanted`` None keeps them."""
    if wanted is None:
        return (tag_names(current) if current else []), False
    names = sorted(set(wanted))
    if current is None:
        return names, bool(names)
    return names, tag_names(current) != names


def plan_activation(active, current, fields):
    """(active after the task, activate, deactivate).

    An active workflow that is updated is re-published by n8n; one whose published version is
    not the latest (edited in the editor) is published again.
    """
    live_active = bool(current and current.get("active"))
    want = live_active if active is None else active
    activate = want and (current is None or not is_published(current)) and not (
        live_active and bool(fields))
    deactivate = (not want) and live_active
    return want, activate, deactivate


def change_list(cred_items, created, fields, tags, activation):
    """The ``changes`` of the result, in the order they are applied."""
    want_tags, tags_change = tags
    _want, activate, deactivate = activation
    changes = ["credential %s %sd" % (item["name"], item["action"])
               for item in cred_items if item["action"] != "none"]
    if created:
        changes.append("created")
    elif fields:
        changes.append("updated " + ", ".join(fields))
    if tags_change:
        changes.append("tags set to %s" % (", ".join(want_tags) or "none"))
    if activate:
        changes.append("activated")
    if deactivate:
        changes.append("deactivated")
    return changes


def credential_report(cred_items):
    return [dict(name=i["name"], type=i["type"], action=i["action"], id=i["id"])
            for i in cred_items]


def plan_diff(before, after, cred_items, managed):
    """``before``/``after``; with managed credentials, their names too (never their data)."""
    diff = dict(before=before, after=after)
    if managed:
        diff["before"] = dict(before, credentials=sorted(
            "%s (%s)" % (i["name"], i["type"]) for i in cred_items if i["action"] != "create"))
        diff["after"] = dict(after, credentials=sorted(
            "%s (%s)" % (i["name"], i["type"]) for i in cred_items))
    return diff


def plan_absent(current):
    """The plan of ``state: absent``: delete (deactivating first) or nothing."""
    if current is None:
        return Plan(False, dict(workflow={}, workflow_id=None, changes=[], credentials=[],
                                diff=dict(before={}, after={})))
    diff = dict(before=summary(current), after={})
    return Plan(True, dict(workflow={}, workflow_id=None, changes=["deleted"], credentials=[],
                           diff=diff), diff=diff, data=dict(delete=current))


def plan_present(params, desired, current, new_id, url):
    """The plan of ``state: present`` from the desired workflow and the live state."""
    workflow = current["workflow"]
    cred_items, specs, known = plan_credentials(
        desired["specs"], current["credentials"], params["update_secrets"], current["schemas"])
    wanted = dict(desired["workflow"])
    wanted["nodes"] = plan_nodes(wanted["nodes"], known, (workflow or {}).get("nodes"), new_id)
    settings_keys = set(wanted["settings"])
    want = normalize_workflow(wanted, settings_keys)
    fields = workflow_changes(normalize_workflow(workflow, settings_keys), want) if workflow \
        else ["created"]
    tags = plan_tags(params["tags"], workflow)
    activation = plan_activation(params["active"], workflow, fields)
    changes = change_list(cred_items, workflow is None, fields, tags, activation)

    before = summary(workflow, settings_keys) if workflow else {}
    after = dict(want, id=(workflow or {}).get("id"), active=activation[0], tags=tags[0])
    diff = plan_diff(before, after, cred_items, bool(params["credentials"] or desired["implied"]))
    result = dict(changes=changes, credentials=credential_report(cred_items), diff=diff,
                  workflow=after if changes else (before or after), workflow_id=after["id"],
                  webhook_urls=webhook_urls(wanted, url))
    data = dict(workflow=wanted, current=workflow, cred_items=cred_items, specs=specs,
                known=known, fields=fields, tags=tags,
                activation=activation, settings_keys=settings_keys)
    return Plan(bool(changes), result, diff=diff, data=data)


# -- applying -----------------------------------------------------------------------------------
class Applied(object):
    """What this run has written so far: what ``undo`` takes back."""

    def __init__(self, current):
        self.current = current
        self.workflow_id = None
        self.created_workflow = False
        self.updated_workflow = False
        self.deactivated = False
        self.tags_set = False
        self.created_credentials = []
        self.updated_credentials = 0


def write_credentials(client, data, applied):
    """Create or update the managed credentials (first: the nodes need their ids)."""
    for item in data["cred_items"]:
        spec = data["specs"][(item["type"], item["name"])]
        if item["action"] == "create":
            made = client.create_credential(spec["name"], spec["type"], spec["data"])
            item["id"] = made.get("id")
            data["known"][(item["type"], item["name"])] = item["id"]
            applied.created_credentials.append(item["id"])
        elif item["action"] == "update":
            client.update_credential(item["id"], spec["name"], spec["type"], spec["data"])
            applied.updated_credentials += 1


def write_workflow(client, data, applied):
    """Create the workflow, or deactivate and update it; return its id."""
    wanted, current = data["workflow"], data["current"]
    body = dict((key, wanted[key]) for key in WORKFLOW_FIELDS)
    body["nodes"] = resolve_credentials(body["nodes"], data["known"])[0]
    if current is None:
        body["settings"] = dict(wanted["settings"])
        applied.workflow_id = client.create_workflow(body)["id"]
        applied.created_workflow = True
        return applied.workflow_id
    applied.workflow_id = current["id"]
    if data["activation"][2]:  # before the update, which would re-publish an active workflow
        client.deactivate(current["id"], wanted["name"])
        applied.deactivated = True
    if data["fields"]:
        settings = dict(current.get("settings") or {})
        settings.update(wanted["settings"])
        body["settings"] = settings
        client.update_workflow(current["id"], body)
        applied.updated_workflow = True
    return current["id"]


def set_tags(client, workflow_id, names):
    """Give the workflow exactly these tags, creating the missing ones."""
    existing = dict((t.get("name"), t.get("id")) for t in client.list_tags())
    ids = []
    for name in names:
        if name not in existing:
            existing[name] = client.create_tag(name)["id"]
        ids.append(existing[name])
    client.set_workflow_tags(workflow_id, ids)


def undo(client, applied):
    """Take back this run's writes; return (what was done as a note, whether all was undone).

    A created workflow is deleted; an updated one gets its previous definition, tags and
    activation back; credentials created by the run are deleted. Credential updates cannot be
    taken back (n8n never returns the previous secrets).
    """
    notes = []
    current = applied.current
    try:
        if applied.created_workflow:
            client.delete_workflow(applied.workflow_id)
            notes.append("the workflow created by this task was removed again")
        else:
            if applied.updated_workflow:
                body = dict((key, current.get(key)) for key in WORKFLOW_FIELDS)
                client.update_workflow(current["id"], body)
                notes.append("the workflow's previous definition was restored")
            if applied.tags_set:
                client.set_workflow_tags(current["id"], [t.get("id") for t in
                                                         current.get("tags") or []])
                notes.append("its previous tags were restored")
            if applied.deactivated:
                client.activate(current["id"], current.get("name"))
                notes.append("it was activated again")
        for cred_id in applied.created_credentials:
            client.delete_credential(cred_id)
        if applied.created_credentials:
            notes.append("credentials created by this task were removed again")
    except N8nError as exc:
        notes.append("undoing the partial change failed too: %s" % exc.msg)
        return "; ".join(notes), False
    return "; ".join(notes), True


def apply_present(client, data):
    """Write credentials, workflow, tags and activation; undo this run's writes on failure.

    Returns the id of the workflow. A failure's result says ``changed`` only when something
    this run wrote remains (an undo that failed too, or updated credentials).
    """
    applied = Applied(data["current"])
    want_tags, tags_change = data["tags"]
    try:
        write_credentials(client, data, applied)
        workflow_id = write_workflow(client, data, applied)
        if tags_change:
            set_tags(client, workflow_id, want_tags)
            applied.tags_set = True
        if data["activation"][1]:
            client.activate(workflow_id, data["workflow"]["name"])
    except N8nError as exc:
        undone, complete = undo(client, applied)
        if undone:
            exc.msg = "%s (%s)" % (exc.msg, undone)
        exc.result["changed"] = not complete or bool(applied.updated_credentials)
        raise exc
    return workflow_id


# -- the resources ------------------------------------------------------------------------------
class N8nWorkflowResource(Resource):
    """n8n_workflow: one workflow, its credentials, tags and activation."""

    service = "n8n"

    def __init__(self, new_id=None):
        self.new_id = new_id or (lambda: str(uuid.uuid4()))

    def desired(self, ctx):
        params = ctx.params
        for cred in params["credentials"]:
            for value in secret_values(cred.get("data")):
                ctx.module.no_log_values.add(value)
        if params["state"] == "absent":
            return None
        workflow, implied = load_desired(params)
        specs = merged_credential_specs(implied, params["credentials"])
        problems = validate_credential_specs(specs)
        if problems:
            raise N8nError("invalid credentials: " + "; ".join(problems))
        return dict(workflow=workflow, implied=implied, specs=specs)

    def read(self, ctx, desired):
        with ctx.step("Reading the workflow"):
            workflow = find_current(ctx.client, ctx.params)
        if desired is None:
            return dict(workflow=workflow)
        existing, schemas = [], {}
        if needs_credentials(desired):
            with ctx.step("Listing credentials"):
                existing = ctx.client.list_credentials()
            items = credential_plan(desired["specs"], existing, ctx.params["update_secrets"])
            with ctx.step("Reading credential schemas"):
                for cred_type in types_to_write(items):
                    schemas[cred_type] = ctx.client.credential_schema(cred_type)
        return dict(workflow=workflow, credentials=existing, schemas=schemas)

    def plan(self, ctx, desired, current):
        if desired is None:
            return plan_absent(current["workflow"])
        return plan_present(ctx.params, desired, current, self.new_id, ctx.client.url)

    def apply(self, ctx, plan, failures):
        client = ctx.client
        if "delete" in plan.data:
            workflow = plan.data["delete"]
            with ctx.step("Deleting the workflow"):
                if workflow.get("active"):
                    client.deactivate(workflow["id"], workflow.get("name"))
                client.delete_workflow(workflow["id"])
            return
        data = plan.data
        with ctx.step("Writing the workflow"):
            workflow_id = apply_present(client, data)
        with ctx.step("Reading the workflow back"):
            final = client.get_workflow(workflow_id)
        result = plan.result
        result["workflow"] = summary(final, data["settings_keys"])
        result["workflow_id"] = final.get("id")
        result["diff"]["after"] = dict(result["diff"]["after"], id=final.get("id"))
        result["credentials"] = credential_report(data["cred_items"])


def select_workflows(workflows, name=None, active=None, tags=None):
    """The workflows with exactly ``name``, this activation and all these tags."""
    wanted_tags = set(tags or [])
    return [wf for wf in workflows
            if (not name or wf.get("name") == name)
            and (active is None or bool(wf.get("active")) == active)
            and wanted_tags.issubset(tag_names(wf))]


def describe_workflow(workflow, details, url):
    """One item of n8n_workflow_info's ``workflows``."""
    if details:
        item = summary(workflow)
        item["webhook_urls"] = webhook_urls(workflow, url)
    else:
        item = dict(id=workflow.get("id"), name=workflow.get("name"),
                    active=bool(workflow.get("active")), tags=tag_names(workflow))
    item["updated_at"] = workflow.get("updatedAt")
    return item


class N8nWorkflowInfoResource(Resource):
    """n8n_workflow_info: read only."""

    service = "n8n"

    def read(self, ctx, desired):
        client, params = ctx.client, ctx.params
        with ctx.step("Reading workflows"):
            if params["id"]:
                found = client.get_workflow(params["id"], missing_ok=True)
                workflows = [found] if found else []
            elif params["name"]:
                workflows = client.find_workflows(params["name"])
            else:
                workflows = client.list_workflows()
            if params["details"] and not params["id"]:
                workflows = [client.get_workflow(wf["id"]) if "nodes" not in wf else wf
                             for wf in workflows]
        return workflows

    def plan(self, ctx, desired, current):
        params = ctx.params
        selected = [describe_workflow(wf, params["details"], ctx.client.url)
                    for wf in select_workflows(current, params["name"], params["active"],
                                               params["tags"])]
        selected.sort(key=lambda w: (w.get("name") or "", w.get("id") or ""))
        return Plan(False, dict(workflows=selected))
