"""The consumer-lag exporter's configuration (kafka_monitoring template otelcol-kafka.yaml.j2).

The template is rendered with Jinja2 and Ansible's own filters, then handed to a real OpenTelemetry
Collector with the kafkametrics receiver and the Prometheus exporter (built by scripts/otelcol.sh
from the same component versions as the otelcol-contrib release the role installs):

* ``otelcol-kafka validate`` must accept the plaintext and the TLS + SCRAM renderings (and, as a
  control, reject a rendering with a setting the receiver does not know);
* ``print-config`` shows that credentials with ``$`` reach the receiver unchanged (the collector
  expands ``${...}`` in every string, the template escapes it);
* live: the collector, run with the rendered configuration against the session's real brokers
  (plaintext, and SASL_SSL with SCRAM-SHA-512 and the per-run CA), serves on its Prometheus endpoint
  the lag of a stopped consumer group per partition, equal to the end offset minus the committed
  offset, under the names of the metric contract.
"""
import json
import os
import shutil
import subprocess
import time
import urllib.request

import jinja2
import pytest
import yaml
from ansible.plugins.filter.core import FilterModule

from testbed.kafka import REPO, free_port
from testbed.cache import cached

ROLE = os.path.join(REPO, "ansible_collections", "specweave", "kafka", "roles", "kafka_monitoring")
TEMPLATE = "otelcol-kafka.yaml.j2"

# The role's variables of the lag exporter with the defaults the role documents.
DEFAULTS = {
    "ansible_managed": "Ansible managed",
    "kafka_monitoring_cluster_name": "kafka",
    "kafka_monitoring_config_dir": "/etc/kafka-monitoring",
    # what the role's vars/main.yml resolves from kafka_monitoring_kafka_bootstrap_servers or the inventory
    "_kafka_monitoring_bootstrap": ["kafka-1.example.com:9092", "kafka-2.example.com:9092"],
    "kafka_monitoring_lag_exporter_host": "127.0.0.1",
    "kafka_monitoring_lag_exporter_port": 9308,
    "kafka_monitoring_lag_exporter_interval": "15s",
    "kafka_monitoring_lag_exporter_group_match": ".*",
    "kafka_monitoring_lag_exporter_topic_match": "^[^_].*$",
    "kafka_monitoring_kafka_protocol_version": "",
    "kafka_monitoring_kafka_tls_ca": "",
    "kafka_monitoring_kafka_tls_cert": "",
    "kafka_monitoring_kafka_tls_key": "",
    "kafka_monitoring_kafka_sasl_mechanism": "",
    "kafka_monitoring_kafka_sasl_username": "",
    "kafka_monitoring_kafka_sasl_password": "",
}


@pytest.fixture(scope="module")
def otelcol():
    return cached("otelcol.sh")


def render(tmp_path, name="otelcol-kafka.yaml", **overrides):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(ROLE, "templates")),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, keep_trailing_newline=True)
    env.filters.update(FilterModule().filters())
    variables = dict(DEFAULTS, **overrides)
    path = tmp_path / name
    path.write_text(env.get_template(TEMPLATE).render(**variables))
    return path


def collector(otelcol, *args):
    return subprocess.run([otelcol] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=60)


def validate(otelcol, path):
    result = collector(otelcol, "validate", "--config=%s" % path)
    assert result.returncode == 0, "otelcol-kafka validate rejected %s:\n%s\n%s" % (path, path.read_text(), result.stdout)


def effective(otelcol, path):
    """The configuration as the collector resolved it (``${...}`` expanded, ``$$`` unescaped)."""
    result = collector(otelcol, "print-config", "--mode=unredacted", "--feature-gates=otelcol.printInitialConfig",
                       "--config=%s" % path)
    assert result.returncode == 0, result.stdout
    return yaml.safe_load(result.stdout)


def tls_scram(config_dir, **overrides):
    values = {
        "kafka_monitoring_config_dir": str(config_dir),
        "kafka_monitoring_kafka_tls_ca": "files/kafka-ca.crt",
        "kafka_monitoring_kafka_tls_cert": "files/monitoring.crt",
        "kafka_monitoring_kafka_tls_key": "files/monitoring.key",
        "kafka_monitoring_kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_monitoring_kafka_sasl_username": "lag-exporter",
        "kafka_monitoring_kafka_sasl_password": "s3cret$$${env:HOME}$",
    }
    values.update(overrides)
    return values


def test_plaintext_rendering_is_accepted_by_the_collector(otelcol, tmp_path):
    path = render(tmp_path)
    validate(otelcol, path)
    config = effective(otelcol, path)
    receiver = config["receivers"]["kafkametrics"]
    assert receiver["brokers"] == DEFAULTS["_kafka_monitoring_bootstrap"]
    assert receiver["topic_match"] == "^[^_].*$"
    assert receiver["group_match"] == ".*"
    assert sorted(receiver["scrapers"]) == ["brokers", "consumers", "topics"]
    # no TLS, no SASL, and the client negotiates the protocol with the brokers
    assert receiver.get("tls") is None
    assert (receiver.get("auth") or {}).get("sasl") is None
    assert not receiver.get("protocol_version")
    exporter = config["exporters"]["prometheus"]
    assert exporter["endpoint"] == "127.0.0.1:9308"
    assert exporter["translation_strategy"] == "UnderscoreEscapingWithoutSuffixes"
    assert exporter["without_scope_info"] is True
    assert exporter["resource_to_telemetry_conversion"]["enabled"] is False


def test_tls_scram_rendering_is_accepted_by_the_collector(otelcol, tmp_path):
    path = render(tmp_path, **tls_scram(tmp_path, kafka_monitoring_kafka_protocol_version="3.9.0",
                                        kafka_monitoring_lag_exporter_host="::1"))
    validate(otelcol, path)
    receiver = effective(otelcol, path)["receivers"]["kafkametrics"]
    assert receiver["tls"]["ca_file"] == str(tmp_path / "kafka-tls" / "ca.crt")
    assert receiver["tls"]["cert_file"] == str(tmp_path / "kafka-tls" / "client.crt")
    assert receiver["tls"]["key_file"] == str(tmp_path / "kafka-tls" / "client.key")
    assert receiver["auth"]["sasl"]["mechanism"] == "SCRAM-SHA-512"
    assert receiver["auth"]["sasl"]["username"] == "lag-exporter"
    # the password arrives as written: neither $$ nor ${env:...} is touched by the collector
    assert receiver["auth"]["sasl"]["password"] == "s3cret$$${env:HOME}$"
    assert receiver["protocol_version"] == "3.9.0"


@pytest.mark.parametrize("overrides, field", [
    ({"kafka_monitoring_kafka_sasl_mechanism": "SCRAM-SHA-1"}, "mechanism"),
    ({"kafka_monitoring_kafka_protocol_version": "3.9"}, "protocol version"),
    ({"kafka_monitoring_lag_exporter_interval": "fast"}, "collection_interval"),
], ids=["sasl-mechanism", "protocol-version", "interval"])
def test_validate_rejects_what_the_receiver_cannot_use(otelcol, tmp_path, overrides, field):
    """The control for the two tests above: validate fails on a bad rendering, so their pass means something."""
    path = render(tmp_path, **tls_scram(tmp_path, **overrides))
    result = collector(otelcol, "validate", "--config=%s" % path)
    assert result.returncode != 0, path.read_text()
    assert field in result.stdout


def stopped_group_with_lag(client, topic, group):
    """A consumer group that committed offset 10 on each partition of a 3-partition topic of 10
    records each and stopped (no member left), then 7 more records on partition 0 and 2 on
    partition 2. Returns the expected lag per partition."""
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import NewTopic
    from kafka.structs import OffsetAndMetadata
    admin = KafkaAdminClient(**client)
    try:
        admin.create_topics([NewTopic(topic, 3, 1)])
    finally:
        admin.close()
    producer = KafkaProducer(**client)
    try:
        for i in range(30):
            producer.send(topic, b"before", partition=i % 3)
        producer.flush()
        # what a consumer that processed everything commits before it stops (no group join needed)
        consumer = KafkaConsumer(group_id=group, enable_auto_commit=False, **client)
        try:
            consumer.commit({TopicPartition(topic, p): OffsetAndMetadata(10, "", -1) for p in range(3)})
        finally:
            consumer.close()
        for partition, count in ((0, 7), (2, 2)):
            for _ in range(count):
                producer.send(topic, b"after", partition=partition)
        producer.flush()
    finally:
        producer.close()
    return {"0": 7, "1": 0, "2": 2}


def scrape(port, group, timeout=30):
    """Samples of the exporter's /metrics once the group's lag is there: {(name, labels): value}."""
    deadline, body = time.time() + timeout, ""
    while time.time() < deadline:
        try:
            body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=3).read().decode()
        except OSError:
            body = ""
        if 'kafka_consumer_group_lag{group="%s"' % group in body:
            break
        time.sleep(0.3)
    samples = {}
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        series, value = line.rsplit(" ", 1)
        name, _, labels = series.partition("{")
        pairs = tuple(sorted(tuple(item.split("=", 1)) for item in labels.rstrip("}").split(",") if item))
        samples[(name, tuple((k, json.loads(v)) for k, v in pairs))] = float(value)
    return samples


def run_collector(otelcol, path, group):
    port = int(yaml.safe_load(path.read_text())["exporters"]["prometheus"]["endpoint"].rsplit(":", 1)[1])
    log = open(str(path) + ".log", "w")
    proc = subprocess.Popen([otelcol, "--config=%s" % path], stdout=log, stderr=subprocess.STDOUT)
    try:
        samples = scrape(port, group)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    assert samples, "no metrics from the collector:\n" + open(str(path) + ".log").read()
    return samples


def assert_lag(samples, topic, group, expected):
    def value(name, **labels):
        return samples.get((name, tuple(sorted(labels.items()))))
    for partition, lag in expected.items():
        end = value("kafka_partition_current_offset", topic=topic, partition=partition)
        committed = value("kafka_consumer_group_offset", group=group, topic=topic, partition=partition)
        assert value("kafka_consumer_group_lag", group=group, topic=topic, partition=partition) == lag == end - committed
        assert committed == 10
    assert value("kafka_consumer_group_lag_sum", group=group, topic=topic) == sum(expected.values())
    assert value("kafka_consumer_group_members", group=group) == 0
    assert value("kafka_topic_partitions", topic=topic) == 3
    assert value("kafka_brokers") >= 1
    # stable names: no unit suffix, no scope labels
    assert not [key for key in samples if key[0].endswith("_ratio") or any(k.startswith("otel_scope") for k, _ in key[1])]


def test_collector_serves_lag_of_a_stopped_group(otelcol, kafka, tmp_path):
    topic, group = "lag-orders", "lag-billing"
    client = {"bootstrap_servers": kafka.bootstrap_servers}
    expected = stopped_group_with_lag(client, topic, group)
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata
    other = KafkaConsumer(group_id="audit-lag", enable_auto_commit=False, **client)
    try:
        other.commit({TopicPartition(topic, 0): OffsetAndMetadata(1, "", -1)})
    finally:
        other.close()
    path = render(tmp_path, _kafka_monitoring_bootstrap=kafka.bootstrap_servers.split(","),
                  kafka_monitoring_lag_exporter_port=free_port(), kafka_monitoring_lag_exporter_interval="2s",
                  kafka_monitoring_lag_exporter_group_match="^lag-")
    samples = run_collector(otelcol, path, group)
    assert_lag(samples, topic, group, expected)
    # group_match: the exporter reports only the groups it is told to (audit-lag has lag 16 on partition 0)
    groups = set(dict(labels).get("group") for _, labels in samples) - set([None])
    assert group in groups and "audit-lag" not in groups
    assert all(name.startswith("lag-") for name in groups)


def test_collector_serves_lag_over_sasl_ssl_with_scram(otelcol, secure, tmp_path):
    topic, group = "lag-secure-orders", "lag-secure-billing"
    expected = stopped_group_with_lag(secure.admin_config(), topic, group)
    # what the role's copy task does with kafka_monitoring_kafka_tls_ca: the CA under <config_dir>/kafka-tls/
    os.makedirs(str(tmp_path / "kafka-tls"))
    shutil.copy(secure.cafile, str(tmp_path / "kafka-tls" / "ca.crt"))
    path = render(tmp_path, **tls_scram(
        tmp_path, _kafka_monitoring_bootstrap=secure.sasl_bootstrap_servers.split(","),
        kafka_monitoring_kafka_tls_cert="", kafka_monitoring_kafka_tls_key="",
        kafka_monitoring_kafka_sasl_username="admin", kafka_monitoring_kafka_sasl_password=secure.admin_password,
        kafka_monitoring_lag_exporter_port=free_port(), kafka_monitoring_lag_exporter_interval="2s"))
    validate(otelcol, path)
    assert_lag(run_collector(otelcol, path, group), topic, group, expected)
