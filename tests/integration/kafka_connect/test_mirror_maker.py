"""MirrorMaker 2 through kafka_connector's mirror_maker helper, on the real worker.

The session has one broker, so both cluster aliases point at it: MirrorMaker 2 then replicates
topic T into ``up.T`` of the same cluster, exactly as between two clusters (it reads through the
source alias's clients and writes through the target's), and the checkpoint connector translates
the consumer group's committed offsets onto ``up.T``. One thing differs on one cluster: the
source connector always replicates heartbeat topics, so the heartbeats of ``up->down`` written
into the same cluster would come back as ``up.heartbeats``, ``up.up.heartbeats``...: the test
turns heartbeats off (the heartbeat connector still runs).
"""
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from testbed.ansible import run_module
from testbed.wait import wait_until


def values(bootstrap, topic):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=2000)
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        consumer.seek_to_beginning(partition)
        return [record.value for record in consumer]
    finally:
        consumer.close()


def test_mirror_maker_replicates_records_and_translates_group_offsets(connect):
    bootstrap = connect.bootstrap
    topic = "kc-mm-%s" % uuid.uuid4().hex[:6]
    group = topic + "-readers"
    rows = [b"m-%d" % i for i in range(10)]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, 1, 1)])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    for row in rows:
        producer.send(topic, row)
    producer.close()
    reader = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group,
                           auto_offset_reset="earliest", enable_auto_commit=False,
                           consumer_timeout_ms=5000)
    assert [r.value for r in reader] == rows
    reader.commit()
    reader.close()

    mirror = {"source_alias": "up", "target_alias": "down",
              "source_bootstrap_servers": [bootstrap], "target_bootstrap_servers": [bootstrap],
              "topics": [topic], "groups": [group], "replication_factor": 1,
              "interval_seconds": 1, "name_prefix": topic + "-",
              # an offset sync for every record: the group's end offset translates exactly
              "config": {"offset.lag.max": 0, "emit.heartbeats.enabled": False}}
    result = run_module("kafka_connector", {"url": connect.url, "mirror_maker": mirror})
    names = [c["name"] for c in result["connectors"]]
    try:
        assert result["changed"] and names == [topic + "-up-down-mirror-" + kind
                                               for kind in ("source", "checkpoint", "heartbeat")]
        assert [c["status"]["state"] for c in result["connectors"]] == ["RUNNING"] * 3
        wait_until(lambda: values(bootstrap, "up." + topic) == rows, timeout=90,
                   what="the records replicated into up.%s" % topic)

        def translated():
            admin = KafkaAdminClient(bootstrap_servers=bootstrap)
            try:
                offsets = admin.list_group_offsets(group)[group]
            finally:
                admin.close()
            mirrored = offsets.get(TopicPartition("up." + topic, 0))
            return mirrored is not None and mirrored.offset == len(rows)
        wait_until(translated, timeout=90, what="the group's offset translated onto up.%s" % topic)
    finally:
        for name in names:
            connect.delete(name)
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            admin.delete_topics([topic, "up." + topic])
        finally:
            admin.close()
