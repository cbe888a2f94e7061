# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""n8n_workflow_info's main() against a fake n8n client at the N8nConnection.open seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.n8n import N8nConnection, N8nError
from ansible_collections.specweave.kafka.plugins.modules.n8n_workflow_info import main

URL = "http://127.0.0.1:5678"
CONN = dict(api_url=URL, api_key="test-key")


def workflow(wid, name, active=False, tags=()):
    return dict(id=wid, name=name, active=active, updatedAt="2026-11-27T12:00:00.000Z",
                tags=[dict(id="t-" + t, name=t) for t in tags], versionId="v1",
                nodes=[dict(id="n1", name="Hook", type="n8n-nodes-base.webhook", typeVersion=2.0,
                            position=[0.0, 0], webhookId="w", parameters=dict(path=name))],
                connections={}, settings={"executionOrder": "v1"})


class FakeN8n(object):
    """Lists return the short form (no nodes), as n8n's list does; reads the full one."""

    def __init__(self, workflows):
        self.url = URL
        self.stored = dict((wf["id"], wf) for wf in workflows)
        self.calls = []
        self.fail = []

    def _short(self, wf):
        return dict((k, v) for k, v in wf.items() if k not in ("nodes", "connections"))

    def list_workflows(self):
        self.calls.append(("list_workflows",))
        if self.fail:
            raise self.fail.pop()
        return [self._short(wf) for wf in self.stored.values()]

    def find_workflows(self, name):
        self.calls.append(("find_workflows", name))
        return [self._short(wf) for wf in self.stored.values() if wf["name"] == name]

    def get_workflow(self, workflow_id, missing_ok=False):
        self.calls.append(("get_workflow", workflow_id))
        if workflow_id not in self.stored and missing_ok:
            return None
        return copy.deepcopy(self.stored[workflow_id])


@pytest.fixture
def n8n(monkeypatch):
    fake = FakeN8n([workflow("1", "orders", True, ["kafka"]), workflow("2", "audit"),
                    workflow("3", "billing", True, ["kafka", "money"])])
    monkeypatch.setattr(N8nConnection, "open", lambda self, ctx=None: fake)
    return fake


def test_one_by_name_with_details(run_main, n8n):
    result, failed = run_main(main, dict(CONN, name="orders"), check_mode=True)
    assert not failed and result["changed"] is False
    assert result["workflows"] == [dict(
        id="1", name="orders", active=True, tags=["kafka"], updated_at="2026-11-27T12:00:00.000Z",
        nodes=[dict(name="Hook", type="n8n-nodes-base.webhook", typeVersion=2, position=[0, 0],
                    parameters=dict(path="orders"))],
        connections={}, settings={"executionOrder": "v1"},
        webhook_urls=[URL + "/webhook/orders"])]
    assert n8n.calls == [("find_workflows", "orders"), ("get_workflow", "1")]


def test_filters_without_details_sorted_by_name(run_main, n8n):
    result, failed = run_main(main, dict(CONN, tags=["kafka"], active=True, details=False))
    assert not failed
    assert result["workflows"] == [
        dict(id="3", name="billing", active=True, tags=["kafka", "money"],
             updated_at="2026-11-27T12:00:00.000Z"),
        dict(id="1", name="orders", active=True, tags=["kafka"],
             updated_at="2026-11-27T12:00:00.000Z")]
    assert n8n.calls == [("list_workflows",)]
    inactive, _failed = run_main(main, dict(CONN, active=False, details=False))
    assert [w["name"] for w in inactive["workflows"]] == ["audit"]


def test_by_id_missing_is_empty(run_main, n8n):
    result, failed = run_main(main, dict(CONN, id="404"))
    assert not failed and result["workflows"] == []
    found, _failed = run_main(main, dict(CONN, id="2"))
    assert [w["name"] for w in found["workflows"]] == ["audit"]


def test_failure_keeps_message_and_status(run_main, n8n):
    n8n.fail.append(N8nError("listing workflows: n8n rejected the API key (HTTP 401: unauthorized).",
                             status=401))
    result, failed = run_main(main, dict(CONN))
    assert failed and result["status"] == 401
    assert result["msg"].startswith("listing workflows: n8n rejected the API key")


def test_missing_api_key(run_main, n8n):
    result, failed = run_main(main, dict(api_url=URL))
    assert failed and "api_key is required (or set N8N_API_KEY)" in result["msg"]
    assert n8n.calls == []
