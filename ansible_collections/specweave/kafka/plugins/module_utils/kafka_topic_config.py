# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Topic configuration values of ``kafka_topic``: the keys Kafka 4.x knows and their types, and
the normalisation of a value (booleans, numbers, durations such as ``7d``, sizes such as ``1GiB``)
to the canonical string the broker reports, so that re-runs compare equal values as equal.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Topic-level configuration keys of Apache Kafka 4.x and the type of their values.
BOOL, DURATION, LONG, BYTES, INT, DOUBLE, LIST, STRING = (
    "boolean", "duration", "long", "bytes", "int", "double", "list", "string")
TOPIC_CONFIG_TYPES = {
    "cleanup.policy": LIST,
    "compression.gzip.level": INT,
    "compression.lz4.level": INT,
    "compression.type": STRING,
    "compression.zstd.level": INT,
    "delete.retention.ms": DURATION,
    "file.delete.delay.ms": DURATION,
    "flush.messages": LONG,
    "flush.ms": DURATION,
    "follower.replication.throttled.replicas": LIST,
    "index.interval.bytes": BYTES,
    "leader.replication.throttled.replicas": LIST,
    "local.retention.bytes": BYTES,
    "local.retention.ms": DURATION,
    "max.compaction.lag.ms": DURATION,
    "max.message.bytes": BYTES,
    "message.timestamp.after.max.ms": DURATION,
    "message.timestamp.before.max.ms": DURATION,
    "message.timestamp.type": STRING,
    "min.cleanable.dirty.ratio": DOUBLE,
    "min.compaction.lag.ms": DURATION,
    "min.insync.replicas": INT,
    "preallocate": BOOL,
    "remote.log.copy.disable": BOOL,
    "remote.log.delete.on.disable": BOOL,
    "remote.storage.enable": BOOL,
    "retention.bytes": BYTES,
    "retention.ms": DURATION,
    "segment.bytes": BYTES,
    "segment.index.bytes": BYTES,
    "segment.jitter.ms": DURATION,
    "segment.ms": DURATION,
    "unclean.leader.election.enable": BOOL,
}
# Keys removed in Kafka 4.0: a clear hint instead of "unknown key".
REMOVED_TOPIC_CONFIGS = {
    "message.format.version": "removed in Kafka 4.0 (only the v2 record format remains)",
    "message.downconversion.enable": "removed in Kafka 4.0",
    "message.timestamp.difference.max.ms": "removed in Kafka 4.0; use "
                                           "message.timestamp.before.max.ms and "
                                           "message.timestamp.after.max.ms",
}
SORTED_LISTS = frozenset(["cleanup.policy"])
# Values the broker accepts for enumerated keys (checked locally, before anything is applied).
ALLOWED_VALUES = {
    "cleanup.policy": frozenset(["compact", "delete"]),
    "compression.type": frozenset(["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]),
    "message.timestamp.type": frozenset(["CreateTime", "LogAppendTime"]),
}

DURATION_UNITS = {"ms": 1, "s": 1000, "m": 60000, "min": 60000, "h": 3600000,
                  "d": 86400000, "w": 604800000}
BYTE_UNITS = {"b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1024 ** 2, "mb": 1000 ** 2,
              "mib": 1024 ** 2, "g": 1024 ** 3, "gb": 1000 ** 3, "gib": 1024 ** 3,
              "t": 1024 ** 4, "tb": 1000 ** 4, "tib": 1024 ** 4}
TRUE_WORDS = frozenset(["true", "yes", "on", "1"])
FALSE_WORDS = frozenset(["false", "no", "off", "0"])
_UNIT_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_INT_RE = re.compile(r"^\s*[-+]?\d+\s*$")


def _number_with_unit(key, value, units, kind):
    if isinstance(value, bool):
        raise ValueError("%s expects %s, got boolean %r" % (key, kind, value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != int(value):
            raise ValueError("%s expects a whole %s, got %r" % (key, kind, value))
        return int(value)
    if not isinstance(value, str):
        raise ValueError("%s expects %s, got %s %r" % (key, kind, type(value).__name__, value))
    match = _UNIT_RE.match(value)
    if not match:
        raise ValueError("%s expects %s, got %r" % (key, kind, value))
    number, unit = match.group(1), match.group(2).lower()
    if unit and unit not in units:
        raise ValueError("%s: unknown unit %r in %r; use one of %s"
                         % (key, match.group(2), value, ", ".join(sorted(units))))
    scaled = float(number) * units.get(unit, 1) if "." in number else int(number) * units.get(unit, 1)
    if scaled != int(scaled):
        raise ValueError("%s: %r is not a whole number of %s" % (key, value, kind))
    return int(scaled)


def normalise_config_value(key, value):
    """Canonical string for a topic config value; raise ValueError when it is not acceptable."""
    text = _normalise(key, value)
    allowed = ALLOWED_VALUES.get(key)
    if text is not None and allowed is not None:
        items = text.split(",") if key in SORTED_LISTS else [text]
        bad = [item for item in items if item not in allowed]
        if bad or not items or items == [""]:
            raise ValueError("%s: %r is not one of %s" % (key, value, ", ".join(sorted(allowed))))
    if text is not None and key == "min.cleanable.dirty.ratio" and not 0 <= float(text) <= 1:
        raise ValueError("%s must be between 0 and 1, got %r" % (key, value))
    return text


def _normalise(key, value):
    """Canonical string for a topic config value, the form the broker reports.

    ``None`` stays ``None`` (reset the key to its default). Raises ValueError naming the key
    and the problem when the value does not fit the key's type.
    """
    if value is None:
        return None
    kind = TOPIC_CONFIG_TYPES.get(key, STRING)
    if isinstance(value, (dict,)):
        raise ValueError("%s expects a single value, got a mapping" % key)
    if kind == BOOL:
        if isinstance(value, bool):
            return "true" if value else "false"
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return "true"
        if text in FALSE_WORDS:
            return "false"
        raise ValueError("%s expects a boolean (true/false), got %r" % (key, value))
    if kind == DURATION:
        return str(_number_with_unit(key, value, DURATION_UNITS,
                                     "milliseconds (an integer, -1, or a duration like 7d, 12h)"))
    if kind == BYTES:
        return str(_number_with_unit(key, value, BYTE_UNITS,
                                     "bytes (an integer, -1, or a size like 512MiB, 1GiB)"))
    if kind in (INT, LONG):
        if isinstance(value, bool) or isinstance(value, float) and value != int(value):
            raise ValueError("%s expects an integer, got %r" % (key, value))
        if isinstance(value, (int, float)):
            return str(int(value))
        if isinstance(value, str) and _INT_RE.match(value):
            return str(int(value))
        raise ValueError("%s expects an integer, got %r" % (key, value))
    if kind == DOUBLE:
        if isinstance(value, bool):
            raise ValueError("%s expects a number, got %r" % (key, value))
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError("%s expects a number, got %r" % (key, value))
        return repr(number)
    if kind == LIST:
        if isinstance(value, (list, tuple)):
            items = [str(item).strip() for item in value]
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            items = [item.strip() for item in str(value).split(",")]
        else:
            raise ValueError("%s expects a list or a comma separated string, got %r" % (key, value))
        items = [item for item in items if item]
        if key in SORTED_LISTS:
            items = sorted(set(item.lower() for item in items))
        return ",".join(items)
    if isinstance(value, bool):
        if key in TOPIC_CONFIG_TYPES:
            raise ValueError("%s expects a string, got boolean %r" % (key, value))
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(item).strip() for item in value)
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    text = str(value).strip()
    if key == "compression.type":
        text = text.lower()
    return text


def same_config_value(key, current, desired):
    """Compare a broker-reported value with a normalised desired one (no phantom diffs)."""
    if current == desired:
        return True
    if current is None or desired is None:
        return False
    try:
        return normalise_config_value(key, current) == desired
    except ValueError:
        return False


def unknown_config_problems(desired, known_keys):
    problems = []
    for topic in desired:
        if topic["state"] != "present":
            continue
        for key in sorted(topic["config"]):
            if key in known_keys:
                continue
            if key in REMOVED_TOPIC_CONFIGS:
                problems.append("topic %r: config key %r is %s" % (
                    topic["name"], key, REMOVED_TOPIC_CONFIGS[key]))
                continue
            close = [k for k in sorted(known_keys) if k.replace(".", "") == key.replace(".", "")
                     .replace("_", "").replace("-", "")]
            hint = " (did you mean %r?)" % close[0] if close else ""
            problems.append("topic %r: unknown topic config key %r%s. Valid keys: see "
                            "https://kafka.apache.org/documentation/#topicconfigs"
                            % (topic["name"], key, hint))
    return problems
