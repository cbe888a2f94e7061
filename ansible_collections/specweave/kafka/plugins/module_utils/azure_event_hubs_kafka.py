# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Kafka API of Azure Event Hubs supports, for the Kafka modules (pure, no SDK).

An Event Hubs namespace speaks the Kafka protocol on ``<namespace>.servicebus.windows.net:9093``,
but it is not a Kafka cluster: an event hub is a topic whose settings are Azure's. What the
collection's Kafka modules may ask of it:

- topics: create (partitions, ``retention.ms`` in whole hours, ``cleanup.policy`` delete or
  compact) and delete; more partitions on Premium and Dedicated namespaces only; no topic config
  changes afterwards (no AlterConfigs / IncrementalAlterConfigs), no other topic config (Event
  Hubs ignores them), no replication factor (Event Hubs replicates by itself), no partition
  reassignment;
- ACLs, SCRAM users and client quotas do not exist there (access is Azure RBAC or shared access
  rules: use specweave.kafka.event_hubs_authorization_rule);
- kafka_info: topics, partitions and consumer groups; no KRaft quorum (DescribeQuorum).

``kafka_topic`` and ``kafka_info`` check a request against these before any call when their
bootstrap servers are an Event Hubs endpoint, and turn the protocol errors Event Hubs answers
with into a message that names the limitation.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

HOST_SUFFIXES = (".servicebus.windows.net", ".servicebus.chinacloudapi.cn",
                 ".servicebus.usgovcloudapi.net")
TOPIC_CONFIGS = ("retention.ms", "cleanup.policy")
HOUR_MS = 3600 * 1000
GUIDE = ("see the Event Hubs guide of specweave.kafka, or manage event hubs with "
         "specweave.kafka.event_hub")
# kafka-python error class names that mean "this request is not part of Event Hubs' Kafka API"
UNSUPPORTED_ERRORS = ("UnsupportedVersionError", "IncompatibleBrokerVersion",
                      "InvalidRequestError", "PolicyViolationError", "UnknownServerError",
                      "ClusterAuthorizationFailedError", "SecurityDisabledError")


def _host(server):
    host = str(server).strip()
    if "://" in host:
        host = host.split("://", 1)[1]
    return host.rsplit(":", 1)[0].lower() if ":" in host else host.lower()


def is_event_hubs(servers):
    """Whether the bootstrap servers are an Azure Event Hubs Kafka endpoint."""
    return any(_host(server).endswith(HOST_SUFFIXES) for server in servers or [])


def topic_problems(desired, params):
    """``(problems, warnings)`` of a kafka_topic request to Event Hubs, found before any call.

    Drops the replication factors of ``desired`` (Event Hubs replicates by itself; the same
    topic list serves a Kafka cluster and Event Hubs) and says so in ``warnings``.
    """
    problems = []
    warnings = []
    if params.get("reset_undeclared_config"):
        problems.append("reset_undeclared_config needs AlterConfigs, which the Kafka API of "
                        "Azure Event Hubs does not have")
    for topic in desired:
        name = topic["name"]
        if topic.get("replication_factor"):
            warnings.append("replication_factor of %s is ignored: Azure Event Hubs replicates "
                            "every event hub itself" % name)
            topic["replication_factor"] = None
        if topic.get("state") == "absent":
            continue
        config = topic.get("config") or {}
        ignored = sorted(key for key in config if key not in TOPIC_CONFIGS)
        if ignored:
            problems.append(
                "%s: Azure Event Hubs ignores the topic config(s) %s (its Kafka API applies only "
                "%s when a topic is created)"
                % (name, ", ".join(ignored), " and ".join(TOPIC_CONFIGS)))
        retention = config.get("retention.ms")
        if retention is not None:
            try:
                value = int(retention)
            except (TypeError, ValueError):
                value = None
            if value is None or value <= 0 or value % HOUR_MS:
                problems.append("%s: retention.ms=%s: Azure Event Hubs keeps events for whole "
                                "hours (a positive multiple of 3600000), never forever"
                                % (name, retention))
        policy = config.get("cleanup.policy")
        if policy is not None and str(policy) not in ("delete", "compact"):
            problems.append("%s: cleanup.policy=%s: Azure Event Hubs supports delete or "
                            "compact, not both" % (name, policy))
    return problems, warnings


def plan_problems(plan):
    """What a kafka_topic plan asks that the Kafka API of Event Hubs cannot do."""
    problems = []
    for name, configs in sorted(plan.get("alter_configs", {}).items()):
        problems.append("%s: topic config changes (%s) of an existing topic are not possible "
                        "through the Kafka API of Azure Event Hubs (no AlterConfigs); change "
                        "the event hub with specweave.kafka.event_hub"
                        % (name, ", ".join(sorted(configs))))
    for name in sorted(plan.get("reassign", {})):
        problems.append("%s: Azure Event Hubs places partitions itself; replica assignment is "
                        "not part of its Kafka API" % name)
    return problems


def info_problems(params):
    """What a kafka_info request asks that Event Hubs does not have (before any call)."""
    problems = []
    if params.get("require_voters") or params.get("quorum_max_lag") is not None:
        problems.append("require_voters and quorum_max_lag need a KRaft controller quorum, "
                        "which Azure Event Hubs does not have (no DescribeQuorum)")
    if params.get("require_brokers") or params.get("expected_brokers"):
        problems.append("require_brokers and expected_brokers name Kafka brokers; Azure Event "
                        "Hubs shows its namespace endpoint, not brokers")
    return problems


SUPPORTED = (
    "The Kafka API of Azure Event Hubs supports creating and deleting topics (partitions, "
    "retention.ms, cleanup.policy), adding partitions on Premium and Dedicated namespaces, "
    "metadata and consumer groups; not topic config changes, ACLs, SCRAM users, quotas, "
    "reassignments or the KRaft quorum; " + GUIDE + ".")


def explain(exc, action):
    """A sentence naming the limitation when Event Hubs refused ``action`` (else None)."""
    name = type(exc).__name__
    if name not in UNSUPPORTED_ERRORS:
        return None
    return "Azure Event Hubs refused %s (%s: %s). %s" % (
        action or "the request", name, exc, SUPPORTED)


@contextlib.contextmanager
def guard(on_event_hubs, action, failure):
    """Inside: a library error of an unsupported request becomes ``failure(message)``."""
    try:
        yield
    except Exception as exc:  # pylint: disable=broad-except
        message = explain(exc, action) if on_event_hubs else None
        if message is None:
            raise
        raise failure(message)
