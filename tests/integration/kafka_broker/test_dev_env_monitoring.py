"""Role kafka_monitoring on a real 3-node cluster, run for real (playbooks/dev_env.yml, KAFKA_DEV_MONITORING).

The area's dev cluster (conftest.dev_env), before test_dev_lifecycle.py takes it over.

The dev cluster's three KRaft nodes get the OpenTelemetry metrics agent with the collection's JMX
rules (kafka_broker_metrics_agent: otel); Prometheus (Debian's 2.42), node_exporter and the
consumer lag exporter (an OpenTelemetry Collector with the kafkametrics receiver, built from Go
modules) run beside them, installed and configured by the role in user-level service mode, with the
collection's rules and short ``for`` durations. Asserted, in order:

- every scrape target is up: the three agents (with their node labels), the lag exporter, node_exporter;
- with traffic and a consumer group, every dashboard panel's query and every recording rule returns
  series from the real Prometheus;
- faults: a broker stopped while a producer runs makes KafkaNodeDown and
  KafkaUnderReplicatedPartitions go pending, then firing, in Prometheus' own alerts API; a consumer
  group that stopped while the producer continues makes KafkaConsumerGroupLagGrowing fire; the
  broker started again resolves its alerts;
- playbooks/monitoring.yml with an inventory of the same cluster (no facts of the kafka_broker role)
  converges to what dev_env made: nothing changes, check mode predicts no change; a changed rule
  reloads Prometheus (same process, the new rule served).
"""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest
import yaml
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from testbed.ansible import run_playbook
from testbed.grafana import panel_queries
from testbed.kafka import REPO
from testbed.wait import wait_until

from dev_cluster import DEV_VARS as FAST, PLAYBOOK

COLL = os.path.join(REPO, "ansible_collections", "specweave", "kafka")
DASHBOARDS = os.path.join(COLL, "roles", "kafka_monitoring", "files", "dashboards")
RULES = os.path.join("monitoring", "config", "rules", "kafka-recording.yml")
NODES = ["kafka-dev-1", "kafka-dev-2", "kafka-dev-3"]
TOPIC = "monitoring-orders"
GROUP = "monitoring-billing"
@pytest.fixture(scope="module")
def cluster(dev_env, dev_up):
    """The area's dev cluster, up with monitoring (test_dev_lifecycle.py, which runs after this
    module, takes it over and removes it)."""
    base = int(dev_env["KAFKA_DEV_BASE_PORT"])
    return {"env": dev_env, "state": dev_env["KAFKA_DEV_DIR"], "base": base, "up": dev_up,
            "bootstrap": ",".join("127.0.0.1:%d" % (base + 2 * i) for i in range(3)),
            "prometheus": "http://127.0.0.1:%d" % (base + 9)}


def api(cluster, path, **params):
    url = "%s/api/v1/%s?%s" % (cluster["prometheus"], path, urllib.parse.urlencode(params))
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.load(response)
    assert body["status"] == "success", body
    return body["data"]


def query(cluster, expr):
    return api(cluster, "query", query=expr)["result"]


def wait_for(what, check, timeout=90, delay=1.0):
    return wait_until(check, timeout=timeout, interval=delay, what=what)


def alert_states(cluster, name):
    """{labels-that-matter: state} of the alert ``name`` in Prometheus' alerts API."""
    return dict((tuple(sorted((k, v) for k, v in a["labels"].items() if k in ("kafka_node", "group", "topic"))), a["state"])
                for a in api(cluster, "alerts")["alerts"] if a["labels"]["alertname"] == name)


def ctl(cluster, node, action):
    path = os.path.join(cluster["state"], "node-%d" % node, "config", "kafka-ctl")
    return subprocess.run([path, action], check=True, stdout=subprocess.PIPE, text=True, timeout=120).stdout.strip()


def test_every_target_is_up(cluster):
    def targets():
        active = api(cluster, "targets", state="active")["activeTargets"]
        return active if active and all(t["health"] == "up" for t in active) else None
    active = wait_for("every target up", targets, timeout=60)
    by_job = {}
    for target in active:
        by_job.setdefault(target["labels"]["job"], []).append(target["labels"])
    assert sorted(t["kafka_node"] for t in by_job["kafka"]) == NODES
    assert sorted(t["kafka_node_id"] for t in by_job["kafka"]) == ["1", "2", "3"]
    assert set(t["kafka_cluster"] for t in by_job["kafka"]) == {"kafka-dev"}
    assert len(by_job["kafka-lag"]) == 1 and len(by_job["node"]) == 1 and len(by_job["prometheus"]) == 1


def produce(cluster, count, topic=TOPIC):
    producer = Producer({"bootstrap.servers": cluster["bootstrap"], "acks": "all", "linger.ms": 5})
    for i in range(count):
        producer.produce(topic, key=str(i % 7), value=b"x" * 100)
        producer.poll(0)
    assert producer.flush(30) == 0


def test_every_panel_and_recording_rule_returns_series(cluster):
    admin = AdminClient({"bootstrap.servers": cluster["bootstrap"]})
    futures = admin.create_topics([NewTopic(TOPIC, num_partitions=3, replication_factor=3,
                                            config={"min.insync.replicas": "2"})])
    futures[TOPIC].result(30)
    produce(cluster, 300)
    consumer = Consumer({"bootstrap.servers": cluster["bootstrap"], "group.id": GROUP,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([TOPIC])
    seen = 0
    deadline = time.time() + 60
    while seen < 300 and time.time() < deadline:
        msg = consumer.poll(1)
        if msg is not None and not msg.error():
            seen += 1
    consumer.commit(asynchronous=False)
    consumer.close()
    assert seen == 300
    produce(cluster, 100)

    queries = panel_queries(DASHBOARDS)
    assert len(queries) >= 30, "the dashboards hold %d queries" % len(queries)
    with open(os.path.join(cluster["state"], RULES)) as handle:
        records = [rule["record"] for group in yaml.safe_load(handle)["groups"] for rule in group["rules"]
                   if "record" in rule]
    assert len(records) >= 20
    pending = dict(("%s / %s / %s" % (uid, title, ref), expr) for uid, title, ref, expr in queries)
    pending.update(("recording rule %s" % name, name) for name in records)

    def all_return_series():
        for key, expr in list(pending.items()):
            if query(cluster, expr):
                del pending[key]
        return not pending
    try:
        wait_for("series from every query", all_return_series, timeout=90, delay=3)
    except AssertionError:
        raise AssertionError("no series from %d queries:\n%s" % (len(pending), "\n".join(
            "%s: %s" % item for item in sorted(pending.items()))))


def test_faults_fire_and_resolve(cluster):
    stop = threading.Event()

    def keep_producing():
        producer = Producer({"bootstrap.servers": cluster["bootstrap"], "acks": "1", "linger.ms": 20})
        while not stop.is_set():
            for _ in range(50):
                producer.produce(TOPIC, value=b"y" * 100)
            producer.poll(0)
            time.sleep(0.1)
        producer.flush(30)
    thread = threading.Thread(target=keep_producing, daemon=True)
    thread.start()
    try:
        assert ctl(cluster, 3, "stop") == "stopped"
        seen = {"KafkaNodeDown": set(), "KafkaUnderReplicatedPartitions": set(), "KafkaConsumerGroupLagGrowing": set()}

        def firing():
            node_down = alert_states(cluster, "KafkaNodeDown")
            urp = alert_states(cluster, "KafkaUnderReplicatedPartitions")
            lag = alert_states(cluster, "KafkaConsumerGroupLagGrowing")
            seen["KafkaNodeDown"].update(node_down.values())
            seen["KafkaUnderReplicatedPartitions"].update(urp.values())
            seen["KafkaConsumerGroupLagGrowing"].update(lag.values())
            ok = (node_down.get((("kafka_node", "kafka-dev-3"),)) == "firing"
                  and "firing" in urp.values()
                  and lag.get((("group", GROUP), ("topic", TOPIC))) == "firing")
            return (node_down, urp, lag) if ok else None
        node_down, urp, lag = wait_for("broker-down, under-replicated and lag alerts firing", firing, timeout=120)
        # each went through pending first (its `for` held), and only the stopped node is down
        assert "pending" in seen["KafkaNodeDown"] and "pending" in seen["KafkaUnderReplicatedPartitions"], seen
        assert list(node_down) == [(("kafka_node", "kafka-dev-3"),)]
        assert all(node != (("kafka_node", "kafka-dev-3"),) for node in urp), "the stopped node reports nothing"

        assert ctl(cluster, 3, "start") == "started"

        def resolved():
            return not alert_states(cluster, "KafkaNodeDown") and not alert_states(cluster, "KafkaUnderReplicatedPartitions")
        wait_for("broker alerts resolved", resolved, timeout=120)
    finally:
        stop.set()
        thread.join(60)


MONITORING_PLAYBOOK = os.path.join(COLL, "playbooks", "monitoring.yml")
MONITORING_PLAY = "Dev cluster | Prometheus, rules and the consumer lag exporter (kafka_dev_monitoring)"


def existing_cluster_inventory(cluster, path):
    """The dev cluster as an inventory of an existing cluster (no facts of the kafka_broker role):
    its nodes' settings, and a monitoring host with the dev play's own kafka_monitoring variables."""
    with open(PLAYBOOK) as handle:
        play = [p for p in yaml.safe_load(handle) if p["name"] == MONITORING_PLAY][0]
    base = cluster["base"]
    monitoring_vars = dict(play["vars"])
    monitoring_vars.update({
        "_node": {"kafka_dev_dir": cluster["state"]}, "_base": base,
        "kafka_monitoring_kafka_bootstrap_servers": ["127.0.0.1:%d" % (base + 2 * i) for i in range(3)],
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable})
    monitoring_vars.update(FAST)
    nodes = dict(("kafka-dev-%d" % n, {
        "kafka_broker_node_id": n, "kafka_broker_metrics_port": base + 5 + n,
        "kafka_broker_listeners": {"PLAINTEXT": {"host": "127.0.0.1", "port": base + 2 * (n - 1)},
                                   "CONTROLLER": {"host": "127.0.0.1", "port": base + 2 * (n - 1) + 1}}})
        for n in (1, 2, 3))
    with open(path, "w") as handle:
        yaml.safe_dump({"all": {"children": {
            "kafka_dev": {"hosts": nodes},
            "monitoring": {"hosts": {"localhost": monitoring_vars}}}}}, handle)
    return str(path)


def prometheus_pid(cluster):
    with open(os.path.join(cluster["state"], "monitoring", "config", "prometheus.pid")) as handle:
        return int(handle.read())


def test_monitoring_playbook_on_the_existing_cluster(cluster, tmp_path):
    """playbooks/monitoring.yml with an inventory of the same cluster converges to what dev_env made
    (nothing changes, check mode predicts nothing); a changed rule reloads Prometheus, no restart."""
    inventory = existing_cluster_inventory(cluster, tmp_path / "inventory.yml")
    env = dict(cluster["env"])
    for check in (False, True):
        run = run_playbook(MONITORING_PLAYBOOK, inventory=inventory, env=env, check=check)
        assert run.returncode == 0, run.stdout[-4000:]
        changed = [r["_task"] for r in run.task_results("localhost") if r.get("changed")]
        assert run.stats("localhost").get("ok", 0) > 10
        assert not changed, ("check mode" if check else "second run", changed)

    pid = prometheus_pid(cluster)
    run = run_playbook(MONITORING_PLAYBOOK, {"kafka_monitoring_alert_for_default": "7s"}, inventory=inventory, env=env)
    assert run.returncode == 0, run.stdout[-4000:]
    changed = [r["_task"] for r in run.task_results("localhost") if r.get("changed")]
    assert any("Recording and alert rules" in task for task in changed), changed
    assert any(task.endswith("reload prometheus") for task in changed), changed

    def reloaded():
        rules = [rule for group in api(cluster, "rules", type="alert")["groups"] for rule in group["rules"]]
        return [rule for rule in rules if rule["name"] == "KafkaNodeDown" and rule["duration"] == 7]
    wait_for("the new rule loaded", reloaded, timeout=30)
    assert prometheus_pid(cluster) == pid, "Prometheus was restarted, not reloaded"
