# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kafka wire adapter: the one file that goes beyond kafka-python's public API.

Everything here either reaches into the admin client's internals (its connection manager
``admin._manager``, ``_send_request_to_controller``, ``_async_describe_configs``,
``_describe_cluster``) or sends a raw protocol request of ``kafka.protocol``. Each use is one
named function with, where kafka-python has a public call for the same work, a fallback to it:

- ``broker_version``: the version the client negotiated (no public accessor; None otherwise);
- ``create_topics``: CreateTopics at protocol version 4 at most (fallback: ``create_topics``);
- ``read_topics``: Metadata, DescribeConfigs and DescribeCluster sent at once on the client's
  event loop (fallback: ``describe_topics``, ``describe_configs``, ``describe_cluster``);
- ``alter_topic_configs``: IncrementalAlterConfigs for topics (public API only);
- ``describe_client_quotas`` / ``alter_client_quotas``: kafka-python has no admin call for
  client quotas, so there is no fallback.

Every function records the path it took in ``PATHS`` (``"fast"`` or ``"fallback"``): the
integration test on the real library asserts that the fast paths are taken, so a change of
kafka-python's internals shows up as a failing test rather than as a silent slow-down.
``SUPPORTED`` is the range of kafka-python the collection is tested with; ``KafkaConnection``
refuses any other version with ``library_version_problem()``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# The kafka-python releases the collection is tested with: [minimum, maximum).
SUPPORTED = ((3, 0, 12), (3, 1))
REQUIREMENT = "kafka-python>=3.0.12,<3.1"

# From version 5 a CreateTopics answer carries every config of every new topic (about 30 each),
# which kafka-python decodes and post-processes; the module only reads the error codes.
CREATE_TOPICS_MAX_VERSION = 4

# kafka-python's wording, which the failure messages rely on (it is not API either):
# words of its log lines and exception texts that identify the kind of failure,
LOG_TLS_MARKERS = ("ssl", "certificate", "handshake", "tls", "wrong version number")
LOG_AUTH_MARKERS = ("authenticat", "sasl", "invalid credentials", "invalid username or password")
# the broker's own refusal of a SASL login (not a retry or a lost connection): asking again with the
# same credentials gets the same answer, so the modules stop waiting as soon as one is logged
LOG_AUTH_REFUSED_MARKERS = ("saslauthenticationfailederror", "invalid credentials",
                            "invalid username or password")
# OpenSSL's refusals of a handshake (the peer's certificate or ours, or no TLS at all on the port):
# the same on every attempt, so they end the wait the same way
LOG_TLS_REFUSED_MARKERS = ("certificate_verify_failed", "alert_certificate_unknown",
                           "alert_bad_certificate", "alert_unknown_ca", "certificate_required",
                           "wrong_version_number")
# (a KRaft controller listener answers ApiVersions but not Metadata)
LOG_NOT_BROKER_MARKERS = ("does not support the 'metadatarequest'",)
# log lines that carry no cause (retries, the final timeout, event loop notes),
LOG_NOISE = ("not ready; waiting", "Bootstrap failed:", "Connection lost:",
             "blocking the event loop", "Closing ")
LOG_BACKOFF = re.compile(r"\s*\(backoff [0-9.]+ secs\)\s*$")
# and what 3.0.x logs when the broker closes the connection right after a refused SASL login
# (the broker's SaslAuthenticate error itself is lost).
LOG_SOCKET_DISCONNECTED = "socket disconnected"

# The path each function took on its last call: {"create_topics": "fast", ...}.
PATHS = {}

FAST = "fast"
FALLBACK = "fallback"


class WireUnavailable(Exception):
    """The installed kafka-python lacks what a request without a public call needs."""


def _took(name, path):
    PATHS[name] = path


def _version_tuple(text):
    numbers = []
    for part in str(text).split("."):
        match = re.match(r"\d+", part)
        if not match:
            break
        numbers.append(int(match.group(0)))
        if match.group(0) != part:
            break
    return tuple(numbers)


def _version_text(version):
    return ".".join(str(part) for part in version)


def library_version():
    """The installed kafka-python version string (None when kafka-python is missing)."""
    try:
        from kafka import __version__
    except ImportError:
        return None
    return __version__


def library_version_problem(version=None):
    """Why the installed (or given) kafka-python version is not supported, or None."""
    version = library_version() if version is None else version
    if version is None:
        return None
    number = _version_tuple(version)
    low, high = SUPPORTED
    if number[:len(low)] >= low and number[:len(high)] < high:
        return None
    needs = ">=%s,<%s" % (_version_text(low), _version_text(high))
    return ("kafka-python %s is installed; this collection needs %s: pip install "
            "'kafka-python%s'" % (version, needs, needs))


def _manager(admin, *needed):
    """The admin client's connection manager if it has every attribute ``needed``, else None."""
    manager = getattr(admin, "_manager", None)
    if manager is None or not all(hasattr(manager, attr) for attr in needed):
        return None
    return manager


def broker_version(admin):
    """Kafka version the client negotiated, a tuple such as (4, 1) (None when unknown)."""
    try:
        version = admin._manager.broker_version
    except Exception:  # pylint: disable=broad-except  # internals of kafka-python: best effort
        _took("broker_version", FALLBACK)
        return None
    _took("broker_version", FAST)
    return version


# -- CreateTopics ------------------------------------------------------------------------------

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
        _took("create_topics", FALLBACK)
        response = admin.create_topics(topics, timeout_ms=timeout_ms,
                                       validate_only=validate_only, raise_errors=False)
        return [dict(name=item["name"], error_code=item.get("error_code"),
                     error_message=item.get("error_message"))
                for item in response.get("topics", [])]
    from kafka import errors as kafka_errors

    def errors(response):
        return [kafka_errors.for_code(topic.error_code) for topic in response.topics]
    _took("create_topics", FAST)
    response = admin._manager.run(admin._send_request_to_controller, request, errors, False)
    return [dict(name=topic.name, error_code=topic.error_code,
                 error_message=getattr(topic, "error_message", None))
            for topic in response.topics]


def _create_topics_request(admin, topics, timeout_ms, validate_only):
    manager = _manager(admin, "run", "broker_version")
    if manager is None or not hasattr(admin, "_send_request_to_controller"):
        return None
    if manager.broker_version is None or manager.broker_version < (2, 4):
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


# -- the reads of a topic converge -------------------------------------------------------------

def topic_config_resources(keys_by_topic):
    """ConfigResources for {topic: [keys] or None (every key)}, in the order given."""
    from kafka.admin import ConfigResource
    return [ConfigResource("TOPIC", name, keys) for name, keys in keys_by_topic]


def read_topics(admin, names, resources, need_brokers):
    """(Metadata topics, describe_configs answer, describe_cluster answer or None).

    The three requests are independent, so they are sent together on the admin client's event
    loop and the broker answers one while the client decodes another: for 1,000 topics the reads
    of a no-op take 0.2-0.27 s instead of 0.23-0.44 s one after the other. The Metadata request
    leaves out the authorized operations kafka-python's ``describe_topics`` asks for (the module
    does not read them) and its answer is read as it comes, not copied into dicts. Falls back to
    the public calls, one after the other, if the client's internals are not there.
    """
    manager = _manager(admin, "call_soon", "run", "send")
    internals = ("_async_describe_configs", "_describe_cluster")
    if manager is None or not all(hasattr(admin, attr) for attr in internals):
        _took("read_topics", FALLBACK)
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
    _took("read_topics", FAST)
    return manager.run(together)


# -- IncrementalAlterConfigs -------------------------------------------------------------------

def alter_topic_configs(admin, alter, validate_only=False):
    """IncrementalAlterConfigs for {topic: {key: value or None (delete)}}, one request.

    Returns {topic: "OK" or the error text} as kafka-python's ``alter_configs`` does.
    """
    from kafka.admin import AlterConfigOp, ConfigResource
    resources = []
    for name in sorted(alter):
        ops = dict((key, (AlterConfigOp.DELETE, None) if value is None else (AlterConfigOp.SET, value))
                   for key, value in alter[name].items())
        resources.append(ConfigResource("TOPIC", name, ops))
    _took("alter_topic_configs", FAST)
    response = admin.alter_configs(resources, validate_only=validate_only,
                                   raise_on_unknown=False, incremental=True)
    return response.get("topic", {})


# -- client quotas (kafka-python has the messages but no admin call) ---------------------------

def _send(admin, name, request):
    """Send ``request`` to any broker through the admin client's connection manager."""
    manager = _manager(admin, "run", "send")
    if manager is None:
        _took(name, FALLBACK)
        raise WireUnavailable(
            "this kafka-python has no connection manager to send %s through (kafka-python has "
            "no public call for it); install %s" % (type(request).__name__, REQUIREMENT))
    _took(name, FAST)
    return manager.run(manager.send, request)


def _entity(components):
    return tuple(sorted((e.entity_type, e.entity_name) for e in components))


def describe_client_quotas(admin):
    """Every client-quota entity of the cluster: {entity: {key: value}} (one request).

    An entity is a sorted tuple of ``(entity_type, name)`` pairs, ``None`` naming the default.
    """
    from kafka.protocol.admin import DescribeClientQuotasRequest
    from kafka import errors as kafka_errors
    request = DescribeClientQuotasRequest(components=[], strict=False)
    response = _send(admin, "describe_client_quotas", request)
    error = kafka_errors.for_code(response.error_code)
    if error is not kafka_errors.NoError:
        raise error("DescribeClientQuotas: %s" % (response.error_message or error.__name__))
    current = {}
    for entry in response.entries or []:
        current[_entity(entry.entity)] = dict((v.key, float(v.value)) for v in entry.values)
    return current


def _entity_order(entity):
    """The order of the entities in a request: by their label (``user=alice,client-id=...``)."""
    return ",".join("%s=%s" % (etype, "<default>" if name is None else name)
                    for etype, name in entity)


def alter_client_quotas(admin, changes, validate_only=False):
    """Send ``changes`` ({entity: {key: value or None}}) in one AlterClientQuotas request.

    Returns {entity: error message} for the entities the broker refused (empty on success).
    """
    from kafka.protocol.admin import AlterClientQuotasRequest
    entry_type = AlterClientQuotasRequest.EntryData
    entries = []
    for entity, ops in sorted(changes.items(), key=lambda item: _entity_order(item[0])):
        entries.append(entry_type(
            entity=[entry_type.EntityData(entity_type=etype, entity_name=name)
                    for etype, name in entity],
            ops=[entry_type.OpData(key=key, value=0.0 if value is None else float(value),
                                   remove=value is None) for key, value in sorted(ops.items())]))
    request = AlterClientQuotasRequest(entries=entries, validate_only=validate_only)
    response = _send(admin, "alter_client_quotas", request)
    failures = {}
    for entry in response.entries or []:
        if entry.error_code:
            failures[_entity(entry.entity)] = entry.error_message or "error code %d" % entry.error_code
    return failures
