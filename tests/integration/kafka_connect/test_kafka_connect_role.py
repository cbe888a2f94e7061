"""playbooks/kafka_connect.yml: two Connect workers of one group (role kafka_connect, user-level
services on 127.0.0.1) on the session's broker, with the FileStream connectors installed as a
plugin from a file:// URL with its SHA-256, and a file -> topic -> file pipeline on them.

1. First run: both workers answer, the internal topics are compacted with the role's partitions,
   the pipeline carries every row.
2. Second run: nothing changes, nothing restarts (same PIDs).
3. A worker property changes: both workers are restarted (new PIDs), one after the other behind the
   health gate, and the source keeps its offsets: rows written after the restart arrive once, no
   row is read twice.
"""
import json
import os
import subprocess
import uuid
from urllib.request import urlopen

import pytest
import yaml
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType

from testbed.ansible import run_playbook
from testbed.connect import CONNECT_VERSION, connect_archive, connect_file_jar
from testbed.kafka import REPO, free_port
from testbed.wait import wait_until

PLAYBOOK = os.path.join(REPO, "ansible_collections", "specweave", "kafka", "playbooks",
                        "kafka_connect.yml")
# one Python process per task instead of a copied module file and several commands
FAST = {"ANSIBLE_PIPELINING": "true"}
SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return handle.read().splitlines()


def pid(worker_dir):
    with open(os.path.join(worker_dir, "config", "connect.pid")) as handle:
        return int(handle.read())


@pytest.fixture(scope="module")
def workers(request, tmp_path_factory):
    connect = request.getfixturevalue("connect")  # the session's broker (through the worker)
    base = str(tmp_path_factory.mktemp("connect-role"))
    jar, sha256 = connect_file_jar()
    group = "role-%s" % uuid.uuid4().hex[:6]
    hosts = {}
    for name in ("worker1", "worker2"):
        home = os.path.join(base, name)
        hosts[name] = {
            "ansible_connection": "local",
            "kafka_connect_install_root": os.path.join(home, "opt"),
            "kafka_connect_download_dir": os.path.join(home, "downloads"),
            "kafka_connect_config_dir": os.path.join(home, "config"),
            "kafka_connect_log_dir": os.path.join(home, "logs"),
            "kafka_connect_rest_port": free_port(),
        }
    src, dst = os.path.join(base, "in.txt"), os.path.join(base, "out.txt")
    inventory = os.path.join(base, "inventory.yml")
    with open(inventory, "w") as handle:
        yaml.safe_dump({"kafka_connect": {"hosts": hosts, "vars": {
            "ansible_python_interpreter": os.path.join(REPO, ".venv", "bin", "python"),
            "kafka_connect_bootstrap_servers": connect.bootstrap,
            "kafka_connect_service_mode": "user",
            "kafka_connect_java_install": False,
            "kafka_connect_install_source": "controller",
            "kafka_connect_archive_path": connect_archive(),
            "kafka_connect_version": CONNECT_VERSION,
            "kafka_connect_heap": "256m",
            "kafka_connect_jvm_gc_opts": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto",
            "kafka_connect_rest_host": "127.0.0.1",
            "kafka_connect_rest_advertised_host": "127.0.0.1",
            "kafka_connect_group_id": group,
            "kafka_connect_topic_replication_factor": 1,
            "kafka_connect_offset_partitions": 3,
            "kafka_connect_status_partitions": 2,
            "kafka_connect_key_converter": "org.apache.kafka.connect.storage.StringConverter",
            "kafka_connect_value_converter": "org.apache.kafka.connect.storage.StringConverter",
            "kafka_connect_properties": {"offset.flush.interval.ms": 1000,
                                         "plugin.discovery": "service_load"},
            "kafka_connect_plugins": [{"name": "connect-file", "url": "file://" + jar,
                                       "checksum": "sha256:" + sha256}],
            "kafka_connect_health_plugins": [SINK],
            "kafka_connect_connectors": [
                {"name": group + "-src", "config": {
                    "connector.class": "FileStreamSource", "file": src, "topic": group + "-rows",
                    "topic.creation.default.replication.factor": 1,
                    "topic.creation.default.partitions": 1}},
                {"name": group + "-sink", "config": {
                    "connector.class": "FileStreamSink", "file": dst, "topics": group + "-rows"}}],
        }}}, handle)
    state = dict(inventory=inventory, group=group, src=src, dst=dst, hosts=hosts,
                 dirs=[os.path.join(base, name) for name in hosts], bootstrap=connect.bootstrap)
    yield state
    for worker_dir in state["dirs"]:
        ctl = os.path.join(worker_dir, "config", "connect-ctl")
        if os.path.exists(ctl):
            subprocess.run([ctl, "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def changed_tasks(run):
    return sorted(set(r["_task"] for host in ("worker1", "worker2")
                      for r in run.task_results(host) if r.get("changed")))


def test_two_workers_pipeline_idempotence_and_rolling_restart(workers):
    rows = ["row-%d" % i for i in range(20)]
    with open(workers["src"], "w") as handle:
        handle.writelines("%s\n" % row for row in rows)
    first = run_playbook(PLAYBOOK, inventory=workers["inventory"], env=FAST)
    assert first.returncode == 0, first.stdout[-3000:]
    urls = ["http://127.0.0.1:%d" % h["kafka_connect_rest_port"] for h in workers["hosts"].values()]
    wait_until(lambda: lines(workers["dst"]) == rows, timeout=60, what="the pipeline's rows")
    admin = KafkaAdminClient(bootstrap_servers=workers["bootstrap"])
    try:
        group = workers["group"]
        topics = dict((t["name"], len(t["partitions"])) for t in admin.describe_topics(
            [group + "-configs", group + "-offsets", group + "-status"]))
        assert topics == {group + "-configs": 1, group + "-offsets": 3, group + "-status": 2}
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)
                                          for name in topics])["topic"]
        assert dict((name, configs[name]["cleanup.policy"]["value"]) for name in topics) == \
            dict((name, "compact") for name in topics)
    finally:
        admin.close()
    pids = [pid(d) for d in workers["dirs"]]

    again = run_playbook(PLAYBOOK, inventory=workers["inventory"], env=FAST)
    assert again.returncode == 0 and changed_tasks(again) == []
    assert [pid(d) for d in workers["dirs"]] == pids

    with open(workers["inventory"]) as handle:
        inventory = yaml.safe_load(handle)
    inventory["kafka_connect"]["vars"]["kafka_connect_properties"]["offset.flush.interval.ms"] = 500
    with open(workers["inventory"], "w") as handle:
        yaml.safe_dump(inventory, handle)
    rolled = run_playbook(PLAYBOOK, inventory=workers["inventory"], env=FAST)
    assert rolled.returncode == 0, rolled.stdout[-3000:]
    restarts = [r["_task"] for host in ("worker1", "worker2") for r in rolled.task_results(host)
                if "Restart | The user-level service" in r["_task"] and r.get("changed")]
    assert len(restarts) == 2  # one per worker, in turn (run_once, delegated)
    new_pids = [pid(d) for d in workers["dirs"]]
    assert all(new != old for new, old in zip(new_pids, pids))
    more = ["late-%d" % i for i in range(5)]
    with open(workers["src"], "a") as handle:
        handle.writelines("%s\n" % row for row in more)
    wait_until(lambda: lines(workers["dst"]) == rows + more, timeout=90,
               what="rows after the rolling restart, each once")
    for url in urls:  # both workers of the group answer
        with urlopen(url + "/", timeout=10) as response:
            assert json.load(response)["version"] == CONNECT_VERSION
