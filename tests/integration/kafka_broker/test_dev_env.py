"""The local dev cluster (playbooks/dev_env.yml + role kafka_broker in user-level service mode).

One session-long sequence, checked with Kafka's own CLI tools: up -> the cluster serves with 3
brokers, 3 voters and the example topics -> re-run changes and restarts nothing -> a log dir of
another cluster is refused and left untouched -> down leaves no process and no state.
"""
import os
import re
import subprocess

from testbed.ansible import run_playbook
from testbed.kafka import kafka_libs

from conftest import PLAYBOOK

NODES = ["kafka-dev-1", "kafka-dev-2", "kafka-dev-3"]


def tool(main_class, *args):
    cmd = ["java", "-Xmx256m", "-cp", os.path.join(kafka_libs(), "*"), main_class] + list(args)
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)


def pids_of(state_dir):
    out = subprocess.run(["pgrep", "-f", state_dir + "/"], stdout=subprocess.PIPE, text=True)
    return [int(p) for p in out.stdout.split()]


def node_stats(run):
    return dict((host, run.stats(host)) for host in NODES)


def test_dev_cluster_lifecycle(dev_env):
    base = int(dev_env["KAFKA_DEV_BASE_PORT"])
    bootstrap = ",".join("127.0.0.1:%d" % (base + 2 * i) for i in range(3))
    state = dev_env["KAFKA_DEV_DIR"]

    # up
    up = run_playbook(PLAYBOOK, {"kafka_dev_state": "present"}, env=dev_env)
    assert up.returncode == 0, up.stdout[-4000:]
    pids = pids_of(state)
    assert len(pids) == 3, pids
    message = [r for r in up.task_results() if r["_task"] == "Dev cluster | How to connect"][0]["msg"]
    assert "bootstrap.servers=%s" % bootstrap in message

    # read back independently: brokers, quorum, topics from examples/dev_env.yml
    quorum = tool("org.apache.kafka.tools.MetadataQuorumCommand", "--bootstrap-server", bootstrap,
                  "describe", "--replication")
    assert quorum.returncode == 0, quorum.stderr
    assert len(re.findall(r"\b(Leader|Follower)\b", quorum.stdout)) == 3, quorum.stdout
    topics = tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", bootstrap, "--describe",
                  "--topic", "orders")
    assert topics.returncode == 0, topics.stderr
    assert "PartitionCount: 6" in topics.stdout and "ReplicationFactor: 3" in topics.stdout
    assert "min.insync.replicas=2" in topics.stdout
    with open(os.path.join(state, "node-2", "config", "server.properties")) as handle:
        props = handle.read()
    assert "node.id=2" in props and "broker.rack=rack-2" in props

    # re-run: the role changes nothing and restarts nothing
    again = run_playbook(PLAYBOOK, {"kafka_dev_state": "present"}, env=dev_env)
    assert again.returncode == 0, again.stdout[-4000:]
    assert all(s.get("changed", 0) == 0 for s in node_stats(again).values()), node_stats(again)
    assert sorted(pids_of(state)) == sorted(pids), "a node was restarted on an unchanged re-run"

    # a different cluster id on disk is refused with a clear message; data is not reformatted
    meta = os.path.join(state, "node-1", "data", "meta.properties")
    with open(meta) as handle:
        before = handle.read()
    other = run_playbook(PLAYBOOK, {"kafka_dev_state": "present",
                                    "kafka_broker_cluster_id": "AAAAAAAAAAAAAAAAAAAAAA"}, env=dev_env)
    assert other.returncode != 0
    assert "never reformats" in other.stdout and "different KRaft cluster ids" in other.stdout
    with open(meta) as handle:
        assert handle.read() == before

    # down: no process left behind, state removed
    down = run_playbook(PLAYBOOK, {"kafka_dev_state": "absent"}, env=dev_env)
    assert down.returncode == 0, down.stdout[-4000:]
    assert pids_of(state) == []
    assert not os.path.exists(os.path.join(state, "node-1"))


def test_bad_state_is_refused(dev_env):
    run = run_playbook(PLAYBOOK, {"kafka_dev_state": "running"}, env=dev_env)
    assert run.returncode != 0
    assert "kafka_dev_state is present or absent" in run.stdout
