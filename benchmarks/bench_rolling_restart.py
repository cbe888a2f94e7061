"""Rolling restart of the local dev cluster under acks=all load, beside a bare restart, same run.

The 3-node dev cluster (playbooks/dev_env.yml: kafka_broker role, user-level services on
127.0.0.1, Kafka 4.4.0 unless KAFKA_VERSION says otherwise) is brought up in its own state
directory and ports. A producer (confluent-kafka, acks=all, idempotent, 200 records/s, topic RF 3,
min.insync.replicas 2) runs during each of:
  (a) bare: each node stopped and started with its kafka-ctl, one after the other, the next one as
      soon as the restarted node's listener accepts TCP connections (no health gate);
  (b) rolling: `dev_env.yml -e kafka_dev_state=restarted`, the role's restart entry point (one node
      at a time behind the kafka_info gate, the active controller last).
After each, the topic is read back: acknowledged, lost (acknowledged but not read back) and send
errors are printed, with the durations and the ratio rolling / bare. Then the cluster is stopped
with `scripts/dev-env.sh down` (what `make dev-down` runs), timed.

Run: .venv/bin/python benchmarks/bench_rolling_restart.py
Targets (issue 22): rolling <= 60 s for 3 nodes and <= 1.5x bare, down <= 10 s, 0 lost, 0 send errors.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import REPO, cache_dir  # noqa: E402

sys.path.insert(0, REPO)
from testbed.kafka import free_port_block  # noqa: E402

RATE = 200
NODES = (1, 2, 3)


def accepts(port):
    sock = socket.socket()
    sock.settimeout(0.2)
    try:
        sock.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        sock.close()


def dev_env(env, state):
    started = time.perf_counter()
    proc = subprocess.run(["ansible-playbook", os.path.join(REPO, "ansible_collections", "specweave", "kafka",
                                                            "playbooks", "dev_env.yml"), "-e", "kafka_dev_state=" + state],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError("dev_env %s failed:\n%s" % (state, proc.stdout[-4000:]))
    return wall, proc.stdout


class Load:
    """acks=all idempotent producer at RATE records/s in a thread; values are increasing integers."""

    def __init__(self, bootstrap, topic):
        from confluent_kafka import Producer
        self.topic = topic
        self.bootstrap = bootstrap
        self.producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                                  "delivery.timeout.ms": 120000, "linger.ms": 5})
        self.acked, self.errors, self.first_error = set(), 0, None
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def delivered(self, err, msg):
        if err is not None:
            self.errors += 1
            self.first_error = self.first_error or str(err)
        else:
            self.acked.add(int(msg.value()))

    def run(self):
        sent, started = 0, time.perf_counter()
        while not self.stop_flag.is_set():
            due = int((time.perf_counter() - started) * RATE)
            while sent < due:
                self.producer.produce(self.topic, str(sent).encode(), callback=self.delivered)
                sent += 1
            self.producer.poll(0.005)
        self.producer.flush(130)
        self.sent = sent

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        self.thread.join()

    def check(self):
        from confluent_kafka import Consumer
        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": "bench-check-" + self.topic,
                             "auto.offset.reset": "earliest", "enable.auto.commit": False})
        consumer.subscribe([self.topic])
        read, idle_since = set(), time.time()
        while time.time() - idle_since < 10 and not self.acked <= read:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            read.add(int(msg.value()))
            idle_since = time.time()
        consumer.close()
        return {"sent": self.sent, "acked": len(self.acked), "send_errors": self.errors,
                "first_send_error": self.first_error, "read_back": len(read), "lost": len(self.acked - read)}


def create_topic(bootstrap, topic):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, 3, 3, config={"min.insync.replicas": "2"})])
    futures[topic].result(60)


def bare_restart(state, base):
    started = time.perf_counter()
    for node in NODES:
        ctl = os.path.join(state, "node-%d" % node, "config", "kafka-ctl")
        subprocess.run([ctl, "stop"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([ctl, "start"], check=True, stdout=subprocess.DEVNULL)
        port = base + 2 * (node - 1)
        deadline = time.time() + 180
        while not accepts(port):
            if time.time() > deadline:
                raise RuntimeError("node %d does not accept connections on %d" % (node, port))
            time.sleep(0.05)
    return time.perf_counter() - started


def wait_healthy(env):
    """Between the two runs: the role's own gate (a rolling restart needs a healthy start)."""
    sys.path.insert(0, REPO)
    from testbed.ansible import run_module
    bootstrap = env["BENCH_BOOTSTRAP"]
    deadline = time.time() + 180
    while time.time() < deadline:
        result = run_module("specweave.kafka.kafka_info", {"bootstrap_servers": bootstrap, "expected_brokers": 3,
                                                           "gather": ["brokers", "topics", "quorum"], "include_internal": True})
        if result.get("healthy"):
            return
        time.sleep(1)
    raise RuntimeError("the dev cluster did not become healthy again after the bare restart")


def main():
    state = os.path.join(cache_dir("bench"), "rolling-restart-dev")
    shutil.rmtree(state, ignore_errors=True)
    base = free_port_block()
    archive = subprocess.run([os.path.join(REPO, "scripts", "kafka-archive.sh")], check=True,
                             stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    env = dict(os.environ, KAFKA_DEV_DIR=state, KAFKA_DEV_BASE_PORT=str(base), KAFKA_ARCHIVE=archive,
               ANSIBLE_COLLECTIONS_PATH=REPO, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="true", ANSIBLE_PIPELINING="true",
               PATH=os.path.join(REPO, ".venv", "bin") + os.pathsep + os.environ.get("PATH", ""))
    bootstrap = ",".join("127.0.0.1:%d" % (base + 2 * i) for i in range(3))
    env["BENCH_BOOTSTRAP"] = bootstrap
    up, _ = dev_env(env, "present")
    print("dev cluster up in %.1f s (Kafka %s, ports %d-%d)" % (up, os.path.basename(archive), base, base + 5))
    try:
        create_topic(bootstrap, "bench-bare")
        create_topic(bootstrap, "bench-rolling")
        with Load(bootstrap, "bench-bare") as load:
            time.sleep(3)
            bare = bare_restart(state, base)
            time.sleep(3)
        bare_load = load.check()
        wait_healthy(env)
        with Load(bootstrap, "bench-rolling") as load:
            time.sleep(3)
            wall, out = dev_env(env, "restarted")
            time.sleep(3)
        rolling_load = load.check()
        role = float(re.search(r"Rolling restart of 3 nodes \(.*?\) took ([0-9.]+) s", out).group(1))
        nodes = re.findall(r'"(kafka-dev-\d[^"]*: [0-9.]+ s = stop[^"]*)"', out)
    finally:
        started = time.perf_counter()
        subprocess.run(["bash", os.path.join(REPO, "scripts", "dev-env.sh"), "down"], env=env, check=True)
        down = time.perf_counter() - started
    print("bare restart (stop, start, listener accepts; no gate), 3 nodes: %.1f s; load %s" % (bare, bare_load))
    print("rolling restart (role entry point, gated), 3 nodes: %.1f s (ansible-playbook wall %.1f s); load %s"
          % (role, wall, rolling_load))
    for line in dict.fromkeys(nodes):
        print("  " + line)
    print("ratio rolling / bare: %.2f" % (role / bare))
    print("dev cluster down (scripts/dev-env.sh down, what make dev-down runs): %.1f s" % down)
    lost = bare_load["lost"] + rolling_load["lost"]
    errors = bare_load["send_errors"] + rolling_load["send_errors"]
    print("acknowledged records lost: %d, send errors: %d" % (lost, errors))
    return 1 if lost or errors else 0


if __name__ == "__main__":
    sys.exit(main())
