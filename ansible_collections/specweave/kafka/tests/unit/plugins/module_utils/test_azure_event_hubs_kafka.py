# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Kafka API of Azure Event Hubs supports: the pure checks kafka_topic and kafka_info
make before any call, and the explanation of a refused request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from kafka import errors as kafka_errors

from ansible_collections.specweave.kafka.plugins.module_utils import azure_event_hubs_kafka as ehk

HOURS_72 = str(72 * 3600 * 1000)


@pytest.mark.parametrize("servers,expected", [
    (["orders-ehns.servicebus.windows.net:9093"], True),
    (["SASL_SSL://Orders-EHNS.servicebus.windows.net:9093"], True),
    (["x.servicebus.chinacloudapi.cn:9093"], True),
    (["127.0.0.1:9092"], False),
    (["servicebus.windows.net.example.org:9093"], False),
    ([], False),
])
def test_is_event_hubs(servers, expected):
    assert ehk.is_event_hubs(servers) is expected


def test_topic_problems():
    topics = [dict(name="orders", state="present", replication_factor=3,
                   config={"retention.ms": HOURS_72, "cleanup.policy": "delete"}),
              dict(name="bad", state="present", replication_factor=None,
                   config={"min.insync.replicas": "2", "retention.ms": "1000",
                           "cleanup.policy": "compact,delete"}),
              dict(name="gone", state="absent", replication_factor=None,
                   config={"segment.bytes": "1"})]
    problems, warnings = ehk.topic_problems(topics, dict(reset_undeclared_config=True))
    assert topics[0]["replication_factor"] is None
    assert warnings == ["replication_factor of orders is ignored: Azure Event Hubs replicates "
                        "every event hub itself"]
    assert len(problems) == 4
    assert "reset_undeclared_config needs AlterConfigs" in problems[0]
    assert "ignores the topic config(s) min.insync.replicas" in problems[1]
    assert "whole hours" in problems[2] and "not both" in problems[3]


def test_explain_names_the_limitation():
    text = ehk.explain(kafka_errors.UnsupportedVersionError("CreateAcls"), "creating ACLs")
    assert text.startswith("Azure Event Hubs refused creating ACLs (UnsupportedVersionError")
    assert "not topic config changes, ACLs" in text
    assert ehk.explain(ValueError("x"), "y") is None
