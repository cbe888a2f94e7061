# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils import confluent_connector as cc
from ansible_collections.specweave.kafka.plugins.module_utils import (
    confluent_role_binding as rb,
)
from ansible_collections.specweave.kafka.plugins.module_utils.http_client import HttpFailure
from ansible_collections.specweave.kafka.plugins.module_utils.runner import InvalidInput

CONFIG = {"connector.class": "DatagenSource", "kafka.api.key": "KEY", "kafka.api.secret": "S",
          "kafka.topic": "orders", "quickstart": "ORDERS"}
# what the service shows for CONFIG: secrets masked, its own keys added
SERVICE = dict(CONFIG, name="c", **{"kafka.api.key": "****************",
                                    "kafka.api.secret": "****************",
                                    "cloud.environment": "prod", "cloud.provider": "aws",
                                    "kafka.endpoint": "SASL_SSL://pkc-1:9092",
                                    "kafka.region": "us-east-1"})


# ---- the desired config ----------------------------------------------------------------------

def test_connector_config_adds_the_name():
    assert cc.connector_config("c", dict(CONFIG)) == dict(CONFIG, name="c")


@pytest.mark.parametrize("value", [1, 1.5, True, None, ["a"], {"a": "b"}])
def test_connector_config_refuses_values_that_are_not_strings(value):
    with pytest.raises(InvalidInput) as caught:
        cc.connector_config("c", dict(CONFIG, **{"tasks.max": value}))
    assert "'tasks.max'" in caught.value.msg and type(value).__name__ in caught.value.msg
    assert "nothing was changed" in caught.value.msg


def test_connector_config_never_shows_a_refused_value():
    with pytest.raises(InvalidInput) as caught:
        cc.connector_config("c", dict(CONFIG, **{"database.password": 123456789}))
    assert "123456789" not in caught.value.msg


@pytest.mark.parametrize("drop,named", [
    ("connector.class", "connector.class"), ("kafka.api.key", "kafka.api.key"),
    ("kafka.api.secret", "kafka.api.secret"),
])
def test_connector_config_requires_the_class_and_the_cluster_key(drop, named):
    config = dict(CONFIG)
    del config[drop]
    with pytest.raises(InvalidInput) as caught:
        cc.connector_config("c", config)
    assert named in caught.value.msg


def test_connector_config_with_an_auth_mode_needs_no_key_pair():
    config = {"connector.class": "DatagenSource", "kafka.auth.mode": "SERVICE_ACCOUNT",
              "kafka.service.account.id": "sa-1"}
    assert cc.connector_config("c", config)["kafka.auth.mode"] == "SERVICE_ACCOUNT"


@pytest.mark.parametrize("name,config", [
    ("c", None), ("c", {}), ("", CONFIG), (" c", CONFIG), ("a/b", CONFIG),
    ("c", dict(CONFIG, name="other")),
])
def test_connector_config_refusals(name, config):
    with pytest.raises(InvalidInput):
        cc.connector_config(name, config)


def test_secret_values_are_the_secret_keys_and_the_listed_ones():
    config = dict(CONFIG, **{"database.password": "pw", "connection.user": "admin",
                             "empty.password": ""})
    assert sorted(cc.secret_values(config)) == ["KEY", "S", "pw"]
    assert sorted(cc.secret_values(config, ["connection.user"])) == ["KEY", "S", "admin", "pw"]


# ---- comparing with the service's view --------------------------------------------------------

def test_service_view_of_the_same_config_is_no_change():
    desired = cc.connector_config("c", dict(CONFIG))
    assert cc.config_changes(desired, SERVICE) == {}


def test_masked_secrets_are_sent_again_with_update_secrets_always():
    desired = cc.connector_config("c", dict(CONFIG))
    changes = cc.config_changes(desired, SERVICE, update_secrets="always")
    assert changes == {"kafka.api.key": [cc.MASK, cc.RESENT_MASK],
                       "kafka.api.secret": [cc.MASK, cc.RESENT_MASK]}


def test_changed_added_and_removed_keys():
    desired = cc.connector_config("c", dict(CONFIG, quickstart="USERS",
                                            **{"tasks.max": "2"}))
    current = dict(SERVICE, **{"max.interval": "100"})
    assert cc.config_changes(desired, current) == {"quickstart": ["ORDERS", "USERS"],
                                                   "tasks.max": [None, "2"],
                                                   "max.interval": ["100", None]}


def test_secrets_the_service_shows_in_clear_are_compared_but_never_shown():
    desired = cc.connector_config("c", dict(CONFIG, **{"database.password": "new"}))
    current = dict(SERVICE, **{"database.password": "old"})
    assert cc.config_changes(desired, current) == {"database.password": [cc.MASK,
                                                                         cc.CHANGED_MASK]}
    desired["token.url"] = "t"
    assert cc.config_changes(desired, current, ["token.url"])["token.url"] == [None, cc.MASK]


def test_a_service_key_set_by_the_task_is_compared():
    desired = cc.connector_config("c", dict(CONFIG, **{"kafka.region": "eu-west-1"}))
    assert cc.config_changes(desired, SERVICE) == {"kafka.region": ["us-east-1", "eu-west-1"]}


def test_mask_config_hides_secrets_only():
    shown = cc.mask_config(SERVICE, cc.secret_keys_of({}, SERVICE))
    assert shown["kafka.api.secret"] == cc.MASK and shown["quickstart"] == "ORDERS"


# ---- planning and status ------------------------------------------------------------------------

@pytest.mark.parametrize("state,exists,service_state,changes,actions", [
    ("running", False, None, None, ["create"]),
    ("paused", False, None, None, ["create", "pause"]),
    ("running", True, "RUNNING", {}, []),
    ("running", True, "RUNNING", {"a": [1, 2]}, ["update"]),
    ("running", True, "PAUSED", {}, ["resume"]),
    ("running", True, "PAUSED", {"a": [1, 2]}, ["update", "resume"]),
    ("paused", True, "RUNNING", {}, ["pause"]),
    ("paused", True, "PROVISIONING", {"a": [1, 2]}, ["update", "pause"]),
    ("paused", True, "PAUSED", {}, []),
    ("absent", True, "RUNNING", {}, ["delete"]),
    ("absent", False, None, None, []),
])
def test_plan_connector(state, exists, service_state, changes, actions):
    assert cc.plan_connector(dict(state=state), exists, service_state, changes) == actions


STATUS = {"name": "c", "type": "source",
          "connector": {"state": "FAILED", "worker_id": "w", "trace": "ConnectException: no"},
          "tasks": [{"id": 0, "state": "FAILED", "worker_id": "w", "msg": "bad credentials"},
                    {"id": 1, "state": "RUNNING", "worker_id": "w"}]}


def test_status_summary_and_its_description():
    summary = cc.status_summary(STATUS)
    assert summary["state"] == "FAILED" and summary["trace"] == "ConnectException: no"
    assert summary["tasks"][0] == {"id": 0, "state": "FAILED", "worker_id": "w",
                                   "msg": "bad credentials"}
    text = cc.describe_status(summary)
    assert text == ("connector FAILED (task 0 FAILED, task 1 RUNNING); error: "
                    "ConnectException: no; task 0: bad credentials")
    assert cc.describe_status(None) == "no status"


def _summary(state, *tasks):
    return dict(state=state, tasks=[dict(id=i, state=s) for i, s in enumerate(tasks)])


@pytest.mark.parametrize("state,summary,verdict", [
    ("running", None, (False, False)),
    ("running", _summary("PROVISIONING"), (False, False)),
    ("running", _summary("RUNNING"), (False, False)),  # its tasks are not started yet
    ("running", _summary("RUNNING", "RUNNING", "UNASSIGNED"), (False, False)),
    ("running", _summary("RUNNING", "RUNNING", "RUNNING"), (True, False)),
    ("running", _summary("FAILED", "FAILED"), (False, True)),
    ("running", _summary("DEGRADED", "RUNNING", "FAILED"), (False, False)),
    ("paused", _summary("PAUSED"), (True, False)),
    ("paused", _summary("PAUSED", "PAUSED"), (True, False)),
    ("paused", _summary("RUNNING", "RUNNING"), (False, False)),
])
def test_wait_verdict(state, summary, verdict):
    assert cc.wait_verdict(state, summary) == verdict


class _StatusClient(object):
    def __init__(self, statuses):
        self.statuses = list(statuses)

    def get_status(self, env_id, cluster_id, name):
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


def _status(state, tasks=()):
    return {"name": "c", "type": "source", "connector": {"state": state, "worker_id": ""},
            "tasks": [{"id": i, "state": s, "worker_id": "w"} for i, s in enumerate(tasks)]}


def test_wait_for_connector_returns_the_states_seen():
    client = _StatusClient([_status("PROVISIONING"), _status("PROVISIONING"),
                            _status("RUNNING", ["RUNNING"])])
    summary, seen = cc.wait_for_connector(client, "env-1", "lkc-1", "c", "running", 10, 0,
                                          sleep=lambda _s: None)
    assert seen == ["PROVISIONING", "RUNNING"] and summary["tasks"][0]["state"] == "RUNNING"


def test_wait_for_connector_fails_on_failed_with_the_trace():
    with pytest.raises(cc.ModuleFailure) as caught:
        cc.wait_for_connector(_StatusClient([STATUS]), "env-1", "lkc-1", "c", "running", 10, 0,
                              sleep=lambda _s: None)
    assert "c is FAILED" in caught.value.msg and "ConnectException: no" in caught.value.msg
    assert caught.value.result["state_history"] == ["FAILED"]


def test_wait_for_connector_timeout_names_the_last_status():
    times = iter([0, 5, 11])
    with pytest.raises(cc.ModuleFailure) as caught:
        cc.wait_for_connector(_StatusClient([_status("DEGRADED", ["RUNNING", "FAILED"])]),
                              "env-1", "lkc-1", "c", "running", 10, 0, clock=lambda: next(times),
                              sleep=lambda _s: None)
    assert "not RUNNING after 10 seconds" in caught.value.msg
    assert "last status: connector DEGRADED (task 0 RUNNING, task 1 FAILED)" in caught.value.msg


@pytest.mark.parametrize("answer,lines", [
    ({"error_count": 0, "configs": [{"value": {"name": "a", "errors": []}}]}, []),
    ({"error_count": 1, "configs": [{"value": {"name": "quickstart",
                                               "errors": ["Missing required"]}}]},
     ["quickstart: Missing required"]),
    (None, []),
])
def test_validation_errors(answer, lines):
    assert cc.validation_errors(answer) == lines


# ---- the family's error shapes and retries -------------------------------------------------------

@pytest.mark.parametrize("body,words", [
    ({"error": {"code": 400, "message": "Connector configuration is invalid"}},
     "Connector configuration is invalid"),
    ({"code": 400, "message": "Connector c already exists"}, "Connector c already exists"),
    ({"error_code": 500, "message": "Failed to find any class"}, "Failed to find any class"),
])
def test_connect_family_reads_every_error_shape(body, words):
    family = cc.ConnectFamily("https://api.confluent.cloud")
    error = family.error(HttpFailure("PUT", "u", "/connect/v1/x", status=400, body=body))
    assert words in str(error) and error.status == 400


def test_connect_family_does_not_retry_a_class_that_does_not_exist():
    family = cc.ConnectFamily("https://api.confluent.cloud")
    missing = HttpFailure("PUT", "u", "/p", status=500, body={
        "error_code": 500, "message": "Failed to find any class that implements Connector"})
    assert family.retryable(missing) is False
    other = HttpFailure("PUT", "u", "/p", status=500, body={"error": {"message": "oops"}})
    assert family.retryable(other) is None


# ---- role bindings ------------------------------------------------------------------------------

CRN = "crn://confluent.cloud/organization=o/environment=env-1/cloud-cluster=lkc-1"


@pytest.mark.parametrize("principal,role,crn,words", [
    ("User:sa-1", "CloudClusterAdmin", CRN, None),
    ("Group:group-1", "DeveloperRead", CRN + "/kafka=lkc-1/topic=a", None),
    ("sa-1", "CloudClusterAdmin", CRN, "write User:sa-1"),
    ("user:sa-1", "CloudClusterAdmin", CRN, "principal must be"),
    ("User:sa-1", " ", CRN, "role_name"),
    ("User:sa-1", "CloudClusterAdmin", "lkc-1", "crn_pattern must be a CRN"),
])
def test_binding_problems(principal, role, crn, words):
    problems = rb.binding_problems(principal, role, crn)
    if words is None:
        assert problems == []
    else:
        assert len(problems) == 1 and words in problems[0]


def test_matching_keeps_exact_triples_only():
    items = [dict(id="rb-1", principal="User:sa-1", role_name="DeveloperRead", crn_pattern=CRN),
             dict(id="rb-2", principal="User:sa-1", role_name="DeveloperRead",
                  crn_pattern=CRN + "/kafka=lkc-1/topic=a"),
             dict(id="rb-3", principal="User:sa-2", role_name="DeveloperRead", crn_pattern=CRN),
             dict(id="rb-4", principal="User:sa-1", role_name="DeveloperWrite", crn_pattern=CRN)]
    assert [b["id"] for b in rb.matching(items, "User:sa-1", "DeveloperRead", CRN)] == ["rb-1"]
    assert rb.matching([], "User:sa-1", "DeveloperRead", CRN) == []


def test_role_binding_view_and_body():
    raw = dict(id="rb-1", principal="User:sa-1", role_name="R", crn_pattern=CRN,
               metadata={"resource_name": "crn://x/role-binding=rb-1"})
    assert rb.role_binding_view(raw) == dict(id="rb-1", principal="User:sa-1", role_name="R",
                                             crn_pattern=CRN,
                                             resource_name="crn://x/role-binding=rb-1")
    assert rb.role_binding_view(None) == {}
    assert rb.role_binding_body("User:sa-1", "R", CRN) == dict(principal="User:sa-1",
                                                               role_name="R", crn_pattern=CRN)
