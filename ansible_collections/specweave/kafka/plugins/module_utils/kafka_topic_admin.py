# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``kafka_topic`` asks of the admin client: the reads of a converge, the broker's dry run,
applying a plan and waiting for it. One request per Kafka API for the whole batch (CreateTopics
chunked under KRaft's per-request record limit); the raw requests are in ``kafka_wire``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_wire


# KRaft refuses a single request producing more than 10,000 metadata records
# (QuorumController MAX_RECORDS_PER_USER_OP). A topic costs one TopicRecord, one PartitionRecord
# per partition and one ConfigRecord per config; counting partitions x replicas instead of
# partitions over-estimates, and 9,000 leaves a margin on top.
RECORD_BUDGET = 9000
# Records assumed for a topic whose partitions or replication factor is the broker default.
DEFAULT_PARTITIONS_GUESS = 50
DEFAULT_RF_GUESS = 3


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


def _error_text(code, message):
    from kafka import errors as kafka_errors
    error = kafka_errors.for_code(code)
    return "%s: %s" % (error.__name__, message or getattr(error, "description", ""))


def read_current(admin, names, config_keys, need_brokers, all_configs=False):
    """Metadata for the named topics, DescribeConfigs for them and, when replicas may have to be
    placed, DescribeCluster: one request each, sent at once (see ``kafka_wire.read_topics``).

    ``config_keys`` {name: [keys]} restricts DescribeConfigs to the managed keys unless
    ``all_configs``. Configs are asked for every named topic, not only the existing ones, so
    that the request need not wait for the Metadata answer: the broker answers a topic that does
    not exist with an error for that topic alone, and its (empty) entry is dropped here.
    Returns (current {name: state or None}, configs, brokers or None).
    """
    current = dict((name, None) for name in names)
    wanted = []
    for name in names:
        keys = None if all_configs else sorted(config_keys.get(name) or [])
        if keys != []:
            wanted.append((name, keys))
    resources = kafka_wire.topic_config_resources(wanted)
    topics, described, cluster = kafka_wire.read_topics(admin, list(names), resources,
                                                        need_brokers)
    for meta in topics:
        name = _field(meta, "name")
        if name in current:
            current[name] = topic_state_from_metadata(meta)
    brokers = live_brokers_from_cluster(cluster) if need_brokers else None
    configs = dict((name, value) for name, value in described.get("topic", {}).items()
                   if current.get(name) is not None)
    return current, configs, brokers


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
        for item in kafka_wire.create_topics(admin, dict(chunk), timeout_ms, validate_only=True):
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
        for name, result in kafka_wire.alter_topic_configs(admin, plan["alter_configs"], True).items():
            if result != "OK":
                problems.append("topic %r config cannot be changed: %s" % (name, result))
    return problems


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
        for item in kafka_wire.create_topics(admin, dict(chunk), timeout_ms):
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
        for name, result in kafka_wire.alter_topic_configs(admin, alter).items():
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
