# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_load_test: the run. N producer and M consumer processes (forked, so that Python's
interpreter lock never limits them: each has its own librdkafka client), the consumers in one
consumer group, bounded by a duration and optionally a record count.

Sequence: the group's offsets are set to the end of the topic (only records of this run are
counted) -> the consumers join and wait until every partition is assigned -> the producers run
until their bounds -> the consumers drain until they read every acknowledged record (or read
nothing new for ``drain_timeout``) -> figures, series, targets, report and plots.
A progress log (phase, interim msg/s) is written next to the report once a second.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools
import multiprocessing
import os
import random
import time
import traceback
import uuid
from array import array

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_load_test as pure
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_librdkafka import (
    existing_topic,
    librdkafka_config,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)


def plotting_available():
    """Whether matplotlib can be imported (found, not imported: it is only loaded to plot)."""
    try:
        from importlib.util import find_spec  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - Python 2
        return True
    return find_spec("matplotlib") is not None


# records handed to librdkafka between two looks at the clock and the bounds
CHUNK = 1000
# how many distinct send errors a producer reports (all are counted)
ERROR_SAMPLES = 5


def producer_settings(params):
    settings = {
        "acks": params["acks"] if params["acks"] != "all" else "all",
        "compression.type": params["compression"],
        "linger.ms": params["linger_ms"],
        # only failed deliveries call back into Python: the rest costs nothing per record
        "delivery.report.only.error": True,
    }
    if params.get("batch_size"):
        settings["batch.size"] = params["batch_size"]
    settings.update(params.get("producer_config") or {})
    return settings


def consumer_settings(params, group_id):
    settings = {
        "group.id": group_id,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": True,
        "auto.commit.interval.ms": 1000,
    }
    settings.update(params.get("consumer_config") or {})
    return settings


def key_source(distribution, count, seed):
    """An iterator of record keys: None, a shuffled cycle of ``count`` keys, or in turn."""
    if distribution == "none":
        return itertools.repeat(None)
    keys = [("key-%d" % index).encode() for index in range(count)]
    if distribution == "sequential":
        return itertools.cycle(keys)
    generator = random.Random(seed)
    return itertools.cycle([keys[generator.randrange(count)] for _draw in range(max(count, 65536))])


def produce_loop(producer, topic, job, started, deadline, stop, sent_counter):
    """Send ``job["records"]`` (None: no count bound) until ``deadline``; the records sent per
    second since ``started``, and the count."""
    padding = b"\0" * (job["record_size"] - pure.STAMP.size)
    pack = pure.STAMP.pack
    produce = producer.produce
    poll = producer.poll
    now = time.time
    keys = key_source(job["key_distribution"], job["key_count"], job["seed"])
    per_second = array("l")
    limit = job["records"]
    rate = job["rate"]
    sent = 0
    while not stop.is_set():
        chunk = CHUNK if limit is None else min(CHUNK, limit - sent)
        if chunk <= 0:
            break
        if rate:  # about a hundred sends a second, each of rate / 100 records
            chunk = max(1, min(chunk, int(rate / 100)))
        done = 0
        while done < chunk:
            try:
                produce(topic, pack(now()) + padding, next(keys))
                done += 1
            except BufferError:  # librdkafka's queue is full: let it send
                poll(0.001)
        sent += chunk
        poll(0)
        moment = now()
        second = int(moment - started)
        while len(per_second) <= second:
            per_second.append(0)
        per_second[second] += chunk
        sent_counter.value = sent
        if moment >= deadline:
            break
        if rate:
            ahead = started + sent / float(rate) - moment
            if ahead > 0:
                time.sleep(min(ahead, max(0.0, deadline - moment)))
    return sent, per_second


def producer_process(index, config, job, clock, stop, counter, results):
    """One producer: connects and reads the topic's metadata first (counted as ready in
    ``clock.ready``), then sends from ``clock.started`` (set by the parent once every producer
    is ready) until its bounds."""
    try:
        from confluent_kafka import Producer  # pylint: disable=import-outside-toplevel
        errors = []
        failed = [0]

        def delivered(error, _message):
            if error is not None:
                failed[0] += 1
                if len(errors) < ERROR_SAMPLES and error.str() not in errors:
                    errors.append(error.str())

        settings = dict(config)
        settings["on_delivery"] = delivered
        producer = Producer(settings)
        producer.list_topics(job["topic"], timeout=job["flush_timeout"])
        with clock.ready.get_lock():
            clock.ready.value += 1
        if not clock.go.wait(job["flush_timeout"] + 60) or stop.is_set():
            raise RuntimeError("the run was stopped before it started")
        started = clock.started.value
        deadline = started + job["duration"]
        sent, per_second = produce_loop(producer, job["topic"], job, started, deadline, stop,
                                        counter)
        unflushed = producer.flush(job["flush_timeout"])
        ended = time.time()
        results.put(("producer", index, {
            "sent": sent, "errors": failed[0], "unflushed": unflushed, "error_samples": errors,
            "per_second": list(per_second), "started": started, "ended": ended}))
    except Exception:  # pylint: disable=broad-except  # reported by the parent
        results.put(("error", index, "producer %d: %s" % (index, traceback.format_exc())))


def consumer_process(index, config, job, stop, assigned, counter, results):
    try:
        from confluent_kafka import Consumer  # pylint: disable=import-outside-toplevel
        consumer = Consumer(config)

        def on_assign(own, partitions):
            # positions known before the partitions count as assigned: fetching starts at once
            if partitions:
                own.assign(own.committed(partitions, timeout=30))
            assigned.value = len(partitions)

        def on_revoke(_consumer, _partitions):
            assigned.value = 0

        consumer.subscribe([job["topic"]], on_assign=on_assign, on_revoke=on_revoke)
        latency = job["latency"]
        unpack = pure.STAMP.unpack_from
        now = time.time
        latencies = array("d")
        batch_times = array("d")
        batch_counts = array("l")
        count = 0
        size = 0
        errors = []
        limit = job["records"]
        first = last = None
        while not stop.is_set():
            # wait for one record, then take what else is there without waiting: a batch call
            # alone waits its whole timeout for a full batch, which a slow rate would add to
            # every record's latency
            messages = consumer.consume(1, 0.1)
            if not messages:
                continue
            messages.extend(consumer.consume(499, 0))
            moment = now()
            good = [m for m in messages if m.error() is None]
            if len(good) != len(messages):
                for message in messages:
                    if message.error() is not None and len(errors) < ERROR_SAMPLES:
                        errors.append(message.error().str())
            if not good:
                continue
            values = [m.value() for m in good]
            if latency:
                latencies.extend([moment - unpack(value)[0] for value in values])
            size += sum(len(value) for value in values)
            count += len(values)
            batch_times.append(moment)
            batch_counts.append(len(values))
            first = moment if first is None else first
            last = moment
            counter.value = count
            if limit is not None and count >= limit:
                break
        consumer.close()
        results.put(("consumer", index, {
            "count": count, "bytes": size, "first": first, "last": last, "errors": errors,
            "latencies": latencies.tobytes(), "batch_times": batch_times.tobytes(),
            "batch_counts": list(batch_counts)}))
    except Exception:  # pylint: disable=broad-except  # reported by the parent
        results.put(("error", index, "consumer %d: %s" % (index, traceback.format_exc())))


class Progress(object):
    """Phases and interim rates, one line a second, in the progress log (when a report is
    written) and in the result's ``phases``."""

    def __init__(self, path, clock=time.time):
        self.path = path
        self.clock = clock
        self.phases = []
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            os.makedirs(os.path.dirname(os.path.abspath(path)))
        self.handle = open(path, "w") if path else None
        self.last = {}

    def phase(self, name):
        moment = self.clock()
        if self.phases:
            self.phases[-1]["seconds"] = round(moment - self.phases[-1]["started"], 3)
        self.phases.append({"phase": name, "started": moment})
        self.line("phase %s" % name)

    def interim(self, produced, consumed):
        moment = self.clock()
        if self.last:
            span = moment - self.last["at"] or 1e-9
            self.line("produced %d (%.0f msg/s), consumed %d (%.0f msg/s)" % (
                produced, (produced - self.last["produced"]) / span, consumed,
                (consumed - self.last["consumed"]) / span))
        self.last = {"at": moment, "produced": produced, "consumed": consumed}

    def line(self, text):
        if self.handle:
            self.handle.write("%s %s\n" % (time.strftime("%H:%M:%S", time.gmtime(self.clock())),
                                           text))
            self.handle.flush()

    def close(self):
        self.phase("done")
        self.phases.pop()
        if self.handle:
            self.handle.close()
        return [{"phase": p["phase"], "seconds": p.get("seconds")} for p in self.phases]


class Clock(object):
    """The shared start of the producers: how many are ready, the start time, the signal."""

    def __init__(self, ctx):
        self.ready = ctx.Value("i", 0)
        self.started = ctx.Value("d", 0.0)
        self.go = ctx.Event()

    def start(self):
        self.started.value = time.time()
        self.go.set()
        return self.started.value


def _collect(results, expected, processes, timeout):
    """The workers' results as {(kind, index): result}; raise on a worker's failure."""
    collected = {}
    deadline = time.time() + timeout
    while len(collected) < expected:
        try:
            kind, index, data = results.get(timeout=0.5)
        except Exception:  # pylint: disable=broad-except  # queue.Empty
            if time.time() > deadline or not any(p.is_alive() for p in processes):
                raise ModuleFailure("%d of %d load test workers did not report in time"
                                    % (expected - len(collected), expected))
            continue
        if kind == "error":
            raise ModuleFailure("A load test worker failed: %s" % data)
        collected[(kind, index)] = data
    return collected


def run(params, config, topic_partitions, progress):
    """The run itself; returns the raw per-worker results."""
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    results = ctx.Queue()
    producers, consumers = params["producers"], params["consumers"]
    group_id = params["group_id"]
    record_bounds = (pure.split(params["records"], producers) if params["records"] and producers
                     else [None] * producers)
    consumer_config = dict(config)
    consumer_config.update(consumer_settings(params, group_id))
    producer_config = dict(config)
    producer_config.update(producer_settings(params))
    job = {"topic": params["topic"], "record_size": params["record_size"],
           "key_distribution": params["key_distribution"], "key_count": params["key_count"],
           "latency": params["latency"], "flush_timeout": params["drain_timeout"],
           "rate": (params["rate"] or 0) / float(producers) if producers else 0}
    assigned = [ctx.Value("i", 0) for _index in range(consumers)]
    consumed = [ctx.Value("q", 0) for _index in range(consumers)]
    sent = [ctx.Value("q", 0) for _index in range(producers)]
    workers = []
    try:
        progress.phase("joining group")
        consumer_job = dict(job, records=params["records"] if not producers else None)
        for index in range(consumers):
            worker = ctx.Process(target=consumer_process, args=(
                index, consumer_config, consumer_job, stop, assigned[index], consumed[index],
                results))
            worker.daemon = True
            worker.start()
            workers.append(worker)
        deadline = time.time() + params["join_timeout"]
        while consumers and sum(a.value for a in assigned) < topic_partitions:
            if time.time() > deadline:
                raise ModuleFailure(
                    "The %d consumers of group %s were not assigned all %d partitions within "
                    "join_timeout (%ss): %d assigned; check the group is not used by others "
                    "and the brokers' group coordinator" % (
                        consumers, group_id, topic_partitions, params["join_timeout"],
                        sum(a.value for a in assigned)))
            if not any(w.is_alive() for w in workers):
                break
            time.sleep(0.05)
        clock = Clock(ctx)
        for index in range(producers):
            worker = ctx.Process(target=producer_process, args=(
                index, producer_config, dict(job, records=record_bounds[index],
                                             seed=index + 1, duration=params["duration"]),
                clock, stop, sent[index], results))
            worker.daemon = True
            worker.start()
            workers.append(worker)
        producer_workers = workers[consumers:]
        deadline = time.time() + params["join_timeout"]
        while clock.ready.value < producers and any(w.is_alive() for w in producer_workers):
            if time.time() > deadline:
                raise ModuleFailure("The producers did not connect within join_timeout (%ss)"
                                    % params["join_timeout"])
            time.sleep(0.02)
        progress.phase("producing" if producers else "consuming")
        started = clock.start()
        bound = started + params["duration"]
        while any(w.is_alive() for w in producer_workers):
            progress.interim(sum(s.value for s in sent), sum(c.value for c in consumed))
            time.sleep(min(1.0, max(0.05, bound + params["drain_timeout"] - time.time())))
            if time.time() > bound + params["drain_timeout"] + 5:
                break
        collected = _collect(results, producers, producer_workers, params["drain_timeout"] + 10)
        acknowledged = sum(r["sent"] - r["errors"] - r["unflushed"] for r in collected.values())
        if consumers:
            progress.phase("draining")
            target = acknowledged if producers else params["records"]
            last_count, last_change = -1, time.time()
            while True:
                count = sum(c.value for c in consumed)
                progress.interim(sum(s.value for s in sent), count)
                if target is not None and count >= target:
                    break
                if producers == 0 and time.time() >= bound:
                    break
                if not any(w.is_alive() for w in workers[:consumers]):
                    break
                if count != last_count:
                    last_count, last_change = count, time.time()
                elif time.time() - last_change > params["drain_timeout"]:
                    break
                time.sleep(0.05)
            stop.set()
            collected.update(_collect(results, consumers, workers[:consumers],
                                      params["drain_timeout"] + 30))
        collected["started"] = started
        return collected
    finally:
        stop.set()
        for worker in workers:
            worker.join(5)
            if worker.is_alive():
                worker.terminate()
                worker.join(5)


def summarize(params, raw, paths=None):
    """The report of a run from the workers' raw results."""
    producers = [raw[("producer", i)] for i in range(params["producers"])]
    consumers = [raw[("consumer", i)] for i in range(params["consumers"])]
    started = raw["started"]
    size = params["record_size"]
    produced = {"sent": sum(p["sent"] for p in producers),
                "errors": sum(p["errors"] for p in producers),
                "unacknowledged": sum(p["unflushed"] for p in producers),
                "error_samples": sorted(set(e for p in producers for e in p["error_samples"]))}
    produced["acknowledged"] = produced["sent"] - produced["errors"] - produced["unacknowledged"]
    if producers:
        seconds = max(p["ended"] for p in producers) - started
        produced.update(seconds=round(seconds, 3), msg_s=pure.rate(produced["acknowledged"],
                                                                   seconds),
                        mb_s=pure.rate(produced["acknowledged"] * size / pure.MB, seconds, 6),
                        bytes=produced["acknowledged"] * size)
    latencies, batches, all_latencies = [], [], []
    for consumer in consumers:
        values = array("d")
        values.frombytes(consumer["latencies"])
        times = array("d")
        times.frombytes(consumer["batch_times"])
        latencies.append(values)
        batches.append([(t - started, n) for t, n in zip(times, consumer["batch_counts"])])
        all_latencies.extend(values)
    consumed = {"records": sum(c["count"] for c in consumers),
                "bytes": sum(c["bytes"] for c in consumers),
                "errors": sorted(set(e for c in consumers for e in c["errors"]))}
    firsts = [c["first"] for c in consumers if c["first"] is not None]
    lasts = [c["last"] for c in consumers if c["last"] is not None]
    if consumers and lasts:
        # from the start of the run (producers and consumers run together) or, reading what
        # is there already, from the first batch received
        begin = started if producers else min(firsts)
        seconds = max(lasts) - begin
        consumed.update(seconds=round(seconds, 3), msg_s=pure.rate(consumed["records"], seconds),
                        mb_s=pure.rate(consumed["bytes"] / pure.MB, seconds, 6))
    latency = pure.latency_summary(all_latencies) if params["latency"] else {}
    verdicts = pure.judge(pure.figures_of(produced, consumed, latency), params.get("targets"))
    length = max([0] + [p["ended"] - started for p in producers] + [t for b in batches
                                                                    for t, _n in b[-1:]])
    report = {
        "workload": workload(params),
        "produced": produced,
        "consumed": consumed,
        "latency_ms": latency,
        "series": pure.series(length, [p["per_second"] for p in producers], batches, latencies,
                              size),
        "targets": verdicts,
        "targets_met": pure.targets_met(verdicts),
    }
    return report, all_latencies


def workload(params):
    return dict((key, params.get(key)) for key in (
        "topic", "producers", "consumers", "group_id", "record_size", "records", "duration",
        "key_distribution", "key_count", "acks", "compression", "linger_ms", "batch_size",
        "rate", "latency"))


# the group's coordinator is not there yet (a new group, __consumer_offsets being created)
COORDINATOR_WAITS = ("NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE",
                     "COORDINATOR_LOAD_IN_PROGRESS", "_WAIT_COORD")


def commit_offsets(consumer, offsets, timeout, clock=time.time, sleep=time.sleep):
    """Commit ``offsets`` for the consumer's group, asking again while its coordinator is
    still being found or loaded (up to ``timeout`` seconds)."""
    from confluent_kafka import KafkaException  # pylint: disable=import-outside-toplevel
    deadline = clock() + timeout
    while True:
        try:
            return consumer.commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:
            error = exc.args[0] if exc.args else None
            if (getattr(error, "name", lambda: "")() not in COORDINATOR_WAITS
                    or clock() >= deadline):
                raise
            sleep(0.2)


class LoadTestResource(Resource):
    """The module's declaration: check the input, read the topic, plan (a run always sends
    records: changed), run."""

    service = "Kafka"

    def desired(self, ctx):
        params = dict(ctx.params)
        problems = pure.check_input(params, plotting_available=plotting_available())
        if problems:
            raise InvalidInput("Invalid input: " + "; ".join(problems))
        params["group_id"] = params.get("group_id") or "specweave-load-test-%s" % uuid.uuid4().hex
        return params

    def read(self, ctx, desired):
        from confluent_kafka import TopicPartition  # pylint: disable=import-outside-toplevel
        topic = desired["topic"]
        timeout = ctx.connection.request_timeout
        with ctx.step("connecting"):
            consumer = ctx.client.consumer(desired["group_id"])
            metadata = ctx.client.metadata(consumer, topic, timeout)
        with ctx.step("Metadata"):
            described = existing_topic(metadata, topic, ctx.connection.servers)
        partitions = sorted(described.partitions)
        with ctx.step("ListOffsets"):
            marks = dict((p, consumer.get_watermark_offsets(TopicPartition(topic, p),
                                                            timeout=timeout))
                         for p in partitions)
        return {"partitions": partitions, "marks": marks, "consumer": consumer}

    def plan(self, ctx, desired, current):
        return Plan(True, result={"workload": workload(desired),
                                  "partitions": len(current["partitions"])},
                    data=dict(current, params=desired))

    def apply(self, ctx, plan, failures):
        from confluent_kafka import TopicPartition  # pylint: disable=import-outside-toplevel
        current = plan.data
        params = current["params"]
        topic = params["topic"]
        # where the group starts: the end of the topic (only this run's records), or with
        # consumers alone the beginning (what is there)
        index = 1 if params["producers"] else 0
        offsets = [TopicPartition(topic, p, current["marks"][p][index])
                   for p in current["partitions"]]
        with ctx.step("OffsetCommit"):
            commit_offsets(current["consumer"], offsets, ctx.connection.request_timeout)
        config = librdkafka_config(ctx.connection.params, ctx.connection.msk_provider)
        # no librdkafka client may live in the parent when the workers are forked
        ctx.close()
        paths = pure.report_paths(params["report"]) if params.get("report") else None
        progress = Progress(paths["progress"] if paths else None)
        try:
            raw = run(params, config, len(current["partitions"]), progress)
        finally:
            phases = progress.close()
        report, latencies = summarize(params, raw)
        report["phases"] = phases
        if paths:
            report["report"] = params["report"]
            report["plots"] = (pure.write_plots(report, latencies, paths)
                               if params["plots"] else [])
            report["progress_log"] = paths["progress"]
            pure.write_report(params["report"], report)
        plan.result.update(report)
        if report["produced"].get("errors"):
            failures.add("produce", "%d record(s) not acknowledged: %s" % (
                report["produced"]["errors"], "; ".join(report["produced"]["error_samples"])))
        if params.get("fail_on_targets") and report["targets_met"] is False:
            missed = sorted(name for name, v in report["targets"].items() if v["met"] is False)
            described = ["%s %s (limit %s)" % (name, report["targets"][name]["value"],
                                               report["targets"][name]["limit"])
                         for name in missed]
            raise ModuleFailure("Targets missed: %s" % ", ".join(described), **plan.result)

    def failure_message(self, plan, failures, applied):
        return "The load test ran, but %s" % failures.summary()
