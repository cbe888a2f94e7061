"""Both metrics agents of the kafka_broker role on a secured broker, and Prometheus scraping over TLS.

A broker of the secured test bed (testbed.secure: SASL_SSL and mTLS listeners, ACLs) runs with the
two agents the role offers, each installed and configured by the role's own metrics tasks
(``tasks_from: metrics``, jars copied from the controller as on an air-gapped host):

- the OpenTelemetry Java agent (``otel``), plain HTTP;
- the Prometheus JMX exporter agent (``jmx_exporter``) with ``kafka_broker_metrics_tls`` (a PKCS#12
  key store the role builds from the node's PEM certificate and key) and basic auth.

Asserted: the two agents serve the same Kafka metric names (the collection's two rules files agree on
a live broker); the JMX exporter's endpoint answers only over TLS with the right credentials (plain
HTTP, no credentials and a wrong password are refused); the kafka_monitoring role (user-level
services) configures Prometheus to scrape it with the CA and basic auth, and the target is up.
"""
import base64
import json
import os
import re
import ssl
import sys
import time
import urllib.error
import urllib.request

import pytest

from testbed.ansible import run_playbook
from testbed.kafka import free_port
from testbed.secure import SecureKafkaCluster
from testbed.cache import cached

USER, PASSWORD = "prometheus", "scrape-secret-1"
KEYSTORE_PASSWORD = "keystore-secret"

AGENT_PLAY = """
- name: The kafka_broker role's metrics agent, on this machine
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Config dir of the node
      ansible.builtin.file:
        path: "{{ kafka_broker_config_dir }}"
        state: directory
        mode: "0750"
    - name: The role's metrics tasks
      ansible.builtin.include_role:
        name: specweave.kafka.kafka_broker
        tasks_from: metrics
        public: true
    - name: JVM options of the agent
      ansible.builtin.debug:
        msg: "{{ _kafka_broker_metrics_opts }}"
"""

MONITORING_PLAY = """
- name: Prometheus scraping the agent over TLS with basic auth
  hosts: localhost
  gather_facts: false
  tasks:
    - name: The kafka_monitoring role, or its stop entry point
      ansible.builtin.include_role:
        name: specweave.kafka.kafka_monitoring
        tasks_from: "{{ 'main' if state == 'present' else 'stop' }}"
"""


def install_agent(tmp_path, config_dir, agent, port, extra=None):
    play = tmp_path / "agent.yml"
    play.write_text(AGENT_PLAY)
    jar = cached("otel-javaagent.sh" if agent == "otel" else "jmx-exporter-javaagent.sh")
    variables = {"kafka_broker_service_mode": "user", "kafka_broker_config_dir": config_dir,
                 "kafka_broker_metrics_dir": os.path.join(config_dir, "agents"),
                 "kafka_broker_metrics_agent": agent, "kafka_broker_metrics_agent_path": jar,
                 "kafka_broker_metrics_host": "127.0.0.1", "kafka_broker_metrics_port": port}
    variables.update(extra or {})
    run = run_playbook(str(play), variables)
    assert run.returncode == 0, run.stdout[-3000:]
    return [r for r in run.task_results() if r["_task"] == "JVM options of the agent"][0]["msg"].split()


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("secured-scrape")
    config_dir = str(tmp_path / "config")
    opts = []
    cluster = SecureKafkaCluster(size=1, jvm_args=opts)
    # the broker's own certificate and key where the role keeps them (node.pem)
    os.makedirs(os.path.join(config_dir, "tls"))
    with open(cluster.nodes[0].keystore) as source, open(os.path.join(config_dir, "tls", "node.pem"), "w") as handle:
        handle.write(source.read())
    ports = {"otel": free_port(), "jmx_exporter": free_port()}
    opts += install_agent(tmp_path, config_dir, "otel", ports["otel"])
    opts += install_agent(tmp_path, config_dir, "jmx_exporter", ports["jmx_exporter"], {
        "kafka_broker_tls_mode": "provided", "kafka_broker_metrics_tls": True,
        "kafka_broker_metrics_keystore_password": KEYSTORE_PASSWORD,
        "kafka_broker_metrics_basic_auth_username": USER, "kafka_broker_metrics_basic_auth_password": PASSWORD})
    cluster.start()
    try:
        yield {"ca": cluster.ca.cafile, "ports": ports, "tmp": tmp_path, "config_dir": config_dir}
    finally:
        cluster.stop()


def fetch(url, cafile=None, user=None, password=None):
    request = urllib.request.Request(url)
    if user:
        token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        request.add_header("Authorization", "Basic " + token)
    context = ssl.create_default_context(cafile=cafile) if cafile else None
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        return response.read().decode()


def kafka_names(text):
    return set(re.findall(r"^(kafka_[a-z_]+)(?:\{| )", text, re.M))


def wait_names(read, timeout=60):
    """The Kafka metric names an endpoint serves once the broker registered its MBeans."""
    deadline = time.time() + timeout
    names = set()
    while time.time() < deadline:
        names = kafka_names(read())
        if {"kafka_controller_active", "kafka_server_leaders", "kafka_raft_voters"} <= names:
            time.sleep(2)
            return kafka_names(read())
        time.sleep(1)
    raise AssertionError("the agent serves no Kafka metrics after %ds: %s" % (timeout, sorted(names)))


def test_both_agents_serve_the_same_kafka_metrics(broker):
    otel = wait_names(lambda: fetch("http://127.0.0.1:%d/metrics" % broker["ports"]["otel"]))
    jmx = wait_names(lambda: fetch("https://127.0.0.1:%d/metrics" % broker["ports"]["jmx_exporter"],
                                   broker["ca"], USER, PASSWORD))
    assert len(otel) >= 40, sorted(otel)
    assert otel == jmx, ("only from the OpenTelemetry agent: %s; only from the JMX exporter: %s"
                         % (sorted(otel - jmx), sorted(jmx - otel)))


def test_the_jmx_exporter_endpoint_needs_tls_and_credentials(broker):
    url = "https://127.0.0.1:%d/metrics" % broker["ports"]["jmx_exporter"]
    for user, password in ((None, None), (USER, "wrong")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            fetch(url, broker["ca"], user, password)
        assert refused.value.code == 401
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        fetch("http://127.0.0.1:%d/metrics" % broker["ports"]["jmx_exporter"], user=USER, password=PASSWORD)
    with pytest.raises(urllib.error.URLError) as untrusted:
        fetch(url, user=USER, password=PASSWORD)  # the system's CAs do not know the node's CA
    assert "CERTIFICATE_VERIFY_FAILED" in str(untrusted.value)


def test_prometheus_scrapes_the_agent_over_tls_with_basic_auth(broker):
    tmp = broker["tmp"]
    bins = cached("prometheus.sh")
    port = free_port()
    play = tmp / "monitoring.yml"
    play.write_text(MONITORING_PLAY)
    root = str(tmp / "monitoring")
    variables = {
        "kafka_monitoring_service_mode": "user", "kafka_monitoring_manage_user": False,
        "kafka_monitoring_install_source": "controller",
        "kafka_monitoring_prometheus_binary": bins + "/prometheus", "kafka_monitoring_promtool_binary": bins + "/promtool",
        "kafka_monitoring_install_root": root, "kafka_monitoring_config_dir": root + "/config",
        "kafka_monitoring_data_dir": root + "/data", "kafka_monitoring_log_dir": root + "/logs",
        "kafka_monitoring_listen_host": "127.0.0.1", "kafka_monitoring_listen_port": port,
        "kafka_monitoring_lag_exporter": False, "kafka_monitoring_cluster_name": "secured",
        "kafka_monitoring_scrape_interval": "2s", "kafka_monitoring_scrape_timeout": "2s",
        "kafka_monitoring_kafka_targets": [{"host": "127.0.0.1", "port": broker["ports"]["jmx_exporter"],
                                            "node": "secured-1", "node_id": 1}],
        "kafka_monitoring_scrape_scheme": "https", "kafka_monitoring_scrape_tls_ca": broker["ca"],
        "kafka_monitoring_scrape_basic_auth_username": USER, "kafka_monitoring_scrape_basic_auth_password": PASSWORD,
        "ansible_python_interpreter": sys.executable,
    }
    run = run_playbook(str(play), dict(variables, state="present"))
    try:
        assert run.returncode == 0, run.stdout[-3000:]
        with open(root + "/config/prometheus.yml") as handle:
            config = handle.read()
        assert PASSWORD not in config and "password_file" in config and "scheme: https" in config
        assert oct(os.stat(root + "/config/scrape-password").st_mode & 0o777) == "0o600"
        deadline = time.time() + 60
        target = None
        while time.time() < deadline:
            body = json.loads(fetch("http://127.0.0.1:%d/api/v1/targets?state=active" % port))
            targets = [t for t in body["data"]["activeTargets"] if t["labels"]["job"] == "kafka"]
            target = targets[0] if targets else None
            if target and target["health"] == "up":
                break
            time.sleep(1)
        assert target and target["health"] == "up", target
        assert target["scrapeUrl"].startswith("https://127.0.0.1:%d/" % broker["ports"]["jmx_exporter"])
        series = json.loads(fetch("http://127.0.0.1:%d/api/v1/query?query=kafka_server_state" % port))
        assert [r["metric"]["kafka_node"] for r in series["data"]["result"]] == ["secured-1"]
    finally:
        stop = run_playbook(str(play), dict(variables, state="absent"))
        assert stop.returncode == 0, stop.stdout[-3000:]
