"""The kafka_broker role's tuned defaults (filter specweave.kafka.kafka_broker_tuning) beside Apache
Kafka's stock defaults, on the same 3-node local KRaft cluster layout and workload, in one run.

For each side a fresh 3-node cluster (testbed.KafkaCluster, combined broker+controller nodes on
127.0.0.1) is started, then:
  produce   org.apache.kafka.tools.ProducerPerformance: N records of S bytes, acks=all, lz4,
            linger.ms=5, to a topic of P partitions and replication factor 3 (min.insync 2);
            msg/s, MB/s and its send-to-acknowledgement p50/p99
  e2e       org.apache.kafka.tools.EndToEndLatency: M records one at a time, acks=all; p50/p99
and the cluster is stopped before the other side starts.

  stock  Kafka's property defaults and kafka-server-start.sh's JVM options (1 GiB heap, G1 with
         MaxGCPauseMillis=20, InitiatingHeapOccupancyPercent=35, ExplicitGCInvokesConcurrent)
  tuned  kafka_broker_tuning for each node's share of this host (its cores, a third of its memory:
         three nodes share it): the properties, heap and GC options the role sets
Both sides carry the test bed's own settings (loopback listeners, no initial rebalance delay).

Run: .venv/bin/python benchmarks/bench_broker_tuning.py [--records N] [--size S] [--rounds R]
Short form (a busy machine): --records 200000 --rounds 1.
Target (issue 21): tuned never worse, and >= 1.2x better on throughput or p99.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import REPO  # noqa: E402

sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "ansible_collections", "specweave", "kafka", "plugins",
                                "filter"))
from testbed.kafka import KafkaCluster  # noqa: E402

from bench_load_test import end_to_end_latency, java_tool  # noqa: E402

STOCK_GC = ["-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent"]


def host():
    cores = os.cpu_count() or 1
    with open("/proc/meminfo") as handle:
        total_kb = int(re.search(r"MemTotal:\s+(\d+)", handle.read()).group(1))
    return cores, total_kb // 1024


def producer_performance(cluster, topic, records, size):
    out = java_tool(cluster.libs, "org.apache.kafka.tools.ProducerPerformance", [
        "--topic", topic, "--num-records", str(records), "--record-size", str(size),
        "--throughput", "-1", "--producer-props", "bootstrap.servers=" + cluster.bootstrap_servers,
        "acks=all", "compression.type=lz4", "linger.ms=5"])
    last = [line for line in out.splitlines() if "50th" in line][-1]
    numbers = re.search(r"([\d.]+) records/sec \(([\d.]+) MB/sec\).*?([\d.]+) ms 50th, "
                        r"([\d.]+) ms 95th, ([\d.]+) ms 99th", last)
    return {"msg_s": float(numbers.group(1)), "mb_s": float(numbers.group(2)),
            "p50": float(numbers.group(3)), "p99": float(numbers.group(5))}


def side(name, records, size, partitions, latency_records):
    if name == "stock":
        cluster = KafkaCluster(size=3, heap="1g", jvm_args=["-Xms1g"] + STOCK_GC)
        settings = {}
    else:
        from kafka_tuning import tuning
        cores, memory_mb = host()
        tuned = tuning({"cores": cores, "memory_mb": memory_mb // 3})
        settings = tuned
        cluster = KafkaCluster(size=3, heap=tuned["heap"], extra_config=tuned["properties"],
                               jvm_args=tuned["gc_opts"].split())
    cluster.start(timeout=300)
    try:
        from kafka import KafkaAdminClient
        from kafka.admin import NewTopic
        admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers)
        try:
            admin.create_topics([NewTopic("bench", partitions, 3,
                                          topic_configs={"min.insync.replicas": "2"}),
                                 NewTopic("bench-e2e", 1, 3,
                                          topic_configs={"min.insync.replicas": "2"})])
        finally:
            admin.close()
        produce = producer_performance(cluster, "bench", records, size)
        e2e = end_to_end_latency(cluster.libs, cluster.bootstrap_servers, "bench-e2e",
                                 latency_records, size)
        return {"produce": produce, "e2e": e2e, "settings": settings}
    finally:
        cluster.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--latency-records", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    results = {"stock": [], "tuned": []}
    for index in range(options.rounds):
        # alternate the order so that neither side always runs on a warmer machine
        for name in (("stock", "tuned") if index % 2 == 0 else ("tuned", "stock")):
            print("... round %d, %s" % (index + 1, name), file=sys.stderr, flush=True)
            results[name].append(side(name, options.records, options.size, options.partitions,
                                      options.latency_records))
    tuned_settings = results["tuned"][0]["settings"]
    print("broker tuning: 3 nodes on 127.0.0.1, %d partitions RF 3, %d records of %d B, acks=all, "
          "lz4, linger.ms=5; %d round(s), best of each" % (options.partitions, options.records,
                                                           options.size, options.rounds))
    print("tuned: heap %s, %s, %s" % (tuned_settings["heap"], tuned_settings["gc_opts"],
                                      ", ".join("%s=%s" % kv for kv in
                                                sorted(tuned_settings["properties"].items()))))
    rows = [("produce msg/s", "produce", "msg_s", max), ("produce MB/s", "produce", "mb_s", max),
            ("produce ack p50 ms", "produce", "p50", min),
            ("produce ack p99 ms", "produce", "p99", min),
            ("e2e p50 ms", "e2e", "p50", min), ("e2e p99 ms", "e2e", "p99", min)]
    print("%-20s %12s %12s %14s" % ("figure", "stock", "tuned", "tuned better x"))
    for label, part, key, best in rows:
        stock = best(r[part][key] for r in results["stock"])
        tuned = best(r[part][key] for r in results["tuned"])
        better = (tuned / stock if best is max else stock / tuned) if stock and tuned else 0
        print("%-20s %12.2f %12.2f %14.2f" % (label, stock, tuned, better))


if __name__ == "__main__":
    main()
