"""Benchmark: kafka_topic converging 1,000 topics in one task against the practical limit.

Starts a single-node KRaft broker from the test bed, then for 1,000 topics (3 partitions,
2 config keys each):

  (a) create from empty,
  (b) re-run with nothing to do,
  (c) change one config key on all topics,

each done once by the module (run the way Ansible runs it: a fresh Python process executing the
module file with its arguments as JSON) and once by the minimal direct kafka-python admin calls
doing the same work, also in a fresh process (so both pay interpreter start, imports and the
connection). For (c) two limits are printed: the blind IncrementalAlterConfigs (the strict
minimum, which cannot tell whether anything changed) and the same alter preceded by the
Metadata and DescribeConfigs reads that any converge needs, as the (b) limit does. (b) is also
compared with those two reads sent together on kafka-python's event loop, as the module sends
them (a reference beside the plain-call limit). Prints wall times, the ratio module/limit
(target <= 1.5) and the module's peak memory (max RSS of the child, target <= 150 MB).
``--ansible`` also times (b) through ``ansible-playbook`` (one task) for reference.

Rounds alternate which side goes first (even rounds the limit, odd rounds the module), so
neither always meets a fresher broker. Each round uses fresh topic names, deletes its topics at
the end and waits until the broker has removed their logs (drain()), so that one round's cleanup
does not slow the next round down. Ansible's own cost in the module process is printed at the
end: a null module on the same arguments minus a process importing only kafka-python.

Run: .venv/bin/python benchmarks/bench_kafka_topic.py [--topics 1000] [--repeat 3] [--ansible]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from benchmarks.benchlib import (cache_dir, floor_process, import_baseline,  # noqa: E402
                                 limit_process, module_process)
from testbed.kafka import KafkaCluster  # noqa: E402


# The limit: the fewest kafka-python admin calls that do the same work.
LIMIT_SCRIPT = r"""
import json, sys
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource
from kafka.admin._configs import AlterConfigOp
job = json.load(open(sys.argv[1]))
admin = KafkaAdminClient(bootstrap_servers=job["bootstrap"], request_timeout_ms=120000)
# Creation waits (like the module) until every new topic has a leader for each partition, so the
# next step can use them.
names = job["names"]
if job["step"] == "create":
    admin.create_topics(dict((n, {"num_partitions": 3, "replication_factor": 1,
                                  "configs": job["configs"]}) for n in names),
                        timeout_ms=120000)
    admin.wait_for_topics(names, timeout_ms=900000)
elif job["step"] == "noop":
    admin.describe_topics(names)
    admin.describe_configs([ConfigResource("TOPIC", n, sorted(job["configs"])) for n in names],
                           config_filter="all")
elif job["step"] == "noop_at_once":
    # The same two reads sent together on the client's event loop (kafka-python internals), as
    # the module sends them: a reference for (b), not the practical limit of plain calls.
    manager = admin._manager
    resources = [ConfigResource("TOPIC", n, sorted(job["configs"])) for n in names]

    async def both():
        futures = [manager.call_soon(admin._get_cluster_metadata, names),
                   manager.call_soon(admin._async_describe_configs, resources, False, "all")]
        return [await future for future in futures]
    manager.run(both)
elif job["step"] in ("alter", "read_alter"):
    if job["step"] == "read_alter":
        # What a converge must read before it knows what to alter (and whether anything changed).
        admin.describe_topics(names)
        admin.describe_configs([ConfigResource("TOPIC", n, sorted(job["configs"]))
                                for n in names], config_filter="all")
    admin.alter_configs([ConfigResource("TOPIC", n, dict((k, (AlterConfigOp.SET, v))
                                                          for k, v in job["change"].items()))
                         for n in names], raise_on_unknown=False, incremental=True)
admin.close()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of (a)(b)(c); the best time of each is reported")
    parser.add_argument("--ansible", action="store_true",
                        help="also time (b) through ansible-playbook")
    options = parser.parse_args()

    # Not under /tmp: other test runs on the machine clean their /tmp folders.
    workdir = tempfile.mkdtemp(prefix="kafka-topic-", dir=cache_dir("bench"))
    # Deleted topics' logs are removed 1 s after the deletion instead of 60 s, so that drain()
    # can wait for the broker to finish a round's cleanup before the next round starts.
    cluster = KafkaCluster(size=1, workdir=os.path.join(workdir, "kafka"), heap="1g",
                           extra_config={"log.segment.delete.delay.ms": "1000"})
    print("starting a single-node broker ...", flush=True)
    cluster.start()
    rows = {}
    per_round = {}
    module_walls = {}
    limit_walls = {}
    round_limits = []
    baselines = []
    peaks = []
    floors = []
    try:
        for round_ in range(options.repeat):
            mod_names = ["bench.mod%d.t%04d" % (round_, i) for i in range(options.topics)]
            lim_names = ["bench.lim%d.t%04d" % (round_, i) for i in range(options.topics)]
            configs = {"retention.ms": "604800000", "cleanup.policy": "delete"}
            base = dict(bootstrap_servers=[cluster.bootstrap_servers], request_timeout_ms=120000)

            def topics_arg(cfg):
                return [dict(name=n, partitions=3, replication_factor=1, config=cfg)
                        for n in mod_names]

            steps = [
                ("a", "create from empty", dict(configs), "create", None),
                ("b", "re-run, nothing to do", dict(configs), "noop", None),
                ("c", "change one config on all",
                 dict(configs, **{"retention.ms": "86400000"}), "alter",
                 {"retention.ms": "86400000"}),
            ]
            for key, label, cfg, step, change in steps:
                def limit_side():
                    out, _answer = limit_process(workdir, "topic", LIMIT_SCRIPT, dict(
                        bootstrap=cluster.bootstrap_servers, names=lim_names, step=step,
                        configs=configs, change=change))
                    # The broker publishes new topics in order and creates their logs
                    # afterwards; let it finish before the other side starts.
                    settle(cluster, lim_names)
                    return out

                def module_side():
                    out = module_process(workdir, "kafka_topic",
                                         dict(base, topics=topics_arg(cfg)))
                    settle(cluster, mod_names)
                    return out
                # Alternate which side goes first, so neither always meets a fresher broker.
                if round_ % 2 == 0:
                    limit = limit_side()
                    data, result = module_side()
                else:
                    data, result = module_side()
                    limit = limit_side()
                expect_changed = step != "noop"
                if result["changed"] != expect_changed:
                    raise RuntimeError("(%s) module changed=%s, expected %s"
                                       % (key, result["changed"], expect_changed))
                count = len(result["created"] if step == "create" else
                            result["unchanged"] if step == "noop" else result["updated"])
                if count != options.topics:
                    raise RuntimeError("(%s) module handled %d topics, expected %d"
                                       % (key, count, options.topics))
                # Best of the rounds, for the module and for the limit independently.
                best = rows.get(key, (label, float("inf"), float("inf")))
                rows[key] = (label, min(best[1], data["wall"]), min(best[2], limit["wall"]))
                per_round.setdefault(key, []).append(data["wall"] / limit["wall"])
                module_walls[key] = data["wall"]
                peaks.append(data["peak_mb"])
                print("  round %d (%s) module %.2fs (cpu %.2fs) peak %.0f MB, limit %.2fs%s"
                      % (round_ + 1, key, data["wall"], data["cpu"], data["peak_mb"],
                         limit["wall"], " (module first)" if round_ % 2 else ""), flush=True)
                limit_walls[key] = limit["wall"]
            # (c) against a limit that also does the reads a converge needs; reported beside
            # the blind-alter limit above, which is the strict minimum.
            read_alter, _answer = limit_process(workdir, "topic", LIMIT_SCRIPT, dict(
                bootstrap=cluster.bootstrap_servers, names=lim_names, step="read_alter",
                configs=configs, change={"retention.ms": "86400000"}))
            best = rows.get("c-read", (None, None, float("inf")))
            rows["c-read"] = ("(c) vs reads + alter limit", rows["c"][1],
                              min(best[2], read_alter["wall"]))
            per_round.setdefault("c-read", []).append(module_walls["c"] / read_alter["wall"])
            limit_walls["c-read"] = read_alter["wall"]
            # (b) against the same reads sent at once, as the module sends them; reported beside
            # the plain-call limit.
            at_once, _answer = limit_process(workdir, "topic", LIMIT_SCRIPT, dict(
                bootstrap=cluster.bootstrap_servers, names=lim_names, step="noop_at_once",
                configs=configs, change=None))
            best = rows.get("b-at-once", (None, None, float("inf")))
            rows["b-at-once"] = ("(b) vs reads sent at once", rows["b"][1],
                                 min(best[2], at_once["wall"]))
            per_round.setdefault("b-at-once", []).append(module_walls["b"] / at_once["wall"])
            limit_walls["b-at-once"] = at_once["wall"]
            # (a) again without the broker dry run (broker_dry_run: false), fresh names
            dry_names = ["bench.nodry%d.t%04d" % (round_, i) for i in range(options.topics)]
            data, result = module_process(workdir, "kafka_topic", dict(
                base, broker_dry_run=False,
                topics=[dict(name=n, partitions=3, replication_factor=1, config=configs)
                        for n in dry_names]))
            settle(cluster, dry_names)
            # compared with this round's (a) limit
            best = rows.get("a-nodry")
            if best is None or data["wall"] / limit_walls["a"] < best[1] / best[2]:
                rows["a-nodry"] = ("(a) with broker_dry_run: false", data["wall"],
                                   limit_walls["a"])
            per_round.setdefault("a-nodry", []).append(data["wall"] / limit_walls["a"])
            peaks.append(data["peak_mb"])
            if options.ansible:
                task = {"specweave.kafka.kafka_topic": dict(base, topics=topics_arg(steps[-1][2]))}
                book = os.path.join(workdir, "bench.yml")
                with open(book, "w") as handle:
                    json.dump([dict(hosts="localhost", connection="local", gather_facts=False,
                                    tasks=[task])], handle)
                env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=REPO,
                           ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                           ANSIBLE_LOCALHOST_WARNING="false")
                started = time.time()
                subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
                                "-i", "localhost,", book],
                               stdout=subprocess.DEVNULL, check=True, env=env)
                # ansible-playbook's best against the best (b) limit
                elapsed = min(time.time() - started, rows.get("b-ansible", (0, float("inf")))[1])
                rows["b-ansible"] = ("(b) via ansible-playbook", elapsed, rows["b"][2])
            floor = floor_process(workdir, "kafka_topic", dict(base, topics=topics_arg(configs)))
            floors.append(floor["wall"])
            baselines.append(import_baseline("kafka, kafka.admin"))
            round_limits.append(dict(limit_walls))
            admin_cleanup(cluster, mod_names + lim_names + dry_names)
            drain(cluster)
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print("kafka_topic, %d topics x 3 partitions x 2 configs, single-node KRaft %s"
          % (options.topics, cluster.version))
    print("%-34s %10s %10s %8s" % ("step", "module s", "limit s", "ratio"))
    for key in sorted(rows):
        label, module_s, limit_s = rows[key]
        print("%-34s %10.2f %10.2f %8.2f" % ("(%s) %s" % (key, label) if len(key) == 1
                                              else label, module_s, limit_s,
                                              module_s / limit_s))
    for key in sorted(per_round):
        print("ratio per round %-8s %s" % (key, ", ".join("%.2f" % r for r in per_round[key])))
    print("module peak memory (max RSS): %.0f MB (target <= 150 MB)" % max(peaks))
    print("Null module for these arguments (the module's imports, kafka-python's included, "
          "AnsibleModule argument parsing, exit_json echoing the arguments): %.2f s; a process "
          "importing only kafka-python: %.2f s; Ansible's own cost, the difference, per round: %s"
          % (min(floors), min(baselines), ", ".join("%.2f" % (f - b)
                                                      for f, b in zip(floors, baselines))))
    # What a module doing the limit's work in the limit's time would measure: the limit plus
    # Ansible's own cost for the same arguments.
    for key in ("a", "b", "b-at-once", "c-read"):
        print("ratio of the limit's time plus Ansible's own cost, 1 + (floor - baseline) / limit, "
              "per round %-7s %s" % (key, ", ".join(
                  "%.2f" % (1 + (f - b) / limits[key])
                  for f, b, limits in zip(floors, baselines, round_limits))))


def settle(cluster, names, timeout=1800):
    """Wait until the broker has created the log folder of every partition of ``names``."""
    data = cluster.nodes[0].log_dir
    wanted = set("%s-%d" % (name, p) for name in names for p in range(3))
    deadline = time.time() + timeout
    while time.time() < deadline:
        if wanted <= set(os.listdir(data)):
            return
        time.sleep(1)
    raise RuntimeError("broker did not create all partition logs within %ss" % timeout)


def drain(cluster, timeout=900):
    """Wait until the broker has removed the logs of every deleted benchmark topic."""
    data = cluster.nodes[0].log_dir
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not any(entry.startswith("bench.") or entry.endswith("-delete")
                   for entry in os.listdir(data)):
            return
        time.sleep(1)
    raise RuntimeError("broker did not remove the deleted topics' logs within %ss" % timeout)


def admin_cleanup(cluster, names):
    from kafka import KafkaAdminClient
    admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers,
                             request_timeout_ms=120000)
    try:
        admin.delete_topics(names, timeout_ms=120000)
    finally:
        admin.close()


if __name__ == "__main__":
    main()
