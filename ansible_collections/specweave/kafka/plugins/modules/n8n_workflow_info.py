#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: n8n_workflow_info
short_description: List n8n workflows, or read one, through the public API
version_added: 1.0.0
description:
  - Returns n8n workflows with their activation, tags, nodes and connections, normalised the
    way M(specweave.kafka.n8n_workflow) compares them (read-only fields stripped), plus the
    production URLs of their webhooks.
  - Without O(name) or O(id) every workflow is listed (optionally filtered by O(tags) and
    O(active)).
author:
  - specweave.kafka developers (@specweave)
extends_documentation_fragment:
  - specweave.kafka.n8n
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is nothing to diff.
  action_group:
    description: Use C(group/specweave.kafka.n8n) in C(module_defaults) to set the connection
      options once.
    support: full
    membership:
      - specweave.kafka.n8n
options:
  name:
    description: Only the workflow(s) with exactly this name.
    type: str
  id:
    description: Only the workflow with this id.
    type: str
  tags:
    description: Only workflows that have all of these tags.
    type: list
    elements: str
  active:
    description: Only active (V(true)) or inactive (V(false)) workflows.
    type: bool
  details:
    description:
      - Include nodes, connections and settings. V(false) returns id, name, active and tags
        only.
    type: bool
    default: true
seealso:
  - module: specweave.kafka.n8n_workflow
"""

EXAMPLES = r"""
- name: Read one workflow
  specweave.kafka.n8n_workflow_info:
    api_url: http://127.0.0.1:5678
    name: orders-to-erp
  register: wf

- name: Fail unless it is active
  ansible.builtin.assert:
    that: wf.workflows[0].active

- name: List the active workflows tagged kafka, without their nodes
  specweave.kafka.n8n_workflow_info:
    tags: [kafka]
    active: true
    details: false
"""

RETURN = r"""
workflows:
  description: The matching workflows, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Workflow id.
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
      description: Nodes without read-only fields (when O(details)).
      type: list
      elements: dict
    connections:
      description: Connections (when O(details)).
      type: dict
    settings:
      description: Settings (when O(details)).
      type: dict
    webhook_urls:
      description: Production URLs of the webhook nodes (when O(details)).
      type: list
      elements: str
    updated_at:
      description: Last update time as n8n reports it.
      type: str
  sample:
    - id: 3mFz0aWzP1
      name: orders-to-erp
      active: true
      tags: [kafka]
      updated_at: "2026-11-27T12:00:00.000Z"
"""

from ansible_collections.specweave.kafka.plugins.module_utils.n8n import N8nConnection
from ansible_collections.specweave.kafka.plugins.module_utils.n8n_workflow import (
    N8nWorkflowInfoResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    id=dict(type="str"),
    tags=dict(type="list", elements="str"),
    active=dict(type="bool"),
    details=dict(type="bool", default=True),
)


def main():
    run_module(N8nWorkflowInfoResource(), ARGUMENT_SPEC, N8nConnection(),
               supports_check_mode=True)


if __name__ == "__main__":
    main()
