"""The n8n guide's examples, run as written against this area's n8n, Kafka broker and receiver.

Registered in RUNS for tests/integration/docs/test_guide_examples.py::test_every_example_is_proven
(which checks that every example of every guide is run or quoted from a file the suite runs).
One playbook: the first example (a play with the n8n connection in module_defaults), then the
credentials and the n8n_workflow_info examples (task lists, which take the connection from
N8N_API_URL/N8N_API_KEY as the guide says). Placeholders replaced: n8n's URL, the brokers and the
ERP webhook (the receiver, which records what n8n sends it).
"""
import json
import time
import uuid

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic

from testbed import guides

RUNS = {
    ("n8n_workflow.rst", 0): "test_n8n_guide_examples",
    ("n8n_workflow.rst", 1): "test_n8n_guide_examples",
    ("n8n_workflow.rst", 3): "test_n8n_guide_examples",
}


def live_workflows(n8n, name):
    status, body = n8n.api("GET", "/workflows?name=%s" % name)
    assert status == 200, body
    return [wf for wf in body["data"] if wf["name"] == name]


def test_n8n_guide_examples(kafka, n8n, receiver, tmp_path):
    """orders-to-erp is active and forwards a Kafka message on "orders" to the ERP webhook;
    invoices-to-erp exists (inactive) with its trigger on the prod-kafka credential the task
    created; the info example lists the active, kafka-tagged workflow."""
    client = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    try:
        if "orders" not in client.list_topics():
            client.create_topics([NewTopic("orders", 1, 1)], timeout_ms=30000)
    finally:
        client.close()
    first = guides.example("n8n_workflow.rst", 0)
    tables = {
        0: {"https://n8n.example.com": n8n.url,
            "[kafka1:9092, kafka2:9092]": "[%s]" % kafka.bootstrap_servers,
            "https://erp.example.com/hooks/orders": receiver.url + "/hooks/orders"},
        1: {}, 3: {},
    }
    plays, names = [], {}
    for index, table in sorted(tables.items()):
        block = first if index == 0 else guides.example("n8n_workflow.rst", index)
        names[index] = "n8n_workflow.rst example %d" % index
        plays += guides.plays(block, guides.substitute(block, table), names[index])
    path = guides.write_playbook(str(tmp_path / "examples.yml"), plays)
    extra_vars = {"vault_n8n_api_key": n8n.api_key, "vault_kafka_password": "n8n-scram-secret"}
    try:
        run = guides.run(path, extra_vars, env={"N8N_API_URL": n8n.url, "N8N_API_KEY": n8n.api_key})

        # the first example: active, and a message on "orders" reaches the ERP webhook
        (orders,) = live_workflows(n8n, "orders-to-erp")
        assert orders["active"] is True and [t["name"] for t in orders["tags"]] == ["kafka"]
        marker = uuid.uuid4().hex
        producer = KafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
        got, deadline = None, time.time() + 90
        while got is None and time.time() < deadline:  # until the trigger's consumer has joined
            producer.send("orders", json.dumps({"order": 42, "marker": marker}).encode()).get(30)
            got = receiver.wait_for(lambda r: r["path"] == "/hooks/orders" and marker.encode() in r["body"],
                                    timeout=3)
        producer.close()
        assert got is not None, "no order reached the ERP webhook\n" + n8n.log_tail()
        assert json.loads(got["body"].decode()) == {"order": 42, "marker": marker}

        # the credentials example: the trigger uses the prod-kafka credential it created
        (invoices,) = live_workflows(n8n, "invoices-to-erp")
        assert invoices["active"] is False
        status, body = n8n.api("GET", "/workflows/%s" % invoices["id"])
        assert status == 200, body
        trigger = [n for n in body["nodes"] if n["type"] == "n8n-nodes-base.kafkaTrigger"][0]
        status, creds = n8n.api("GET", "/credentials?limit=250")
        assert status == 200, creds
        (cred,) = [c for c in creds["data"] if c["name"] == "prod-kafka"]
        assert cred["type"] == "kafka"
        assert trigger["credentials"]["kafka"] == {"id": cred["id"], "name": "prod-kafka"}
        assert trigger["parameters"]["topic"] == "invoices"

        # the n8n_workflow_info example: active workflows tagged kafka, without details
        flows = guides.play_results(run, names[3])[-1]["workflows"]
        assert "orders-to-erp" in [f["name"] for f in flows]
        assert "invoices-to-erp" not in [f["name"] for f in flows]
    finally:
        for name in ("orders-to-erp", "invoices-to-erp"):
            for workflow in live_workflows(n8n, name):
                n8n.api("DELETE", "/workflows/%s" % workflow["id"])
