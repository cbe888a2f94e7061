#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kafka_message
short_description: Produce records to a Kafka topic and read them back (a produce/consume check)
version_added: 1.0.0
description:
  - Produces a few records (key, value, headers, optionally a partition) to a topic with
    C(acks=all), then reads exactly those records back at the offsets the brokers
    acknowledged, within O(timeout). This is the check to run after a deployment or a change
    of listeners, certificates, users or ACLs, and the smoke check of the dev cluster
    playbook.
  - With O(mode=produce) it only produces; with O(mode=consume) it only reads a topic (from
    the beginning, the end, given offsets or a consumer group's committed offsets) and can
    check that expected records are there.
  - Records read back are returned as text, or as base64 when they are not UTF-8.
  - It uses librdkafka through the C(confluent-kafka) library and takes the same connection
    options as the other Kafka modules.
  - The topic must exist; the module never creates one.
author:
  - specweave.kafka developers (@specweave)
extends_documentation_fragment:
  - specweave.kafka.kafka
attributes:
  check_mode:
    support: full
    description:
      - Producing modes connect and check the topic and its partitions, then return the records
        they would send in RV(would_produce) with C(changed=true) and send nothing.
      - O(mode=consume) reads as in a real run (reading changes nothing) but commits no offsets.
  diff_mode:
    support: none
    description: Records are returned in the result; there is no diff.
  action_group:
    support: full
    membership:
      - specweave.kafka.kafka
    description: Use C(group/specweave.kafka.kafka) in C(module_defaults) to set the connection once.
options:
  topic:
    description:
      - The topic to produce to or read from. It must exist.
    type: str
    required: true
  mode:
    description:
      - V(produce_and_verify) produces O(records) with C(acks=all) and reads them back at the
        offsets the brokers acknowledged; it fails when some are not read back within
        O(timeout), saying how many and which.
      - V(produce) only produces (and fails when a record is not acknowledged in time).
      - V(consume) only reads; O(records), when given, are records that must be found.
    type: str
    choices: [produce_and_verify, produce, consume]
    default: produce_and_verify
  records:
    description:
      - Records to produce, or with O(mode=consume) records to find. A record to find matches
        a record read that has its key and value (those given) and each of its headers, in its
        partition when given.
      - Needed, and not empty, for V(produce_and_verify) and V(produce).
    type: list
    elements: dict
    suboptions:
      key:
        description:
          - Record key as UTF-8 text. Omit for a record without a key.
        type: str
      key_base64:
        description:
          - Record key as base64, for a binary key. Not with O(records[].key).
        type: str
      value:
        description:
          - Record value as UTF-8 text. A dict or a list is sent as JSON (compact).
          - Omit (and omit O(records[].value_base64)) for a record without a value (a tombstone).
        type: raw
      value_base64:
        description:
          - Record value as base64, for a binary value. Not with O(records[].value).
        type: str
      headers:
        description:
          - Record headers, name to UTF-8 text. A list as the value of a name sends that
            header once per element.
        type: dict
      partition:
        description:
          - Partition to produce to. Without it the producer's partitioner chooses (by key).
        type: int
  timeout:
    description:
      - Seconds for the whole check, more than 0. For the producing modes, the time for the
        acknowledgements and the reading back together; for V(consume), the time to find what
        is asked for.
    type: float
    default: 30
  max_records:
    description:
      - With O(mode=consume), stop after this many records (1 or more).
    type: int
    default: 100
  min_records:
    description:
      - With O(mode=consume), fail when fewer records than this were read within O(timeout).
    type: int
    default: 1
  from:
    description:
      - With O(mode=consume), where reading starts in each partition.
      - V(beginning) the oldest record kept; V(end) only records produced while the module
        waits; V(offsets) the offsets in O(offsets); V(committed) the offsets committed by
        O(group_id) (the beginning where it has none).
      - Reading stops when every partition reached the end it had when reading began and
        what O(min_records) and O(records) ask for is found, at O(max_records), or at
        O(timeout).
    type: str
    choices: [beginning, end, offsets, committed]
    default: beginning
  offsets:
    description:
      - With O(from=offsets), where to start, per partition. Only these partitions are read.
    type: list
    elements: dict
    suboptions:
      partition:
        description: Partition.
        type: int
        required: true
      offset:
        description: First offset to read.
        type: int
        required: true
  partitions:
    description:
      - With O(mode=consume), read only these partitions (default all partitions of the topic).
    type: list
    elements: int
  group_id:
    description:
      - With O(mode=consume), the consumer group whose offsets O(from=committed) starts from and
        O(commit) commits to. The module reads partitions directly and never joins the group.
      - Without it, a throw-away group id is used and nothing is committed.
    type: str
  commit:
    description:
      - With O(mode=consume), commit the offsets after the records read to O(group_id), which
        reports C(changed=true).
    type: bool
    default: false
notes:
  - Records are produced with C(acks=all) (every in-sync replica has them) and without
    idempotence, so that only C(Write) on the topic is needed; reading back needs C(Read) on
    the topic (and on the group with O(group_id)).
  - The module needs C(confluent-kafka); C(kafka-python), which the other Kafka modules use, is
    not used by this one.
  - O(sasl_mechanism=AWS_MSK_IAM) goes through OAUTHBEARER with AWS's signer
    (C(aws-msk-iam-sasl-signer-python)) and the AWS credentials and region of the environment.
requirements:
  - confluent-kafka >= 2.6
seealso:
  - module: specweave.kafka.kafka_topic
  - module: specweave.kafka.kafka_info
  - name: librdkafka configuration
    description: The client settings the connection options map to.
    link: https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md
"""

EXAMPLES = r"""
- name: Produce two records with acks=all and read them back
  specweave.kafka.kafka_message:
    bootstrap_servers: broker1:9092
    topic: orders
    records:
      - key: order-1
        value: {"id": 1, "total": 9.5}
        headers:
          source: ansible
      - key: order-2
        value_base64: AAECA/8=
  register: check

- name: Show what was read back
  ansible.builtin.debug:
    msg: "{{ check.read_back }} of {{ check.acknowledged }} records read back"

- name: Read up to 10 records of partition 0 from the beginning
  specweave.kafka.kafka_message:
    bootstrap_servers: broker1:9092
    topic: orders
    mode: consume
    partitions: [0]
    max_records: 10
    timeout: 5
  register: orders

- name: Wait up to 60 s for an order event that another system produces
  specweave.kafka.kafka_message:
    bootstrap_servers: broker1:9092
    topic: orders
    mode: consume
    from: end
    records:
      - key: order-42
    timeout: 60
"""

RETURN = r"""
topic:
  description: The topic.
  returned: always
  type: str
  sample: orders
mode:
  description: The mode that ran.
  returned: always
  type: str
  sample: produce_and_verify
would_produce:
  description: In check mode, the records that would be sent, shaped like RV(produced) without
    C(offset) and C(timestamp).
  returned: in check mode with O(mode=produce_and_verify) or O(mode=produce)
  type: list
  elements: dict
  sample: [{"key": "order-1", "value": "{\"id\":1}", "headers": {"source": "ansible"}}]
produced:
  description:
    - The records acknowledged by the brokers, in the order of O(records), each with
      C(partition), C(offset), C(timestamp) (milliseconds since the epoch), C(key), C(value)
      and C(headers).
    - A key or value that is not UTF-8 is in C(key_base64) or C(value_base64) instead; header
      values that are not UTF-8 in C(headers_base64).
  returned: when records were produced
  type: list
  elements: dict
  sample: [{"partition": 0, "offset": 41, "timestamp": 1764662400000, "key": "order-1",
            "value": "{\"id\":1}", "headers": {"source": "ansible"}}]
acknowledged:
  description: How many records the brokers acknowledged.
  returned: when records were produced
  type: int
  sample: 2
consumed:
  description:
    - The records read, shaped like RV(produced). With O(mode=produce_and_verify), the
      produced records read back (in the order of O(records)).
  returned: with O(mode=produce_and_verify) or O(mode=consume), not in check mode for
    O(mode=produce_and_verify)
  type: list
  elements: dict
  sample: [{"partition": 0, "offset": 41, "timestamp": 1764662400000, "key": "order-1",
            "value": "{\"id\":1}", "headers": {"source": "ansible"}}]
read_back:
  description: How many records were read (RV(consumed) counted).
  returned: with RV(consumed)
  type: int
  sample: 2
missing:
  description:
    - With O(mode=produce_and_verify), the C(partition) and C(offset) of each acknowledged
      record not read back in time.
    - With O(mode=consume), the records of O(records) that were not found.
  returned: with RV(consumed)
  type: list
  elements: dict
  sample: []
verified:
  description:
    - True when every produced record was read back unchanged (V(produce_and_verify)), or when
      at least O(min_records) records were read and every record of O(records) was found
      (V(consume)). The module fails when it is false, with this result.
  returned: with RV(consumed)
  type: bool
  sample: true
seconds:
  description: With O(mode=produce_and_verify), seconds from the first record sent to the last
    record read back.
  returned: when records were produced and read back
  type: float
  sample: 0.084
committed:
  description: With O(commit), the offsets committed (or, in check mode, that would be) to
    O(group_id), one C(partition) and C(offset) (the next to read) each.
  returned: with O(commit) when records were read
  type: list
  elements: dict
  sample: [{"partition": 0, "offset": 42}]
"""

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_librdkafka import (
    LibrdkafkaConnection,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_message import (
    FROM_CHOICES,
    MODES,
    MessageResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    topic=dict(type="str", required=True),
    mode=dict(type="str", choices=MODES, default="produce_and_verify"),
    records=dict(type="list", elements="dict", options=dict(
        key=dict(type="str", no_log=False),
        key_base64=dict(type="str", no_log=False),
        value=dict(type="raw"),
        value_base64=dict(type="str"),
        headers=dict(type="dict"),
        partition=dict(type="int"),
    )),
    timeout=dict(type="float", default=30),
    max_records=dict(type="int", default=100),
    min_records=dict(type="int", default=1),
    offsets=dict(type="list", elements="dict", options=dict(
        partition=dict(type="int", required=True),
        offset=dict(type="int", required=True),
    )),
    partitions=dict(type="list", elements="int"),
    group_id=dict(type="str"),
    commit=dict(type="bool", default=False),
    **{"from": dict(type="str", choices=FROM_CHOICES, default="beginning")}
)


def main():
    run_module(MessageResource(), ARGUMENT_SPEC, LibrdkafkaConnection(), supports_check_mode=True)


if __name__ == "__main__":
    main()
