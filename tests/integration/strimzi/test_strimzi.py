"""The strimzi role (playbooks/strimzi.yml) against a real kube-apiserver with Strimzi's and OLM's
CRDs: every rendered object is server-side applied, so the API server's schema and CEL validation
judge it. No operator runs here: the statuses the Strimzi operator and OLM would write are written
by the test's stand-in (testbed.kube.OperatorStandIn); the operator's own work is out of scope.

One desired-state file, the one site.yml applies (examples/site/kafka_desired_state.yml), drives
every run: first run, unchanged re-run, check mode, a hostile input refused before anything is
applied, and an operator failure reported with the operator's message.
"""
import os

import pytest
import yaml

from ansible_collections.specweave.kafka.plugins.module_utils import strimzi
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_acl import expand_bindings
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_topic import desired_topics

from testbed.ansible import run_playbook
from testbed.kube import STAND_IN_CA

from strimzi_env import COLLECTION, NAMESPACE, PASSWORDS, load_desired_state

HERE = os.path.dirname(os.path.abspath(__file__))
PLAY = os.path.join(HERE, "strimzi_then_client.yml")
OPENSHIFT_EXAMPLE = os.path.join(COLLECTION, "examples", "strimzi", "openshift.yml")
V1 = "kafka.strimzi.io/v1"
CLUSTER = "orders-cluster"
MANAGED = {"app.kubernetes.io/managed-by": "specweave-kafka", "strimzi.io/cluster": CLUSTER}


def extra_vars(kube, desired, tmp, **overrides):
    """examples/strimzi/openshift.yml as written, with the test bed's connection, short waits, a
    TLS user and the values the client play checks."""
    with open(OPENSHIFT_EXAMPLE) as handle:
        base = yaml.safe_load(handle)
    base.update({
        "kafka_site_desired_state": desired,
        "strimzi_kubeconfig": kube.kubeconfig,
        "strimzi_tls_users": ["billing"],
        "strimzi_wait_delay": 1,
        "strimzi_wait_timeout": 20,
        "strimzi_client_ca_path": os.path.join(tmp, "ca.pem"),
        "expected_bootstrap": "%s-kafka-bootstrap.%s.svc:9094" % (CLUSTER, NAMESPACE),
        "expected_password": PASSWORDS["orders"],
        "expected_ca": STAND_IN_CA.decode().rstrip("\n"),
    })
    base.update(overrides)
    return base


def short(name):
    """A task's name without the role prefix ("strimzi : ") that callbacks may add."""
    return name.split(" : ", 1)[-1]


def failed_tasks(run):
    return [t for t in run.task_results() if t.get("failed")]


def changed_tasks(run):
    return [short(t["_task"]) for t in run.task_results() if t.get("changed")]


def managed_topics(kube):
    return kube.list(V1, "KafkaTopic", NAMESPACE,
                     label_selector=",".join("%s=%s" % kv for kv in MANAGED.items()))


def with_desired_state(desired, tmp, name, change):
    state = load_desired_state(desired)
    change(state)
    path = os.path.join(tmp, name)
    with open(path, "w") as handle:
        yaml.safe_dump(state, handle)
    return path


@pytest.fixture(scope="module")
def first_run(kube, operator, desired_state_file, tmp_path_factory):
    """The first run, with an undeclared topic of the role's own (labelled) and one that is not."""
    tmp = str(tmp_path_factory.mktemp("strimzi-run"))
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
    kube.apply({"apiVersion": V1, "kind": "KafkaTopic",
                "metadata": {"name": "stale", "namespace": NAMESPACE, "labels": MANAGED},
                "spec": {"partitions": 1}}, field_manager="earlier-run")
    kube.apply({"apiVersion": V1, "kind": "KafkaTopic",
                "metadata": {"name": "foreign", "namespace": NAMESPACE,
                             "labels": {"strimzi.io/cluster": CLUSTER}},
                "spec": {"partitions": 1}}, field_manager="someone-else")
    run = run_playbook(PLAY, extra_vars(kube, desired_state_file, tmp))
    assert run.returncode == 0, (failed_tasks(run) or run.stdout[-3000:], operator.errors)
    return tmp, run


def test_first_run_applies_operator_cluster_topics_and_users(kube, first_run, desired_state_file):
    tmp, run = first_run
    # OLM: OperatorGroup and Subscription, accepted by OLM's CRDs
    sub = kube.get("operators.coreos.com/v1alpha1", "Subscription", "amq-streams", NAMESPACE)
    assert sub["spec"] == {"name": "amq-streams", "channel": "stable", "source": "redhat-operators",
                           "sourceNamespace": "openshift-marketplace",
                           "installPlanApproval": "Automatic"}
    group = kube.get("operators.coreos.com/v1", "OperatorGroup", "amq-streams", NAMESPACE)
    assert group["spec"]["targetNamespaces"] == [NAMESPACE]
    # the cluster, as the API server stored it
    kafka = kube.get(V1, "Kafka", CLUSTER, NAMESPACE)
    spec = kafka["spec"]
    assert [(l["name"], l["type"]) for l in spec["kafka"]["listeners"]] == [
        ("tls", "internal"), ("scram", "internal"), ("external", "route")]
    assert spec["kafka"]["rack"] == {"topologyKey": "topology.kubernetes.io/zone"}
    assert spec["kafka"]["authorization"] == {"type": "simple"}
    assert spec["cruiseControl"] == {}
    ref = spec["kafka"]["metricsConfig"]["valueFrom"]["configMapKeyRef"]
    rules = kube.get("v1", "ConfigMap", ref["name"], NAMESPACE)["data"][ref["key"]]
    assert "rules:" in rules and "kafka_server" in rules
    pools = dict((p["metadata"]["name"], p["spec"])
                 for p in kube.list(V1, "KafkaNodePool", NAMESPACE))
    assert pools["controllers"]["roles"] == ["controller"] and pools["brokers"]["replicas"] == 3
    # applied server-side by the role's field manager
    managers = [(m["manager"], m["operation"]) for m in kafka["metadata"]["managedFields"]]
    assert ("specweave-kafka", "Apply") in managers
    # exclusive mode removed the role's undeclared topic, not the one without its label
    assert kube.get(V1, "KafkaTopic", "stale", NAMESPACE) is None
    assert kube.get(V1, "KafkaTopic", "foreign", NAMESPACE) is not None


def test_same_topics_and_users_as_the_self_hosted_path(kube, first_run, desired_state_file):
    """The objects read back from the API server equal what kafka_topic / kafka_acl make of the
    same desired-state file."""
    state = load_desired_state(desired_state_file)
    self_hosted = dict((t["name"], dict(partitions=t["partitions"],
                                        replication_factor=t["replication_factor"],
                                        config=t["config"]))
                       for t in desired_topics(dict(topics=state["kafka_site_topics"])))
    assert strimzi.topics_from_resources(managed_topics(kube)) == self_hosted
    users = strimzi.users_from_resources(kube.list(V1, "KafkaUser", NAMESPACE))
    assert sorted(users) == ["analytics", "billing", "orders"]
    assert users["billing"]["mechanism"] == "tls"
    acls = set(tuple(getattr(k, f) for f in ("principal", "resource_type", "resource_name",
                                             "pattern_type", "operation", "permission", "host"))
               for k in expand_bindings(state["kafka_site_acls"]))
    assert set().union(*(u["acls"] for u in users.values())) == acls
    assert users["analytics"]["quotas"] == {"consumer_byte_rate": 10485760.0,
                                           "request_percentage": 50.0}
    # the password the KafkaUser references is the desired state's
    secret = kube.get("v1", "Secret", "orders-password", NAMESPACE)
    import base64
    assert base64.b64decode(secret["data"]["password"]).decode() == PASSWORDS["orders"]


def test_first_run_waits_and_publishes_client_settings(first_run):
    tmp, run = first_run
    names = [t["_task"] for t in run.task_results()]
    assert any("Ready, or the operator's messages - Kafka" in n for n in names)
    assert any("Ready, or the operator's messages - KafkaTopic" in n for n in names)
    # the next play's assert on strimzi_client_connection ran and passed
    assert any(t["_task"] == "The connection published for the next tasks" and not t.get("skipped")
               for t in run.task_results())
    connect = [t for t in run.task_results() if short(t["_task"]) == "Client | How clients connect"]
    assert "bootstrap.servers=%s-kafka-bootstrap.%s.svc:9094" % (CLUSTER, NAMESPACE) in connect[0]["msg"]


def test_rerun_changes_nothing(kube, first_run, desired_state_file):
    tmp, _ = first_run
    generation = kube.get(V1, "Kafka", CLUSTER, NAMESPACE)["metadata"]["generation"]
    run = run_playbook(PLAY, extra_vars(kube, desired_state_file, tmp))
    assert run.returncode == 0, failed_tasks(run)
    assert changed_tasks(run) == []
    assert kube.get(V1, "Kafka", CLUSTER, NAMESPACE)["metadata"]["generation"] == generation


def test_check_mode_reports_the_change_and_applies_nothing(kube, first_run, desired_state_file):
    tmp, _ = first_run

    def change(state):
        state["kafka_site_topics"][0]["partitions"] = 12
        state["kafka_site_topics"].append({"name": "payments", "partitions": 3,
                                           "replication_factor": 3})
    desired = with_desired_state(desired_state_file, tmp, "check.yml", change)
    run = run_playbook(PLAY, extra_vars(kube, desired, tmp), check=True)
    assert run.returncode == 0, failed_tasks(run)
    assert changed_tasks(run) == ["Resources | KafkaTopics and KafkaUsers (server-side apply)"]
    assert kube.get(V1, "KafkaTopic", "orders", NAMESPACE)["spec"]["partitions"] == 6
    assert kube.get(V1, "KafkaTopic", "payments", NAMESPACE) is None


def test_hostile_inputs_are_refused_before_anything_is_applied(kube, first_run, desired_state_file):
    tmp, _ = first_run

    def change(state):
        state["kafka_site_topics"].append({"name": "big", "partitions": 3, "replication_factor": 5})
    desired = with_desired_state(desired_state_file, tmp, "hostile.yml", change)
    listeners = [
        {"name": "plain", "port": 9092, "type": "internal", "tls": False,
         "authentication": {"type": "tls"}},
        {"name": "scram", "port": 9094, "type": "internal", "tls": True,
         "authentication": {"type": "scram-sha-512"}},
        {"name": "scram", "port": 9095, "type": "internal", "tls": True},
    ]
    run = run_playbook(PLAY, extra_vars(kube, desired, tmp, strimzi_listeners=listeners,
                                        strimzi_kafka_spec={"zookeeper": {"replicas": 3}}))
    assert run.returncode != 0
    failed = failed_tasks(run)
    assert [short(t["_task"]) for t in failed] == [
        "Preflight | Render every resource from the cluster settings and the desired state"]
    message = failed[0]["msg"]
    for expected in ("'big' has replication_factor 5 but the broker node pools run 3 broker(s)",
                     "the listener name 'scram' is already used by listeners[1]",
                     "TLS client authentication needs an encrypted listener",
                     "spec.zookeeper is a ZooKeeper-era field"):
        assert expected in message, message
    assert changed_tasks(run) == []
    assert kube.get(V1, "KafkaTopic", "big", NAMESPACE) is None
    assert [l["name"] for l in kube.get(V1, "Kafka", CLUSTER, NAMESPACE)["spec"]["kafka"]["listeners"]] \
        == ["tls", "scram", "external"]


def test_operator_failure_is_reported_with_its_message(kube, operator, first_run, desired_state_file):
    tmp, _ = first_run
    message = "Replication factor: 3 larger than available brokers: 2."
    operator.failures["orders"] = ("KafkaError", message)

    def change(state):
        state["kafka_site_topics"][0]["partitions"] = 8
    desired = with_desired_state(desired_state_file, tmp, "failing.yml", change)
    try:
        run = run_playbook(PLAY, extra_vars(kube, desired, tmp))
    finally:
        operator.failures.clear()
    assert run.returncode != 0
    failed = failed_tasks(run)
    assert len(failed) == 1 and "messages - KafkaTopic" in failed[0]["_task"], failed
    assert "orders (KafkaError: %s)" % message in failed[0]["msg"]
    # the change itself was applied (the operator, not the API server, refused it)
    assert kube.get(V1, "KafkaTopic", "orders", NAMESPACE)["spec"]["partitions"] == 8
