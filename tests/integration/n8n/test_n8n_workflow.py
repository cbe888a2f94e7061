"""n8n_workflow / n8n_workflow_info against a real n8n and a real Kafka broker.

Every result is read back through n8n's public API with plain urllib (``n8n.api``), Kafka with
its own clients, PostgreSQL with psql; never through the collection's client.
"""
import json
import subprocess
import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer

from testbed.kafka import free_port
from testbed.wait import wait_until


def json_body(req):
    try:
        return json.loads(req["body"].decode())
    except ValueError:
        return None


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def create_topics(kafka, *names):
    for name in names:
        kafka.tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server",
                   kafka.bootstrap_servers, "--create", "--topic", name, "--partitions", "1",
                   "--replication-factor", "1")


def produce(kafka, topic, value):
    producer = KafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    producer.send(topic, json.dumps(value).encode()).get(timeout=30)
    producer.close()


def live_workflow(n8n, name):
    status, body = n8n.api("GET", "/workflows?name=%s" % name)
    assert status == 200, body
    found = [wf for wf in body["data"] if wf["name"] == name]
    assert len(found) <= 1
    if not found:
        return None
    status, body = n8n.api("GET", "/workflows/%s" % found[0]["id"])
    assert status == 200, body
    return body


def node(workflow, node_type):
    return [n for n in workflow["nodes"] if n["type"] == node_type][0]


def credentials_named(n8n, name):
    status, body = n8n.api("GET", "/credentials?limit=250")
    assert status == 200, body
    return [c for c in body["data"] if c["name"] == name]


def without_credential_ids(nodes):
    """Nodes with the ids of their credentials blanked (check mode cannot know new ones)."""
    nodes = json.loads(json.dumps(nodes))
    for item in nodes:
        for ref in (item.get("credentials") or {}).values():
            ref["id"] = None
    return nodes


def run(module, n8n, args, **kwargs):
    full = dict(api_url=n8n.url, api_key=n8n.api_key)
    full.update(args)
    return module("n8n_workflow", full, **kwargs)


def test_kafka_to_webhook_lifecycle(kafka, n8n, receiver, module):
    """check -> unchanged -> apply (credential, tags, activation) -> a Kafka message reaches the
    receiver -> idempotent re-run -> update topic -> deactivate -> delete."""
    topic, topic2 = unique("orders"), unique("orders-v2")
    create_topics(kafka, topic, topic2)
    name = unique("orders-to-hook")
    cred = unique("kafka")
    args = dict(name=name, template="kafka-to-webhook", active=True, tags=["kafka", "orders"],
                template_params=dict(topic=topic, brokers=[kafka.bootstrap_servers],
                                     kafka_credential=cred, from_beginning=True,
                                     webhook_url=receiver.url + "/orders"))

    checked = run(module, n8n, args, check=True, diff=True)
    assert checked["changed"] is True, checked
    assert checked["changes"] == ["credential %s created" % cred, "created",
                                  "tags set to kafka, orders", "activated"]
    assert checked["diff"]["before"]["credentials"] == []
    assert checked["diff"]["after"]["active"] is True
    assert live_workflow(n8n, name) is None and credentials_named(n8n, cred) == []

    applied = run(module, n8n, args, diff=True)
    assert applied["changed"] is True and applied["changes"] == checked["changes"], applied
    live = live_workflow(n8n, name)
    assert live["active"] is True and live["id"] == applied["workflow_id"]
    assert sorted(t["name"] for t in live["tags"]) == ["kafka", "orders"]
    trigger = node(live, "n8n-nodes-base.kafkaTrigger")
    assert trigger["parameters"]["topic"] == topic
    (live_cred,) = credentials_named(n8n, cred)
    assert live_cred["type"] == "kafka"
    assert trigger["credentials"]["kafka"] == {"id": live_cred["id"], "name": cred}
    assert node(live, "n8n-nodes-base.httpRequest")["parameters"]["url"] == receiver.url + "/orders"
    # check mode predicted exactly what happened (ids aside), nodes included
    for key in ("nodes", "connections", "settings", "tags", "active", "name"):
        assert checked["diff"]["after"][key] == applied["diff"]["after"][key], key
    assert without_credential_ids(applied["workflow"]["nodes"]) == checked["workflow"]["nodes"]

    message = {"order": 42, "item": "widget", "marker": topic}
    produce(kafka, topic, message)
    got = receiver.wait_for(lambda r: r["path"] == "/orders" and b'"marker"' in r["body"]
                            and (json_body(r) or {}).get("marker") == topic, timeout=90)
    assert got is not None, "the Kafka message never reached the receiver\n" + n8n.log_tail()
    assert json_body(got) == message

    again = run(module, n8n, args, diff=True)
    assert again["changed"] is False, again["changes"]
    assert live_workflow(n8n, name)["updatedAt"] == live["updatedAt"]
    assert len(credentials_named(n8n, cred)) == 1

    # Update: a new topic, still active (re-published by n8n), verified by a message.
    args["template_params"]["topic"] = topic2
    checked = run(module, n8n, args, check=True, diff=True)
    assert checked["changed"] is True and checked["changes"] == ["updated nodes"]
    assert node(live_workflow(n8n, name), "n8n-nodes-base.kafkaTrigger")["parameters"][
        "topic"] == topic
    before_trigger = [n for n in checked["diff"]["before"]["nodes"] if n["name"] == "Kafka Trigger"]
    after_trigger = [n for n in checked["diff"]["after"]["nodes"] if n["name"] == "Kafka Trigger"]
    assert before_trigger[0]["parameters"]["topic"] == topic
    assert after_trigger[0]["parameters"]["topic"] == topic2
    updated = run(module, n8n, args)
    assert updated["changed"] is True and updated["workflow_id"] == live["id"]
    live = live_workflow(n8n, name)
    assert node(live, "n8n-nodes-base.kafkaTrigger")["parameters"]["topic"] == topic2
    assert live["active"] is True and live["activeVersionId"] == live["versionId"]
    message2 = {"order": 43, "marker": topic2}
    produce(kafka, topic2, message2)
    got = receiver.wait_for(lambda r: b'"marker"' in r["body"]
                            and (json_body(r) or {}).get("marker") == topic2, timeout=90)
    assert got is not None and json_body(got) == message2, n8n.log_tail()
    assert run(module, n8n, args)["changed"] is False

    # Deactivate.
    args["active"] = False
    assert run(module, n8n, args, check=True)["changes"] == ["deactivated"]
    assert live_workflow(n8n, name)["active"] is True
    assert run(module, n8n, args)["changes"] == ["deactivated"]
    assert live_workflow(n8n, name)["active"] is False
    assert run(module, n8n, args)["changed"] is False

    # Delete.
    gone = dict(name=name, state="absent")
    checked = run(module, n8n, gone, check=True, diff=True)
    assert checked["changed"] is True and checked["diff"]["after"] == {}
    assert live_workflow(n8n, name) is not None
    assert run(module, n8n, gone)["changed"] is True
    assert live_workflow(n8n, name) is None
    status, _body = n8n.api("GET", "/workflows/%s" % live["id"])
    assert status == 404
    assert run(module, n8n, gone)["changed"] is False


def test_webhook_to_kafka(kafka, n8n, module, n8n_env):
    """A POST to the n8n webhook ends up in the Kafka topic (connection from the environment)."""
    topic = unique("events")
    create_topics(kafka, topic)
    name, path, cred = unique("events-in"), unique("events-in"), unique("kafka")
    args = dict(name=name, template="webhook-to-kafka", active=True,
                template_params=dict(topic=topic, webhook_path=path, kafka_credential=cred),
                credentials=[dict(name=cred, type="kafka",
                                  data=dict(brokers=[kafka.bootstrap_servers]))])
    result = module("n8n_workflow", args, env=n8n_env)
    assert result["changed"] is True, result
    assert result["webhook_urls"] == ["%s/webhook/%s" % (n8n.url, path)]
    assert live_workflow(n8n, name)["active"] is True

    payload = {"event": "signup", "user": "ada", "id": path}
    status, body = n8n.webhook(path, payload)
    assert status == 200, body
    consumer = KafkaConsumer(topic, bootstrap_servers=kafka.bootstrap_servers,
                             auto_offset_reset="earliest", consumer_timeout_ms=30000,
                             group_id=None)
    values = [json.loads(msg.value) for _i, msg in zip(range(1), consumer)]
    consumer.close()
    assert values == [payload]
    assert module("n8n_workflow", args, env=n8n_env)["changed"] is False
    assert module("n8n_workflow", dict(name=name, state="absent"), env=n8n_env)["changed"]


def test_kafka_to_database(kafka, n8n, postgres, module):
    """Kafka message -> n8n -> a row in a real PostgreSQL table."""
    topic = unique("payments")
    create_topics(kafka, topic)
    table = "kafka_events_%s" % uuid.uuid4().hex[:6]
    postgres.sql("CREATE TABLE public.%s (id serial PRIMARY KEY, topic text, payload jsonb)"
                 % table)
    name, pg_cred, cred = unique("payments-to-db"), unique("pg"), unique("kafka")
    args = dict(name=name, template="kafka-to-database", active=True,
                template_params=dict(topic=topic, table="public." + table,
                                     brokers=kafka.bootstrap_servers, kafka_credential=cred,
                                     postgres_credential=pg_cred, from_beginning=True),
                credentials=[dict(name=pg_cred, type="postgres", data=dict(
                    host="127.0.0.1", port=postgres.port, database=postgres.database,
                    user=postgres.user, ssl="disable"),
                    secret_data=dict(password=postgres.password))])
    result = run(module, n8n, args)
    assert result["changed"] is True, result
    assert sorted(c["type"] for c in result["credentials"]) == ["kafka", "postgres"]
    assert postgres.password not in json.dumps(dict((k, v) for k, v in result.items()
                                                    if k != "_run"))
    assert postgres.password not in result["_run"].stdout
    produce(kafka, topic, {"amount": 12.5, "currency": "EUR"})
    rows = wait_until(lambda: postgres.sql("SELECT topic, payload::text FROM public.%s" % table),
                      timeout=90, what="the row in PostgreSQL")
    got_topic, payload = rows.split("|", 1)
    assert got_topic == topic and json.loads(payload) == {"amount": 12.5, "currency": "EUR"}
    assert run(module, n8n, args)["changed"] is False
    assert run(module, n8n, dict(name=name, state="absent"))["changed"] is True


@pytest.mark.parametrize("template, params, creds", [
    ("kafka-to-slack", dict(channel="#alerts"),
     [dict(name="slack-test", type="slackApi", secret_data=dict(accessToken="xoxb-not-a-real-token"))]),
    ("kafka-ai-agent-action", dict(output_topic="actions"),
     [dict(name="openai-test", type="openAiApi", data=dict(apiKey="sk-not-a-real-key"))]),
])
def test_third_party_templates_import(n8n, module, template, params, creds):
    """Slack and AI agent templates import (inactive) with their credentials, idempotently."""
    name = unique(template)
    key = "slack_credential" if template == "kafka-to-slack" else "openai_credential"
    tparams = dict(params, topic="alerts", brokers="127.0.0.1:9", kafka_credential=unique("k"))
    tparams[key] = creds[0]["name"]
    args = dict(name=name, template=template, template_params=tparams, credentials=creds,
                update_secrets="on_create")
    result = run(module, n8n, args)
    assert result["changed"] is True, result
    live = live_workflow(n8n, name)
    assert live["active"] is False
    want_types = {"kafka-to-slack": {"n8n-nodes-base.slack"},
                  "kafka-ai-agent-action": {"@n8n/n8n-nodes-langchain.agent",
                                            "@n8n/n8n-nodes-langchain.lmChatOpenAi",
                                            "n8n-nodes-base.kafka"}}[template]
    assert want_types <= set(n["type"] for n in live["nodes"])
    assert run(module, n8n, args)["changed"] is False
    always = run(module, n8n, dict(args, update_secrets="always"))
    assert always["changed"] is True and "credential %s updated" % creds[0]["name"] in always[
        "changes"]
    assert run(module, n8n, dict(name=name, state="absent"))["changed"] is True


def test_info_module(n8n, module):
    name = unique("info")
    workflow = {"nodes": [{"name": "Hook", "type": "n8n-nodes-base.webhook", "typeVersion": 2,
                           "position": [0, 0], "parameters": {"path": name,
                                                              "httpMethod": "POST"}}],
                "connections": {}}
    assert run(module, n8n, dict(name=name, workflow=json.dumps(workflow),
                                 tags=["info-test"]))["changed"]
    info = module("n8n_workflow_info", dict(api_url=n8n.url, api_key=n8n.api_key, name=name))
    (item,) = info["workflows"]
    assert item["name"] == name and item["tags"] == ["info-test"] and item["active"] is False
    assert item["webhook_urls"] == ["%s/webhook/%s" % (n8n.url, name)]
    assert item["id"] == live_workflow(n8n, name)["id"]
    tagged = module("n8n_workflow_info", dict(api_url=n8n.url, api_key=n8n.api_key,
                                              tags=["info-test"], details=False))
    assert [w["name"] for w in tagged["workflows"]] == [name]
    assert "nodes" not in tagged["workflows"][0]
    # tags: [] removes them; a re-run is unchanged
    assert run(module, n8n, dict(name=name, workflow=workflow, tags=[]))["changes"] == [
        "tags set to none"]
    assert live_workflow(n8n, name)["tags"] == []
    run(module, n8n, dict(name=name, state="absent"))


def test_hostile_inputs(n8n, module):
    """Clear errors, and nothing left behind."""
    name = unique("hostile")
    ok = dict(name=name, workflow={"nodes": [{"name": "Hook", "type": "n8n-nodes-base.webhook",
                                              "parameters": {"path": name}}],
                                   "connections": {}})

    bad_key = run(module, n8n, dict(ok, api_key="not-a-key"))
    assert bad_key["failed"] and "rejected the API key" in bad_key["msg"]

    down = run(module, n8n, dict(ok, api_url="http://127.0.0.1:%d" % _closed_port(), timeout=5))
    assert down["failed"] and "cannot reach n8n" in down["msg"]

    broken = dict(ok, workflow={"nodes": [{"name": "A", "type": "n8n-nodes-base.noOp"}],
                                "connections": {"A": {"main": [[{"node": "Nowhere"}]]}}})
    res = run(module, n8n, broken)
    assert res["failed"] and "invalid workflow" in res["msg"] and "Nowhere" in res["msg"]

    unknown_type = dict(ok, active=True, workflow={"nodes": [{
        "name": "X", "type": "n8n-nodes-base.doesNotExist", "parameters": {}}],
        "connections": {}})
    res = run(module, n8n, unknown_type)
    assert res["failed"] and "doesNotExist" in res["msg"], res["msg"]

    no_trigger = dict(ok, active=True, workflow={"nodes": [{
        "name": "Only", "type": "n8n-nodes-base.noOp", "parameters": {}}], "connections": {}})
    res = run(module, n8n, no_trigger)
    assert res["failed"] and "refused to activate" in res["msg"], res
    assert "removed again" in res["msg"]

    missing_cred = dict(ok, workflow={"nodes": [{
        "name": "K", "type": "n8n-nodes-base.kafka", "parameters": {"topic": "t"},
        "credentials": {"kafka": "no-such-credential"}}], "connections": {}})
    res = run(module, n8n, missing_cred)
    assert res["failed"] and "'no-such-credential'" in res["msg"]

    res = run(module, n8n, dict(name=name, template="kafka-to-database",
                                template_params=dict(topic="t", table="x; DROP TABLE y")))
    assert res["failed"] and "plain SQL identifier" in res["msg"]

    res = run(module, n8n, dict(name=name, template="kafka-to-webhook",
                                template_params=dict(topic="t", webhook_url="http://x",
                                                     brokers="127.0.0.1:9"),
                                credentials=[dict(name="kafka", data={"brokers": ""})]))
    assert res["failed"] and "needs data.brokers" in res["msg"]

    assert live_workflow(n8n, name) is None


def test_no_outbound_connections(n8n):
    """n8n and its task runner talk to loopback addresses only."""
    pids = set(n8n.pids())
    assert pids
    out = subprocess.run(["ss", "-tanpH"], stdout=subprocess.PIPE, text=True, check=True).stdout
    foreign = []
    for line in out.splitlines():
        if not any("pid=%d," % pid in line for pid in pids):
            continue
        fields = line.split()
        peer = fields[4] if len(fields) > 4 else ""
        host = peer.rsplit(":", 1)[0].strip("[]")
        if host not in ("*", "0.0.0.0", "::") and not host.startswith("127.") \
                and host not in ("::1", "::ffff:127.0.0.1"):
            foreign.append(line)
    assert foreign == []


def _closed_port():
    return free_port()
