# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Confluent Cloud managed connectors (``connect/v1``): the planners, the client calls and the
runner declarations of ``confluent_connector`` and ``confluent_connector_info``.

The planners are pure: ``connector_config`` turns the task's ``config`` into the string map the
service stores (or says what is wrong), ``config_changes`` compares it with the service's view
(where the service shows secrets as asterisks, see ``masked``), ``plan_connector`` orders the
actions, ``status_summary`` and ``wait_verdict`` read a status. ``ConnectClient`` is the family's
client on the shared HTTP layer (``confluent_cloud.ConfluentCloudClient``); its family reads
the error shapes of ``connect/v1`` (``{"error": {"code", "message"}}``, ``{"code", "message"}``,
``{"error_code", "message"}``) and does not retry a 500 that names a connector class that does
not exist (the service answers every repeat the same).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible.module_utils.six import string_types

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import (
    CLUSTER_ID_RE,
    ConfluentCloudClient,
    ConfluentCloudConnection,
    ConfluentCloudError,
    ConfluentCloudFamily,
    pick_by_name,
    quote_id,
    require_environment,
)
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud_resource import (
    ConfluentInfo,
    Found,
    cloud_step,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect_resource import (
    is_secret,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)

STATES = ["running", "paused", "absent"]
UPDATE_SECRETS = ["on_create", "always"]
#: The connector state the service shows for each desired state.
SERVICE_STATE = {"running": "RUNNING", "paused": "PAUSED"}
#: Config keys the service adds to every managed connector's config; not compared.
SERVICE_KEYS = ("cloud.environment", "cloud.provider", "kafka.endpoint", "kafka.region")
#: Keys the published API requires in every create and config update (connect/v1 spec).
AUTH_KEYS = ("kafka.api.key", "kafka.api.secret")
MASK = "********"
CHANGED_MASK = "******** (changed)"
RESENT_MASK = "******** (sent again)"
#: How the service shows a secret value: asterisks only.
SERVICE_MASK = re.compile(r"^\*{4,}$")
#: A 500 of connect/v1 that every repeat gets too: the connector class does not exist.
NO_SUCH_CLASS = "failed to find any class"


# -- desired state ---------------------------------------------------------------------------

def check_name(name):
    if not isinstance(name, string_types) or not name.strip():
        raise InvalidInput("name must be a non-empty string (the connector's name).")
    if name != name.strip() or "/" in name or re.search(r"[\x00-\x1f\x7f]", name):
        raise InvalidInput("connector name %r: leading or trailing blanks, control characters "
                           "and '/' cannot be used in a Confluent Cloud connector name." % name)


def connector_config(name, config):
    """The string map Confluent Cloud stores for connector ``name`` (``name`` key included).

    Values must be strings already: the service stores text only, and a number or boolean
    converted here would come back different from what the playbook says (``1.0``, ``True``).
    ``connector.class`` is required, and ``kafka.api.key``/``kafka.api.secret`` unless
    ``kafka.auth.mode`` is given (the published API requires the key pair; the service also
    accepts ``kafka.auth.mode: SERVICE_ACCOUNT``).
    """
    check_name(name)
    if not isinstance(config, dict) or not config:
        raise InvalidInput("connector %s: config must be a mapping of connector settings, with "
                           "at least connector.class; nothing was changed." % name)
    out = {}
    for key in sorted(config, key=str):
        value = config[key]
        if not isinstance(key, string_types) or not key.strip():
            raise InvalidInput("connector %s: config keys must be non-empty strings, got %r."
                               % (name, key))
        if not isinstance(value, string_types):
            raise InvalidInput(
                "connector %s: config key %r has a %s value; Confluent Cloud takes string values "
                "only. Quote it in the playbook (for example \"1\" or \"true\"); nothing was "
                "changed." % (name, key, type(value).__name__))
        out[key] = value
    if out.get("name", name) != name:
        raise InvalidInput("connector %s: config name %r differs from the connector's name; drop "
                           "it from config or make them equal." % (name, out["name"]))
    out["name"] = name
    missing = [] if out.get("connector.class", "").strip() else ["connector.class"]
    if not out.get("kafka.auth.mode"):
        missing += [key for key in AUTH_KEYS if not out.get(key)]
    if missing:
        raise InvalidInput(
            "connector %s: config needs %s (connector.class is the managed connector's plugin, "
            "for example DatagenSource; kafka.api.key and kafka.api.secret are a Kafka API key of "
            "the cluster, or set kafka.auth.mode); nothing was changed."
            % (name, ", ".join(missing)))
    return out


def secret_values(config, secret_keys=()):
    """The values of ``config`` that are secrets (to be hidden everywhere in the output)."""
    return [value for key, value in (config or {}).items()
            if isinstance(value, string_types) and value and is_secret(key, secret_keys)]


# -- secrets and the service's view ------------------------------------------------------------

def masked(value):
    """True when the service shows ``value`` in place of a secret (asterisks only)."""
    return isinstance(value, string_types) and bool(SERVICE_MASK.match(value))


def secret_keys_of(desired, current, secret_keys=()):
    """Keys whose values are hidden: named secret, or masked by the service."""
    keys = set(key for key in list(desired or {}) + list(current or {})
               if is_secret(key, secret_keys))
    keys.update(key for key, value in (current or {}).items() if masked(value))
    return keys


def mask_config(config, secrets):
    if config is None:
        return None
    return dict((key, MASK if key in secrets and value not in (None, "") else value)
                for key, value in config.items())


def config_changes(desired, current, secret_keys=(), update_secrets="on_create"):
    """``{key: [before, after]}`` between the desired config and the service's view, secrets
    shown masked (``None`` for a key that is added or removed).

    A value the service masks cannot be compared: with ``update_secrets=on_create`` it counts
    as equal, with ``always`` it is sent again (and the connector counts as changed). Keys the
    service adds itself (``SERVICE_KEYS``) are not compared unless the task sets them.
    """
    secrets = secret_keys_of(desired, current, secret_keys)
    changes = {}
    for key in sorted(set(desired) | set(current)):
        want, have = desired.get(key), current.get(key)
        if key not in desired:
            if key in SERVICE_KEYS:
                continue
            changes[key] = [MASK if key in secrets else have, None]
        elif key not in current:
            changes[key] = [None, MASK if key in secrets else want]
        elif masked(have):
            if update_secrets == "always":
                changes[key] = [MASK, RESENT_MASK]
        elif have != want:
            changes[key] = [MASK, CHANGED_MASK] if key in secrets else [have, want]
    return changes


def status_summary(status):
    """``{state, worker_id, trace, type, tasks: [{id, state, worker_id, msg}]}`` of a status."""
    if not status:
        return None
    connector = status.get("connector") or {}
    tasks = []
    for task in status.get("tasks") or []:
        entry = dict(id=task.get("id"), state=task.get("state"), worker_id=task.get("worker_id"))
        if task.get("msg"):
            entry["msg"] = task["msg"]
        tasks.append(entry)
    summary = dict(state=connector.get("state"), worker_id=connector.get("worker_id"),
                   type=status.get("type"), tasks=tasks)
    if connector.get("trace"):
        summary["trace"] = connector["trace"]
    return summary


def describe_status(summary):
    """One line: the connector state, each task's state, and any trace or task message."""
    if not summary:
        return "no status"
    tasks = ", ".join("task %s %s" % (task["id"], task["state"]) for task in summary["tasks"])
    text = "connector %s%s" % (summary["state"], (" (" + tasks + ")") if tasks else
                               " (no tasks yet)")
    errors = [summary.get("trace")] + ["task %s: %s" % (task["id"], task["msg"])
                                       for task in summary["tasks"] if task.get("msg")]
    errors = [error for error in errors if error]
    if errors:
        text += "; error: " + "; ".join(errors)
    return text


def failed_message(name, summary):
    return ("Connector %s is FAILED on Confluent Cloud: %s. Fix the config (or what it points "
            "at) and re-run; the module sends the config again only when it differs, so delete "
            "the connector (state: absent) to start it from scratch."
            % (name, describe_status(summary)))


def wait_verdict(state, summary):
    """(done, failed) for a connector that should be ``state`` (running or paused)."""
    if summary is None:
        return False, False
    if summary["state"] == "FAILED":
        return False, True
    want = SERVICE_STATE[state]
    if summary["state"] != want:
        return False, False
    if state == "running" and not summary["tasks"]:
        return False, False
    return all(task["state"] == want for task in summary["tasks"]), False


def plan_connector(desired, exists, service_state, changes):
    """The ordered actions from the current connector (``exists``, its ``service_state`` and the
    config ``changes``) to ``desired`` (its ``state``)."""
    state = desired["state"]
    if state == "absent":
        return ["delete"] if exists else []
    if not exists:
        return ["create"] + (["pause"] if state == "paused" else [])
    actions = ["update"] if changes else []
    if state == "running" and service_state == "PAUSED":
        actions.append("resume")
    elif state == "paused" and service_state != "PAUSED":
        actions.append("pause")
    return actions


def validation_errors(answer):
    """``key: message`` lines of a ``config/validate`` answer."""
    lines = []
    for entry in (answer or {}).get("configs") or []:
        value = entry.get("value") or {}
        for error in value.get("errors") or []:
            lines.append("%s: %s" % (value.get("name"), error))
    return lines


def connector_view(name, env_id, cluster_id, config, summary, secrets):
    """What a result or diff shows of a connector."""
    view = dict(name=name, environment=env_id, cluster=cluster_id,
                config=mask_config(config, secrets))
    if summary is not None:
        view.update(state=summary["state"], type=summary.get("type"), tasks=summary["tasks"])
        if summary.get("trace"):
            view["trace"] = summary["trace"]
    return view


def wait_for_connector(client, env_id, cluster_id, name, state, timeout, interval, clock=None,
                       sleep=None):
    """Poll the status until the connector and its tasks are RUNNING (or PAUSED); return
    (summary, states seen). FAILED raises at once with the service's trace; the timeout's
    message carries the last status."""
    clock = clock or time.time
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    seen = []
    while True:
        summary = status_summary(client.get_status(env_id, cluster_id, name))
        current = (summary or {}).get("state")
        if not seen or seen[-1] != current:
            seen.append(current)
        done, failed = wait_verdict(state, summary)
        if done:
            return summary, seen
        if failed:
            raise ModuleFailure(failed_message(name, summary), state_history=seen,
                                status=summary)
        if clock() >= deadline:
            raise ModuleFailure(
                "Connector %s is not %s after %s seconds (states seen: %s); last status: %s. It "
                "goes on on Confluent's side: re-run later or raise wait_timeout."
                % (name, SERVICE_STATE[state], timeout, " -> ".join(str(s) for s in seen),
                   describe_status(summary)), state_history=seen, status=summary)
        sleep(interval)


# -- the client --------------------------------------------------------------------------------

class ConnectFamily(ConfluentCloudFamily):
    """The connect/v1 error shapes and its one deterministic 500."""

    @staticmethod
    def normalize(body):
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return {"message": body["error"].get("message") or body["error"].get("code")}
        return body

    def error(self, failure):
        failure.body = self.normalize(failure.body)
        return super(ConnectFamily, self).error(failure)

    def retryable(self, failure):
        body = self.normalize(failure.body)
        if failure.status == 500 and isinstance(body, dict) and \
                NO_SUCH_CLASS in str(body.get("message", "")).lower():
            return False
        return None


class ConnectClient(ConfluentCloudClient):
    """The Confluent Cloud client with the calls of connect/v1."""

    def __init__(self, *args, **kwargs):
        super(ConnectClient, self).__init__(*args, **kwargs)
        self.http.family = ConnectFamily(self.api_url)

    @staticmethod
    def _base(env_id, cluster_id):
        return "/connect/v1/environments/%s/clusters/%s" % (quote_id(env_id), quote_id(cluster_id))

    def _connector(self, env_id, cluster_id, name, tail=""):
        return "%s/connectors/%s%s" % (self._base(env_id, cluster_id), quote_id(name), tail)

    def list_connectors(self, env_id, cluster_id, expand=("info", "status")):
        """``{name: {"info": ..., "status": ...}}`` of every connector of the cluster."""
        return self.request("GET", self._base(env_id, cluster_id) + "/connectors",
                            {"expand": list(expand)}) or {}

    def get_connector(self, env_id, cluster_id, name):
        return self.get(self._connector(env_id, cluster_id, name))

    def get_status(self, env_id, cluster_id, name):
        return self.get(self._connector(env_id, cluster_id, name, "/status"))

    def validate_config(self, env_id, cluster_id, plugin, config):
        return self.request("PUT", "%s/connector-plugins/%s/config/validate"
                            % (self._base(env_id, cluster_id), quote_id(plugin)), body=config)

    def create_connector(self, env_id, cluster_id, name, config):
        # not idempotent: retried on 429 only (see ConfluentCloudClient)
        return self.request("POST", self._base(env_id, cluster_id) + "/connectors",
                            body={"name": name, "config": config})

    def put_config(self, env_id, cluster_id, name, config):
        return self.request("PUT", self._connector(env_id, cluster_id, name, "/config"),
                            body=config)

    def pause(self, env_id, cluster_id, name):
        return self.request("PUT", self._connector(env_id, cluster_id, name, "/pause"))

    def resume(self, env_id, cluster_id, name):
        return self.request("PUT", self._connector(env_id, cluster_id, name, "/resume"))

    def delete_connector(self, env_id, cluster_id, name):
        return self.request("DELETE", self._connector(env_id, cluster_id, name))


class ConnectConnection(ConfluentCloudConnection):
    def open(self, ctx):
        params = ctx.params
        return ConnectClient(
            params["api_key"], params["api_secret"], api_url=params["api_url"],
            timeout=params["request_timeout"], validate_certs=params["validate_certs"],
            max_retries=params["max_retries"])


def resolve_cluster(client, environment, cluster):
    """(environment id, cluster id): the environment by id or display name (one read), the
    cluster by id (used as it is) or display name."""
    env_id = require_environment(client, environment)["id"]
    if CLUSTER_ID_RE.match(cluster):
        return env_id, cluster
    found = pick_by_name(client.list_clusters(env_id), cluster, "cluster")
    if found is None:
        raise ConfluentCloudError("No Kafka cluster named %r in environment %s; give its id "
                                  "(lkc-...) or create it with specweave.kafka.confluent_cluster."
                                  % (cluster, env_id))
    return env_id, found["id"]


# -- the declarations ----------------------------------------------------------------------------

class ConnectorResource(Resource):
    """``confluent_connector``: one managed connector created, updated, paused, resumed or
    deleted; validated by the service first; waited for until it runs (or is paused)."""

    service = "Confluent Cloud"
    noun = "connector setting"

    def desired(self, ctx):
        params = ctx.params
        secret_keys = params.get("secret_keys") or []
        # hidden everywhere in the output (invocation, messages, diff) from here on
        for value in secret_values(params.get("config"), secret_keys):
            ctx.module.no_log_values.add(value)
        check_name(params["name"])
        desired = dict(params)
        desired["config"] = None if params["state"] == "absent" else \
            connector_config(params["name"], params.get("config"))
        return desired

    def read(self, ctx, desired):
        client = ctx.client
        with cloud_step(ctx, "Resolve environment and cluster"):
            env_id, cluster_id = resolve_cluster(client, desired["environment"],
                                                 desired["cluster"])
        with cloud_step(ctx, "Read connector %s" % desired["name"]):
            raw = client.get_connector(env_id, cluster_id, desired["name"])
            status = client.get_status(env_id, cluster_id, desired["name"]) if raw else None
        return Found(raw, env_id=env_id, cluster_id=cluster_id, status=status_summary(status))

    def plan(self, ctx, desired, current):
        name = desired["name"]
        have = (current.raw or {}).get("config") or {}
        want = desired["config"] or {}
        secrets = secret_keys_of(want, have, desired["secret_keys"] or ())
        summary = current.status
        service_state = (summary or {}).get("state")
        exists = current.raw is not None
        changes = {}
        if exists and desired["state"] != "absent":
            config = config_changes(want, have, desired["secret_keys"] or (),
                                    desired["update_secrets"])
            if config:
                changes["config"] = config
        actions = plan_connector(desired, exists, service_state, changes.get("config"))
        if service_state == "FAILED" and desired["state"] != "absent" and \
                "update" not in actions:
            raise ModuleFailure(failed_message(name, summary), connector=connector_view(
                name, current.env_id, current.cluster_id, have, summary, secrets))
        if "pause" in actions or "resume" in actions:
            changes["state"] = [service_state if exists else None,
                                SERVICE_STATE[desired["state"]]]
        before = connector_view(name, current.env_id, current.cluster_id, have, summary,
                                secrets) if exists else {}
        if desired["state"] == "absent":
            after = {}
        else:
            kept = dict((key, value) for key, value in have.items()
                        if key in SERVICE_KEYS and key not in want)
            kept.update(want)
            predicted = dict(summary or {}, state=SERVICE_STATE[desired["state"]]
                             if (actions or not exists) else service_state)
            if not exists:
                predicted.update(type=None, tasks=[])
            after = connector_view(name, current.env_id, current.cluster_id, kept, predicted,
                                   secrets)
        result = dict(connector=after, actions=actions, changes=changes, state_history=[])
        return Plan(bool(actions), result, diff=dict(before=before, after=after),
                    data=dict(desired=desired, current=current, actions=actions,
                              secrets=secrets))

    def verify(self, ctx, plan, failures):
        desired, current = plan.data["desired"], plan.data["current"]
        if not desired["validate"] or not set(plan.data["actions"]) & {"create", "update"}:
            return
        config = desired["config"]
        plugin = config["connector.class"]
        with cloud_step(ctx, "Validate the config of connector %s" % desired["name"]):
            try:
                answer = ctx.client.validate_config(current.env_id, current.cluster_id, plugin,
                                                    config)
            except ConfluentCloudError as exc:
                if exc.status != 404:
                    raise
                failures.add("connector.class", "%r is not a connector plugin of cluster %s (%s)"
                             % (plugin, current.cluster_id, exc))
                return
        for line in validation_errors(answer):
            key, error = line.split(": ", 1) if ": " in line else (line, "")
            failures.add(key, error)

    def apply(self, ctx, plan, failures):
        desired, current = plan.data["desired"], plan.data["current"]
        client, name = ctx.client, desired["name"]
        env_id, cluster_id = current.env_id, current.cluster_id
        calls = dict(create=lambda: client.create_connector(env_id, cluster_id, name,
                                                            desired["config"]),
                     update=lambda: client.put_config(env_id, cluster_id, name,
                                                      desired["config"]),
                     pause=lambda: client.pause(env_id, cluster_id, name),
                     resume=lambda: client.resume(env_id, cluster_id, name),
                     delete=lambda: client.delete_connector(env_id, cluster_id, name))
        for action in plan.data["actions"]:
            with cloud_step(ctx, "%s connector %s" % (action.capitalize(), name)):
                calls[action]()
        if desired["state"] == "absent":
            return
        with cloud_step(ctx, "Read connector %s" % name):
            raw = client.get_connector(env_id, cluster_id, name) or {}
        summary = None
        if desired["wait"]:
            try:
                summary, seen = wait_for_connector(
                    client, env_id, cluster_id, name, desired["state"], desired["wait_timeout"],
                    desired["wait_interval"])
            except ConfluentCloudError as exc:
                raise ModuleFailure(str(exc), status=exc.status)
            plan.result["state_history"] = seen
        view = connector_view(name, env_id, cluster_id, raw.get("config"), summary,
                              plan.data["secrets"] | secret_keys_of(
                                  {}, raw.get("config"), desired["secret_keys"] or ()))
        plan.result["connector"] = view
        plan.diff["after"] = view


class ConnectorInfo(ConfluentInfo):
    """``confluent_connector_info``: every connector of a cluster with its status."""

    def read(self, ctx, desired):
        client = ctx.client
        with cloud_step(ctx, "List connectors"):
            env_id, cluster_id = resolve_cluster(client, desired["environment"],
                                                 desired["cluster"])
            found = client.list_connectors(env_id, cluster_id)
        connectors = []
        for name in sorted(found):
            if desired["name"] is not None and name != desired["name"]:
                continue
            entry = found[name] or {}
            config = (entry.get("info") or {}).get("config")
            connectors.append(connector_view(name, env_id, cluster_id, config,
                                             status_summary(entry.get("status")),
                                             secret_keys_of({}, config)))
        return dict(environment=env_id, cluster=cluster_id, connectors=connectors)
