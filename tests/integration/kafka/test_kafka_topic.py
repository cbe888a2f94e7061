"""kafka_topic through real Ansible against real KRaft brokers.

Every step is read back with Kafka's own ``TopicCommand --describe`` (one JVM per step), never
with the module's code.
"""
import json
import re
import uuid

from testbed.ansible import run_module, run_playbook

# The json stdout callback lives in ansible.posix, installed with the ansible package.
TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand"
CONFIG_COMMAND = "kafka.admin.ConfigCommand"


def kt(cluster, args, check=False, diff=True):
    args = dict(args)
    args.setdefault("bootstrap_servers", cluster.bootstrap_servers)
    args.setdefault("request_timeout_ms", 20000)
    return run_module("kafka_topic", args, check=check, diff=diff)


def describe(cluster, prefix, configs=True):
    """{topic: {partitions, rf, config {k: v}, replicas {p: [ids]}}} for topics under prefix
    (without ``config`` when ``configs`` is false: one JVM less for tests of placement).

    ``config`` holds exactly the topic's own overrides, read with ConfigCommand: TopicCommand
    also lists values inherited from the cluster (KRaft 4 sets min.insync.replicas as a
    cluster-wide dynamic default, listed on every topic), which a topic override of the same
    value cannot be told apart from.
    """
    out = cluster.tool(TOPIC_COMMAND, "--bootstrap-server", cluster.bootstrap_servers,
                       "--describe", "--if-exists", "--topic", re.escape(prefix) + ".*")
    topics = {}
    for line in out.splitlines():
        fields = dict(re.findall(r"(\w+): ?(\S*)", line))
        if "PartitionCount" in fields:
            topics[fields["Topic"]] = dict(
                partitions=int(fields["PartitionCount"]), rf=int(fields["ReplicationFactor"]),
                replicas={})
            if configs:
                topics[fields["Topic"]]["config"] = {}
        elif "Partition" in fields and fields.get("Topic") in topics:
            topics[fields["Topic"]]["replicas"][int(fields["Partition"])] = [
                int(b) for b in fields["Replicas"].split(",")]
    if topics and configs:
        for name, config in topic_overrides(cluster).items():
            if name in topics:
                topics[name]["config"] = config
    return topics


def topic_overrides(cluster):
    """{topic: {key: value}} of every topic's own configs (ConfigCommand, one run for all)."""
    out = cluster.tool(CONFIG_COMMAND, "--bootstrap-server", cluster.bootstrap_servers,
                       "--describe", "--entity-type", "topics")
    overrides, topic = {}, None
    for line in out.splitlines():
        head = re.match(r"Dynamic configs for topic (\S+) are:$", line)
        if head:
            topic = head.group(1)
            overrides[topic] = {}
            continue
        entry = re.match(r"\s+([a-z0-9.]+)=(.*) sensitive=(?:true|false) synonyms=\{"
                         r"DYNAMIC_TOPIC_CONFIG:", line)
        if entry and topic is not None:
            overrides[topic][entry.group(1)] = entry.group(2)
    return overrides


def unique(prefix):
    return "%s%s." % (prefix, uuid.uuid4().hex[:6])


def assert_ok(result):
    assert not result.get("failed"), result.get("msg")
    return result


def test_lifecycle(kafka):
    p = unique("it.life.")
    a, b = p + "orders", p + "audit_log"
    spec = dict(topics=[
        dict(name=a, partitions=3, config={"retention.ms": "7d", "cleanup.policy": ["delete", "compact"],
                                          "preallocate": "yes", "max.message.bytes": "2MiB"}),
        dict(name=b, config={"min.cleanable.dirty.ratio": 0.25, "min.insync.replicas": 1})])

    # check mode predicts, the broker is untouched
    result = assert_ok(kt(kafka, spec, check=True))
    assert result["changed"] and sorted(result["created"]) == sorted([a, b])
    assert result["diff"]["after"][a]["config"]["retention.ms"] == "604800000"
    assert result["diff"]["before"][a] == {}
    assert describe(kafka, p) == {}

    # apply, read back
    result = assert_ok(kt(kafka, spec))
    assert result["changed"] and sorted(result["created"]) == sorted([a, b])
    state = describe(kafka, p)
    assert state[a]["partitions"] == 3 and state[b]["partitions"] == 1
    assert state[a]["config"] == {"retention.ms": "604800000", "cleanup.policy": "compact,delete",
                                  "preallocate": "true", "max.message.bytes": "2097152"}
    # an override equal to the cluster-wide default is still the topic's own
    assert state[b]["config"] == {"min.cleanable.dirty.ratio": "0.25", "min.insync.replicas": "1"}

    # re-run (values written differently on purpose) reports no change
    same = dict(topics=[
        dict(name=a, partitions=3, config={"retention.ms": 604800000, "cleanup.policy": "compact,delete",
                                          "preallocate": True, "max.message.bytes": 2097152}),
        dict(name=b, config={"min.cleanable.dirty.ratio": "0.250", "min.insync.replicas": "1"})])
    result = assert_ok(kt(kafka, same))
    assert not result["changed"] and sorted(result["unchanged"]) == sorted([a, b])
    assert result["diff"] == {"before": {}, "after": {}}

    # an override set outside Ansible is left alone unless reset_undeclared_config
    kafka.tool(CONFIG_COMMAND, "--bootstrap-server", kafka.bootstrap_servers, "--alter",
               "--entity-type", "topics", "--entity-name", b, "--add-config", "segment.ms=3600000")

    # update: more partitions, one config changed, one reset with null, undeclared reset
    update = dict(reset_undeclared_config=True, topics=[
        dict(name=a, partitions=5, config={"retention.ms": "1d", "preallocate": None}),
        dict(name=b, config={"min.cleanable.dirty.ratio": 0.25})])
    result = assert_ok(kt(kafka, update, check=True))
    assert result["changed"] and sorted(result["updated"]) == sorted([a, b])
    changes = dict((t["name"], t["changes"]) for t in result["topics"])
    assert "partitions: 3 -> 5" in changes[a]
    assert "config retention.ms: 604800000 -> 86400000" in changes[a]
    assert "config preallocate: true -> (default)" in changes[a]
    assert any("segment.ms" in c for c in changes[b])
    assert any("min.insync.replicas" in c for c in changes[b])
    assert any("cleanup.policy" in c for c in changes[a])  # undeclared now, reset too
    assert result["diff"]["before"][a]["partitions"] == 3
    assert result["diff"]["after"][a]["partitions"] == 5
    state = describe(kafka, p)
    assert state[a]["partitions"] == 3 and state[b]["config"]["segment.ms"] == "3600000"

    result = assert_ok(kt(kafka, update))
    assert result["changed"] and sorted(result["updated"]) == sorted([a, b])
    state = describe(kafka, p)
    assert state[a]["partitions"] == 5
    assert state[a]["config"] == {"retention.ms": "86400000"}
    assert state[b]["config"] == {"min.cleanable.dirty.ratio": "0.25"}
    assert not assert_ok(kt(kafka, update))["changed"]

    # absent: check, apply, gone, re-run unchanged
    gone = dict(state="absent", topics=[dict(name=a), dict(name=b)])
    result = assert_ok(kt(kafka, gone, check=True))
    assert result["changed"] and sorted(result["deleted"]) == sorted([a, b])
    assert len(describe(kafka, p, configs=False)) == 2
    result = assert_ok(kt(kafka, gone))
    assert sorted(result["deleted"]) == sorted([a, b])
    assert describe(kafka, p) == {}
    assert not assert_ok(kt(kafka, gone))["changed"]


def test_replication_factor_change(kafka3):
    p = unique("it.rf.")
    name = p + "payments"
    assert_ok(kt(kafka3, dict(name=name, partitions=6, replication_factor=1)))
    before = describe(kafka3, p, configs=False)[name]["replicas"]
    assert all(len(r) == 1 for r in before.values())

    result = assert_ok(kt(kafka3, dict(name=name, replication_factor=3), check=True))
    assert result["changed"] and result["updated"] == [name]
    planned = result["diff"]["after"][name]["replicas"]
    assert describe(kafka3, p, configs=False)[name]["replicas"] == before

    result = assert_ok(kt(kafka3, dict(name=name, replication_factor=3, reassignment_timeout=120)))
    assert result["reassignment"]["completed"] == 6 and result["reassignment"]["pending"] == []
    after = describe(kafka3, p, configs=False)[name]["replicas"]
    for partition, replicas in after.items():
        assert sorted(replicas) == [1, 2, 3]
        assert replicas[0] == before[partition][0], "preferred leader kept"
        assert replicas == planned[str(partition)], "check mode predicted the placement"
    assert not assert_ok(kt(kafka3, dict(name=name, replication_factor=3)))["changed"]

    # shrink to 2 with partitions growing in the same task: new partitions get RF 2 directly
    result = assert_ok(kt(kafka3, dict(name=name, partitions=8, replication_factor=2)))
    assert result["changed"]
    shrunk = describe(kafka3, p, configs=False)[name]
    assert shrunk["partitions"] == 8
    assert all(len(set(r)) == 2 for r in shrunk["replicas"].values()), shrunk
    for partition in range(6):
        assert shrunk["replicas"][partition][0] == before[partition][0]
    counts = {}
    for replicas in shrunk["replicas"].values():
        for broker in replicas:
            counts[broker] = counts.get(broker, 0) + 1
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    assert_ok(kt(kafka3, dict(name=name, state="absent")))
    assert describe(kafka3, p, configs=False) == {}


def test_exclusive_mode(kafka):
    p = unique("it.excl.")
    keep, drop, outside = p + "shop.keep", p + "shop.drop", p + "other"
    assert_ok(kt(kafka, dict(topics=[dict(name=keep), dict(name=drop), dict(name=outside)])))
    spec = dict(topics=[dict(name=keep)], delete_undeclared=True,
                undeclared_scope=dict(prefix=p + "shop."))
    result = assert_ok(kt(kafka, spec, check=True))
    assert result["deleted"] == [drop] and result["unchanged"] == [keep]
    assert len(describe(kafka, p, configs=False)) == 3
    result = assert_ok(kt(kafka, spec))
    assert result["deleted"] == [drop]
    assert sorted(describe(kafka, p, configs=False)) == sorted([keep, outside])
    assert not assert_ok(kt(kafka, spec))["changed"]
    assert_ok(kt(kafka, dict(state="absent", topics=[dict(name=keep), dict(name=outside)])))


HOSTILE = [
    ("bad name", dict(name="bad name!"), "illegal character"),
    ("too long", dict(name="x" * 250), "maximum is 249"),
    ("dot", dict(name=".."), "reserved"),
    ("collision in batch", dict(topics=[dict(name="{p}a.b"), dict(name="{p}a_b")]), "collide"),
    ("partitions 0", dict(name="{p}zero", partitions=0), "partitions must be at least 1"),
    ("rf above brokers", dict(name="{p}rf", replication_factor=2), "larger than the 1 live"),
    ("unknown config key", dict(name="{p}cfg", config={"retention.msec": 5}),
     "unknown topic config key 'retention.msec'"),
    ("bad config value type", dict(name="{p}cfgv", config={"retention.ms": "soon"}),
     "retention.ms expects milliseconds"),
    ("bad partitions type", dict(name="{p}pt", partitions="many"), "partitions"),
    ("bad enum value", dict(name="{p}enum", config={"cleanup.policy": "bogus"}), "not one of"),
    # only the broker knows segment.bytes' minimum: its dry run refuses the whole batch
    ("broker rejects value", dict(topics=[dict(name="{p}fine"),
                                          dict(name="{p}bad", config={"segment.bytes": 100})]),
     "Value must be at least"),
    ("internal delete", dict(name="__consumer_offsets", state="absent"), "never deleted"),
    ("internal create", dict(name="__mine"), "allow_internal_topics"),
    ("exclusive without scope", dict(topics=[], delete_undeclared=True), "undeclared_scope"),
    ("name and topics", dict(name="{p}x", topics=[dict(name="{p}y")]), "mutually exclusive"),
]


def test_hostile_inputs(kafka, tmp_path):
    """Every refused input in ONE playbook run (one Ansible start); nothing may change."""
    p = unique("it.bad.")
    # an existing topic for the collision and decrease cases
    assert_ok(kt(kafka, dict(name=p + "has.dot", partitions=2)))
    cases = HOSTILE + [
        ("collision with existing", dict(name="{p}has_dot"), "collides with existing topic"),
        ("decrease partitions", dict(name="{p}has.dot", partitions=1), "decreasing to 1"),
        ("unreachable server", dict(name="{p}x", bootstrap_servers="127.0.0.1:1",
                                    request_timeout_ms=3000), "could not connect"),
    ]
    tasks = []
    for label, args, fragment in cases:
        args = dict((k, v.format(p=p) if isinstance(v, str) else v) for k, v in args.items())
        if "topics" in args:
            args["topics"] = [dict(t, name=t["name"].format(p=p)) for t in args["topics"]]
        args.setdefault("bootstrap_servers", kafka.bootstrap_servers)
        tasks.append({"name": label, "specweave.kafka.kafka_topic": args, "ignore_errors": True})
    path = tmp_path / "hostile.yml"
    path.write_text(json.dumps([dict(hosts="localhost", connection="local", gather_facts=False,
                                     tasks=tasks)]))
    results = run_playbook(str(path)).task_results()
    assert [r["_task"] for r in results] == [c[0] for c in cases]
    for (label, _args, fragment), result in zip(cases, results):
        assert result.get("failed"), (label, result)
        assert fragment in result["msg"], (label, result["msg"])
        assert not result.get("changed"), label
    # nothing at all was created or changed by the refused tasks
    assert describe(kafka, p) == {p + "has.dot": dict(partitions=2, rf=1, config={},
                                                      replicas={0: [1], 1: [1]})}
    assert_ok(kt(kafka, dict(name=p + "has.dot", state="absent")))


def test_broker_refusal_of_part_of_a_batch(kafka):
    """Values only the broker can judge: with its dry run (the default) nothing of the batch is
    created; without it, the result names exactly the topics created and the ones refused."""
    p = unique("it.refuse.")
    batch = [dict(name=p + "good1", partitions=2), dict(name=p + "good2"),
             dict(name=p + "bad", config={"retention.ms": -5})]

    refused = kt(kafka, dict(topics=batch))
    assert refused.get("failed") and not refused.get("changed"), refused
    assert "The broker refused the changes, nothing was changed" in refused["msg"], refused["msg"]
    assert "topic %r cannot be created: InvalidConfigurationError" % (p + "bad") \
        in refused["msg"], refused["msg"]
    assert describe(kafka, p, configs=False) == {}

    partial = kt(kafka, dict(topics=batch, broker_dry_run=False))
    assert partial.get("failed") is True and "1 topic(s) failed" in partial["msg"], partial
    assert sorted(partial["created"]) == [p + "good1", p + "good2"], partial
    assert list(partial["failed_topics"]) == [p + "bad"], partial
    assert "InvalidConfigurationError" in partial["failed_topics"][p + "bad"], partial
    described = describe(kafka, p, configs=False)  # one TopicCommand run for both checks
    assert sorted(described) == [p + "good1", p + "good2"]
    assert described[p + "good1"]["partitions"] == 2
    assert_ok(kt(kafka, dict(topics=[dict(name=p + "good1", state="absent"),
                                     dict(name=p + "good2", state="absent")])))
