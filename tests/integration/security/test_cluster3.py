"""A 3-node secured KRaft cluster: replication over the mTLS inter-broker listener, the
controller quorum over mTLS, and SCRAM clients with ACLs that keep working when one node stops.

Everything the modules do is read back with Kafka's own tools (TopicCommand, MetadataQuorumCommand,
AclCommand) as the admin, or proven with librdkafka clients as an unprivileged SCRAM user.
"""
import re
import uuid

from security_helpers import TOPIC_COMMAND, acl_list, ok, run

QUORUM_COMMAND = "org.apache.kafka.tools.MetadataQuorumCommand"


def produce_many(cluster, topic, user, password, count, batch):
    """Produce ``count`` records with acks=all as a SCRAM-SHA-256 user; return (acked, errors)."""
    from confluent_kafka import Producer
    conf = cluster.confluent_config(user, password, mechanism="SCRAM-SHA-256")
    conf.update({"acks": "all", "enable.idempotence": True, "message.timeout.ms": 60000})
    producer = Producer(conf)
    acked, errors = [], []

    def delivered(err, msg):
        if err:
            errors.append(err.name())
        else:
            acked.append(msg.value())

    for i in range(count):
        producer.produce(topic, b"%s-%06d" % (batch.encode(), i), on_delivery=delivered)
        producer.poll(0)
    producer.flush(90)
    return acked, errors


def consume_all(cluster, topic, group, user, password, expected, timeout=60):
    """Read ``topic`` from the start as a SCRAM user until ``expected`` records or the timeout."""
    import time

    from confluent_kafka import Consumer
    conf = cluster.confluent_config(user, password, mechanism="SCRAM-SHA-256")
    conf.update({"group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer = Consumer(conf)
    consumer.subscribe([topic])
    seen = set()
    deadline = time.time() + timeout
    try:
        while len(seen) < expected and time.time() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            assert not msg.error(), msg.error().name()
            seen.add(msg.value())
    finally:
        consumer.close()
    return seen


def isr_sizes(cluster, topic):
    """{partition: ISR size} from TopicCommand --describe, run as the admin."""
    out = cluster.admin_tool(TOPIC_COMMAND, "--describe", "--topic", topic)
    return dict((int(p), len(isr.split(","))) for p, isr in re.findall(
        r"Partition: (\d+)\s+Leader: \S+\s+Replicas: \S+\s+Isr: (\S+)", out))


def test_three_secured_nodes_replicate_and_survive_one_node_down(secure3):
    cluster = secure3
    tag = uuid.uuid4().hex[:6]
    user, password = "app3-" + tag, "pw-" + uuid.uuid4().hex
    topic, group = "sec3-" + tag, "grp3-" + tag
    principal = "User:" + user

    # The quorum runs over the mTLS controller listener: 3 voters, all caught up.
    quorum = cluster.tool(QUORUM_COMMAND, "--bootstrap-server", cluster.sasl_bootstrap_servers,
                          "--command-config", cluster.command_config(), "describe", "--status")
    assert re.search(r"CurrentVoters:\s+\[.*\"id\": 1.*\"id\": 2.*\"id\": 3", quorum) or \
        re.search(r"CurrentVoters:\s+\[1,\s*2,\s*3\]", quorum), quorum

    # kafka_info over mTLS (the broker certificate's CN is a super user) sees the three brokers.
    info = ok(run("kafka_info", cluster, dict(gather=["brokers", "quorum"], expected_brokers=3),
                  conn=cluster.module_args(cn="kafka-broker")))
    assert info["broker_ids"] == [1, 2, 3] and info["quorum"]["voter_ids"] == [1, 2, 3]
    assert info["healthy"], info["health_problems"]

    # Topic with RF 3 and min.insync.replicas 2, a SCRAM user and its ACLs: all through modules.
    ok(run("kafka_topic", cluster, dict(name=topic, partitions=3, replication_factor=3,
                                        config={"min.insync.replicas": 2})))
    ok(run("kafka_user", cluster, dict(name=user, password=password,
                                       mechanism="SCRAM-SHA-256")))
    ok(run("kafka_acl", cluster, dict(acls=[
        dict(principal=principal, resource_type="topic", resource_name=topic,
             operations=["write", "read", "describe"]),
        dict(principal=principal, resource_type="group", resource_name=group,
             pattern_type="prefixed", operations=["read"])])))
    assert len(acl_list(cluster, "--principal", principal)) == 4
    assert isr_sizes(cluster, topic) == {0: 3, 1: 3, 2: 3}

    acked, errors = produce_many(cluster, topic, user, password, 300, "a")
    assert errors == [] and len(acked) == 300
    assert len(consume_all(cluster, topic, group, user, password, 300)) == 300

    # One node stops (controlled shutdown): acks=all still succeeds with 2 in-sync replicas,
    # and everything acknowledged before and after is read back.
    cluster.nodes[2].stop()
    try:
        acked2, errors2 = produce_many(cluster, topic, user, password, 300, "b")
        assert errors2 == [] and len(acked2) == 300
        assert set(isr_sizes(cluster, topic).values()) == {2}
        assert len(consume_all(cluster, topic, group + "-b", user, password, 600)) == 600
    finally:
        cluster.nodes[2].start()
    cluster.wait_ready(120)
