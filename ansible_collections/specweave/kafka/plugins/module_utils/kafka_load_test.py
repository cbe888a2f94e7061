# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_load_test: the pure parts (no Kafka, no processes).

Checks of the input, the record format, percentiles, per-second series, the judging of the
targets, the report and its plots. The processes that produce and consume are in
``kafka_load_test_run``; the module's declaration on the runner is ``LoadTestResource`` there.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import os
import struct

# The seed's targets: producer >= 100K msg/s and >= 10 MB/s (batching, lz4); consumer >= 50K
# msg/s and >= 5 MB/s with 10 consumers; end-to-end latency p50 < 10 ms, p95 < 100 ms,
# p99 < 500 ms. "min" targets are met at or above the limit, "max" ones below it.
SEED_TARGETS = {
    "producer_msg_s": 100000,
    "producer_mb_s": 10,
    "consumer_msg_s": 50000,
    "consumer_mb_s": 5,
    "latency_p50_ms": 10,
    "latency_p95_ms": 100,
    "latency_p99_ms": 500,
}
TARGET_KINDS = {
    "producer_msg_s": "min", "producer_mb_s": "min", "consumer_msg_s": "min",
    "consumer_mb_s": "min", "latency_p50_ms": "max", "latency_p95_ms": "max",
    "latency_p99_ms": "max",
}
ACKS = ("0", "1", "all")
COMPRESSION = ("none", "gzip", "snappy", "lz4", "zstd")
KEY_DISTRIBUTIONS = ("none", "uniform", "sequential")
PERCENTILES = (50, 95, 99, 99.9)

# Each record's value starts with the time it was handed to the producer (seconds since the
# epoch, a big-endian IEEE double); the rest is padding up to record_size.
STAMP = struct.Struct(">d")
MB = 1000000.0


class LoadTestInputError(ValueError):
    """A problem of the task's input, found before anything is sent."""


def check_input(params, plotting_available=True):
    """The problems of the task's input (a list of sentences, empty when fine)."""
    problems = []
    duration, records = params.get("duration"), params.get("records")
    producers, consumers = params.get("producers"), params.get("consumers")
    if duration is None or duration <= 0:
        problems.append("duration must be more than 0 seconds (it bounds the run); got %r"
                        % (duration,))
    if records is not None and records < 1:
        problems.append("records must be 1 or more (or omitted to run for duration); got %r"
                        % (records,))
    if producers < 0 or consumers < 0:
        problems.append("producers and consumers must be 0 or more")
    elif producers == 0 and consumers == 0:
        problems.append("nothing to run: producers and consumers are both 0")
    latency = params.get("latency")
    if latency and params.get("acks") == "0":
        problems.append("acks=0 with latency: the producer gets no acknowledgement, so records "
                        "lost cannot be told from records late and the latency would not be "
                        "trustworthy; use acks 1 or all, or set latency to false")
    if latency and (producers == 0 or consumers == 0):
        problems.append("latency needs producers and consumers in the same run (it is measured "
                        "from the time in each record to its arrival); set latency to false")
    size = params.get("record_size")
    if size is None or size < STAMP.size:
        problems.append("record_size must be at least %d bytes (the send time is carried in "
                        "the first %d); got %r" % (STAMP.size, STAMP.size, size))
    if (params.get("rate") or 0) < 0:
        problems.append("rate must be 0 (no limit) or more records per second")
    if params.get("key_distribution") != "none" and (params.get("key_count") or 0) < 1:
        problems.append("key_count must be 1 or more with key_distribution %s"
                        % params.get("key_distribution"))
    for name in ("drain_timeout", "join_timeout"):
        if params.get(name) is not None and params[name] <= 0:
            problems.append("%s must be more than 0 seconds" % name)
    unknown = sorted(set(params.get("targets") or {}) - set(SEED_TARGETS))
    if unknown:
        problems.append("unknown target(s) %s; known: %s"
                        % (", ".join(unknown), ", ".join(sorted(SEED_TARGETS))))
    for name, value in (params.get("targets") or {}).items():
        if name in SEED_TARGETS and (isinstance(value, bool)
                                     or not isinstance(value, (int, float))):
            problems.append("target %s must be a number, got %r" % (name, value))
    if params.get("report") and params.get("plots") and not plotting_available:
        problems.append("plots need the Python library matplotlib on the host that runs the "
                        "module (pip install matplotlib), or set plots to false")
    return problems


def record_value(send_time, padding):
    """A record's value: its send time, then ``padding``."""
    return STAMP.pack(send_time) + padding


def send_time(value):
    return STAMP.unpack_from(value)[0]


def split(total, parts):
    """``total`` shared among ``parts`` as evenly as whole numbers allow."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def percentile(ordered, pct):
    """The nearest-rank percentile of the sorted list ``ordered`` (None when empty): the
    smallest value with at least ``pct`` per cent of the values at or below it."""
    if not ordered:
        return None
    rank = int(math.ceil(round(pct / 100.0 * len(ordered), 9)))
    return ordered[min(len(ordered), max(rank, 1)) - 1]


def latency_summary(latencies_s):
    """min, mean, p50, p95, p99, p99.9 and max in milliseconds of latencies in seconds."""
    ordered = sorted(latencies_s)
    if not ordered:
        return {"count": 0}
    summary = {"count": len(ordered), "min": ordered[0] * 1000.0, "max": ordered[-1] * 1000.0,
               "mean": sum(ordered) / len(ordered) * 1000.0}
    for pct in PERCENTILES:
        summary[("p%g" % pct).replace(".", "")] = percentile(ordered, pct) * 1000.0
    return dict((key, round(value, 3) if isinstance(value, float) else value)
                for key, value in summary.items())


def rate(count, seconds, digits=3):
    return round(count / seconds, digits) if seconds and seconds > 0 else None


def series(seconds, produced, consumed_batches, latencies, record_size):
    """The per-second series of a run ``seconds`` long.

    ``produced``: per producer, a list of records sent in each second of the run.
    ``consumed_batches``: per consumer, a list of (time since the start, records) of each batch
    received; ``latencies``: per consumer, the latencies (s) of those batches' records in
    order. Each second gets produced and consumed msg/s and MB/s and its latency p50, p99, max.
    """
    length = max([int(math.ceil(seconds))] + [len(p) for p in produced]
                 + [int(t) + 1 for batches in consumed_batches for t, _n in batches])
    rows = [{"second": index, "produced": 0, "consumed": 0} for index in range(length)]
    per_second = [[] for _index in range(length)]
    for counts in produced:
        for index, count in enumerate(counts):
            rows[index]["produced"] += count
    for batches, lat in zip(consumed_batches, latencies):
        position = 0
        for offset, count in batches:
            index = max(0, int(offset))
            rows[index]["consumed"] += count
            per_second[index].extend(lat[position:position + count])
            position += count
    for row, values in zip(rows, per_second):
        row["produced_mb"] = round(row["produced"] * record_size / MB, 6)
        row["consumed_mb"] = round(row["consumed"] * record_size / MB, 6)
        if values:
            values.sort()
            row["latency_p50_ms"] = round(percentile(values, 50) * 1000.0, 3)
            row["latency_p99_ms"] = round(percentile(values, 99) * 1000.0, 3)
            row["latency_max_ms"] = round(values[-1] * 1000.0, 3)
    return rows


def judge(figures, targets=None):
    """Each target beside its measured figure: ``{name: {limit, kind, value, met}}``; ``met``
    is None when the run did not measure it (no consumers, latency off)."""
    limits = dict(SEED_TARGETS)
    limits.update(targets or {})
    verdicts = {}
    for name in sorted(limits):
        value = figures.get(name)
        if value is None:
            met = None
        elif TARGET_KINDS[name] == "min":
            met = value >= limits[name]
        else:
            met = value < limits[name]
        verdicts[name] = {"limit": limits[name], "kind": TARGET_KINDS[name], "value": value,
                          "met": met}
    return verdicts


def targets_met(verdicts):
    """True when every measured target is met, False when one is missed, None if none measured."""
    measured = [v["met"] for v in verdicts.values() if v["met"] is not None]
    return all(measured) if measured else None


def figures_of(produced, consumed, latency):
    """The figures the targets are judged on."""
    return {
        "producer_msg_s": produced.get("msg_s"), "producer_mb_s": produced.get("mb_s"),
        "consumer_msg_s": consumed.get("msg_s"), "consumer_mb_s": consumed.get("mb_s"),
        "latency_p50_ms": latency.get("p50"), "latency_p95_ms": latency.get("p95"),
        "latency_p99_ms": latency.get("p99"),
    }


def report_paths(report):
    """The files written next to the JSON report ``report``: the plots and the progress log."""
    stem = report[:-5] if report.endswith(".json") else report
    return {
        "throughput": stem + "-throughput.png",
        "latency": stem + "-latency.png",
        "histogram": stem + "-latency-histogram.png",
        "progress": stem + ".progress.log",
    }


def write_report(path, report):
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        os.makedirs(directory)
    with open(path, "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return path


def write_plots(report, latencies_s, paths):
    """Throughput over time, latency over time and the latency histogram as PNG files (the
    Agg backend: no display needed). Returns the paths written."""
    # the object API on the Agg canvas: no pyplot state, no display, a lighter import
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def new_axes():
        figure = Figure(figsize=(9, 4.5))
        FigureCanvasAgg(figure)
        return figure, figure.add_subplot(1, 1, 1)

    rows = report["series"]
    seconds = [row["second"] for row in rows]
    title = "%s: %d producer(s), %d consumer(s), %d B records" % (
        report["workload"]["topic"], report["workload"]["producers"],
        report["workload"]["consumers"], report["workload"]["record_size"])
    written = []

    figure, axes = new_axes()
    axes.plot(seconds, [row["produced"] for row in rows], label="produced msg/s")
    axes.plot(seconds, [row["consumed"] for row in rows], label="consumed msg/s")
    axes.set_xlabel("second of the run")
    axes.set_ylabel("records per second")
    axes.set_title("Throughput - " + title)
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(paths["throughput"], dpi=90)
    written.append(paths["throughput"])

    if latencies_s:
        figure, axes = new_axes()
        for key, label in (("latency_p50_ms", "p50"), ("latency_p99_ms", "p99"),
                           ("latency_max_ms", "max")):
            points = [(row["second"], row[key]) for row in rows if key in row]
            axes.plot([p[0] for p in points], [p[1] for p in points], label=label)
        axes.set_xlabel("second of the run")
        axes.set_ylabel("end-to-end latency (ms)")
        axes.set_title("Latency - " + title)
        axes.grid(True, alpha=0.3)
        axes.legend()
        figure.tight_layout()
        figure.savefig(paths["latency"], dpi=90)
        written.append(paths["latency"])

        figure, axes = new_axes()
        axes.hist([value * 1000.0 for value in latencies_s], bins=100)
        axes.set_yscale("log")
        axes.set_xlabel("end-to-end latency (ms)")
        axes.set_ylabel("records")
        summary = report["latency_ms"]
        axes.set_title("Latency histogram - p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                       % (summary["p50"], summary["p99"], summary["max"]))
        figure.tight_layout()
        figure.savefig(paths["histogram"], dpi=90)
        written.append(paths["histogram"])
    return written
