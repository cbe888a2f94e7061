# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kafka Connect: the pure planners and the client's messages and retries on the HTTP layer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json

import pytest

from ansible.module_utils.six.moves.urllib.error import HTTPError

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_connect_resource as res
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect import (
    KafkaConnectClient,
    KafkaConnectError,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect_mirror import (
    mirror_connectors,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import InvalidInput

SOURCE = {"connector.class": "FileStreamSource", "file": "/tmp/in", "topic": "t"}


def item(name="c", state="running", config=None, secrets=None, **extra):
    params = dict(name=name, state=state, config=dict(SOURCE) if config is None else config,
                  secrets=secrets, restart_failed=extra.get("restart_failed", False),
                  reset_offsets=extra.get("reset_offsets", False))
    return res.connector_items(params)[0]


def entry(config, state="RUNNING", tasks=("RUNNING",), name="c"):
    stored = dict(config)
    stored["name"] = name
    return {"info": {"name": name, "config": stored, "tasks": [], "type": "source"},
            "status": {"name": name, "connector": {"state": state, "worker_id": "w:1"},
                       "tasks": [{"id": i, "state": s, "worker_id": "w:1",
                                  "trace": "java.io.IOException: boom\n\tat x" if s == "FAILED" else None}
                                 for i, s in enumerate(tasks)],
                       "type": "source"}}


# -- desired state --------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (True, "true"), (False, "false"), (3, "3"), (1.5, "1.5"), ("x", "x"), (["a", "b", 3], "a,b,3"),
])
def test_config_values_become_the_text_connect_stores(value, text):
    assert res.connector_config("c", dict(SOURCE, v=value))["v"] == text


@pytest.mark.parametrize("value", [None, {"a": 1}, [{"a": 1}], [True]])
def test_values_connect_cannot_store_are_refused_with_the_key(value):
    with pytest.raises(InvalidInput, match=r"config key 'v' has a .* value.*write it as a string"):
        res.connector_config("c", dict(SOURCE, v=value))


@pytest.mark.parametrize("config, message", [
    ({"file": "/x"}, "needs connector.class"),
    ({"connector.class": "  "}, "needs connector.class"),
    (dict(SOURCE, name="other"), "differs from the connector's name"),
    ("text", "must be a mapping"),
])
def test_hostile_configs(config, message):
    with pytest.raises(InvalidInput, match=message):
        res.connector_config("c", config)


@pytest.mark.parametrize("name", ["", " c", "c ", "a/b", "a\nb", None])
def test_names_the_rest_api_cannot_address_are_refused(name):
    with pytest.raises(InvalidInput):
        res.check_name(name)


def test_secrets_merge_into_the_config_once():
    config = res.connector_config("c", SOURCE, {"db.password": "pw"})
    assert config["db.password"] == "pw" and config["name"] == "c"
    with pytest.raises(InvalidInput, match="both config and secrets"):
        res.connector_config("c", dict(SOURCE, p="a"), {"p": "b"})


def test_items_take_top_level_defaults_and_refuse_duplicates():
    params = dict(name=None, state="paused", restart_failed=True, reset_offsets=False, config=None,
                  secrets=None, connectors=[dict(name="a", config=SOURCE),
                                            dict(name="b", config=SOURCE, state="absent")])
    items = res.connector_items(params)
    assert [(i["name"], i["state"], i["restart_failed"]) for i in items] == [
        ("a", "paused", True), ("b", "absent", True)]
    assert items[1]["config"] is None  # absent needs no config
    params["connectors"].append(dict(name="a", config=SOURCE))
    with pytest.raises(InvalidInput, match="listed twice"):
        res.connector_items(params)


# -- planning ------------------------------------------------------------------------------------

@pytest.mark.parametrize("state, current, extra, actions", [
    ("running", None, {}, ["create"]),
    ("paused", None, {}, ["create", "pause"]),
    ("stopped", None, {}, ["create", "stop"]),
    ("absent", None, {}, []),
    ("absent", entry(SOURCE), {}, ["delete"]),
    ("running", entry(SOURCE), {}, []),
    ("running", entry(dict(SOURCE, topic="old")), {}, ["update"]),
    ("running", entry(SOURCE, state="PAUSED"), {}, ["resume"]),
    ("running", entry(SOURCE, state="STOPPED", tasks=()), {}, ["resume"]),
    ("paused", entry(SOURCE), {}, ["pause"]),
    ("paused", entry(SOURCE, state="PAUSED", tasks=("PAUSED",)), {}, []),
    ("stopped", entry(dict(SOURCE, topic="old")), {}, ["update", "stop"]),
    # restart_failed restarts only what is FAILED
    ("running", entry(SOURCE, tasks=("RUNNING", "FAILED")), {"restart_failed": True}, ["restart"]),
    ("running", entry(SOURCE, state="FAILED", tasks=()), {"restart_failed": True}, ["restart"]),
    ("running", entry(SOURCE), {"restart_failed": True}, []),
    ("running", entry(SOURCE, tasks=("FAILED",)), {}, []),
    ("paused", entry(SOURCE, tasks=("FAILED",)), {"restart_failed": True}, ["pause"]),
])
def test_plan_connector(state, current, extra, actions):
    assert res.plan_connector(item(state=state, **extra), current) == actions


def test_reset_offsets_stops_first_and_only_when_there_are_offsets():
    desired = item(reset_offsets=True)
    some = {"offsets": [{"partition": {"filename": "/tmp/in"}, "offset": {"position": 10}}]}
    assert res.plan_connector(desired, entry(SOURCE), some) == ["stop", "reset_offsets", "resume"]
    assert res.plan_connector(desired, entry(SOURCE), {"offsets": []}) == []
    stopped = item(state="stopped", reset_offsets=True)
    assert res.plan_connector(stopped, entry(SOURCE, state="STOPPED", tasks=()), some) == ["reset_offsets"]


def test_exclusive_deletes_only_the_prefix_not_listed():
    current = {"team-a-x": {}, "team-a-y": {}, "team-b-x": {}, "team-a": {}}
    assert res.exclusive_deletes("team-a-", {"team-a-x"}, current) == ["team-a-y"]
    assert res.exclusive_deletes(None, set(), current) == []


# -- secrets -------------------------------------------------------------------------------------

def test_secrets_are_masked_and_a_changed_secret_says_so():
    config = {"connection.password": "new", "sasl.jaas.config": "x required;", "file": "/f",
              "custom": "hidden"}
    masked = res.mask_config(config, ["custom"], compare={"connection.password": "old",
                                                          "sasl.jaas.config": "x required;"})
    assert masked == {"connection.password": res.CHANGED_MASK, "sasl.jaas.config": res.MASK,
                      "file": "/f", "custom": res.CHANGED_MASK}
    assert "new" not in json.dumps(masked)


# -- waiting -------------------------------------------------------------------------------------

@pytest.mark.parametrize("state, current, verdict", [
    ("running", entry(SOURCE), (True, None)),
    ("running", entry(SOURCE, tasks=()), (False, None)),          # tasks not started yet
    ("running", entry(SOURCE, state="UNASSIGNED"), (False, None)),
    ("paused", entry(SOURCE, state="PAUSED", tasks=("RUNNING",)), (False, None)),
    ("paused", entry(SOURCE, state="PAUSED", tasks=("PAUSED",)), (True, None)),
    ("stopped", entry(SOURCE, state="STOPPED", tasks=()), (True, None)),
])
def test_wait_verdict(state, current, verdict):
    assert res.wait_verdict(state, res.task_summary(current["status"])) == verdict


def test_a_connector_without_tasks_counts_as_running_after_the_grace():
    summary = res.task_summary(entry(SOURCE, tasks=())["status"])
    assert res.wait_verdict("running", summary, allow_no_tasks=True) == (True, None)


def test_a_failed_task_stops_the_wait_with_its_trace():
    done, problem = res.wait_verdict("running", res.task_summary(entry(SOURCE, tasks=("RUNNING", "FAILED"))["status"]))
    assert not done and problem == "task 1 FAILED: java.io.IOException: boom"


def test_validation_errors_name_the_key():
    answer = {"error_count": 1, "configs": [
        {"value": {"name": "tasks.max", "errors": ["Invalid value abc: Not a number of type INT"]}},
        {"value": {"name": "file", "errors": []}}]}
    assert res.validation_errors(answer) == ["tasks.max: Invalid value abc: Not a number of type INT"]


# -- the client on the shared HTTP layer -----------------------------------------------------------

class Response(object):
    def __init__(self, body, status=200):
        self.body = json.dumps(body).encode() if body is not None else b""
        self.status = status

    def read(self):
        return self.body

    def getcode(self):
        return self.status


def http_error(status, body):
    return HTTPError("http://w:8083/x", status, "err", {}, io.BytesIO(json.dumps(body).encode()))


class Opener(object):
    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, url, method="GET", data=None, headers=None, **settings):
        self.calls.append((method, url, json.loads(data) if data else None))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(answers, retries=3):
    opener = Opener(answers)
    return KafkaConnectClient("http://w:8083/", opener=opener, retries=retries,
                              sleep=lambda s: None, rand=lambda: 0.0), opener


def test_a_rebalance_409_is_retried_even_for_a_post():
    c, opener = client([http_error(409, {"error_code": 409, "message": "Cannot complete request "
                                         "because of a conflicting operation (e.g. worker rebalance)"}),
                        Response(None, 204)])
    c.restart("my conn")
    assert [call[1] for call in opener.calls] == [
        "http://w:8083/connectors/my%20conn/restart?includeTasks=true&onlyFailed=true"] * 2
    assert c.http.retried[0]["status"] == 409


def test_a_missing_connector_reads_as_none_and_other_errors_are_clear():
    c = client([http_error(404, {"error_code": 404, "message": "Connector c not found"}),
                http_error(400, {"error_code": 400, "message": "Connector configuration is invalid"})])[0]
    assert c.config("c") is None
    with pytest.raises(KafkaConnectError) as err:
        c.put_config("c", {"connector.class": "X"})
    assert err.value.status == 400
    assert "refused PUT http://w:8083/connectors/c/config as invalid (HTTP 400): Connector " \
           "configuration is invalid" in err.value.message


def test_the_listing_expands_info_and_status_in_one_request():
    c, opener = client([Response({"c": entry(SOURCE)})])
    assert list(c.connectors()) == ["c"]
    assert opener.calls[0][1] == "http://w:8083/connectors?expand=info&expand=status"


def test_connection_options_fall_back_to_the_kafka_connect_environment(monkeypatch):
    from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect import (
        kafka_connect_argument_spec,
    )
    spec = kafka_connect_argument_spec()
    assert spec["url"]["fallback"][1] == ["KAFKA_CONNECT_URL"]
    assert spec["validate_certs"]["fallback"][1] == ["KAFKA_CONNECT_VALIDATE_CERTS"]
    assert [k for k, v in spec.items() if v.get("no_log")] == ["password", "token"]


def test_unreachable_worker_message():
    from ansible.module_utils.six.moves.urllib.error import URLError
    c = client([URLError("Connection refused")], retries=0)[0]
    with pytest.raises(KafkaConnectError, match="Cannot reach Kafka Connect at http://w:8083.*"
                                                "Check url and that the worker is running"):
        c.worker()


def test_an_unknown_class_is_a_refusal_not_retried_and_reads_short():
    body = {"error_code": 500, "message": "org.apache.kafka.connect.runtime.rest.errors."
            "BadRequestException: org.apache.kafka.connect.errors.ConnectException: Failed to find "
            "any class that implements Connector and which name matches org.Nope, available "
            "connectors are: PluginDesc{klass=class org.a.FileSink, name='org.a.FileSink', "
            "version='4.3.0', type=sink}, PluginDesc{klass=class org.a.FileSource, name='x'}"}
    c, opener = client([http_error(500, body)])
    with pytest.raises(KafkaConnectError) as err:
        c.validate({"connector.class": "org.Nope"})
    assert len(opener.calls) == 1 and err.value.status == 400
    assert err.value.worker_message == ("Failed to find any class that implements Connector and "
                                        "which name matches org.Nope, available connectors are: "
                                        "org.a.FileSink, org.a.FileSource")


# -- MirrorMaker 2 ---------------------------------------------------------------------------------

MM2 = dict(source_alias="onprem", target_alias="cloud", source_bootstrap_servers=["a:9092", "b:9092"],
           target_bootstrap_servers=["c:9093"], topics=["orders", "pay\\..*"], groups=["billing"],
           replication_factor=2, interval_seconds=5, target_config={"security.protocol": "SASL_SSL"},
           target_secrets={"sasl.jaas.config": "x password=\"pw\";"}, name_prefix="mm-")


def test_mirror_maker_renders_its_three_connectors():
    items = mirror_connectors(MM2)
    assert [i["name"] for i in items] == ["mm-onprem-cloud-mirror-source",
                                          "mm-onprem-cloud-mirror-checkpoint",
                                          "mm-onprem-cloud-mirror-heartbeat"]
    source, checkpoint, heartbeat = [i["config"] for i in items]
    assert source["connector.class"] == "org.apache.kafka.connect.mirror.MirrorSourceConnector"
    assert source["source.cluster.bootstrap.servers"] == "a:9092,b:9092"
    assert source["target.cluster.security.protocol"] == "SASL_SSL"
    assert source["topics"] == "orders,pay\\..*" and source["replication.factor"] == 2
    assert checkpoint["groups"] == "billing" and checkpoint["sync.group.offsets.enabled"] is True
    assert checkpoint["emit.checkpoints.interval.seconds"] == 5
    assert heartbeat["heartbeats.topic.replication.factor"] == 2
    assert all(i["secrets"] == {"target.cluster.sasl.jaas.config": "x password=\"pw\";"} for i in items)
    # they go through the same desired-state checks as any connector: text values, secrets apart
    params = dict(name=None, connectors=None, mirror_maker=MM2, state="running",
                  restart_failed=False, reset_offsets=False, config=None, secrets=None)
    desired = res.connector_items(params)
    assert desired[1]["config"]["sync.group.offsets.enabled"] == "true"
    assert desired[0]["secret_keys"] == ["target.cluster.sasl.jaas.config"]
    masked = res.mask_config(desired[0]["config"], desired[0]["secret_keys"])
    assert "pw" not in json.dumps(masked)


@pytest.mark.parametrize("change, message", [
    ({"source_alias": "on prem"}, "source_alias must be a cluster alias"),
    ({"target_alias": "onprem"}, "must differ"),
    ({"target_bootstrap_servers": []}, "target_bootstrap_servers is needed"),
])
def test_mirror_maker_hostile_input(change, message):
    with pytest.raises(InvalidInput, match=message):
        mirror_connectors(dict(MM2, **change))
