# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_topic's and kafka_info's main() against an Azure Event Hubs Kafka endpoint (a fake
admin client at the KafkaConnection seam): what its Kafka API cannot do is refused before any
call, and a refusal of the endpoint is explained."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from kafka import errors as kafka_errors

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.modules import kafka_info, kafka_topic
from ansible_collections.specweave.kafka.tests.unit.plugins.modules import test_kafka_info
from ansible_collections.specweave.kafka.tests.unit.plugins.modules import test_kafka_topic

EVENT_HUBS = dict(bootstrap_servers=["orders-ehns.servicebus.windows.net:9093"],
                  security_protocol="SASL_SSL", sasl_mechanism="PLAIN",
                  sasl_username="$ConnectionString",
                  sasl_password="Endpoint=sb://orders-ehns.servicebus.windows.net/;x")
HOURS_72 = str(72 * 3600 * 1000)


@pytest.fixture
def no_connection(monkeypatch):
    def refuse(self, ctx=None):
        raise AssertionError("no connection may be opened")
    monkeypatch.setattr(KafkaConnection, "open", refuse)


@pytest.mark.parametrize("args,message", [
    (dict(name="orders", config={"min.insync.replicas": "2"}),
     "Azure Event Hubs ignores the topic config(s) min.insync.replicas"),
    (dict(name="orders", config={"retention.ms": "90m"}), "whole hours"),
    (dict(name="orders", reset_undeclared_config=True), "needs AlterConfigs"),
])
def test_kafka_topic_refuses_before_any_call(run_main, no_connection, args, message):
    result, failed = run_main(kafka_topic.main, dict(EVENT_HUBS, **args))
    assert failed and message in result["msg"], result["msg"]


def test_kafka_topic_creates_and_refuses_config_changes(run_main, monkeypatch):
    admin = test_kafka_topic.FakeAdmin(topics=test_kafka_topic.orders(
        partitions=3, **{"retention.ms": HOURS_72}))
    monkeypatch.setattr(KafkaConnection, "open", lambda self, ctx=None: admin)
    result, failed = run_main(kafka_topic.main, dict(EVENT_HUBS, topics=[
        dict(name="orders", partitions=3, replication_factor=3),
        dict(name="payments", partitions=2, replication_factor=3,
             config={"retention.ms": "1d"})]))
    # the replication factor is not planned (no reassignment), the new topic is created
    assert not failed and result["created"] == ["payments"] and result["unchanged"] == [
        "orders"]
    assert admin.writes() == [("create_topics", ["payments"], False)]

    changed, failed = run_main(kafka_topic.main, dict(EVENT_HUBS, name="orders",
                                                      config={"retention.ms": "1d"}))
    assert failed and "not possible through the Kafka API of Azure Event Hubs" in changed["msg"]
    assert admin.writes() == [("create_topics", ["payments"], False)]


def test_kafka_topic_explains_a_refused_request(run_main, monkeypatch):
    admin = test_kafka_topic.FakeAdmin()

    def refuse(*args, **kwargs):
        raise kafka_errors.UnsupportedVersionError("CreateTopics v7")
    admin.create_topics = refuse
    monkeypatch.setattr(KafkaConnection, "open", lambda self, ctx=None: admin)
    result, failed = run_main(kafka_topic.main, dict(EVENT_HUBS, name="orders", partitions=2))
    assert failed and "Azure Event Hubs refused" in result["msg"]
    assert "UnsupportedVersionError" in result["msg"]


def test_kafka_info_leaves_out_the_quorum(run_main, monkeypatch):
    admin = test_kafka_info.FakeAdmin()
    monkeypatch.setattr(KafkaConnection, "open", lambda self, ctx=None: admin)
    result, failed = run_main(kafka_info.main, dict(EVENT_HUBS))
    assert not failed and "DescribeQuorum" not in admin.calls
    assert result["gathered"] == ["brokers", "topics"]

    refused, failed = run_main(kafka_info.main, dict(EVENT_HUBS, require_voters=[1]))
    assert failed and "Azure Event Hubs does not have (no DescribeQuorum)" in refused["msg"]
