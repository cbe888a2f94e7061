"""Benchmark: converge 5,000 ACL bindings in one kafka_acl task against the secured broker.

In one run, against one secured single-node broker (testbed.secure.SecureKafkaCluster,
SASL_SSL + SCRAM-SHA-512, StandardAuthorizer), per round and on fresh principals:

  (a) create   5,000 bindings (one operation each) for a principal without ACLs
  (b) no-op    the same bindings again (nothing to do)

Each step is measured three ways:

  limit    the practical limit: a hand-written kafka-python script, run as a fresh Python
           process like the module, reading the same 5,000 bindings from a JSON file: connect
           (TLS + SCRAM), one DescribeAcls for the principal, set comparison, CreateAcls
           (chunked like the module). It includes interpreter start, imports, connect and auth.
  module   the module process alone, the way Ansible runs it on the target: a fresh Python
           process executing kafka_acl.py with its arguments as JSON (same inclusions, plus
           argument validation and the result Ansible scrubs for no_log values).
  task     the same converge through ansible-playbook (one task), as the task duration of the
           json callback and as the ansible-playbook wall time: the controller's fixed cost
           (start-up, templating 5,000 arguments, shipping and post-processing the result).

The ratio target (<= 1.5) is module / limit. The in-process limit (connect + requests only,
interpreter already warm) is printed too, for reference. Best of ``--rounds`` per figure, with
the range over the rounds.

    .venv/bin/python benchmarks/bench_kafka_acl.py [--count 5000] [--rounds 3] [--no-ansible]
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.benchlib import (Best, cache_dir, floor_process, limit_process,  # noqa: E402
                                 module_process, playbook_task, import_baseline)
from testbed.secure import SecureKafkaCluster  # noqa: E402

ENV = {"ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "true"}

LIMIT_SCRIPT = r"""
import json, sys, time
from kafka import KafkaAdminClient
from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType,
                         ResourcePattern, ResourcePatternFilter, ResourceType)
job = json.load(open(sys.argv[1]))
started = time.perf_counter()
admin = KafkaAdminClient(request_timeout_ms=60000, **job["admin"])
principal = job["principal"]
found, _ = admin.describe_acls(ACLFilter(
    principal=principal, host=None, operation=ACLOperation.ANY,
    permission_type=ACLPermissionType.ANY,
    resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)))
have = set((a.principal, a.host, a.resource_pattern.resource_type.name,
            a.resource_pattern.resource_name, a.resource_pattern.pattern_type.name,
            a.operation.name, a.permission_type.name) for a in found)
missing = []
for b in job["bindings"]:
    for op in b["operations"]:
        key = (b["principal"], "*", b["resource_type"].upper(), b["resource_name"], "LITERAL",
               op.upper(), "ALLOW")
        if key not in have:
            missing.append(ACL(b["principal"], "*", ACLOperation[op.upper()],
                               ACLPermissionType.ALLOW,
                               ResourcePattern(ResourceType[b["resource_type"].upper()],
                                               b["resource_name"],
                                               ACLResourcePatternType.LITERAL)))
if job["create"]:
    for start in range(0, len(missing), 5000):
        outcome = admin.create_acls(missing[start:start + 5000])
        assert not outcome["failed"], outcome["failed"][:3]
admin.close()
print(json.dumps(dict(missing=len(missing), inner=time.perf_counter() - started)))
"""


def bindings(principal, count):
    return [dict(principal=principal, resource_type="topic", resource_name="bench-%05d" % i,
                 operations=["write" if i % 2 else "read"]) for i in range(count)]


def delete_all(cluster, principals):
    from kafka import KafkaAdminClient
    from kafka.admin import (ACLFilter, ACLOperation, ACLPermissionType,
                             ACLResourcePatternType, ResourcePatternFilter, ResourceType)
    admin = KafkaAdminClient(request_timeout_ms=60000, **cluster.admin_config())
    try:
        admin.delete_acls([ACLFilter(principal=p, host=None, operation=ACLOperation.ANY,
                                     permission_type=ACLPermissionType.ANY,
                                     resource_pattern=ResourcePatternFilter(
                                         ResourceType.ANY, None, ACLResourcePatternType.ANY))
                           for p in principals])
    finally:
        admin.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-ansible", action="store_true",
                        help="skip the ansible-playbook measurements")
    options = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="acl-", dir=cache_dir("bench"))
    cluster = SecureKafkaCluster(size=1)
    print("starting a secured single-node broker ...", flush=True)
    cluster.start(timeout=300)
    figures = Best()
    args = dict(cluster.module_args(), request_timeout_ms=60000)
    admin = cluster.admin_config()
    try:
        # Warm the broker up (JIT, authorizer) outside the measurements.
        for create in (True, False):
            limit_process(workdir, "acl", LIMIT_SCRIPT, dict(
                admin=admin, principal="User:bench-warmup",
                bindings=bindings("User:bench-warmup", options.count), create=create))
        delete_all(cluster, ["User:bench-warmup"])
        for round_ in range(options.rounds):
            tag = "%d-%d" % (os.getpid(), round_)
            mod_p, lim_p, ans_p = ("User:bench-%s-%s" % (side, tag)
                                   for side in ("module", "limit", "ansible"))
            for step, create in (("create", True), ("no-op", False)):
                expected = options.count if create else 0

                def run_module():
                    data, result = module_process(workdir, "kafka_acl", dict(
                        args, acls=bindings(mod_p, options.count)))
                    if result["changed"] is not create or len(result["created"]) != expected:
                        raise RuntimeError("(%s) module: changed=%s, %d created, expected %d"
                                           % (step, result["changed"], len(result["created"]),
                                              expected))
                    figures.add(("module", step), data["wall"])
                    figures.add(("module cpu", step), data["cpu"])
                    figures.add(("module peak", step), data["peak_mb"])

                def run_limit():
                    data, answer = limit_process(workdir, "acl", LIMIT_SCRIPT, dict(
                        admin=admin, principal=lim_p, bindings=bindings(lim_p, options.count),
                        create=create))
                    if answer["missing"] != expected:
                        raise RuntimeError("(%s) limit found %d missing, expected %d"
                                           % (step, answer["missing"], expected))
                    figures.add(("limit", step), data["wall"])
                    figures.add(("limit cpu", step), data["cpu"])
                    figures.add(("limit in-process", step), answer["inner"])

                # alternate which side goes first, so neither always meets a fresher broker
                for run in ((run_module, run_limit) if round_ % 2 == 0
                            else (run_limit, run_module)):
                    run()
                if not options.no_ansible:
                    result, task, wall = playbook_task(
                        workdir, "kafka_acl", dict(args, acls=bindings(ans_p, options.count)),
                        env=ENV)
                    if result["changed"] is not create:
                        raise RuntimeError("(%s) task changed=%s" % (step, result["changed"]))
                    figures.add(("task", step), task)
                    figures.add(("wall", step), wall)
                print("  round %d %-7s module %.2fs  limit %.2fs%s" % (
                    round_ + 1, step, figures.values[("module", step)][-1],
                    figures.values[("limit", step)][-1],
                    "" if options.no_ansible else "  task %.2fs  ansible-playbook %.2fs" % (
                        figures.values[("task", step)][-1], figures.values[("wall", step)][-1])),
                    flush=True)
            floor = floor_process(workdir, "kafka_acl", dict(args, acls=bindings(mod_p,
                                                                              options.count)))
            figures.add("floor", floor["wall"])
            figures.add("floor cpu", floor["cpu"])
            figures.add("baseline", import_baseline("kafka, kafka.admin"))
            delete_all(cluster, [mod_p, lim_p, ans_p])
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print("kafka_acl, %d bindings, secured single-node KRaft (SASL_SSL, SCRAM-SHA-512), "
          "best of %d round(s) [range]" % (options.count, options.rounds))
    print("%-8s %-18s %-18s %8s %-18s %-18s %-18s" % (
        "step", "limit s", "module s", "ratio", "module cpu s", "task s", "playbook s"))
    for step in ("create", "no-op"):
        ratios = figures.ratios(step)
        print(figures.step_row(step, options.no_ansible, (18, 18, 18, 18)))
        print("%-8s ratio per round: %s; limit in-process (connect + requests) %.2f s, "
              "limit cpu %.2f s, module peak %.0f MB" % (
                  "", ", ".join("%.2f" % r for r in ratios),
                  figures.best(("limit in-process", step)), figures.best(("limit cpu", step)),
                  max(figures.values[("module peak", step)])))
    print("Null module for these arguments (the module's imports, kafka-python's included, "
          "AnsibleModule argument parsing, exit_json echoing and scrubbing the arguments): "
          "%s s per round; a process importing only what the limit imports (kafka-python): %s s per "
          "round; Ansible's own cost is the difference" % (
              figures.spread("floor"), figures.spread("baseline")))
    for step in ("create", "no-op"):
        for line in figures.floor_report(step):
            print(line)
    print("CPU seconds: module create %.2f, no-op %.2f; floor %.2f" % (
        figures.best(("module cpu", "create")), figures.best(("module cpu", "no-op")),
        figures.best("floor cpu")))
    print("ratio = module / limit, both fresh processes (interpreter, imports, TLS + SCRAM "
          "connect, requests). task/playbook: through ansible-playbook. Target ratio <= 1.5.")


if __name__ == "__main__":
    main()
