"""Benchmark: converge 5,000 ACL bindings in one kafka_acl task against the secured broker.

In one run, against one secured single-node broker (testbed.secure.SecureKafkaCluster):

  (a) create   kafka_acl with 5,000 bindings (one operation each) on an empty principal
  (b) no-op    the same task again (nothing to do)

and, as the practical limit, the direct kafka-python calls doing the same work with the same
admin connection settings: (a) DescribeAcls + CreateAcls, (b) DescribeAcls + set comparison.
The module is timed inside its process (one Ansible task in a playbook, task duration from the
json callback) and end to end (ansible-playbook wall time); the limit includes connecting.

    .venv/bin/python benchmarks/bench_kafka_acl.py [--count 5000]
"""
import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from kafka import KafkaAdminClient  # noqa: E402
from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType,  # noqa: E402
                         ACLResourcePatternType, ResourcePattern, ResourcePatternFilter,
                         ResourceType)

from testbed.ansible import run_playbook  # noqa: E402
from testbed.secure import SecureKafkaCluster  # noqa: E402

ENV = {"ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "true"}


def bindings(principal, count):
    return [dict(principal=principal, resource_type="topic", resource_name="bench-%05d" % i,
                 operations=["write" if i % 2 else "read"]) for i in range(count)]


def run_task(cluster, workdir, acls):
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
             "tasks": [{"specweave.kafka.kafka_acl": dict(
                 cluster.module_args(), acls=acls, request_timeout_ms=60000)}]}]
    path = os.path.join(workdir, "bench.yml")
    with open(path, "w") as handle:
        json.dump(play, handle)
    started = time.perf_counter()
    run = run_playbook(path, env=ENV)
    wall = time.perf_counter() - started
    task = run.data["plays"][0]["tasks"][0]
    result = task["hosts"]["localhost"]
    if result.get("failed"):
        raise RuntimeError(result.get("msg"))
    duration = task["task"]["duration"]
    from datetime import datetime
    parse = lambda s: datetime.strptime(s.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")  # noqa: E731
    task_time = (parse(duration["end"]) - parse(duration["start"])).total_seconds()
    return result, task_time, wall


def run_module_alone(cluster, workdir, acls):
    """The module process alone (no Ansible controller): python -m <module> <args file>."""
    import subprocess
    args_path = os.path.join(workdir, "args.json")
    with open(args_path, "w") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": dict(cluster.module_args(), acls=acls,
                                                request_timeout_ms=60000)}, handle)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m",
                           "ansible_collections.specweave.kafka.plugins.modules.kafka_acl",
                           args_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=dict(os.environ, PYTHONPATH=repo), check=False)
    elapsed = time.perf_counter() - started
    result = json.loads(proc.stdout)
    if result.get("failed"):
        raise RuntimeError(result.get("msg"))
    return result, elapsed


def principal_filter(principal):
    return ACLFilter(principal=principal, host=None, operation=ACLOperation.ANY,
                     permission_type=ACLPermissionType.ANY,
                     resource_pattern=ResourcePatternFilter(ResourceType.ANY, None,
                                                            ACLResourcePatternType.ANY))


def direct(cluster, principal, count, create):
    """The limit: connect, one DescribeAcls, compare, CreateAcls (chunked like the module)."""
    started = time.perf_counter()
    admin = KafkaAdminClient(request_timeout_ms=60000, **cluster.admin_config())
    found, _ = admin.describe_acls(principal_filter(principal))
    have = set((a.resource_pattern.resource_name, a.operation.name) for a in found)
    wanted = [ACL(principal, "*", ACLOperation.WRITE if i % 2 else ACLOperation.READ,
                  ACLPermissionType.ALLOW,
                  ResourcePattern(ResourceType.TOPIC, "bench-%05d" % i,
                                  ACLResourcePatternType.LITERAL)) for i in range(count)]
    missing = [a for a in wanted
               if (a.resource_pattern.resource_name, a.operation.name) not in have]
    if create:
        for start in range(0, len(missing), 5000):
            outcome = admin.create_acls(missing[start:start + 5000])
            assert not outcome["failed"], outcome["failed"][:3]
    admin.close()
    return time.perf_counter() - started, len(missing)


def delete_all(cluster, principal):
    admin = KafkaAdminClient(request_timeout_ms=60000, **cluster.admin_config())
    admin.delete_acls([principal_filter(principal)])
    admin.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    cluster = SecureKafkaCluster(size=1)
    cluster.start(timeout=300)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            module_principal, direct_principal = "User:bench-module", "User:bench-direct"
            acls = bindings(module_principal, args.count)
            created, create_task, create_wall = run_task(cluster, workdir, acls)
            assert created["changed"] and len(created["created"]) == args.count
            noop, noop_task, noop_wall = run_task(cluster, workdir, acls)
            assert not noop["changed"]
            alone_principal = "User:bench-alone"
            alone_acls = bindings(alone_principal, args.count)
            created, create_alone = run_module_alone(cluster, workdir, alone_acls)
            assert created["changed"] and len(created["created"]) == args.count
            noop, noop_alone = run_module_alone(cluster, workdir, alone_acls)
            assert not noop["changed"]
            delete_all(cluster, alone_principal)
            limit_create, n = direct(cluster, direct_principal, args.count, create=True)
            assert n == args.count
            limit_noop, n = direct(cluster, direct_principal, args.count, create=False)
            assert n == 0
            delete_all(cluster, module_principal)
            delete_all(cluster, direct_principal)
    finally:
        cluster.stop()

    print("kafka_acl benchmark: %d bindings, secured single-node broker (SASL_SSL, SCRAM-SHA-512)"
          % args.count)
    print("%-8s %10s %10s %10s %10s %12s %12s %12s" % (
        "step", "limit (s)", "module (s)", "task (s)", "wall (s)", "ratio module",
        "ratio task", "ratio wall"))
    for name, limit, alone, task, wall in (
            ("create", limit_create, create_alone, create_task, create_wall),
            ("no-op", limit_noop, noop_alone, noop_task, noop_wall)):
        print("%-8s %10.2f %10.2f %10.2f %10.2f %12.2f %12.2f %12.2f" % (
            name, limit, alone, task, wall, alone / limit, task / limit, wall / limit))
    print("limit: direct kafka-python calls (connect, DescribeAcls, CreateAcls). module: the "
          "module process alone. task: the Ansible task (controller templating of the 5,000 "
          "arguments and result handling included). wall: ansible-playbook end to end. "
          "Target ratio <= 1.5.")


if __name__ == "__main__":
    main()
