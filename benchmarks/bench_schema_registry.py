"""Converge N subjects in one schema_registry task against a real registry; compare to raw REST.

Starts a 1-node Kafka broker and Apicurio Registry (kafkasql storage) on 127.0.0.1, then:

  module create   one ``schema_registry`` task registering N Avro subjects
  module no-op    the same task again (changed=false)
  direct create   plain urllib doing what converging needs: list subjects, register each
  direct no-op    plain urllib: list subjects, look each schema up under its subject

Both sides use fresh subjects and sequential HTTP requests. Prints seconds and the ratios
module/direct (target <= 1.5). Usage: .venv/bin/python benchmarks/bench_schema_registry.py [N]
"""
import json
import os
import sys
import time
from urllib.request import Request, urlopen

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import ansible_collections  # noqa: E402

from testbed.ansible import run_module  # noqa: E402
from testbed.kafka import REPO, KafkaCluster  # noqa: E402
from testbed.schema_registry import SchemaRegistry  # noqa: E402

SITE = [os.path.dirname(p) for p in ansible_collections.__path__
        if os.path.isdir(os.path.join(p, "ansible", "posix"))]
ENV = {"ANSIBLE_COLLECTIONS_PATH": os.pathsep.join([REPO] + SITE)}


def schema(i):
    return {"type": "record", "name": "Rec%d" % i, "namespace": "bench",
            "fields": [{"name": "id", "type": "long"}, {"name": "f%d" % i, "type": "string"}]}


def post(url, body):
    req = Request(url, data=json.dumps(body).encode(), method="POST",
                  headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    with urlopen(req, timeout=30) as resp:
        return json.loads(resp.read().decode())


def get(url):
    with urlopen(url, timeout=30) as resp:
        return json.loads(resp.read().decode())


def direct(registry, prefix, count, register):
    start = time.time()
    existing = set(get(registry.url + "/subjects"))
    for i in range(count):
        subject = "%s-%d" % (prefix, i)
        payload = {"schema": json.dumps(schema(i), separators=(",", ":")), "schemaType": "AVRO"}
        if register and subject not in existing:
            post("%s/subjects/%s/versions" % (registry.url, subject), payload)
        elif not register:
            post("%s/subjects/%s" % (registry.url, subject), payload)
    return time.time() - start


def module(registry, prefix, count, expect_changed):
    subjects = [{"subject": "%s-%d" % (prefix, i), "schema": schema(i)} for i in range(count)]
    start = time.time()
    result = run_module("schema_registry", {"url": registry.url, "subjects": subjects}, env=ENV)
    elapsed = time.time() - start
    if result.get("failed") or result["changed"] is not expect_changed:
        changed = [s for s in result.get("subjects", []) if s.get("changed") is not expect_changed]
        raise SystemExit("module run failed or wrong changed flag: %s; %d subjects off, e.g. %s; "
                         "warnings %s" % (result.get("msg"), len(changed), changed[:3],
                                          result.get("warnings")))
    return elapsed


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    kafka = KafkaCluster(size=1).start()
    registry = None
    try:
        registry = SchemaRegistry(kafka_bootstrap=kafka.bootstrap_servers, heap="512m").start()
        # warm the registry (JIT, journal) with a few calls outside the measurements
        direct(registry, "warmup", 20, True)
        figures = {}
        start = time.time()
        run_module("schema_registry_info", {"url": registry.url, "subjects": ["no-such-*"]}, env=ENV)
        overhead = time.time() - start
        figures["module create"] = module(registry, "module", count, True)
        figures["direct create"] = direct(registry, "direct", count, True)
        figures["module no-op"] = module(registry, "module", count, False)
        figures["direct no-op"] = direct(registry, "direct", count, False)
        print("Schema Registry convergence, %d Avro subjects, Apicurio %s (%s storage)"
              % (count, registry.version, registry.storage))
        for name, seconds in figures.items():
            print("  %-14s %7.2f s  %7.1f subjects/s" % (name, seconds, count / seconds))
        for kind in ("create", "no-op"):
            ratio = figures["module " + kind] / figures["direct " + kind]
            print("  ratio %-7s %5.2f  (target <= 1.5) %s" % (kind, ratio, "ok" if ratio <= 1.5 else "OVER"))
        # the fixed cost of starting ansible and the module, measured with a near-empty task
        print("  ansible+module start-up (near-empty task) %.2f s" % overhead)
        for kind in ("create", "no-op"):
            ratio = max(figures["module " + kind] - overhead, 0) / figures["direct " + kind]
            print("  ratio %-7s without start-up %5.2f" % (kind, ratio))
    finally:
        if registry:
            registry.stop()
        kafka.stop()


if __name__ == "__main__":
    main()
