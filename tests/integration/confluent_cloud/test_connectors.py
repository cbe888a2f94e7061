"""confluent_connector, confluent_connector_info and confluent_role_binding through real Ansible
against the contract-validating fake (connect v1 and the role bindings of mds v2).

An Ansible start costs about 1.5 s and each task about 0.6 s, so the three scenarios are the
three plays of ONE playbook run (``scenarios``, once per module), run with -vvv and --diff; each
test reads its play's results and the fake's state and request log afterwards. Check mode
reports the change and sends nothing (the one create of the log is the real run's), apply, the
fake shows it, re-run unchanged, absent, gone. Every request and response of the run is
validated against the official specs; each test asserts that none broke them. The fake's delays
count polls, so every task waits with a 0.02 s interval.
"""
import os
import tempfile

import pytest
import yaml

from testbed.ansible import run_playbook

FAST = dict(wait_interval=0.02, wait_timeout=10)
API_KEY = "KAFKAKEY00000001"
API_SECRET = "kafka-secret-Zq81xVb2"
AWS_SECRET = "aws-secret-Pw77rTq0"
SECRETS = (API_KEY, API_SECRET, AWS_SECRET)
SERVICE_ADDED = ("cloud.environment", "cloud.provider", "kafka.endpoint", "kafka.region")


def _connector(env, cluster, name="orders-datagen", state="running", **config):
    settings = {"connector.class": "DatagenSource", "kafka.api.key": API_KEY,
                "kafka.api.secret": API_SECRET, "kafka.topic": "orders",
                "output.data.format": "JSON", "quickstart": "ORDERS", "tasks.max": "1"}
    settings.update(config)
    settings = dict((key, value) for key, value in settings.items() if value is not None)
    return dict(FAST, name=name, environment=env, cluster=cluster, state=state, config=settings)


def _task(name, module, args, check=False, ignore=False):
    task = {"name": name, "specweave.kafka." + module: args}
    if check:
        task["check_mode"] = True
    if ignore:  # a refusal under test: the play goes on, the test reads its result
        task["ignore_errors"] = True
    return task


def _lifecycle_play(env, cluster):
    base = _connector("env-connect", "orders")  # by display names
    wider = _connector(env, cluster, **{"tasks.max": "2", "quickstart": "USERS"})
    gone = dict(FAST, name="orders-datagen", environment=env, cluster=cluster, state="absent")
    return [
        _task("check create", "confluent_connector", base, check=True),
        _task("create", "confluent_connector", base),
        _task("again", "confluent_connector", base),
        _task("check update", "confluent_connector", wider, check=True),
        _task("update", "confluent_connector", wider),
        _task("pause", "confluent_connector", dict(wider, state="paused")),
        _task("info paused", "confluent_connector_info", dict(environment=env,
                                                               cluster="orders")),
        _task("resume", "confluent_connector", wider),
        _task("absent", "confluent_connector", gone),
        _task("absent again", "confluent_connector", gone),
    ]


def _refusals_play(env, cluster):
    s3 = _connector(env, cluster, name="broken-sink", **{
        "connector.class": "S3_SINK", "topics": "orders", "input.data.format": "JSON",
        "time.interval": "HOURLY", "s3.bucket.name": "archive", "aws.access.key.id": "AKIA1",
        "aws.secret.access.key": AWS_SECRET, "kafka.topic": None, "quickstart": None})
    return [
        _task("not a string", "confluent_connector",
              _connector(env, cluster, **{"tasks.max": 1}), ignore=True),
        _task("no such class", "confluent_connector",
              _connector(env, cluster, **{"connector.class": "NoSuchSource"}), ignore=True),
        _task("missing setting", "confluent_connector", _connector(env, cluster, quickstart=None),
              ignore=True),
        _task("no such class unvalidated", "confluent_connector", dict(_connector(
            env, cluster, **{"connector.class": "NoSuchSource"}), validate=False), ignore=True),
        _task("failing", "confluent_connector", s3, ignore=True),
        _task("timeout", "confluent_connector",
              dict(_connector(env, cluster, name="slow"), wait_timeout=0), ignore=True),
    ]


def _role_binding_play(binding, topic):
    gone = dict(binding, state="absent")
    return [
        _task("check", "confluent_role_binding", binding, check=True),
        _task("create", "confluent_role_binding", binding),
        _task("again", "confluent_role_binding", binding),
        _task("absent", "confluent_role_binding", gone),
        _task("absent again", "confluent_role_binding", gone),
    ]


class Scenarios(object):
    """The one run: ``results[play][task]``, the run's output, the fake's ids, violations."""

    def __init__(self, cc):
        self.cc = cc
        self.env = cc.add_environment("env-connect")
        self.cluster = cc.add_cluster(self.env, "orders")
        self.refusals_env = cc.add_environment("env-refusals")
        self.refusals_cluster = cc.add_cluster(self.refusals_env, "refusals")
        self.sa_id = cc.add_service_account("rb-app")
        crn = ("crn://confluent.cloud/organization=0f2b3d4e/environment=env-rb001/"
               "cloud-cluster=lkc-rb001")
        self.binding = dict(FAST, principal="User:" + self.sa_id, role_name="CloudClusterAdmin",
                            crn_pattern=crn)
        # a binding under the cluster's CRN: the list's search is partial, this is another one
        self.topic = dict(self.binding, role_name="DeveloperRead",
                          crn_pattern=crn + "/kafka=lkc-rb001/topic=orders-*")
        _status, created = cc._role_bindings("POST", None, {}, [], dict(
            (key, self.topic[key]) for key in ("principal", "role_name", "crn_pattern")))
        self.topic_id = created["id"]
        plays = [("lifecycle", _lifecycle_play(self.env, self.cluster)),
                 ("refusals", _refusals_play(self.refusals_env, self.refusals_cluster)),
                 ("role bindings", _role_binding_play(self.binding, self.topic))]
        playbook = [{"name": name, "hosts": "localhost", "gather_facts": False, "tasks": tasks}
                    for name, tasks in plays]
        handle, path = tempfile.mkstemp(suffix=".yml")
        cc.take_violations()
        cc.failing_connectors.add("broken-sink")
        try:
            with os.fdopen(handle, "w") as out:
                yaml.safe_dump(playbook, out)
            self.run = run_playbook(path, diff=True, env=cc.env(), verbosity=3)
        finally:
            os.unlink(path)
            cc.failing_connectors.discard("broken-sink")
        self.violations = cc.take_violations()
        self.results = {}
        for name, tasks in plays:
            got = dict((r["_task"], r) for r in self.run.task_results(play=name))
            assert len(got) == len(tasks), (name, [dict((key, r.get(key)) for key in (
                "_task", "msg", "module_stderr")) for r in got.values()])
            self.results[name] = got

    def connectors_path(self, env, cluster):
        return "/connect/v1/environments/%s/clusters/%s/connectors" % (env, cluster)


@pytest.fixture(scope="module")
def scenarios(cc_fake):
    done = Scenarios(cc_fake)
    yield done
    with cc_fake.lock:  # leave the session's fake as it was
        for key in [key for key in cc_fake.connectors
                    if key[1] in (done.cluster, done.refusals_cluster)]:
            del cc_fake.connectors[key]
        cc_fake.role_bindings.pop(done.topic_id, None)
        cc_fake.service_accounts.pop(done.sa_id, None)
    cc_fake.remove_environment(done.env)
    cc_fake.remove_environment(done.refusals_env)


def test_connector_lifecycle(scenarios, cc):
    r = scenarios.results["lifecycle"]
    env, cluster = scenarios.env, scenarios.cluster
    check = r["check create"]
    assert check["changed"] and check["actions"] == ["create"], check
    assert check["connector"]["state"] == "RUNNING", check
    created = r["create"]
    assert created["changed"] and created["actions"] == ["create"], created
    assert created["connector"]["state"] == "RUNNING", created
    assert created["state_history"] == ["PROVISIONING", "RUNNING"], created
    assert [(t["id"], t["state"]) for t in created["connector"]["tasks"]] == [(0, "RUNNING")]
    assert created["connector"]["cluster"] == cluster and created["connector"]["type"] == "source"
    # the service's view, secrets masked by it and by the module
    assert created["connector"]["config"]["kafka.api.secret"] == "********"
    assert created["diff"]["after"]["config"]["kafka.api.key"] == "********"
    assert created["connector"]["config"]["kafka.region"] == "us-east-1"
    # check mode predicted the config the service stores, apart from the keys it adds
    stored = dict(created["connector"]["config"])
    for key in SERVICE_ADDED:
        stored.pop(key)
    assert check["connector"]["config"] == stored, (check["connector"], stored)
    # what the service adds and masks is not a change
    assert r["again"]["changed"] is False and r["again"]["actions"] == [], r["again"]

    predicted, updated = r["check update"], r["update"]
    assert predicted["changed"] and predicted["actions"] == ["update"], predicted
    assert predicted["changes"]["config"] == {"quickstart": ["ORDERS", "USERS"],
                                              "tasks.max": ["1", "2"]}, predicted
    assert updated["actions"] == predicted["actions"] and \
        updated["changes"] == predicted["changes"], updated
    assert updated["diff"]["before"]["config"]["quickstart"] == "ORDERS"
    assert updated["diff"]["after"]["config"]["quickstart"] == "USERS"
    assert [t["state"] for t in updated["connector"]["tasks"]] == ["RUNNING", "RUNNING"]

    paused = r["pause"]
    assert paused["actions"] == ["pause"] and paused["connector"]["state"] == "PAUSED", paused
    assert paused["changes"] == {"state": ["RUNNING", "PAUSED"]}, paused
    assert [t["state"] for t in paused["connector"]["tasks"]] == ["PAUSED", "PAUSED"]
    listed = r["info paused"]["connectors"]
    assert [(c["name"], c["state"]) for c in listed] == [("orders-datagen", "PAUSED")], listed
    assert listed[0]["config"]["kafka.api.secret"] == "********"
    assert listed[0]["config"]["quickstart"] == "USERS" and len(listed[0]["tasks"]) == 2
    resumed = r["resume"]
    assert resumed["actions"] == ["resume"] and resumed["connector"]["state"] == "RUNNING"

    assert r["absent"]["changed"] and r["absent"]["actions"] == ["delete"], r["absent"]
    assert r["absent"]["connector"] == {}, r["absent"]
    assert r["absent again"]["changed"] is False
    assert [key for key in cc.connectors if key[1] == cluster] == []

    # check mode sent nothing: one create, one config update (the same connector, never
    # deleted and created again), one pause, one resume, one delete
    path = scenarios.connectors_path(env, cluster)
    assert len(cc.requests_to("POST", path)) == 1
    assert len(cc.requests_to("PUT", path + "/orders-datagen/config")) == 1
    assert len(cc.requests_to("PUT", path + "/orders-datagen/pause")) == 1
    assert len(cc.requests_to("PUT", path + "/orders-datagen/resume")) == 1
    assert len(cc.requests_to("DELETE", path)) == 1
    # the config was validated by the service before the create and the update, check mode too
    validate = "/connect/v1/environments/%s/clusters/%s/connector-plugins/DatagenSource/" \
        "config/validate" % (env, cluster)
    assert len(cc.requests_to("PUT", validate)) == 4
    assert scenarios.violations == []


def test_secrets_never_in_the_output(scenarios):
    run = scenarios.run
    assert "kafka.api.secret" in run.stdout  # -vvv shows the invocations, keys and all
    for secret in SECRETS:
        assert secret not in run.stdout and secret not in run.stderr, secret


def test_connector_refusals_and_failures(scenarios, cc):
    r = scenarios.results["refusals"]
    refused = r["not a string"]
    assert refused.get("failed") and "'tasks.max'" in refused["msg"], refused
    assert "int value" in refused["msg"] and "nothing was changed" in refused["msg"], refused
    msg = r["no such class"]["msg"]
    assert r["no such class"].get("failed") and "NoSuchSource" in msg and \
        "not a connector plugin" in msg and "nothing was changed" in msg, msg
    msg = r["missing setting"]["msg"]
    assert 'quickstart: Missing required configuration "quickstart"' in msg, msg
    assert "nothing was changed" in msg, msg
    msg = r["no such class unvalidated"]["msg"]
    assert "HTTP 500" in msg and "Failed to find any class" in msg, msg
    assert "retries" not in r["no such class unvalidated"]  # the same answer on every repeat

    failed = r["failing"]
    assert failed.get("failed") and "broken-sink is FAILED" in failed["msg"], failed
    assert "ConnectException: Failed to connect" in failed["msg"], failed
    assert "task 0: Task 0 failed" in failed["msg"], failed
    assert failed["state_history"] == ["PROVISIONING", "FAILED"], failed
    slow = r["timeout"]
    assert slow.get("failed") and "not RUNNING after 0 seconds" in slow["msg"], slow
    assert "last status: connector PROVISIONING (no tasks yet)" in slow["msg"], slow

    # nothing was created for the refused configs
    env, cluster = scenarios.refusals_env, scenarios.refusals_cluster
    assert sorted(key[2] for key in cc.connectors if key[1] == cluster) == ["broken-sink",
                                                                            "slow"]
    path = scenarios.connectors_path(env, cluster)
    assert len(cc.requests_to("POST", path)) == 3  # the unvalidated refusal + the two created
    assert scenarios.violations == []


def test_role_binding_lifecycle(scenarios, cc):
    r = scenarios.results["role bindings"]
    assert r["check"]["changed"] and r["check"]["role_binding"]["id"] is None, r["check"]
    created = r["create"]
    assert created["changed"] and created["role_binding"]["id"].startswith("rb-"), created
    assert created["role_binding"]["id"] != scenarios.topic_id
    assert created["diff"]["before"] == {} and created["diff"]["after"]["role_name"] == \
        "CloudClusterAdmin"
    assert r["again"]["changed"] is False, r["again"]
    assert r["absent"]["changed"] and r["absent"]["role_binding"] == {}, r["absent"]
    assert r["absent again"]["changed"] is False
    # the binding under the same CRN prefix was left alone
    assert list(cc.role_bindings) == [scenarios.topic_id]
    assert len(cc.requests_to("POST", "/iam/v2/role-bindings")) == 1
    assert len(cc.requests_to("DELETE", "/iam/v2/role-bindings/")) == 1
    assert scenarios.violations == []
