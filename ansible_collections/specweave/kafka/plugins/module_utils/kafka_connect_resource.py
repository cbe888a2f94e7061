# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connectors as code: the planners and the runner declarations of ``kafka_connector`` and
``kafka_connector_info``.

The planners are pure: ``connector_config`` turns a task's input into the string map the worker
stores (or says what is wrong), ``plan_connector`` compares it with the worker's view (one
``GET /connectors?expand=info&expand=status`` for the whole task) and returns the ordered
actions, ``mask_config`` hides secrets in results and diffs, ``wait_verdict`` reads a status.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible.module_utils.six import string_types
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect import (
    KafkaConnectError,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect_mirror import (
    mirror_connectors,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    Plan,
    Resource,
)

STATES = ["running", "paused", "stopped", "absent"]
#: Connector states of the worker per desired state.
WORKER_STATE = {"running": "RUNNING", "paused": "PAUSED", "stopped": "STOPPED"}
MASK = "********"
CHANGED_MASK = "******** (changed)"
#: Config keys whose values are hidden in results and diffs even when given in ``config``.
SECRET_KEY = re.compile(r"(password|passwd|secret|token|credential|jaas\.config|api\.?key|"
                        r"private\.key|access\.key|keystore\.key)", re.IGNORECASE)
ITEM_KEYS = ("config", "secrets", "state", "restart_failed", "reset_offsets")
#: Actions after which the worker may still show the FAILED of before for a while (seconds).
STALE_AFTER = ("restart", "resume", "update")
STALE_GRACE = 10
#: Seconds after which a RUNNING connector without tasks counts as running (it has none).
NO_TASKS_GRACE = 10
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# -- desired state -------------------------------------------------------------------------

def config_value(name, key, value):
    """The worker's text for one config value: Connect stores every value as a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, string_types):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)) and all(
            isinstance(item, string_types + (int, float)) and not isinstance(item, bool)
            for item in value):
        return ",".join(str(item) for item in value)
    raise InvalidInput(
        "connector %s: config key %r has a %s value (%r); Kafka Connect takes text values: "
        "write it as a string (a list as comma-separated text, a map in the connector's own "
        "syntax)." % (name, key, type(value).__name__, value))


def check_name(name):
    if not isinstance(name, string_types) or not name.strip():
        raise InvalidInput("a connector needs a name (a non-empty string).")
    if name != name.strip() or _CONTROL.search(name) or "/" in name:
        raise InvalidInput(
            "connector name %r: Kafka Connect refuses leading or trailing blanks and control "
            "characters, and a name with '/' cannot be addressed through its REST API; rename "
            "it." % name)


def connector_config(name, config, secrets=None):
    """The string map the worker stores for connector ``name`` (with ``name`` in it).

    ``secrets`` are merged into ``config`` (a key may be in one of them only); a ``name`` key
    must match the connector's name; ``connector.class`` is required.
    """
    check_name(name)
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise InvalidInput("connector %s: config must be a mapping of Connect settings, got %s."
                           % (name, type(config).__name__))
    if not isinstance(secrets or {}, dict):
        raise InvalidInput("connector %s: secrets must be a mapping of Connect settings." % name)
    out = {}
    for source in (config, secrets or {}):
        for key, value in source.items():
            if not isinstance(key, string_types) or not key:
                raise InvalidInput("connector %s: config keys must be non-empty strings, got %r."
                                   % (name, key))
            if key in out:
                raise InvalidInput("connector %s: %r is in both config and secrets; give it once."
                                   % (name, key))
            out[key] = config_value(name, key, value)
    if out.get("name", name) != name:
        raise InvalidInput("connector %s: config name %r differs from the connector's name; drop "
                           "it from config or make them equal." % (name, out["name"]))
    out["name"] = name
    if not out.get("connector.class", "").strip():
        raise InvalidInput("connector %s: config needs connector.class (the connector's class or "
                           "its alias, for example FileStreamSource); nothing was changed." % name)
    return out


def connector_items(params):
    """Each connector of the task as one dict: top-level options fill the unset ones."""
    entries = []
    if params.get("name") is not None:
        entries.append(dict((key, params.get(key)) for key in ITEM_KEYS))
        entries[0]["name"] = params["name"]
    extra = list(params.get("connectors") or [])
    if params.get("mirror_maker"):
        extra += mirror_connectors(params["mirror_maker"])
    for entry in extra:
        item = dict(entry)
        for key in ITEM_KEYS:
            if item.get(key) is None and key not in ("config", "secrets"):
                item[key] = params.get(key)
        entries.append(item)
    items, seen = [], set()
    for item in entries:
        name = item.get("name")
        check_name(name)
        if name in seen:
            raise InvalidInput("connector %s is listed twice; give each connector once." % name)
        seen.add(name)
        state = item.get("state") or "running"
        if state not in STATES:
            raise InvalidInput("connector %s: state must be one of %s, got %r."
                               % (name, ", ".join(STATES), state))
        desired = dict(name=name, state=state, restart_failed=bool(item.get("restart_failed")),
                       reset_offsets=bool(item.get("reset_offsets")),
                       secret_keys=sorted((item.get("secrets") or {}).keys()))
        desired["config"] = (None if state == "absent" else
                             connector_config(name, item.get("config"), item.get("secrets")))
        items.append(desired)
    return items


# -- secrets ---------------------------------------------------------------------------------

def is_secret(key, secret_keys=()):
    return key in secret_keys or bool(SECRET_KEY.search(key))


def mask_config(config, secret_keys=(), compare=None):
    """``config`` with secret values hidden; with ``compare`` (the other side of a diff), a
    secret that differs shows as changed."""
    if config is None:
        return None
    out = {}
    for key, value in config.items():
        if is_secret(key, secret_keys) and value not in (None, ""):
            changed = compare is not None and compare.get(key) != value
            out[key] = CHANGED_MASK if changed else MASK
        else:
            out[key] = value
    return out


# -- the worker's view -------------------------------------------------------------------------

def task_summary(status):
    """``{"connector": state, "worker_id", "tasks": [{id, state, worker_id, trace}]}`` of a
    status answer, the trace cut to its first line."""
    if not status:
        return None
    connector = status.get("connector") or {}
    tasks = []
    for task in status.get("tasks") or []:
        entry = dict(id=task.get("id"), state=task.get("state"), worker_id=task.get("worker_id"))
        if task.get("trace"):
            entry["trace"] = task["trace"].strip().splitlines()[0]
        tasks.append(entry)
    summary = dict(state=connector.get("state"), worker_id=connector.get("worker_id"),
                   tasks=tasks, type=status.get("type"))
    if connector.get("trace"):
        summary["trace"] = connector["trace"].strip().splitlines()[0]
    return summary


def failed_parts(summary):
    """What is FAILED in a summary: ``connector`` and/or ``task <id>`` entries."""
    if not summary:
        return []
    parts = ["connector"] if summary.get("state") == "FAILED" else []
    parts += ["task %s" % task["id"] for task in summary["tasks"] if task["state"] == "FAILED"]
    return parts


def wait_verdict(state, summary, allow_no_tasks=False):
    """(done, problem) for a connector that should be in ``state``: ``problem`` names what
    failed (the wait stops there), ``done`` says the worker shows the state on every task.
    A running connector without tasks is done only with ``allow_no_tasks`` (its tasks may not
    be started yet; some connectors have none)."""
    if summary is None:
        return False, None
    failed = failed_parts(summary)
    if failed:
        traces = [summary.get("trace")] + [task.get("trace") for task in summary["tasks"]]
        reason = "; ".join(trace for trace in traces if trace)
        return False, "%s FAILED%s" % (", ".join(failed), (": " + reason) if reason else "")
    want = WORKER_STATE[state]
    if summary["state"] != want:
        return False, None
    if state == "stopped":
        return True, None
    if state == "running" and not summary["tasks"]:
        return allow_no_tasks, None
    return all(task["state"] == want for task in summary["tasks"]), None


# -- planning ------------------------------------------------------------------------------------

def plan_connector(desired, current, offsets=None):
    """The ordered actions that bring one connector from ``current`` (``{"info", "status"}`` of
    the expanded listing, or None) to ``desired``. ``offsets``: its offsets when
    ``reset_offsets`` is asked (the reset is planned only when there are some)."""
    state = desired["state"]
    if state == "absent":
        return ["delete"] if current else []
    if not current:
        actions = ["create"]
        if state != "running":
            actions.append("pause" if state == "paused" else "stop")
        return actions
    actions = []
    current_config = (current.get("info") or {}).get("config") or {}
    if current_config != desired["config"]:
        actions.append("update")
    worker_state = ((current.get("status") or {}).get("connector") or {}).get("state")
    reset = desired["reset_offsets"] and bool((offsets or {}).get("offsets"))
    if reset:
        if worker_state != "STOPPED":
            actions.append("stop")
        actions.append("reset_offsets")
        worker_state = "STOPPED"
    if state == "running" and worker_state in ("PAUSED", "STOPPED"):
        actions.append("resume")
    elif state == "paused" and worker_state != "PAUSED":
        actions.append("pause")
    elif state == "stopped" and worker_state != "STOPPED":
        actions.append("stop")
    if state == "running" and desired["restart_failed"] and not reset \
            and failed_parts(task_summary(current.get("status"))):
        actions.append("restart")
    return actions


def exclusive_deletes(prefix, desired_names, current):
    """Connectors named ``prefix...`` on the worker and not in the task: deleted by exclusive mode."""
    if prefix is None:
        return []
    return sorted(name for name in current if name.startswith(prefix) and name not in desired_names)


def validation_errors(answer):
    """``key: message`` lines of a ``config/validate`` answer."""
    lines = []
    for entry in (answer or {}).get("configs") or []:
        value = entry.get("value") or {}
        for error in value.get("errors") or []:
            lines.append("%s: %s" % (value.get("name"), error))
    return lines


def entry_view(entry, secret_keys=(), compare=None):
    """What a result or diff shows of a connector: its state and masked config."""
    if not entry:
        return None
    info = entry.get("info") or {}
    summary = task_summary(entry.get("status"))
    return dict(state=(summary or {}).get("state"),
                config=mask_config(info.get("config"), secret_keys, compare))


class ConnectorResource(Resource):
    """``kafka_connector``: connectors created, updated, paused, resumed, stopped, restarted,
    their offsets reset, deleted; several per task, validated by the worker before any change."""

    service = "Kafka Connect"
    noun = "connector config"

    def desired(self, ctx):
        params = ctx.params
        items = connector_items(params)
        if not items and params.get("exclusive_prefix") is None:
            raise InvalidInput("name, connectors or mirror_maker is needed: say which connectors "
                               "to manage.")
        prefix = params.get("exclusive_prefix")
        if prefix is not None and not prefix:
            raise InvalidInput("exclusive_prefix must not be empty: an empty prefix would delete "
                               "every connector of the worker that the task does not list.")
        if prefix is not None:
            outside = [item["name"] for item in items if not item["name"].startswith(prefix)]
            if outside:
                raise InvalidInput("exclusive_prefix %r: connectors %s do not start with it; "
                                   "exclusive mode manages the connectors of one prefix."
                                   % (prefix, ", ".join(outside)))
        return items

    def read(self, ctx, desired):
        with ctx.step("list the connectors"):
            current = ctx.client.connectors()
        offsets = {}
        for item in desired:
            if item["reset_offsets"] and item["name"] in current:
                with ctx.step("read the offsets of %s" % item["name"]):
                    offsets[item["name"]] = ctx.client.offsets(item["name"])
        return dict(connectors=current, offsets=offsets)

    def plan(self, ctx, desired, current):
        connectors = current["connectors"]
        params = ctx.params
        items = list(desired)
        names = set(item["name"] for item in items)
        for name in exclusive_deletes(params.get("exclusive_prefix"), names, connectors):
            items.append(dict(name=name, state="absent", config=None, restart_failed=False,
                              reset_offsets=False, secret_keys=[]))
        results, before, after = [], {}, {}
        for item in items:
            entry = connectors.get(item["name"])
            actions = plan_connector(item, entry, current["offsets"].get(item["name"]))
            keys = item["secret_keys"]
            current_config = ((entry or {}).get("info") or {}).get("config")
            summary = task_summary((entry or {}).get("status"))
            result = dict(name=item["name"], state=item["state"], actions=actions,
                          changed=bool(actions),
                          config=mask_config(item["config"] if item["config"] is not None
                                             else current_config, keys),
                          status=summary, type=(entry or {}).get("info", {}).get("type"))
            results.append(result)
            if actions:
                before[item["name"]] = entry_view(entry, keys)
                after[item["name"]] = None if item["state"] == "absent" else dict(
                    state=WORKER_STATE[item["state"]],
                    config=mask_config(item["config"], keys, current_config))
        changed = any(result["changed"] for result in results)
        plan_result = dict(connectors=results)
        if params.get("name") is not None:
            plan_result.update(dict((key, results[0][key]) for key in ("name", "config", "status")))
        return Plan(changed, plan_result, dict(before=before, after=after),
                    data=dict(items=dict((item["name"], item) for item in items)))

    def verify(self, ctx, plan, failures):
        if not ctx.params.get("validate", True):
            return
        for result in plan.result["connectors"]:
            if not set(result["actions"]) & set(["create", "update"]):
                continue
            config = plan.data["items"][result["name"]]["config"]
            with ctx.step("validate the config of %s" % result["name"]):
                try:
                    answer = ctx.client.validate(config)
                except KafkaConnectError as exc:
                    # an unknown class or a malformed config: the worker's refusal is the answer
                    if exc.status not in (400, 404, 422):
                        raise
                    failures.add(result["name"], exc.worker_message or exc.message)
                    continue
            errors = validation_errors(answer)
            if errors:
                failures.add(result["name"], "; ".join(errors))

    def apply(self, ctx, plan, failures):
        client = ctx.client
        calls = dict(delete=client.delete, pause=client.pause, resume=client.resume,
                     stop=client.stop, reset_offsets=client.reset_offsets,
                     restart=client.restart)
        for result in plan.result["connectors"]:
            item = plan.data["items"][result["name"]]
            for action in result["actions"]:
                with ctx.step("%s %s" % (action.replace("_", " "), result["name"])):
                    if action in ("create", "update"):
                        client.put_config(item["name"], item["config"])
                    else:
                        calls[action](item["name"])
        if ctx.params.get("wait", True):
            self.wait(ctx, plan, failures)

    def wait(self, ctx, plan, failures):
        """Until every changed connector shows its state on the worker (or one FAILED).

        The worker applies a restart, resume or config update asynchronously: for a few seconds
        its status may still show the FAILED of before, which is then not taken as the answer.
        """
        pending = [r for r in plan.result["connectors"] if r["changed"] and r["state"] != "absent"]
        started = time.time()
        timeout = ctx.params.get("wait_timeout", 60)
        sleep = ctx.client.sleep or time.sleep
        while pending:
            still = []
            for result in pending:
                with ctx.step("read the status of %s" % result["name"]):
                    summary = task_summary(ctx.client.status(result["name"]))
                result["status"] = summary
                done, problem = wait_verdict(result["state"], summary,
                                             time.time() - started >= NO_TASKS_GRACE)
                stale = (set(result["actions"]) & set(STALE_AFTER)
                         and time.time() - started < min(STALE_GRACE, timeout))
                if problem and not stale:
                    failures.add(result["name"], problem)
                elif not done:
                    still.append(result)
            pending = still
            if pending and time.time() - started >= timeout:
                for result in pending:
                    failures.add(result["name"], "not %s after %ss (status: %s)" % (
                        WORKER_STATE[result["state"]], timeout, result["status"]))
                break
            if pending:
                sleep(0.5)
        if ctx.params.get("name") is not None:
            plan.result["status"] = plan.result["connectors"][0]["status"]


class ConnectorInfoResource(Resource):
    """``kafka_connector_info``: the worker, its plugins and its connectors (configs masked)."""

    service = "Kafka Connect"

    def read(self, ctx, desired):
        params = ctx.params
        client = ctx.client
        out = {}
        with ctx.step("read the worker"):
            out["worker"] = client.worker()
        if params.get("plugins"):
            with ctx.step("list the connector plugins"):
                out["plugins"] = client.plugins()
        with ctx.step("list the connectors"):
            connectors = client.connectors()
        names = params.get("names")
        prefix = params.get("prefix")
        selected = []
        for name in sorted(connectors):
            if names and name not in names:
                continue
            if prefix and not name.startswith(prefix):
                continue
            entry = connectors[name]
            info = entry.get("info") or {}
            view = dict(name=name, type=info.get("type"),
                        config=mask_config(info.get("config")),
                        status=task_summary(entry.get("status")),
                        tasks=len(info.get("tasks") or []))
            if params.get("offsets"):
                with ctx.step("read the offsets of %s" % name):
                    try:
                        view["offsets"] = client.offsets(name).get("offsets")
                    except KafkaConnectError as exc:
                        if exc.status not in (404, 405):
                            raise
                        view["offsets"] = None
            selected.append(view)
        out["connectors"] = selected
        missing = sorted(set(names or []) - set(connectors))
        if missing:
            out["missing"] = missing
        return out

    def plan(self, ctx, desired, current):
        return Plan(False, current)
