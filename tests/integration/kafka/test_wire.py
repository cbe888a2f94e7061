"""kafka_wire on the real kafka-python and a real KRaft broker: every fast path is taken.

kafka_wire reaches into kafka-python's internals where that is much faster than the public calls,
and falls back to the public calls when those internals are missing. A fallback is silent by
design, so a kafka-python release that renames an internal would only make the modules slower.
These tests call each function against the broker and assert both that the answer is right and
that ``kafka_wire.PATHS`` records the fast path: they fail when an internal the fast path relies
on changes.
"""
import time
import uuid

import pytest
from kafka import KafkaAdminClient

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_wire
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_admin import (
    read_current,
)

FAST = "fast"


def eventually(read, check, seconds=15.0):
    """``read()`` until ``check(answer)`` holds (a change committed by the controller reaches the
    broker's metadata a moment later); returns the last answer."""
    deadline = time.time() + seconds
    answer = read()
    while not check(answer) and time.time() < deadline:
        time.sleep(0.2)
        answer = read()
    return answer


@pytest.fixture
def admin(kafka):
    client = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers, request_timeout_ms=30000)
    kafka_wire.PATHS.clear()
    yield client
    client.close()


@pytest.fixture
def names(admin):
    prefix = "wire-%s-" % uuid.uuid4().hex[:8]
    made = [prefix + "a", prefix + "b"]
    yield made
    existing = [name for name in made if name in admin.list_topics()]
    if existing:
        admin.delete_topics(existing, raise_errors=False)


def test_the_installed_library_is_in_the_supported_range():
    assert kafka_wire.library_version_problem() is None


def test_broker_version(admin, kafka):
    version = kafka_wire.broker_version(admin)
    assert kafka_wire.PATHS["broker_version"] == FAST
    # kafka-python infers the version from the broker's API versions, up to the newest it knows
    major, minor = (int(part) for part in kafka.version.split(".")[:2])
    assert isinstance(version, tuple) and version[0] == major and version[:2] <= (major, minor)


def test_create_topics_at_version_4(admin, names):
    first, second = names
    specs = {first: dict(num_partitions=2, replication_factor=1,
                         configs={"retention.ms": "86400000"}),
             second: dict(num_partitions=1, replication_factor=1, configs={})}
    answers = kafka_wire.create_topics(admin, specs, 30000, validate_only=True)
    assert kafka_wire.PATHS["create_topics"] == FAST
    assert sorted((a["name"], a["error_code"]) for a in answers) == [(first, 0), (second, 0)]
    assert first not in admin.list_topics()  # only validated

    answers = kafka_wire.create_topics(admin, specs, 30000)
    assert kafka_wire.PATHS["create_topics"] == FAST
    assert sorted((a["name"], a["error_code"]) for a in answers) == [(first, 0), (second, 0)]
    admin.wait_for_topics(names, timeout_ms=30000)
    described = dict((t["name"], t) for t in admin.describe_topics(names))
    assert len(described[first]["partitions"]) == 2

    again = kafka_wire.create_topics(admin, {first: specs[first]}, 30000)
    assert again[0]["error_code"] == 36  # TOPIC_ALREADY_EXISTS, answered without raising
    assert again[0]["error_message"]

    bad = kafka_wire.create_topics(admin, {names[0] + "x": dict(
        num_partitions=1, replication_factor=1, configs={"retention.ms": "soon"})}, 30000,
        validate_only=True)
    assert bad[0]["error_code"] == 40  # INVALID_CONFIG


def test_reads_sent_at_once(admin, names):
    first, missing = names
    kafka_wire.create_topics(admin, {first: dict(num_partitions=3, replication_factor=1,
                                                 configs={"retention.ms": "86400000"})}, 30000)
    admin.wait_for_topics([first], timeout_ms=30000)
    resources = kafka_wire.topic_config_resources([(first, ["retention.ms", "segment.ms"]),
                                                   (missing, ["retention.ms"])])
    topics, described, cluster = kafka_wire.read_topics(admin, [first, missing], resources, True)
    assert kafka_wire.PATHS["read_topics"] == FAST
    by_name = dict((topic.name, topic) for topic in topics)
    assert by_name[missing].error_code == 3  # UNKNOWN_TOPIC_OR_PARTITION
    assert by_name[first].error_code == 0 and len(by_name[first].partitions) == 3
    config = described["topic"][first]
    assert config["retention.ms"]["value"] == "86400000"
    assert config["retention.ms"]["config_source"] == "DYNAMIC_TOPIC_CONFIG"
    assert config["segment.ms"]["config_source"] != "DYNAMIC_TOPIC_CONFIG"
    assert [b["broker_id"] for b in cluster["brokers"]] == [
        b["broker_id"] for b in admin.describe_cluster()["brokers"]]

    # the module's reader on top of it gives the same state as the public calls
    current, configs, brokers = read_current(admin, [first, missing],
                                             {first: ["retention.ms"], missing: []}, True)
    public = admin.describe_topics([first])[0]
    assert current[missing] is None
    assert current[first]["partitions"] == len(public["partitions"])
    assert current[first]["assignment"] == dict(
        (p["partition_index"], p["replica_nodes"]) for p in public["partitions"])
    assert configs[first]["retention.ms"]["value"] == "86400000"
    assert list(brokers) == [b["broker_id"] for b in admin.describe_cluster()["brokers"]]


def test_alter_topic_configs(admin, names):
    first = names[0]
    kafka_wire.create_topics(admin, {first: dict(num_partitions=1, replication_factor=1,
                                                 configs={"segment.ms": "7200000"})}, 30000)
    admin.wait_for_topics([first], timeout_ms=30000)
    answer = kafka_wire.alter_topic_configs(admin, {first: {"retention.ms": "3600000",
                                                            "segment.ms": None}})
    assert kafka_wire.PATHS["alter_topic_configs"] == FAST
    assert answer == {first: "OK"}
    resources = kafka_wire.topic_config_resources([(first, ["retention.ms", "segment.ms"])])
    config = eventually(
        lambda: admin.describe_configs(resources, config_filter="all")["topic"][first],
        lambda config: config["retention.ms"]["value"] == "3600000")
    assert config["retention.ms"]["value"] == "3600000"
    assert config["segment.ms"]["config_source"] != "DYNAMIC_TOPIC_CONFIG"
    refused = kafka_wire.alter_topic_configs(admin, {first: {"retention.ms": "soon"}},
                                             validate_only=True)
    assert refused[first] != "OK"


def test_client_quotas(admin):
    entity = (("user", "wire-%s" % uuid.uuid4().hex[:8]),)
    assert kafka_wire.alter_client_quotas(admin, {entity: {"producer_byte_rate": 2048}},
                                          validate_only=True) == {}
    assert kafka_wire.PATHS["alter_client_quotas"] == FAST
    assert entity not in kafka_wire.describe_client_quotas(admin)
    assert kafka_wire.PATHS["describe_client_quotas"] == FAST
    try:
        assert kafka_wire.alter_client_quotas(admin, {entity: {"producer_byte_rate": 2048,
                                                               "request_percentage": 50.5}}) == {}
        quotas = eventually(lambda: kafka_wire.describe_client_quotas(admin),
                            lambda quotas: entity in quotas)
        assert quotas[entity] == {
            "producer_byte_rate": 2048.0, "request_percentage": 50.5}
    finally:
        kafka_wire.alter_client_quotas(admin, {entity: {"producer_byte_rate": None,
                                                        "request_percentage": None}})
    assert entity not in eventually(lambda: kafka_wire.describe_client_quotas(admin),
                                    lambda quotas: entity not in quotas)
    refused = kafka_wire.alter_client_quotas(admin, {entity: {"no_such_quota": 1}},
                                             validate_only=True)
    assert list(refused) == [entity]
