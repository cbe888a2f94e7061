# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Smoke check of the dev cluster: produce records with acks=all, read exactly those back.

Run by playbooks/dev_env.yml with the controller's Python (kafka-python is one of the
collection's requirements):  python dev_env_smoke.py BOOTSTRAP TOPIC COUNT TAG
Prints one JSON line; exits non-zero with the reason when a record is not acknowledged or not
read back within the timeout.
"""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import sys
import time


def main(argv):
    bootstrap, topic, count, tag = argv[1], argv[2], int(argv[3]), argv[4]
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks="all",
                             request_timeout_ms=20000, retries=5)
    try:
        sent = ["%s-%d" % (tag, i) for i in range(1, count + 1)]
        futures = [producer.send(topic, value.encode()) for value in sent]
        producer.flush(30)
        acked = [future.get(timeout=30) for future in futures]
    finally:
        producer.close(5)

    first = {}
    for meta in acked:
        key = TopicPartition(meta.topic, meta.partition)
        first[key] = min(first.get(key, meta.offset), meta.offset)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False,
                             consumer_timeout_ms=1000)
    received = set()
    try:
        consumer.assign(list(first))
        for partition, offset in first.items():
            consumer.seek(partition, offset)
        deadline = time.time() + 30
        while len(received & set(sent)) < count and time.time() < deadline:
            for records in consumer.poll(timeout_ms=1000).values():
                received.update(record.value.decode() for record in records)
    finally:
        consumer.close()

    missing = sorted(set(sent) - received)
    print(json.dumps({"produced": len(sent), "acknowledged": len(acked),
                      "read_back": count - len(missing), "missing": missing}))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
