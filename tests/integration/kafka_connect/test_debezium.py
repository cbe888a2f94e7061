"""A real third-party connector: Debezium's PostgreSQL connector (Maven Central) in the worker's
plugin.path, against a private PostgreSQL on 127.0.0.1 with logical replication: rows in the
table before the connector exists arrive as snapshot events, rows inserted afterwards as change
events, in the topic ``<prefix>.public.orders``.

The PostgreSQL cluster is the n8n area's (``Postgres`` of tests/integration/n8n/conftest.py, the
Debian binaries of scripts/n8n-postgres-install.sh), switched to ``wal_level=logical``.
"""
import importlib.util
import json
import os
import uuid

import pytest
from kafka import KafkaConsumer, TopicPartition

from testbed.ansible import run_module
from testbed.kafka import REPO
from testbed.wait import wait_until


def _postgres_class():
    path = os.path.join(REPO, "tests", "integration", "n8n", "conftest.py")
    spec = importlib.util.spec_from_file_location("specweave_n8n_postgres", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Postgres


@pytest.fixture(scope="module")
def logical_postgres():
    pg = _postgres_class()().start()
    try:
        pg.sql("ALTER SYSTEM SET wal_level = logical", database="postgres")
        # -l: the restarted server must not inherit (and hold open) the pipe of runuser's output
        pg._as_postgres(os.path.join(pg.bindir, "pg_ctl"), "-D", pg.data, "-w", "-m", "fast",
                        "-l", os.path.join(pg.dir, "postgres.log"), "restart")
        with open(os.path.join(pg.data, "postmaster.pid")) as handle:
            pg.pid = int(handle.readline())
        assert pg.sql("SHOW wal_level") == "logical"
        yield pg
    finally:
        pg.stop()


def events(bootstrap, topic):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=2000)
    try:
        if topic not in (consumer.topics() or set()):
            return []
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        consumer.seek_to_beginning(partition)
        return [json.loads(record.value) for record in consumer if record.value]
    finally:
        consumer.close()


def test_debezium_postgres_rows_become_change_events(connect, logical_postgres):
    pg = logical_postgres
    prefix = "dbz%s" % uuid.uuid4().hex[:6]
    pg.sql("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL)")
    pg.sql("INSERT INTO orders VALUES (1, 'apple'), (2, 'pear')")
    name = prefix + "-orders-cdc"
    config = {
        "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
        "database.hostname": "127.0.0.1", "database.port": pg.port,
        "database.user": pg.user, "database.dbname": pg.database,
        "topic.prefix": prefix, "plugin.name": "pgoutput", "slot.name": prefix,
        "publication.name": prefix, "publication.autocreate.mode": "filtered",
        "table.include.list": "public.orders",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": False,
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": False,
        "topic.creation.default.replication.factor": 1, "topic.creation.default.partitions": 1,
    }
    result = run_module("kafka_connector", {"url": connect.url, "name": name, "config": config,
                                            "secrets": {"database.password": pg.password},
                                            "wait_timeout": 120})
    try:
        assert result["changed"] and result["status"]["state"] == "RUNNING", result.get("msg")
        assert result["config"]["database.password"] == "********"
        topic = prefix + ".public.orders"
        wait_until(lambda: len(events(connect.bootstrap, topic)) >= 2, timeout=120,
                   what="the snapshot events of the two rows")
        pg.sql("INSERT INTO orders VALUES (3, 'plum')")
        pg.sql("UPDATE orders SET item = 'fig' WHERE id = 1")

        def changes():
            found = [(e["op"], e["after"]) for e in events(connect.bootstrap, topic)]
            return found if len(found) >= 4 else None
        found = wait_until(changes, timeout=120, what="the change events of the new rows")
        assert found == [("r", {"id": 1, "item": "apple"}), ("r", {"id": 2, "item": "pear"}),
                         ("c", {"id": 3, "item": "plum"}), ("u", {"id": 1, "item": "fig"})]
    finally:
        connect.delete(name)
