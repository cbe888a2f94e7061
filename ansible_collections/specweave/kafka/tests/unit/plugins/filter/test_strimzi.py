# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Strimzi rendering of the shared desired state (module_utils/strimzi.py and its filters)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os
import re

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.specweave.kafka.plugins.filter.strimzi_readiness import strimzi_readiness
from ansible_collections.specweave.kafka.plugins.filter.strimzi_resources import strimzi_resources
from ansible_collections.specweave.kafka.plugins.module_utils import strimzi
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_acl import expand_bindings
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_quota import normalize_items
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic import desired_topics
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_user import normalize_users

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
DESIRED_STATE = os.path.join(COLLECTION, "examples", "site", "kafka_desired_state.yml")
V1, V1BETA2 = "kafka.strimzi.io/v1", "kafka.strimzi.io/v1beta2"


def shared_desired_state():
    """examples/site/kafka_desired_state.yml (what site.yml applies), passwords filled in."""
    with open(DESIRED_STATE) as handle:
        text = handle.read()
    text = re.sub(r'"\{\{ vault_kafka_user_passwords\.(\w+) \}\}"', r'"\1-secret"', text)
    return yaml.safe_load(text)


def settings(**overrides):
    state = shared_desired_state()
    base = dict(
        name="orders-cluster", namespace="kafka", api_version=V1, platform="kubernetes",
        labels={strimzi.MANAGED_BY: "specweave-kafka"},
        node_pools=[
            dict(name="controllers", roles=["controller"], replicas=3,
                 storage=dict(type="persistent-claim", size="10Gi")),
            dict(name="brokers", roles=["broker"], replicas=3,
                 storage=dict(type="jbod", volumes=[dict(id=0, type="persistent-claim",
                                                         size="100Gi")])),
        ],
        listeners=[
            dict(name="tls", port=9093, type="internal", tls=True,
                 authentication=dict(type="tls")),
            dict(name="scram", port=9094, type="internal", tls=True,
                 authentication=dict(type="scram-sha-512")),
        ],
        authorization=dict(type="simple"),
        topics=state["kafka_site_topics"], users=state["kafka_site_users"],
        acls=state["kafka_site_acls"], quotas=state["kafka_site_quotas"],
    )
    base.update(overrides)
    return base


def problems_of(**overrides):
    with pytest.raises(strimzi.StrimziError) as info:
        strimzi.render(settings(**overrides))
    return info.value.problems


# -- the same desired state on both paths ------------------------------------------------------

def test_shared_desired_state_gives_the_same_topics_as_the_self_hosted_path():
    state = shared_desired_state()
    self_hosted = dict((t["name"], dict(partitions=t["partitions"],
                                        replication_factor=t["replication_factor"],
                                        config=t["config"]))
                       for t in desired_topics(dict(topics=state["kafka_site_topics"])))
    rendered = strimzi.render(settings())
    assert strimzi.topics_from_resources(rendered["topics"]) == self_hosted
    # the normalised values, typed as a KafkaTopic wants them (7d -> 604800000 ms)
    orders = [t for t in rendered["topics"] if t["metadata"]["name"] == "orders"][0]
    assert orders["spec"] == dict(partitions=6, replicas=3,
                                  config={"min.insync.replicas": 2, "retention.ms": 604800000})


def test_shared_desired_state_gives_the_same_users_acls_and_quotas():
    state = shared_desired_state()
    rendered = strimzi.render(settings())
    back = strimzi.users_from_resources(rendered["users"])
    users = normalize_users(dict(users=state["kafka_site_users"]))
    assert sorted(back) == sorted(u["name"] for u in users)
    assert all(back[u["name"]]["mechanism"] == u["mechanism"] for u in users)
    acls = set(tuple(getattr(k, f) for f in ("principal", "resource_type", "resource_name",
                                             "pattern_type", "operation", "permission", "host"))
               for k in expand_bindings(state["kafka_site_acls"]))
    assert set().union(*(u["acls"] for u in back.values())) == acls
    quotas = dict((dict(item["entity"])["user"], item["quotas"])
                  for item in normalize_items(state["kafka_site_quotas"]))
    assert dict((name, u["quotas"]) for name, u in back.items() if u["quotas"]) == quotas
    # the password reaches Strimzi through a Secret the KafkaUser references
    secrets = dict((r["metadata"]["name"], r) for r in rendered["users"] if r["kind"] == "Secret")
    assert secrets["orders-password"]["stringData"] == {"password": "orders-secret"}
    orders = [r for r in rendered["users"] if r["kind"] == "KafkaUser"
              and r["metadata"]["name"] == "orders"][0]
    assert orders["spec"]["authentication"]["password"]["valueFrom"]["secretKeyRef"] == \
        {"name": "orders-password", "key": "password"}
    assert {"resource": {"type": "topic", "name": "orders", "patternType": "prefix"},
            "operations": ["Describe", "Read", "Write"], "host": "*", "type": "allow"} in \
        orders["spec"]["authorization"]["acls"]


def test_labels_and_cluster_on_every_resource():
    rendered = strimzi.render(settings())
    for item in rendered["topics"] + rendered["users"] + rendered["cluster"][:-1]:
        assert item["metadata"]["labels"][strimzi.CLUSTER_LABEL] == "orders-cluster"
        assert item["metadata"]["labels"][strimzi.MANAGED_BY] == "specweave-kafka"
        assert item["metadata"]["namespace"] == "kafka"


def test_topic_names_that_are_not_kubernetes_names():
    rendered = strimzi.render(settings(topics=[dict(name="Orders_EU", partitions=1)], acls=[],
                                       quotas=[]))
    topic = rendered["topics"][0]
    assert topic["spec"]["topicName"] == "Orders_EU"
    assert re.match(r"^orders-eu-[0-9a-f]{10}$", topic["metadata"]["name"])
    assert strimzi.topics_from_resources([topic]) == {
        "Orders_EU": dict(partitions=1, replication_factor=None, config={})}


def test_absent_items_are_listed_for_deletion():
    rendered = strimzi.render(settings(
        topics=[dict(name="old", state="absent"), dict(name="new", partitions=1)],
        users=[dict(name="gone", state="absent")], acls=[], quotas=[]))
    assert rendered["absent_topics"] == ["old"]
    assert rendered["absent_users"] == ["gone"]
    assert [t["metadata"]["name"] for t in rendered["topics"]] == ["new"]


# -- the cluster ---------------------------------------------------------------------------------

def test_cluster_resources_v1():
    rendered = strimzi.render(settings(rack_topology_key="topology.kubernetes.io/zone",
                                       metrics_configmap="orders-cluster-metrics",
                                       cruise_control=True, version="4.1.0"))
    pools, kafka = rendered["cluster"][:-1], rendered["cluster"][-1]
    assert [p["metadata"]["name"] for p in pools] == ["controllers", "brokers"]
    assert pools[1]["spec"]["roles"] == ["broker"] and pools[1]["spec"]["replicas"] == 3
    assert kafka["kind"] == "Kafka" and kafka["apiVersion"] == V1
    assert "annotations" not in kafka["metadata"]
    spec = kafka["spec"]
    assert [listener["name"] for listener in spec["kafka"]["listeners"]] == ["tls", "scram"]
    assert spec["kafka"]["rack"] == {"topologyKey": "topology.kubernetes.io/zone"}
    assert spec["kafka"]["metricsConfig"]["valueFrom"]["configMapKeyRef"]["name"] == \
        "orders-cluster-metrics"
    assert spec["cruiseControl"] == {}
    assert spec["entityOperator"] == {"topicOperator": {}, "userOperator": {}}
    assert spec["kafka"]["version"] == "4.1.0"


def test_v1beta2_enables_kraft_and_node_pools_by_annotation():
    kafka = strimzi.render(settings(api_version=V1BETA2))["cluster"][-1]
    assert kafka["apiVersion"] == V1BETA2
    assert kafka["metadata"]["annotations"] == {"strimzi.io/kraft": "enabled",
                                                "strimzi.io/node-pools": "enabled"}


def test_kafka_spec_is_merged_over_the_rendered_spec():
    kafka = strimzi.render(settings(kafka_spec={"kafka": {"config": {"auto.create.topics.enable":
                                                                     False}}}))["cluster"][-1]
    assert kafka["spec"]["kafka"]["config"] == {"auto.create.topics.enable": False}
    assert kafka["spec"]["kafka"]["listeners"]


# -- hostile inputs: every problem at once, before anything is applied ------------------------

@pytest.mark.parametrize("overrides, expected", [
    (dict(topics=[dict(name="big", partitions=3, replication_factor=5)], acls=[], quotas=[]),
     "'big' has replication_factor 5 but the broker node pools run 3 broker(s)"),
    (dict(listeners=[dict(name="scram", port=9094, type="internal", tls=True,
                          authentication=dict(type="scram-sha-512")),
                     dict(name="scram", port=9095, type="internal", tls=True,
                          authentication=dict(type="tls"))]),
     "the listener name 'scram' is already used by listeners[0]"),
    (dict(listeners=[dict(name="plain", port=9092, type="internal", tls=False,
                          authentication=dict(type="tls")),
                     dict(name="scram", port=9094, type="internal", tls=True,
                          authentication=dict(type="scram-sha-512"))]),
     "TLS client authentication needs an encrypted listener: set tls: true"),
    (dict(kafka_spec={"zookeeper": {"replicas": 3}}),
     "spec.zookeeper is a ZooKeeper-era field that kafka.strimzi.io/v1 (Strimzi 1.x) removed"),
    (dict(kafka_spec={"kafka": {"replicas": 3}}),
     "spec.kafka.replicas is a ZooKeeper-era field"),
    (dict(config={"zookeeper.connect": "zk:2181"}), "zookeeper.connect is a ZooKeeper setting"),
    (dict(listeners=[dict(name="ext", port=9094, type="route", tls=True,
                          authentication=dict(type="scram-sha-512"))]),
     "type route needs OpenShift routes"),
    (dict(listeners=[dict(name="scram", port=9404, type="internal", tls=True,
                          authentication=dict(type="scram-sha-512"))]),
     "port 9404 is reserved by Strimzi"),
    (dict(listeners=[dict(name="scram", port=9094, type="internal", tls=True,
                          authentication=dict(type="oauth"))]),
     "authentication type 'oauth' is not supported by kafka.strimzi.io/v1"),
    (dict(node_pools=[dict(name="b", roles=["broker"], replicas=3, storage=dict(type="ephemeral"))]),
     "no pool has the controller role"),
    (dict(users=[dict(name="orders", password="x", mechanism="SCRAM-SHA-256")], acls=[],
          quotas=[]),
     "Strimzi's KafkaUser supports SCRAM-SHA-512 only"),
    (dict(users=[dict(name="Orders", password="x")], acls=[], quotas=[]),
     "'Orders' is not a valid KafkaUser name"),
    (dict(acls=[dict(principal="User:stranger", resource_type="topic", resource_name="t",
                     operations=["read"])], quotas=[]),
     "principal User:stranger is not a user of this desired state"),
    (dict(quotas=[dict(client_id="app", quotas=dict(producer_byte_rate=1024))]),
     "Strimzi sets quotas per KafkaUser only"),
    (dict(authorization=None), "ACLs need authorization on the cluster"),
    (dict(topics=[dict(name="t", replication_factor=2, config={"min.insync.replicas": 3})],
          acls=[], quotas=[]),
     "min.insync.replicas 3 above its replication_factor 2"),
    (dict(topics=[dict(name="t", config={"retention.ms": "a week"})], acls=[], quotas=[]),
     "retention.ms"),
    (dict(topics=[dict(name="__consumer_offsets")], acls=[], quotas=[]), "internal topic"),
])
def test_hostile_inputs_are_refused_with_a_clear_message(overrides, expected):
    problems = problems_of(**overrides)
    assert any(expected in problem for problem in problems), problems


def test_every_problem_is_reported_at_once_through_the_filter():
    bad = settings(topics=[dict(name="big", replication_factor=9)],
                   listeners=[dict(name="plain", port=9092, type="internal", tls=False,
                                   authentication=dict(type="tls"))],
                   kafka_spec={"zookeeper": {}}, acls=[], quotas=[], users=[])
    with pytest.raises(AnsibleFilterError) as info:
        strimzi_resources(bad)
    message = str(info.value)
    assert "nothing was applied" in message
    for part in ("replication_factor 9", "TLS client authentication", "spec.zookeeper"):
        assert part in message


def test_v1beta2_keeps_refusing_zookeeper():
    assert any("spec.zookeeper is not supported" in p
               for p in problems_of(api_version=V1BETA2, kafka_spec={"zookeeper": {}}))


def test_unknown_api_version():
    assert "api_version must be one of" in problems_of(api_version="kafka.strimzi.io/v2")[0]


def test_tls_users_get_certificate_authentication_and_their_acls():
    rendered = strimzi.render(settings(
        users=[], quotas=[], tls_users=["billing"],
        acls=[dict(principal="User:CN=billing", resource_type="cluster",
                   operations=["describe", "idempotent_write"])]))
    user = [r for r in rendered["users"] if r["kind"] == "KafkaUser"][0]
    assert [r["kind"] for r in rendered["users"]] == ["KafkaUser"]
    assert user["spec"]["authentication"] == {"type": "tls"}
    assert user["spec"]["authorization"]["acls"] == [
        {"resource": {"type": "cluster"}, "operations": ["Describe", "IdempotentWrite"],
         "host": "*", "type": "allow"}]


# -- readiness ---------------------------------------------------------------------------------

def _item(name, generation, observed, conditions, kind="KafkaTopic"):
    status = dict(conditions=conditions)
    if observed is not None:
        status["observedGeneration"] = observed
    return dict(kind=kind, metadata=dict(name=name, generation=generation), status=status)


def test_readiness_sorts_by_the_operators_conditions():
    verdict = strimzi_readiness([
        _item("ok", 2, 2, [dict(type="Ready", status="True")]),
        _item("stale", 3, 2, [dict(type="Ready", status="True")]),
        dict(kind="KafkaTopic", metadata=dict(name="new", generation=1)),
        _item("creating", 1, 1, [dict(type="NotReady", status="True", reason="Creating",
                                      message="Kafka cluster is being deployed")], kind="Kafka"),
        _item("bad", 1, 1, [dict(type="Ready", status="False", reason="KafkaError",
                                 message="Replication factor: 5 larger than available brokers: 3")]),
    ])
    assert verdict["ready"] == ["ok"]
    assert [p["name"] for p in verdict["progress"]] == ["stale", "new", "creating"]
    message = "Replication factor: 5 larger than available brokers: 3"
    assert verdict["failed"] == [dict(kind="KafkaTopic", name="bad", reason="KafkaError",
                                      message=message, text="bad (KafkaError: %s)" % message)]
    assert verdict["progress"][1]["text"] == "new (pending: waiting for the operator)"
    assert verdict["done"] is False
    assert strimzi_readiness([_item("ok", 1, 1, [dict(type="Ready", status="True")])])["done"]


def test_readiness_refuses_something_else_than_a_list():
    with pytest.raises(AnsibleFilterError):
        strimzi_readiness({"resources": []})


# -- operator manifests ------------------------------------------------------------------------

def test_operator_manifests_namespace_and_watched_namespaces():
    docs = [
        dict(apiVersion="v1", kind="ServiceAccount", metadata=dict(name="strimzi-cluster-operator",
                                                                   namespace="myproject")),
        dict(apiVersion="rbac.authorization.k8s.io/v1", kind="ClusterRoleBinding",
             metadata=dict(name="strimzi-cluster-operator"),
             subjects=[dict(kind="ServiceAccount", name="strimzi-cluster-operator",
                            namespace="myproject")]),
        dict(apiVersion="apps/v1", kind="Deployment", metadata=dict(name="strimzi-cluster-operator"),
             spec=dict(template=dict(spec=dict(containers=[dict(name="op", env=[
                 dict(name="STRIMZI_NAMESPACE",
                      valueFrom=dict(fieldRef=dict(fieldPath="metadata.namespace"))),
                 dict(name="OTHER", value="x")])])))),
        None,
    ]
    original = copy.deepcopy(docs)
    out = strimzi.operator_manifests(docs, "strimzi", ["kafka", "kafka-dev"])
    assert docs == original
    assert out[0]["metadata"]["namespace"] == "strimzi"
    assert "namespace" not in out[1]["metadata"]
    assert out[1]["subjects"][0]["namespace"] == "strimzi"
    env = out[2]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env[0] == dict(name="STRIMZI_NAMESPACE", value="kafka,kafka-dev")
    assert env[1] == dict(name="OTHER", value="x")
    own = strimzi.operator_manifests(out, "strimzi", [])
    assert own[2]["spec"]["template"]["spec"]["containers"][0]["env"][0] == dict(
        name="STRIMZI_NAMESPACE", valueFrom=dict(fieldRef=dict(fieldPath="metadata.namespace")))


def test_operator_manifests_role_bindings_in_every_watched_namespace():
    binding = dict(apiVersion="rbac.authorization.k8s.io/v1", kind="RoleBinding",
                   metadata=dict(name="strimzi-cluster-operator", namespace="myproject"),
                   roleRef=dict(kind="ClusterRole", name="strimzi-cluster-operator-namespaced"),
                   subjects=[dict(kind="ServiceAccount", name="strimzi-cluster-operator",
                                  namespace="myproject")])
    out = strimzi.operator_manifests([binding], "strimzi", ["kafka", "strimzi"])
    assert sorted(b["metadata"]["namespace"] for b in out) == ["kafka", "strimzi"]
    assert all(b["subjects"][0]["namespace"] == "strimzi" for b in out)
    everywhere = strimzi.operator_manifests([binding], "strimzi", ["*"])
    assert [b["kind"] for b in everywhere] == ["ClusterRoleBinding"]
    assert "namespace" not in everywhere[0]["metadata"]
