# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired state, planners and the runner declaration of the ``kafka_topic`` module.

Pure functions (no broker needed, unit tested): topic name and batch validation, the desired
topics from the module's parameters and the plan as data, made of one planner per concern:
``plan_topic_configs`` (incremental config changes), ``plan_partitions`` (partition increases)
and ``plan_replication`` (replication-factor changes, placed by ``kafka_topic_placement``).
Config typing lives in ``kafka_topic_config``, the admin-client calls in ``kafka_topic_admin``
and the raw requests in ``kafka_wire``. ``TopicResource`` is the module's declaration on the
runner.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.specweave.kafka.plugins.module_utils import azure_event_hubs_kafka as event_hubs
from ansible_collections.specweave.kafka.plugins.module_utils.batch_options import check_items
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import split_servers
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_admin import (
    apply_ongoing,
    apply_plan,
    broker_validation,
    poll_reassignments,
    read_current,
    suspect_partitions,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_config import (
    TOPIC_CONFIG_TYPES,
    normalise_config_value,
    same_config_value,
    unknown_config_problems,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_placement import (
    broker_load,
    initial_replicas,
    place_replicas,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)

TOPIC_NAME_MAX_LENGTH = 249
TOPIC_NAME_RE = re.compile(r"^[a-zA-Z0-9._-]+$")
PROTECTED_TOPICS = frozenset(["__consumer_offsets", "__transaction_state", "_schemas",
                              "__share_group_state", "__cluster_metadata"])

# The keys of each O(topics) item. Checked by check_items() rather than as argument_spec
# options: AnsibleModule's per-element validation of a list of thousands costs more than the
# Kafka requests of the whole task.
TOPIC_OPTIONS = dict(
    name=dict(type="str", required=True),
    partitions=dict(type="int"),
    replication_factor=dict(type="int"),
    config=dict(type="dict"),
    state=dict(type="str", choices=["present", "absent"]),
)


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


# ---------------------------------------------------------------------------------------------
# Planners: pure functions from (desired, current) to the changes, one concern each
# ---------------------------------------------------------------------------------------------

def _view(partitions, replication_factor, config):
    view = dict(partitions=partitions, replication_factor=replication_factor)
    view["config"] = dict(config)
    return view


def _current_values(current_cfg, declared):
    return dict((k, (current_cfg.get(k) or {}).get("value")) for k in sorted(declared))


def plan_topic_configs(declared, current_cfg, reset_undeclared_config=False):
    """Config changes of an existing topic (incremental: only the declared keys are touched).

    ``declared`` {key: normalised value or None (reset)}, ``current_cfg`` {key: {"value",
    "config_source"}} as DescribeConfigs reports it. Returns (alter {key: value or None},
    before {key: value}, after {key: value}, changes [lines]).
    """
    alter, before, after, changes = {}, {}, {}, []
    for key, value in sorted(declared.items()):
        entry = current_cfg.get(key)
        current = entry.get("value") if entry else None
        before[key] = current
        if value is None:
            if entry and entry.get("config_source") == "DYNAMIC_TOPIC_CONFIG":
                alter[key] = None
                after[key] = "(default)"
                changes.append("config %s: %s -> (default)" % (key, current))
            else:
                after[key] = current
            continue
        after[key] = value
        if not same_config_value(key, current, value):
            alter[key] = value
            changes.append("config %s: %s -> %s" % (key, current, value))
    if reset_undeclared_config:
        for key in sorted(current_cfg):
            entry = current_cfg[key]
            if key in declared or entry.get("config_source") != "DYNAMIC_TOPIC_CONFIG":
                continue
            alter[key] = None
            before[key] = entry.get("value")
            after[key] = "(default)"
            changes.append("config %s: %s -> (default), not declared" % (key, entry.get("value")))
    return alter, before, after, changes


def plan_partitions(name, wanted, current):
    """Partitions to add to topic ``name`` (``wanted`` None: not managed) and the change line.

    Returns (count to add, changes); raises TopicValidationError for a decrease.
    """
    if wanted is None or wanted == current:
        return 0, []
    if wanted < current:
        raise TopicValidationError([
            "topic %r has %d partitions; decreasing to %d is not possible in Kafka (it would "
            "lose data and break key ordering). Create a new topic instead"
            % (name, current, wanted)])
    return wanted - current, ["partitions: %d -> %d" % (current, wanted)]


def plan_replication(name, target_rf, wanted_partitions, grow, now, brokers, load, leader_load):
    """Replication-factor change of an existing topic, placed rack-aware and balanced.

    ``now`` is the topic's current state, ``grow`` the partitions being added (up to
    ``wanted_partitions``), ``brokers`` {broker_id: rack} of live brokers (None when unknown),
    ``load``/``leader_load`` the brokers' replica counts, updated in place so successive topics
    spread. Returns (reassign {partition: replicas}, the CreatePartitions entry for the topic
    (a count, or with the new partitions' replicas when the replication factor changes too;
    None when no partition is added), changes [lines]).
    """
    if target_rf is None or (target_rf == now["replication_factor"]
                             and not now["uneven_replication"]):
        return {}, wanted_partitions if grow else None, []
    if brokers is None:
        raise TopicValidationError(["topic %r: live brokers unknown, cannot change the "
                                    "replication factor" % name])
    placed = place_replicas(now["assignment"], brokers, target_rf, load, leader_load,
                            now["leaders"], new_partitions=grow)
    reassign = dict((p, r) for p, r in placed.items()
                    if p in now["assignment"] and r != now["assignment"][p])
    new_partitions = None
    if grow:
        # The broker creates new partitions only with the current replication factor: create
        # them with (a prefix of, or a superset of) their target replicas, then reassign them
        # together with the existing ones.
        assignments = []
        for partition in sorted(p for p in placed if p not in now["assignment"]):
            target = placed[partition]
            initial = initial_replicas(target, now["replication_factor"], brokers, load)
            assignments.append(initial)
            if initial != target:
                reassign[partition] = target
        new_partitions = dict(count=wanted_partitions, assignments=assignments)
    return reassign, new_partitions, ["replication_factor: %d -> %d"
                                      % (now["replication_factor"], target_rf)]


def plan_existing_topic(topic, now, current_cfg, brokers, load, leader_load,
                        reset_undeclared_config=False, allow_internal_topics=False):
    """The plan record of an existing topic and its pieces {alter_configs, reassign,
    create_partitions} (empty or None when nothing changes); raises TopicValidationError."""
    name = topic["name"]
    alter, before_cfg, after_cfg, changes = plan_topic_configs(
        topic["config"], current_cfg, reset_undeclared_config)
    grow, partition_changes = plan_partitions(name, topic["partitions"], now["partitions"])
    rf = topic["replication_factor"]
    reassign, new_partitions, rf_changes = plan_replication(
        name, rf, topic["partitions"], grow, now, brokers, load, leader_load)
    changes = changes + partition_changes + rf_changes
    if (changes or alter) and is_protected(name, now.get("internal")) and \
            not allow_internal_topics:
        raise TopicValidationError(["topic %r is internal; it is never altered unless "
                                    "allow_internal_topics is true (wanted: %s)"
                                    % (name, "; ".join(changes))])
    before = _view(now["partitions"], now["replication_factor"], before_cfg)
    after = _view(topic["partitions"] or now["partitions"], rf or now["replication_factor"],
                  after_cfg)
    if reassign:
        before["replicas"] = dict((p, now["assignment"].get(p, [])) for p in sorted(reassign))
        after["replicas"] = dict((p, reassign[p]) for p in sorted(reassign))
    record = dict(name=name, action="updated" if changes else "unchanged", changes=changes,
                  before=before, after=after)
    return record, dict(alter_configs=alter, reassign=reassign, create_partitions=new_partitions)


def plan_new_topic(topic, existing_by_collision, allow_internal_topics=False):
    """The plan record of a topic to create and its CreateTopics entry; raises
    TopicValidationError."""
    name = topic["name"]
    other = existing_by_collision.get(collision_key(name))
    if other is not None and other != name:
        raise TopicValidationError(["topic %r collides with existing topic %r ('.' and '_' are "
                                    "equivalent in Kafka metric names); rename it"
                                    % (name, other)])
    if is_protected(name) and not allow_internal_topics:
        raise TopicValidationError(["topic %r has an internal name ('__*' or _schemas); "
                                    "creating it needs allow_internal_topics: true" % name])
    rf = topic["replication_factor"]
    configs = dict((k, v) for k, v in topic["config"].items() if v is not None)
    spec = dict(num_partitions=topic["partitions"] if topic["partitions"] else -1,
                replication_factor=rf if rf else -1, configs=configs)
    record = dict(name=name, action="created", changes=["create topic"], before={},
                  after=_view(topic["partitions"] or "(broker default)",
                              rf or "(broker default)", configs))
    return record, spec


def plan_absent_topic(topic, now, current_cfg, allow_internal_topics=False):
    """The plan record of a topic that must not exist; raises TopicValidationError."""
    name = topic["name"]
    if is_protected(name, now and now.get("internal")) and not allow_internal_topics:
        raise TopicValidationError(["topic %r is internal; it is never deleted unless "
                                    "allow_internal_topics is true" % name])
    if now is None:
        return dict(name=name, action="unchanged", changes=[])
    return dict(name=name, action="deleted", changes=["delete topic"],
                before=_view(now["partitions"], now["replication_factor"],
                             _current_values(current_cfg, topic["config"])),
                after={})


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
    existing_by_collision = {}
    for name, state in current.items():
        if state is not None:
            existing_by_collision.setdefault(collision_key(name), name)

    for topic in desired:
        name = topic["name"]
        now = current.get(name)
        try:
            if topic["state"] == "absent":
                record = plan_absent_topic(topic, now, configs.get(name, {}),
                                           allow_internal_topics)
                if record["action"] == "deleted":
                    plan["delete"].append(name)
            elif now is None:
                _check_live_brokers(topic, brokers)
                record, plan["create"][name] = plan_new_topic(topic, existing_by_collision,
                                                              allow_internal_topics)
            else:
                _check_live_brokers(topic, brokers)
                record, pieces = plan_existing_topic(
                    topic, now, configs.get(name, {}), brokers, load, leader_load,
                    reset_undeclared_config, allow_internal_topics)
                for key, value in pieces.items():
                    if value:
                        plan[key][name] = value
        except TopicValidationError as exc:
            problems.extend(exc.problems)
            continue
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


def _check_live_brokers(topic, brokers):
    """Refuse a replication factor larger than the number of live brokers (when known)."""
    rf = topic["replication_factor"]
    if rf is not None and brokers is not None and rf > len(brokers):
        raise TopicValidationError(["topic %r: replication_factor %d is larger than the %d live "
                                    "broker(s) %s" % (topic["name"], rf, len(brokers),
                                                      sorted(brokers))])


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
# Results
# ---------------------------------------------------------------------------------------------

def summarise(plan, outcomes=None):
    """Per-topic results. Topics already in the desired state are only named in ``unchanged``:
    a converge of thousands of topics returns (and Ansible scrubs and ships) what changed."""
    result = dict(topics=[], created=[], updated=[], deleted=[], unchanged=[], failed_topics={})
    outcomes = outcomes or {}
    for record in plan["topics"]:
        name = record["name"]
        problems = outcomes[name].get("failed") if name in outcomes else None
        if problems:
            error = "; ".join(problems)
            result["failed_topics"][name] = error
            result["topics"].append(dict(name=name, action="failed", changes=record["changes"],
                                         error=error))
            continue
        result[record["action"]].append(name)
        if record["action"] != "unchanged":
            result["topics"].append(dict(name=name, action=record["action"],
                                         changes=record["changes"]))
    return result


def diff_of(plan):
    before, after = {}, {}
    for record in plan["topics"]:
        if record["action"] == "unchanged":
            continue
        before[record["name"]] = record.get("before", {})
        after[record["name"]] = record.get("after", {})
    return dict(before=before, after=after)


def _partition_names(partitions):
    return ["%s-%d" % tp for tp in partitions]


# ---------------------------------------------------------------------------------------------
# The module's declaration on the runner
# ---------------------------------------------------------------------------------------------

class TopicResource(Resource):
    """``kafka_topic``: validate the batch, read the managed topics at once, plan, let the broker
    validate the plan (``broker_dry_run``), wait for reassignments already running, apply."""

    service = "Kafka"
    noun = "topic change"
    #: Set by ``desired``: the bootstrap servers are an Azure Event Hubs endpoint.
    event_hubs = False

    def desired(self, ctx):
        params = ctx.params
        problems = scope_problems(params)
        if params["reassignment_timeout"] < 0:
            problems.append("reassignment_timeout must be 0 or more seconds")
        if params["topics"] is not None:
            items, item_problems = check_items(params["topics"], TOPIC_OPTIONS, "topics")
            problems.extend(item_problems)
            params = dict(params, topics=items)
        try:
            desired = desired_topics(params)
        except TopicValidationError as exc:
            problems.extend(exc.problems)
            desired = []
        problems.extend(validate_batch(desired))
        problems.extend(unknown_config_problems(desired, TOPIC_CONFIG_TYPES))
        self.event_hubs = _on_event_hubs(ctx)
        if self.event_hubs:
            limits, warnings = event_hubs.topic_problems(desired, params)
            problems.extend(limits)
            for warning in warnings:
                ctx.warn(warning)
        if problems:
            raise InvalidInput("Invalid topic specification, nothing was changed: "
                               + "; ".join(problems), problems=problems)
        return desired

    def read(self, ctx, desired):
        params = ctx.params
        names = [t["name"] for t in desired]
        undeclared = []
        if params["delete_undeclared"]:
            declared = set(names)
            with ctx.step("listing topics for delete_undeclared"):
                undeclared = sorted(n for n in ctx.client.list_topics() if n not in declared
                                    and in_scope(n, params["undeclared_scope"]))
        config_keys = dict((t["name"], list(t["config"])) for t in desired
                           if t["state"] == "present")
        need_brokers = any(t["replication_factor"] for t in desired if t["state"] == "present")
        with ctx.step("reading the current topics"), _event_hubs_guard(ctx, "reading topics"):
            current, configs, brokers = read_current(
                ctx.client, names + undeclared, config_keys, need_brokers,
                all_configs=params["reset_undeclared_config"])
        # A reassignment still running (an earlier run that timed out, or another tool): plan
        # against its target and wait for it, so "unchanged" really means settled.
        moving = []
        suspects = suspect_partitions(desired, current)
        if suspects:
            with ctx.step("listing partition reassignments"):
                ongoing = ctx.client.list_partition_reassignments(suspects)
            apply_ongoing(current, ongoing)
            moving = sorted(ongoing)
        return dict(topics=current, configs=configs, brokers=brokers, undeclared=undeclared,
                    moving=moving)

    def plan(self, ctx, desired, current):
        try:
            topics = plan_changes(desired, current["topics"], current["configs"],
                                  current["brokers"],
                                  reset_undeclared_config=ctx.params["reset_undeclared_config"],
                                  allow_internal_topics=ctx.params["allow_internal_topics"],
                                  undeclared=current["undeclared"])
        except TopicValidationError as exc:
            raise ModuleFailure("Topic changes refused, nothing was changed: "
                                + "; ".join(exc.problems), problems=exc.problems)
        limits = event_hubs.plan_problems(topics) if _on_event_hubs(ctx) else []
        if limits:
            raise ModuleFailure("Topic changes refused, nothing was changed: " + "; ".join(limits),
                                problems=limits)
        plan = Plan(not plan_is_empty(topics), summarise(topics),
                    diff=diff_of(topics) if ctx.diff_mode else None,
                    data=dict(topics=topics, moving=current["moving"]))
        if current["moving"] and ctx.check_mode:
            plan.result["reassignment_in_progress"] = dict(
                partitions=len(current["moving"]), pending=_partition_names(current["moving"]),
                progress=[])
        if not plan.changed:
            # The runner calls neither verify nor apply for an unchanged plan, but reassignments
            # already running must settle before "unchanged" is reported.
            self._settle(ctx, plan)
        return plan

    def verify(self, ctx, plan, failures):
        if ctx.params["broker_dry_run"]:
            with ctx.step("validating the changes with the broker"), \
                    _event_hubs_guard(ctx, "the dry run of the topic changes"):
                # Config values are type/enum checked locally and IncrementalAlterConfigs
                # answers per topic; the broker's dry run of config changes is only needed in
                # check mode.
                problems = broker_validation(ctx.client, plan.data["topics"],
                                             ctx.params["request_timeout_ms"],
                                             include_configs=ctx.check_mode)
            if problems:
                # as before the runner: the refusal with the per-topic summary, no diff
                raise ModuleFailure("The broker refused the changes, nothing was changed: "
                                    + "; ".join(problems), problems=problems,
                                    **summarise(plan.data["topics"]))
        self._settle(ctx, plan)

    def _settle(self, ctx, plan):
        """Wait (not in check mode) for the reassignments that were running when read."""
        moving = plan.data["moving"]
        if not moving or ctx.check_mode:
            return
        timeout = ctx.params["reassignment_timeout"]
        with ctx.step("waiting for running reassignments"):
            pending, history = poll_reassignments(ctx.client, moving, timeout)
        report = dict(partitions=len(moving), pending=_partition_names(pending), progress=history)
        plan.result["reassignment_in_progress"] = report
        if pending:
            raise ModuleFailure("%d partition(s) are still being reassigned after %ss: %s. Re-run "
                                "to wait again or raise reassignment_timeout; nothing else was "
                                "changed" % (len(pending), timeout, ", ".join(report["pending"][:20])),
                                changed=plan.changed, reassignment_in_progress=report)

    def apply(self, ctx, plan, failures):
        warnings = []
        topics = plan.data["topics"]
        with ctx.step("applying topic changes"), _event_hubs_guard(ctx, "the topic changes"):
            outcomes, report = apply_plan(ctx.client, topics, ctx.params["request_timeout_ms"],
                                          reassignment_timeout=ctx.params["reassignment_timeout"],
                                          warnings=warnings)
        for warning in warnings:
            ctx.warn(warning)
        plan.result.update(summarise(topics, outcomes))
        if report is not None:
            plan.result["reassignment"] = report
        for name, error in sorted(plan.result["failed_topics"].items()):
            failures.add(name, error)

    def failure_message(self, plan, failures, applied):
        done = plan.result["created"] + plan.result["updated"] + plan.result["deleted"]
        message = "%d topic(s) failed: %s. Applied: %s" % (
            len(failures), "; ".join("%s (%s)" % item for item in failures.items),
            ", ".join(done) if done else "none")
        if self.event_hubs:
            message += (". On Azure Event Hubs, only Premium and Dedicated namespaces add "
                        "partitions, and topic configs apply only at creation; "
                        + event_hubs.GUIDE)
        return message


def _on_event_hubs(ctx):
    return event_hubs.is_event_hubs(split_servers(ctx.params.get("bootstrap_servers")))


def _event_hubs_guard(ctx, action):
    """Protocol errors of a request Event Hubs does not support, as a message naming it."""
    return event_hubs.guard(_on_event_hubs(ctx), action, ModuleFailure)
