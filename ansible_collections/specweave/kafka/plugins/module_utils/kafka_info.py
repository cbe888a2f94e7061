# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of ``kafka_info``: turn admin API answers into a report that is easy to assert on.

The ``summarize_*``/``select_*``/``evaluate_health`` functions are pure (unit tested without a
broker); ``collect`` drives the admin client, one request per Kafka API; ``InfoResource`` is
the module's read-only declaration on the runner.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.specweave.kafka.plugins.module_utils import azure_event_hubs_kafka as event_hubs
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import (
    describe_error,
    kafka_errors,
    split_servers,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)

GATHER_CHOICES = ["all", "brokers", "topics", "configs", "consumer_groups", "quorum"]
DEFAULT_GATHER = ["brokers", "topics", "quorum"]
# Topics the broker itself manages; shown only with include_internal.
INTERNAL_PREFIX = "__"
# Kafka does not mark these as internal, but operators treat them so.
INTERNAL_TOPICS = frozenset(["_schemas", "_confluent-license", "__consumer_offsets",
                             "__transaction_state", "__share_group_state"])
# Config sources that mean "nobody set this": dropped unless configs_include_defaults.
DEFAULT_CONFIG_SOURCES = frozenset(["DEFAULT_CONFIG", "STATIC_BROKER_CONFIG",
                                    "DYNAMIC_DEFAULT_BROKER_CONFIG", "DYNAMIC_BROKER_CONFIG",
                                    "UNKNOWN"])
UNKNOWN_TOPIC_ERROR = 3


def resolve_gather(gather):
    """Expand ``gather`` (``all``; ``configs`` needs ``topics``) into a set of subsets."""
    wanted = set(gather or DEFAULT_GATHER)
    if "all" in wanted:
        wanted = set(GATHER_CHOICES) - set(["all"])
    if "configs" in wanted:
        wanted.add("topics")
    return wanted


def validate_params(params):
    """Problems with the kafka_info options, each saying how to fix it."""
    problems = []
    pattern = params.get("topic_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.append("topic_pattern %r is not a valid regular expression (%s); for "
                            "example 'orders\\..*'" % (pattern, exc))
    for name in params.get("topics") or []:
        if not name or not name.strip():
            problems.append("topics contains an empty name")
    expected = params.get("expected_brokers")
    if expected is not None and expected < 1:
        problems.append("expected_brokers must be 1 or more, got %s" % expected)
    for name in ("quorum_max_lag_ms", "quorum_max_lag"):
        value = params.get(name)
        if value is not None and value < 0:
            problems.append("%s must be 0 or more, got %s" % (name, value))
    for name in ("require_brokers", "require_voters"):
        bad = [i for i in params.get(name) or [] if i < 0]
        if bad:
            problems.append("%s holds node ids, 0 or more; got %s"
                            % (name, ", ".join(str(i) for i in bad)))
    wanted = resolve_gather(params.get("gather"))
    if params.get("require_brokers") and "brokers" not in wanted:
        problems.append("require_brokers needs the brokers: add brokers to gather")
    if params.get("require_voters") and "quorum" not in wanted:
        problems.append("require_voters needs the quorum: add quorum to gather")
    if params.get("quorum_max_lag") is not None and "quorum" not in wanted:
        problems.append("quorum_max_lag needs the quorum: add quorum to gather")
    if params.get("wait"):
        if (params.get("wait_timeout") or 0) < 1:
            problems.append("wait_timeout must be 1 second or more, got %s"
                            % params.get("wait_timeout"))
        interval = params.get("wait_interval")
        if interval is None or not 0 < interval <= 60:
            problems.append("wait_interval must be more than 0 and at most 60 seconds, got %s"
                            % interval)
    return problems


def is_internal(name, flagged=False):
    return bool(flagged) or name.startswith(INTERNAL_PREFIX) or name in INTERNAL_TOPICS


def topic_filter(names=None, prefix=None, pattern=None, include_internal=False):
    """Return a predicate ``(name, internal_flag) -> bool`` for the topic filters.

    Names given explicitly are always selected (even internal ones); prefix and pattern
    (matched against the whole name) narrow the rest; internal topics need include_internal.
    """
    explicit = set(names or [])
    regex = re.compile(pattern) if pattern is not None else None

    def wanted(name, flagged=False):
        if name in explicit:
            return True
        if explicit and prefix is None and regex is None:
            return False
        if not include_internal and is_internal(name, flagged):
            return False
        if prefix is not None and not name.startswith(prefix):
            return False
        if regex is not None and not regex.fullmatch(name):
            return False
        return True

    return wanted


def metadata_request_topics(names=None, prefix=None, pattern=None):
    """Topic names to ask metadata for: only the named ones, or None (all) for prefix/pattern."""
    if names and prefix is None and pattern is None:
        return sorted(set(names))
    return None


def summarize_brokers(cluster):
    """Brokers of a DescribeCluster answer, sorted by id."""
    brokers = []
    for broker in cluster.get("brokers") or []:
        broker_id = broker.get("broker_id", broker.get("node_id"))
        brokers.append(dict(id=broker_id, host=broker.get("host"), port=broker.get("port"),
                            rack=broker.get("rack"), fenced=bool(broker.get("is_fenced"))))
    return sorted(brokers, key=lambda b: b["id"])


def summarize_partition(partition, live_broker_ids, min_isr=None):
    replicas = list(partition.get("replica_nodes") or [])
    isr = list(partition.get("isr_nodes") or [])
    leader = partition.get("leader_id")
    if leader is None:
        leader = -1
    offline = leader < 0 or (live_broker_ids is not None and leader not in live_broker_ids)
    result = dict(
        partition=partition.get("partition_index"),
        leader=leader,
        replicas=replicas,
        isr=isr,
        offline_replicas=list(partition.get("offline_replicas") or []),
        under_replicated=len(isr) < len(replicas),
        offline=offline,
    )
    if min_isr is not None:
        result["under_min_isr"] = len(isr) < min_isr
    return result


def summarize_topic(topic, live_broker_ids, min_isr=None):
    """One topic of a Metadata answer: partitions sorted, replication state counted."""
    partitions = sorted((summarize_partition(p, live_broker_ids, min_isr)
                         for p in topic.get("partitions") or []),
                        key=lambda p: p["partition"])
    factors = set(len(p["replicas"]) for p in partitions)
    result = dict(
        name=topic["name"],
        topic_id=str(topic["topic_id"]) if topic.get("topic_id") else None,
        internal=is_internal(topic["name"], topic.get("is_internal")),
        partition_count=len(partitions),
        replication_factor=max(factors) if factors else 0,
        partitions=partitions,
        under_replicated_partitions=sum(1 for p in partitions if p["under_replicated"]),
        offline_partitions=sum(1 for p in partitions if p["offline"]),
    )
    if min_isr is not None:
        result["min_insync_replicas"] = min_isr
        result["under_min_isr_partitions"] = sum(1 for p in partitions if p["under_min_isr"])
    return result


def split_metadata(topics):
    """Split Metadata topics into (present, missing names, {name: error}) by error code."""
    present, missing, errors = [], [], {}
    for topic in topics:
        code = topic.get("error_code") or 0
        if code == UNKNOWN_TOPIC_ERROR:
            missing.append(topic["name"])
        elif code and not topic.get("partitions"):
            errors[topic["name"]] = "error code %s" % code
        else:
            present.append(topic)
    return present, sorted(missing), errors


def summarize_configs(entries, include_defaults=False):
    """``{key: value}`` of one resource's DescribeConfigs entries; sensitive values hidden."""
    result = {}
    for key, entry in sorted((entries or {}).items()):
        source = entry.get("config_source")
        if not include_defaults and source in DEFAULT_CONFIG_SOURCES:
            continue
        value = entry.get("value")
        if entry.get("is_sensitive"):
            value = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" if value is not None else None
        result[key] = value
    return result


def min_isr_of(entries):
    entry = (entries or {}).get("min.insync.replicas") or {}
    try:
        return int(entry.get("value"))
    except (TypeError, ValueError):
        return None


def _replica_state(replica, high_watermark, leader_id, leader_caught_up, max_lag_ms):
    leo = replica.get("log_end_offset")
    fetched = replica.get("last_fetch_timestamp")
    caught = replica.get("last_caught_up_timestamp")
    replica_id = replica.get("replica_id")
    lag = None
    if leo is not None and leo >= 0 and high_watermark is not None and high_watermark >= 0:
        lag = max(0, high_watermark - leo)
    if replica_id == leader_id:
        lag_time = 0
    elif caught is not None and caught >= 0 and leader_caught_up is not None \
            and leader_caught_up >= 0:
        lag_time = max(0, leader_caught_up - caught)
    else:
        lag_time = None
    return dict(
        id=replica_id,
        status="Leader" if replica_id == leader_id else "Follower",
        log_end_offset=leo,
        lag=lag,
        last_fetch_timestamp=fetched if fetched is not None and fetched >= 0 else None,
        last_caught_up_timestamp=caught if caught is not None and caught >= 0 else None,
        lag_time_ms=lag_time,
        caught_up=lag_time is not None and lag_time <= max_lag_ms,
    )


def summarize_quorum(answer, max_lag_ms=5000):
    """DescribeQuorum answer for ``__cluster_metadata`` -> leader, voters/observers with lag.

    A voter is caught up when its last caught-up time is within ``max_lag_ms`` of the
    leader's (the same measure as MaxFollowerLagTimeMs of kafka-metadata-quorum).
    """
    partition = None
    for topic in answer.get("topics") or []:
        for item in topic.get("partitions") or []:
            partition = item
    if partition is None:
        return dict(available=False, caught_up=False, error="no quorum partition in the answer")
    leader_id = partition.get("leader_id")
    high_watermark = partition.get("high_watermark")
    voters_raw = partition.get("current_voters") or []
    leader_caught_up = None
    for voter in voters_raw:
        if voter.get("replica_id") == leader_id:
            leader_caught_up = voter.get("last_caught_up_timestamp")
    voters = sorted((_replica_state(v, high_watermark, leader_id, leader_caught_up, max_lag_ms)
                     for v in voters_raw), key=lambda v: v["id"])
    observers = sorted((_replica_state(o, high_watermark, leader_id, leader_caught_up,
                                       max_lag_ms)
                        for o in partition.get("observers") or []), key=lambda v: v["id"])
    for observer in observers:
        observer["status"] = "Observer"
    endpoints = {}
    for node in answer.get("nodes") or []:
        endpoints[node.get("node_id")] = [
            "%s://%s:%s" % (ep.get("name"), ep.get("host"), ep.get("port"))
            for ep in node.get("listeners") or []]
    for voter in voters:
        if voter["id"] in endpoints:
            voter["endpoints"] = endpoints[voter["id"]]
    # The laggiest voter by log end offset, as kafka-metadata-quorum --status reports it.
    laggiest = None
    for voter in voters:
        if voter["log_end_offset"] is not None and (
                laggiest is None or voter["log_end_offset"] < laggiest["log_end_offset"]):
            laggiest = voter
    has_leader = leader_id is not None and leader_id >= 0
    return dict(
        available=True,
        leader_id=leader_id if has_leader else None,
        leader_epoch=partition.get("leader_epoch"),
        high_watermark=high_watermark,
        voters=voters,
        voter_ids=[v["id"] for v in voters],
        observers=observers,
        max_follower_lag=laggiest["lag"] if laggiest else None,
        max_follower_lag_time_ms=max([v["lag_time_ms"] for v in voters
                                      if v["lag_time_ms"] is not None] or [0]),
        lagging_voters=[v["id"] for v in voters if not v["caught_up"]],
        caught_up=has_leader and bool(voters) and all(v["caught_up"] for v in voters),
        max_lag_ms=max_lag_ms,
    )


def group_lag(committed, end_offsets):
    """Lag per topic/partition of one group.

    ``committed``: ``{(topic, partition): offset}`` (negative = nothing committed);
    ``end_offsets``: ``{(topic, partition): log end offset}``; a partition missing there
    (topic deleted) gets ``log_end_offset`` and ``lag`` None.
    """
    topics = {}
    total = 0
    for (topic, partition), offset in sorted(committed.items()):
        end = end_offsets.get((topic, partition))
        if offset is None or offset < 0:
            offset = None
        lag = max(0, end - offset) if end is not None and offset is not None else None
        entry = topics.setdefault(topic, dict(lag=0, partitions=[]))
        entry["partitions"].append(dict(partition=partition, committed_offset=offset,
                                        log_end_offset=end, lag=lag))
        if lag is not None:
            entry["lag"] += lag
            total += lag
    return dict(lag=total, topics=topics)


def _ids(ids):
    return ", ".join(str(i) for i in sorted(ids))


def evaluate_health(brokers, topics, quorum, expected_brokers=None, require_brokers=None,
                    require_voters=None, quorum_max_lag=None):
    """``(healthy, problems, checks)`` from what was gathered.

    Checks: every registered broker unfenced (and at least ``expected_brokers`` of them, and
    those of ``require_brokers``), no under-replicated or offline partitions among the topics
    looked at, quorum caught up (with the nodes of ``require_voters`` among its voters and no
    voter more than ``quorum_max_lag`` records behind). Parts not gathered (``None``) are not
    checked and not listed in ``checks``.
    """
    problems, checks = [], []
    if brokers is not None:
        checks.append("brokers")
        fenced = [b["id"] for b in brokers if b["fenced"]]
        if fenced:
            problems.append("brokers fenced (registered but not serving): %s" % _ids(fenced))
        live = len(brokers) - len(fenced)
        if expected_brokers is not None and live < expected_brokers:
            problems.append("%d of %d expected brokers are live" % (live, expected_brokers))
        if require_brokers:
            registered = set(b["id"] for b in brokers)
            absent = set(require_brokers) - registered
            if absent:
                problems.append("required brokers not registered: %s" % _ids(absent))
    if topics is not None:
        checks.append("partitions")
        for label, flag in (("under-replicated", "under_replicated"), ("offline", "offline")):
            bad = ["%s-%s" % (name, p["partition"]) for name, topic in sorted(topics.items())
                   for p in topic["partitions"] if p[flag]]
            if bad:
                shown = ", ".join(bad[:10]) + (" ..." if len(bad) > 10 else "")
                problems.append("%d %s partitions: %s" % (len(bad), label, shown))
    if quorum is not None and quorum.get("available"):
        checks.append("quorum")
        if quorum.get("leader_id") is None:
            problems.append("the controller quorum has no leader")
        elif not quorum.get("caught_up"):
            problems.append("controller quorum voters not caught up (more than %s ms behind "
                            "the leader): %s" % (quorum.get("max_lag_ms"), ", ".join(
                                str(i) for i in quorum.get("lagging_voters") or [])))
        lag = quorum.get("max_follower_lag")
        if quorum_max_lag is not None and lag is not None and lag > quorum_max_lag:
            problems.append("a controller quorum voter is %d records behind the leader "
                            "(quorum_max_lag %d)" % (lag, quorum_max_lag))
        absent = set(require_voters or []) - set(quorum.get("voter_ids") or [])
        if absent:
            problems.append("required nodes not voters of the controller quorum: %s"
                            % _ids(absent))
    elif quorum is not None and require_voters:
        checks.append("quorum")
        problems.append("required voters %s cannot be checked: the controller quorum is not "
                        "available (%s)" % (_ids(require_voters), quorum.get("error")))
    return not problems, problems, checks


def _group_wanted(group):
    """Consumer groups (classic or KIP-848); share and streams groups have no committed lag."""
    group_type = (group.get("group_type") or "classic").lower()
    protocol = group.get("protocol_type")
    return group_type in ("classic", "consumer") and protocol in (None, "", "consumer")


def collect(ctx, params, admin_errors=None):
    """Gather the report through the runner context ``ctx`` (its admin client, steps and
    ``KafkaConnection``); one request per API.

    ``admin_errors``: exception classes meaning "not available here" (old broker, no
    permission) for the optional quorum part, which then reports ``available: false``.
    """
    from kafka import TopicPartition  # imported lazily: KafkaConnection reports a missing library
    from kafka.admin import ConfigResource, ConfigResourceType, OffsetSpec

    wanted = resolve_gather(params.get("gather"))
    admin = ctx.client
    connection = ctx.connection
    with ctx.step("DescribeCluster"):
        cluster = admin.describe_cluster()
    brokers = summarize_brokers(cluster)
    live_ids = set(b["id"] for b in brokers if not b["fenced"])
    result = dict(
        gathered=sorted(wanted),
        cluster=dict(cluster_id=cluster.get("cluster_id"),
                     controller_id=cluster.get("controller_id"),
                     broker_count=len(brokers), live_broker_count=len(live_ids),
                     kafka_version=connection.broker_version()),
    )
    if "brokers" in wanted:
        result["brokers"] = brokers
        result["broker_ids"] = sorted(live_ids)

    names = params.get("topics") or []
    prefix = params.get("topic_prefix")
    pattern = params.get("topic_pattern")
    filtered = bool(names) or prefix is not None or pattern is not None
    select = topic_filter(names, prefix, pattern, params.get("include_internal"))
    topics = None
    known_partitions = {}
    if "topics" in wanted:
        with ctx.step("Metadata"):
            raw = admin.describe_topics(metadata_request_topics(names, prefix, pattern))
        present, _missing, errors = split_metadata(raw)
        for topic in present:
            known_partitions[topic["name"]] = [p.get("partition_index")
                                               for p in topic.get("partitions") or []]
        present = [t for t in present if select(t["name"], t.get("is_internal"))]
        configs = None
        if "configs" in wanted:
            configs = {}
            if present:
                resources = [ConfigResource(ConfigResourceType.TOPIC, t["name"])
                             for t in present]
                with ctx.step("DescribeConfigs"):
                    configs = admin.describe_configs(resources, config_filter="all") \
                        .get("topic", {})
        topics = {}
        for topic in present:
            entries = configs.get(topic["name"]) if configs is not None else None
            summary = summarize_topic(topic, live_ids,
                                      min_isr_of(entries) if configs is not None else None)
            if configs is not None:
                summary["configs"] = summarize_configs(
                    entries, params.get("configs_include_defaults"))
            topics[topic["name"]] = summary
        result["topics"] = topics
        result["missing_topics"] = sorted(set(names) - set(known_partitions))
        if errors:
            result["topic_errors"] = errors

    if "consumer_groups" in wanted:
        result["consumer_groups"] = _collect_groups(
            ctx, admin, params, select if filtered else None, known_partitions,
            TopicPartition, OffsetSpec)

    quorum = None
    if "quorum" in wanted:
        with ctx.step("DescribeQuorum"):
            try:
                answer = admin.describe_metadata_quorum()
            except tuple(admin_errors or ()) as exc:
                message = describe_error(exc, connection.servers, "DescribeQuorum",
                                         broker_version=connection.broker_version())
                quorum = dict(available=False, caught_up=None, error=message)
                ctx.warn("Controller quorum status not available: %s" % message)
            else:
                quorum = summarize_quorum(answer, params.get("quorum_max_lag_ms", 5000))
        result["quorum"] = quorum

    healthy, problems, checks = evaluate_health(
        brokers, topics, quorum, params.get("expected_brokers"),
        require_brokers=params.get("require_brokers"),
        require_voters=params.get("require_voters"),
        quorum_max_lag=params.get("quorum_max_lag"))
    summary = dict(
        brokers=len(brokers),
        live_brokers=len(live_ids),
        fenced_brokers=sorted(b["id"] for b in brokers if b["fenced"]),
    )
    if topics is not None:
        summary.update(
            topics=len(topics),
            partitions=sum(t["partition_count"] for t in topics.values()),
            under_replicated_partitions=sum(t["under_replicated_partitions"]
                                            for t in topics.values()),
            offline_partitions=sum(t["offline_partitions"] for t in topics.values()),
        )
        if "configs" in wanted:
            summary["under_min_isr_partitions"] = sum(
                t.get("under_min_isr_partitions") or 0 for t in topics.values())
    if quorum is not None:
        summary["quorum_caught_up"] = quorum.get("caught_up")
    if "consumer_groups" in wanted:
        summary["consumer_groups"] = len(result["consumer_groups"])
        summary["consumer_lag"] = sum(g["lag"] for g in result["consumer_groups"].values())
    result.update(summary=summary, healthy=healthy, health_problems=problems,
                  health_checks=checks)
    return result


def _collect_groups(ctx, admin, params, select, known_partitions, topic_partition, offset_spec):
    requested = params.get("consumer_groups") or []
    listed = {}
    if requested:
        group_ids = sorted(set(requested))
    else:
        with ctx.step("ListGroups"):
            for group in admin.list_groups():
                if _group_wanted(group):
                    listed[group["group_id"]] = group
        group_ids = sorted(listed)
    if not group_ids:
        return {}
    with ctx.step("DescribeGroups"):
        described = admin.describe_groups(group_ids)
    with ctx.step("OffsetFetch"):
        offsets = admin.list_group_offsets(group_ids)

    committed_by_group = {}
    needed_topics = set()
    for group_id in group_ids:
        committed = {}
        for tp, meta in (offsets.get(group_id) or {}).items():
            if select is not None and not select(tp.topic):
                continue
            committed[(tp.topic, tp.partition)] = getattr(meta, "offset", meta)
            needed_topics.add(tp.topic)
        committed_by_group[group_id] = committed

    unknown = sorted(needed_topics - set(known_partitions))
    if unknown:
        with ctx.step("Metadata"):
            present, _missing, _errors = split_metadata(admin.describe_topics(unknown))
        for topic in present:
            known_partitions[topic["name"]] = [p.get("partition_index")
                                               for p in topic.get("partitions") or []]
    specs = {}
    for committed in committed_by_group.values():
        for topic, partition in committed:
            if partition in (known_partitions.get(topic) or []):
                specs[topic_partition(topic, partition)] = offset_spec.LATEST
    end_offsets = {}
    if specs:
        with ctx.step("ListOffsets"):
            for tp, answer in admin.list_partition_offsets(specs).items():
                end_offsets[(tp.topic, tp.partition)] = getattr(answer, "offset", answer)

    groups = {}
    for group_id in group_ids:
        description = described.get(group_id) or {}
        listing = listed.get(group_id) or {}
        lag = group_lag(committed_by_group[group_id], end_offsets)
        groups[group_id] = dict(
            group_id=group_id,
            state=description.get("group_state") or listing.get("group_state"),
            protocol_type=description.get("protocol_type", listing.get("protocol_type")),
            group_type=listing.get("group_type"),
            members=len(description.get("members") or []),
            lag=lag["lag"],
            topics=lag["topics"],
        )
    return groups


def wait_until_healthy(ctx, params, gather, clock=time.monotonic, sleep=time.sleep):
    """Call ``gather()`` every ``wait_interval`` s until its report is healthy; return the report
    with ``wait`` (polls, seconds). A failed request (a node restarting, no answer in time)
    counts as a poll that was not healthy: the client is opened again for the next one, unless
    the failure cannot pass by itself (``ModuleFailure.retriable`` false: refused credentials or
    certificates, a listener that is not Kafka), which ends the wait at once. After
    ``wait_timeout`` s, fails naming what was still wrong and keeps the last report."""
    started = clock()
    deadline = started + params["wait_timeout"]
    interval = params["wait_interval"]
    polls = 0
    while True:
        polls += 1
        report, error = None, None
        try:
            report = gather()
        except ModuleFailure as exc:
            if not exc.retriable:
                raise
            error = exc.msg
            ctx.close()
        waited = dict(polls=polls, seconds=round(clock() - started, 1))
        if report is not None and report["healthy"]:
            report["wait"] = waited
            return report
        if clock() + interval > deadline:
            problems = error or "; ".join(report["health_problems"])
            result = dict(report or {}, wait=waited)
            raise ModuleFailure("The cluster was not healthy after waiting %s s (%d polls): %s"
                                % (params["wait_timeout"], polls, problems), **result)
        sleep(interval)


class InfoResource(Resource):
    """kafka_info on the runner: read-only, ``plan`` never changes anything."""

    def desired(self, ctx):
        problems = validate_params(ctx.params)
        on_event_hubs = event_hubs.is_event_hubs(split_servers(ctx.params.get("bootstrap_servers")))
        if on_event_hubs:
            problems.extend(event_hubs.info_problems(ctx.params))
        if problems:
            raise InvalidInput("Invalid options: " + "; ".join(problems))
        if on_event_hubs:
            wanted = resolve_gather(ctx.params.get("gather"))
            if "quorum" in wanted:
                # the default gather asks for it: leave it out, and say why
                wanted.discard("quorum")
                ctx.warn("quorum not gathered: Azure Event Hubs has no KRaft controller quorum")
            return dict(ctx.params, gather=sorted(wanted), _event_hubs=True)
        return ctx.params

    def read(self, ctx, desired):
        not_available = ()
        if kafka_errors is not None:
            not_available = (kafka_errors.UnsupportedVersionError,
                             kafka_errors.AuthorizationError)
        try:
            if not desired.get("wait"):
                return collect(ctx, desired, admin_errors=not_available)
            return wait_until_healthy(ctx, desired, lambda: collect(
                ctx, desired, admin_errors=not_available))
        except ModuleFailure as exc:
            if desired.get("_event_hubs"):
                exc.msg = "%s. %s" % (exc.msg.rstrip("."), event_hubs.SUPPORTED)
            raise

    def plan(self, ctx, desired, current):
        return Plan(False, result=current)
