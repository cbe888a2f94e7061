# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MirrorMaker 2 as three Connect connectors, rendered from a source/target pair.

``mirror_connectors(spec)`` returns the MirrorSourceConnector (topics and their configs),
MirrorCheckpointConnector (consumer group offsets translated into the target) and
MirrorHeartbeatConnector (heartbeats that show the flow), as ``kafka_connector`` items, so that
they go through the same validation, idempotence and wait as any connector. Pure, unit-tested.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.specweave.kafka.plugins.module_utils.runner import InvalidInput

PACKAGE = "org.apache.kafka.connect.mirror."
KINDS = (("source", "MirrorSourceConnector"), ("checkpoint", "MirrorCheckpointConnector"),
         ("heartbeat", "MirrorHeartbeatConnector"))
BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter"
_ALIAS = re.compile(r"^[A-Za-z0-9_-]+$")


def _joined(value):
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return str(value)


def mirror_connectors(spec):
    """The three connector items of ``spec`` (the ``mirror_maker`` option of kafka_connector)."""
    source, target = spec.get("source_alias"), spec.get("target_alias")
    for key, alias in (("source_alias", source), ("target_alias", target)):
        if not alias or not _ALIAS.match(str(alias)):
            raise InvalidInput("mirror_maker.%s must be a cluster alias of letters, digits, '_' and "
                               "'-' (it prefixes the replicated topics), got %r." % (key, alias))
    if source == target:
        raise InvalidInput("mirror_maker: source_alias and target_alias must differ (both are %r)."
                           % source)
    for key in ("source_bootstrap_servers", "target_bootstrap_servers"):
        if not spec.get(key):
            raise InvalidInput("mirror_maker.%s is needed (host:port of the %s cluster)."
                               % (key, key.split("_", maxsplit=1)[0]))
    factor = spec.get("replication_factor") or 3
    common = {
        "source.cluster.alias": source,
        "target.cluster.alias": target,
        "source.cluster.bootstrap.servers": _joined(spec["source_bootstrap_servers"]),
        "target.cluster.bootstrap.servers": _joined(spec["target_bootstrap_servers"]),
        "key.converter": BYTES,
        "value.converter": BYTES,
        "header.converter": BYTES,
    }
    secrets = {}
    for side in ("source", "target"):
        for key, value in (spec.get("%s_config" % side) or {}).items():
            common["%s.cluster.%s" % (side, key)] = value
        for key, value in (spec.get("%s_secrets" % side) or {}).items():
            secrets["%s.cluster.%s" % (side, key)] = value
    common.update(spec.get("config") or {})
    topics = spec.get("topics") or [".*"]
    groups = spec.get("groups") or [".*"]
    interval = spec.get("interval_seconds")
    kinds = {
        "source": {
            "topics": _joined(topics),
            "replication.factor": factor,
            "offset-syncs.topic.replication.factor": factor,
            "sync.topic.acls.enabled": "false",
        },
        "checkpoint": {
            "groups": _joined(groups),
            "checkpoints.topic.replication.factor": factor,
            "sync.group.offsets.enabled": bool(spec.get("sync_group_offsets", True)),
        },
        "heartbeat": {
            "heartbeats.topic.replication.factor": factor,
        },
    }
    if spec.get("topics_exclude"):
        kinds["source"]["topics.exclude"] = _joined(spec["topics_exclude"])
    if interval:
        kinds["source"]["refresh.topics.interval.seconds"] = interval
        kinds["source"]["sync.topic.configs.interval.seconds"] = interval
        kinds["checkpoint"].update({"emit.checkpoints.interval.seconds": interval,
                                    "sync.group.offsets.interval.seconds": interval,
                                    "refresh.groups.interval.seconds": interval})
        kinds["heartbeat"]["emit.heartbeats.interval.seconds"] = interval
    prefix = spec.get("name_prefix") or ""
    items = []
    for kind, cls in KINDS:
        config = dict(common)
        config.update(kinds[kind])
        config["connector.class"] = PACKAGE + cls
        items.append(dict(name="%s%s-%s-mirror-%s" % (prefix, source, target, kind),
                          config=config, secrets=dict(secrets) if secrets else None))
    return items
