"""kafka_load_test beside Kafka's own performance tools, same cluster, topics and record size, one run.

  producer   org.apache.kafka.tools.ProducerPerformance (--throughput -1) against the module with
             1 producer, no consumer: N records of S bytes, acks=all, lz4, linger.ms=5; msg/s, MB/s
  consumer   org.apache.kafka.tools.ConsumerPerformance reading those N records (fetch.nMsg.sec and
             nMsg.sec, the latter with its group join) against the module with 1 consumer and no
             producer reading the same records (from its first batch)
  latency    org.apache.kafka.tools.EndToEndLatency (one record at a time, acks=all, linger 0) against
             the module with 1 producer and 1 consumer, linger 0, on a 1-partition topic of the same
             layout, at the tool's own pace (1000 / its mean latency records a second); p50 / p99 in ms
  full       the module with producers and consumers together at full speed (the seed's workload
             shape), its figures judged against the seed's targets
Every module run is a fresh Python process running the module file (benchlib.module_process), so
the interpreter start and connecting are included, as the tools' JVM start is in theirs... except
that the tools' figures are their own (measured inside the JVM) and so are the module's.
The ratio is module / tool (for latency, tool / module: above 1 means the module is faster).

Run: .venv/bin/python benchmarks/bench_load_test.py [--records N] [--size S] [--nodes 1|3]
     [--bootstrap host:port,...]   (an existing cluster, for example the dev cluster; default: a
                                    new testbed cluster of --nodes nodes on 127.0.0.1)
Short form (a busy machine): --records 200000 --nodes 1.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import REPO, module_process  # noqa: E402

sys.path.insert(0, REPO)
from testbed.kafka import KafkaCluster, kafka_libs, tool_class  # noqa: E402


def java_tool(libs, main_class, args, timeout=900):
    cmd = ["java", "-Xmx512m", "-cp", os.path.join(libs, "*"), tool_class(libs, main_class)] + args
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (main_class, proc.stdout[-3000:]))
    return proc.stdout


def producer_performance(libs, servers, topic, records, size):
    out = java_tool(libs, "org.apache.kafka.tools.ProducerPerformance", [
        "--topic", topic, "--num-records", str(records), "--record-size", str(size),
        "--throughput", "-1", "--producer-props", "bootstrap.servers=" + servers, "acks=all",
        "compression.type=lz4", "linger.ms=5"])
    last = [line for line in out.splitlines() if "50th" in line][-1]
    match = re.search(r"([\d.]+) records/sec \(([\d.]+) MB/sec\)", last)
    return {"msg_s": float(match.group(1)), "mb_s": float(match.group(2)), "line": last.strip()}


def consumer_performance(libs, servers, topic, records):
    out = java_tool(libs, "org.apache.kafka.tools.ConsumerPerformance", [
        "--bootstrap-server", servers, "--topic", topic, "--messages", str(records),
        "--timeout", "60000", "--group", "bench-cp-%s" % uuid.uuid4().hex[:8]])
    lines = [line for line in out.splitlines() if line.strip() and "WARN" not in line]
    header = [h.strip() for h in lines[-2].split(",")]
    values = [v.strip() for v in lines[-1].split(",")]
    data = dict(zip(header, values))
    return {"msg_s": float(data["nMsg.sec"]), "fetch_msg_s": float(data["fetch.nMsg.sec"]),
            "mb_s": float(data["MB.sec"]), "fetch_mb_s": float(data["fetch.MB.sec"]),
            "records": int(data["data.consumed.in.nMsg"])}


def end_to_end_latency(libs, servers, topic, records, size):
    out = java_tool(libs, "org.apache.kafka.tools.EndToEndLatency",
                    [servers, topic, str(records), "all", str(size)])
    avg = float(re.search(r"Avg latency: ([\d.]+) ms", out).group(1))
    match = re.search(r"Percentiles: 50th = ([\d.]+), 99th = ([\d.]+), 99.9th = ([\d.]+)", out)
    return {"mean": avg, "p50": float(match.group(1)), "p99": float(match.group(2)),
            "p999": float(match.group(3))}


def create_topic(servers, name, partitions, replication):
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    admin = KafkaAdminClient(bootstrap_servers=servers)
    try:
        admin.create_topics([NewTopic(name, partitions, replication)])
    finally:
        admin.close()


def module(workdir, servers, topic, **args):
    base = dict(bootstrap_servers=servers, topic=topic, duration=600, drain_timeout=30)
    base.update(args)
    data, result = module_process(workdir, "kafka_load_test", base)
    return result


def step(text):
    print("... %s" % text, file=sys.stderr, flush=True)


def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "-"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1000000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--latency-records", type=int, default=2000)
    parser.add_argument("--bootstrap")
    options = parser.parse_args()
    cluster = None
    if options.bootstrap:
        servers = options.bootstrap
        nodes = len(servers.split(","))
    else:
        cluster = KafkaCluster(size=options.nodes, heap="1g").start(timeout=240)
        servers, nodes = cluster.bootstrap_servers, options.nodes
    libs = kafka_libs()
    workdir = tempfile.mkdtemp(prefix="bench-load-test-")
    replication = min(3, nodes)
    n, size = options.records, options.size
    try:
        tool_topic, module_topic = ("bench-tool-" + uuid.uuid4().hex[:6],
                                    "bench-module-" + uuid.uuid4().hex[:6])
        latency_tool, latency_module = ("bench-lat-tool-" + uuid.uuid4().hex[:6],
                                        "bench-lat-module-" + uuid.uuid4().hex[:6])
        full_topic = "bench-full-" + uuid.uuid4().hex[:6]
        for topic in (tool_topic, module_topic, full_topic):
            create_topic(servers, topic, options.partitions, replication)
        for topic in (latency_tool, latency_module):
            create_topic(servers, topic, 1, replication)
        common = dict(record_size=size, acks="all", compression="lz4", linger_ms=5)

        step("ProducerPerformance")
        pp = producer_performance(libs, servers, tool_topic, n, size)
        step("module, producer")
        mp = module(workdir, servers, module_topic, producers=1, consumers=0, latency=False,
                    records=n, **common)["produced"]
        step("ConsumerPerformance")
        cp = consumer_performance(libs, servers, tool_topic, n)
        step("module, consumer")
        mc = module(workdir, servers, module_topic, producers=0, consumers=1, latency=False,
                    records=n, **common)["consumed"]
        step("EndToEndLatency")
        e2e = end_to_end_latency(libs, servers, latency_tool, options.latency_records, size)
        step("module, latency")
        # the same offered load as the tool, which sends the next record when the last arrived:
        # 1000 / its mean latency records a second (a higher rate on a small machine measures the
        # queue that builds up, not the latency)
        latency_rate = max(1, int(1000.0 / max(e2e["mean"], 1.0)))
        ml = module(workdir, servers, latency_module, producers=1, consumers=1, rate=latency_rate,
                    records=options.latency_records,
                    **dict(common, linger_ms=0, compression="none"))["latency_ms"]
        step("module, full")
        full = module(workdir, servers, full_topic, producers=1, consumers=1, records=n,
                      report=os.path.join(workdir, "full", "report.json"), **common)

        print("kafka_load_test beside Kafka's tools: %d node(s), %d partitions (RF %d), %d records "
              "of %d B, acks=all, lz4, linger.ms=5" % (nodes, options.partitions, replication, n,
                                                       size))
        print("%-34s %14s %14s %7s" % ("figure", "Kafka tool", "module", "ratio"))
        rows = [
            ("producer msg/s", pp["msg_s"], mp["msg_s"], ratio(mp["msg_s"], pp["msg_s"])),
            ("producer MB/s", pp["mb_s"], mp["mb_s"], ratio(mp["mb_s"], pp["mb_s"])),
            ("consumer msg/s (fetch)", cp["fetch_msg_s"], mc["msg_s"],
             ratio(mc["msg_s"], cp["fetch_msg_s"])),
            ("consumer msg/s (with join)", cp["msg_s"], mc["msg_s"], ratio(mc["msg_s"], cp["msg_s"])),
            ("consumer MB/s (fetch)", cp["fetch_mb_s"], mc["mb_s"], ratio(mc["mb_s"], cp["fetch_mb_s"])),
            ("e2e latency p50 ms (tool/module)", e2e["p50"], ml["p50"], ratio(e2e["p50"], ml["p50"])),
            ("e2e latency p99 ms (tool/module)", e2e["p99"], ml["p99"], ratio(e2e["p99"], ml["p99"])),
        ]
        for label, tool, mod, r in rows:
            print("%-34s %14.2f %14.2f %7s" % (label, tool, mod or 0, r))
        print("latency: the module at %d records/s, the tool's own pace (1000 / its mean of %.1f ms)"
              % (latency_rate, e2e["mean"]))
        print("tool lines: %s" % pp["line"])
        print("full run (1 producer + 1 consumer together): produced %s msg/s %s MB/s, consumed %s "
              "msg/s, latency ms %s" % (full["produced"]["msg_s"], full["produced"]["mb_s"],
                                        full["consumed"]["msg_s"],
                                        json.dumps(dict((k, full["latency_ms"][k])
                                                        for k in ("p50", "p95", "p99", "max")))))
        print("targets: %s" % ", ".join("%s %s (limit %s): %s" % (name, v["value"], v["limit"],
                                                                   {True: "met", False: "missed",
                                                                    None: "-"}[v["met"]])
                                         for name, v in sorted(full["targets"].items())))
        print("report and plots: %s" % ", ".join([full["report"]] + full["plots"]))
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
