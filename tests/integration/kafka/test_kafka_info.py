"""kafka_info through real Ansible against real KRaft brokers.

Every figure is compared with what Kafka's own tools report (TopicCommand, MetadataQuorumCommand,
ConsumerGroupCommand from the same Maven jars), never with the module's code. The degraded-cluster
case stops a broker of the shared 3-node cluster and returns only once it is whole again.
"""
import json
import os
import re
import tempfile
import time
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata

from testbed.ansible import run_module, run_playbook

# The json stdout callback lives in ansible.posix, installed with the ansible package.
TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand"
QUORUM_COMMAND = "org.apache.kafka.tools.MetadataQuorumCommand"
GROUP_COMMAND = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"


def info(cluster, check=False, **args):
    args.setdefault("bootstrap_servers", cluster.bootstrap_servers)
    args.setdefault("request_timeout_ms", 20000)
    result = run_module("kafka_info", args, check=check)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is False
    return result


def unique(prefix):
    return "%s%s." % (prefix, uuid.uuid4().hex[:6])


def create_topics(cluster, topics):
    admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers)
    try:
        admin.create_topics([NewTopic(name, partitions, rf, topic_configs=configs or {})
                             for name, partitions, rf, configs in topics])
    finally:
        admin.close()


def tool_partitions(cluster, *args):
    """{(topic, partition): (leader, replicas, isr)} as TopicCommand --describe prints it."""
    out = cluster.tool(TOPIC_COMMAND, "--bootstrap-server", cluster.bootstrap_servers,
                       "--describe", *args)
    parts = {}
    for line in out.splitlines():
        fields = dict(re.findall(r"(\w+): ?(\S*)", line))
        if "Partition" in fields and "Leader" in fields:
            leader = -1 if fields["Leader"] == "none" else int(fields["Leader"])
            ids = lambda text: [int(i) for i in text.split(",") if i]  # noqa: E731
            parts[(fields["Topic"], int(fields["Partition"]))] = (
                leader, ids(fields["Replicas"]), ids(fields["Isr"]))
    return parts


def module_partitions(result):
    return dict(((name, p["partition"]), (p["leader"], p["replicas"], p["isr"]))
                for name, topic in result["topics"].items() for p in topic["partitions"])


def tool_quorum(cluster):
    out = cluster.tool(QUORUM_COMMAND, "--bootstrap-server", cluster.bootstrap_servers,
                       "describe", "--status")
    status = dict((k.strip(), v.strip()) for k, v in
                  (line.split(":", 1) for line in out.splitlines() if ":" in line))
    out = cluster.tool(QUORUM_COMMAND, "--bootstrap-server", cluster.bootstrap_servers,
                       "describe", "--replication")
    rows = [line.split() for line in out.splitlines()[1:] if line.strip()]
    replication = dict((int(r[0]), dict(leo=int(r[2]), lag=int(r[3]), caught_up=int(r[5]),
                                        status=r[6])) for r in rows)
    return status, replication


def test_matches_kafka_tools_single_node(kafka):
    """Cluster, brokers, partitions and configs equal TopicCommand's; check mode is the same."""
    prefix = unique("it.info.")
    create_topics(kafka, [(prefix + "orders", 3, 1, {"retention.ms": "3600000"}),
                          (prefix + "audit", 1, 1, {"cleanup.policy": "compact"})])
    result = info(kafka, gather=["brokers", "topics", "configs", "quorum"],
                  topic_prefix=prefix)
    checked = info(kafka, check=True, gather=["brokers", "topics", "configs", "quorum"],
                   topic_prefix=prefix)

    tool = tool_partitions(kafka, "--topic", re.escape(prefix) + ".*")
    assert module_partitions(result) == tool
    assert module_partitions(checked) == tool
    assert sorted(result["topics"]) == [prefix + "audit", prefix + "orders"]
    orders = result["topics"][prefix + "orders"]
    assert (orders["partition_count"], orders["replication_factor"]) == (3, 1)
    assert orders["configs"] == {"retention.ms": "3600000"}
    assert result["topics"][prefix + "audit"]["configs"] == {"cleanup.policy": "compact"}

    status, replication = tool_quorum(kafka)
    assert result["cluster"]["cluster_id"] == status["ClusterId"]
    assert result["quorum"]["leader_id"] == int(status["LeaderId"])
    assert result["quorum"]["leader_epoch"] == int(status["LeaderEpoch"])
    assert result["quorum"]["voter_ids"] == sorted(replication) == [1]
    assert result["quorum"]["caught_up"] is True
    node = kafka.nodes[0]
    assert result["brokers"] == [dict(id=1, host=node.host, port=node.port, rack=None,
                                      fenced=False)]
    assert result["healthy"] is True and result["health_problems"] == []
    assert result["health_checks"] == ["brokers", "partitions", "quorum"]
    assert result["summary"]["partitions"] == 4
    assert result["summary"]["under_replicated_partitions"] == 0
    assert checked["healthy"] is True


def test_filters_and_gather_subsets(kafka):
    prefix = unique("it.infofilter.")
    create_topics(kafka, [(prefix + "a.one", 1, 1, None), (prefix + "a.two", 2, 1, None),
                          (prefix + "b.one", 1, 1, None)])
    by_name = info(kafka, gather=["topics"], topics=[prefix + "b.one", prefix + "missing",
                                                     "__cluster_metadata"])
    assert sorted(by_name["topics"]) == [prefix + "b.one"]
    assert by_name["missing_topics"] == ["__cluster_metadata", prefix + "missing"]
    assert "brokers" not in by_name and "quorum" not in by_name
    assert by_name["health_checks"] == ["brokers", "partitions"]  # brokers: always known

    by_pattern = info(kafka, gather=["topics"],
                      topic_pattern=re.escape(prefix) + r"a\..*")
    assert sorted(by_pattern["topics"]) == [prefix + "a.one", prefix + "a.two"]
    assert by_pattern["summary"]["partitions"] == 3

    brokers_only = info(kafka, gather=["brokers"], expected_brokers=2)
    assert "topics" not in brokers_only and brokers_only["broker_ids"] == [1]
    assert brokers_only["healthy"] is False
    assert brokers_only["health_problems"] == ["1 of 2 expected brokers are live"]


def test_consumer_group_lag_matches_consumer_group_command(kafka):
    """Produce 30 messages over 3 partitions, commit 2/7/10: lag equals the tool's."""
    prefix = unique("it.infolag.")
    topic, group = prefix + "events", prefix + "billing"
    create_topics(kafka, [(topic, 3, 1, None)])
    producer = KafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    for i in range(30):
        producer.send(topic, b"m%d" % i, partition=i % 3)
    producer.flush()
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, group_id=group,
                             enable_auto_commit=False)
    consumer.commit(dict((TopicPartition(topic, p), OffsetAndMetadata(o, "", -1))
                         for p, o in ((0, 2), (1, 7), (2, 10))))
    consumer.close()

    result = info(kafka, gather=["consumer_groups"], consumer_groups=[group])
    listed = info(kafka, gather=["consumer_groups", "topics"], include_internal=True)

    out = kafka.tool(GROUP_COMMAND, "--bootstrap-server", kafka.bootstrap_servers,
                     "--describe", "--group", group)
    tool = {}
    for line in out.splitlines():
        cols = line.split()
        if len(cols) >= 6 and cols[1] == topic:
            tool[int(cols[2])] = (int(cols[3]), int(cols[4]), int(cols[5]))
    assert tool == {0: (2, 10, 8), 1: (7, 10, 3), 2: (10, 10, 0)}
    for answer in (result, listed):
        entry = answer["consumer_groups"][group]
        parts = dict((p["partition"], (p["committed_offset"], p["log_end_offset"], p["lag"]))
                     for p in entry["topics"][topic]["partitions"])
        assert parts == tool
        assert entry["lag"] == entry["topics"][topic]["lag"] == 11
        assert entry["state"] == "Empty" and entry["members"] == 0
    assert result["summary"]["consumer_lag"] == 11
    # the group's commits created the offsets topic; include_internal shows it
    assert "__consumer_offsets" in listed["topics"]
    assert listed["topics"]["__consumer_offsets"]["internal"] is True
    assert "__consumer_offsets" not in info(kafka, gather=["topics"])["topics"]


def test_three_nodes_match_tools(kafka3):
    prefix = unique("it.info3.")
    create_topics(kafka3, [(prefix + "replicated", 6, 3, {"min.insync.replicas": "2"})])
    result = info(kafka3, gather=["all"], topic_prefix=prefix, expected_brokers=3)
    assert module_partitions(result) == tool_partitions(kafka3, "--topic",
                                                        re.escape(prefix) + ".*")
    assert [(b["id"], b["port"], b["rack"]) for b in result["brokers"]] == [
        (n.node_id, n.port, "rack-%d" % (n.node_id % 3)) for n in kafka3.nodes]
    topic = result["topics"][prefix + "replicated"]
    assert topic["replication_factor"] == 3 and topic["min_insync_replicas"] == 2
    assert topic["configs"] == {"min.insync.replicas": "2"}
    status, replication = tool_quorum(kafka3)
    assert result["quorum"]["voter_ids"] == sorted(replication) == [1, 2, 3]
    assert result["quorum"]["leader_id"] == int(status["LeaderId"])
    assert result["cluster"]["cluster_id"] == status["ClusterId"]
    assert result["healthy"] is True, result["health_problems"]


def test_under_replicated_after_stopping_a_broker(kafka3):
    """Stops one broker of the shared 3-node cluster and starts it again; the test ends only
    once the health gate and TopicCommand agree the cluster is whole again, so the tests after
    it meet a healthy cluster."""
    cluster = kafka3
    prefix = unique("it.infourp.")
    create_topics(cluster, [(prefix + "data", 3, 3, None)])
    healthy = info(cluster, include_internal=True, expected_brokers=3)
    assert healthy["healthy"] is True, healthy["health_problems"]

    stopped = cluster.nodes[2]
    stopped.stop()
    stopped_at = time.time()
    try:
        urp = tool_partitions(cluster, "--under-replicated-partitions")
        # past the broker session timeout (9 s): fenced, and the voter visibly behind
        time.sleep(max(0, 10 - (time.time() - stopped_at)))
        result = info(cluster, include_internal=True, expected_brokers=3)
        _status, replication = tool_quorum(cluster)
        # waiting for the stopped broker ends after wait_timeout, naming what is wrong
        waited = run_module("kafka_info", dict(
            bootstrap_servers=cluster.bootstrap_servers, request_timeout_ms=20000,
            gather=["brokers"], require_brokers=[3], wait=True, wait_timeout=2,
            wait_interval=0.5))
    finally:
        stopped.start()

    assert urp, "TopicCommand shows no under-replicated partition after stopping broker 3"
    module_urp = dict((key, value) for key, value in module_partitions(result).items()
                      if len(value[2]) < len(value[1]))
    assert module_urp == urp
    assert all(3 not in isr for _leader, _replicas, isr in urp.values())
    assert result["summary"]["under_replicated_partitions"] == len(urp)
    assert result["topics"][prefix + "data"]["under_replicated_partitions"] == 3
    assert result["summary"]["offline_partitions"] == 0
    assert result["healthy"] is False
    assert result["summary"]["fenced_brokers"] == [3] and result["broker_ids"] == [1, 2]
    assert "brokers fenced (registered but not serving): 3" in result["health_problems"]
    assert any(p.startswith("%d under-replicated partitions: " % len(urp))
               for p in result["health_problems"])
    # the stopped voter's last caught-up time is frozen: both views agree it lags
    voter = [v for v in result["quorum"]["voters"] if v["id"] == 3][0]
    assert (voter["last_caught_up_timestamp"] or -1) == replication[3]["caught_up"]
    assert voter["caught_up"] is False and result["quorum"]["lagging_voters"] == [3]
    assert result["quorum"]["caught_up"] is False
    assert result["summary"]["quorum_caught_up"] is False

    assert waited["failed"] is True
    assert re.match(r"The cluster was not healthy after waiting 2 s \((\d+) polls\): brokers fenced "
                    r"\(registered but not serving\): 3$", waited["msg"]), waited["msg"]
    assert waited["wait"]["polls"] >= 3 and waited["broker_ids"] == [1, 2]

    # the gate the role uses after restarting the broker: one task that polls until healthy
    gate = info(cluster, gather=["brokers", "topics", "quorum"], include_internal=True,
                expected_brokers=3, require_brokers=[3], require_voters=[3], quorum_max_lag=50,
                wait=True, wait_timeout=120, wait_interval=0.5)
    assert gate["healthy"] is True and gate["summary"]["fenced_brokers"] == []
    assert gate["broker_ids"] == [1, 2, 3] and gate["quorum"]["caught_up"] is True
    assert gate["wait"]["polls"] >= 1
    assert tool_partitions(cluster, "--under-replicated-partitions") == {}


def test_hostile_options(kafka):
    """Bad filters fail before touching the cluster, saying what is wrong (one playbook run)."""
    cases = [
        ("bad regex", dict(topic_pattern="orders.(", gather=["topics"]),
         "topic_pattern 'orders.(' is not a valid regular expression"),
        ("no brokers expected", dict(expected_brokers=0), "expected_brokers must be 1 or more"),
        ("unknown gather", dict(gather=["topics", "partitions"]), "gather"),
        ("empty topic name", dict(topics=[" "]), "topics contains an empty name"),
        ("negative lag", dict(quorum_max_lag_ms=-1), "quorum_max_lag_ms must be 0 or more"),
        ("wrong type", dict(expected_brokers="three"), "expected_brokers"),
    ]
    play = [dict(name="hostile", hosts="localhost", connection="local", gather_facts=False,
                 tasks=[{"name": name, "ignore_errors": True, "specweave.kafka.kafka_info":
                         dict(args, bootstrap_servers=kafka.bootstrap_servers)}
                        for name, args, _expected in cases])]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        json.dump(play, handle)  # JSON is YAML
    try:
        run = run_playbook(handle.name)
    finally:
        os.unlink(handle.name)
    results = dict((r["_task"], r) for r in run.task_results())
    assert len(results) == len(cases), run.stdout[-3000:]
    for name, _args, expected in cases:
        result = results[name]
        assert result.get("failed") is True, (name, result)
        assert expected in result["msg"], (name, result["msg"])
        assert "Traceback" not in result["msg"]
