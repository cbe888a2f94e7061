# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-state logic of the ``kafka_topic`` module.

Pure functions (no broker needed, unit tested): topic name and batch validation, normalisation of
topic config values (booleans, numbers, durations such as ``7d`` and sizes such as ``1GiB``), the
difference between desired and current topics as data, rack-aware balanced replica placement for
replication-factor changes and chunking of CreateTopics under KRaft's per-request record limit.

``read_current`` and ``apply_plan`` talk to a kafka-python ``KafkaAdminClient``: one request per
Kafka API for the whole batch (CreateTopics/CreatePartitions chunked when needed).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

TOPIC_NAME_MAX_LENGTH = 249
TOPIC_NAME_RE = re.compile(r"^[a-zA-Z0-9._-]+$")
PROTECTED_TOPICS = frozenset(["__consumer_offsets", "__transaction_state", "_schemas",
                              "__share_group_state", "__cluster_metadata"])

# KRaft refuses a single request producing more than 10,000 metadata records
# (QuorumController MAX_RECORDS_PER_USER_OP). A topic costs one TopicRecord, one PartitionRecord
# per partition and one ConfigRecord per config; counting partitions x replicas instead of
# partitions over-estimates, and 9,000 leaves a margin on top.
RECORD_BUDGET = 9000
# Records assumed for a topic whose partitions or replication factor is the broker default.
DEFAULT_PARTITIONS_GUESS = 50
DEFAULT_RF_GUESS = 3

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


class TopicValidationError(Exception):
    """The batch is not applicable; ``problems`` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super(TopicValidationError, self).__init__("; ".join(self.problems))


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

def is_protected(name, is_internal=False):
    """Internal topics and every ``__*`` name are never changed without allow_internal_topics."""
    return bool(is_internal) or name in PROTECTED_TOPICS or name.startswith("__")


def collision_key(name):
    """Kafka metric names replace '.' with '_': two names equal after that collide."""
    return name.replace(".", "_")


def name_problem(name):
    """Return why ``name`` is not a legal topic name, or None."""
    if not isinstance(name, str) or not name:
        return "topic name must be a non-empty string, got %r" % (name,)
    if name in (".", ".."):
        return "topic name %r is not allowed ('.' and '..' are reserved)" % name
    if len(name) > TOPIC_NAME_MAX_LENGTH:
        return ("topic name %r... is %d characters long; the maximum is %d"
                % (name[:40], len(name), TOPIC_NAME_MAX_LENGTH))
    if not TOPIC_NAME_RE.match(name):
        bad = sorted(set(c for c in name if not re.match(r"[a-zA-Z0-9._-]", c)))
        return ("topic name %r contains illegal character(s) %s; use only ASCII letters, "
                "digits, '.', '_' and '-'" % (name, " ".join(repr(c) for c in bad)))
    return None


# ---------------------------------------------------------------------------------------------
# Config values
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Desired state from module parameters
# ---------------------------------------------------------------------------------------------

def desired_topics(params):
    """Turn module parameters into a list of desired topics; raise TopicValidationError.

    Each item: ``{name, state, partitions, replication_factor, config}`` where ``config`` maps
    key -> normalised string (or None = reset to default). Top-level ``partitions``,
    ``replication_factor``, ``config`` and ``state`` are defaults for the items of ``topics``.
    """
    problems = []
    defaults = dict(state=params.get("state") or "present",
                    partitions=params.get("partitions"),
                    replication_factor=params.get("replication_factor"),
                    config=params.get("config"))
    if params.get("name") is not None and params.get("topics") is not None:
        raise TopicValidationError(["name and topics are mutually exclusive: use name for one "
                                    "topic or topics for a list"])
    if params.get("name") is not None:
        items = [dict(name=params["name"])]
    elif params.get("topics") is not None:
        items = params["topics"]
    elif params.get("delete_undeclared"):
        items = []
    else:
        raise TopicValidationError(["one of name or topics is required"])

    result = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append("topics[%d] must be a mapping with at least a name, got %r"
                            % (index, item))
            continue
        name = item.get("name")
        where = "topic %r" % (name,) if isinstance(name, str) and name else "topics[%d]" % index
        problem = name_problem(name)
        if problem:
            problems.append(problem)
            continue
        state = item.get("state") or defaults["state"]
        if state not in ("present", "absent"):
            problems.append("%s: state must be present or absent, got %r" % (where, state))
            continue
        topic = dict(name=name, state=state, partitions=None, replication_factor=None, config={})
        for field in ("partitions", "replication_factor"):
            value = item.get(field)
            if value is None:
                value = defaults[field]
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                try:
                    value = int(str(value).strip()) if not isinstance(value, bool) else None
                except ValueError:
                    value = None
                if value is None:
                    problems.append("%s: %s must be an integer, got %r"
                                    % (where, field, item.get(field, defaults[field])))
                    continue
            if value < 1:
                problems.append("%s: %s must be at least 1, got %d" % (where, field, value))
                continue
            if field == "replication_factor" and value > 32767:
                problems.append("%s: replication_factor %d is larger than Kafka allows (32767)"
                                % (where, value))
                continue
            topic[field] = value
        config = dict(defaults["config"] or {})
        item_config = item.get("config")
        if item_config is not None and not isinstance(item_config, dict):
            problems.append("%s: config must be a mapping of topic config keys to values, got %r"
                            % (where, item_config))
            item_config = {}
        config.update(item_config or {})
        for key in sorted(config):
            if not isinstance(key, str) or not key:
                problems.append("%s: config key %r is not a string" % (where, key))
                continue
            try:
                topic["config"][key] = normalise_config_value(key, config[key])
            except ValueError as exc:
                problems.append("%s: config %s" % (where, exc))
        result.append(topic)
    if problems:
        raise TopicValidationError(problems)
    return result


def validate_batch(desired):
    """Problems visible without a broker: duplicates and '.'/'_' collisions inside the batch."""
    problems = []
    seen = {}
    by_collision = {}
    for topic in desired:
        name = topic["name"]
        if name in seen:
            problems.append("topic %r is declared more than once" % name)
            continue
        seen[name] = topic
        if topic["state"] != "present":
            continue
        key = collision_key(name)
        other = by_collision.get(key)
        if other is not None:
            problems.append("topics %r and %r collide: Kafka treats '.' and '_' alike in metric "
                            "names, so both cannot exist; rename one" % (other, name))
        else:
            by_collision[key] = name
    return problems


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


# ---------------------------------------------------------------------------------------------
# Current state
# ---------------------------------------------------------------------------------------------

def _field(item, key, default=None):
    """``key`` of a kafka-python answer item: a dict (public admin calls) or a response object
    (requests the module sends itself)."""
    if isinstance(item, dict):
        return item.get(key, default)
    return getattr(item, key, default)


def topic_state_from_metadata(meta):
    """Current topic from a Metadata answer item (None when it does not exist)."""
    if meta is None or _field(meta, "error_code") not in (0, None):
        return None
    assignment = {}
    leaders = {}
    isr = {}
    for part in _field(meta, "partitions") or []:
        index = _field(part, "partition_index")
        assignment[index] = list(_field(part, "replica_nodes") or [])
        leader = _field(part, "leader_id")
        leaders[index] = -1 if leader is None else leader
        isr[index] = list(_field(part, "isr_nodes") or assignment[index])
    rfs = set(len(r) for r in assignment.values())
    return dict(name=_field(meta, "name"), internal=bool(_field(meta, "is_internal")),
                partitions=len(assignment),
                replication_factor=max(rfs) if rfs else 0,
                uneven_replication=len(rfs) > 1,
                assignment=assignment, leaders=leaders, isr=isr)


def live_brokers_from_cluster(cluster):
    """{broker_id: rack} of the unfenced brokers in a describe_cluster answer."""
    return dict((b["broker_id"], b.get("rack")) for b in cluster.get("brokers") or []
                if not b.get("is_fenced"))


# ---------------------------------------------------------------------------------------------
# Replica placement
# ---------------------------------------------------------------------------------------------

def broker_load(assignments):
    """Count replicas and preferred leaderships per broker over {topic: {partition: replicas}}."""
    replicas = {}
    leaders = {}
    for assignment in assignments:
        for brokers in assignment.values():
            for position, broker in enumerate(brokers):
                replicas[broker] = replicas.get(broker, 0) + 1
                if position == 0:
                    leaders[broker] = leaders.get(broker, 0) + 1
    return replicas, leaders


def _pick(candidates, used_racks, brokers, load, partition, order):
    def score(broker):
        rack = brokers.get(broker)
        rack_used = rack is not None and rack in used_racks
        return (rack_used, load.get(broker, 0), (order.index(broker) - partition) % len(order))
    return min(candidates, key=score)


def place_replicas(assignment, brokers, target_rf, load=None, leader_load=None,
                   leaders=None, new_partitions=0):
    """New replica lists for one topic with ``target_rf`` replicas per partition.

    ``assignment`` {partition: [broker ids]} (current, preferred leader first), ``brokers``
    {broker_id: rack or None} of live brokers, ``load``/``leader_load`` {broker: count} updated
    in place so successive topics spread too, ``leaders`` {partition: current leader id}.
    Current replicas are kept (in order) when growing; when shrinking the current leader and
    the preferred leader are kept, replicas on dead brokers and on duplicated racks go first.
    ``new_partitions`` adds that many partitions after the existing ones, placed from scratch.
    Returns {partition: [broker ids]} for every partition (unchanged ones included).
    """
    if target_rf > len(brokers):
        raise ValueError("replication factor %d needs at least %d live brokers, only %d: %s"
                         % (target_rf, target_rf, len(brokers), sorted(brokers)))
    load = {} if load is None else load
    leader_load = {} if leader_load is None else leader_load
    leaders = leaders or {}
    order = sorted(brokers)
    result = {}
    for partition in sorted(assignment):
        current = list(assignment[partition])
        if len(current) < target_rf:
            chosen = list(current)
            while len(chosen) < target_rf:
                candidates = [b for b in order if b not in chosen]
                racks = set(brokers.get(b) for b in chosen if brokers.get(b) is not None)
                broker = _pick(candidates, racks, brokers, load, partition, order)
                chosen.append(broker)
                load[broker] = load.get(broker, 0) + 1
            result[partition] = chosen
        elif len(current) > target_rf:
            chosen = list(current)
            keep = set([current[0], leaders.get(partition, -1)])
            while len(chosen) > target_rf:
                def removal_score(broker):
                    rack = brokers.get(broker)
                    same_rack = rack is not None and sum(
                        1 for b in chosen if brokers.get(b) == rack) > 1
                    return (broker not in keep, broker not in brokers, same_rack,
                            load.get(broker, 0), broker)
                victim = max(chosen, key=removal_score)
                chosen.remove(victim)
                load[victim] = max(load.get(victim, 0) - 1, 0)
            result[partition] = chosen
        else:
            result[partition] = current
    start = max(assignment) + 1 if assignment else 0
    for partition in range(start, start + new_partitions):
        first = min(order, key=lambda b: (leader_load.get(b, 0), load.get(b, 0),
                                          (order.index(b) - partition) % len(order)))
        chosen = [first]
        leader_load[first] = leader_load.get(first, 0) + 1
        load[first] = load.get(first, 0) + 1
        while len(chosen) < target_rf:
            candidates = [b for b in order if b not in chosen]
            racks = set(brokers.get(b) for b in chosen if brokers.get(b) is not None)
            broker = _pick(candidates, racks, brokers, load, partition, order)
            chosen.append(broker)
            load[broker] = load.get(broker, 0) + 1
        result[partition] = chosen
    return result


def initial_replicas(target, current_rf, brokers, load):
    """Replicas to create a new partition with when the topic still has ``current_rf``."""
    if len(target) >= current_rf:
        return list(target[:current_rf])
    extra = [b for b in sorted(brokers, key=lambda b: (load.get(b, 0), b)) if b not in target]
    return list(target) + extra[:current_rf - len(target)]


# ---------------------------------------------------------------------------------------------
# Diff
# ---------------------------------------------------------------------------------------------

def _view(partitions, replication_factor, config):
    view = dict(partitions=partitions, replication_factor=replication_factor)
    view["config"] = dict(config)
    return view


def plan_changes(desired, current, configs, brokers, reset_undeclared_config=False,
                 allow_internal_topics=False, undeclared=None):
    """Compute every change as data; raise TopicValidationError when the batch cannot apply.

    ``current`` {name: topic_state_from_metadata(...) or None}, ``configs`` {name: {key:
    {"value", "config_source"}}} of existing topics, ``brokers`` {broker_id: rack} of live
    brokers (None when unknown), ``undeclared`` names to delete (exclusive mode).

    Returns a dict: ``topics`` (per topic: name, action created/updated/deleted/unchanged,
    changes [...], before, after), ``create`` {name: {num_partitions, replication_factor,
    configs}}, ``create_partitions`` {name: count or {count, assignments}}, ``alter_configs``
    {name: {key: value or None}}, ``reassign`` {name: {partition: [brokers]}}, ``delete`` [names].
    """
    problems = []
    plan = dict(topics=[], create={}, create_partitions={}, alter_configs={}, reassign={},
                delete=[])
    load, leader_load = broker_load(
        [c["assignment"] for c in current.values() if c is not None])
    live = len(brokers) if brokers is not None else None
    existing_by_collision = {}
    for name, state in current.items():
        if state is not None:
            existing_by_collision.setdefault(collision_key(name), name)

    for topic in desired:
        name = topic["name"]
        now = current.get(name)
        record = dict(name=name, action="unchanged", changes=[])
        if topic["state"] == "absent":
            if is_protected(name, now and now.get("internal")) and not allow_internal_topics:
                problems.append("topic %r is internal; it is never deleted unless "
                                "allow_internal_topics is true" % name)
                continue
            if now is not None:
                record.update(action="deleted", changes=["delete topic"],
                              before=_view(now["partitions"], now["replication_factor"],
                                           _current_values(configs.get(name, {}),
                                                           topic["config"])),
                              after={})
                plan["delete"].append(name)
            plan["topics"].append(record)
            continue

        rf = topic["replication_factor"]
        if rf is not None and live is not None and rf > live:
            problems.append("topic %r: replication_factor %d is larger than the %d live "
                            "broker(s) %s" % (name, rf, live, sorted(brokers)))
            continue

        if now is None:
            other = existing_by_collision.get(collision_key(name))
            if other is not None and other != name:
                problems.append("topic %r collides with existing topic %r ('.' and '_' are "
                                "equivalent in Kafka metric names); rename it" % (name, other))
                continue
            if is_protected(name) and not allow_internal_topics:
                problems.append("topic %r has an internal name ('__*' or _schemas); creating it "
                                "needs allow_internal_topics: true" % name)
                continue
            configs_to_set = dict((k, v) for k, v in topic["config"].items() if v is not None)
            plan["create"][name] = dict(
                num_partitions=topic["partitions"] if topic["partitions"] else -1,
                replication_factor=rf if rf else -1,
                configs=configs_to_set)
            record.update(action="created", changes=["create topic"], before={},
                          after=_view(topic["partitions"] or "(broker default)",
                                      rf or "(broker default)", configs_to_set))
            plan["topics"].append(record)
            continue

        # Existing topic: partitions, replication factor, config.
        protected = is_protected(name, now.get("internal")) and not allow_internal_topics
        changes = []
        before_cfg = {}
        after_cfg = {}
        alter = {}
        current_cfg = configs.get(name, {})
        for key, value in sorted(topic["config"].items()):
            entry = current_cfg.get(key)
            cur_value = entry.get("value") if entry else None
            is_dynamic = bool(entry) and entry.get("config_source") == "DYNAMIC_TOPIC_CONFIG"
            if value is None:
                before_cfg[key] = cur_value
                if is_dynamic:
                    alter[key] = None
                    after_cfg[key] = "(default)"
                    changes.append("config %s: %s -> (default)" % (key, cur_value))
                else:
                    after_cfg[key] = cur_value
                continue
            before_cfg[key] = cur_value
            after_cfg[key] = value
            if not same_config_value(key, cur_value, value):
                alter[key] = value
                changes.append("config %s: %s -> %s" % (key, cur_value, value))
        if reset_undeclared_config:
            for key in sorted(current_cfg):
                entry = current_cfg[key]
                if key in topic["config"] or entry.get("config_source") != "DYNAMIC_TOPIC_CONFIG":
                    continue
                alter[key] = None
                before_cfg[key] = entry.get("value")
                after_cfg[key] = "(default)"
                changes.append("config %s: %s -> (default), not declared"
                               % (key, entry.get("value")))

        want_partitions = topic["partitions"]
        grow = 0
        if want_partitions is not None and want_partitions != now["partitions"]:
            if want_partitions < now["partitions"]:
                problems.append("topic %r has %d partitions; decreasing to %d is not possible in "
                                "Kafka (it would lose data and break key ordering). Create a new "
                                "topic instead" % (name, now["partitions"], want_partitions))
                continue
            grow = want_partitions - now["partitions"]
            changes.append("partitions: %d -> %d" % (now["partitions"], want_partitions))

        reassign = {}
        if rf is not None and (rf != now["replication_factor"] or now["uneven_replication"]):
            if brokers is None:
                problems.append("topic %r: live brokers unknown, cannot change the replication "
                                "factor" % name)
                continue
            placed = place_replicas(now["assignment"], brokers, rf, load, leader_load,
                                    now["leaders"], new_partitions=grow)
            reassign = dict((p, r) for p, r in placed.items()
                            if p in now["assignment"] and r != now["assignment"][p])
            if grow:
                # The broker creates new partitions only with the current replication factor:
                # create them with (a prefix of, or a superset of) their target replicas, then
                # reassign them together with the existing ones.
                assignments = []
                for partition in sorted(p for p in placed if p not in now["assignment"]):
                    target = placed[partition]
                    initial = initial_replicas(target, now["replication_factor"], brokers, load)
                    assignments.append(initial)
                    if initial != target:
                        reassign[partition] = target
                plan["create_partitions"][name] = dict(count=want_partitions,
                                                       assignments=assignments)
            changes.append("replication_factor: %d -> %d" % (now["replication_factor"], rf))
        elif grow:
            plan["create_partitions"][name] = want_partitions

        if protected and (changes or alter):
            problems.append("topic %r is internal; it is never altered unless "
                            "allow_internal_topics is true (wanted: %s)"
                            % (name, "; ".join(changes)))
            plan["create_partitions"].pop(name, None)
            continue
        if alter:
            plan["alter_configs"][name] = alter
        if reassign:
            plan["reassign"][name] = reassign
        before = _view(now["partitions"], now["replication_factor"], before_cfg)
        after = _view(want_partitions or now["partitions"], rf or now["replication_factor"],
                      after_cfg)
        if reassign:
            before["replicas"] = dict((p, now["assignment"].get(p, [])) for p in sorted(reassign))
            after["replicas"] = dict((p, reassign[p]) for p in sorted(reassign))
        record.update(before=before, after=after)
        if changes:
            record.update(action="updated", changes=changes)
        plan["topics"].append(record)

    for name in sorted(undeclared or []):
        now = current.get(name)
        if is_protected(name, now.get("internal") if now else False) and not allow_internal_topics:
            continue
        plan["delete"].append(name)
        plan["topics"].append(dict(name=name, action="deleted",
                                   changes=["delete topic (not declared, inside undeclared_scope)"],
                                   before=_view(now["partitions"], now["replication_factor"], {})
                                   if now else {}, after={}))
    if problems:
        raise TopicValidationError(problems)
    return plan


def _current_values(current_cfg, declared):
    return dict((k, (current_cfg.get(k) or {}).get("value")) for k in sorted(declared))


def plan_is_empty(plan):
    return not (plan["create"] or plan["create_partitions"] or plan["alter_configs"]
                or plan["reassign"] or plan["delete"])


def in_scope(name, scope):
    """Whether ``name`` is inside the exclusive-mode scope {prefix: ..} or {pattern: ..}."""
    if scope.get("prefix"):
        return name.startswith(scope["prefix"])
    return re.match("(?:%s)\\Z" % scope["pattern"], name) is not None


def scope_problems(params):
    if not params.get("delete_undeclared"):
        return []
    scope = params.get("undeclared_scope") or {}
    prefix, pattern = scope.get("prefix"), scope.get("pattern")
    if bool(prefix) == bool(pattern):
        return ["delete_undeclared needs undeclared_scope with exactly one of prefix or pattern "
                "(for example undeclared_scope: {prefix: 'orders.'}); only topics inside it are "
                "deleted"]
    if pattern:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            return ["undeclared_scope.pattern %r is not a valid regular expression: %s"
                    % (pattern, exc)]
        if compiled.match("") is not None and compiled.pattern in ("", ".*", ".+", "^.*$"):
            return ["undeclared_scope.pattern %r matches every topic; give a narrower pattern"
                    % pattern]
    return []


# ---------------------------------------------------------------------------------------------
# Chunking
# ---------------------------------------------------------------------------------------------

def create_record_cost(spec):
    """Conservative count of KRaft records for creating one topic."""
    partitions = spec.get("num_partitions", -1)
    rf = spec.get("replication_factor", -1)
    partitions = partitions if partitions and partitions > 0 else DEFAULT_PARTITIONS_GUESS
    rf = rf if rf and rf > 0 else DEFAULT_RF_GUESS
    return 1 + partitions * rf + len(spec.get("configs") or {})


def chunk_by_cost(items, cost, budget=RECORD_BUDGET):
    """Split [(key, value)] into lists whose summed ``cost(value)`` stays within ``budget``."""
    chunks = []
    current = []
    used = 0
    for key, value in items:
        weight = cost(value)
        if current and used + weight > budget:
            chunks.append(current)
            current, used = [], 0
        current.append((key, value))
        used += weight
    if current:
        chunks.append(current)
    return chunks


def partition_record_cost(spec, replication_factor=DEFAULT_RF_GUESS, existing=0):
    count = spec["count"] if isinstance(spec, dict) else spec
    return 1 + max(count - existing, 1) * replication_factor


# ---------------------------------------------------------------------------------------------
# Talking to the broker
# ---------------------------------------------------------------------------------------------

# From version 5 a CreateTopics answer carries every config of every new topic (about 30 each),
# which kafka-python decodes and post-processes; the module only reads the error codes.
CREATE_TOPICS_MAX_VERSION = 4


def create_topics(admin, topics, timeout_ms, validate_only=False):
    """CreateTopics for ``topics`` {name: {num_partitions, replication_factor, configs}}.

    Returns [{name, error_code, error_message}] without raising for per-topic errors. Sent at
    protocol version 4 at most, through the same path kafka-python's ``create_topics`` uses
    (the controller, retried once on NOT_CONTROLLER): the configs the broker echoes from
    version 5 cost, for 1,000 topics, 0.3-0.4 s of client CPU and 0.4-0.8 s in all per request.
    Falls back to the public ``create_topics`` if those internals are missing.
    """
    request = _create_topics_request(admin, topics, timeout_ms, validate_only)
    if request is None:
        response = admin.create_topics(topics, timeout_ms=timeout_ms,
                                       validate_only=validate_only, raise_errors=False)
        return [dict(name=item["name"], error_code=item.get("error_code"),
                     error_message=item.get("error_message"))
                for item in response.get("topics", [])]
    from kafka import errors as kafka_errors

    def errors(response):
        return [kafka_errors.for_code(topic.error_code) for topic in response.topics]
    response = admin._manager.run(admin._send_request_to_controller, request, errors, False)
    return [dict(name=topic.name, error_code=topic.error_code,
                 error_message=getattr(topic, "error_message", None))
            for topic in response.topics]


def _create_topics_request(admin, topics, timeout_ms, validate_only):
    manager = getattr(admin, "_manager", None)
    if manager is None or not hasattr(admin, "_send_request_to_controller"):
        return None
    if getattr(manager, "broker_version", None) is None or manager.broker_version < (2, 4):
        return None
    try:
        from kafka.protocol.admin import CreateTopicsRequest
        topic_type = CreateTopicsRequest.CreatableTopic
        assignment_type = topic_type.CreatableReplicaAssignment
        config_type = topic_type.CreatableTopicConfig
    except (ImportError, AttributeError):
        return None
    creatable = []
    for name, spec in topics.items():
        assignments = sorted((spec.get("assignments") or {}).items())
        configs = sorted((spec.get("configs") or {}).items())
        creatable.append(topic_type(
            name=name,
            num_partitions=spec.get("num_partitions", -1),
            replication_factor=spec.get("replication_factor", -1),
            assignments=[assignment_type(partition_index=partition, broker_ids=replicas)
                         for partition, replicas in assignments],
            configs=[config_type(name=key, value=value) for key, value in configs]))
    return CreateTopicsRequest(
        topics=creatable, timeout_ms=timeout_ms, validate_only=validate_only,
        max_version=CREATE_TOPICS_MAX_VERSION)


def _error_text(code, message):
    from kafka import errors as kafka_errors
    error = kafka_errors.for_code(code)
    return "%s: %s" % (error.__name__, message or getattr(error, "description", ""))


def read_current(admin, names, config_keys, need_brokers, all_configs=False):
    """Metadata for the named topics, DescribeConfigs for them and, when replicas may have to be
    placed, DescribeCluster: one request each, sent at once (see ``_read_at_once``).

    ``config_keys`` {name: [keys]} restricts DescribeConfigs to the managed keys unless
    ``all_configs``. Configs are asked for every named topic, not only the existing ones, so
    that the request need not wait for the Metadata answer: the broker answers a topic that does
    not exist with an error for that topic alone, and its (empty) entry is dropped here.
    Returns (current {name: state or None}, configs, brokers or None).
    """
    from kafka.admin import ConfigResource
    current = dict((name, None) for name in names)
    resources = []
    for name in names:
        keys = None if all_configs else sorted(config_keys.get(name) or [])
        if keys != []:
            resources.append(ConfigResource("TOPIC", name, keys))
    topics, described, cluster = _read_at_once(admin, list(names), resources, need_brokers)
    for meta in topics:
        name = _field(meta, "name")
        if name in current:
            current[name] = topic_state_from_metadata(meta)
    brokers = live_brokers_from_cluster(cluster) if need_brokers else None
    configs = dict((name, value) for name, value in described.get("topic", {}).items()
                   if current.get(name) is not None)
    return current, configs, brokers


def _read_at_once(admin, names, resources, need_brokers):
    """(Metadata topics, describe_configs answer, describe_cluster answer or None).

    The three requests are independent, so they are sent together on the admin client's event
    loop and the broker answers one while the client decodes another: for 1,000 topics the reads
    of a no-op take 0.2-0.27 s instead of 0.23-0.44 s one after the other. The Metadata request
    leaves out the authorized operations kafka-python's ``describe_topics`` asks for (the module
    does not read them) and its answer is read as it comes, not copied into dicts. Falls back to
    the public calls, one after the other, if the client's internals are not there.
    """
    manager = getattr(admin, "_manager", None)
    internals = ("_async_describe_configs", "_describe_cluster")
    if manager is None or not all(hasattr(manager, attr) for attr in ("call_soon", "run", "send")) \
            or not all(hasattr(admin, attr) for attr in internals):
        topics = admin.describe_topics(names) if names else []
        described = admin.describe_configs(resources, config_filter="all") if resources else {}
        return topics, described, admin.describe_cluster() if need_brokers else None
    from kafka.protocol.metadata import MetadataRequest

    async def metadata():
        topic = MetadataRequest.MetadataRequestTopic
        request = MetadataRequest(topics=[topic(name=name) for name in names],
                                  allow_auto_topic_creation=False,
                                  include_cluster_authorized_operations=False,
                                  include_topic_authorized_operations=False)
        response = await manager.send(request)
        return response.topics

    async def together():
        futures = {}
        if names:
            futures["topics"] = manager.call_soon(metadata)
        if resources:
            futures["configs"] = manager.call_soon(admin._async_describe_configs, resources,
                                                   False, "all")
        if need_brokers:
            futures["cluster"] = manager.call_soon(admin._describe_cluster)
        answers = {}
        for key, future in futures.items():
            answers[key] = await future
        return answers.get("topics", []), answers.get("configs", {}), answers.get("cluster")
    return manager.run(together)


def _outcome(outcomes, name, step, error):
    entry = outcomes.setdefault(name, {"failed": []})
    if error:
        entry["failed"].append("%s: %s" % (step, error))


def broker_validation(admin, plan, timeout_ms, include_configs=True):
    """validate_only CreateTopics / CreatePartitions / IncrementalAlterConfigs for the batch.

    The broker checks what only it knows (collisions with existing names, config values,
    placement policies) before anything is applied. Returns a list of problems.
    """
    problems = []
    for chunk in chunk_by_cost(sorted(plan["create"].items()), create_record_cost):
        for item in create_topics(admin, dict(chunk), timeout_ms, validate_only=True):
            if item.get("error_code") == 36:  # TOPIC_ALREADY_EXISTS, yet Metadata did not list it
                problems.append("topic %r already exists on the controller but the broker does "
                                "not list it yet (its creation is still being published); re-run "
                                "in a moment" % item["name"])
            elif item.get("error_code"):
                problems.append("topic %r cannot be created: %s" % (
                    item["name"], _error_text(item["error_code"], item.get("error_message"))))
    if plan["create_partitions"]:
        response = admin.create_partitions(plan["create_partitions"], timeout_ms=timeout_ms,
                                           validate_only=True, raise_errors=False)
        for item in response.results:
            if item.error_code:
                problems.append("topic %r cannot get more partitions: %s" % (
                    item.name, _error_text(item.error_code, item.error_message)))
    if plan["alter_configs"] and include_configs:
        for name, result in _alter_configs(admin, plan["alter_configs"], True).items():
            if result != "OK":
                problems.append("topic %r config cannot be changed: %s" % (name, result))
    return problems


def _alter_configs(admin, alter, validate_only=False):
    from kafka.admin import ConfigResource
    from kafka.admin._configs import AlterConfigOp
    resources = []
    for name in sorted(alter):
        ops = dict((key, (AlterConfigOp.DELETE, None) if value is None else (AlterConfigOp.SET, value))
                   for key, value in alter[name].items())
        resources.append(ConfigResource("TOPIC", name, ops))
    response = admin.alter_configs(resources, validate_only=validate_only,
                                   raise_on_unknown=False, incremental=True)
    return response.get("topic", {})


def apply_plan(admin, plan, timeout_ms, reassignment_timeout=300, progress=None, warnings=None):
    """Apply the plan; return {name: {"failed": [...]}} and the reassignment report.

    Steps in order: create (then wait until the new topics have leaders in the metadata, so the
    next task can use them), add partitions, alter configs, reassign (and wait), delete. A topic
    whose earlier step failed is skipped by later steps.
    """
    outcomes = dict((t["name"], {"failed": []}) for t in plan["topics"])

    def failed(name):
        return bool(outcomes.get(name, {}).get("failed"))

    for chunk in chunk_by_cost(sorted(plan["create"].items()), create_record_cost):
        answered = set()
        for item in create_topics(admin, dict(chunk), timeout_ms):
            answered.add(item["name"])
            if item.get("error_code"):
                _outcome(outcomes, item["name"], "create",
                         _error_text(item["error_code"], item.get("error_message")))
        for name, _spec in chunk:
            if name not in answered:
                _outcome(outcomes, name, "create", "no answer from the broker")

    created = [name for name in sorted(plan["create"]) if not failed(name)]
    if created:
        waiting = wait_for_leaders(admin, created, timeout_ms / 1000.0)
        if waiting and warnings is not None:
            warnings.append("%d topic(s) were created but the broker does not list a leader for "
                            "every partition yet after %ss (first: %s)"
                            % (len(waiting), timeout_ms / 1000.0, ", ".join(waiting[:5])))

    grow = dict((n, s) for n, s in plan["create_partitions"].items() if not failed(n))
    if grow:
        response = admin.create_partitions(grow, timeout_ms=timeout_ms, raise_errors=False)
        for item in response.results:
            if item.error_code:
                _outcome(outcomes, item.name, "create partitions",
                         _error_text(item.error_code, item.error_message))

    alter = dict((n, c) for n, c in plan["alter_configs"].items() if not failed(n))
    if alter:
        for name, result in _alter_configs(admin, alter).items():
            if result != "OK":
                _outcome(outcomes, name, "alter config", result)

    report = None
    reassign = dict((n, a) for n, a in plan["reassign"].items() if not failed(n))
    if reassign:
        report = reassign_and_wait(admin, reassign, outcomes, reassignment_timeout, progress)

    delete = [n for n in plan["delete"] if not failed(n)]
    if delete:
        response = admin.delete_topics(delete, timeout_ms=timeout_ms, raise_errors=False)
        for item in response.get("topics", []):
            if item.get("error_code"):
                _outcome(outcomes, item["name"], "delete",
                         _error_text(item["error_code"], item.get("error_message")))
    return outcomes, report


def wait_for_leaders(admin, names, timeout):
    """Poll Metadata for the topics still pending until each partition has a leader.

    New topics are committed by the controller before the brokers publish them; waiting here
    means the next task (or a re-run) sees them. Returns the names still not ready.
    """
    pending = list(names)
    started = time.time()
    delay = 0.05
    while pending:
        ready = set()
        for meta in admin.describe_topics(pending):
            partitions = meta.get("partitions") or []
            if meta.get("error_code") == 0 and partitions and all(
                    p.get("leader_id", -1) >= 0 for p in partitions):
                ready.add(meta["name"])
        pending = [name for name in pending if name not in ready]
        if not pending or time.time() - started > timeout:
            break
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
    return pending


def reassign_and_wait(admin, reassign, outcomes, timeout, progress=None):
    """AlterPartitionReassignments for the batch, then poll until done or ``timeout`` seconds."""
    from kafka.structs import TopicPartition
    requested = {}
    for name in sorted(reassign):
        for partition, replicas in sorted(reassign[name].items()):
            requested[TopicPartition(name, int(partition))] = list(replicas)
    started = time.time()
    accepted = []
    for tp, error in sorted(admin.alter_partition_reassignments(requested).items()):
        if error is None:
            accepted.append(tp)
        else:
            _outcome(outcomes, tp.topic, "reassign partition %d" % tp.partition, error.__name__)
    pending, history = poll_reassignments(admin, accepted, timeout, started, progress)
    for tp in pending:
        _outcome(outcomes, tp.topic, "reassign partition %d" % tp.partition,
                 "still in progress after %ss (it continues in the background; re-run to wait "
                 "again or raise reassignment_timeout)" % timeout)
    return dict(partitions=len(requested), completed=len(accepted) - len(pending),
                pending=["%s-%d" % (tp.topic, tp.partition) for tp in pending],
                seconds=round(time.time() - started, 1), progress=history[-20:])


def poll_reassignments(admin, partitions, timeout, started=None, progress=None):
    """Poll ListPartitionReassignments until none of ``partitions`` is moving or ``timeout``.

    Returns (partitions still moving, progress history).
    """
    started = time.time() if started is None else started
    pending = list(partitions)
    delay = 0.2
    history = []
    while pending:
        ongoing = admin.list_partition_reassignments(pending)
        pending = [tp for tp in pending if tp in ongoing]
        history.append(dict(seconds=round(time.time() - started, 1),
                            done=len(partitions) - len(pending), pending=len(pending)))
        if progress:
            progress(history[-1])
        if not pending or time.time() - started > timeout:
            break
        time.sleep(delay)
        delay = min(delay * 1.5, 5.0)
    return pending, history


def suspect_partitions(desired, current):
    """Partitions of RF-managed topics whose ISR differs from the replicas (maybe moving)."""
    from kafka.structs import TopicPartition
    suspects = []
    for topic in desired:
        state = current.get(topic["name"])
        if topic["state"] != "present" or not topic["replication_factor"] or state is None:
            continue
        for partition, replicas in state["assignment"].items():
            if set(replicas) != set(state["isr"].get(partition, replicas)):
                suspects.append(TopicPartition(topic["name"], partition))
    return suspects


def apply_ongoing(current, ongoing):
    """Replace replicas of partitions being reassigned by their target (minus removing)."""
    for tp, info in ongoing.items():
        state = current.get(tp.topic)
        if state is None:
            continue
        removing = set(info.get("removing_replicas") or [])
        state["assignment"][tp.partition] = [b for b in info["replicas"] if b not in removing]
        rfs = set(len(r) for r in state["assignment"].values())
        state["replication_factor"] = max(rfs)
        state["uneven_replication"] = len(rfs) > 1
