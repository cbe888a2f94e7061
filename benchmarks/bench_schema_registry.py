"""Benchmark: converge N subjects in one schema_registry task against a real registry.

Starts a 1-node Kafka broker and Apicurio Registry (kafkasql storage) on 127.0.0.1, warms the
registry up outside the measurements, then per round, on fresh subject names:

  create   register N Avro subjects that do not exist yet
  no-op    the same N subjects again (nothing to do, changed=false)

Each step is measured as:

  limit    the practical limit: a hand-written plain-urllib script, run as a fresh Python
           process, reading the same N schemas from a JSON file and doing what converging needs
           (GET /subjects?deleted=true once; create: POST .../versions for each subject not
           listed, in order; no-op: POST /subjects/{s} to look each schema up under its subject,
           the registry's own comparison, on the same 4 threads the module uses for reads).
  module   the module process alone, the way Ansible runs it on the target: a fresh Python
           process executing schema_registry.py with its arguments as JSON.
  task     the same converge as one ansible-playbook task (task duration, and the
           ansible-playbook wall time): the controller's fixed cost on top.

Both limit and module pay interpreter start, imports and one HTTP connection per request
(urllib and ansible.module_utils.urls do not keep connections alive). The ratio target
(<= 1.5) is module / limit. Best of ``--rounds`` per figure, with the range over the rounds.

Usage: .venv/bin/python benchmarks/bench_schema_registry.py [--count 500] [--rounds 3]
       [--no-ansible]
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import ansible_collections  # noqa: E402

from benchmarks.benchlib import (Best, cache_dir, floor_process, limit_process,  # noqa: E402
                                 module_process, playbook_task, import_baseline)
from testbed.kafka import REPO, KafkaCluster  # noqa: E402
from testbed.schema_registry import SchemaRegistry  # noqa: E402

SITE = [os.path.dirname(p) for p in ansible_collections.__path__
        if os.path.isdir(os.path.join(p, "ansible", "posix"))]
ENV = {"ANSIBLE_COLLECTIONS_PATH": os.pathsep.join([REPO] + SITE)}

LIMIT_SCRIPT = r"""
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen
job = json.load(open(sys.argv[1]))
url = job["url"]
HEADERS = {"Content-Type": "application/vnd.schemaregistry.v1+json",
           "Accept": "application/vnd.schemaregistry.v1+json"}

def call(method, path, body=None):
    req = Request(url + path, data=json.dumps(body).encode() if body is not None else None,
                  headers=HEADERS, method=method)
    with urlopen(req, timeout=30) as resp:
        return json.loads(resp.read().decode() or "null")

def lookup(item):
    try:
        return call("POST", "/subjects/" + quote(item["subject"], safe=""), item["payload"])
    except HTTPError as exc:
        if exc.code == 404:
            return None
        raise

started = time.perf_counter()
items = [dict(subject=s["subject"], payload={"schema": json.dumps(s["schema"], separators=(",", ":")),
                                              "schemaType": "AVRO"}) for s in job["subjects"]]
listed = set(call("GET", "/subjects?deleted=true"))
done = 0
if job["register"]:
    for item in items:
        if item["subject"] not in listed:
            call("POST", "/subjects/%s/versions" % quote(item["subject"], safe=""), item["payload"])
            done += 1
else:
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lookup, items))
    done = sum(1 for f in found if f and f.get("version"))
print(json.dumps(dict(done=done, inner=time.perf_counter() - started)))
"""


def schema(i):
    return {"type": "record", "name": "Rec%d" % i, "namespace": "bench",
            "fields": [{"name": "id", "type": "long"}, {"name": "f%d" % i, "type": "string"}]}


def subjects(prefix, count):
    return [{"subject": "%s-%d" % (prefix, i), "schema": schema(i)} for i in range(count)]


def check(result, expect_changed, count, label):
    off = [s for s in result.get("subjects", []) if s.get("changed") is not expect_changed]
    if result["changed"] is not expect_changed or off or len(result["subjects"]) != count:
        raise SystemExit("%s: wrong changed flag: %d subjects off, e.g. %s" % (label, len(off),
                                                                               off[:3]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=None)
    parser.add_argument("--count", dest="count_opt", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-ansible", action="store_true")
    options = parser.parse_args()
    count = options.count or options.count_opt
    workdir = tempfile.mkdtemp(prefix="sr-", dir=cache_dir("bench"))
    kafka = KafkaCluster(size=1).start()
    registry = None
    figures = Best()
    try:
        registry = SchemaRegistry(kafka_bootstrap=kafka.bootstrap_servers, heap="512m").start()
        # warm the registry (JIT, journal) outside the measurements
        limit_process(workdir, "sr", LIMIT_SCRIPT, dict(url=registry.url, register=True,
                                                        subjects=subjects("warmup", 50)))
        limit_process(workdir, "sr", LIMIT_SCRIPT, dict(url=registry.url, register=False,
                                                        subjects=subjects("warmup", 50)))
        base = {"url": registry.url}
        for round_ in range(options.rounds):
            tag = "r%d-%d" % (round_, os.getpid())
            for step, register in (("create", True), ("no-op", False)):
                def run_module():
                    data, result = module_process(workdir, "schema_registry", dict(
                        base, subjects=subjects("module-" + tag, count)))
                    check(result, register, count, "module " + step)
                    figures.add(("module", step), data["wall"])
                    figures.add(("module cpu", step), data["cpu"])

                def run_limit():
                    data, answer = limit_process(workdir, "sr", LIMIT_SCRIPT, dict(
                        url=registry.url, register=register,
                        subjects=subjects("limit-" + tag, count)))
                    if answer["done"] != count:
                        raise SystemExit("limit %s handled %d subjects, expected %d"
                                         % (step, answer["done"], count))
                    figures.add(("limit", step), data["wall"])
                    figures.add(("limit in-process", step), answer["inner"])

                # alternate which side goes first, so neither always meets a fresher registry
                for run in ((run_module, run_limit) if round_ % 2 == 0
                            else (run_limit, run_module)):
                    run()
                line = "  round %d %-7s module %.2fs  limit %.2fs" % (
                    round_ + 1, step, figures.values[("module", step)][-1],
                    figures.values[("limit", step)][-1])
                if not options.no_ansible:
                    result, task, wall = playbook_task(workdir, "schema_registry", dict(
                        base, subjects=subjects("task-" + tag, count)), env=ENV)
                    check(result, register, count, "task " + step)
                    figures.add(("task", step), task)
                    figures.add(("wall", step), wall)
                    line += "  task %.2fs  ansible-playbook %.2fs" % (task, wall)
                print(line, flush=True)
            floor = floor_process(workdir, "schema_registry", dict(
                base, subjects=subjects("module-" + tag, count)))
            figures.add("floor", floor["wall"])
            figures.add("floor cpu", floor["cpu"])
            figures.add("baseline", import_baseline(
                "json, ssl, urllib.request, concurrent.futures"))
        print()
        print("schema_registry, %d Avro subjects, Apicurio %s (%s storage), best of %d round(s) "
              "[range]" % (count, registry.version, registry.storage, options.rounds))
    finally:
        if registry:
            registry.stop()
        kafka.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print("%-8s %-18s %-18s %8s %-14s %-10s %-12s" % (
        "step", "limit s", "module s", "ratio", "module cpu s", "task s", "playbook s"))
    for step in ("create", "no-op"):
        ratios = figures.ratios(step)
        print(figures.step_row(step, options.no_ansible, (18, 18, 14, 10)))
        print("%-8s ratio per round: %s; limit in-process (requests only) %.2f s" % (
            "", ", ".join("%.2f" % r for r in ratios), figures.best(("limit in-process", step))))
    print("Null module for these arguments (the module's imports, ansible.module_utils.urls "
          "included, AnsibleModule argument parsing, exit_json echoing and scrubbing the "
          "arguments): %s s; a process importing only what the limit imports (json, ssl, "
          "urllib, concurrent.futures): %s s; Ansible's own cost is the difference"
          % (figures.spread("floor"), figures.spread("baseline")))
    for step in ("create", "no-op"):
        for line in figures.floor_report(step):
            print(line)
    print("CPU seconds: module create %.2f, no-op %.2f; floor %.2f" % (
        figures.best(("module cpu", "create")), figures.best(("module cpu", "no-op")),
        figures.best("floor cpu")))
    print("ratio = module / limit, both fresh processes. task/playbook: through "
          "ansible-playbook. Target ratio <= 1.5.")


if __name__ == "__main__":
    main()
