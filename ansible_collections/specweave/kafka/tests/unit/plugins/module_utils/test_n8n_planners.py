# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure planners of module_utils/n8n_workflow (no server, no module)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.n8n import N8nError
from ansible_collections.specweave.kafka.plugins.module_utils.n8n_workflow import (
    change_list,
    load_desired,
    merged_credential_specs,
    needs_credentials,
    plan_absent,
    plan_activation,
    plan_credentials,
    plan_diff,
    plan_nodes,
    plan_present,
    plan_tags,
    select_workflows,
    types_to_write,
)

KAFKA = "n8n-nodes-base.kafka"


def live(active=False, tags=(), published=True, **extra):
    wf = dict(id="7", name="w", active=active, versionId="v2",
              activeVersionId="v2" if published else "v1",
              tags=[dict(id="t" + t, name=t) for t in tags],
              nodes=[dict(id="n1", name="K", type=KAFKA, typeVersion=1, position=[0, 0],
                          parameters=dict(topic="a"))],
              connections={}, settings={})
    wf.update(extra)
    return wf


@pytest.mark.parametrize("wanted, current, expected", [
    (None, None, ([], False)),
    (None, live(tags=["b", "a"]), (["a", "b"], False)),
    ([], None, ([], False)),
    (["x", "x"], None, (["x"], True)),
    (["b", "a"], live(tags=["a", "b"]), (["a", "b"], False)),
    ([], live(tags=["a"]), ([], True)),
])
def test_plan_tags(wanted, current, expected):
    assert plan_tags(wanted, current) == expected


@pytest.mark.parametrize("active, current, fields, expected", [
    (None, None, ["created"], (False, False, False)),
    (True, None, ["created"], (True, True, False)),
    (None, live(active=True), [], (True, False, False)),
    (True, live(active=True), [], (True, False, False)),
    # edited in the editor: the published version is not the latest -> publish again
    (True, live(active=True, published=False), [], (True, True, False)),
    # an active workflow that is updated is re-published by n8n itself
    (True, live(active=True, published=False), ["nodes"], (True, False, False)),
    (True, live(), ["nodes"], (True, True, False)),
    (False, live(active=True), ["nodes"], (False, False, True)),
    (False, live(), [], (False, False, False)),
])
def test_plan_activation(active, current, fields, expected):
    want, activate, deactivate = plan_activation(active, current, fields)
    assert (want, bool(activate), bool(deactivate)) == expected


def test_change_list_in_apply_order():
    items = [dict(name="k", action="create"), dict(name="p", action="none"),
             dict(name="s", action="update")]
    assert change_list(items, False, ["nodes", "settings"], (["a"], True),
                       (False, False, True)) == [
        "credential k created", "credential s updated", "updated nodes, settings",
        "tags set to a", "deactivated"]
    assert change_list([], True, ["created"], ([], True), (True, True, False)) == [
        "created", "tags set to none", "activated"]
    assert change_list([], False, [], ([], False), (True, False, False)) == []


def test_plan_credentials_completes_written_data_and_knows_ids():
    specs = [dict(name="new", type="kafka", data=dict(brokers="k:9")),
             dict(name="old", type="kafka", data=dict(brokers="k:9"))]
    existing = [dict(id="c1", name="old", type="kafka"), dict(id="c2", name="pg", type="postgres")]
    schema = {"properties": {"sshTunnel": {"type": "boolean"}},
              "allOf": [{"if": {"properties": {"sshTunnel": {"enum": [True]}}},
                         "then": {"required": ["sshHost"]}}]}
    items, by_key, known = plan_credentials(specs, existing, "on_create", {"kafka": schema})
    assert [(i["name"], i["action"], i["id"]) for i in items] == [("new", "create", None),
                                                                  ("old", "none", "c1")]
    assert by_key[("kafka", "new")]["data"] == dict(brokers="k:9", sshTunnel=False)
    assert by_key[("kafka", "old")]["data"] == dict(brokers="k:9")  # not written: untouched
    assert specs[0]["data"] == dict(brokers="k:9")  # the input is not modified
    assert known == {("kafka", "old"): "c1", ("postgres", "pg"): "c2", ("kafka", "new"): None}
    assert types_to_write(items) == ["kafka"]
    assert types_to_write(plan_credentials(specs, existing, "always", {})[0]) == ["kafka"]


def test_plan_nodes_resolves_and_carries_live_ids():
    nodes = [dict(name="K", type=KAFKA, credentials=dict(kafka="mine")),
             dict(name="Hook", type="n8n-nodes-base.webhook", parameters={})]
    planned = plan_nodes(nodes, {("kafka", "mine"): "c9"}, live()["nodes"], lambda: "uuid-1")
    assert planned[0]["credentials"] == dict(kafka=dict(id="c9", name="mine"))
    assert planned[0]["id"] == "n1" and planned[1]["webhookId"] == "uuid-1"
    assert "id" not in nodes[0]  # the input is not modified
    with pytest.raises(N8nError, match="node 'K' uses kafka credential 'mine', which does not"):
        plan_nodes(nodes, {}, [], lambda: "u")


def test_plan_diff_names_managed_credentials_only():
    items = [dict(name="k", type="kafka", action="create"),
             dict(name="p", type="postgres", action="none")]
    assert plan_diff({"a": 1}, {"a": 2}, items, False) == dict(before={"a": 1}, after={"a": 2})
    assert plan_diff({}, {"a": 2}, items, True) == dict(
        before=dict(credentials=["p (postgres)"]),
        after=dict(a=2, credentials=["k (kafka)", "p (postgres)"]))


def test_plan_absent():
    nothing = plan_absent(None)
    assert not nothing.changed and nothing.result["changes"] == []
    delete = plan_absent(live(active=True))
    assert delete.changed and delete.result["changes"] == ["deleted"]
    assert delete.diff == dict(before=delete.result["diff"]["before"], after={})
    assert delete.diff["before"]["id"] == "7" and delete.data["delete"]["id"] == "7"


def params(**extra):
    base = dict(name="w", id=None, state="present", active=None, workflow=None, src=None,
                template=None, template_params={}, settings=None, tags=None, credentials=[],
                update_secrets="on_create")
    base.update(extra)
    return base


def test_plan_present_no_op_and_update():
    wf = dict(nodes=[dict(name="K", type=KAFKA, typeVersion=1, position=[0, 0],
                          parameters=dict(topic="a"))], connections={})
    workflow, implied = load_desired(params(workflow=wf))
    desired = dict(workflow=workflow, implied=implied, specs=[])
    current = dict(workflow=live(tags=["t"]), credentials=[], schemas={})
    same = plan_present(params(), desired, current, lambda: "u", "http://n8n")
    assert not same.changed and same.result["changes"] == []
    assert same.result["workflow"]["id"] == "7" and same.result["workflow"]["tags"] == ["t"]

    wf["nodes"][0]["parameters"]["topic"] = "b"
    workflow, implied = load_desired(params(workflow=wf, settings=dict(timezone="UTC")))
    desired = dict(workflow=workflow, implied=implied, specs=[])
    update = plan_present(params(active=True), desired, current, lambda: "u", "http://n8n")
    assert update.result["changes"] == ["updated nodes, settings", "activated"]
    assert update.data["fields"] == ["nodes", "settings"]
    assert update.data["workflow"]["nodes"][0]["id"] == "n1"  # carried from the live node
    assert update.diff["before"]["settings"] == {} and update.diff["after"]["settings"] == {
        "timezone": "UTC"}
    assert update.result["workflow_id"] == "7" and update.result["webhook_urls"] == []


def test_merged_credential_specs_explicit_wins_and_secrets_merge():
    implied = [dict(name="kafka", type="kafka", data=dict(brokers="a:9"))]
    explicit = [dict(name="kafka", type="kafka", data=dict(brokers=["b:9", "c:9"]),
                     secret_data=dict(password="pw"))]
    (spec,) = merged_credential_specs(implied, explicit)
    assert spec["data"]["brokers"] == "b:9,c:9" and spec["data"]["password"] == "pw"
    assert needs_credentials(dict(specs=[spec], workflow=dict(nodes=[])))
    assert not needs_credentials(dict(specs=[], workflow=dict(nodes=[dict(name="A")])))


def test_select_workflows():
    wfs = [live(name="a", active=True, tags=["x", "y"]), live(name="b", tags=["x"])]
    assert [w["name"] for w in select_workflows(wfs, tags=["x"])] == ["a", "b"]
    assert [w["name"] for w in select_workflows(wfs, active=False)] == ["b"]
    assert [w["name"] for w in select_workflows(wfs, name="a", tags=["y"])] == ["a"]
    assert select_workflows(wfs, tags=["z"]) == []
