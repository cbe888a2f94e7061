"""Produce throughput of a 3-node cluster with and without the metrics agent, same run.

The agent is the one the kafka_broker role installs with ``kafka_broker_metrics_agent: otel``: the
OpenTelemetry Java agent 2.22.0 (scripts/otel-javaagent.sh, Maven Central, pinned SHA-1) with the
collection's JMX rules (roles/kafka_broker/files/metrics/otel-jmx-kafka.yml), runtime metrics and
the Prometheus exporter on 127.0.0.1, every other instrumentation off: the role's JVM options.

Each phase starts a fresh 3-node test bed cluster (testbed.kafka, combined broker+controller nodes,
512 MB heap), with the agent in every node's JVM or without it, creates a topic (3 partitions,
replication factor 3, min.insync.replicas 2), warms the brokers up with a short run and then
produces the fixed workload with Kafka's own ProducerPerformance (a separate JVM from the
cluster's libs/: RECORDS records of SIZE bytes, acks=all, lz4, no throttle, the same in every
phase). While the agent runs, every node's /metrics is scraped every SCRAPE seconds from the
start of the warm-up to the end of the measured run, as Prometheus would (a tighter interval than
the role's scrape default, so an upper bound of the agent's cost). Figures per phase: records/s,
MB/s, p99 latency, the brokers' CPU seconds and resident memory; per scrape: response time, size,
series.

Phases alternate in ABBA order (round 1 without/with, round 2 with/without, ...) so that a drift
of the machine (other work on the 2 cores, page cache) weighs on both sides alike. The ratio
with/without is taken per round and its median is the result; the spread of each side is printed.

Run: .venv/bin/python benchmarks/bench_metrics_agent.py [--rounds 4] [--records 400000] [--size 512] [--scrape 5]
Target (issue 16): the agent costs <= 5% of the produce throughput (median ratio >= 0.95). A missed
target is reported, not an error: the exit status is non-zero only when a phase fails.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from testbed.kafka import KafkaCluster, free_port  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = os.path.join(REPO, "ansible_collections", "specweave", "kafka", "roles", "kafka_broker", "files",
                     "metrics", "otel-jmx-kafka.yml")
TOPIC = "bench"
TARGET = 0.95
SUMMARY = re.compile(r"^(\d+) records sent, ([0-9.]+) records/sec \(([0-9.]+) MB/sec\), ([0-9.]+) ms avg latency, "
                     r"([0-9.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th", re.M)


def agent_jar():
    out = subprocess.run(["bash", os.path.join(REPO, "scripts", "otel-javaagent.sh")], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


def agent_options(jar, port, interval_ms):
    """The JVM options of the kafka_broker role's otel agent (one node, its metrics port)."""
    return ["-javaagent:" + jar,
            "-Dotel.metrics.exporter=prometheus",
            "-Dotel.exporter.prometheus.host=127.0.0.1",
            "-Dotel.exporter.prometheus.port=%d" % port,
            "-Dotel.traces.exporter=none",
            "-Dotel.logs.exporter=none",
            "-Dotel.instrumentation.common.default-enabled=false",
            "-Dotel.instrumentation.runtime-telemetry.enabled=true",
            "-Dotel.instrumentation.jmx.enabled=true",
            "-Dotel.jmx.config=" + RULES,
            "-Dotel.service.name=kafka",
            "-Dotel.metric.export.interval=%d" % interval_ms]


class BenchCluster(KafkaCluster):
    """The test bed cluster, with the metrics agent in every node's JVM when ``jar`` is given."""

    def __init__(self, jar=None, interval_ms=15000, **kwargs):
        self.jar = jar
        self.interval_ms = interval_ms
        super(BenchCluster, self).__init__(jvm_args=self._agent_args if jar else None, **kwargs)
        for node in self.nodes:
            node.metrics_port = free_port() if jar else None
            if jar:
                node.cds.dump = False  # the broker's class archive is written by a JVM without agent

    def _agent_args(self, node):
        return agent_options(self.jar, node.metrics_port, self.interval_ms)

    def metrics_urls(self):
        return ["http://127.0.0.1:%d/metrics" % n.metrics_port for n in self.nodes if n.metrics_port]


def proc_stat(pid):
    """(CPU seconds, resident MB) of a process from /proc."""
    with open("/proc/%d/stat" % pid) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / float(ticks)
    rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 1048576.0
    return cpu, rss


class Scraper(object):
    """Scrapes every URL every ``interval`` seconds in a thread, as Prometheus does."""

    def __init__(self, urls, interval):
        self.urls, self.interval = urls, interval
        self.samples = []  # (seconds, bytes, series)
        self.errors = []
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def scrape(self, url):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read()
        took = time.perf_counter() - started
        series = sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))
        return took, len(body), series, body

    def run(self):
        while not self.stop_flag.is_set():
            due = time.monotonic() + self.interval
            for url in self.urls:
                try:
                    took, size, series, _ = self.scrape(url)
                    self.samples.append((took, size, series))
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    self.errors.append("%s: %s" % (url, exc))
            self.stop_flag.wait(max(0.0, due - time.monotonic()))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        self.thread.join()


def wait_agents(scraper, timeout=120):
    """Until every node's agent serves the broker's JMX metrics (the rules' MBeans discovered)."""
    deadline = time.time() + timeout
    pending = list(scraper.urls)
    while pending:
        url = pending[0]
        try:
            body = scraper.scrape(url)[3]
            if b"kafka_server_state" in body and b"kafka_raft_leader" in body:
                pending.pop(0)
                continue
        except OSError:
            pass
        if time.time() > deadline:
            raise RuntimeError("the agent at %s serves no Kafka metrics after %d s" % (url, timeout))
        time.sleep(1)


class Producer(object):
    """Kafka's ProducerPerformance from the cluster's libs/, full JIT (unlike the test bed's tools)."""

    def __init__(self, cluster, size):
        self.cluster, self.size = cluster, size
        self.props = ["bootstrap.servers=" + cluster.bootstrap_servers, "acks=all", "compression.type=lz4",
                      "linger.ms=5", "batch.size=65536", "client.id=bench"]
        base = self.command("--help")
        help_text = subprocess.run(base, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
        # 4.x names it --command-property; 3.9 has only --producer-props (deprecated in 4.x)
        self.option = "--command-property" if "--command-property" in help_text else "--producer-props"

    def command(self, *args):
        return [self.cluster.java_bin, "-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
                "-Dlog4j2.configurationFile=" + self.cluster.log4j_quiet_path,
                "-cp", os.path.join(self.cluster.libs, "*"), "org.apache.kafka.tools.ProducerPerformance"] + list(args)

    def run(self, records):
        cmd = self.command("--topic", TOPIC, "--num-records", str(records), "--record-size", str(self.size),
                           "--throughput", "-1", self.option, *self.props)
        started = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900,
                              stdin=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        found = SUMMARY.findall(proc.stdout)
        if proc.returncode != 0 or not found:
            raise RuntimeError("ProducerPerformance failed (%d):\n%s" % (proc.returncode, proc.stdout[-3000:]))
        sent, rps, mbps, _avg, _max, _p50, _p95, p99 = found[-1]
        if int(sent) != records:
            raise RuntimeError("ProducerPerformance sent %s of %d records" % (sent, records))
        return {"rps": float(rps), "mbps": float(mbps), "p99": float(p99), "wall": wall}


def create_topic(cluster):
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers, request_timeout_ms=30000)
    try:
        admin.create_topics([NewTopic(TOPIC, 3, 3, topic_configs={"min.insync.replicas": "2"})], timeout_ms=30000)
    finally:
        admin.close()
    deadline = time.time() + 60
    while True:  # every partition led and fully in sync before a phase starts
        admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers, request_timeout_ms=30000)
        try:
            parts = admin.describe_topics([TOPIC])[0]["partitions"]
        finally:
            admin.close()
        if len(parts) == 3 and all(p["leader_id"] >= 0 and len(p["isr_nodes"]) == 3 for p in parts):
            return
        if time.time() > deadline:
            raise RuntimeError("topic %s not fully in sync after 60 s: %s" % (TOPIC, parts))
        time.sleep(0.5)


def phase(jar, args):
    """One phase: a fresh cluster (agent when ``jar``), warm-up, the measured run. Returns its figures."""
    started = time.perf_counter()
    cluster = BenchCluster(jar=jar, interval_ms=args.export_interval, size=3)
    with cluster:
        up = time.perf_counter() - started
        create_topic(cluster)
        producer = Producer(cluster, args.size)
        scraper = Scraper(cluster.metrics_urls(), args.scrape)
        if jar:
            wait_agents(scraper)
            scraper.__enter__()
        try:
            producer.run(args.warmup)
            before = [proc_stat(n.process.pid) for n in cluster.nodes]
            result = producer.run(args.records)
            after = [proc_stat(n.process.pid) for n in cluster.nodes]
        finally:
            if jar:
                scraper.__exit__()
        for node in cluster.nodes:
            if not node.running():
                raise RuntimeError("node %d exited during the phase:\n%s" % (node.node_id, node.log_tail()))
    result.update(up=up, broker_cpu=sum(a[0] - b[0] for a, b in zip(after, before)),
                  rss=statistics.mean(a[1] for a in after), scrapes=scraper.samples, scrape_errors=scraper.errors)
    return result


def spread(values, fmt="%.0f"):
    return "median " + fmt % statistics.median(values) + " [" + fmt % min(values) + "-" + fmt % max(values) + "]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4, help="rounds of one phase without and one with the agent")
    parser.add_argument("--records", type=int, default=400000, help="records of the measured run of each phase")
    parser.add_argument("--warmup", type=int, default=100000, help="records of the warm-up run of each phase")
    parser.add_argument("--size", type=int, default=512, help="record size in bytes")
    parser.add_argument("--scrape", type=float, default=5.0, help="seconds between two scrapes of each agent")
    parser.add_argument("--export-interval", type=int, default=15000, help="otel.metric.export.interval (ms)")
    args = parser.parse_args()

    jar = agent_jar()
    print("metrics agent overhead: 3-node KRaft %s on 127.0.0.1, %d cores; agent %s; rules %s"
          % (os.environ.get("KAFKA_VERSION", "4.4.0"), os.cpu_count(), os.path.basename(jar),
             os.path.relpath(RULES, REPO)))
    print("workload per phase: %d records of %d bytes (after %d of warm-up), topic 3 partitions RF 3 "
          "min.insync.replicas 2, acks=all, lz4, ProducerPerformance; scrape every %.0f s while the agent runs"
          % (args.records, args.size, args.warmup, args.scrape), flush=True)
    without, with_agent, ratios = [], [], []
    for number in range(1, args.rounds + 1):
        order = (False, True) if number % 2 else (True, False)
        figures = {}
        for agent in order:
            figures[agent] = phase(jar if agent else None, args)
            f = figures[agent]
            print("  round %d %-13s %8.0f records/s %6.2f MB/s  p99 %4.0f ms  brokers' CPU %5.1f s  RSS %4.0f MB"
                  "  (cluster up in %.0f s)%s" % (
                      number, "with agent" if agent else "without agent", f["rps"], f["mbps"], f["p99"],
                      f["broker_cpu"], f["rss"], f["up"],
                      "  %d scrapes, %d errors" % (len(f["scrapes"]), len(f["scrape_errors"])) if agent else ""),
                  flush=True)
        without.append(figures[False])
        with_agent.append(figures[True])
        ratios.append(figures[True]["rps"] / figures[False]["rps"])

    print()
    print("%-14s %-32s %-32s %-26s %s" % ("", "records/s", "MB/s", "brokers' CPU s / phase", "node RSS MB"))
    for label, runs in (("without agent", without), ("with agent", with_agent)):
        print("%-14s %-32s %-32s %-26s %s" % (
            label, spread([r["rps"] for r in runs]), spread([r["mbps"] for r in runs], "%.2f"),
            spread([r["broker_cpu"] for r in runs], "%.1f"), spread([r["rss"] for r in runs])))
    print("ratio with/without per round: %s" % ", ".join("%.3f" % r for r in ratios))
    ratio = statistics.median(ratios)
    print("ratio with/without (median of rounds): %.3f, throughput loss %.1f%% (target <= %.0f%%): %s"
          % (ratio, (1 - ratio) * 100, (1 - TARGET) * 100, "met" if ratio >= TARGET else "NOT met"))
    cpu_ratio = statistics.median(w["broker_cpu"] / o["broker_cpu"] for w, o in zip(with_agent, without))
    print("brokers' CPU per phase with/without (median of rounds): %.3f" % cpu_ratio)
    scrapes = [s for r in with_agent for s in r["scrapes"]]
    errors = [e for r in with_agent for e in r["scrape_errors"]]
    if scrapes:
        times = sorted(s[0] * 1000 for s in scrapes)
        print("agent scrapes: %d (%d errors), response %s ms, p95 %.0f ms; size %s KB, %s series"
              % (len(scrapes), len(errors), spread(times, "%.1f"), times[int(0.95 * (len(times) - 1))],
                 spread([s[1] / 1024.0 for s in scrapes], "%.1f"), spread([s[2] for s in scrapes])))
    for error in errors[:5]:
        print("  scrape error: " + error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
