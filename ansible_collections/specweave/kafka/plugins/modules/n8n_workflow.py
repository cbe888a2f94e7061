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
    by n8n when it is updated. If n8n refuses the activation (or any later write fails), its
    reason is reported and a workflow created by the task is removed again with the credentials
    the task created (an updated one gets its previous definition, tags and activation back),
    so nothing is left half-applied.
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
      - Name of a workflow template shipped with the collection. See the
        R(n8n workflows guide,ansible_collections.specweave.kafka.docsite.n8n_workflow) for each
        template's parameters and credentials.
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

from ansible_collections.specweave.kafka.plugins.module_utils.n8n import N8nConnection
from ansible_collections.specweave.kafka.plugins.module_utils.n8n_templates import template_names
from ansible_collections.specweave.kafka.plugins.module_utils.n8n_workflow import (
    N8nWorkflowResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
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


def main():
    run_module(N8nWorkflowResource(), ARGUMENT_SPEC, N8nConnection(),
               supports_check_mode=True,
               required_one_of=[("name", "id")],
               mutually_exclusive=[("workflow", "src", "template")],
               required_if=[("state", "present", ("workflow", "src", "template"), True)])


if __name__ == "__main__":
    main()
