# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.six.moves.urllib.error import URLError

from ansible_collections.specweave.kafka.plugins.module_utils.http_client import RetryPolicy

from ansible_collections.specweave.kafka.plugins.module_utils.n8n import (
    N8nClient,
    N8nError,
    assign_webhook_ids,
    base_url,
    carry_read_only,
    complete_credential_data,
    credential_data,
    credential_plan,
    error_message,
    is_published,
    normalize_workflow,
    parse_workflow,
    prepare_workflow,
    resolve_credentials,
    secret_values,
    summary,
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
from ansible_collections.specweave.kafka.tests.unit.plugins.module_utils.test_http_client import Server

TEMPLATE_PARAMS = {
    "kafka-to-webhook": {"topic": "orders", "webhook_url": "http://127.0.0.1:9/hook"},
    "kafka-to-database": {"topic": "orders", "table": "public.events"},
    "kafka-to-slack": {"topic": "alerts", "channel": "#ops"},
    "webhook-to-kafka": {"topic": "events", "webhook_path": "events-in"},
    "kafka-ai-agent-action": {"topic": "incidents", "output_topic": "actions"},
}


@pytest.mark.parametrize("url, expected", [
    ("http://127.0.0.1:5678", "http://127.0.0.1:5678"),
    ("http://127.0.0.1:5678/", "http://127.0.0.1:5678"),
    ("https://n8n.example.com/api/v1/", "https://n8n.example.com"),
    ("https://example.com/n8n", "https://example.com/n8n"),
])
def test_base_url(url, expected):
    assert base_url(url) == expected


@pytest.mark.parametrize("params, fragment", [
    ({"api_url": None, "api_key": "k"}, "api_url is required"),
    ({"api_url": "n8n:5678", "api_key": "k"}, "must start with http"),
    ({"api_url": "http://x", "api_key": ""}, "api_key is required"),
    ({"api_url": "http://x", "api_key": "k", "timeout": 0}, "timeout"),
    ({"api_url": "http://x", "api_key": "k", "retries": -1}, "retries must be 0 or more"),
    ({"api_url": "http://x", "api_key": "k", "client_key": "/k"}, "client_key needs client_cert"),
])
def test_connection_problems(params, fragment):
    assert fragment in " ".join(validate_connection_params(params))


def test_connection_ok():
    assert validate_connection_params({"api_url": "http://x", "api_key": "k", "timeout": 5}) == []


@pytest.mark.parametrize("status, fragment", [
    (401, "rejected the API key"),
    (403, "not allowed"),
    (400, "HTTP 400: bad thing"),
])
def test_http_errors_are_explained(status, fragment):
    client = N8nClient("http://127.0.0.1:1", "key")
    exc = client._http_error(status, {"message": "bad thing"}, "GET", "/workflows/1", "reading")
    assert fragment in exc.msg and exc.status == status


def test_not_found_on_list_mentions_public_api():
    client = N8nClient("http://127.0.0.1:1", "key")
    exc = client._http_error(404, "Cannot GET", "GET", "/workflows", "listing")
    assert "public API" in exc.msg


def test_unreachable_server_is_explained():
    delays = []
    client = N8nClient("http://127.0.0.1:1", "key", timeout=2,
                       retry=RetryPolicy(retries=2, sleep=delays.append))
    with pytest.raises(N8nError) as info:
        client.request("GET", "/workflows")
    assert "cannot reach n8n at http://127.0.0.1:1" in info.value.msg
    assert info.value.status is None and len(delays) == 2  # a lost connection is retried


class ScriptedN8n(Server):
    """test_http's scripted server, answering JSON bodies given as Python values."""

    def __init__(self, script):
        super(ScriptedN8n, self).__init__()
        self.script = [(status, {"Content-Type": "application/json"}, json.dumps(body).encode())
                       for status, body in script]

    def client(self, retries=3, delays=None):
        return N8nClient(self.url + "/api/v1/", "the-key", timeout=5, retry=RetryPolicy(
            retries=retries, sleep=(delays if delays is not None else []).append,
            rand=lambda: 0.0))


@pytest.fixture
def scripted():
    servers = []

    def start(*script):
        servers.append(ScriptedN8n(script))
        return servers[-1]

    yield start
    for srv in servers:
        srv.stop()


def test_reads_are_retried_on_503_then_succeed(scripted):
    srv = scripted((503, {"message": "busy"}), (503, {}), (200, {"id": "7", "name": "w"}))
    delays = []
    client = srv.client(delays=delays)
    assert client.get_workflow("7") == {"id": "7", "name": "w"}
    assert [s["path"] for s in srv.seen] == ["/api/v1/workflows/7?excludePinnedData=true"] * 3
    assert all(dict((k.lower(), v) for k, v in s["headers"].items())["x-n8n-api-key"] == "the-key"
               for s in srv.seen)
    assert delays == [0.5, 1.0]
    assert [r["status"] for r in client.retried] == [503, 503]


def test_paged_listing_follows_the_cursor(scripted):
    srv = scripted((200, {"data": [{"id": "1", "name": "a"}], "nextCursor": "c2"}),
                   (429, {}), (200, {"data": [{"id": "2", "name": "a"}], "nextCursor": None}))
    assert [w["id"] for w in srv.client().find_workflows("a")] == ["1", "2"]
    assert srv.seen[0]["path"] == "/api/v1/workflows?excludePinnedData=true&limit=250&name=a"
    assert srv.seen[2]["path"] == srv.seen[1]["path"] == (
        "/api/v1/workflows?cursor=c2&excludePinnedData=true&limit=250&name=a")


def test_activation_is_retried_but_creation_is_not(scripted):
    srv = scripted((502, {}), (200, {"id": "7", "active": True}))
    srv.client().activate("7", "w")
    assert [(s["method"], s["path"]) for s in srv.seen] == [
        ("POST", "/api/v1/workflows/7/activate")] * 2

    srv = scripted((502, {"message": "bad gateway"}))
    with pytest.raises(N8nError) as info:
        srv.client().create_workflow({"name": "w", "nodes": []})
    assert info.value.msg == "creating workflow 'w': n8n answered HTTP 502: bad gateway"
    assert len(srv.seen) == 1


def test_retries_zero_and_final_status_keep_the_message(scripted):
    srv = scripted((503, {"message": "down for maintenance"}))
    with pytest.raises(N8nError) as info:
        srv.client(retries=0).list_tags()
    assert info.value.msg == "listing tags: n8n answered HTTP 503: down for maintenance"
    assert info.value.status == 503 and len(srv.seen) == 1
    srv = scripted((401, {"message": "unauthorized"}))
    with pytest.raises(N8nError) as info:
        srv.client().list_credentials()
    assert info.value.msg.startswith("listing credentials: n8n rejected the API key (HTTP 401: "
                                     "unauthorized)") and len(srv.seen) == 1


def test_a_delete_whose_answer_was_lost_is_done(scripted):
    srv = scripted((503, {}), (404, {"message": "Not Found"}))
    assert srv.client().delete_workflow("7") is None
    srv = scripted((404, {"message": "Not Found"}))
    with pytest.raises(N8nError, match="deleting workflow 7: n8n answered HTTP 404"):
        srv.client().delete_workflow("7")


def test_a_body_that_is_not_json_is_explained():
    # an api_url with a wrong prefix gets the editor's page from n8n
    client = N8nClient("http://127.0.0.1:1/n8n", "key", opener=_html_opener)
    with pytest.raises(N8nError) as info:
        client.list_workflows()
    assert info.value.msg.startswith("listing workflows: n8n answered HTTP 200 with a body that "
                                     "is not JSON (<!doctype html>")


class _Html(object):
    headers = {}

    def getcode(self):
        return 200

    def read(self):
        return b"<!doctype html><title>n8n</title>"


def _html_opener(url, **kwargs):
    return _Html()


def test_tls_failures_are_explained(tmp_path):
    missing = str(tmp_path / "no-ca.pem")
    client = N8nClient("https://127.0.0.1:1", "key", ca_path=missing,
                       retry=RetryPolicy(sleep=lambda s: None))
    with pytest.raises(N8nError) as info:
        client.list_tags()
    assert info.value.msg.startswith("listing tags: cannot load the TLS files ca_path, "
                                     "client_cert or client_key")
    assert client.retried == []


def test_from_params_passes_the_tls_and_retry_options():
    client = N8nClient.from_params(dict(api_url="https://n8n:5678/api/v1", api_key="k",
                                        validate_certs=False, timeout=9, retries=5,
                                        ca_path="/ca.pem", client_cert="/c.pem",
                                        client_key="/k.pem"))
    http = client.http
    assert http.base_url == "https://n8n:5678/api/v1" and client.url == "https://n8n:5678"
    assert (http.ca_path, http.client_cert, http.client_key) == ("/ca.pem", "/c.pem", "/k.pem")
    assert http.validate_certs is False and http.timeout == 9 and http.retry.retries == 5
    assert N8nClient.from_params(dict(api_url="http://x", api_key="k")).http.retry.retries == 3


@pytest.mark.parametrize("body, expected", [
    ({"message": "nope"}, "nope"),
    ("plain text", "plain text"),
    (None, "no reason given"),
])
def test_error_message(body, expected):
    assert error_message(body) == expected


def test_parse_workflow_accepts_json_and_dicts():
    assert parse_workflow('{"nodes": []}') == {"nodes": []}
    assert parse_workflow({"a": 1}) == {"a": 1}
    with pytest.raises(N8nError, match="not valid JSON"):
        parse_workflow("{nope")
    with pytest.raises(N8nError, match="must be a workflow object"):
        parse_workflow([1, 2])


def _wf(**extra):
    wf = {
        "name": "w",
        "nodes": [
            {"name": "A", "type": "n8n-nodes-base.webhook", "parameters": {}},
            {"name": "B", "type": "n8n-nodes-base.noOp", "parameters": {}},
        ],
        "connections": {"A": {"main": [[{"node": "B", "type": "main", "index": 0}]]}},
    }
    wf.update(extra)
    return wf


@pytest.mark.parametrize("change, fragment", [
    ({"nodes": []}, "non-empty list of nodes"),
    ({"nodes": [{"name": "A", "type": "x.y"}, {"name": "A", "type": "x.y"}]}, "used twice"),
    ({"nodes": [{"name": "A", "type": "noDot"}]}, "needs a type"),
    ({"nodes": [{"type": "x.y"}]}, "has no name"),
    ({"nodes": [{"name": "A", "type": "x.y", "parameters": []}]}, "parameters must be"),
    ({"connections": {"Z": {"main": [[]]}}}, "unknown node 'Z'"),
    ({"connections": {"A": {"main": [[{"node": "Q"}]]}}}, "points to an unknown node"),
    ({"settings": []}, "settings must be an object"),
])
def test_validate_workflow_problems(change, fragment):
    wf = _wf(**change)
    if "nodes" in change and "connections" not in change:
        wf["connections"] = {}
    assert fragment in " ".join(validate_workflow(wf))


def test_validate_workflow_ok():
    assert validate_workflow(_wf()) == []


def test_prepare_workflow_keeps_writable_fields_only():
    exported = _wf(id="x", active=True, versionId="v", meta={"instanceId": "i"}, pinData={})
    prepared = prepare_workflow(exported, "renamed")
    assert sorted(prepared) == ["connections", "name", "nodes", "settings"]
    assert prepared["name"] == "renamed"
    assert prepared["nodes"][1]["position"] == [220, 0]
    assert prepared["nodes"][0]["typeVersion"] == 1


def test_normalize_strips_read_only_and_sorts():
    live = _wf(id="1", createdAt="t", updatedAt="t", versionId="v",
               settings={"executionOrder": "v1", "callerPolicy": "workflowsFromSameOwner"})
    live["nodes"] = list(reversed(live["nodes"]))
    live["nodes"][1].update(id="n1", webhookId="wh", typeVersion=2.0, position=[0.0, 10])
    norm = normalize_workflow(live, {"executionOrder"})
    assert [n["name"] for n in norm["nodes"]] == ["A", "B"]
    assert "id" not in norm["nodes"][0] and "webhookId" not in norm["nodes"][0]
    assert norm["nodes"][0]["typeVersion"] == 2 and norm["nodes"][0]["position"] == [0, 10]
    assert norm["settings"] == {"executionOrder": "v1"}
    assert sorted(norm) == ["connections", "name", "nodes", "settings"]


def test_workflow_changes():
    a = normalize_workflow(_wf())
    b = normalize_workflow(_wf(name="other"))
    assert workflow_changes(a, a) == []
    assert workflow_changes(a, b) == ["name"]
    c = _wf()
    c["nodes"][1]["parameters"] = {"x": 1}
    assert workflow_changes(a, normalize_workflow(c)) == ["nodes"]


def test_carry_read_only_keeps_live_ids_for_same_node():
    live = [{"name": "A", "type": "n8n-nodes-base.webhook", "id": "n1", "webhookId": "w1"},
            {"name": "B", "type": "other.type", "id": "n2"}]
    desired = [{"name": "A", "type": "n8n-nodes-base.webhook"},
               {"name": "B", "type": "n8n-nodes-base.noOp"}]
    out = carry_read_only(desired, live)
    assert out[0]["id"] == "n1" and out[0]["webhookId"] == "w1"
    assert "id" not in out[1]
    assert "id" not in desired[0]


def test_resolve_credentials_by_name_and_id():
    nodes = [{"name": "K", "credentials": {"kafka": "prod"}},
             {"name": "P", "credentials": {"postgres": {"name": "db"}}},
             {"name": "Q", "credentials": {"kafka": {"id": "7", "name": "stale"}}}]
    known = {("kafka", "prod"): "7", ("postgres", "db"): None}
    out, problems = resolve_credentials(nodes, known)
    assert problems == []
    assert out[0]["credentials"]["kafka"] == {"id": "7", "name": "prod"}
    assert out[1]["credentials"]["postgres"] == {"id": None, "name": "db"}
    assert out[2]["credentials"]["kafka"] == {"id": "7", "name": "prod"}


def test_resolve_credentials_reports_unknown():
    _out, problems = resolve_credentials([{"name": "K", "credentials": {"kafka": "nope"}}], {})
    assert "does not exist in n8n" in problems[0] and "'nope'" in problems[0]


@pytest.mark.parametrize("update_secrets, action", [("on_create", "none"), ("always", "update")])
def test_credential_plan(update_secrets, action):
    specs = [{"name": "k", "type": "kafka"}, {"name": "new", "type": "kafka"}]
    existing = [{"id": "1", "name": "k", "type": "kafka"},
                {"id": "2", "name": "new", "type": "postgres"}]
    plan = credential_plan(specs, existing, update_secrets)
    assert plan[0] == {"name": "k", "type": "kafka", "action": action, "id": "1"}
    assert plan[1]["action"] == "create" and plan[1]["id"] is None


def test_credential_plan_refuses_ambiguous_names():
    existing = [{"id": "1", "name": "k", "type": "kafka"},
                {"id": "2", "name": "k", "type": "kafka"}]
    with pytest.raises(N8nError, match="2 kafka credentials are named 'k'"):
        credential_plan([{"name": "k", "type": "kafka"}], existing, "on_create")


def test_credential_data_for_kafka():
    data = credential_data("kafka", {"brokers": ["a:1", " b:2"], "username": "u",
                                     "password": "p"})
    assert data["brokers"] == "a:1,b:2"
    assert data["authentication"] is True and data["saslMechanism"] == "plain"
    assert credential_data("postgres", {"host": "h"}) == {"host": "h"}


@pytest.mark.parametrize("specs, fragment", [
    ([{"name": "k", "type": "kafka", "data": {}}], "needs data.brokers"),
    ([{"name": "", "type": "kafka", "data": {"brokers": "a:1"}}], "needs a name"),
    ([{"name": "p", "type": "postgres", "data": {}}] * 2, "listed twice"),
])
def test_validate_credential_specs(specs, fragment):
    assert fragment in " ".join(validate_credential_specs(specs))


@pytest.mark.parametrize("workflow, expected", [
    ({"active": False}, False),
    ({"active": True}, True),
    ({"active": True, "activeVersionId": "a", "versionId": "a"}, True),
    ({"active": True, "activeVersionId": "a", "versionId": "b"}, False),
])
def test_is_published(workflow, expected):
    assert is_published(workflow) is expected


def test_webhook_urls_and_summary():
    wf = _wf(id="9", active=True, tags=[{"id": "1", "name": "b"}, {"id": "2", "name": "a"}])
    wf["nodes"][0]["parameters"] = {"path": "in"}
    assert webhook_urls(wf, "http://h:1/api/v1") == ["http://h:1/webhook/in"]
    info = summary(wf)
    assert info["tags"] == ["a", "b"] and info["id"] == "9" and info["active"] is True


@pytest.mark.parametrize("name", sorted(TEMPLATE_PARAMS))
def test_templates_render_valid_workflows(name):
    workflow, implied = render_template(name, TEMPLATE_PARAMS[name])
    assert validate_workflow(prepare_workflow(workflow, "x")) == []
    assert implied == []
    assert json.loads(json.dumps(workflow)) == workflow
    for node in workflow["nodes"]:
        for ref in (node.get("credentials") or {}).values():
            assert set(ref) == {"name"}


def test_every_template_is_tested():
    assert sorted(TEMPLATE_PARAMS) == template_names()


def test_template_brokers_imply_a_kafka_credential():
    workflow, implied = render_template("kafka-to-webhook", dict(
        TEMPLATE_PARAMS["kafka-to-webhook"], brokers=["a:1", "b:2"], kafka_credential="k"))
    assert implied == [{"name": "k", "type": "kafka", "data": {
        "brokers": "a:1,b:2", "clientId": "n8n", "ssl": False, "authentication": False}}]
    assert workflow["nodes"][0]["credentials"] == {"kafka": {"name": "k"}}
    assert workflow["nodes"][0]["parameters"]["topic"] == "orders"
    assert workflow["nodes"][1]["parameters"]["url"] == "http://127.0.0.1:9/hook"


def test_database_template_quotes_the_table():
    workflow, _implied = render_template("kafka-to-database", TEMPLATE_PARAMS["kafka-to-database"])
    assert '"public"."events"' in workflow["nodes"][1]["parameters"]["query"]


@pytest.mark.parametrize("name, params, fragment", [
    ("nope", {}, "unknown template 'nope'"),
    ("kafka-to-webhook", {"topic": "t"}, "webhook_url is required"),
    ("kafka-to-webhook", {"topic": "t", "webhook_url": "ftp://x"}, "http:// or https://"),
    ("kafka-to-webhook", {"topic": "bad topic!", "webhook_url": "http://x"}, "topic must be"),
    ("kafka-to-webhook", {"topic": "t", "webhook_url": "http://x", "colour": 1},
     "does not take parameter(s) colour"),
    ("kafka-to-database", {"topic": "t", "table": "x; DROP TABLE y"}, "plain SQL identifier"),
    ("webhook-to-kafka", {"topic": "t", "webhook_path": "../etc"}, "webhook_path"),
    ("webhook-to-kafka", {"topic": "t", "webhook_path": "p", "brokers": "nohostport"},
     "host:port"),
    ("kafka-to-slack", {"topic": "t", "channel": "#c", "from_beginning": "yes"},
     "true or false"),
])
def test_template_parameter_errors(name, params, fragment):
    with pytest.raises(TemplateError) as info:
        render_template(name, params)
    assert fragment in str(info.value)


def test_secret_values():
    data = {"apiKey": "sk-1", "accessToken": "xoxb", "password": "pw", "user": "u",
            "port": 5432, "private-key": "pem", "ssl": False}
    assert sorted(secret_values(data)) == ["pem", "pw", "sk-1", "xoxb"]


def test_assign_webhook_ids_only_where_missing():
    nodes = [{"type": "n8n-nodes-base.webhook"}, {"type": "n8n-nodes-base.webhook",
                                                  "webhookId": "keep"},
             {"type": "n8n-nodes-base.kafka"}]
    assign_webhook_ids(nodes, lambda: "new")
    assert [n.get("webhookId") for n in nodes] == ["new", "keep", None]


POSTGRES_SCHEMA = {
    "properties": {"ssl": {"type": "string"}, "sshTunnel": {"type": "boolean"},
                   "allowUnauthorizedCerts": {"type": "boolean"}, "sshHost": {"type": "string"}},
    "allOf": [
        {"if": {"properties": {"allowUnauthorizedCerts": {"enum": [False]}}},
         "then": {"allOf": [{"required": ["ssl"]}]}},
        {"if": {"properties": {"sshTunnel": {"enum": [True]}}},
         "then": {"allOf": [{"required": ["sshHost"]}]}},
    ],
}
SLACK_SCHEMA = {
    "properties": {"accessToken": {"type": "string"}, "signatureSecret": {"type": "string"},
                   "notice": {"type": "notice"}},
    "allOf": [{"if": {"properties": {"signatureSecret": {"enum": [""]}}},
               "then": {"allOf": [{"required": ["notice"]}]}}],
}


@pytest.mark.parametrize("data, schema, expected", [
    ({"ssl": "disable"}, POSTGRES_SCHEMA,
     {"ssl": "disable", "sshTunnel": False, "allowUnauthorizedCerts": False}),
    ({"sshTunnel": True, "allowUnauthorizedCerts": True}, POSTGRES_SCHEMA,
     {"sshTunnel": True, "allowUnauthorizedCerts": True}),
    ({"accessToken": "x"}, SLACK_SCHEMA, {"accessToken": "x", "notice": ""}),
    ({"accessToken": "x", "signatureSecret": "s"}, SLACK_SCHEMA,
     {"accessToken": "x", "signatureSecret": "s"}),
    ({"a": 1}, {}, {"a": 1}),
])
def test_complete_credential_data(data, schema, expected):
    assert complete_credential_data(data, schema) == expected


def _refusing(exc):
    def opener(url, **kwargs):
        raise exc
    return opener


@pytest.mark.parametrize("exc, start, retried", [
    (URLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
     "listing tags: the TLS certificate of n8n at https://127.0.0.1:1 is not trusted", 0),
    (URLError("[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required"),
     "listing tags: n8n at https://127.0.0.1:1 (or the TLS proxy in front of it) refused the "
     "client certificate", 0),
    (URLError(ConnectionResetError(104, "Connection reset by peer")),
     "listing tags: cannot reach n8n at https://127.0.0.1:1", 1),
])
def test_tls_refusals_are_explained(exc, start, retried):
    client = N8nClient("https://127.0.0.1:1", "key", opener=_refusing(exc),
                       retry=RetryPolicy(retries=1, sleep=lambda s: None))
    with pytest.raises(N8nError) as info:
        client.list_tags()
    assert info.value.msg.startswith(start), info.value.msg
    assert len(client.retried) == retried
    if isinstance(getattr(exc, "reason", None), ConnectionResetError):
        assert "set client_cert and client_key (or N8N_CLIENT_CERT" in info.value.msg
