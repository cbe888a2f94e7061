"""kafka_message through real Ansible against real KRaft brokers (librdkafka via confluent-kafka).

What the module reports is checked against an independent client (kafka-python, not librdkafka):
the records it says it produced are at those partitions and offsets with those keys, values and
headers; check mode leaves the log end offsets alone; a committed group offset is what the group
has on the broker. The secured cases run on their own SASL_SSL/mTLS broker (testbed.secure). The
guide's examples (docs/docsite/rst/kafka_message.rst) run here as written, with the broker and topic names
replaced by the test bed's.
"""
import base64
import json
import time
import uuid

import yaml

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import (ACL, ACLOperation, ACLPermissionType, NewTopic, ResourcePattern,
                         ResourceType, ScramMechanism, UserScramCredentialUpsertion)

from testbed import guides
from testbed.ansible import run_module, run_playbook
from testbed.kafka import free_port
from testbed.secure import CertificateAuthority



def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def create_topic(cluster, name, partitions=1, **client):
    admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers, **client)
    try:
        admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        admin.close()
    return name


def message(cluster, args, check=False, **kwargs):
    full = dict(bootstrap_servers=cluster.bootstrap_servers)
    full.update(args)
    return run_module("kafka_message", full, check=check, **kwargs)


def log_end_offsets(cluster, topic, partitions):
    consumer = KafkaConsumer(bootstrap_servers=cluster.bootstrap_servers)
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        return dict((tp.partition, offset) for tp, offset in consumer.end_offsets(tps).items())
    finally:
        consumer.close()


def read_independently(cluster, topic, places, **client):
    """{(partition, offset): (key, value, headers)} read with kafka-python at ``places``."""
    client.setdefault("bootstrap_servers", cluster.bootstrap_servers)
    consumer = KafkaConsumer(enable_auto_commit=False, **client)
    found = {}
    try:
        tps = sorted(set(TopicPartition(topic, p) for p, _o in places))
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, min(o for p, o in places if p == tp.partition))
        deadline = time.time() + 20
        while len(found) < len(places) and time.time() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    if (record.partition, record.offset) in places:
                        found[(record.partition, record.offset)] = (
                            record.key, record.value, sorted(record.headers))
    finally:
        consumer.close()
    return found


# -- round trip, check mode, consume ---------------------------------------------------------

def test_round_trip_with_keys_headers_and_binary_values(kafka):
    topic = create_topic(kafka, unique("msg-round-trip"), partitions=3)
    records = [
        dict(key="order-1", value={"id": 1, "total": 9.5},
             headers={"source": "ansible", "trace": ["a", "b"]}),
        dict(key_base64=base64.b64encode(b"\x00\x01").decode(),
             value_base64=base64.b64encode(b"\x00\xff\xfe").decode(), partition=2),
        dict(key="tombstone", partition=1),
        dict(value=u"caf\u00e9", partition=0),
    ]
    result = message(kafka, dict(topic=topic, records=records, timeout=20))
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True and result["verified"] is True
    assert (result["acknowledged"], result["read_back"], result["missing"]) == (4, 4, [])
    produced = result["produced"]
    assert [r["partition"] for r in produced[1:]] == [2, 1, 0]
    assert produced[0]["value"] == '{"id":1,"total":9.5}'
    assert produced[0]["headers"] == {"source": "ansible", "trace": ["a", "b"]}
    assert produced[1]["key_base64"] == "AAE=" and produced[1]["value_base64"] == "AP/+"
    assert produced[2]["value"] is None
    assert produced[3]["value"] == u"caf\u00e9"
    assert result["consumed"] == produced

    # the records are on the broker where the module says, as it says
    places = dict(((r["partition"], r["offset"]), r) for r in produced)
    found = read_independently(kafka, topic, set(places))
    assert found[(produced[0]["partition"], produced[0]["offset"])] == (
        b"order-1", b'{"id":1,"total":9.5}',
        [("source", b"ansible"), ("trace", b"a"), ("trace", b"b")])
    assert found[(2, produced[1]["offset"])] == (b"\x00\x01", b"\x00\xff\xfe", [])
    assert found[(1, produced[2]["offset"])] == (b"tombstone", None, [])
    assert found[(0, produced[3]["offset"])] == (None, u"caf\u00e9".encode("utf-8"), [])


def test_check_mode_sends_nothing(kafka):
    topic = create_topic(kafka, unique("msg-check"), partitions=2)
    before = log_end_offsets(kafka, topic, 2)
    result = message(kafka, dict(topic=topic, records=[dict(key="k", value="v", partition=1)]),
                     check=True)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    assert result["would_produce"] == [dict(partition=1, key="k", value="v", headers={})]
    assert "produced" not in result
    assert log_end_offsets(kafka, topic, 2) == before == {0: 0, 1: 0}
    # and a partition the topic does not have is refused in check mode too
    bad = message(kafka, dict(topic=topic, records=[dict(value="v", partition=2)]), check=True)
    assert bad.get("failed") is True
    assert bad["msg"] == "Topic '%s' has partitions 0-1; partition 2 does not exist" % topic


def test_consume_finds_records_commits_and_fails_with_the_count_missing(kafka, tmp_path):
    topic = create_topic(kafka, unique("msg-consume"), partitions=2)
    group = unique("msg-group")
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
             "module_defaults": {"group/specweave.kafka.kafka": {
                 "bootstrap_servers": kafka.bootstrap_servers}},
             "tasks": [
                 {"name": "produce", "specweave.kafka.kafka_message": {
                     "topic": topic, "mode": "produce",
                     "records": [{"key": "a", "value": "1", "partition": 0},
                                 {"key": "b", "value": "2", "partition": 0},
                                 {"key": "c", "value": "3", "partition": 1}]}},
                 {"name": "find b", "specweave.kafka.kafka_message": {
                     "topic": topic, "mode": "consume", "records": [{"key": "b", "value": "2"}],
                     "timeout": 10}},
                 {"name": "commit", "specweave.kafka.kafka_message": {
                     "topic": topic, "mode": "consume", "group_id": group, "commit": True}},
                 {"name": "empty partition", "ignore_errors": True,
                  "specweave.kafka.kafka_message": {
                      "topic": topic, "mode": "consume", "group_id": group,
                      "from": "committed", "partitions": [1], "timeout": 2}},
                 {"name": "absent record", "ignore_errors": True,
                  "specweave.kafka.kafka_message": {
                      "topic": topic, "mode": "consume", "timeout": 2,
                      "records": [{"key": "a"}, {"key": "zz"}, {"key": "yy"}]}},
             ]}]
    path = tmp_path / "play.yml"
    path.write_text(json.dumps(play))
    run = run_playbook(str(path))
    results = dict((r["_task"], r) for r in run.task_results())
    assert set(results) == {"produce", "find b", "commit", "empty partition", "absent record"}, \
        run.stdout[-3000:]

    produced = results["produce"]
    assert produced["changed"] is True and "consumed" not in produced
    assert [(r["partition"], r["offset"]) for r in produced["produced"]] == [(0, 0), (0, 1), (1, 0)]

    found = results["find b"]
    assert not found.get("failed"), found.get("msg")
    assert found["changed"] is False and found["verified"] is True
    assert sorted((r["partition"], r["offset"], r["key"]) for r in found["consumed"]) == \
        [(0, 0, "a"), (0, 1, "b"), (1, 0, "c")]

    commit = results["commit"]
    assert not commit.get("failed"), commit.get("msg")
    assert commit["changed"] is True
    assert commit["committed"] == [dict(partition=0, offset=2), dict(partition=1, offset=1)]
    admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    try:
        offsets = admin.list_group_offsets(group)[group]
    finally:
        admin.close()
    assert dict((tp.partition, meta.offset) for tp, meta in offsets.items()) == {0: 2, 1: 1}

    # from the committed offset partition 1 has nothing more: fails after the timeout, with the count
    empty = results["empty partition"]
    assert empty["failed"] is True
    assert empty["msg"] == ("0 records read from '%s' (partition 1) within 2 s where min_records "
                            "is 1: 1 missing" % topic)
    assert empty["verified"] is False and empty["consumed"] == []

    absent = results["absent record"]
    assert absent["failed"] is True
    assert absent["msg"] == ("2 of 3 expected records were not read from '%s' (partitions 0, 1) "
                             "within 2 s (3 records read)" % topic)
    assert absent["missing"] == [dict(key="zz", value=None, headers={}),
                                 dict(key="yy", value=None, headers={})]


# -- failures --------------------------------------------------------------------------------

def run_cases(tmp_path, cases):
    """Run each case (name -> module args) as a task of one play; return the results by name."""
    tasks = [{"name": name, "ignore_errors": True, "specweave.kafka.kafka_message": args}
             for name, args in cases.items()]
    path = tmp_path / "cases.yml"
    path.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False,
                                 "connection": "local", "tasks": tasks}]))
    run = run_playbook(str(path))
    results = dict((r["_task"], r) for r in run.task_results())
    assert set(results) == set(cases), run.stdout[-3000:]
    return results


def test_failures_unreachable_bad_input_and_absent_topic(kafka, tmp_path):
    dead = "127.0.0.1:%d" % free_port()
    absent = unique("msg-absent")
    cases = {
        "unreachable": dict(bootstrap_servers=dead, topic="t", records=[dict(value="v")],
                            request_timeout_ms=3000),
        # input is checked before anything is sent (the server is not there)
        "no records": dict(bootstrap_servers=dead, topic="t", records=[]),
        "negative timeout": dict(bootstrap_servers=dead, topic="t", records=[dict(value="v")],
                                 timeout=-1),
        "value twice": dict(bootstrap_servers=dead, topic="t", mode="produce",
                            records=[dict(value="v", value_base64="AA==")]),
        "absent topic": dict(bootstrap_servers=kafka.bootstrap_servers, topic=absent,
                             records=[dict(value="v")]),
    }
    results = run_cases(tmp_path, cases)
    assert all(r.get("failed") is True for r in results.values()), results
    unreachable = results["unreachable"]
    assert unreachable["msg"] == (
        "connecting failed: could not connect to any of the bootstrap servers %s within the "
        "timeout (KafkaConnectionError: _TRANSPORT: Failed to get metadata: Local: Broker "
        "transport failure). Last error: %s/bootstrap: Connect to ipv4#%s failed: Connection "
        "refused. Check that the brokers are running and reachable, and that security_protocol "
        "matches the listener." % (dead, dead, dead))
    assert results["no records"]["msg"] == ("Invalid input: mode produce_and_verify needs at "
                                            "least one record in records")
    assert results["negative timeout"]["msg"] == ("Invalid input: timeout must be more than 0 "
                                                  "seconds, got -1.0")
    assert results["value twice"]["msg"] == ("Invalid input: records[0]: give value or "
                                             "value_base64, not both")
    assert results["absent topic"]["msg"] == (
        "Topic '%s' does not exist on %s; create it first (for example with "
        "specweave.kafka.kafka_topic)." % (absent, kafka.bootstrap_servers))
    admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    try:
        assert absent not in admin.list_topics()
    finally:
        admin.close()


# -- the secured test bed ----------------------------------------------------------------------

# ``secure``: the session's secured broker (tests/integration/conftest.py); every name used on it
# here is unique


def test_scram_over_tls_and_mtls(secure, tmp_path):
    topic = create_topic(secure, unique("msg-secure"), **secure.admin_config(with_servers=False))
    # a user that may write to the topic but not read it
    writer, writer_password = unique("writer"), uuid.uuid4().hex
    admin = KafkaAdminClient(bootstrap_servers=secure.bootstrap_servers,
                             **secure.admin_config(with_servers=False))
    try:
        assert admin.alter_user_scram_credentials([UserScramCredentialUpsertion(
            writer, ScramMechanism.SCRAM_SHA_512, writer_password)]) == {writer: None}
        resource = ResourcePattern(ResourceType.TOPIC, topic)
        admin.create_acls([ACL("User:" + writer, "*", operation, ACLPermissionType.ALLOW,
                               resource) for operation in (ACLOperation.WRITE,
                                                           ACLOperation.DESCRIBE)])
    finally:
        admin.close()
    cases = {}
    for name, conn in (("scram", secure.module_args()),
                       ("writer", secure.module_args(writer, writer_password)),
                       ("mtls", secure.module_args(cn="admin")),
                       ("wrong password", dict(secure.module_args(), sasl_password="wrong")),
                       ("untrusted", dict(secure.module_args(), ssl_cafile=CertificateAuthority(
                           str(tmp_path / "other-ca")).cafile)),
                       ("no client certificate", dict(
                           secure.module_args(cn="admin"), ssl_certfile=None, ssl_keyfile=None))):
        args = dict(conn, topic=topic, records=[dict(key=name, value="over " + name)],
                    timeout=15, request_timeout_ms=10000)
        cases[name] = dict((k, v) for k, v in args.items() if v is not None)
    results = run_cases(tmp_path, cases)
    assert secure.admin_password not in json.dumps(results)

    for name in ("scram", "mtls"):
        ok = results[name]
        assert not ok.get("failed"), (name, ok.get("msg"))
        assert ok["verified"] is True and ok["consumed"][0]["value"] == "over " + name
    sasl = secure.sasl_bootstrap_servers
    assert results["wrong password"]["msg"].startswith(
        "connecting failed: authentication to %s failed (%s/bootstrap: SASL authentication "
        "error: Authentication failed during authentication due to invalid credentials with "
        "SASL mechanism SCRAM-SHA-512). Check sasl_mechanism, sasl_username and sasl_password"
        % (sasl, sasl)), results["wrong password"]["msg"]
    assert results["untrusted"]["msg"].startswith(
        "connecting failed: the broker certificate at %s is not trusted (" % sasl)
    assert results["untrusted"]["msg"].endswith(
        "Set ssl_cafile (or KAFKA_SSL_CAFILE) to the CA that signed the broker certificates.")
    # the writer's records are acknowledged; reading them back is refused, named, and the
    # result keeps what was produced
    refused = results["writer"]
    assert refused["msg"].startswith("Fetch failed: the principal is not authorized ("), \
        refused["msg"]
    assert "Grant the needed ACLs" in refused["msg"]
    assert refused["acknowledged"] == 1 and refused["produced"][0]["key"] == "writer"
    tls = secure.ssl_bootstrap_servers
    assert results["no client certificate"]["msg"].startswith(
        "connecting failed: the listener at %s requires a client certificate and none was "
        "given (" % tls), results["no client certificate"]["msg"]

    # the three records are on the topic, read independently as the admin
    found = read_independently(secure, topic, {(0, 0), (0, 1), (0, 2)}, **secure.admin_config())
    assert sorted(found.values()) == [(b"mtls", b"over mtls", []), (b"scram", b"over scram", []),
                                      (b"writer", b"over writer", [])]


# -- the guide's examples ----------------------------------------------------------------------

# Registered for tests/integration/docs/test_guide_examples.py::test_every_example_is_proven
RUNS = dict((("kafka_message.rst", index), "test_guide_examples_run_as_written") for index in range(4))


def guide_blocks():
    return [guides.example(guide, index).text for guide, index in sorted(RUNS)]


def test_guide_examples_run_as_written(kafka, secure, tmp_path):
    topic = create_topic(kafka, unique("msg-guide"), partitions=1)
    secure_topic = create_topic(secure, unique("msg-guide-secure"),
                                **secure.admin_config(with_servers=False))
    tasks, plays = [], []
    for block in guide_blocks():
        block = (block.replace("broker1:9092", kafka.bootstrap_servers)
                 .replace("topic: orders", "topic: " + topic)
                 .replace("kafka1.example.com:9093", secure.sasl_bootstrap_servers)
                 .replace("/etc/kafka/tls/ca.pem", secure.cafile)
                 .replace("topic: smoke", "topic: " + secure_topic))
        parsed = yaml.safe_load(block)
        if "hosts" in parsed[0]:
            plays += parsed
        else:
            tasks += parsed
    assert len(tasks) == 7 and len(plays) == 1, (len(tasks), len(plays))
    playbook = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
                 "tasks": tasks}] + plays
    path = tmp_path / "guide.yml"
    path.write_text(yaml.safe_dump(playbook))
    run = run_playbook(str(path), extra_vars={"vault_kafka_admin_password": secure.admin_password})
    assert run.returncode == 0, run.stdout[-4000:]
    results = run.task_results()
    names = [r["_task"] for r in results]
    assert names == [t["name"] for t in tasks] + [t["name"] for t in plays[0]["tasks"]], names
    by_name = dict((r["_task"], r) for r in results)
    assert by_name["Say how it went"]["msg"].startswith("2 of 2 records read back in ")
    assert [r["key"] for r in by_name["Read up to 10 records of partition 0 (5 s at most)"]
            ["consumed"]] == ["order-1", "order-2"]
    assert by_name["Show it"]["msg"] == "0 new records for billing"
    assert by_name["Produce and read back"]["verified"] is True
    # the order topic holds what the guide produced, read independently
    found = read_independently(kafka, topic, {(0, 0), (0, 1)})
    assert found[(0, 0)] == (b"order-1", b'{"id":1,"total":9.5}', [("source", b"ansible")])
    assert found[(0, 1)] == (b"order-2", b"\x00\x01\x02\x03\xff", [])
