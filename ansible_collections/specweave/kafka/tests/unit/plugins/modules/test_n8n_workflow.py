# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""n8n_workflow's main() against an in-memory n8n at the N8nConnection.open seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.n8n import N8nConnection, N8nError
from ansible_collections.specweave.kafka.plugins.modules.n8n_workflow import main

URL = "http://127.0.0.1:5678"
CONN = dict(api_url=URL, api_key="test-key")
KAFKA_SCHEMA = {"properties": {"ssl": {"type": "boolean"}}, "allOf": []}


class FakeN8n(object):
    """An n8n public API in memory: workflows, versions, activation, tags, credentials.

    ``calls`` records every call (name and arguments); ``fail`` maps a call name to an
    ``N8nError`` raised (once) when it is made.
    """

    def __init__(self):
        self.url = URL
        self.workflows = {}
        self.credentials = {}
        self.tags = {}
        self.calls = []
        self.fail = {}
        self._next = 0

    def _id(self, prefix):
        self._next += 1
        return "%s%d" % (prefix, self._next)

    def _call(self, name, *args):
        self.calls.append((name,) + args)
        if name in self.fail:
            raise self.fail.pop(name)

    def writes(self):
        reads = ("get_", "find_", "list_", "credential_schema")
        return [c[0] for c in self.calls if not c[0].startswith(reads)]

    # -- workflows
    def find_workflows(self, name):
        self._call("find_workflows", name)
        return [copy.deepcopy(w) for w in self.workflows.values() if w["name"] == name]

    def list_workflows(self, query=None):
        self._call("list_workflows")
        return [copy.deepcopy(w) for w in self.workflows.values()]

    def get_workflow(self, workflow_id, missing_ok=False):
        self._call("get_workflow", workflow_id)
        if workflow_id not in self.workflows:
            if missing_ok:
                return None
            raise N8nError("reading workflow %s: n8n answered HTTP 404: Not Found" % workflow_id,
                           status=404)
        return copy.deepcopy(self.workflows[workflow_id])

    def create_workflow(self, body):
        self._call("create_workflow", copy.deepcopy(body))
        wid = self._id("wf")
        stored = copy.deepcopy(body)
        for node in stored["nodes"]:
            node.setdefault("id", self._id("node"))
        stored.update(id=wid, active=False, tags=[], versionId=self._id("v"),
                      activeVersionId=None, updatedAt="t%d" % self._next)
        self.workflows[wid] = stored
        return copy.deepcopy(stored)

    def update_workflow(self, workflow_id, body):
        self._call("update_workflow", workflow_id, copy.deepcopy(body))
        stored = self.workflows[workflow_id]
        stored.update(copy.deepcopy(body))
        stored["versionId"] = self._id("v")
        if stored["active"]:
            stored["activeVersionId"] = stored["versionId"]  # n8n re-publishes
        return copy.deepcopy(stored)

    def delete_workflow(self, workflow_id):
        self._call("delete_workflow", workflow_id)
        del self.workflows[workflow_id]

    def activate(self, workflow_id, name=None):
        self._call("activate", workflow_id)
        stored = self.workflows[workflow_id]
        stored.update(active=True, activeVersionId=stored["versionId"])

    def deactivate(self, workflow_id, name=None):
        self._call("deactivate", workflow_id)
        self.workflows[workflow_id].update(active=False, activeVersionId=None)

    # -- tags
    def list_tags(self):
        self._call("list_tags")
        return [dict(id=tid, name=name) for tid, name in self.tags.items()]

    def create_tag(self, name):
        self._call("create_tag", name)
        tid = self._id("tag")
        self.tags[tid] = name
        return dict(id=tid, name=name)

    def set_workflow_tags(self, workflow_id, tag_ids):
        self._call("set_workflow_tags", workflow_id, list(tag_ids))
        self.workflows[workflow_id]["tags"] = [dict(id=t, name=self.tags[t]) for t in tag_ids]

    # -- credentials
    def list_credentials(self):
        self._call("list_credentials")
        return [dict(id=cid, name=c["name"], type=c["type"]) for cid, c in
                self.credentials.items()]

    def credential_schema(self, cred_type):
        self._call("credential_schema", cred_type)
        return KAFKA_SCHEMA

    def create_credential(self, name, cred_type, data):
        self._call("create_credential", name, cred_type, copy.deepcopy(data))
        cid = self._id("cred")
        self.credentials[cid] = dict(name=name, type=cred_type, data=copy.deepcopy(data))
        return dict(id=cid, name=name, type=cred_type)

    def update_credential(self, cred_id, name, cred_type, data):
        self._call("update_credential", cred_id, name, cred_type, copy.deepcopy(data))
        self.credentials[cred_id]["data"] = copy.deepcopy(data)

    def delete_credential(self, cred_id):
        self._call("delete_credential", cred_id)
        del self.credentials[cred_id]


@pytest.fixture
def n8n(monkeypatch):
    fake = FakeN8n()
    monkeypatch.setattr(N8nConnection, "open", lambda self, ctx=None: fake)
    return fake


def webhook_to_kafka(**extra):
    args = dict(CONN, name="events-in", template="webhook-to-kafka", active=True,
                tags=["kafka", "events"],
                template_params=dict(topic="events", webhook_path="events-in",
                                     kafka_credential="prod-kafka"),
                credentials=[dict(name="prod-kafka", type="kafka",
                                  data=dict(brokers=["k1:9093"], username="n8n"),
                                  secret_data=dict(password="s3cret-pw"))])
    args.update(extra)
    return args


def without_credential_ids(nodes):
    nodes = copy.deepcopy(nodes)
    for node in nodes:
        for ref in (node.get("credentials") or {}).values():
            ref["id"] = None
    return nodes


def test_create_then_no_op(run_main, n8n):
    result, failed = run_main(main, webhook_to_kafka())
    assert not failed, result
    assert result["changed"] is True
    assert result["changes"] == ["credential prod-kafka created", "created",
                                 "tags set to events, kafka", "activated"]
    assert n8n.writes() == ["create_credential", "create_workflow", "create_tag", "create_tag",
                            "set_workflow_tags", "activate"]
    (cred_id, cred), = n8n.credentials.items()
    assert cred["data"]["brokers"] == "k1:9093" and cred["data"]["password"] == "s3cret-pw"
    assert cred["data"]["authentication"] is True and cred["data"]["ssl"] is False
    (wid, live), = n8n.workflows.items()
    assert result["workflow_id"] == wid and result["workflow"]["id"] == wid
    assert live["active"] is True and sorted(t["name"] for t in live["tags"]) == [
        "events", "kafka"]
    kafka_node = [n for n in live["nodes"] if n["type"] == "n8n-nodes-base.kafka"][0]
    assert kafka_node["credentials"]["kafka"] == {"id": cred_id, "name": "prod-kafka"}
    webhook = [n for n in live["nodes"] if n["type"] == "n8n-nodes-base.webhook"][0]
    assert webhook["webhookId"]  # as the editor does
    assert result["credentials"] == [dict(name="prod-kafka", type="kafka", action="create",
                                          id=cred_id)]
    assert result["webhook_urls"] == [URL + "/webhook/events-in"]
    assert result["workflow"]["active"] is True and result["workflow"]["tags"] == [
        "events", "kafka"]
    assert "s3cret-pw" not in json.dumps(result)

    n8n.calls[:] = []
    again, failed = run_main(main, webhook_to_kafka())
    assert not failed and again["changed"] is False and again["changes"] == []
    assert n8n.writes() == []
    assert again["workflow"] == result["workflow"]
    assert again["credentials"][0]["action"] == "none"


def test_check_mode_predicts_the_real_run(run_main, n8n):
    checked, failed = run_main(main, webhook_to_kafka(), check_mode=True, diff=True)
    assert not failed, checked
    assert n8n.writes() == [] and n8n.workflows == {} and n8n.credentials == {}
    assert checked["workflow_id"] is None
    applied, failed = run_main(main, webhook_to_kafka(), diff=True)
    assert not failed, applied
    assert applied["changes"] == checked["changes"]
    assert checked["diff"]["before"] == applied["diff"]["before"] == dict(credentials=[])
    assert dict(checked["diff"]["after"], id=applied["workflow_id"]) == applied["diff"]["after"]
    predicted, real = checked["workflow"], applied["workflow"]
    for key in ("name", "connections", "settings", "active", "tags"):
        assert predicted[key] == real[key], key
    # nodes too: only the id of the credential created by the run was unknown beforehand
    assert predicted["nodes"] == without_credential_ids(predicted["nodes"])
    assert without_credential_ids(real["nodes"]) == predicted["nodes"]


def test_update_diff_and_reactivation_by_n8n(run_main, n8n):
    run_main(main, webhook_to_kafka())
    (wid, before), = n8n.workflows.items()
    changed = webhook_to_kafka(template_params=dict(topic="events-v2", webhook_path="events-in",
                                                    kafka_credential="prod-kafka"))
    checked, _failed = run_main(main, changed, check_mode=True, diff=True)
    assert checked["changes"] == ["updated nodes"]
    topic = dict((side, [n["parameters"].get("topic") for n in checked["diff"][side]["nodes"]
                         if n["type"] == "n8n-nodes-base.kafka"][0]) for side in ("before", "after"))
    assert topic == {"before": "events", "after": "events-v2"}
    assert n8n.workflows[wid]["versionId"] == before["versionId"]

    n8n.calls[:] = []
    result, failed = run_main(main, changed)
    assert not failed and result["changes"] == ["updated nodes"]
    # an active workflow is re-published by the update itself: no deactivate/activate
    assert n8n.writes() == ["update_workflow"]
    sent = [c for c in n8n.calls if c[0] == "update_workflow"][0][2]
    assert [n["id"] for n in sent["nodes"]] == [n["id"] for n in before["nodes"]]
    assert run_main(main, changed)[0]["changed"] is False


def test_deactivate_and_delete(run_main, n8n):
    run_main(main, webhook_to_kafka())
    (wid, _live), = n8n.workflows.items()
    result, _failed = run_main(main, webhook_to_kafka(active=False))
    assert result["changes"] == ["deactivated"] and n8n.workflows[wid]["active"] is False

    gone = dict(CONN, name="events-in", state="absent")
    n8n.workflows[wid]["active"] = True
    checked, _failed = run_main(main, gone, check_mode=True, diff=True)
    assert checked["changed"] is True and checked["diff"]["after"] == {}
    assert checked["diff"]["before"]["id"] == wid and wid in n8n.workflows
    n8n.calls[:] = []
    result, failed = run_main(main, gone)
    assert not failed and result["changes"] == ["deleted"] and result["workflow"] == {}
    assert n8n.writes() == ["deactivate", "delete_workflow"] and n8n.workflows == {}
    result, _failed = run_main(main, gone)
    assert result["changed"] is False and result["workflow_id"] is None


def test_failed_activation_removes_what_the_run_created(run_main, n8n):
    n8n.fail["activate"] = N8nError(
        "n8n refused to activate workflow 'events-in' (wf2): n8n answered HTTP 400: "
        "no trigger", status=400)
    result, failed = run_main(main, webhook_to_kafka())
    assert failed
    assert result["msg"] == (
        "n8n refused to activate workflow 'events-in' (wf2): n8n answered HTTP 400: no trigger"
        " (the workflow created by this task was removed again; credentials created by this "
        "task were removed again)")
    assert result["status"] == 400 and result["changed"] is False
    assert n8n.workflows == {} and n8n.credentials == {}
    assert n8n.writes()[-2:] == ["delete_workflow", "delete_credential"]


@pytest.mark.parametrize("was_active, failing, undone", [
    (True, "set_workflow_tags", "the workflow's previous definition was restored; it was "
                                "activated again"),
    (False, "activate", "the workflow's previous definition was restored; its previous tags "
                        "were restored"),
])
def test_failed_update_restores_definition_tags_and_activation(
        run_main, n8n, was_active, failing, undone):
    run_main(main, webhook_to_kafka(active=was_active))
    (wid, before), = n8n.workflows.items()
    n8n.fail[failing] = N8nError("%s: n8n answered HTTP 500: boom" % failing, status=500)
    changed = webhook_to_kafka(active=not was_active, tags=["other"],
                               template_params=dict(topic="events-v2", webhook_path="events-in",
                                                    kafka_credential="prod-kafka"))
    result, failed = run_main(main, changed)
    assert failed and result["status"] == 500 and result["changed"] is False
    assert result["msg"] == "%s: n8n answered HTTP 500: boom (%s)" % (failing, undone)
    after = n8n.workflows[wid]
    for key in ("nodes", "connections", "settings", "tags", "active"):
        assert after[key] == before[key], key


def test_a_failed_undo_is_reported(run_main, n8n):
    n8n.fail["activate"] = N8nError("n8n refused to activate workflow 'events-in': no", 400)
    n8n.fail["delete_workflow"] = N8nError("deleting workflow wf2: cannot reach n8n")
    result, failed = run_main(main, webhook_to_kafka())
    assert failed and result["changed"] is True
    assert result["msg"].endswith("(undoing the partial change failed too: deleting workflow "
                                  "wf2: cannot reach n8n)")


@pytest.mark.parametrize("args, fragment", [
    (dict(name="x", workflow={"nodes": [{"name": "A", "type": "n8n-nodes-base.noOp"}],
                              "connections": {"A": {"main": [[{"node": "Nowhere"}]]}}}),
     "invalid workflow: connection A -> 'Nowhere' points to an unknown node"),
    (dict(name="x", workflow={"nodes": [{"name": "K", "type": "n8n-nodes-base.kafka",
                                         "credentials": {"kafka": "nope"}}]}),
     "node 'K' uses kafka credential 'nope', which does not exist in n8n"),
    (dict(name="x", template="kafka-to-webhook",
          template_params=dict(topic="t", webhook_url="http://x", brokers="127.0.0.1:9"),
          credentials=[dict(name="kafka", data={"brokers": ""})]),
     "invalid credentials: kafka credential 'kafka' needs data.brokers"),
    (dict(name="x", src="/nonexistent/wf.json"), "src /nonexistent/wf.json does not exist"),
    (dict(name="x", workflow={"nodes": [{"name": "A", "type": "n8n-nodes-base.noOp"}]},
          template_params={"topic": "t"}), "template_params is only used with template"),
])
def test_invalid_input_changes_nothing(run_main, n8n, args, fragment):
    result, failed = run_main(main, dict(CONN, **args))
    assert failed and fragment in result["msg"], result["msg"]
    assert result["status"] is None and n8n.writes() == []


def test_connection_options_are_checked(run_main, n8n):
    result, failed = run_main(main, dict(api_url="n8n:5678", api_key="k", name="x",
                                         state="absent", retries=-1))
    assert failed and result["msg"] == (
        "Invalid n8n connection options: api_url must start with http:// or https://, not "
        "'n8n:5678'; retries must be 0 or more")
    assert n8n.calls == []


def test_ambiguous_name_and_unknown_id(run_main, n8n):
    for _i in range(2):
        n8n.create_workflow(dict(name="twin", nodes=[], connections={}, settings={}))
    result, failed = run_main(main, dict(CONN, name="twin", state="absent"))
    assert failed and result["msg"] == "2 workflows are named 'twin' (ids wf1, wf3); pass id " \
                                       "to choose one"
    result, failed = run_main(main, dict(CONN, id="nope", workflow={"name": "x", "nodes": [
        {"name": "A", "type": "n8n-nodes-base.noOp"}]}))
    assert failed and result["msg"] == ("workflow id nope does not exist; give a name to create "
                                        "a new workflow")


def test_update_secrets_always_rewrites_credentials(run_main, n8n):
    run_main(main, webhook_to_kafka())
    n8n.calls[:] = []
    result, failed = run_main(main, webhook_to_kafka(update_secrets="always"))
    assert not failed and result["changes"] == ["credential prod-kafka updated"]
    assert n8n.writes() == ["update_credential"]
    assert n8n.calls[-1][0] == "get_workflow"
