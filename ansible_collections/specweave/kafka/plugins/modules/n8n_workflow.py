#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: n8n_workflow
short_description: Manage n8n workflows, their credentials, tags and activation
version_added: 1.0.0
description:
  - Creates, updates, activates, deactivates and deletes a workflow in n8n through its public
    API (C(/api/v1)), identified by name (or id).
  - The workflow comes from a dict or JSON string (O(workflow)), a JSON file on the host that
    runs the module (O(src)), or one of the collection's templates (O(template) with
    O(template_params)), one of C(kafka-to-webhook), C(kafka-to-database), C(kafka-to-slack),
    C(webhook-to-kafka) and C(kafka-ai-agent-action).
  - Idempotent. The live workflow is compared with the desired one on its nodes, connections,
    settings, name, tags and activation; read-only fields (ids, timestamps, versionId,
    webhookId) are ignored. An unchanged workflow is not written at all.
  - Credentials the nodes need (Kafka brokers, PostgreSQL, ...) can be created by name in the
    same task (O(credentials)); nodes reference credentials by name and the module fills in
    their ids. n8n never returns credential secrets, so O(update_secrets) decides whether
    existing credentials are rewritten.
  - Activation uses n8n's publish/activate endpoint; a workflow that is active is re-published
    by n8n when it is updated. If n8n refuses the activation, its reason is reported and a
    workflow created by the task is removed again (an updated one gets its previous definition
    back), so nothing is left half-applied.
author:
  - specweave.kafka developers (@specweave)
extends_documentation_fragment:
  - specweave.kafka.n8n
attributes:
  check_mode:
    support: full
    description: Reports exactly the changes a real run would make, without making them.
  diff_mode:
    support: full
    description: Shows the normalised workflow, tags, activation and managed credential names
      before and after. Credential secrets are never shown.
  action_group:
    description: Use C(group/specweave.kafka.n8n) in C(module_defaults) to set the connection
      options once.
    support: full
    membership:
      - specweave.kafka.n8n
options:
  name:
    description:
      - Name of the workflow. Identifies it when O(id) is not given; must be unique in n8n.
      - Required unless O(id) is given. Overrides a name inside O(workflow) or O(src).
    type: str
  id:
    description:
      - Id of an existing workflow. With O(id), O(name) renames the workflow.
    type: str
  state:
    description:
      - V(present) creates or updates the workflow, V(absent) deletes it (deactivating first).
    type: str
    choices: [present, absent]
    default: present
  active:
    description:
      - V(true) activates (publishes) the workflow, V(false) deactivates it.
      - When not set, a new workflow stays inactive and an existing one keeps its state.
    type: bool
  workflow:
    description:
      - The workflow as a dict or JSON string, as exported by n8n (C(nodes), C(connections),
        optional C(settings) and C(name)). Other exported fields are ignored.
      - 'A node references a credential by name, as C({"credentials": {"kafka": "my-kafka"}}) or
        C({"credentials": {"kafka": {"name": "my-kafka"}}}).'
      - Mutually exclusive with O(src) and O(template).
    type: raw
  src:
    description:
      - Path of a workflow JSON file on the host that runs the module.
    type: path
  template:
    description:
      - Name of a workflow template shipped with the collection. See the collection's
        C(docs/n8n_workflow.md) for each template's parameters and credentials.
    type: str
    choices: [kafka-to-webhook, kafka-to-database, kafka-to-slack, webhook-to-kafka,
              kafka-ai-agent-action]
  template_params:
    description:
      - Parameters of O(template), for example C(topic), C(brokers), C(webhook_url),
        C(table), C(webhook_path), C(kafka_credential). Unknown or missing ones are reported.
      - With C(brokers), the Kafka credential named by C(kafka_credential) (default C(kafka))
        is managed by the task too.
    type: dict
    default: {}
  settings:
    description:
      - Workflow settings merged over those of the workflow source (for example
        C(executionOrder), C(timezone), C(saveDataErrorExecution)). Only the settings given
        are compared; others n8n keeps as they are.
    type: dict
  tags:
    description:
      - Names of the tags the workflow has, exactly. Missing tags are created.
      - Not set leaves the tags alone; V([]) removes all of them.
    type: list
    elements: str
  credentials:
    description:
      - Credentials created by name before the workflow is written (for example the Kafka
        brokers of the Kafka nodes).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Credential name, as referenced by the nodes.
        type: str
        required: true
      type:
        description:
          - n8n credential type, for example V(kafka), V(postgres), V(slackApi),
            V(openAiApi).
        type: str
        default: kafka
      data:
        description:
          - The credential's non-secret fields, as n8n's credential schema for
            O(credentials[].type) names them. For V(kafka) C(brokers) (list or comma
            separated), C(clientId), C(ssl), C(authentication), C(username),
            C(saslMechanism).
          - Values of keys that look like secrets (C(password), C(apiKey), C(accessToken),
            C(token), C(secret), ...) are hidden from the output like O(credentials[].secret_data).
        type: dict
        default: {}
      secret_data:
        description:
          - The credential's secret fields (for example C(password), C(apiKey),
            C(accessToken)), merged over O(credentials[].data). Never logged or returned.
        type: dict
        default: {}
  update_secrets:
    description:
      - V(on_create) writes credential data only when the credential is created (n8n cannot
        return secrets, so they cannot be compared); the task stays idempotent.
      - V(always) rewrites the data of every listed credential on each run and so always
        reports a change.
    type: str
    choices: [always, on_create]
    default: on_create
seealso:
  - module: specweave.kafka.n8n_workflow_info
  - name: n8n public API
    description: Reference of the API this module uses.
    link: https://docs.n8n.io/api/api-reference/
"""

EXAMPLES = r"""
- name: Forward orders from Kafka to a webhook
  specweave.kafka.n8n_workflow:
    api_url: https://n8n.example.com
    api_key: "{{ vault_n8n_api_key }}"
    name: orders-to-erp
    template: kafka-to-webhook
    template_params:
      topic: orders
      brokers: [kafka1:9092, kafka2:9092]
      webhook_url: https://erp.example.com/hooks/orders
    tags: [kafka, orders]
    active: true

- name: Accept events over HTTP and produce them to Kafka
  specweave.kafka.n8n_workflow:
    name: events-in
    template: webhook-to-kafka
    template_params:
      topic: events
      webhook_path: events-in
      kafka_credential: prod-kafka
    credentials:
      - name: prod-kafka
        type: kafka
        data:
          brokers: [kafka1:9093]
          ssl: true
          authentication: true
          saslMechanism: scram-sha-512
          username: n8n
        secret_data:
          password: "{{ vault_kafka_password }}"
    active: true

- name: Store Kafka events in PostgreSQL
  specweave.kafka.n8n_workflow:
    name: events-to-db
    template: kafka-to-database
    template_params:
      topic: events
      table: public.kafka_events
      brokers: kafka1:9092
    credentials:
      - name: postgres
        type: postgres
        data: {host: db.example.com, port: 5432, database: events, user: n8n}
        secret_data: {password: "{{ vault_db_password }}"}
    active: true

- name: Deploy an exported workflow from a file on the managed host
  specweave.kafka.n8n_workflow:
    name: nightly-report
    src: /etc/n8n/workflows/nightly-report.json

- name: Remove a workflow
  specweave.kafka.n8n_workflow:
    name: orders-to-erp
    state: absent
"""

RETURN = r"""
workflow:
  description: The workflow after the task (normalised; empty after deletion).
  returned: always
  type: dict
  contains:
    id:
      description: Workflow id (V(null) in check mode for a workflow to be created).
      type: str
    name:
      description: Workflow name.
      type: str
    active:
      description: Whether the workflow is active (published).
      type: bool
    tags:
      description: Tag names.
      type: list
      elements: str
    nodes:
      description: Nodes, without read-only fields; credentials as C({id, name}).
      type: list
      elements: dict
    connections:
      description: Connections keyed by source node name.
      type: dict
    settings:
      description: The managed settings.
      type: dict
  sample:
    id: 3mFz0aWzP1
    name: orders-to-erp
    active: true
    tags: [kafka]
    nodes: []
    connections: {}
    settings: {executionOrder: v1}
workflow_id:
  description: Id of the workflow (V(null) when it does not exist, or in check mode before creation).
  returned: always
  type: str
  sample: 3mFz0aWzP1
changes:
  description: What changed (or would change in check mode).
  returned: always
  type: list
  elements: str
  sample: [created, credential kafka created, activated]
credentials:
  description: Managed credentials and what was done with each (no secrets).
  returned: always
  type: list
  elements: dict
  sample: [{name: kafka, type: kafka, action: create, id: 7}]
webhook_urls:
  description: Production URLs of the workflow's webhook nodes.
  returned: when state is present
  type: list
  elements: str
  sample: [https://n8n.example.com/webhook/events-in]
"""

import os
import uuid

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.specweave.kafka.plugins.module_utils.n8n import (
    N8nClient,
    N8nError,
    assign_webhook_ids,
    carry_read_only,
    complete_credential_data,
    credential_data,
    credential_plan,
    is_published,
    n8n_argument_spec,
    normalize_workflow,
    parse_workflow,
    prepare_workflow,
    resolve_credentials,
    secret_values,
    summary,
    tag_names,
    validate_connection_params,
    validate_credential_specs,
    validate_workflow,
    webhook_urls,
    workflow_changes,
)
from ansible_collections.specweave.kafka.plugins.module_utils.n8n_templates import (
    TemplateError,
    render_template,
    template_names,
)


def load_desired(module):
    """(workflow dict, implied credentials) from workflow/src/template."""
    params = module.params
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


def find_current(client, params):
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


def merged_credential_specs(implied, explicit):
    specs = {}
    for spec in list(implied) + list(explicit):
        key = (spec.get("type") or "kafka", spec.get("name"))
        data = dict(spec.get("data") or {})
        data.update(spec.get("secret_data") or {})
        specs[key] = dict(name=spec.get("name"), type=key[0],
                          data=credential_data(key[0], data))
    return list(specs.values())


def run(module, client):
    params = module.params
    changes = []
    if params["state"] == "absent":
        current = find_current(client, params)
        if current is None:
            return dict(changed=False, workflow={}, workflow_id=None, changes=[],
                        credentials=[], diff=dict(before={}, after={}))
        before = summary(current)
        if not module.check_mode:
            if current.get("active"):
                client.deactivate(current["id"], current.get("name"))
            client.delete_workflow(current["id"])
        return dict(changed=True, workflow={}, workflow_id=None, changes=["deleted"],
                    credentials=[], diff=dict(before=before, after={}))

    desired, implied = load_desired(module)
    specs = merged_credential_specs(implied, params["credentials"])
    problems = validate_credential_specs(specs)
    if problems:
        raise N8nError("invalid credentials: " + "; ".join(problems))
    current = find_current(client, params)

    # Credentials: plan, then resolve node references (ids of credentials to be created are
    # unknown in check mode, which still differs from any live reference, as a real run would).
    refs_needed = any(node.get("credentials") for node in desired["nodes"])
    existing_creds = client.list_credentials() if (specs or refs_needed) else []
    plan = credential_plan(specs, existing_creds, params["update_secrets"])
    spec_by_key = dict(((spec["type"], spec["name"]), spec) for spec in specs)
    schemas = {}
    for item in plan:
        if item["action"] != "none":
            if item["type"] not in schemas:
                schemas[item["type"]] = client.credential_schema(item["type"])
            spec = spec_by_key[(item["type"], item["name"])]
            spec["data"] = complete_credential_data(spec["data"], schemas[item["type"]])
    known = {}
    for cred in existing_creds:
        known.setdefault((cred.get("type"), cred.get("name")), cred.get("id"))
    for item in plan:
        known[(item["type"], item["name"])] = item["id"]
    nodes, problems = resolve_credentials(desired["nodes"], known)
    if problems:
        raise N8nError("invalid workflow: " + "; ".join(problems))
    desired["nodes"] = assign_webhook_ids(
        carry_read_only(nodes, (current or {}).get("nodes")), lambda: str(uuid.uuid4()))

    settings_keys = set(desired["settings"])
    want = normalize_workflow(desired, settings_keys)
    have = normalize_workflow(current, settings_keys) if current else None
    fields = workflow_changes(have, want) if have else ["created"]
    want_tags = sorted(set(params["tags"])) if params["tags"] is not None else (
        tag_names(current) if current else [])
    tags_change = current is None and bool(want_tags) or (
        current is not None and params["tags"] is not None and tag_names(current) != want_tags)
    if params["active"] is None:
        want_active = bool(current and current.get("active"))
    else:
        want_active = params["active"]
    # An active workflow that is updated is re-published by n8n; one whose published version
    # is not the latest (edited in the editor) is published again.
    activate = want_active and (current is None or not is_published(current)) and not (
        current is not None and current.get("active") and fields)
    deactivate = (not want_active) and bool(current and current.get("active"))

    for item in plan:
        if item["action"] != "none":
            changes.append("credential %s %sd" % (item["name"], item["action"]))
    if current is None:
        changes.append("created")
    elif fields:
        changes.append("updated " + ", ".join(fields))
    if tags_change:
        changes.append("tags set to %s" % (", ".join(want_tags) or "none"))
    if activate:
        changes.append("activated")
    if deactivate:
        changes.append("deactivated")

    before = summary(current, settings_keys) if current else {}
    after = dict(want, id=(current or {}).get("id"), active=want_active, tags=want_tags)
    cred_report = [dict(name=i["name"], type=i["type"], action=i["action"], id=i["id"])
                   for i in plan]
    diff = dict(before=before, after=after)
    if params["credentials"] or implied:
        diff["before"] = dict(before, credentials=sorted(
            "%s (%s)" % (i["name"], i["type"]) for i in plan if i["action"] != "create"))
        diff["after"] = dict(after, credentials=sorted(
            "%s (%s)" % (i["name"], i["type"]) for i in plan))
    result = dict(changed=bool(changes), changes=changes, credentials=cred_report, diff=diff,
                  workflow=after, workflow_id=after["id"],
                  webhook_urls=webhook_urls(desired, client.url))
    if module.check_mode or not changes:
        if not changes:
            result["workflow"] = before or after
        return result

    apply_changes(client, desired, current, plan, specs, known, fields, want_tags,
                  tags_change, activate, deactivate)
    final = client.get_workflow(result["workflow_id"] or desired["_created_id"])
    result["workflow"] = summary(final, settings_keys)
    result["workflow_id"] = final.get("id")
    result["diff"]["after"] = dict(result["diff"]["after"], id=final.get("id"))
    result["credentials"] = [dict(name=i["name"], type=i["type"], action=i["action"],
                                  id=i["id"]) for i in plan]
    return result


def apply_changes(client, desired, current, plan, specs, known, fields, want_tags,
                  tags_change, activate, deactivate):
    """Write credentials, workflow, tags and activation; undo this run's writes on failure."""
    spec_by_key = dict(((s["type"], s["name"]), s) for s in specs)
    created_creds = []
    created_id = None
    try:
        # Credentials first: the nodes need their ids.
        for item in plan:
            spec = spec_by_key[(item["type"], item["name"])]
            if item["action"] == "create":
                made = client.create_credential(spec["name"], spec["type"], spec["data"])
                item["id"] = made.get("id")
                known[(item["type"], item["name"])] = item["id"]
                created_creds.append(item["id"])
            elif item["action"] == "update":
                client.update_credential(item["id"], spec["name"], spec["type"], spec["data"])
        body = dict((k, desired[k]) for k in ("name", "nodes", "connections", "settings"))
        body["nodes"] = resolve_credentials(body["nodes"], known)[0]
        if current is None:
            body["settings"] = dict(desired["settings"])
            made = client.create_workflow(body)
            created_id = made["id"]
            desired["_created_id"] = created_id
            workflow_id = created_id
        else:
            workflow_id = current["id"]
            if deactivate:  # before the update, which would re-publish an active workflow
                client.deactivate(workflow_id, desired["name"])
            if fields:
                settings = dict(current.get("settings") or {})
                settings.update(desired["settings"])
                body["settings"] = settings
                client.update_workflow(workflow_id, body)
        if tags_change:
            set_tags(client, workflow_id, want_tags)
        if activate:
            client.activate(workflow_id, desired["name"])
    except N8nError as exc:
        undone = undo(client, current, created_id, created_creds, fields)
        if undone:
            exc.msg = "%s (%s)" % (exc.msg, undone)
        raise exc


def undo(client, current, created_id, created_creds, fields):
    notes = []
    try:
        if created_id:
            client.delete_workflow(created_id)
            notes.append("the workflow created by this task was removed again")
        elif current is not None and fields:
            body = dict((k, current.get(k)) for k in ("name", "nodes", "connections",
                                                      "settings"))
            client.update_workflow(current["id"], body)
            notes.append("the workflow's previous definition was restored")
        for cred_id in created_creds:
            client.delete_credential(cred_id)
        if created_creds:
            notes.append("credentials created by this task were removed again")
    except N8nError as exc:
        notes.append("undoing the partial change failed too: %s" % exc.msg)
    return "; ".join(notes)


def set_tags(client, workflow_id, names):
    existing = dict((t.get("name"), t.get("id")) for t in client.list_tags())
    ids = []
    for name in names:
        if name not in existing:
            existing[name] = client.create_tag(name)["id"]
        ids.append(existing[name])
    client.set_workflow_tags(workflow_id, ids)


def main():
    argument_spec = n8n_argument_spec()
    argument_spec.update(
        name=dict(type="str"),
        id=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        active=dict(type="bool"),
        workflow=dict(type="raw"),
        src=dict(type="path"),
        template=dict(type="str", choices=template_names()),
        template_params=dict(type="dict", default={}),
        settings=dict(type="dict"),
        tags=dict(type="list", elements="str"),
        credentials=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            type=dict(type="str", default="kafka"),
            data=dict(type="dict", default={}),
            secret_data=dict(type="dict", default={}, no_log=True),
        )),
        update_secrets=dict(type="str", default="on_create", choices=["always", "on_create"]),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[("name", "id")],
        mutually_exclusive=[("workflow", "src", "template")],
        required_if=[("state", "present", ("workflow", "src", "template"), True)],
    )
    problems = validate_connection_params(module.params)
    if problems:
        module.fail_json(msg="Invalid n8n connection options: " + "; ".join(problems))
    for cred in module.params["credentials"]:
        for value in secret_values(cred.get("data")):
            module.no_log_values.add(value)
    client = N8nClient.from_params(module.params)
    try:
        result = run(module, client)
    except N8nError as exc:
        module.fail_json(msg=exc.msg, status=exc.status)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
