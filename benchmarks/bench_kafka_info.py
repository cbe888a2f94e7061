"""kafka_info on a big cluster: cost of the module against the bare admin calls, same run.

Against a real single-node broker with 1,000 topics (3 partitions, 2 config keys each):
  (a) health report of all topics (gather brokers, topics, quorum)
  (b) the same with configs
  (c) one topic by name (metadata for that name only)
Each module run goes through ``ansible localhost -m``; an ``ansible.builtin.ping`` run in the same
process set-up is the fixed Ansible cost. The limit is the same kafka-python admin calls in a fresh
Python process (what a hand-written script costs). Prints wall times and ratios.

Run: .venv/bin/python benchmarks/bench_kafka_info.py [topics]
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from testbed.ansible import run_module  # noqa: E402
from testbed.kafka import KafkaCluster  # noqa: E402

ENV = {"ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "true"}
TOPICS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000

RAW = r"""
import sys
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType
mode, servers = sys.argv[1], sys.argv[2]
admin = KafkaAdminClient(bootstrap_servers=servers.split(","))
admin.describe_cluster()
if mode == "one":
    admin.describe_topics(["bench.00000"])
else:
    topics = admin.describe_topics(None)
    if mode == "configs":
        admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t["name"])
                                for t in topics], config_filter="all")
    admin.describe_metadata_quorum()
admin.close()
"""


def timed(func):
    started = time.time()
    result = func()
    return time.time() - started, result


def best_of(runs, func):
    return min(timed(func)[0] for _ in range(runs))


def main():
    cluster = KafkaCluster(size=1).start(timeout=240)
    try:
        from kafka import KafkaAdminClient
        from kafka.admin import NewTopic
        admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers)
        names = ["bench.%05d" % i for i in range(TOPICS)]
        for start in range(0, TOPICS, 500):
            admin.create_topics([NewTopic(n, 3, 1, topic_configs={"retention.ms": "86400000",
                                                                   "cleanup.policy": "delete"})
                                 for n in names[start:start + 500]], timeout_ms=120000)
        admin.close()
        servers = cluster.bootstrap_servers
        base = dict(bootstrap_servers=servers, request_timeout_ms=60000)
        ping = best_of(3, lambda: run_module("ansible.builtin.ping", {}, env=ENV))
        cases = [
            ("a all topics", dict(base), "all"),
            ("b with configs", dict(base, gather=["brokers", "topics", "configs", "quorum"]),
             "configs"),
            ("c one topic", dict(base, topics=["bench.00000"]), "one"),
        ]
        print("kafka_info benchmark: %d topics x 3 partitions, Ansible ping baseline %.2f s"
              % (TOPICS, ping))
        print("%-16s %10s %12s %10s %10s" % ("case", "module s", "module-ping", "raw s",
                                             "ratio"))
        for label, args, mode in cases:
            def module_run(args=args):
                result = run_module("kafka_info", args, env=ENV)
                assert not result.get("failed"), result.get("msg")
                return result
            module_time = best_of(3, module_run)
            raw_time = best_of(3, lambda mode=mode: subprocess.run(
                [sys.executable, "-c", RAW, mode, servers], check=True))
            net = max(module_time - ping, 0.001)
            print("%-16s %10.2f %12.2f %10.2f %10.2f" % (label, module_time, net, raw_time,
                                                         net / raw_time))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
