# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure planners of the event_hubs modules: views, validation, changes, refusals.

Everything here works on plain dicts: the SDK objects' ``as_dict()`` (snake_case, flattened
``properties``) and the modules' parameters. No call to Azure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

HOUR_MS = 3600 * 1000
SKUS = ["Basic", "Standard", "Premium"]
RIGHTS = ["Listen", "Send", "Manage"]
DEFAULT_GROUP = "$Default"
# Retention of a new event hub whose task gives none (one day, what every tier allows).
DEFAULT_RETENTION_HOURS = 24
# Limits of the tiers (Azure Event Hubs quotas): retention hours, partitions per hub.
MAX_RETENTION_HOURS = {"Basic": 24, "Standard": 168, "Premium": 2160, "Dedicated": 2160}
MAX_PARTITIONS = {"Basic": 32, "Standard": 32, "Premium": 100, "Dedicated": 1024}
# Topic configs of the collection's topic model that map onto an event hub.
MAPPED_CONFIGS = ("retention.ms", "cleanup.policy", "delete.retention.ms")
NAMESPACE_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$")
HUB_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{0,255}$")


def _drop_none(data):
    return dict((key, value) for key, value in data.items() if value is not None)


def tier(namespace_view):
    """The tier whose limits apply: Dedicated when the namespace sits on a cluster."""
    if namespace_view.get("cluster_id"):
        return "Dedicated"
    return namespace_view.get("sku") or "Standard"


# --------------------------------------------------------------------------------------------
# Kafka client settings
# --------------------------------------------------------------------------------------------

def kafka_host(namespace_view):
    """``<namespace>.servicebus.windows.net`` (from the namespace's Service Bus endpoint)."""
    endpoint = namespace_view.get("service_bus_endpoint") or ""
    match = re.match(r"^[a-z]+://([^:/]+)", endpoint)
    if match:
        return match.group(1)
    return "%s.servicebus.windows.net" % namespace_view.get("name")


def kafka_settings(namespace_view, connection_string=None):
    """The Kafka client settings of a namespace, as the collection's connection options and as
    client properties. ``sasl_password`` only when a connection string is given."""
    host = kafka_host(namespace_view)
    settings = dict(
        bootstrap_servers="%s:9093" % host,
        security_protocol="SASL_SSL",
        sasl_mechanism="PLAIN",
        sasl_username="$ConnectionString",
        oauthbearer=dict(sasl_mechanism="OAUTHBEARER", security_protocol="SASL_SSL",
                         scope="https://%s/.default" % host),
    )
    if connection_string is not None:
        settings["sasl_password"] = connection_string
    return settings


# --------------------------------------------------------------------------------------------
# Namespaces
# --------------------------------------------------------------------------------------------

NAMESPACE_FIELDS = ("location", "sku", "capacity", "auto_inflate", "maximum_throughput_units",
                    "kafka_enabled", "zone_redundant", "minimum_tls_version",
                    "public_network_access", "disable_local_auth", "cluster_id", "tags")
# What Azure cannot change on an existing namespace (the message says what to do instead).
IMMUTABLE = {
    "location": "a namespace cannot move; create a new one in the other region",
    "zone_redundant": "zone redundancy is set when the namespace is created",
    "kafka_enabled": "the Kafka endpoint is set by the tier when the namespace is created",
    "cluster_id": "a namespace cannot move between Dedicated clusters",
}


def namespace_view(raw):
    """The user-facing shape of an SDK ``EHNamespace.as_dict()`` ({} when absent)."""
    if not raw:
        return {}
    sku = raw.get("sku") or {}
    return dict(
        id=raw.get("id"),
        name=raw.get("name"),
        location=raw.get("location"),
        sku=sku.get("name"),
        capacity=sku.get("capacity"),
        auto_inflate=raw.get("is_auto_inflate_enabled"),
        maximum_throughput_units=raw.get("maximum_throughput_units"),
        kafka_enabled=raw.get("kafka_enabled"),
        zone_redundant=raw.get("zone_redundant"),
        minimum_tls_version=raw.get("minimum_tls_version"),
        public_network_access=raw.get("public_network_access"),
        disable_local_auth=raw.get("disable_local_auth"),
        cluster_id=raw.get("cluster_arm_id"),
        tags=raw.get("tags") or {},
        provisioning_state=raw.get("provisioning_state"),
        status=raw.get("status"),
        service_bus_endpoint=raw.get("service_bus_endpoint"),
    )


def namespace_problems(params):
    """What is wrong with the namespace options, before any call (empty: fine)."""
    problems = []
    name = params.get("name") or ""
    if not NAMESPACE_RE.match(name) or name.endswith("-sb") or name.endswith("-mgmt"):
        problems.append(
            "name %r is not a valid namespace name: 6 to 50 letters, digits and hyphens, "
            "starting with a letter, ending with a letter or digit, not ending in -sb or -mgmt"
            % name)
    if params.get("state") == "absent":
        return problems
    sku = params.get("sku")
    if sku == "Basic":
        if params.get("kafka_enabled"):
            problems.append("the Basic tier has no Kafka endpoint: use sku Standard or Premium")
        if params.get("zone_redundant") is not None and params.get("zone_redundant") is not False:
            problems.append("zone_redundant needs sku Standard or Premium")
    if params.get("auto_inflate") and sku not in (None, "Standard"):
        problems.append("auto_inflate exists only on the Standard tier (sku is %s)" % sku)
    if params.get("auto_inflate") and not params.get("maximum_throughput_units"):
        problems.append("auto_inflate needs maximum_throughput_units (1 to 40)")
    if params.get("maximum_throughput_units") and not params.get("auto_inflate"):
        problems.append("maximum_throughput_units applies only with auto_inflate: true")
    capacity = params.get("capacity")
    if capacity is not None:
        if sku == "Premium" and capacity not in (1, 2, 4, 8, 16):
            problems.append("capacity of a Premium namespace is 1, 2, 4, 8 or 16 processing "
                            "units (got %d)" % capacity)
        elif sku in ("Basic", "Standard") and not 1 <= capacity <= 40:
            problems.append("capacity of a %s namespace is 1 to 40 throughput units (got %d)"
                            % (sku, capacity))
    if params.get("maximum_throughput_units") is not None and capacity is not None \
            and params["maximum_throughput_units"] < capacity:
        problems.append("maximum_throughput_units (%d) is below capacity (%d)"
                        % (params["maximum_throughput_units"], capacity))
    if params.get("cluster_id") and sku not in (None, "Premium", "Standard"):
        problems.append("a namespace on a Dedicated cluster (cluster_id) is Standard or Premium")
    return problems


def desired_namespace(params):
    """The namespace fields the task sets (None: not managed), defaults for a new one filled
    in by ``predicted_namespace``."""
    desired = dict((field, params.get(field)) for field in NAMESPACE_FIELDS)
    if params.get("sku") == "Standard" and params.get("auto_inflate") is False:
        desired["maximum_throughput_units"] = 0
    return desired


def predicted_namespace(desired, subscription_id, resource_group):
    """The view of the namespace a create makes (what check mode shows): every field is sent."""
    sku = desired["sku"] or "Standard"
    view = dict(
        id="/subscriptions/%s/resourceGroups/%s/providers/Microsoft.EventHub/namespaces/%s"
           % (subscription_id, resource_group, desired["name"]),
        name=desired["name"],
        location=desired["location"],
        sku=sku,
        capacity=desired["capacity"] if desired["capacity"] is not None else 1,
        auto_inflate=bool(desired["auto_inflate"]),
        maximum_throughput_units=desired["maximum_throughput_units"] or 0,
        kafka_enabled=sku != "Basic" if desired["kafka_enabled"] is None
        else desired["kafka_enabled"],
        # not sent when not set: Azure decides by region (zone redundant where zones exist)
        zone_redundant=desired["zone_redundant"],
        minimum_tls_version=desired["minimum_tls_version"] or "1.2",
        public_network_access=desired["public_network_access"] or "Enabled",
        disable_local_auth=bool(desired["disable_local_auth"]),
        cluster_id=desired["cluster_id"],
        tags=dict(desired["tags"] or {}),
        provisioning_state=None,
        status=None,
        service_bus_endpoint="https://%s.servicebus.windows.net:443/" % desired["name"],
    )
    return view


def namespace_changes(before, desired, purge_tags=True):
    """``({field: (before, after)}, [refusals])`` of an existing namespace."""
    changes = {}
    refusals = []
    for field in NAMESPACE_FIELDS:
        want = desired.get(field)
        if want is None:
            continue
        have = before.get(field)
        if field == "tags":
            want = dict(want) if purge_tags else dict(have or {}, **want)
            have = dict(have or {})
        elif field == "location":
            have_norm = (have or "").replace(" ", "").lower()
            if have_norm == want.replace(" ", "").lower():
                continue
        elif field == "kafka_enabled" and have is None and want is False:
            continue
        if want == have:
            continue
        if field in IMMUTABLE:
            refusals.append("%s cannot change from %r to %r: %s" % (
                field, have, want, IMMUTABLE[field]))
            continue
        if field == "sku" and "Premium" in (have, want):
            refusals.append("sku cannot change from %s to %s in place: moving between Premium "
                            "and the other tiers is a migration (create a new namespace)"
                            % (have, want))
            continue
        changes[field] = (have, want)
    return changes, refusals


def apply_changes(view, changes):
    after = dict(view)
    for field, pair in changes.items():
        after[field] = pair[1]
    return after


def namespace_body(view):
    """Keyword arguments of the SDK's ``EHNamespace`` for a full PUT of ``view``."""
    body = dict(
        location=view["location"],
        tags=view.get("tags") or {},
        sku=dict(name=view["sku"], tier=view["sku"], capacity=view.get("capacity")),
        is_auto_inflate_enabled=view.get("auto_inflate"),
        maximum_throughput_units=view.get("maximum_throughput_units"),
        kafka_enabled=view.get("kafka_enabled"),
        zone_redundant=view.get("zone_redundant"),
        minimum_tls_version=view.get("minimum_tls_version"),
        public_network_access=view.get("public_network_access"),
        disable_local_auth=view.get("disable_local_auth"),
        cluster_arm_id=view.get("cluster_id"),
    )
    return _drop_none(body)


# --------------------------------------------------------------------------------------------
# Network rule set
# --------------------------------------------------------------------------------------------

def network_rules_view(raw):
    if not raw:
        return {}
    ip_rules = sorted((dict(ip_mask=rule.get("ip_mask"), action=rule.get("action") or "Allow")
                       for rule in raw.get("ip_rules") or []), key=lambda r: r["ip_mask"] or "")
    vnet = sorted((dict(subnet_id=(rule.get("subnet") or {}).get("id"),
                        ignore_missing_vnet_service_endpoint=bool(
                            rule.get("ignore_missing_vnet_service_endpoint")))
                   for rule in raw.get("virtual_network_rules") or []),
                  key=lambda r: (r["subnet_id"] or "").lower())
    return dict(default_action=raw.get("default_action"),
                public_network_access=raw.get("public_network_access"),
                trusted_service_access_enabled=bool(raw.get("trusted_service_access_enabled")),
                ip_rules=ip_rules, virtual_network_rules=vnet)


def desired_network_rules(option):
    """The network rule set the task wants (None: not managed), in the view's shape."""
    if option is None:
        return None
    return network_rules_view(dict(
        default_action=option.get("default_action"),
        public_network_access=option.get("public_network_access"),
        trusted_service_access_enabled=option.get("trusted_service_access_enabled"),
        ip_rules=[dict(ip_mask=r["ip_mask"], action=r.get("action") or "Allow")
                  for r in option.get("ip_rules") or []],
        virtual_network_rules=[dict(subnet=dict(id=r["subnet_id"]),
                                    ignore_missing_vnet_service_endpoint=r.get(
                                        "ignore_missing_vnet_service_endpoint"))
                               for r in option.get("virtual_network_rules") or []]))


def network_rules_changed(before, wanted):
    """Whether the rule set differs (fields the task leaves out, None, are not compared)."""
    if wanted is None:
        return False
    for key, value in wanted.items():
        if value is None or (key == "public_network_access" and value is None):
            continue
        have = before.get(key)
        if key == "virtual_network_rules":
            have = [dict(r, subnet_id=(r["subnet_id"] or "").lower()) for r in have or []]
            value = [dict(r, subnet_id=(r["subnet_id"] or "").lower()) for r in value]
        if have != value:
            return True
    return False


def network_rules_body(before, wanted):
    merged = dict(before or {})
    merged.update(dict((k, v) for k, v in wanted.items() if v is not None))
    return _drop_none(dict(
        default_action=merged.get("default_action") or "Allow",
        public_network_access=merged.get("public_network_access"),
        trusted_service_access_enabled=merged.get("trusted_service_access_enabled"),
        ip_rules=[dict(ip_mask=r["ip_mask"], action=r["action"]) for r in merged.get("ip_rules")
                  or []],
        virtual_network_rules=[dict(subnet=dict(id=r["subnet_id"]),
                                    ignore_missing_vnet_service_endpoint=r[
                                        "ignore_missing_vnet_service_endpoint"])
                               for r in merged.get("virtual_network_rules") or []]))


# --------------------------------------------------------------------------------------------
# Event hubs (from the collection's topic model)
# --------------------------------------------------------------------------------------------

CAPTURE_DEFAULTS = dict(enabled=True, encoding="Avro", interval_seconds=300,
                        size_limit_bytes=314572800, skip_empty_archives=False,
                        destination_name="EventHubArchive.AzureBlockBlob",
                        archive_name_format="{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/"
                                            "{Day}/{Hour}/{Minute}/{Second}")


def hub_view(raw, groups=None):
    """The user-facing shape of an SDK ``Eventhub.as_dict()`` and its consumer groups."""
    if not raw:
        return {}
    retention = raw.get("retention_description") or {}
    hours = retention.get("retention_time_in_hours")
    if hours is None and raw.get("message_retention_in_days") is not None:
        hours = raw["message_retention_in_days"] * 24
    capture = raw.get("capture_description")
    view = dict(
        name=raw.get("name"),
        id=raw.get("id"),
        partitions=raw.get("partition_count"),
        partition_ids=raw.get("partition_ids") or [],
        retention_hours=hours,
        cleanup_policy=(retention.get("cleanup_policy") or "Delete"),
        tombstone_retention_hours=retention.get("tombstone_retention_time_in_hours"),
        status=raw.get("status"),
        user_metadata=raw.get("user_metadata"),
        capture=capture_view(capture) if capture else None,
    )
    if groups is not None:
        view["consumer_groups"] = sorted(
            (dict(name=g.get("name"), user_metadata=g.get("user_metadata")) for g in groups),
            key=lambda g: g["name"])
    return view


def capture_view(raw):
    destination = raw.get("destination") or {}
    return dict(
        enabled=bool(raw.get("enabled")),
        encoding=raw.get("encoding"),
        interval_seconds=raw.get("interval_in_seconds"),
        size_limit_bytes=raw.get("size_limit_in_bytes"),
        skip_empty_archives=bool(raw.get("skip_empty_archives")),
        destination_name=destination.get("name"),
        storage_account_id=destination.get("storage_account_resource_id"),
        blob_container=destination.get("blob_container"),
        archive_name_format=destination.get("archive_name_format"),
    )


def capture_body(view):
    return _drop_none(dict(
        enabled=view["enabled"], encoding=view["encoding"],
        interval_in_seconds=view["interval_seconds"], size_limit_in_bytes=view["size_limit_bytes"],
        skip_empty_archives=view["skip_empty_archives"],
        destination=_drop_none(dict(
            name=view["destination_name"],
            storage_account_resource_id=view["storage_account_id"],
            blob_container=view["blob_container"],
            archive_name_format=view["archive_name_format"]))))


def _groups_of(spec):
    groups = []
    for item in spec or []:
        if isinstance(item, dict):
            groups.append(dict(name=item.get("name"), user_metadata=item.get("user_metadata")))
        else:
            groups.append(dict(name=str(item), user_metadata=None))
    return groups


def desired_hubs(params):
    """The hubs the task declares, normalised; raises ``ValueError`` listing every problem.

    A hub is the collection's topic model: ``name``, ``partitions``, ``replication_factor``
    (Event Hubs replicates by itself: only accepted, never sent), ``config`` (``retention.ms``,
    ``cleanup.policy``, ``delete.retention.ms``; any other topic config has no Event Hubs
    setting and is refused), plus ``consumer_groups``, ``capture``, ``user_metadata``, ``state``.
    """
    items = params.get("hubs")
    if items is None:
        if not params.get("name"):
            items = []
        else:
            items = [dict((key, params.get(key)) for key in (
                "name", "partitions", "replication_factor", "config", "consumer_groups",
                "capture", "user_metadata", "retention_hours"))]
            items[0]["state"] = params.get("state")
    problems = []
    hubs = []
    seen = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append("hubs[%d] must be a dict with name, partitions, config, ..." % index)
            continue
        name = item.get("name")
        label = name or "hubs[%d]" % index
        if not name or not HUB_RE.match(str(name)):
            problems.append("%s: name must be 1 to 256 letters, digits, '.', '_' or '-', starting "
                            "with a letter or digit" % label)
            continue
        if name.lower() in seen:
            problems.append("%s is declared twice (event hub names are case-insensitive)" % name)
        seen.add(name.lower())
        unknown = sorted(set(item) - {"name", "partitions", "replication_factor", "config",
                                      "consumer_groups", "capture", "user_metadata",
                                      "retention_hours", "state"})
        if unknown:
            problems.append("%s: unknown key(s) %s" % (name, ", ".join(unknown)))
        hub = dict(name=name, state=item.get("state") or params.get("state") or "present",
                   partitions=item.get("partitions"), user_metadata=item.get("user_metadata"),
                   replication_factor=item.get("replication_factor"),
                   consumer_groups=None, capture=None, retention_hours=None,
                   cleanup_policy=None, tombstone_retention_hours=None)
        if hub["state"] not in ("present", "absent"):
            problems.append("%s: state must be present or absent" % name)
        if hub["partitions"] is not None and (not isinstance(hub["partitions"], int)
                                              or hub["partitions"] < 1):
            problems.append("%s: partitions must be a whole number of 1 or more" % name)
        config = dict(item.get("config") or {})
        unsupported = sorted(set(config) - set(MAPPED_CONFIGS))
        if unsupported:
            problems.append(
                "%s: Event Hubs has no setting for topic config(s) %s; only %s map onto an event "
                "hub (the service manages the others)" % (
                    name, ", ".join(unsupported), ", ".join(MAPPED_CONFIGS)))
        if item.get("retention_hours") is not None:
            hub["retention_hours"] = int(item["retention_hours"])
        for key, target in (("retention.ms", "retention_hours"),
                            ("delete.retention.ms", "tombstone_retention_hours")):
            if key in config:
                try:
                    value = int(config[key])
                except (TypeError, ValueError):
                    problems.append("%s: %s must be a number of milliseconds" % (name, key))
                    continue
                if value <= 0 or value % HOUR_MS:
                    problems.append("%s: %s=%s: Event Hubs keeps events for whole hours (a "
                                    "positive multiple of 3600000 ms; no infinite retention)"
                                    % (name, key, config[key]))
                    continue
                if target == "retention_hours" and hub["retention_hours"] is not None \
                        and hub["retention_hours"] != value // HOUR_MS:
                    problems.append("%s: retention_hours and config retention.ms disagree" % name)
                hub[target] = value // HOUR_MS
        if "cleanup.policy" in config:
            policy = str(config["cleanup.policy"]).lower()
            if policy not in ("delete", "compact"):
                problems.append("%s: cleanup.policy=%s: Event Hubs supports delete or compact, "
                                "not both" % (name, config["cleanup.policy"]))
            else:
                hub["cleanup_policy"] = policy.capitalize()
        if hub["cleanup_policy"] == "Compact" and hub["retention_hours"] is not None:
            problems.append("%s: retention.ms does not apply to a compacted event hub (use "
                            "delete.retention.ms for tombstones)" % name)
        if item.get("consumer_groups") is not None:
            groups = _groups_of(item["consumer_groups"])
            bad = [g["name"] for g in groups if not g["name"] or len(g["name"]) > 50]
            if bad:
                problems.append("%s: consumer group names are 1 to 50 characters: %s"
                                % (name, ", ".join(repr(b) for b in bad)))
            hub["consumer_groups"] = groups
        if item.get("capture") is not None:
            capture = dict(CAPTURE_DEFAULTS)
            capture.update(_drop_none(dict(item["capture"])))
            if capture["enabled"] and not (capture.get("storage_account_id")
                                           and capture.get("blob_container")):
                problems.append("%s: capture needs storage_account_id and blob_container" % name)
            hub["capture"] = dict((key, capture.get(key)) for key in (
                "enabled", "encoding", "interval_seconds", "size_limit_bytes",
                "skip_empty_archives", "destination_name", "storage_account_id",
                "blob_container", "archive_name_format"))
        hubs.append(hub)
    if problems:
        raise ValueError(problems)
    return hubs


def in_scope(name, scope):
    """Whether an undeclared hub is inside the exclusive-mode scope ({prefix}/{pattern})."""
    if not scope:
        return True
    if scope.get("prefix") and not name.startswith(scope["prefix"]):
        return False
    if scope.get("pattern") and not re.search(scope["pattern"], name):
        return False
    return True


def predicted_hub(hub, namespace):
    """The view of a hub a create makes (defaults of the service filled in)."""
    partitions = hub["partitions"] or 4
    policy = hub["cleanup_policy"] or "Delete"
    retention = hub["retention_hours"]
    if retention is None and policy == "Delete":
        retention = DEFAULT_RETENTION_HOURS
    view = dict(name=hub["name"], id=None, partitions=partitions,
                partition_ids=[str(i) for i in range(partitions)],
                retention_hours=retention, cleanup_policy=policy,
                tombstone_retention_hours=hub["tombstone_retention_hours"],
                status="Active", user_metadata=hub["user_metadata"], capture=hub["capture"],
                consumer_groups=[dict(name=DEFAULT_GROUP, user_metadata=None)])
    return view


def hub_body(view):
    """Keyword arguments of the SDK's ``Eventhub`` for a PUT of ``view``."""
    retention = dict(cleanup_policy=view["cleanup_policy"])
    if view["cleanup_policy"] == "Delete":
        retention["retention_time_in_hours"] = view["retention_hours"]
    elif view.get("tombstone_retention_hours") is not None:
        retention["tombstone_retention_time_in_hours"] = view["tombstone_retention_hours"]
    body = dict(partition_count=view["partitions"], retention_description=retention,
                user_metadata=view.get("user_metadata"))
    if view.get("capture"):
        body["capture_description"] = capture_body(view["capture"])
    return _drop_none(body)


def hub_refusals(hub, before, namespace):
    """What Event Hubs cannot do for ``hub`` (a list of sentences)."""
    refusals = []
    level = tier(namespace)
    if before and hub["partitions"] is not None and before.get("partitions") is not None:
        if hub["partitions"] < before["partitions"]:
            refusals.append(
                "%s: partitions cannot decrease from %d to %d: Event Hubs (like Kafka) never "
                "removes partitions; create a new event hub and move the consumers"
                % (hub["name"], before["partitions"], hub["partitions"]))
        elif hub["partitions"] > before["partitions"] and level in ("Basic", "Standard"):
            refusals.append(
                "%s: partitions cannot grow from %d to %d on the %s tier: only Premium and "
                "Dedicated namespaces add partitions to an existing event hub"
                % (hub["name"], before["partitions"], hub["partitions"], level))
    if hub["partitions"] is not None and hub["partitions"] > MAX_PARTITIONS[level]:
        refusals.append("%s: %d partitions exceed the %s tier's limit of %d" % (
            hub["name"], hub["partitions"], level, MAX_PARTITIONS[level]))
    if hub["retention_hours"] is not None and hub["retention_hours"] > MAX_RETENTION_HOURS[level]:
        refusals.append("%s: retention of %d hours exceeds the %s tier's limit of %d hours" % (
            hub["name"], hub["retention_hours"], level, MAX_RETENTION_HOURS[level]))
    if hub["cleanup_policy"] == "Compact" and level == "Basic":
        refusals.append("%s: compacted event hubs need the Standard tier or higher" % hub["name"])
    if hub["capture"] and hub["capture"]["enabled"] and level == "Basic":
        refusals.append("%s: capture needs the Standard tier or higher" % hub["name"])
    if before and hub["cleanup_policy"] and before.get("cleanup_policy") \
            and hub["cleanup_policy"] != before["cleanup_policy"]:
        refusals.append("%s: cleanup.policy cannot change from %s to %s on an existing event hub"
                        % (hub["name"], before["cleanup_policy"].lower(),
                           hub["cleanup_policy"].lower()))
    return refusals


def hub_changes(hub, before):
    """``{field: (before, after)}`` of an existing hub's own settings."""
    changes = {}
    for field in ("partitions", "retention_hours", "tombstone_retention_hours", "user_metadata",
                  "capture"):
        want = hub.get(field)
        if want is not None and want != before.get(field):
            changes[field] = (before.get(field), want)
    return changes


def plan_hubs(hubs, current, namespace, delete_undeclared=False, scope=None,
              delete_undeclared_groups=False):
    """The plan of the event_hub module, as data.

    ``current``: ``{name: view with consumer_groups}`` of the namespace's hubs.
    Returns ``(actions, refusals)``; ``actions`` is a list of dicts with ``action`` (create,
    update, delete, create_group, update_group, delete_group), ``hub`` and what it needs.
    """
    actions = []
    refusals = []
    by_lower = dict((name.lower(), view) for name, view in current.items())
    declared = set()
    for hub in hubs:
        declared.add(hub["name"].lower())
        before = by_lower.get(hub["name"].lower())
        if hub["state"] == "absent":
            if before:
                actions.append(dict(action="delete", hub=before["name"], before=before))
            continue
        refusals.extend(hub_refusals(hub, before, namespace))
        if before is None:
            after = predicted_hub(hub, namespace)
            actions.append(dict(action="create", hub=hub["name"], after=after,
                                body=hub_body(after)))
            groups_before = after["consumer_groups"]
        else:
            changes = hub_changes(hub, before)
            if changes:
                after = apply_changes(before, changes)
                actions.append(dict(action="update", hub=before["name"], changes=changes,
                                    body=hub_body(after)))
            groups_before = before.get("consumer_groups") or []
        actions.extend(_plan_groups(hub, groups_before, delete_undeclared_groups))
    if delete_undeclared:
        for lower, view in sorted(by_lower.items()):
            if lower not in declared and in_scope(view["name"], scope):
                actions.append(dict(action="delete", hub=view["name"], before=view))
    return actions, refusals


def _plan_groups(hub, groups_before, exclusive):
    if hub["consumer_groups"] is None:
        return []
    actions = []
    have = dict((g["name"].lower(), g) for g in groups_before)
    wanted = set()
    for group in hub["consumer_groups"]:
        wanted.add(group["name"].lower())
        old = have.get(group["name"].lower())
        if old is None:
            actions.append(dict(action="create_group", hub=hub["name"], group=group["name"],
                                user_metadata=group["user_metadata"]))
        elif group["user_metadata"] is not None and group["user_metadata"] != old["user_metadata"]:
            actions.append(dict(action="update_group", hub=hub["name"], group=old["name"],
                                user_metadata=group["user_metadata"]))
    if exclusive:
        for lower, old in sorted(have.items()):
            if lower not in wanted and old["name"] != DEFAULT_GROUP:
                actions.append(dict(action="delete_group", hub=hub["name"], group=old["name"]))
    return actions


def hubs_after(current, actions):
    """``{name: view}`` after ``actions`` (for the result and the diff)."""
    after = dict((name, dict(view)) for name, view in current.items())
    names = dict((name.lower(), name) for name in after)
    for act in actions:
        key = names.get(act["hub"].lower(), act["hub"])
        if act["action"] == "create":
            after[key] = dict(act["after"])
            names[key.lower()] = key
        elif act["action"] == "update":
            after[key] = apply_changes(after[key], act["changes"])
        elif act["action"] == "delete":
            after.pop(key, None)
        elif act["action"] in ("create_group", "update_group", "delete_group"):
            groups = [g for g in after[key].get("consumer_groups") or []
                      if g["name"].lower() != act["group"].lower()]
            if act["action"] != "delete_group":
                groups.append(dict(name=act["group"], user_metadata=act["user_metadata"]))
            after[key]["consumer_groups"] = sorted(groups, key=lambda g: g["name"])
    return after


def action_line(act):
    """One line of the result's ``actions``, e.g. ``create_group orders/billing``."""
    if act["action"].endswith("_group"):
        return "%s %s/%s" % (act["action"], act["hub"], act["group"])
    if act["action"] == "update":
        return "update %s (%s)" % (act["hub"], ", ".join(sorted(act["changes"])))
    return "%s %s" % (act["action"], act["hub"])


# --------------------------------------------------------------------------------------------
# Authorization rules
# --------------------------------------------------------------------------------------------

def rights_problems(rights):
    problems = []
    unknown = [right for right in rights or [] if right not in RIGHTS]
    if unknown:
        problems.append("unknown right(s) %s: use Listen, Send and/or Manage" % ", ".join(unknown))
    if rights is not None and not rights:
        problems.append("rights must name at least one of Listen, Send, Manage")
    if "Manage" in (rights or []) and not {"Listen", "Send"} <= set(rights):
        problems.append("Manage needs Listen and Send as well (rights: [Listen, Send, Manage])")
    return problems


def rule_view(raw):
    if not raw:
        return {}
    return dict(name=raw.get("name"), id=raw.get("id"),
                rights=sorted(raw.get("rights") or [], key=RIGHTS.index))


def normal_rights(rights):
    return sorted(set(rights), key=RIGHTS.index)


def keys_view(raw):
    """The keys of ``listKeys`` (secrets: only returned when asked)."""
    raw = raw or {}
    return dict(primary_key=raw.get("primary_key"), secondary_key=raw.get("secondary_key"),
                primary_connection_string=raw.get("primary_connection_string"),
                secondary_connection_string=raw.get("secondary_connection_string"),
                key_name=raw.get("key_name"))
