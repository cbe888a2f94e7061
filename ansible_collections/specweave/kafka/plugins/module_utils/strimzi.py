# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of a Kafka cluster as Strimzi / AMQ Streams custom resources.

Pure functions, unit tested, used by the ``strimzi`` role through the filters of the same name:

* ``render`` turns the role's cluster settings and the collection's shared desired state (the
  topic, user, ACL and quota lists that ``kafka_topic``, ``kafka_user``, ``kafka_acl`` and
  ``kafka_quota`` take) into ``KafkaNodePool``, ``Kafka``, ``KafkaTopic``, ``KafkaUser`` and
  ``Secret`` objects. The lists go through the modules' own validation and normalisation, so a
  value means the same on both paths (``7d`` is 604800000 ms on a self-hosted broker and in a
  ``KafkaTopic``). Every problem is collected and raised at once (``StrimziError``) before
  anything is applied.
* ``readiness`` reads the ``status.conditions`` the operator writes and says what is ready, what is
  still in progress and what failed, with the operator's messages.
* ``operator_manifests`` points Strimzi's release manifests at a namespace and the namespaces the
  operator watches.
* ``topics_from_resources`` / ``users_from_resources`` read rendered (or applied) resources back
  into the modules' shapes, so both paths can be compared.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib
import re

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_acl import (
    AclValidationError,
    expand_bindings,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_quota import (
    QuotaValidationError,
    normalize_items,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic import (
    TopicValidationError,
    desired_topics,
    is_protected,
    validate_batch,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic_config import (
    BOOL,
    BYTES,
    DOUBLE,
    DURATION,
    INT,
    LONG,
    TOPIC_CONFIG_TYPES,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_user import (
    DEFAULT_ITERATIONS,
    UserValidationError,
    normalize_users,
)

GROUP = "kafka.strimzi.io"
API_VERSIONS = ("kafka.strimzi.io/v1", "kafka.strimzi.io/v1beta2")
MANAGED_BY = "app.kubernetes.io/managed-by"
CLUSTER_LABEL = "strimzi.io/cluster"
LISTENER_TYPES = ("internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip")
OPENSHIFT_ONLY_LISTENERS = ("route",)
TLS_ONLY_LISTENERS = ("route", "ingress")
# Ports Strimzi keeps for itself (replication, control plane, metrics, JMX).
RESERVED_PORTS = (9090, 9091, 9404, 9999)
LISTENER_NAME_RE = re.compile(r"^[a-z0-9]{1,11}$")
DNS_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
NODE_ROLES = ("controller", "broker")
# Authentication types per listener and per API version (v1 dropped oauth).
LISTENER_AUTH = {"kafka.strimzi.io/v1": ("tls", "scram-sha-512", "custom"),
                 "kafka.strimzi.io/v1beta2": ("tls", "scram-sha-512", "oauth", "custom")}
AUTHORIZATION_TYPES = {"kafka.strimzi.io/v1": ("simple", "custom"),
                       "kafka.strimzi.io/v1beta2": ("simple", "keycloak", "opa", "custom")}
# Fields of the ZooKeeper era that Strimzi 1.x (kafka.strimzi.io/v1) removed: the spec path and
# what to use instead.
ZOOKEEPER_ERA_FIELDS = (
    (("zookeeper",), "KRaft controllers: a node pool with the controller role"),
    (("kafka", "replicas"), "the replicas of the node pools"),
    (("kafka", "storage"), "the storage of the node pools"),
)
# KafkaUser ACL resource types and operations (the others of kafka_acl have no KafkaUser form).
ACL_RESOURCE_TYPES = {"topic": "topic", "group": "group", "cluster": "cluster",
                      "transactional_id": "transactionalId"}
ACL_PATTERNS = {"literal": "literal", "prefixed": "prefix"}
QUOTA_KEYS = {"producer_byte_rate": "producerByteRate", "consumer_byte_rate": "consumerByteRate",
              "request_percentage": "requestPercentage",
              "controller_mutation_rate": "controllerMutationRate"}
PASSWORD_KEY = "password"


class StrimziError(ValueError):
    """The settings cannot be rendered; ``problems`` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super(StrimziError, self).__init__(
            "%d problem(s), nothing was applied:\n- %s" % (len(self.problems),
                                                           "\n- ".join(self.problems)))


def camel(snake):
    """``describe_configs`` -> ``DescribeConfigs``."""
    return "".join(part.capitalize() for part in snake.split("_"))


def topic_resource_name(topic):
    """A Kubernetes name for a topic: the topic's own name when it is a legal one, else a
    lower-case form with a short hash of the real name (which then goes into spec.topicName)."""
    if len(topic) <= 253 and DNS_SUBDOMAIN_RE.match(topic):
        return topic
    base = re.sub(r"[^a-z0-9.-]+", "-", topic.lower()).strip("-.")[:200] or "topic"
    return "%s-%s" % (base, hashlib.sha1(topic.encode("utf-8")).hexdigest()[:10])


def user_password_secret(user):
    return "%s-password" % user


def _metadata(name, namespace, labels, cluster=None):
    meta = dict(name=name, namespace=namespace, labels=dict(labels or {}))
    if cluster:
        meta["labels"][CLUSTER_LABEL] = cluster
    return meta


def _typed_config_value(key, text):
    """A normalised config string as the JSON type Strimzi's KafkaTopic config expects."""
    kind = TOPIC_CONFIG_TYPES.get(key)
    if kind == BOOL:
        return text == "true"
    if kind in (INT, LONG, DURATION, BYTES):
        return int(text)
    if kind == DOUBLE:
        number = float(text)
        return int(number) if number == int(number) else number
    return text


# ---------------------------------------------------------------------------------------------
# Cluster: node pools, Kafka
# ---------------------------------------------------------------------------------------------

def _check_listeners(settings, problems):
    api_version = settings["api_version"]
    platform = settings.get("platform") or "kubernetes"
    seen_names, seen_ports = {}, {}
    listeners = settings.get("listeners") or []
    if not listeners:
        problems.append("listeners: at least one listener is required, for example "
                        "{name: tls, port: 9093, type: internal, tls: true}")
    for index, listener in enumerate(listeners):
        name = listener.get("name")
        where = "listeners[%d] (%s)" % (index, name)
        if not isinstance(name, str) or not LISTENER_NAME_RE.match(name):
            problems.append("%s: the name must be 1 to 11 lower-case letters or digits" % where)
        elif name in seen_names:
            problems.append("%s: the listener name %r is already used by listeners[%d]; "
                            "listener names must be unique" % (where, name, seen_names[name]))
        else:
            seen_names[name] = index
        port = listener.get("port")
        if isinstance(port, bool) or not isinstance(port, int) or port < 9092 or port > 65535:
            problems.append("%s: port must be an integer from 9092 to 65535, got %r" % (where, port))
        elif port in RESERVED_PORTS:
            problems.append("%s: port %d is reserved by Strimzi (%s)"
                            % (where, port, ", ".join(str(p) for p in RESERVED_PORTS)))
        elif port in seen_ports:
            problems.append("%s: port %d is already used by listeners[%d]"
                            % (where, port, seen_ports[port]))
        else:
            seen_ports[port] = index
        kind = listener.get("type")
        tls = listener.get("tls")
        if kind not in LISTENER_TYPES:
            problems.append("%s: type %r is not one of %s" % (where, kind, ", ".join(LISTENER_TYPES)))
        elif kind in OPENSHIFT_ONLY_LISTENERS and platform != "openshift":
            problems.append("%s: type %s needs OpenShift routes; on Kubernetes use ingress, "
                            "loadbalancer or nodeport" % (where, kind))
        if not isinstance(tls, bool):
            problems.append("%s: tls must be true or false" % where)
        elif kind in TLS_ONLY_LISTENERS and not tls:
            problems.append("%s: a %s listener passes TLS through and needs tls: true"
                            % (where, kind))
        auth = listener.get("authentication")
        if auth is not None:
            auth_type = auth.get("type") if isinstance(auth, dict) else None
            allowed = LISTENER_AUTH[api_version]
            if auth_type not in allowed:
                problems.append("%s: authentication type %r is not supported by %s (%s)"
                                % (where, auth_type, api_version, ", ".join(allowed)))
            elif auth_type == "tls" and tls is False:
                problems.append("%s: TLS client authentication needs an encrypted listener: set "
                                "tls: true on it, or use authentication type scram-sha-512"
                                % where)


def _check_node_pools(settings, problems):
    pools = settings.get("node_pools") or []
    names = set()
    roles_seen = set()
    for index, pool in enumerate(pools):
        name = pool.get("name")
        where = "node_pools[%d] (%s)" % (index, name)
        if not isinstance(name, str) or not DNS_SUBDOMAIN_RE.match(name):
            problems.append("%s: the name must be a lower-case DNS name" % where)
        elif name in names:
            problems.append("%s: the node pool name %r is used twice" % (where, name))
        names.add(name)
        replicas = pool.get("replicas")
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
            problems.append("%s: replicas must be a whole number, got %r" % (where, replicas))
        roles = pool.get("roles") or []
        bad = [role for role in roles if role not in NODE_ROLES]
        if not roles or bad:
            problems.append("%s: roles must list controller and/or broker, got %r" % (where, roles))
        roles_seen.update(roles)
        if not isinstance(pool.get("storage"), dict) or not pool["storage"].get("type"):
            problems.append("%s: storage needs a type (persistent-claim, jbod or ephemeral)"
                            % where)
    for role in NODE_ROLES:
        if role not in roles_seen:
            problems.append("node_pools: no pool has the %s role; KRaft needs at least one "
                            "(one dual-role pool with roles [controller, broker] is enough)" % role)


def broker_replicas(settings):
    """How many brokers the node pools run."""
    return sum(int(pool.get("replicas") or 0) for pool in settings.get("node_pools") or []
               if "broker" in (pool.get("roles") or []) and isinstance(pool.get("replicas"), int))


def _check_version_fields(settings, problems):
    api_version = settings["api_version"]
    extra = settings.get("kafka_spec") or {}
    if api_version == "kafka.strimzi.io/v1":
        for path, instead in ZOOKEEPER_ERA_FIELDS:
            node = extra
            for part in path:
                node = node.get(part) if isinstance(node, dict) else None
            if node is not None:
                problems.append("kafka_spec: spec.%s is a ZooKeeper-era field that %s (Strimzi "
                                "1.x) removed; use %s" % (".".join(path), api_version, instead))
        config = dict(settings.get("config") or {})
        config.update((extra.get("kafka") or {}).get("config") or {})
        for key in sorted(config):
            if str(key).startswith("zookeeper."):
                problems.append("config: %s is a ZooKeeper setting; %s clusters run KRaft only"
                                % (key, api_version))
    elif extra.get("zookeeper") is not None:
        problems.append("kafka_spec: spec.zookeeper is not supported by this role; it renders KRaft "
                        "clusters with node pools only")
    authorization = settings.get("authorization")
    if authorization:
        kind = authorization.get("type") if isinstance(authorization, dict) else None
        if kind not in AUTHORIZATION_TYPES[api_version]:
            problems.append("authorization: type %r is not supported by %s (%s)"
                            % (kind, api_version, ", ".join(AUTHORIZATION_TYPES[api_version])))


def _deep_merge(base, extra):
    out = copy.deepcopy(base)
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def render_cluster(settings):
    """[KafkaNodePool..., Kafka] for the settings (already checked)."""
    api_version, name, namespace = settings["api_version"], settings["name"], settings["namespace"]
    labels = settings.get("labels") or {}
    resources = []
    for pool in settings.get("node_pools") or []:
        spec = dict(replicas=pool["replicas"], roles=list(pool["roles"]),
                    storage=copy.deepcopy(pool["storage"]))
        for key in ("resources", "jvmOptions", "template"):
            if pool.get(key):
                spec[key] = copy.deepcopy(pool[key])
        resources.append(dict(apiVersion=api_version, kind="KafkaNodePool",
                              metadata=_metadata(pool["name"], namespace, labels, name), spec=spec))
    kafka = dict(listeners=[])
    for listener in settings["listeners"]:
        item = dict((key, copy.deepcopy(listener[key])) for key in
                    ("name", "port", "type", "tls", "authentication", "configuration",
                     "networkPolicyPeers") if listener.get(key) is not None)
        kafka["listeners"].append(item)
    if settings.get("version"):
        kafka["version"] = settings["version"]
    if settings.get("metadata_version"):
        kafka["metadataVersion"] = settings["metadata_version"]
    if settings.get("config"):
        kafka["config"] = copy.deepcopy(settings["config"])
    if settings.get("authorization"):
        kafka["authorization"] = copy.deepcopy(settings["authorization"])
    if settings.get("rack_topology_key"):
        kafka["rack"] = dict(topologyKey=settings["rack_topology_key"])
    if settings.get("metrics_configmap"):
        kafka["metricsConfig"] = dict(type="jmxPrometheusExporter", valueFrom=dict(
            configMapKeyRef=dict(name=settings["metrics_configmap"], key="metrics-config.yml")))
    spec = dict(kafka=kafka, entityOperator=dict(topicOperator={}, userOperator={}))
    if settings.get("cruise_control"):
        spec["cruiseControl"] = ({} if settings["cruise_control"] is True
                                 else copy.deepcopy(settings["cruise_control"]))
    spec = _deep_merge(spec, settings.get("kafka_spec"))
    metadata = _metadata(name, namespace, labels)
    if api_version == "kafka.strimzi.io/v1beta2":
        # Strimzi 0.3x/0.4x (older AMQ Streams) switch to KRaft and node pools by annotation
        metadata["annotations"] = {"strimzi.io/kraft": "enabled", "strimzi.io/node-pools": "enabled"}
    resources.append(dict(apiVersion=api_version, kind="Kafka", metadata=metadata, spec=spec))
    return resources


# ---------------------------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------------------------

def render_topics(settings, brokers, problems):
    """(KafkaTopic objects, names of the KafkaTopics to delete) from settings['topics']."""
    topics = settings.get("topics") or []
    if not topics:
        return [], []
    try:
        desired = desired_topics(dict(topics=topics))
    except TopicValidationError as exc:
        problems.extend("topics: %s" % problem for problem in exc.problems)
        return [], []
    problems.extend("topics: %s" % problem for problem in validate_batch(desired))
    present, absent, by_resource = [], [], {}
    for topic in desired:
        name = topic["name"]
        resource_name = topic_resource_name(name)
        if resource_name in by_resource:
            problems.append("topics: %r and %r get the same KafkaTopic name %r"
                            % (by_resource[resource_name], name, resource_name))
        by_resource[resource_name] = name
        if is_protected(name):
            problems.append("topics: %r is an internal topic; Strimzi's topic operator does not "
                            "manage it" % name)
            continue
        if topic["state"] == "absent":
            absent.append(resource_name)
            continue
        rf = topic["replication_factor"]
        if rf is not None and brokers and rf > brokers:
            problems.append("topics: %r has replication_factor %d but the broker node pools run "
                            "%d broker(s); lower it or add brokers" % (name, rf, brokers))
        min_isr = topic["config"].get("min.insync.replicas")
        if rf is not None and min_isr is not None and int(min_isr) > rf:
            problems.append("topics: %r has min.insync.replicas %s above its replication_factor "
                            "%d: no write could ever be acknowledged" % (name, min_isr, rf))
        spec = {}
        if resource_name != name:
            spec["topicName"] = name
        if topic["partitions"] is not None:
            spec["partitions"] = topic["partitions"]
        if rf is not None:
            spec["replicas"] = rf
        config = dict((key, _typed_config_value(key, value))
                      for key, value in sorted(topic["config"].items()) if value is not None)
        if config:
            spec["config"] = config
        present.append(dict(apiVersion=settings["api_version"], kind="KafkaTopic",
                            metadata=_metadata(resource_name, settings["namespace"],
                                               settings.get("labels"), settings["name"]),
                            spec=spec))
    return present, absent


# ---------------------------------------------------------------------------------------------
# Users, ACLs, quotas
# ---------------------------------------------------------------------------------------------

def _listener_auth_types(settings):
    return set((listener.get("authentication") or {}).get("type")
               for listener in settings.get("listeners") or [])


def render_users(settings, problems, secrets=True):
    """(KafkaUser and Secret objects, names of the KafkaUsers to delete); without ``secrets`` the
    password Secrets are left out (so that the rest can be shown)."""
    api_version, namespace = settings["api_version"], settings["namespace"]
    labels, cluster = settings.get("labels"), settings["name"]
    users = {}  # name -> dict(kind=scram|tls, password, acls=[], quotas={})
    absent = []
    scram_items = settings.get("users") or []
    if scram_items:
        try:
            entries = normalize_users(dict(users=scram_items))
        except UserValidationError as exc:
            problems.append("users: %s" % exc)
            entries = []
        for index, entry in enumerate(entries):
            name = entry["name"]
            if not DNS_SUBDOMAIN_RE.match(name) or len(name) > 253:
                problems.append("users[%d]: %r is not a valid KafkaUser name (lower-case letters, "
                                "digits, '-' and '.'); Strimzi uses it as the user name" % (index, name))
                continue
            if entry["state"] == "absent":
                absent.append(name)
                continue
            if entry["mechanism"] != "SCRAM-SHA-512":
                problems.append("users[%d]: %s uses %s; Strimzi's KafkaUser supports SCRAM-SHA-512 "
                                "only" % (index, name, entry["mechanism"]))
                continue
            if entry["iterations"] != DEFAULT_ITERATIONS:
                problems.append("users[%d]: %s sets iterations %d; Strimzi's user operator chooses "
                                "the iteration count itself, leave it out"
                                % (index, name, entry["iterations"]))
            users[name] = dict(kind="scram", password=entry["password"], acls=[], quotas={})
    for index, name in enumerate(settings.get("tls_users") or []):
        if not isinstance(name, str) or not DNS_SUBDOMAIN_RE.match(name):
            problems.append("tls_users[%d]: %r is not a valid KafkaUser name" % (index, name))
        elif name in users:
            problems.append("tls_users[%d]: %s is also a SCRAM user; a KafkaUser has one "
                            "authentication type" % (index, name))
        else:
            users[name] = dict(kind="tls", password=None, acls=[], quotas={})
    auth_types = _listener_auth_types(settings)
    if any(user["kind"] == "scram" for user in users.values()) and "scram-sha-512" not in auth_types:
        problems.append("users: SCRAM users need a listener with authentication type "
                        "scram-sha-512")
    if any(user["kind"] == "tls" for user in users.values()) and "tls" not in auth_types:
        problems.append("tls_users: TLS users need a listener with authentication type tls")

    acls = settings.get("acls") or []
    if acls:
        if not settings.get("authorization"):
            problems.append("acls: ACLs need authorization on the cluster (authorization: "
                            "{type: simple})")
        try:
            keys = sorted(expand_bindings(acls))
        except AclValidationError as exc:
            problems.append("acls: %s" % exc)
            keys = []
        grouped = {}
        for key in keys:
            owner = _acl_owner(key.principal, users)
            if owner is None:
                problems.append("acls: principal %s is not a user of this desired state; a "
                                "KafkaUser carries its own ACLs (declare the user in users or "
                                "tls_users)" % key.principal)
                continue
            if key.resource_type not in ACL_RESOURCE_TYPES:
                problems.append("acls: %s on a %s resource has no KafkaUser form (%s only)"
                                % (key.principal, key.resource_type,
                                   ", ".join(sorted(ACL_RESOURCE_TYPES))))
                continue
            group = (owner, key.resource_type, key.resource_name, key.pattern_type, key.host,
                     key.permission)
            grouped.setdefault(group, []).append(key.operation)
        for group in sorted(grouped):
            owner, resource_type, resource_name, pattern_type, host, permission = group
            resource = dict(type=ACL_RESOURCE_TYPES[resource_type])
            if resource_type != "cluster":
                resource["name"] = resource_name
                resource["patternType"] = ACL_PATTERNS[pattern_type]
            rule = dict(resource=resource, operations=sorted(camel(op) for op in grouped[group]),
                        host=host, type=permission)
            users[owner]["acls"].append(rule)

    quotas = settings.get("quotas") or []
    if quotas:
        try:
            items = normalize_items(quotas)
        except QuotaValidationError as exc:
            problems.append("quotas: %s" % exc)
            items = []
        for item in items:
            entity = dict(item["entity"])
            label = ", ".join("%s=%s" % pair for pair in item["entity"])
            if set(entity) != {"user"} or entity["user"] is None:
                problems.append("quotas: %s: Strimzi sets quotas per KafkaUser only (no client-id, "
                                "ip or default-entity quotas)" % label)
                continue
            if entity["user"] not in users:
                problems.append("quotas: user %s is not a user of this desired state"
                                % entity["user"])
                continue
            if item["state"] == "absent":
                continue
            for key, value in sorted(item["quotas"].items()):
                if value is None:
                    continue
                if key != "controller_mutation_rate" and value != int(value):
                    problems.append("quotas: user %s: %s must be a whole number in a KafkaUser, "
                                    "got %r" % (entity["user"], key, value))
                    continue
                users[entity["user"]]["quotas"][QUOTA_KEYS[key]] = (
                    value if key == "controller_mutation_rate" else int(value))

    resources = []
    for name in sorted(users):
        user = users[name]
        spec = {}
        if user["kind"] == "scram":
            secret = user_password_secret(name)
            if secrets:
                resources.append(dict(apiVersion="v1", kind="Secret", type="Opaque",
                                      metadata=_metadata(secret, namespace, labels, cluster),
                                      stringData={PASSWORD_KEY: user["password"]}))
            spec["authentication"] = dict(type="scram-sha-512", password=dict(valueFrom=dict(
                secretKeyRef=dict(name=secret, key=PASSWORD_KEY))))
        else:
            spec["authentication"] = dict(type="tls")
        if user["acls"]:
            spec["authorization"] = dict(type="simple", acls=user["acls"])
        if user["quotas"]:
            spec["quotas"] = user["quotas"]
        resources.append(dict(apiVersion=api_version, kind="KafkaUser",
                              metadata=_metadata(name, namespace, labels, cluster), spec=spec))
    return resources, absent


def _acl_owner(principal, users):
    """The KafkaUser an ACL principal belongs to: User:<scram user> or User:CN=<tls user>."""
    if not principal.startswith("User:"):
        return None
    name = principal[len("User:"):]
    if name in users and users[name]["kind"] == "scram":
        return name
    if name.startswith("CN=") and users.get(name[3:], {}).get("kind") == "tls":
        return name[3:]
    return None


# ---------------------------------------------------------------------------------------------
# Everything at once
# ---------------------------------------------------------------------------------------------

def render(settings, secrets=True):
    """All resources for ``settings``; raise StrimziError listing every problem.

    ``settings``: name, namespace, api_version, platform, labels, node_pools, listeners,
    authorization, config, version, metadata_version, rack_topology_key, metrics_configmap,
    cruise_control, kafka_spec (merged over the rendered Kafka spec), topics, users, tls_users,
    acls, quotas.

    Returns dict(cluster=[...], topics=[...], users=[...] (Secrets and KafkaUsers),
    absent_topics=[names], absent_users=[names]). Without ``secrets`` the users' password
    Secrets are left out.
    """
    problems = []
    api_version = settings.get("api_version")
    if api_version not in API_VERSIONS:
        raise StrimziError(["api_version must be one of %s, got %r"
                            % (", ".join(API_VERSIONS), api_version)])
    for key in ("name", "namespace"):
        if not isinstance(settings.get(key), str) or not DNS_SUBDOMAIN_RE.match(settings[key]):
            problems.append("%s must be a lower-case DNS name, got %r" % (key, settings.get(key)))
    if settings.get("platform", "kubernetes") not in ("kubernetes", "openshift"):
        problems.append("platform must be kubernetes or openshift, got %r" % settings.get("platform"))
    _check_node_pools(settings, problems)
    _check_listeners(settings, problems)
    _check_version_fields(settings, problems)
    topics, absent_topics = render_topics(settings, broker_replicas(settings), problems)
    users, absent_users = render_users(settings, problems, secrets)
    if problems:
        raise StrimziError(problems)
    return dict(cluster=render_cluster(settings), topics=topics, users=users,
                absent_topics=absent_topics, absent_users=absent_users)


# ---------------------------------------------------------------------------------------------
# Status
# ---------------------------------------------------------------------------------------------

# Reasons the operator gives while it is still working, not failures.
PROGRESS_REASONS = frozenset(["Creating", "Updating", "Pending", "Reconciling"])


def readiness(resources):
    """Sort resources (as read back) by the operator's verdict.

    A resource is ready when its ``status.observedGeneration`` has caught up with
    ``metadata.generation`` and it has ``Ready=True``; failed when the operator reports
    ``Ready=False`` or ``NotReady=True`` with a reason other than creating/updating; else in
    progress. Returns dict(done, ready, progress, failed) where the last two list
    ``{kind, name, reason, message, text}`` (text: ``name (reason: message)``).
    """
    out = dict(ready=[], progress=[], failed=[])
    for item in resources or []:
        meta = item.get("metadata") or {}
        status = item.get("status") or {}
        entry = dict(kind=item.get("kind"), name=meta.get("name"), reason="", message="")
        conditions = status.get("conditions") or []
        current = status.get("observedGeneration") == meta.get("generation")
        ready = [c for c in conditions if c.get("type") == "Ready"]
        not_ready = [c for c in conditions if c.get("type") == "NotReady"
                     and str(c.get("status")) == "True"]
        if current and ready and str(ready[-1].get("status")) == "True" and not not_ready:
            out["ready"].append(entry["name"])
            continue
        bad = not_ready or [c for c in ready if str(c.get("status")) == "False"]
        if bad:
            entry["reason"] = bad[-1].get("reason") or ""
            entry["message"] = bad[-1].get("message") or ""
        if current and bad and entry["reason"] not in PROGRESS_REASONS:
            out["failed"].append(entry)
        else:
            if not entry["message"]:
                entry["message"] = ("waiting for the operator" if not current
                                    else "no Ready condition yet")
            out["progress"].append(entry)
    for entry in out["failed"] + out["progress"]:
        entry["text"] = "%s (%s: %s)" % (entry["name"], entry["reason"] or "pending", entry["message"])
    out["done"] = not out["progress"]
    return out


# ---------------------------------------------------------------------------------------------
# Operator install from the release manifests
# ---------------------------------------------------------------------------------------------

def operator_manifests(documents, namespace, watch_namespaces=None):
    """Strimzi's release manifests for an operator in ``namespace`` that watches
    ``watch_namespaces`` (its own namespace when empty, ``["*"]`` for all).

    The role bindings' subjects move to ``namespace``; the Deployment's STRIMZI_NAMESPACE is set
    to the watched namespaces. Namespaced objects get ``namespace``; each RoleBinding is repeated
    in every watched namespace (a ClusterRoleBinding of the same name for ``["*"]``), as Strimzi's
    installation guide does by hand.
    """
    watch = list(watch_namespaces or [])
    watched = ",".join(watch) if watch else None
    out = []
    for doc in documents or []:
        if not doc:
            continue
        doc = copy.deepcopy(doc)
        kind = doc.get("kind")
        meta = doc.setdefault("metadata", {})
        cluster_scoped = kind in ("CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding")
        if not cluster_scoped:
            meta["namespace"] = namespace
        for subject in doc.get("subjects") or []:
            if subject.get("kind") == "ServiceAccount":
                subject["namespace"] = namespace
        if kind == "Deployment":
            for container in doc.get("spec", {}).get("template", {}).get("spec", {}).get(
                    "containers", []):
                for env in container.get("env") or []:
                    if env.get("name") == "STRIMZI_NAMESPACE":
                        if watched is None:
                            env.pop("value", None)
                            env["valueFrom"] = {"fieldRef": {"fieldPath": "metadata.namespace"}}
                        else:
                            env.pop("valueFrom", None)
                            env["value"] = watched
        if kind == "RoleBinding" and watch == ["*"]:
            doc["kind"] = "ClusterRoleBinding"
            meta.pop("namespace", None)
        elif kind == "RoleBinding":
            for other in [ns for ns in watch if ns != namespace]:
                copy_ = copy.deepcopy(doc)
                copy_["metadata"]["namespace"] = other
                out.append(copy_)
        out.append(doc)
    return out


# ---------------------------------------------------------------------------------------------
# Reading resources back into the modules' shapes (compare both paths)
# ---------------------------------------------------------------------------------------------

def topics_from_resources(resources):
    """KafkaTopic objects -> {topic: dict(partitions, replication_factor, config)} with config
    values as the normalised strings kafka_topic compares."""
    out = {}
    for item in resources:
        if item.get("kind") != "KafkaTopic":
            continue
        spec = item.get("spec") or {}
        name = spec.get("topicName") or item["metadata"]["name"]
        config = {}
        for key, value in (spec.get("config") or {}).items():
            if isinstance(value, bool):
                config[key] = "true" if value else "false"
            elif isinstance(value, float):
                config[key] = repr(value)
            elif isinstance(value, int) and TOPIC_CONFIG_TYPES.get(key) == DOUBLE:
                config[key] = repr(float(value))
            else:
                config[key] = str(value)
        out[name] = dict(partitions=spec.get("partitions"), replication_factor=spec.get("replicas"),
                         config=config)
    return out


def users_from_resources(resources):
    """KafkaUser objects -> {user: dict(mechanism, acls: set of (principal, resource_type,
    resource_name, pattern_type, operation, permission, host), quotas)}."""
    reverse_types = dict((v, k) for k, v in ACL_RESOURCE_TYPES.items())
    reverse_patterns = dict((v, k) for k, v in ACL_PATTERNS.items())
    reverse_quotas = dict((v, k) for k, v in QUOTA_KEYS.items())
    out = {}
    for item in resources:
        if item.get("kind") != "KafkaUser":
            continue
        spec = item.get("spec") or {}
        name = item["metadata"]["name"]
        auth = (spec.get("authentication") or {}).get("type")
        principal = "User:%s" % name if auth == "scram-sha-512" else "User:CN=%s" % name
        acls = set()
        for rule in (spec.get("authorization") or {}).get("acls") or []:
            resource = rule["resource"]
            resource_type = reverse_types[resource["type"]]
            for operation in rule["operations"]:
                acls.add((principal, resource_type,
                          resource.get("name", "kafka-cluster"),
                          reverse_patterns[resource.get("patternType", "literal")],
                          re.sub(r"(?<!^)([A-Z])", r"_\1", operation).lower(),
                          rule.get("type", "allow"), rule.get("host", "*")))
        quotas = dict((reverse_quotas[key], float(value))
                      for key, value in (spec.get("quotas") or {}).items())
        out[name] = dict(mechanism="SCRAM-SHA-512" if auth == "scram-sha-512" else auth,
                         acls=acls, quotas=quotas)
    return out
