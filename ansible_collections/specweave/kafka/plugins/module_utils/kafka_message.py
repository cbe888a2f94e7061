# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_message: produce a few records with acks=all and read them back, or read a topic.

Pure helpers (record encoding, the views returned, matching what was read against what was
expected, the failure sentences) and ``MessageResource``, the declaration the module runs on
``kafka_librdkafka.LibrdkafkaConnection``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import json
import re
import time

from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)

MODES = ["produce_and_verify", "produce", "consume"]
FROM_CHOICES = ["beginning", "end", "offsets", "committed"]

# -- records ---------------------------------------------------------------------------------


def _text_bytes(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, (dict, list, bool, int, float)):
        return json.dumps(value, separators=(",", ":")).encode("utf-8")
    return str(value).encode("utf-8")


def _b64(text, what):
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise ValueError("%s is not valid base64" % what)


def encode_record(record, index):
    """A record of the task as bytes: dict(key, value, headers [(name, bytes)], partition).

    ``value`` is UTF-8 text (a dict or list is sent as JSON), ``value_base64`` binary;
    the same for ``key``. Raises ValueError naming the record."""
    what = "records[%d]" % index
    for name in ("key", "value"):
        if record.get(name) is not None and record.get(name + "_base64") is not None:
            raise ValueError("%s: give %s or %s_base64, not both" % (what, name, name))
    key = record.get("key")
    key = _b64(record["key_base64"], what + ".key_base64") \
        if record.get("key_base64") is not None else _text_bytes(key)
    value = _b64(record["value_base64"], what + ".value_base64") \
        if record.get("value_base64") is not None else _text_bytes(record.get("value"))
    headers = []
    for name, header in sorted((record.get("headers") or {}).items()):
        if not str(name):
            raise ValueError("%s: a header name is empty" % what)
        values = header if isinstance(header, list) else [header]
        for item in values:
            headers.append((str(name), _text_bytes(item)))
    partition = record.get("partition")
    if partition is not None and partition < 0:
        raise ValueError("%s: partition must be 0 or more, got %d" % (what, partition))
    given = [name for name in ("key", "value") if record.get(name) is not None
             or record.get(name + "_base64") is not None]
    return dict(key=key, value=value, headers=headers, partition=partition,
                given=given + (["headers"] if headers else []))


# control characters other than tab, line feed and carriage return mark binary data
_BINARY = re.compile(u"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data):
    """(text, is_base64): UTF-8 text when the bytes are that (and hold no control character but
    tab and line ends), else their base64."""
    if data is None:
        return None, False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or _BINARY.search(text):
        return base64.b64encode(data).decode("ascii"), True
    return text, False


def record_view(key, value, headers, partition=None, offset=None, timestamp=None):
    """What the module returns for a record: ``key``/``value`` as text, or ``key_base64`` /
    ``value_base64`` when not UTF-8; ``headers`` name -> text (a repeated name: the list of its
    values), binary header values in ``headers_base64``."""
    view = {}
    if partition is not None:
        view["partition"] = partition
    if offset is not None:
        view["offset"] = offset
    if timestamp is not None:
        view["timestamp"] = timestamp
    for name, data in (("key", key), ("value", value)):
        text, binary = decode(data)
        view[name + "_base64" if binary else name] = text
    texts, binaries = {}, {}
    for name, data in headers or []:
        text, binary = decode(data)
        target = binaries if binary else texts
        if name in target:
            previous = target[name]
            target[name] = (previous if isinstance(previous, list) else [previous]) + [text]
        else:
            target[name] = text
    view["headers"] = texts
    if binaries:
        view["headers_base64"] = binaries
    return view


def _same(record, key, value, headers):
    """Whether a record read back carries what ``record`` (encoded) asked for."""
    return (record["key"] == key and record["value"] == value
            and sorted(record["headers"]) == sorted(headers or []))


def _carries(record, key, value, headers):
    """Whether a record read carries what an expected record gives: its key and value when
    given, and each of its headers."""
    return ("key" not in record["given"] or record["key"] == key) and \
        ("value" not in record["given"] or record["value"] == value) and \
        all(header in (headers or []) for header in record["headers"])


def match_expected(expected, consumed):
    """Indexes of ``expected`` (encoded records) that no record of ``consumed`` (tuples
    ``(partition, offset, key, value, headers, timestamp)``) carries, each consumed record
    counting for one expected record at most."""
    used = set()
    missing = []
    for index, record in enumerate(expected):
        for position, (partition, _offset, key, value, headers, _ts) in enumerate(consumed):
            if position in used:
                continue
            if record["partition"] is not None and record["partition"] != partition:
                continue
            if _carries(record, key, value, headers):
                used.add(position)
                break
        else:
            missing.append(index)
    return missing


def offsets_text(pairs):
    """'partition 0 offsets 7, 8; partition 2 offset 1' for [(partition, offset), ...]."""
    by_partition = {}
    for partition, offset in pairs:
        by_partition.setdefault(partition, []).append(offset)
    parts = []
    for partition in sorted(by_partition):
        offsets = sorted(by_partition[partition])
        parts.append("partition %d offset%s %s" % (partition, "s" if len(offsets) > 1 else "",
                                                   ", ".join(str(o) for o in offsets)))
    return "; ".join(parts)


def _seconds(value):
    return ("%g" % value) if value == int(value) else ("%.1f" % value)


# -- the declaration -------------------------------------------------------------------------


class MessageResource(Resource):
    """Produce and read back (``produce_and_verify``), produce only, or read (``consume``)."""

    service = "Kafka"
    noun = "record"

    def __init__(self, clock=time.time):
        self.clock = clock

    # input

    def desired(self, ctx):
        params = ctx.params
        mode = params["mode"]
        problems = []
        if not (params.get("topic") or "").strip():
            problems.append("topic must be a topic name")
        if params["timeout"] <= 0:
            problems.append("timeout must be more than 0 seconds, got %s" % params["timeout"])
        if params["max_records"] < 1:
            problems.append("max_records must be 1 or more, got %d" % params["max_records"])
        if params["min_records"] < 0:
            problems.append("min_records must be 0 or more, got %d" % params["min_records"])
        records = params.get("records") or []
        if mode != "consume" and not records:
            problems.append("mode %s needs at least one record in records" % mode)
        if mode != "consume":
            for option in ("from", "offsets", "partitions", "group_id"):
                if params.get(option) not in (None, [], "beginning"):
                    problems.append("%s is for mode consume only" % option)
            if params.get("commit"):
                problems.append("commit is for mode consume only")
        if params["from"] == "offsets" and not params.get("offsets"):
            problems.append("from: offsets needs offsets (a list of partition and offset)")
        if params.get("offsets") and params["from"] != "offsets":
            problems.append("offsets needs from: offsets")
        if params["from"] == "committed" and not params.get("group_id"):
            problems.append("from: committed needs group_id")
        if params.get("commit") and not params.get("group_id"):
            problems.append("commit needs group_id (the throw-away group is never committed)")
        encoded = []
        for index, record in enumerate(records):
            try:
                encoded.append(encode_record(record, index))
            except ValueError as exc:
                problems.append(str(exc))
        for index, item in enumerate(params.get("offsets") or []):
            if item["partition"] < 0 or item["offset"] < 0:
                problems.append("offsets[%d]: partition and offset must be 0 or more" % index)
        if problems:
            raise InvalidInput("Invalid input: " + "; ".join(problems))
        if len(records) > params["max_records"] and mode == "consume":
            raise InvalidInput("Invalid input: %d expected records but max_records is %d"
                               % (len(records), params["max_records"]))
        return dict(mode=mode, topic=params["topic"].strip(), records=encoded,
                    timeout=float(params["timeout"]), max_records=params["max_records"],
                    min_records=params["min_records"], start=params["from"],
                    offsets=params.get("offsets") or [], partitions=params.get("partitions"),
                    group_id=params.get("group_id"), commit=params.get("commit"))

    # reading

    def read(self, ctx, desired):
        topic = desired["topic"]
        timeout = ctx.connection.request_timeout
        with ctx.step("connecting"):
            consumer = ctx.client.consumer(desired["group_id"], **{
                "enable.partition.eof": True, "auto.offset.reset": "earliest"})
            metadata = ctx.client.metadata(consumer, topic, timeout)
        described = metadata.topics.get(topic)
        error = described.error if described is not None else None
        if described is None or error is not None and error.name() == "UNKNOWN_TOPIC_OR_PART":
            raise ModuleFailure("Topic '%s' does not exist on %s; create it first (for example "
                                "with specweave.kafka.kafka_topic)."
                                % (topic, ", ".join(ctx.connection.servers)))
        if error is not None:
            with ctx.step("Metadata"):
                raise _exception(error)
        partitions = sorted(described.partitions)
        wanted = set(record["partition"] for record in desired["records"]
                     if record["partition"] is not None)
        wanted |= set(desired["partitions"] or [])
        wanted |= set(item["partition"] for item in desired["offsets"])
        unknown = sorted(p for p in wanted if p not in partitions)
        if unknown:
            raise InvalidInput("Topic '%s' has partitions 0-%d; partition %s does not exist"
                               % (topic, len(partitions) - 1, ", ".join(str(p) for p in unknown)))
        current = dict(partitions=partitions, consumer=consumer)
        if desired["mode"] == "consume":
            current["read"] = self._consume(ctx, desired, current)
        return current

    def _consume(self, ctx, desired, current):
        """Read from the chosen start until max_records, or until every partition reached the
        end it had when reading began with what was asked for found, or until the timeout."""
        from confluent_kafka import TopicPartition  # pylint: disable=import-outside-toplevel
        consumer, topic = current["consumer"], desired["topic"]
        partitions = desired["partitions"] or current["partitions"]
        request_timeout = ctx.connection.request_timeout
        if desired["start"] == "offsets":
            partitions = sorted(set(item["partition"] for item in desired["offsets"]))
        with ctx.step("ListOffsets"):
            marks = dict((p, consumer.get_watermark_offsets(TopicPartition(topic, p),
                                                            timeout=request_timeout))
                         for p in partitions)
        if desired["start"] == "offsets":
            starts = dict((item["partition"], item["offset"]) for item in desired["offsets"])
        elif desired["start"] == "committed":
            with ctx.step("OffsetFetch"):
                committed = consumer.committed([TopicPartition(topic, p) for p in partitions],
                                               timeout=request_timeout)
            starts = dict((tp.partition, tp.offset if tp.offset >= 0 else marks[tp.partition][0])
                          for tp in committed)
        else:
            index = 0 if desired["start"] == "beginning" else 1
            starts = dict((p, marks[p][index]) for p in partitions)
        # partitions with records between the start and the end they have now
        pending = set(p for p in partitions if starts[p] < marks[p][1])
        started = self.clock()
        deadline = started + desired["timeout"]
        consumed = []
        with ctx.step("Fetch"):
            consumer.assign([TopicPartition(topic, p, starts[p]) for p in partitions])

            def done():
                return len(consumed) >= desired["max_records"] or (
                    not pending and len(consumed) >= desired["min_records"]
                    and not match_expected(desired["records"], consumed))

            for message in self._poll(consumer, deadline, done, pending.discard):
                consumed.append(_read(message))
                if message.offset() + 1 >= marks[message.partition()][1]:
                    pending.discard(message.partition())
        return dict(records=consumed, seconds=self.clock() - started, partitions=partitions)

    # planning

    def plan(self, ctx, desired, current):
        result = dict(topic=desired["topic"], mode=desired["mode"])
        if desired["mode"] != "consume":
            result["would_produce" if ctx.check_mode else "produced"] = [
                record_view(r["key"], r["value"], r["headers"], r["partition"])
                for r in desired["records"]]
            return Plan(True, result, data=dict(desired=desired, current=current))
        read = current["read"]
        records = read["records"]
        result["consumed"] = [record_view(*_view_args(r)) for r in records]
        result["read_back"] = len(records)
        missing = match_expected(desired["records"], records)
        result["missing"] = [record_view(*_view_args(_encoded_args(desired["records"][i])))
                             for i in missing]
        short = max(0, desired["min_records"] - len(records))
        result["verified"] = not missing and not short
        where = "'%s' (partition%s %s)" % (desired["topic"], "s" if len(read["partitions"]) > 1
                                           else "", ", ".join(str(p) for p in read["partitions"]))
        if missing:
            raise ModuleFailure("%d of %d expected records were not read from %s within %s s "
                                "(%d records read)" % (len(missing), len(desired["records"]),
                                                       where, _seconds(desired["timeout"]),
                                                       len(records)), **result)
        if short:
            raise ModuleFailure("%d record%s read from %s within %s s where min_records is %d: "
                                "%d missing" % (len(records), "" if len(records) == 1 else "s",
                                                where, _seconds(desired["timeout"]),
                                                desired["min_records"], short), **result)
        commit = bool(desired["commit"] and records)
        if commit:
            result["committed"] = _next_offsets(records)
        return Plan(commit, result, data=dict(desired=desired, current=current))

    # applying

    def apply(self, ctx, plan, failures):
        desired, current = plan.data["desired"], plan.data["current"]
        if desired["mode"] == "consume":
            self._commit(ctx, desired, current, plan)
            return
        started = self.clock()
        deadline = started + desired["timeout"]
        delivered = self._produce(ctx, desired, deadline)
        plan.result["produced"] = [record_view(r["key"], r["value"], r["headers"], *place[:3])
                                   for r, place in zip(desired["records"], delivered)
                                   if place[0] is not None]
        plan.result["acknowledged"] = len(plan.result["produced"])
        refused = [(index, place[3]) for index, place in enumerate(delivered)
                   if place[0] is None]
        if refused:
            raise ModuleFailure("%d of %d records were not acknowledged by all in-sync replicas "
                                "of '%s' (acks=all) within %s s: %s"
                                % (len(refused), len(delivered), desired["topic"],
                                   _seconds(desired["timeout"]),
                                   "; ".join("records[%d]: %s" % item for item in refused)),
                                **plan.result)
        if desired["mode"] == "produce":
            return
        read = self._read_back(ctx, desired, current, delivered, deadline)
        plan.result["consumed"] = [record_view(*_view_args(r)) for r in read]
        plan.result["read_back"] = len(read)
        plan.result["seconds"] = round(self.clock() - started, 3)
        missing = [(place[0], place[1]) for place in delivered
                   if (place[0], place[1]) not in set((r[0], r[1]) for r in read)]
        different = [(r[0], r[1]) for r in read for record, place in zip(desired["records"],
                                                                         delivered)
                     if (r[0], r[1]) == (place[0], place[1]) and not _same(record, *r[2:5])]
        plan.result["missing"] = [dict(partition=p, offset=o) for p, o in missing]
        plan.result["verified"] = not missing and not different
        if missing:
            raise ModuleFailure("%d of %d records produced to '%s' were not read back within "
                                "%s s: %s" % (len(missing), len(delivered), desired["topic"],
                                              _seconds(desired["timeout"]),
                                              offsets_text(missing)), **plan.result)
        if different:
            raise ModuleFailure("%d of %d records read back from '%s' differ from what was "
                                "produced: %s" % (len(different), len(delivered),
                                                  desired["topic"], offsets_text(different)),
                                **plan.result)

    def _produce(self, ctx, desired, deadline):
        """Send every record; return [(partition, offset, timestamp, error)] in input order."""
        outcome = [None] * len(desired["records"])
        timeout_ms = max(1, int(desired["timeout"] * 1000))
        with ctx.step("Produce"):
            producer = ctx.client.producer(**{"acks": "all", "linger.ms": 5,
                                              "message.timeout.ms": timeout_ms})
            for index, record in enumerate(desired["records"]):
                def report(error, message, index=index):
                    if error is not None:
                        outcome[index] = (None, None, None, "%s: %s" % (error.name(), error.str()))
                    else:
                        outcome[index] = (message.partition(), message.offset(),
                                          message.timestamp()[1], None)
                kwargs = dict(value=record["value"], key=record["key"],
                              headers=record["headers"] or None, on_delivery=report)
                if record["partition"] is not None:
                    kwargs["partition"] = record["partition"]
                producer.produce(desired["topic"], **kwargs)
                producer.poll(0)
            producer.flush(max(0.0, deadline - self.clock()) + 1)
        return [place or (None, None, None, "no acknowledgement") for place in outcome]

    def _read_back(self, ctx, desired, current, delivered, deadline):
        """The produced records, read at the offsets the brokers acknowledged."""
        from confluent_kafka import TopicPartition  # pylint: disable=import-outside-toplevel
        wanted = set((place[0], place[1]) for place in delivered)
        first = {}
        for partition, offset in wanted:
            first[partition] = min(first.get(partition, offset), offset)
        found = {}
        with ctx.step("Fetch"):
            consumer = current["consumer"]
            consumer.assign([TopicPartition(desired["topic"], p, o)
                             for p, o in sorted(first.items())])
            for message in self._poll(consumer, deadline, lambda: len(found) >= len(wanted)):
                place = (message.partition(), message.offset())
                if place in wanted:
                    found[place] = _read(message)
        return [found[(p[0], p[1])] for p in delivered if (p[0], p[1]) in found]

    def _poll(self, consumer, deadline, done, at_end=None):
        """The records ``consumer`` reads until ``done()`` or the deadline; ``at_end(partition)``
        is called when a partition's end is reached. Other errors are raised."""
        while not done():
            remaining = deadline - self.clock()
            if remaining <= 0:
                return
            message = consumer.poll(min(remaining, 0.5))
            if message is None:
                continue
            if message.error() is None:
                yield message
            elif message.error().name() == "_PARTITION_EOF":
                if at_end is not None:
                    at_end(message.partition())
            else:
                raise _exception(message.error())

    def _commit(self, ctx, desired, current, plan):
        from confluent_kafka import TopicPartition  # pylint: disable=import-outside-toplevel
        with ctx.step("OffsetCommit"):
            current["consumer"].commit(offsets=[
                TopicPartition(desired["topic"], item["partition"], item["offset"])
                for item in plan.result["committed"]], asynchronous=False)


def _read(message):
    return (message.partition(), message.offset(), message.key(), message.value(),
            list(message.headers() or []), message.timestamp()[1])


def _view_args(read):
    partition, offset, key, value, headers, timestamp = read
    return key, value, headers, partition, offset, timestamp


def _encoded_args(record):
    return (record["partition"], None, record["key"], record["value"], record["headers"], None)


def _next_offsets(records):
    last = {}
    for partition, offset, _k, _v, _h, _t in records:
        last[partition] = max(last.get(partition, -1), offset)
    return [dict(partition=p, offset=o + 1) for p, o in sorted(last.items())]


def _exception(error):
    from confluent_kafka import KafkaException  # pylint: disable=import-outside-toplevel
    return KafkaException(error)
