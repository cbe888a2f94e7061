# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_load_test's main(): bad input is refused before any connection is opened."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_librdkafka import (
    LibrdkafkaConnection)
from ansible_collections.specweave.kafka.plugins.modules import kafka_load_test

CONNECTION = dict(bootstrap_servers=["127.0.0.1:9092"], topic="load")


@pytest.fixture
def no_connection(monkeypatch):
    opened = []

    def open_client(self, ctx=None):
        opened.append(True)
        raise AssertionError("the module connected before refusing its input")

    monkeypatch.setattr(LibrdkafkaConnection, "open", open_client)
    return opened


@pytest.mark.parametrize("args, words", [
    (dict(duration=0), "duration must be more than 0 seconds"),
    (dict(acks="0"), "acks=0 with latency"),
    (dict(consumers=0), "latency needs producers and consumers"),
    (dict(record_size=2), "record_size must be at least 8"),
    (dict(targets={"throughput": 1}), "unknown target(s) throughput"),
])
def test_bad_input_refused_before_connecting(run_main, no_connection, args, words):
    result, failed = run_main(kafka_load_test.main, dict(CONNECTION, **args))
    assert failed and words in result["msg"]
    assert result["msg"].startswith("Invalid input: ")
    assert not no_connection


def test_check_mode_also_refuses(run_main, no_connection):
    result, failed = run_main(kafka_load_test.main, dict(CONNECTION, duration=-1),
                              check_mode=True)
    assert failed and "duration must be more than 0" in result["msg"] and not no_connection
