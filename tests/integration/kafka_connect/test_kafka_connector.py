"""kafka_connector and kafka_connector_info against a real Connect worker on a real broker.

The pipeline: FileStream source (a file) -> topic -> FileStream sink (another file). Several
connectors and assertions share one playbook run where it stays readable: every Ansible run costs
seconds of CPU on the test machine.
"""
import json
import os
import tempfile
import time
import uuid

import pytest
import yaml
from kafka import KafkaConsumer, TopicPartition

from testbed.ansible import run_module, run_playbook
from testbed.wait import wait_until

SECRET = "S3cret-%s" % uuid.uuid4().hex[:8]


def source_config(path, topic, **extra):
    config = {"connector.class": "FileStreamSource", "file": path, "topic": topic,
              "tasks.max": 1,
              # the broker does not create topics on its own: the worker creates it (KIP-158)
              "topic.creation.default.replication.factor": 1,
              "topic.creation.default.partitions": 1}
    config.update(extra)
    return config


def sink_config(path, topic, **extra):
    config = {"connector.class": "FileStreamSink", "file": path, "topics": topic}
    config.update(extra)
    return config


def lines(path):
    if not os.path.exists(path) or os.path.isdir(path):
        return []
    with open(path) as handle:
        return handle.read().splitlines()


def append(path, rows):
    with open(path, "a") as handle:
        handle.writelines("%s\n" % row for row in rows)


def topic_values(bootstrap, topic):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=3000)
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        consumer.seek_to_beginning(partition)
        return [record.value.decode() for record in consumer]
    finally:
        consumer.close()


def play(tmp, url, tasks):
    """Run ``tasks`` in one play with the worker as module default; return the task results."""
    path = os.path.join(tmp, "play-%s.yml" % uuid.uuid4().hex[:6])
    with open(path, "w") as handle:
        yaml.safe_dump([{
            "name": "connect", "hosts": "localhost", "gather_facts": False,
            "module_defaults": {"specweave.kafka.kafka_connector": {"url": url},
                                "specweave.kafka.kafka_connector_info": {"url": url}},
            "tasks": tasks}], handle, sort_keys=False)
    run = run_playbook(path)
    results = dict((r["_task"], r) for r in run.task_results())
    return results, run


@pytest.fixture
def tmp():
    with tempfile.TemporaryDirectory(prefix="specweave-kc-") as folder:
        os.chmod(folder, 0o777)
        yield folder


def test_pipeline_check_mode_apply_idempotence_and_hostile_input(connect, tmp):
    """Check mode creates nothing, a bad config is refused by the worker's validation in check
    mode with its message, the pipeline carries every record from file to file through the
    topic, the second run changes nothing, a config change is applied in place (the source keeps
    its offsets: nothing is read twice), and hostile inputs fail before any call."""
    prefix = "kc-%s-" % uuid.uuid4().hex[:6]
    topic = prefix + "orders"
    src, dst = os.path.join(tmp, "in.txt"), os.path.join(tmp, "out.txt")
    first = ["order-%d" % i for i in range(50)]
    append(src, first)
    pair = [{"name": prefix + "src", "config": source_config(src, topic)},
            {"name": prefix + "sink", "config": sink_config(dst, topic)}]
    bad = {"name": prefix + "bad", "config": source_config(src, topic, **{"tasks.max": "many"})}
    results, _ = play(tmp, connect.url, [
        {"name": "check", "check_mode": True, "diff": True,
         "specweave.kafka.kafka_connector": {"connectors": pair}, "register": "r"},
        {"name": "info after check", "specweave.kafka.kafka_connector_info": {"prefix": prefix}},
        {"name": "bad in check mode", "check_mode": True, "failed_when": False,
         "specweave.kafka.kafka_connector": {"connectors": pair + [bad]}},
        {"name": "unknown class", "check_mode": True, "failed_when": False,
         "specweave.kafka.kafka_connector": {"name": prefix + "x", "config": {
             "connector.class": "org.example.NoSuchConnector", "topics": topic}}},
        {"name": "missing class", "failed_when": False,
         "specweave.kafka.kafka_connector": {"name": prefix + "x", "config": {"topics": topic}}},
        {"name": "map value", "failed_when": False,
         "specweave.kafka.kafka_connector": {"name": prefix + "x", "config": dict(
             sink_config(dst, topic), transforms={"a": 1})}},
        {"name": "apply", "diff": True, "specweave.kafka.kafka_connector": {"connectors": pair}},
        {"name": "again", "specweave.kafka.kafka_connector": {"connectors": pair}},
    ])
    check = results["check"]
    assert check["changed"] and [c["actions"] for c in check["connectors"]] == [["create"], ["create"]]
    assert set(check["diff"]["after"]) == {prefix + "src", prefix + "sink"}
    assert results["info after check"]["connectors"] == []
    refused = results["bad in check mode"]
    assert refused["msg"].startswith("Kafka Connect refused 1 connector config(s): %sbad: tasks.max: "
                                     "Invalid value many for configuration tasks.max" % prefix)
    assert refused["msg"].endswith("nothing was changed")
    assert "Failed to find any class that implements Connector and which name matches " \
           "org.example.NoSuchConnector" in results["unknown class"]["msg"]
    assert "needs connector.class" in results["missing class"]["msg"]
    assert "config key 'transforms' has a dict value" in results["map value"]["msg"]
    for name in ("missing class", "map value"):  # refused before any call to the worker
        assert "requests" not in results[name]
    applied = results["apply"]
    assert applied["changed"]
    assert [c["status"]["state"] for c in applied["connectors"]] == ["RUNNING", "RUNNING"]
    assert [t["state"] for c in applied["connectors"] for t in c["status"]["tasks"]] == ["RUNNING"] * 2
    assert not results["again"]["changed"]
    assert [c["actions"] for c in results["again"]["connectors"]] == [[], []]
    # nothing of the refused or hostile tasks exists on the worker
    assert sorted(n for n in connect.connectors() if n.startswith(prefix)) == [prefix + "sink", prefix + "src"]

    # records in = records out, through the topic
    wait_until(lambda: lines(dst) == first, timeout=60, what="the sink file")
    assert topic_values(connect.bootstrap, topic) == first

    # a config change in place: the source keeps its offsets (nothing re-read), the sink goes on
    more = ["order-%d" % i for i in range(50, 60)]
    changed = run_module("kafka_connector", {
        "url": connect.url, "connectors": [
            {"name": prefix + "src", "config": source_config(src, topic, **{"batch.size": 500})},
            pair[1]]}, diff=True)
    assert changed["changed"] and [c["actions"] for c in changed["connectors"]] == [["update"], []]
    assert changed["diff"]["after"][prefix + "src"]["config"]["batch.size"] == "500"
    assert connect.config(prefix + "src")["batch.size"] == "500"
    append(src, more)
    wait_until(lambda: lines(dst) == first + more, timeout=60, what="the sink file after the update")
    assert topic_values(connect.bootstrap, topic) == first + more


def worker_state(connect, name):
    status = connect.status(name)
    return status and (status["connector"]["state"], [t["state"] for t in status["tasks"]])


def test_pause_resume_stop_reset_offsets_and_exclusive_mode(connect, tmp):
    """The states the module asks for are the worker's: paused tasks move no record, resumed
    ones catch up, stopped ones have no task; reset_offsets makes the source read its file again;
    exclusive mode deletes the connectors of its prefix that the task does not list."""
    prefix = "kc-%s-" % uuid.uuid4().hex[:6]
    topic = prefix + "events"
    src, dst = os.path.join(tmp, "in.txt"), os.path.join(tmp, "out.txt")
    rows = ["event-%d" % i for i in range(5)]
    append(src, rows)
    source = {"name": prefix + "src", "config": source_config(src, topic)}
    sink = {"name": prefix + "sink", "config": sink_config(dst, topic)}
    results, _ = play(tmp, connect.url, [
        {"name": "create", "specweave.kafka.kafka_connector": {"connectors": [source, sink]}},
        {"name": "pause", "specweave.kafka.kafka_connector": {
            "connectors": [source, sink], "state": "paused"}},
        {"name": "pause again", "specweave.kafka.kafka_connector": {
            "connectors": [source, sink], "state": "paused"}},
    ])
    assert [c["actions"] for c in results["pause"]["connectors"]] == [["pause"], ["pause"]]
    assert not results["pause again"]["changed"]
    assert worker_state(connect, prefix + "sink") == ("PAUSED", ["PAUSED"])
    wait_until(lambda: lines(dst) == rows or lines(dst), timeout=30, what="the first rows")
    seen = lines(dst)
    append(src, ["late-1", "late-2"])
    time.sleep(3)  # two offset flush intervals: a running pipeline would have moved them
    assert lines(dst) == seen

    resumed = run_module("kafka_connector", {"url": connect.url, "connectors": [source, sink]})
    assert [c["actions"] for c in resumed["connectors"]] == [["resume"], ["resume"]]
    assert [c["status"]["state"] for c in resumed["connectors"]] == ["RUNNING", "RUNNING"]
    wait_until(lambda: lines(dst) == rows + ["late-1", "late-2"], timeout=60, what="resumed rows")

    results, _ = play(tmp, connect.url, [
        {"name": "stop", "specweave.kafka.kafka_connector": {"name": prefix + "sink",
                                                              "config": sink["config"],
                                                              "state": "stopped"}},
        {"name": "reset", "check_mode": True,
         "specweave.kafka.kafka_connector": {"name": prefix + "src", "config": source["config"],
                                             "reset_offsets": True}},
        {"name": "offsets", "specweave.kafka.kafka_connector_info": {
            "names": [prefix + "src", prefix + "gone"], "offsets": True}},
        {"name": "reset for real",
         "specweave.kafka.kafka_connector": {"name": prefix + "src", "config": source["config"],
                                             "reset_offsets": True}},
    ])
    assert results["stop"]["status"]["state"] == "STOPPED"
    assert worker_state(connect, prefix + "sink") == ("STOPPED", [])
    assert results["reset"]["connectors"][0]["actions"] == ["stop", "reset_offsets", "resume"]
    info = results["offsets"]
    assert info["missing"] == [prefix + "gone"]
    assert info["connectors"][0]["offsets"][0]["offset"] == {"position": len("".join(
        "%s\n" % r for r in rows + ["late-1", "late-2"]))}
    assert results["reset for real"]["status"]["state"] == "RUNNING"
    # the source read its file again from the start: every row twice in the topic
    wait_until(lambda: len(topic_values(connect.bootstrap, topic)) == 2 * 7, timeout=60,
               what="the rows read again")

    gone = run_module("kafka_connector", {"url": connect.url, "exclusive_prefix": prefix,
                                          "connectors": [dict(source, state="absent")]})
    assert [(c["name"], c["actions"]) for c in gone["connectors"]] == [
        (prefix + "src", ["delete"]), (prefix + "sink", ["delete"])]
    assert not [n for n in connect.connectors() if n.startswith(prefix)]


def test_failed_task_reported_restart_failed_and_secrets_hidden(connect, tmp):
    """A sink whose file cannot be opened (a directory) fails the task with the worker's reason;
    once the cause is gone, restart_failed restarts it and the records arrive; a secret given in
    ``secrets`` is absent from everything a -vvv run prints (arguments, diff, result)."""
    prefix = "kc-%s-" % uuid.uuid4().hex[:6]
    topic = prefix + "t"
    src, dst = os.path.join(tmp, "in.txt"), os.path.join(tmp, "out")
    os.mkdir(dst)
    append(src, ["a", "b", "c"])
    connectors = [{"name": prefix + "src", "config": source_config(src, topic)},
                  {"name": prefix + "sink", "config": sink_config(dst, topic),
                   "secrets": {"sink.password": SECRET}}]
    failed = run_module("kafka_connector", {"url": connect.url, "connectors": connectors,
                                            "wait_timeout": 40}, diff=True, verbosity=3)
    run = failed["_run"]
    assert SECRET not in run.stdout and SECRET not in run.stderr
    assert failed.get("failed") and "task 0 FAILED" in failed["msg"] and prefix + "sink" in failed["msg"]
    assert worker_state(connect, prefix + "sink")[1] == ["FAILED"]
    assert connect.config(prefix + "sink")["sink.password"] == SECRET  # the worker has it

    os.rmdir(dst)
    results, run = play(tmp, connect.url, [
        {"name": "no restart wanted", "specweave.kafka.kafka_connector": {"connectors": connectors}},
        {"name": "restart", "specweave.kafka.kafka_connector": {"connectors": connectors,
                                                                "restart_failed": True}},
        {"name": "nothing failed", "specweave.kafka.kafka_connector": {"connectors": connectors,
                                                                       "restart_failed": True}},
    ])
    assert not results["no restart wanted"]["changed"]
    assert results["no restart wanted"]["connectors"][1]["status"]["tasks"][0]["state"] == "FAILED"
    restarted = results["restart"]["connectors"]
    assert [c["actions"] for c in restarted] == [[], ["restart"]]
    assert restarted[1]["status"]["tasks"][0]["state"] == "RUNNING"
    assert results["restart"]["connectors"][1]["config"]["sink.password"] == "********"
    assert not results["nothing failed"]["changed"]
    assert SECRET not in json.dumps(run.data)
    wait_until(lambda: lines(dst) == ["a", "b", "c"], timeout=30, what="the restarted sink")
    for connector in connectors:
        connect.delete(connector["name"])
