# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The n8n workflow templates shipped with the collection.

Each template is a function of validated parameters that returns an n8n workflow (nodes,
connections, settings) whose nodes reference credentials by name. ``render_template(name,
params)`` checks the parameters (unknown, missing, wrong type, unsafe identifiers) and returns
``(workflow, implied_credentials)``: when ``brokers`` is given, the Kafka credential the
template references is managed too (created with those brokers).

Templates are plain Python data so that they travel with the module to the managed node.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

KAFKA_TRIGGER = "n8n-nodes-base.kafkaTrigger"
KAFKA = "n8n-nodes-base.kafka"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$")
TOPIC = re.compile(r"^[A-Za-z0-9._-]{1,249}$")
WEBHOOK_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")


class TemplateError(ValueError):
    """A template name or parameter is wrong; the message says how to fix it."""


# Parameter specs: name -> (required, default, checker(value) -> error text or None, description)
def _topic_check(value):
    if not isinstance(value, str) or not TOPIC.match(value) or value in (".", ".."):
        return ("must be a Kafka topic name: 1-249 characters of letters, digits, '.', '_' "
                "and '-'")
    return None


def _text_check(value):
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string"
    return None


def _url_check(value):
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value):
        return "must be an http:// or https:// URL"
    return None


def _identifier_check(value):
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        return ("must be a plain SQL identifier (letters, digits, '_', optionally "
                "schema.table), not %r" % (value,))
    return None


def _path_check(value):
    if not isinstance(value, str) or not WEBHOOK_PATH.match(value) or ".." in value:
        return ("must be a URL path segment of letters, digits, '.', '_', '-' and '/' that "
                "does not start with '/'")
    return None


def _bool_check(value):
    return None if isinstance(value, bool) else "must be true or false"


def _brokers_check(value):
    items = split_brokers(value)
    if not items:
        return "must be a list of host:port (or a comma separated string)"
    for item in items:
        host, sep, port = item.rpartition(":")
        if not sep or not host or not port.isdigit():
            return "must be host:port entries, %r is not" % item
    return None


def split_brokers(value):
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)):
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def _method_check(value):
    if value not in ("POST", "PUT", "PATCH"):
        return "must be one of POST, PUT, PATCH"
    return None


COMMON_KAFKA = {
    "topic": (True, None, _topic_check, "Kafka topic the trigger consumes."),
    "group_id": (False, None, _text_check,
                 "Consumer group of the trigger (default n8n-<template>-<topic>)."),
    "from_beginning": (False, False, _bool_check,
                       "Start a new consumer group at the earliest offset."),
    "kafka_credential": (False, "kafka", _text_check, "Name of the n8n Kafka credential."),
    "brokers": (False, None, _brokers_check,
                "When given, the Kafka credential is created/updated with these brokers."),
    "client_id": (False, "n8n", _text_check, "Kafka client id of the managed credential."),
}


def _spec(*extra):
    spec = dict(COMMON_KAFKA)
    for item in extra:
        spec.update(item)
    return spec


def _node(name, node_type, version, position, parameters, credentials=None):
    node = {"name": name, "type": node_type, "typeVersion": version, "position": list(position),
            "parameters": parameters}
    if credentials:
        kind, credential = credentials
        node["credentials"] = {kind: {"name": credential}}
    return node


def _kafka_trigger(p, name="Kafka Trigger", json_only=False):
    options = {"jsonParseMessage": True}
    if json_only:
        options["onlyMessage"] = True
    if p["from_beginning"]:
        options["fromBeginning"] = True
    return _node(name, KAFKA_TRIGGER, 1.1, (0, 0),
                 {"topic": p["topic"], "groupId": p["group_id"], "options": options},
                 ("kafka", p["kafka_credential"]))


def _kafka_producer(p, topic, message, name="Send to Kafka", position=(440, 0)):
    return _node(name, KAFKA, 1, position,
                 {"topic": topic, "sendInputData": False, "message": message, "options": {}},
                 ("kafka", p["kafka_credential"]))


def _main(*pairs):
    """connections from (source, target) node name pairs over the main output."""
    connections = {}
    for source, target in pairs:
        connections.setdefault(source, {"main": [[]]})["main"][0].append(
            {"node": target, "type": "main", "index": 0})
    return connections


SETTINGS = {"executionOrder": "v1"}


def _workflow(nodes, connections):
    return {"nodes": nodes, "connections": connections, "settings": dict(SETTINGS)}


def _trigger_then(p, node, json_only=False):
    """The Kafka trigger feeding ``node``: the shape of most templates."""
    return _workflow([_kafka_trigger(p, json_only=json_only), node],
                     _main(("Kafka Trigger", node["name"])))


# what a message is, as text, in an n8n expression
MESSAGE_TEXT = "typeof $json.message === 'string' ? $json.message : JSON.stringify($json.message)"


def kafka_to_webhook(p):
    return _trigger_then(p, _node("Call Webhook", "n8n-nodes-base.httpRequest", 4.2, (440, 0), {
        "method": p["http_method"],
        "url": p["webhook_url"],
        "sendBody": True,
        "specifyBody": "json",
        "jsonBody": "={{ JSON.stringify($json) }}",
        "options": {},
    }), json_only=True)


def kafka_to_database(p):
    schema, _sep, table = p["table"].rpartition(".")
    return _trigger_then(p, _node("Insert Row", "n8n-nodes-base.postgres", 2.5, (440, 0), {
        "operation": "executeQuery",
        "query": 'INSERT INTO %s (topic, payload) VALUES ($1, $2)' % ".".join(
            '"%s"' % part for part in ([schema] if schema else []) + [table]),
        "options": {"queryReplacement": "={{ [$json.topic, %s] }}" % MESSAGE_TEXT},
    }, ("postgres", p["postgres_credential"])))


def kafka_to_slack(p):
    return _trigger_then(p, _node("Post to Slack", "n8n-nodes-base.slack", 2.2, (440, 0), {
        "select": "channel",
        "channelId": {"__rl": True, "mode": "name", "value": p["channel"]},
        "text": p["text"],
        "otherOptions": {},
    }, ("slackApi", p["slack_credential"])))


def webhook_to_kafka(p):
    webhook = _node("Webhook", "n8n-nodes-base.webhook", 2, (0, 0), {
        "httpMethod": "POST", "path": p["webhook_path"], "responseMode": "onReceived",
        "options": {}})
    producer = _kafka_producer(p, p["topic"], "={{ JSON.stringify($json.body) }}")
    return _workflow([webhook, producer], _main(("Webhook", "Send to Kafka")))


def kafka_ai_agent_action(p):
    agent = _node("AI Agent", "@n8n/n8n-nodes-langchain.agent", 2.2, (440, 0), {
        "promptType": "define",
        "text": "={{ %s }}" % MESSAGE_TEXT,
        "options": {"systemMessage": p["system_prompt"]},
    })
    model = _node("OpenAI Chat Model", "@n8n/n8n-nodes-langchain.lmChatOpenAi", 1, (440, 220),
                  {"model": p["model"], "options": {}}, ("openAiApi", p["openai_credential"]))
    producer = _kafka_producer(p, p["output_topic"],
                               "={{ JSON.stringify({ input: $('Kafka Trigger').item.json.message,"
                               " action: $json.output }) }}", position=(880, 0))
    connections = _main(("Kafka Trigger", "AI Agent"), ("AI Agent", "Send to Kafka"))
    connections["OpenAI Chat Model"] = {
        "ai_languageModel": [[{"node": "AI Agent", "type": "ai_languageModel", "index": 0}]]}
    return _workflow([_kafka_trigger(p), agent, model, producer], connections)


TEMPLATES = {
    "kafka-to-webhook": (kafka_to_webhook, _spec({
        "webhook_url": (True, None, _url_check, "URL every message is sent to, as JSON."),
        "http_method": (False, "POST", _method_check, "HTTP method of the call."),
    }), "Kafka messages (JSON) are sent to an HTTP endpoint."),
    "kafka-to-database": (kafka_to_database, _spec({
        "table": (True, None, _identifier_check,
                  "PostgreSQL table with columns topic (text) and payload (text or jsonb)."),
        "postgres_credential": (False, "postgres", _text_check,
                                "Name of the n8n Postgres credential."),
    }), "Kafka messages are inserted as rows (topic, payload) into a PostgreSQL table."),
    "kafka-to-slack": (kafka_to_slack, _spec({
        "channel": (True, None, _text_check, "Slack channel name, for example #alerts."),
        "text": (False, "=Kafka {{ $json.topic }}: {{ typeof $json.message === 'string' ? "
                        "$json.message : JSON.stringify($json.message) }}", _text_check,
                 "Message text (an n8n expression)."),
        "slack_credential": (False, "slack", _text_check,
                             "Name of the n8n Slack API credential (slackApi)."),
    }), "Kafka messages are posted to a Slack channel."),
    "webhook-to-kafka": (webhook_to_kafka, dict(
        (k, v) for k, v in _spec({
            "topic": (True, None, _topic_check, "Kafka topic the request bodies go to."),
            "webhook_path": (True, None, _path_check,
                             "Path of the n8n webhook: POST <n8n>/webhook/<path>."),
        }).items() if k not in ("group_id", "from_beginning")),
        "The JSON body of every POST to an n8n webhook is produced to a Kafka topic."),
    "kafka-ai-agent-action": (kafka_ai_agent_action, _spec({
        "output_topic": (True, None, _topic_check, "Topic the agent's decisions go to."),
        "system_prompt": (False, "You are an operations assistant. Read the event and answer "
                                 "with the single action to take.", _text_check,
                          "System message of the agent."),
        "model": (False, "gpt-4o-mini", _text_check, "OpenAI chat model."),
        "openai_credential": (False, "openai", _text_check,
                              "Name of the n8n OpenAI credential (openAiApi)."),
    }), "An AI agent (OpenAI chat model) reads each Kafka message and produces its answer to "
        "another topic."),
}


def template_names():
    return sorted(TEMPLATES)


def render_template(name, params):
    """Return ``(workflow, implied_credentials)`` for template ``name`` with ``params``."""
    if name not in TEMPLATES:
        raise TemplateError("unknown template %r; choose one of: %s"
                            % (name, ", ".join(template_names())))
    builder, spec, _desc = TEMPLATES[name]
    params = dict(params or {})
    unknown = sorted(set(params) - set(spec))
    if unknown:
        raise TemplateError("template %s does not take parameter(s) %s; it takes: %s"
                            % (name, ", ".join(unknown), ", ".join(sorted(spec))))
    values = {}
    problems = []
    for key in sorted(spec):
        required, default, check, _doc = spec[key]
        value = params.get(key)
        if value is None:
            if required:
                problems.append("%s is required" % key)
                continue
            values[key] = default
            continue
        error = check(value)
        if error:
            problems.append("%s %s" % (key, error))
        values[key] = value
    if problems:
        raise TemplateError("template %s: %s" % (name, "; ".join(problems)))
    if "group_id" in spec and not values.get("group_id"):
        values["group_id"] = "n8n-%s-%s" % (name, values["topic"])
    workflow = builder(values)
    implied = []
    if values.get("brokers"):
        implied.append({
            "name": values["kafka_credential"],
            "type": "kafka",
            "data": {"brokers": ",".join(split_brokers(values["brokers"])),
                     "clientId": values["client_id"], "ssl": False, "authentication": False},
        })
    return workflow, implied
