"""kafka_load_test through real Ansible against the session's real KRaft broker.

One playbook, small and fast: check mode (nothing sent: the topic's log end offsets move by
exactly the real run's records), an unreachable cluster refused with the connection's message,
then a real run of 2 producers and 2 consumers. (Bad inputs - zero duration, acks=0 with
latency... - are refused before any connection; the unit tests of main() prove it.) What the module reports is checked against an independent
client (kafka-python): the log end offsets moved by the records it says it produced, the
consumers read every one of them, the per-second series add up, the report on disk is the
result, and the plots are PNG files.
"""
import json
import os
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import NewTopic

from testbed.ansible import run_playbook
from testbed.kafka import free_port

RECORDS = 3000
PARTITIONS = 3


def log_end_total(cluster, topic):
    consumer = KafkaConsumer(bootstrap_servers=cluster.bootstrap_servers)
    try:
        tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        return sum(consumer.end_offsets(tps).values())
    finally:
        consumer.close()


def test_load_test_counts_plots_and_refusals(kafka, tmp_path):
    topic = "load-%s" % uuid.uuid4().hex[:8]
    admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    try:
        admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
    finally:
        admin.close()
    # records from before the run must not be counted
    from kafka import KafkaProducer
    producer = KafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    for _ in range(50):
        producer.send(topic, b"x" * 16)
    producer.flush()
    producer.close()
    before = log_end_total(kafka, topic)
    report = str(tmp_path / "out" / "report.json")
    base = {"bootstrap_servers": kafka.bootstrap_servers, "topic": topic}
    task = "specweave.kafka.kafka_load_test"
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local", "tasks": [
        {"name": "check", "check_mode": True, task: dict(base, records=RECORDS)},
        {"name": "unreachable", "ignore_errors": True,
         task: dict(base, bootstrap_servers="127.0.0.1:%d" % free_port(),
                    request_timeout_ms=2000)},
        {"name": "run", task: dict(base, producers=2, consumers=2, records=RECORDS,
                                   record_size=200, compression="lz4",
                                   key_distribution="uniform", key_count=50, duration=60,
                                   report=report, drain_timeout=15)},
    ]}]
    path = tmp_path / "play.yml"
    path.write_text(json.dumps(play))
    run = run_playbook(str(path))
    results = dict((r["_task"], r) for r in run.task_results())
    assert set(results) == {"check", "unreachable", "run"}, run.stdout[-3000:]

    check = results["check"]
    assert not check.get("failed"), check.get("msg")
    assert check["changed"] is True and check["partitions"] == PARTITIONS
    assert check["workload"]["records"] == RECORDS and "produced" not in check

    unreachable = results["unreachable"]
    assert unreachable["failed"] and "produced" not in unreachable
    assert "connect" in unreachable["msg"].lower(), unreachable["msg"]

    result = results["run"]
    assert not result.get("failed"), result.get("msg")
    produced, consumed = result["produced"], result["consumed"]
    # the broker holds exactly the records the run says it produced (check mode sent none)
    assert log_end_total(kafka, topic) - before == RECORDS
    assert produced["sent"] == produced["acknowledged"] == RECORDS and produced["errors"] == 0
    # every record produced was read by the group, and none from before the run
    assert consumed["records"] == RECORDS
    assert consumed["bytes"] == RECORDS * 200
    assert result["latency_ms"]["count"] == RECORDS
    latency = result["latency_ms"]
    assert 0 <= latency["min"] <= latency["p50"] <= latency["p95"] <= latency["p99"] \
        <= latency["max"] < 60000
    assert sum(row["produced"] for row in result["series"]) == RECORDS
    assert sum(row["consumed"] for row in result["series"]) == RECORDS
    assert [p["phase"] for p in result["phases"]] == ["joining group", "producing", "draining"]
    assert set(result["targets"]) == {"producer_msg_s", "producer_mb_s", "consumer_msg_s",
                                      "consumer_mb_s", "latency_p50_ms", "latency_p95_ms",
                                      "latency_p99_ms"}
    assert result["targets"]["latency_p99_ms"]["value"] == latency["p99"]

    with open(report) as handle:
        written = json.load(handle)
    assert written["produced"] == produced and written["latency_ms"] == latency
    assert len(result["plots"]) == 3
    for plot in result["plots"]:
        assert os.path.dirname(plot) == os.path.dirname(report)
        with open(plot, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
        assert os.path.getsize(plot) > 5000
    with open(result["progress_log"]) as handle:
        log = handle.read()
    assert "phase producing" in log and "phase draining" in log
