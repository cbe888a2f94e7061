"""Every usage example of the user guides (docs/docsite/rst/*.rst) is one that a test runs.

A ``yaml+jinja`` block of a guide is proven in one of two ways:

* run: it is listed in ``RUNS`` of one of the ``RUN_MODULES`` below, whose test takes the block
  as written from the guide (testbed.guides), replaces the guide's placeholders (host names,
  file paths) through its own table, adds the variables the example reads as extra vars and runs
  it with ansible-playbook against the test servers, then checks what the example did;
* excerpt: it is preceded by the RST comment ``.. excerpt: <path>`` and appears verbatim in that
  file, which is one the suite runs (``EXCERPT_SOURCES``).

``test_every_example_is_proven`` needs no server: it fails for a block that is neither, and for a
registration whose block no longer exists or is no longer an example. The run tests of this file
use the core lane's brokers (the session's ``kafka`` and ``kafka3``, and ``guide_kafka`` below for
the SASL and TLS examples); Schema Registry and n8n have theirs in their areas (the service
lane).
"""
import base64
import fnmatch
import importlib.util
import json
import os
import sys
import threading
import time

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import (ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, ConfigResource,
                         ConfigResourceType, NewTopic, ResourcePatternFilter, ResourceType)
from kafka.structs import OffsetAndMetadata

from testbed import guides
from testbed.kafka import REPO, TEST_JVM_ARGS
from testbed.secure import ADMIN_USER, SCRAM_MECHANISMS, SecureKafkaCluster

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION = os.path.dirname(HERE)

# Test modules that run guide examples; each has RUNS = {(guide, block index): test name}.
RUN_MODULES = [
    os.path.join(HERE, "test_guide_examples.py"),
    os.path.join(INTEGRATION, "schema_registry", "test_schema_registry_guide.py"),
    os.path.join(INTEGRATION, "n8n", "test_n8n_guide.py"),
    os.path.join(INTEGRATION, "kafka", "test_kafka_message.py"),
    os.path.join(INTEGRATION, "awx", "test_awx_guide.py"),
    os.path.join(INTEGRATION, "awx", "test_credential_types.py"),
    os.path.join(INTEGRATION, "confluent_cloud", "test_confluent_guide.py"),
    os.path.join(INTEGRATION, "event_hubs", "test_event_hubs_playbook.py"),
]

# Files an ``.. excerpt:`` may quote (relative to the collection root), and what runs them.
EXCERPT_SOURCES = {
    "roles/kafka_broker/tasks/*.yml": "the molecule scenarios default, rolling and site",
    "roles/kafka_broker/handlers/*.yml": "the molecule scenarios default, rolling and site",
    "playbooks/site.yml": "the molecule scenario site",
    "examples/site/**": "the molecule scenario site (its inventory and desired state)",
    "playbooks/dev_env.yml": "tests/integration/kafka_broker/test_dev_lifecycle.py and test_dev_env_monitoring.py",
    "playbooks/rolling_restart.yml": "the molecule scenario rolling",
    "playbooks/kafka_connect.yml": "tests/integration/kafka_connect/test_kafka_connect_role.py",
    "molecule/site/converge.yml": "the molecule scenario site",
    "meta/execution-environment.yml": "scripts/ee.sh (make ee: ansible-builder introspects it)",
    "examples/execution-environment/*": "scripts/ee.sh (make ee: ansible-builder create)",
}

RUNS = {
    ("connection.rst", 0): "test_connection_examples",
    ("connection.rst", 1): "test_connection_examples",
    ("connection.rst", 2): "test_connection_examples",
    ("connection.rst", 3): "test_connection_examples",
    ("connection.rst", 4): "test_connection_examples",
    ("kafka_topic.rst", 0): "test_kafka_topic_example",
    ("kafka_info.rst", 0): "test_kafka_info_health_gate_example",
    ("kafka_info.rst", 1): "test_kafka_info_other_examples",
    ("confluent_cloud.rst", 1): "test_confluent_cloud_connection_example",
    ("security.rst", 0): "test_security_example",
}


def _load(path):
    name = "_guide_runs_" + os.path.basename(os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(name, path)
    loaded = importlib.util.module_from_spec(spec)
    # its area's own helpers (awx_injectors) import as they do when pytest collects the area
    sys.path.insert(0, os.path.dirname(path))
    try:
        spec.loader.exec_module(loaded)
    finally:
        sys.path.remove(os.path.dirname(path))
    return loaded


def registrations():
    """(guide, index) -> "path::test" of every run test."""
    found = {}
    for path in RUN_MODULES:
        loaded = _load(path) if path != os.path.abspath(__file__) else None
        runs, tests = (loaded.RUNS, vars(loaded)) if loaded else (RUNS, globals())
        for key, test in runs.items():
            assert callable(tests.get(test)), "%s registers %s for %s, but has no such test" % (path, test, key)
            found[key] = "%s::%s" % (os.path.relpath(path, REPO), test)
    return found


def excerpt_source_allowed(path):
    return any(fnmatch.fnmatch(path, pattern) or
               (pattern.endswith("/**") and path.startswith(pattern[:-2]))
               for pattern in EXCERPT_SOURCES)


def test_every_example_is_proven():
    registered = registrations()
    problems = []
    examples = guides.examples()
    assert examples, "no yaml+jinja example found in %s" % guides.GUIDES
    for block in examples:
        key = (block.guide, block.index)
        path = guides.excerpt_path(block)
        if path and key in registered:
            problems.append("%s is both an excerpt and run by %s" % (guides.describe(block), registered[key]))
        elif path:
            full = os.path.join(guides.COLLECTION, path)
            if not excerpt_source_allowed(path):
                problems.append("%s quotes %s, which is not a file the suite runs (%s)"
                                % (guides.describe(block), path, ", ".join(EXCERPT_SOURCES)))
            elif not os.path.isfile(full):
                problems.append("%s quotes %s, which does not exist" % (guides.describe(block), path))
            else:
                with open(full, encoding="utf-8") as handle:
                    if not guides.find_excerpt(block, handle.read()):
                        problems.append("%s is not (any more) an excerpt of %s"
                                        % (guides.describe(block), path))
        elif key not in registered:
            modules = ", ".join(os.path.relpath(p, REPO) for p in RUN_MODULES)
            problems.append("%s is neither run by a test (RUNS of %s) nor an '.. excerpt: <path>'"
                            % (guides.describe(block), modules))
    by_key = dict(((b.guide, b.index), b) for b in guides.blocks())
    for key, test in sorted(registered.items()):
        block = by_key.get(key)
        if block is None:
            problems.append("%s runs %s block %d, which does not exist" % (test, key[0], key[1]))
        elif block.language != guides.EXAMPLE_LANGUAGE or guides.excerpt_path(block):
            problems.append("%s runs %s, which is not a %s example to run"
                            % (test, guides.describe(block), guides.EXAMPLE_LANGUAGE))
    assert not problems, "guide examples not proven:\n" + "\n".join(problems)


def test_the_parser_reads_blocks_comments_and_excerpts():
    text = "\n".join([
        "Intro", "", ".. code-block:: yaml+jinja", "", "   - hosts: all", "     tasks: []", "",
        "   - hosts: x", "Prose.", "", ".. excerpt: roles/r/tasks/main.yml", "",
        ".. code-block:: yaml", "   :caption: out", "", "   a: 1", "",
    ])
    first, second = guides.parse("g.rst", text)
    assert (first.index, first.language, first.comment) == (0, "yaml+jinja", None)
    assert first.text == "- hosts: all\n  tasks: []\n\n- hosts: x\n"
    assert (second.language, second.text, guides.excerpt_path(second)) == \
        ("yaml", "a: 1\n", "roles/r/tasks/main.yml")
    source = "- block:\n    - name: A   \n      x: 1\n\n    - name: B\n"
    assert guides.find_excerpt(second._replace(text="- name: A\n  x: 1\n"), source)
    assert not guides.find_excerpt(second._replace(text="- name: A\n  x: 2\n"), source)
    assert not guides.find_excerpt(second._replace(text="- name: A\nx: 1\n"), source)


# -- the secured broker of the connection examples ----------------------------------------------

# ``GuideKafka`` is the security area's test bed (testbed.secure: SASL_SSL with SCRAM, SSL with
# client certificates, StandardAuthorizer, no ACL means denied) with two more mechanisms on its
# SASL_SSL listener, configured the way Kafka documents them:
#
# * PLAIN (what Confluent Cloud's API keys use), with one user (``API_KEY``/``API_SECRET``);
# * OAUTHBEARER with Kafka's own unsecured-token validator (the broker's default when no JWKS
#   endpoint is configured): it checks the token's form, expiry and ``sub`` claim, not a signature.
#   ``unsecured_token(sub)`` makes such a token. Proving the connection guide's OAUTHBEARER settings
#   needs a broker that takes a bearer token; the identity provider that would sign it in production
#   is not part of what the example shows (the token comes from an earlier task).
#
# Both principals are super users, like the SCRAM ``admin``.
API_KEY = "GUIDEAPIKEY42"
API_SECRET = "guide-api-secret-0123456789"
MECHANISMS = SCRAM_MECHANISMS + ("PLAIN", "OAUTHBEARER")


class GuideKafka(SecureKafkaCluster):
    def _node_config(self, node):
        config = super(GuideKafka, self)._node_config(node)
        config.update({
            "sasl.enabled.mechanisms": ",".join(MECHANISMS),
            "listener.name.sasl_ssl.sasl.enabled.mechanisms": ",".join(MECHANISMS),
            "listener.name.sasl_ssl.plain.sasl.jaas.config":
                'org.apache.kafka.common.security.plain.PlainLoginModule required user_%s="%s";'
                % (API_KEY, API_SECRET),
            "listener.name.sasl_ssl.oauthbearer.sasl.jaas.config":
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                'unsecuredLoginStringClaim_sub="%s";' % ADMIN_USER,
            "super.users": config["super.users"] + ";User:%s" % API_KEY,
        })
        return config


def unsecured_token(sub, lifetime=600):
    """An unsigned JWT (``alg: none``) for ``sub``, valid ``lifetime`` seconds."""
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    now = int(time.time())
    return "%s.%s." % (part({"alg": "none"}), part({"sub": sub, "iat": now, "exp": now + lifetime}))


@pytest.fixture(scope="module")
def guide_kafka_boot():
    """Starts ``GuideKafka`` in the background (the tests on kafka3 request it so that the broker
    boots while they run); ``guide_kafka`` waits for it. Stopped when this file is done."""
    cluster, failure = GuideKafka(size=1, jvm_args=TEST_JVM_ARGS), []

    def start():
        try:
            cluster.start(timeout=300)
        except Exception as exc:  # pylint: disable=broad-except
            failure.append(exc)
    thread = threading.Thread(target=start, name="guide-kafka-start", daemon=True)
    thread.start()
    yield cluster, thread, failure
    thread.join()
    cluster.stop()


@pytest.fixture(scope="module")
def guide_kafka(guide_kafka_boot):
    cluster, thread, failure = guide_kafka_boot
    thread.join()
    if failure:
        raise failure[0]
    return cluster


# -- runs -----------------------------------------------------------------------------------------

def run_examples(tmp_path, parts, extra_vars=None, inventory="localhost,", limit=None, env=None):
    """Run the examples ``parts`` [(guide, index, substitutions, play changes)] as one playbook;
    return (run, {(guide, index): play name})."""
    all_plays, names = [], {}
    for guide, index, table, play_changes in parts:
        block = guides.example(guide, index)
        name = "%s example %d" % (guide, index)
        plays = guides.plays(block, guides.substitute(block, table), name)
        plays[0].update(play_changes or {})
        all_plays += plays
        names[(guide, index)] = name
    path = guides.write_playbook(str(tmp_path / "examples.yml"), all_plays)
    return guides.run(path, extra_vars, env=env, host=limit or "localhost", inventory=inventory,
                      limit=limit), names


def one(results, task_words):
    found = [r for r in results if task_words in r["_task"]]
    assert len(found) == 1, (task_words, [r["_task"] for r in results])
    assert not found[0].get("skipped"), found[0]
    return found[0]


def admin(cluster):
    return KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers, request_timeout_ms=30000)


def delete_topics(cluster, names):
    client = admin(cluster)
    try:
        existing = set(client.list_topics())
        gone = [n for n in names if n in existing]
        if gone:
            client.delete_topics(gone, timeout_ms=30000)
    finally:
        client.close()


def described(cluster, names):
    """Read back with kafka-python's admin client: {topic: (partitions, replicas, configs)}."""
    client = admin(cluster)
    try:
        existing = set(client.list_topics())
        topics = dict((t["name"], t) for t in client.describe_topics([n for n in names if n in existing]))
        resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in topics]
        configs = client.describe_configs(resources)["topic"] if resources else {}
        return dict((name, (len(t["partitions"]), set(len(p["replica_nodes"]) for p in t["partitions"]),
                            dict((k, v["value"]) for k, v in configs.get(name, {}).items())))
                    for name, t in topics.items())
    finally:
        client.close()


def test_kafka_topic_example(kafka3, guide_kafka_boot, tmp_path):
    """The shop's topics: created with 12 and 1 partitions on 3 replicas with the declared
    configs, and shop.legacy (made here first) deleted; read back with the admin client."""
    names = ["shop.orders", "shop.orders.dlq", "shop.legacy"]
    delete_topics(kafka3, names)
    client = admin(kafka3)
    try:
        client.create_topics([NewTopic("shop.legacy", 1, 1)], timeout_ms=30000)
    finally:
        client.close()
    try:
        run, names_by_example = run_examples(tmp_path, [
            ("kafka_topic.rst", 0, {"broker1:9092,broker2:9092": kafka3.bootstrap_servers}, None)])
        result = guides.play_results(run, names_by_example[("kafka_topic.rst", 0)])[-1]
        assert sorted(result["created"]) == ["shop.orders", "shop.orders.dlq"]
        assert result["deleted"] == ["shop.legacy"]
        # a deletion reaches every broker's metadata a moment after DeleteTopics returns
        deadline = time.time() + 30
        live = described(kafka3, names)
        while "shop.legacy" in live and time.time() < deadline:
            time.sleep(0.5)
            live = described(kafka3, names)
        assert set(live) == {"shop.orders", "shop.orders.dlq"}
        partitions, replicas, configs = live["shop.orders"]
        assert (partitions, replicas) == (12, {3})
        assert configs["retention.ms"] == "604800000"
        assert configs["cleanup.policy"] == "compact,delete"
        assert configs["min.insync.replicas"] == "2"
        assert live["shop.orders.dlq"][:2] == (1, {3})
        assert live["shop.orders.dlq"][2]["min.insync.replicas"] == "2"
    finally:
        delete_topics(kafka3, names)


def test_kafka_info_health_gate_example(kafka3, guide_kafka_boot, tmp_path):
    """The health gate after a restart: broker 3 of the shared cluster is stopped and started
    again, and the example (run for that broker of an inventory of the three) returns only once
    broker 3 is back and every partition is in sync, so it had to ask more than once."""
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"kafka_brokers": {"hosts": dict(
        ("broker%d" % n.node_id, {"kafka_broker_node_id": n.node_id, "ansible_connection": "local"})
        for n in kafka3.nodes)}}))
    restarted = kafka3.nodes[2]
    restarted.stop()
    restarted.start()
    run, names = run_examples(
        tmp_path, [("kafka_info.rst", 0, {}, {"hosts": "kafka_brokers", "serial": 1})],
        {"kafka_bootstrap_servers": kafka3.bootstrap_servers},
        inventory=str(inventory), limit="broker%d" % restarted.node_id)
    result = guides.play_results(run, names[("kafka_info.rst", 0)],
                                 host="broker%d" % restarted.node_id)[-1]
    assert result["healthy"] is True, result["health_problems"]
    assert result["broker_ids"] == [1, 2, 3]
    assert result["wait"]["polls"] > 1, result["wait"]
    assert result["summary"]["fenced_brokers"] == [] and result["quorum"]["caught_up"] is True


def test_kafka_info_other_examples(kafka3, guide_kafka_boot, tmp_path):
    """orders.created (12 partitions, 3 replicas, retention 7 days) passes the example's own
    asserts, billing's lag is the one committed here, and the quorum wait returns."""
    topic, group = "orders.created", "billing"
    delete_topics(kafka3, [topic])
    client = admin(kafka3)
    try:
        client.create_topics([NewTopic(topic, 12, 3, topic_configs={"retention.ms": "604800000"})],
                             timeout_ms=30000)
    finally:
        client.close()
    try:
        producer = KafkaProducer(bootstrap_servers=kafka3.bootstrap_servers)
        for i in range(10):
            producer.send(topic, b"order-%d" % i, partition=0)
        producer.flush()
        producer.close()
        consumer = KafkaConsumer(bootstrap_servers=kafka3.bootstrap_servers, group_id=group,
                                 enable_auto_commit=False)
        consumer.commit({TopicPartition(topic, 0): OffsetAndMetadata(3, "", -1)})
        consumer.close()
        run, names = run_examples(
            tmp_path, [("kafka_info.rst", 1, {}, None)],
            env={"KAFKA_BOOTSTRAP_SERVERS": kafka3.bootstrap_servers})
        results = guides.play_results(run, names[("kafka_info.rst", 1)])
        assert one(results, "Partitions and configs")["topics"][topic]["partition_count"] == 12
        assert one(results, "assert").get("failed") is not True
        assert one(results, "debug")["msg"] == "billing is 7 messages behind"
        quorum = one(results, "Controller quorum")
        assert quorum["quorum"]["caught_up"] is True and quorum["quorum"]["voter_ids"] == [1, 2, 3]
    finally:
        delete_topics(kafka3, [topic])
        client = admin(kafka3)
        try:
            client.delete_consumer_groups([group])
        except Exception:  # pylint: disable=broad-except
            pass
        finally:
            client.close()


def test_connection_examples(kafka, guide_kafka, tmp_path):
    """Plaintext, mutual TLS with an encrypted key, SCRAM over TLS, Confluent Cloud's PLAIN and
    OAUTHBEARER: each example's settings reach the broker that answers with its cluster id. The
    secured broker has no listener without authentication (SASL_SSL, and SSL that requires a
    client certificate), so an answer means the example authenticated. Examples without
    ``ssl_cafile`` rely on the system trust store (public CAs); the test bed's CA stands in for
    it through ``KAFKA_SSL_CAFILE``, the documented fallback."""
    cafile = guide_kafka.cafile
    certfile, keyfile = guide_kafka.client_cert("admin")  # CN=admin: User:admin
    key_password = "guide-key-password"
    with open(keyfile, "rb") as handle:
        key = serialization.load_pem_private_key(handle.read(), password=None)
    encrypted_key = tmp_path / "admin-key.pem"
    encrypted_key.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(key_password.encode())))
    sasl = guide_kafka.sasl_bootstrap_servers
    trust = {"environment": {"KAFKA_SSL_CAFILE": cafile}}
    parts = [
        ("connection.rst", 0, {"broker1:9092,broker2:9092": kafka.bootstrap_servers}, None),
        ("connection.rst", 1, {"broker1.example.com:9093": guide_kafka.ssl_bootstrap_servers,
                               "/etc/kafka/tls/ca.pem": cafile,
                               "/etc/kafka/tls/admin.pem": certfile,
                               "/etc/kafka/tls/admin-key.pem": str(encrypted_key)}, None),
        ("connection.rst", 2, {"broker1.example.com:9094": sasl,
                               "/etc/kafka/tls/ca.pem": cafile}, None),
        ("connection.rst", 3, {"pkc-xxxxx.eu-west-1.aws.confluent.cloud:9092": sasl}, trust),
        ("connection.rst", 4, {"broker1.example.com:9095": sasl}, trust),
    ]
    extra_vars = {
        "vault_kafka_key_password": key_password,
        "vault_kafka_admin_password": guide_kafka.admin_password,
        "confluent_api_key": API_KEY, "confluent_api_secret": API_SECRET,
        "oidc_token": {"json": {"access_token": unsecured_token("admin")}},
    }
    run, names = run_examples(tmp_path, parts, extra_vars)
    for (guide, index, _table, _changes) in parts:
        result = guides.play_results(run, names[(guide, index)])[-1]
        cluster = kafka if index == 0 else guide_kafka
        assert result["cluster"]["cluster_id"] == cluster.cluster_id, (index, result)
        assert result["broker_ids"] == [n.node_id for n in cluster.nodes], (index, result)


def test_confluent_cloud_connection_example(guide_kafka, tmp_path):
    """The Confluent Cloud guide's connection settings (PLAIN over SASL_SSL with a cluster API
    key, the servers from the registered confluent_cluster result) reach the broker: kafka_info
    under them answers with its cluster id. ``orders`` stands for the cluster example's result
    (run against the control-plane fake in tests/integration/confluent_cloud); the secured broker
    with its PLAIN user stands for the cluster, the test bed's CA for the public trust store."""
    extra_vars = {"orders": {"bootstrap_servers": guide_kafka.sasl_bootstrap_servers},
                  "orders_admin_key": API_KEY, "orders_admin_secret": API_SECRET}
    run, names = run_examples(
        tmp_path, [("confluent_cloud.rst", 1, {},
                    {"environment": {"KAFKA_SSL_CAFILE": guide_kafka.cafile}})], extra_vars)
    result = guides.play_results(run, names[("confluent_cloud.rst", 1)])[-1]
    assert result["cluster"]["cluster_id"] == guide_kafka.cluster_id, result
    assert result["broker_ids"] == [n.node_id for n in guide_kafka.nodes], result


def test_security_example(guide_kafka, tmp_path):
    """The security guide's play, as the admin over SASL_SSL with SCRAM-SHA-512: the user orders
    logs in with its new password, holds exactly the example's ACLs, and has its quotas (read
    with Kafka's own ConfigCommand)."""
    password = "orders-guide-secret"
    run, names = run_examples(tmp_path, [
        ("security.rst", 0, {"broker1:9093": guide_kafka.sasl_bootstrap_servers,
                             "/etc/kafka/ca.pem": guide_kafka.cafile}, None)],
        {"vault_kafka_admin_password": guide_kafka.admin_password, "vault_orders_password": password})
    results = guides.play_results(run, names[("security.rst", 0)])
    assert [r.get("changed") for r in results] == [True, True, True], results
    # orders logs in (SCRAM over TLS) with the password the example set
    consumer = KafkaConsumer(**guide_kafka.scram_config("orders", password))
    try:
        consumer.topics()
    finally:
        consumer.close()
    client = KafkaAdminClient(**guide_kafka.admin_config())
    try:
        acls, error = client.describe_acls(ACLFilter(
            principal="User:orders", host="*", operation=ACLOperation.ANY,
            permission_type=ACLPermissionType.ANY,
            resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)))
    finally:
        client.close()
    assert error is not None and not error.errno, error
    bindings = sorted((a.resource_pattern.resource_type.name, a.resource_pattern.resource_name,
                       a.resource_pattern.pattern_type.name, a.operation.name) for a in acls)
    assert bindings == [("GROUP", "orders-service", "LITERAL", "READ"),
                        ("TOPIC", "orders.", "PREFIXED", "DESCRIBE"),
                        ("TOPIC", "orders.", "PREFIXED", "READ"),
                        ("TOPIC", "orders.", "PREFIXED", "WRITE")], bindings
    quotas = guide_kafka.admin_tool("kafka.admin.ConfigCommand", "--describe",
                                    "--entity-type", "users", "--entity-name", "orders")
    assert "producer_byte_rate=1.048576E7" in quotas, quotas
    assert "request_percentage=50.0" in quotas, quotas
