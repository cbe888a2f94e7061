# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_message's main() against fake librdkafka clients at the LibrdkafkaConnection seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from confluent_kafka import KafkaError

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_librdkafka
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_librdkafka import (
    LibrdkafkaConnection)
from ansible_collections.specweave.kafka.plugins.modules import kafka_message

CONNECTION = dict(bootstrap_servers=["127.0.0.1:9092"])


class Message(object):
    def __init__(self, partition, offset, key=None, value=None, headers=None, error=None):
        self._p, self._o, self._k, self._v, self._h, self._e = (partition, offset, key, value,
                                                                headers, error)

    def partition(self):
        return self._p

    def offset(self):
        return self._o

    def key(self):
        return self._k

    def value(self):
        return self._v

    def headers(self):
        return self._h

    def timestamp(self):
        return (1, 1000 + self._o)

    def error(self):
        return self._e


class Topic(object):
    def __init__(self, partitions, error=None):
        self.partitions = dict((p, None) for p in range(partitions))
        self.error = error


class Metadata(object):
    def __init__(self, topics):
        self.topics = topics


class FakeLog(object):
    """One topic's partitions: what the fake producer appends and the fake consumer reads."""

    def __init__(self, partitions=2):
        self.partitions = dict((p, []) for p in range(partitions))
        self.committed = []
        self.lose_reads = False
        self.refuse = None


class FakeProducer(object):
    def __init__(self, log, settings):
        self.log = log
        self.settings = settings
        self.pending = []

    def produce(self, topic, value=None, key=None, headers=None, partition=None,
                on_delivery=None):
        partition = 0 if partition is None else partition
        self.pending.append((partition, key, value, headers, on_delivery))

    def poll(self, timeout):
        return 0

    def flush(self, timeout):
        for partition, key, value, headers, report in self.pending:
            if self.log.refuse:
                report(KafkaError(KafkaError.NOT_ENOUGH_REPLICAS, self.log.refuse), None)
                continue
            records = self.log.partitions[partition]
            records.append(Message(partition, len(records), key, value, headers))
            report(None, records[-1])
        self.pending = []
        return 0


class FakeConsumer(object):
    def __init__(self, log, group_id, settings):
        self.log = log
        self.group_id = group_id
        self.settings = settings
        self.queue = []

    def list_topics(self, topic, timeout):
        if topic != "orders":
            return Metadata({topic: Topic(0, KafkaError(KafkaError.UNKNOWN_TOPIC_OR_PART))})
        return Metadata({topic: Topic(len(self.log.partitions))})

    def get_watermark_offsets(self, tp, timeout):
        return 0, len(self.log.partitions[tp.partition])

    def committed(self, tps, timeout):
        return tps

    def assign(self, tps):
        for tp in tps:
            if not self.log.lose_reads:
                self.queue += self.log.partitions[tp.partition][max(tp.offset, 0):]
            self.queue.append(Message(tp.partition, -1, error=KafkaError(
                KafkaError._PARTITION_EOF)))

    def poll(self, timeout):
        return self.queue.pop(0) if self.queue else None

    def commit(self, offsets, asynchronous):
        self.log.committed.append((self.group_id, [(tp.partition, tp.offset) for tp in offsets]))


class FakeClients(object):
    def __init__(self, log):
        self.log = log
        self.producers = []
        self.consumers = []

    def producer(self, **settings):
        self.producers.append(FakeProducer(self.log, settings))
        return self.producers[-1]

    def consumer(self, group_id=None, **settings):
        self.consumers.append(FakeConsumer(self.log, group_id, settings))
        return self.consumers[-1]

    def metadata(self, consumer, topic, timeout):
        return consumer.list_topics(topic, timeout)

    def close(self):
        pass


@pytest.fixture
def log(monkeypatch):
    log = FakeLog()
    clients = FakeClients(log)
    log.clients = clients
    monkeypatch.setattr(LibrdkafkaConnection, "open", lambda self, ctx: clients)
    return log


def run(run_main, check_mode=False, **args):
    full = dict(CONNECTION, topic="orders")
    full.update(args)
    return run_main(kafka_message.main, full, check_mode=check_mode)


RECORDS = [dict(key="order-1", value={"id": 1}, headers={"source": "ansible"}),
           dict(value_base64="AAH/", partition=1)]


def test_produce_and_verify_reads_back_what_was_acknowledged(run_main, log):
    result, failed = run(run_main, records=RECORDS)
    assert not failed, result["msg"]
    assert result["changed"] is True and result["verified"] is True
    assert log.clients.producers[0].settings["acks"] == "all"
    assert result["produced"] == [
        dict(partition=0, offset=0, timestamp=1000, key="order-1", value='{"id":1}',
             headers={"source": "ansible"}),
        dict(partition=1, offset=0, timestamp=1000, key=None, value_base64="AAH/", headers={})]
    assert result["consumed"] == result["produced"]
    assert (result["acknowledged"], result["read_back"], result["missing"]) == (2, 2, [])
    assert log.partitions[1][0].value() == b"\x00\x01\xff"


def test_check_mode_sends_nothing_and_says_what_it_would(run_main, log):
    result, failed = run(run_main, check_mode=True, records=RECORDS)
    assert not failed, result["msg"]
    assert result["changed"] is True
    assert log.clients.producers == [] and log.partitions == {0: [], 1: []}
    assert result["would_produce"][0] == dict(key="order-1", value='{"id":1}',
                                              headers={"source": "ansible"})
    assert result["would_produce"][1]["partition"] == 1
    assert "produced" not in result and "verified" not in result


def test_records_not_read_back_fail_with_the_count(run_main, log):
    log.lose_reads = True
    result, failed = run(run_main, records=RECORDS, timeout=0.3)
    assert failed
    assert result["msg"] == ("2 of 2 records produced to 'orders' were not read back within "
                             "0.3 s: partition 0 offset 0; partition 1 offset 0")
    assert result["verified"] is False and result["acknowledged"] == 2
    assert result["missing"] == [dict(partition=0, offset=0), dict(partition=1, offset=0)]


def test_produce_only_does_not_read(run_main, log):
    result, failed = run(run_main, records=RECORDS, mode="produce")
    assert not failed, result["msg"]
    assert result["acknowledged"] == 2 and "consumed" not in result
    assert all(c.queue == [] for c in log.clients.consumers)


def test_unacknowledged_records_fail(run_main, log):
    log.refuse = "Broker: Not enough in-sync replicas"
    result, failed = run(run_main, records=RECORDS[:1], timeout=2)
    assert failed
    assert result["msg"] == ("1 of 1 records were not acknowledged by all in-sync replicas of "
                             "'orders' (acks=all) within 2 s: records[0]: NOT_ENOUGH_REPLICAS: "
                             "Broker: Not enough in-sync replicas")


def test_consume_commits_only_when_asked_and_not_in_check_mode(run_main, log):
    run(run_main, records=[dict(value="a"), dict(value="b"), dict(value="c", partition=1)])
    result, failed = run(run_main, mode="consume", records=[dict(value="b")])
    assert not failed and result["changed"] is False and result["read_back"] == 3
    assert log.committed == []
    result, failed = run(run_main, check_mode=True, mode="consume", group_id="g", commit=True)
    assert not failed and result["changed"] is True and log.committed == []
    assert result["committed"] == [dict(partition=0, offset=2), dict(partition=1, offset=1)]
    result, failed = run(run_main, mode="consume", group_id="g", commit=True)
    assert not failed and result["changed"] is True
    assert log.committed == [("g", [(0, 2), (1, 1)])]


def test_consume_with_nothing_to_read_fails_with_what_is_missing(run_main, log):
    result, failed = run(run_main, mode="consume", partitions=[1], timeout=0.2)
    assert failed
    assert result["msg"] == ("0 records read from 'orders' (partition 1) within 0.2 s where "
                             "min_records is 1: 1 missing")
    result, failed = run(run_main, mode="consume", records=[dict(key="k")], timeout=0.2,
                         min_records=0)
    assert failed
    assert result["msg"] == ("1 of 1 expected records were not read from 'orders' "
                             "(partitions 0, 1) within 0.2 s (0 records read)")
    assert result["missing"] == [dict(key="k", headers={}, value=None)]


@pytest.mark.parametrize("args, message", [
    (dict(records=[]), "Invalid input: mode produce_and_verify needs at least one record in "
                       "records"),
    (dict(records=RECORDS, timeout=-1), "Invalid input: timeout must be more than 0 seconds, "
                                        "got -1.0"),
    (dict(mode="consume", max_records=0), "Invalid input: max_records must be 1 or more, got 0"),
    (dict(records=RECORDS, commit=True), "Invalid input: commit is for mode consume only; "
                                         "commit needs group_id (the throw-away group is never "
                                         "committed)"),
    (dict(mode="consume", **{"from": "offsets"}), "Invalid input: from: offsets needs offsets "
                                                  "(a list of partition and offset)"),
    (dict(records=[dict(value="x", partition=5)]), "Topic 'orders' has partitions 0-1; "
                                                   "partition 5 does not exist"),
    (dict(topic="nope", records=RECORDS), "Topic 'nope' does not exist on 127.0.0.1:9092; create "
                                          "it first (for example with "
                                          "specweave.kafka.kafka_topic)."),
])
def test_bad_input_is_refused_before_anything_is_sent(run_main, log, args, message):
    result, failed = run(run_main, **args)
    assert failed
    assert result["msg"] == message
    assert log.clients.producers == []


def test_missing_confluent_kafka_names_the_package(run_main, log, monkeypatch):
    monkeypatch.setattr(kafka_librdkafka, "CONFLUENT_KAFKA_IMPORT_ERROR", "Traceback ...")
    result, failed = run(run_main, records=RECORDS)
    assert failed
    assert "confluent-kafka>=2.6" in result["msg"]
    assert result["msg"].startswith("Failed to import the required Python library "
                                    "(confluent-kafka>=2.6)")
