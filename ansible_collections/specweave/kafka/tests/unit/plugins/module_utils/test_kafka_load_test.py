# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_load_test's pure parts: percentiles from known timestamps, series, target judging,
input checks, the report's shape and its plots."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools
import json
import time
from array import array

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_load_test as pure
from ansible_collections.specweave.kafka.plugins.module_utils import kafka_load_test_run as run

PARAMS = dict(topic="t", producers=1, consumers=1, group_id=None, duration=30.0, records=None,
              record_size=100, key_distribution="none", key_count=1000, acks="all",
              compression="none", linger_ms=5, batch_size=None, rate=0, latency=True,
              producer_config={}, consumer_config={}, targets={}, fail_on_targets=False,
              report=None, plots=True, drain_timeout=30.0, join_timeout=60.0)


@pytest.mark.parametrize("values, pct, expected", [
    (list(range(1, 101)), 50, 50), (list(range(1, 101)), 95, 95), (list(range(1, 101)), 99, 99),
    (list(range(1, 101)), 99.9, 100), (list(range(1, 101)), 100, 100), ([7], 50, 7),
    ([7], 99, 7), ([1, 2], 50, 1), ([1, 2], 51, 2), ([10, 20, 30, 40], 75, 30), ([], 50, None),
])
def test_nearest_rank_percentile(values, pct, expected):
    assert pure.percentile(values, pct) == expected


def test_latency_from_known_send_and_receive_times():
    # 1,000 records sent at t and received t + (i + 1) ms: p50 500 ms, p95 950, p99 990
    sent = [1000.0 + i * 0.01 for i in range(1000)]
    values = [pure.record_value(t, b"\0" * 92) for t in sent]
    assert all(len(v) == 100 for v in values)
    received = [pure.send_time(v) + (i + 1) / 1000.0 for i, v in enumerate(values)]
    latencies = [r - pure.send_time(v) for r, v in zip(received, reversed(values[::-1]))]
    summary = pure.latency_summary(latencies)
    assert summary["count"] == 1000
    assert summary["p50"] == pytest.approx(500, abs=1e-3)
    assert summary["p95"] == pytest.approx(950, abs=1e-3)
    assert summary["p99"] == pytest.approx(990, abs=1e-3)
    assert summary["p999"] == pytest.approx(999, abs=1e-3)
    assert summary["min"] == pytest.approx(1, abs=1e-3)
    assert summary["max"] == pytest.approx(1000, abs=1e-3)
    assert summary["mean"] == pytest.approx(500.5, abs=1e-3)
    assert pure.latency_summary([]) == {"count": 0}


def test_split_shares_evenly():
    assert pure.split(10, 3) == [4, 3, 3]
    assert sum(pure.split(1000001, 7)) == 1000001


def test_series_adds_up_per_second_with_latency_of_each_second():
    produced = [[100, 50], [10]]
    batches = [[(0.2, 3), (1.5, 2)], [(1.9, 1)]]
    latencies = [[0.001, 0.002, 0.003, 0.010, 0.020], [0.005]]
    rows = pure.series(2.0, produced, batches, latencies, record_size=1000)
    assert [(r["second"], r["produced"], r["consumed"]) for r in rows] == [(0, 110, 3),
                                                                           (1, 50, 3)]
    assert rows[0]["produced_mb"] == 0.11 and rows[1]["consumed_mb"] == 0.003
    assert rows[0]["latency_p50_ms"] == 2.0 and rows[0]["latency_max_ms"] == 3.0
    assert rows[1]["latency_p50_ms"] == 10.0 and rows[1]["latency_p99_ms"] == 20.0


@pytest.mark.parametrize("figures, name, met", [
    ({"producer_msg_s": 100000}, "producer_msg_s", True),    # at the limit: met
    ({"producer_msg_s": 99999.9}, "producer_msg_s", False),
    ({"consumer_mb_s": 5.0}, "consumer_mb_s", True),
    ({"latency_p50_ms": 9.99}, "latency_p50_ms", True),
    ({"latency_p50_ms": 10}, "latency_p50_ms", False),       # "below 10 ms": 10 is not
    ({"latency_p99_ms": 499}, "latency_p99_ms", True),
    ({}, "latency_p95_ms", None),                            # not measured
])
def test_targets_judged_against_the_seed(figures, name, met):
    verdict = pure.judge(figures)[name]
    assert verdict["met"] is met
    assert verdict["limit"] == pure.SEED_TARGETS[name]


def test_target_overrides_and_overall_verdict():
    figures = {"producer_msg_s": 2000, "latency_p99_ms": 40}
    verdicts = pure.judge(figures, {"producer_msg_s": 1000, "latency_p99_ms": 50})
    assert verdicts["producer_msg_s"]["met"] and verdicts["latency_p99_ms"]["met"]
    assert pure.targets_met(verdicts) is True
    assert pure.targets_met(pure.judge(figures)) is False
    assert pure.targets_met(pure.judge({})) is None


@pytest.mark.parametrize("change, words", [
    (dict(duration=0), "duration must be more than 0 seconds"),
    (dict(duration=-1), "duration must be more than 0 seconds"),
    (dict(acks="0"), "acks=0 with latency"),
    (dict(records=0), "records must be 1 or more"),
    (dict(producers=0, consumers=0, latency=False), "nothing to run"),
    (dict(consumers=0), "latency needs producers and consumers"),
    (dict(record_size=4), "record_size must be at least 8"),
    (dict(rate=-5), "rate must be 0"),
    (dict(key_distribution="uniform", key_count=0), "key_count must be 1 or more"),
    (dict(targets={"p99": 5}), "unknown target(s) p99"),
    (dict(targets={"latency_p99_ms": "fast"}), "target latency_p99_ms must be a number"),
    (dict(drain_timeout=0), "drain_timeout must be more than 0"),
])
def test_bad_input_refused_with_the_reason(change, words):
    problems = pure.check_input(dict(PARAMS, **change))
    assert any(words in p for p in problems), problems


def test_good_input_and_acks_0_without_latency_pass():
    assert pure.check_input(PARAMS) == []
    assert pure.check_input(dict(PARAMS, acks="0", latency=False)) == []
    assert pure.check_input(dict(PARAMS, producers=0, latency=False, records=10)) == []


def test_plots_without_matplotlib_refused_only_with_a_report():
    assert pure.check_input(dict(PARAMS, report="/tmp/r.json"), plotting_available=False)
    assert pure.check_input(PARAMS, plotting_available=False) == []
    assert pure.check_input(dict(PARAMS, report="/tmp/r.json", plots=False),
                            plotting_available=False) == []


def test_keys_follow_the_distribution():
    assert list(itertools.islice(run.key_source("none", 5, 1), 3)) == [None] * 3
    assert list(itertools.islice(run.key_source("sequential", 3, 1), 4)) == [
        b"key-0", b"key-1", b"key-2", b"key-0"]
    drawn = list(itertools.islice(run.key_source("uniform", 10, 7), 5000))
    assert set(drawn) == set(b"key-%d" % i for i in range(10))
    assert drawn == list(itertools.islice(run.key_source("uniform", 10, 7), 5000))


def test_producer_settings_follow_the_options():
    settings = run.producer_settings(dict(PARAMS, acks="1", compression="lz4", linger_ms=20,
                                          batch_size=65536,
                                          producer_config={"queue.buffering.max.ms": 7}))
    assert settings["acks"] == "1" and settings["compression.type"] == "lz4"
    assert settings["linger.ms"] == 20 and settings["batch.size"] == 65536
    assert settings["delivery.report.only.error"] is True
    assert settings["queue.buffering.max.ms"] == 7


def _raw(started=1000.0):
    lat = array("d", [0.002, 0.004, 0.006, 0.008])
    return {
        "started": started,
        ("producer", 0): {"sent": 4, "errors": 0, "unflushed": 0, "error_samples": [],
                          "per_second": [3, 1], "started": started, "ended": started + 2.0},
        ("consumer", 0): {"count": 4, "bytes": 400, "first": started + 0.5,
                          "last": started + 2.0, "errors": [], "latencies": lat.tobytes(),
                          "batch_times": array("d", [started + 0.5, started + 1.2]).tobytes(),
                          "batch_counts": [3, 1]},
    }


def test_report_shape_from_known_worker_results():
    report, latencies = run.summarize(dict(PARAMS, records=4), _raw())
    assert set(report) == {"workload", "produced", "consumed", "latency_ms", "series",
                           "targets", "targets_met"}
    assert report["produced"]["acknowledged"] == 4 and report["produced"]["msg_s"] == 2.0
    assert report["produced"]["mb_s"] == 0.0002
    assert report["consumed"]["records"] == 4 and report["consumed"]["msg_s"] == 2.0
    assert report["latency_ms"]["p50"] == 4.0 and report["latency_ms"]["max"] == 8.0
    assert [(r["produced"], r["consumed"]) for r in report["series"]] == [(3, 3), (1, 1)]
    assert report["targets"]["producer_msg_s"]["met"] is False
    assert report["targets"]["latency_p50_ms"]["met"] is True
    assert report["targets_met"] is False
    assert len(latencies) == 4
    json.dumps(report)  # plain data


def test_report_and_plots_written(tmp_path):
    report, latencies = run.summarize(PARAMS, _raw())
    path = str(tmp_path / "r" / "report.json")
    paths = pure.report_paths(path)
    assert paths["throughput"] == str(tmp_path / "r" / "report-throughput.png")
    pure.write_report(path, report)
    written = pure.write_plots(report, latencies, paths)
    assert written == [paths["throughput"], paths["latency"], paths["histogram"]]
    for png in written:
        with open(png, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(path) as handle:
        assert json.load(handle)["latency_ms"] == report["latency_ms"]


def test_progress_log_has_phases_and_interim_rates(tmp_path):
    # phase (clock, log line), interim (clock), interim (clock, line), close (clock, line)
    ticks = iter([0.0, 0.0, 1.0, 3.0, 3.0, 4.0, 4.0])
    progress = run.Progress(str(tmp_path / "p.log"), clock=lambda: next(ticks))
    progress.phase("producing")
    progress.interim(0, 0)
    progress.interim(500, 400)
    phases = progress.close()
    assert phases == [{"phase": "producing", "seconds": 4.0}]
    text = (tmp_path / "p.log").read_text()
    assert "phase producing" in text and "produced 500 (250 msg/s), consumed 400 (200 msg/s)" \
        in text


class _Stop(object):
    def is_set(self):
        return False


class _Counter(object):
    value = 0


class _Producer(object):
    def __init__(self):
        self.values = []
        self.full_once = True

    def produce(self, topic, value, key):
        if self.full_once and len(self.values) == 3:
            self.full_once = False
            raise BufferError()
        self.values.append((topic, value, key))

    def poll(self, timeout):
        return 0


@pytest.mark.parametrize("rate", [0, 200])
def test_produce_loop_stops_at_its_record_bound(rate):
    producer = _Producer()
    job = dict(record_size=20, key_distribution="sequential", key_count=2, seed=1,
               records=7, rate=rate)
    started = time.time()
    sent, per_second = run.produce_loop(producer, "t", job, started, started + 3600, _Stop(),
                                        _Counter())
    assert sent == len(producer.values) == 7 and sum(per_second) == 7
    assert all(len(value) == 20 and key in (b"key-0", b"key-1")
               for _t, value, key in producer.values)


def test_existing_topic_refuses_a_missing_topic_and_raises_other_errors():
    from confluent_kafka import KafkaError, KafkaException
    from ansible_collections.specweave.kafka.plugins.module_utils.kafka_librdkafka import (
        existing_topic)
    from ansible_collections.specweave.kafka.plugins.module_utils.runner import ModuleFailure

    class Topic(object):
        def __init__(self, error=None):
            self.error = error
            self.partitions = {0: None, 1: None}

    class Metadata(object):
        topics = {"there": Topic(), "missing": Topic(KafkaError(KafkaError.UNKNOWN_TOPIC_OR_PART)),
                  "denied": Topic(KafkaError(KafkaError.TOPIC_AUTHORIZATION_FAILED))}

    assert sorted(existing_topic(Metadata(), "there", ["b:9092"]).partitions) == [0, 1]
    for name in ("missing", "absent"):
        with pytest.raises(ModuleFailure, match="Topic '%s' does not exist on b:9092; create it "
                                                "first" % name):
            existing_topic(Metadata(), name, ["b:9092"])
    with pytest.raises(KafkaException):
        existing_topic(Metadata(), "denied", ["b:9092"])
