"""The local dev cluster (playbooks/dev_env.yml + role kafka_broker in user-level service mode).

One session-long sequence, checked with Kafka's own CLI tools, on the area's dev cluster (which
runs with monitoring; conftest.dev_up brought it up from nothing and the monitoring tests ran on
it first): a re-run changes and restarts nothing -> the cluster serves with 3 brokers, 3 voters
and the example topics -> restarted: every
node gets a new process, one at a time, the active controller last, with the time of each node
reported -> a log dir of another cluster is refused before anything changes -> stopped stops the
nodes in Kafka's order, each controlled shutdown approved (or, for the last pair's race, the node
named as killed by the role), no process left and the data kept -> absent removes the state.
"""
import os
import re
import subprocess

from testbed.ansible import run_playbook
from testbed.kafka import kafka_libs

from dev_cluster import DEV_VARS, PLAYBOOK

NODES = ["kafka-dev-1", "kafka-dev-2", "kafka-dev-3"]


def tool(main_class, *args):
    cmd = ["java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", os.path.join(kafka_libs(), "*"),
           main_class] + list(args)
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)


def pids_of(state_dir, kafka_only=True):
    """Kafka nodes of the dev cluster (or every process of its state dir: monitoring too)."""
    out = subprocess.run(["pgrep", "-f", state_dir + "/"], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in out.stdout.split()]
    if not kafka_only:
        return pids
    kafka = []
    for pid in pids:
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as handle:
                if b"kafka.Kafka" in handle.read():
                    kafka.append(pid)
        except OSError:
            pass
    return kafka


def node_stats(run):
    """Recap of every dev node; a node missing from the recap (it ran nothing) fails the test."""
    stats = dict((host, run.stats(host)) for host in NODES)
    missing = [host for host, stat in stats.items() if not stat or stat.get("ok", 0) == 0]
    assert not missing, "no recap for %s: %s" % (missing, run.data.get("stats"))
    return stats


def task_message(run, name, host="kafka-dev-1"):
    found = [r for r in run.task_results(host) if r["_task"].split(" : ")[-1] == name]
    assert found, "task %r did not run" % name
    return found[0]["msg"]


def active_controller(bootstrap):
    status = tool("org.apache.kafka.tools.MetadataQuorumCommand", "--bootstrap-server", bootstrap,
                  "describe", "--status")
    assert status.returncode == 0, status.stderr
    return int(re.search(r"LeaderId:\s+(\d+)", status.stdout).group(1))


def test_dev_cluster_lifecycle(dev_env, dev_up):
    base = int(dev_env["KAFKA_DEV_BASE_PORT"])
    bootstrap = ",".join("127.0.0.1:%d" % (base + 2 * i) for i in range(3))
    state = dev_env["KAFKA_DEV_DIR"]

    # up (dev_up brought it up from nothing; the monitoring tests may have run on it since): this
    # re-run changes nothing on the nodes and restarts nothing
    pids = pids_of(state)
    assert len(pids) == 3, pids
    up = run_playbook(PLAYBOOK, dict(DEV_VARS, kafka_dev_state="present"), env=dev_env)
    assert up.returncode == 0, up.stdout[-4000:]
    assert all(s.get("changed", 0) == 0 for s in node_stats(up).values()), node_stats(up)
    assert sorted(pids_of(state)) == sorted(pids), "a node was restarted on an unchanged re-run"
    message = [r for r in up.task_results() if r["_task"] == "Dev cluster | How to connect"][0]["msg"]
    assert "bootstrap.servers=%s" % bootstrap in message
    # the smoke check (kafka_message): 10 records acknowledged with acks=all and all read back
    assert "smoke check: 10 messages acknowledged with acks=all on 'dev-smoke', 10 read back" in message, message

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

    # restarted: one node at a time behind the gate, the active controller last, every node a new process
    leader = active_controller(bootstrap)
    restart = run_playbook(PLAYBOOK, dict(DEV_VARS, kafka_dev_state="restarted"), env=dev_env)
    assert restart.returncode == 0, restart.stdout[-4000:]
    lines = task_message(restart, "Restart | Report the duration, node by node")
    assert re.match(r"Rolling restart of 3 nodes \(.*\) took [0-9.]+ s$", lines[0]), lines
    order = [line.split(":")[0].split(" ")[0] for line in lines[1:]]
    assert sorted(order) == NODES and order[-1] == "kafka-dev-%d" % leader, lines
    for line in lines[1:]:
        assert re.search(r": [0-9.]+ s = stop [0-9.]+ s \+ start [0-9.]+ s \+ back in the metadata [0-9.]+ s"
                         r" \+ caught up [0-9.]+ s \(\d+ gate polls, \d+ registrations refused\)$", line), line
    restarted = pids_of(state)
    assert len(restarted) == 3 and not set(restarted) & set(pids), (pids, restarted)
    pids = restarted

    # a different cluster id on disk is refused with a clear message; data is not reformatted
    # it is refused before anything is installed or configured: no file of any node changes
    meta = os.path.join(state, "node-1", "data", "meta.properties")
    with open(meta) as handle:
        before = handle.read()
    files = dict((path, os.stat(path).st_mtime_ns) for node in (1, 2, 3) for path in (
        os.path.join(state, "node-%d" % node, "config", "server.properties"),
        os.path.join(state, "node-%d" % node, "config", "log4j2.properties")))
    other = run_playbook(PLAYBOOK, dict(DEV_VARS, kafka_dev_state="present",
                                        kafka_broker_cluster_id="AAAAAAAAAAAAAAAAAAAAAA"), env=dev_env)
    assert other.returncode != 0
    assert "never reformats" in other.stdout and "different KRaft cluster ids" in other.stdout
    with open(meta) as handle:
        assert handle.read() == before
    assert dict((path, os.stat(path).st_mtime_ns) for path in files) == files
    assert all(s.get("changed", 0) == 0 for s in other.data.get("stats", {}).values()), other.data.get("stats")
    assert sorted(pids_of(state)) == sorted(pids)

    # stopped: Kafka's order, controlled shutdowns approved (see below), no process left, data kept
    logs = dict((node, os.path.join(state, "node-%d" % node, "logs", "server.log")) for node in (1, 2, 3))
    sizes = dict((node, os.path.getsize(path)) for node, path in logs.items())
    down = run_playbook(PLAYBOOK, dict(DEV_VARS, kafka_dev_state="stopped"), env=dev_env)
    assert down.returncode == 0, down.stdout[-4000:]
    assert pids_of(state, kafka_only=False) == [], "stopped leaves no process (nodes, Prometheus, exporters)"
    with open(meta) as handle:
        assert handle.read() == before
    assert any(name.startswith("orders-") for name in os.listdir(os.path.join(state, "node-1", "data")))
    message = task_message(down, "Stop | Report the duration")
    stopped = re.match(r"Stopped 3 nodes \(kafka-dev-1 one at a time, then kafka-dev-2, kafka-dev-3 together\) in [0-9.]+ s"
                       r"(?:; killed after 10 s, their controlled shutdown no longer approvable \(quorum gone\): (.*))?$",
                       message)
    assert stopped, message
    # node 1 and each node of the last pair are approved, except one the role names as killed:
    # the last pair races for its approvals (see the role's stop.yml)
    killed = stopped.group(1).split(", ") if stopped.group(1) else []
    assert set(killed) <= {"kafka-dev-2", "kafka-dev-3"} and len(killed) <= 1, message
    for node, path in logs.items():
        with open(path) as handle:
            handle.seek(sizes[node])
            text = handle.read()
        if "kafka-dev-%d" % node not in killed:
            assert "The controller has asked us to exit controlled shutdown" in text, (node, message, text[-3000:])
        assert "Timed out waiting for the controller to approve controlled shutdown" not in text, node
    # absent: the state directory goes
    purge = run_playbook(PLAYBOOK, dict(DEV_VARS, kafka_dev_state="absent"), env=dev_env)
    assert purge.returncode == 0, purge.stdout[-4000:]
    assert not os.path.exists(state)


def test_bad_state_is_refused(dev_env):
    run = run_playbook(PLAYBOOK, {"kafka_dev_state": "running"}, env=dev_env)
    assert run.returncode != 0
    assert "kafka_dev_state is present, stopped, absent or restarted (got 'running')" in run.stdout
