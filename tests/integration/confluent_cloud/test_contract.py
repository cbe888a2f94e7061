"""Contract tests: what the modules' pure functions build is what the official specs accept,
and the validator really rejects what they do not (so the lifecycle tests can fail)."""
import base64
import json
import urllib.error
import urllib.request

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils import confluent_cloud as cc_utils
from ansible_collections.specweave.kafka.plugins.module_utils import confluent_connector
from ansible_collections.specweave.kafka.plugins.module_utils import confluent_role_binding
from testbed.confluent_cloud_fake import ContractValidator

BASE = dict(name="orders", cloud="AWS", region="us-east-1", availability="SINGLE_ZONE",
            cku=None, max_ecku=None, zones=None, deletion_protection=None)


@pytest.fixture(scope="module")
def validator():
    return ContractValidator()


AUTH = {"Authorization": "Basic " + base64.b64encode(b"KEY:SECRET").decode()}


def _post(validator, path, body, method="POST", query=()):
    return validator.validate_request(method, path, list(query),
                                      dict(AUTH, **{"Content-Type": "application/json"}),
                                      json.dumps(body).encode())


@pytest.mark.parametrize("overrides", [
    dict(cluster_type="Basic"),
    dict(cluster_type="Standard", max_ecku=4, deletion_protection=True),
    dict(cluster_type="Enterprise", availability="HIGH", max_ecku=2),
    dict(cluster_type="Freight", availability="HIGH", max_ecku=10),
    dict(cluster_type="Dedicated", availability="MULTI_ZONE", cku=2,
         zones=["use1-az1", "use1-az2", "use1-az4"]),
])
def test_cluster_create_bodies_match_cmk_v2(validator, overrides):
    params = dict(BASE, **overrides)
    assert cc_utils.validate_cluster_params(params) == []
    body = cc_utils.cluster_create_body(params, "env-abc12")
    assert _post(validator, "/cmk/v2/clusters", body) == []


@pytest.mark.parametrize("current,params", [
    (dict(cluster_type="Basic", max_ecku=None, cku=None, name="a", deletion_protection=False),
     dict(cluster_type="Standard", max_ecku=4, name="b", deletion_protection=True)),
    (dict(cluster_type="Dedicated", cku=2, max_ecku=None, name="a", deletion_protection=True),
     dict(cluster_type="Dedicated", cku=4, deletion_protection=False)),
])
def test_cluster_patch_bodies_match_cmk_v2(validator, current, params):
    changes = cc_utils.cluster_changes(current, params)
    body = cc_utils.cluster_patch_body(current, changes, "env-abc12")
    assert _post(validator, "/cmk/v2/clusters/lkc-abc12", body, "PATCH") == []


def test_other_bodies_match_their_specs(validator):
    assert _post(validator, "/org/v2/environments",
                 cc_utils.environment_body("prod", "ADVANCED")) == []
    assert _post(validator, "/org/v2/environments/env-abc12",
                 cc_utils.environment_body(None, "ADVANCED"), "PATCH") == []
    assert _post(validator, "/iam/v2/service-accounts",
                 {"display_name": "app", "description": "x"}) == []
    assert _post(validator, "/iam/v2/api-keys",
                 cc_utils.api_key_create_body("sa-abc123", "lkc-abc12", "env-abc12", "k", "d")) == []
    assert _post(validator, "/iam/v2/api-keys",
                 cc_utils.api_key_create_body("sa-abc123", None, None, "cloud-key")) == []
    assert _post(validator, "/iam/v2/api-keys/ABCDEF", {"spec": {"display_name": "k2"}},
                 "PATCH") == []


def test_validator_rejects_what_the_spec_forbids(validator):
    # the checks the lifecycle tests rely on do fail on non-conforming traffic
    assert _post(validator, "/cmk/v2/clusters", {"spec": {"display_name": "x"}})
    assert _post(validator, "/cmk/v2/clusters/lkc-1", {"spec": {"display_name": "x"}}, "PATCH")
    assert _post(validator, "/iam/v2/api-keys", {"spec": {"display_name": "no owner"}})
    assert validator.validate_request("GET", "/cmk/v2/clusters", [], AUTH, b"")  # no environment
    assert validator.validate_request("GET", "/org/v2/environments", [("page_size", "1000")],
                                      AUTH, b"")
    # the api-keys spec declares HTTP basic auth: a request without it breaks the contract
    assert validator.validate_request("GET", "/iam/v2/api-keys", [], {}, b"")
    assert validator.validate_request("GET", "/iam/v2/api-keys", [], AUTH, b"") == []
    bad = json.dumps({"api_version": "cmk/v2", "kind": "Cluster", "id": "lkc-1",
                      "spec": {"display_name": "x"}}).encode()
    assert validator.validate_response("GET", "/cmk/v2/clusters/lkc-1",
                                       [("environment", "env-1")], {}, b"", 200, {}, bad)


def test_fake_answers_a_non_conforming_request_with_400_and_records_it(cc):
    request = urllib.request.Request(
        cc.url + "/cmk/v2/clusters", method="POST", data=b'{"spec": {"display_name": "x"}}',
        headers={"Content-Type": "application/json", "Authorization": "Basic " +
                 base64.b64encode(("%s:%s" % (cc.api_key, cc.api_secret)).encode()).decode()})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 400
    assert "region" in json.loads(caught.value.read())["errors"][0]["detail"]
    assert any("required property" in v for v in cc.take_violations())


# ---- strict contract: unknown properties, enums, credentials ------------------------------

CLUSTER = {"api_version": "cmk/v2", "kind": "Cluster", "id": "lkc-1",
           "metadata": {"self": "https://api.confluent.cloud/cmk/v2/clusters/lkc-1",
                        "resource_name": "crn://confluent.cloud/organization=o/cloud-cluster=lkc-1",
                        "created_at": "2026-01-01T00:00:00Z"},
           "spec": {"display_name": "x", "availability": "SINGLE_ZONE", "cloud": "AWS",
                    "region": "us-east-1", "config": {"kind": "Basic"},
                    "environment": {"id": "env-1",
                                    "related": "https://api.confluent.cloud/org/v2/environments/env-1",
                                    "resource_name": "crn://confluent.cloud/organization=o/"
                                                     "environment=env-1"}},
           "status": {"phase": "PROVISIONED"}}


def _cluster_response(validator, cluster):
    return validator.validate_response("GET", "/cmk/v2/clusters/lkc-1",
                                       [("environment", "env-1")], AUTH, b"", 200, {},
                                       json.dumps(cluster).encode())


def _with(base, path, value):
    changed = json.loads(json.dumps(base))
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def test_unknown_properties_are_rejected_in_requests(validator):
    assert _post(validator, "/org/v2/environments", {"display_name": "x"}) == []
    assert _post(validator, "/org/v2/environments", {"display_name": "x", "colour": "red"})
    assert _post(validator, "/iam/v2/service-accounts",
                 {"display_name": "app", "description": "x", "role": "admin"})
    body = cc_utils.cluster_create_body(dict(BASE, cluster_type="Basic"), "env-abc12")
    assert _post(validator, "/cmk/v2/clusters", body) == []
    assert _post(validator, "/cmk/v2/clusters", _with(body, ["spec", "size"], 3))
    assert _post(validator, "/cmk/v2/clusters", _with(body, ["spec", "config", "cku"], 2))
    assert _post(validator, "/iam/v2/api-keys",
                 _with(cc_utils.api_key_create_body("sa-abc123"), ["spec", "scope"], "all"))


def test_unknown_properties_and_phases_are_rejected_in_responses(validator):
    assert _cluster_response(validator, CLUSTER) == []
    for path, value in [(["status", "phase"], "DEPROVISIONING"),
                        (["status", "phase"], "DELETED"),
                        (["status", "progress"], 50),
                        (["spec", "shards"], 3),
                        (["metadata", "owner"], "me"),
                        (["spec", "cloud"], "IBM"),
                        (["spec", "availability"], "TRIPLE_ZONE")]:
        assert _cluster_response(validator, _with(CLUSTER, path, value)), (path, value)
    # a deletion in progress, the spec's way: metadata.deleted_at
    assert _cluster_response(validator, _with(CLUSTER, ["metadata", "deleted_at"],
                                              "2026-01-01T00:05:00Z")) == []


@pytest.mark.parametrize("method,path,query,token_ok", [
    ("GET", "/cmk/v2/clusters", [("environment", "env-1")], True),
    ("GET", "/cmk/v2/clusters/lkc-1", [("environment", "env-1")], True),
    ("DELETE", "/cmk/v2/clusters/lkc-1", [("environment", "env-1")], True),
    ("GET", "/org/v2/environments", [], True),
    ("GET", "/iam/v2/service-accounts", [], True),
    ("GET", "/iam/v2/api-keys", [], False),  # its spec knows API keys (Basic) only
])
def test_every_endpoint_requires_credentials(validator, method, path, query, token_ok):
    assert validator.validate_request(method, path, query, AUTH, b"") == []
    assert validator.validate_request(method, path, query, {}, b"")
    assert validator.validate_request(method, path, query, {"Authorization": "Digest x"}, b"")
    token = validator.validate_request(method, path, query,
                                       {"Authorization": "Bearer eyJhbGciOi"}, b"")
    assert (token == []) is token_ok, token


def test_fake_refuses_a_cmk_request_without_credentials(cc):
    request = urllib.request.Request(cc.url + "/cmk/v2/clusters?environment=env-x")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 401
    assert any("no Authorization header" in v for v in cc.take_violations())


# ---- connect v1 and role bindings (mds v2) -------------------------------------------------

CONNECTORS = "/connect/v1/environments/env-abc12/clusters/lkc-abc12/connectors"
DATAGEN = {"connector.class": "DatagenSource", "kafka.api.key": "KEY", "kafka.api.secret": "S",
           "kafka.topic": "orders", "output.data.format": "JSON", "quickstart": "ORDERS",
           "tasks.max": "1"}
CRN = "crn://confluent.cloud/organization=o/environment=env-abc12/cloud-cluster=lkc-abc12"


def test_connector_bodies_match_connect_v1(validator):
    config = confluent_connector.connector_config("orders-datagen", dict(DATAGEN))
    # the create call's body, the config update and the plugin's validation
    assert _post(validator, CONNECTORS, {"name": "orders-datagen", "config": config}) == []
    assert _post(validator, CONNECTORS + "/orders-datagen/config", config, "PUT") == []
    assert _post(validator, "/connect/v1/environments/env-abc12/clusters/lkc-abc12/"
                 "connector-plugins/DatagenSource/config/validate", config, "PUT") == []
    # the expanded list, validated against the operation the spec documents for it
    assert validator.validate_request("GET", CONNECTORS, [("expand", "info"),
                                                          ("expand", "status")], AUTH, b"") == []


def test_validator_rejects_connector_bodies_the_spec_forbids(validator):
    config = confluent_connector.connector_config("c", dict(DATAGEN))
    assert _post(validator, CONNECTORS, {"name": "c", "config": dict(config, **{"tasks.max": 1})})
    no_secret = dict(config)
    del no_secret["kafka.api.secret"]
    assert _post(validator, CONNECTORS, {"name": "c", "config": no_secret})
    assert _post(validator, CONNECTORS, {"name": "c", "config": config, "paused": True})
    assert _post(validator, CONNECTORS + "/c/config", dict(config, **{"tasks.max": 2}), "PUT")
    assert validator.validate_request("GET", CONNECTORS, [("expand", "everything")], AUTH, b"")
    # a status whose state the spec does not know
    status = {"name": "c", "type": "source", "connector": {"state": "STARTING", "worker_id": "w"},
              "tasks": []}
    assert validator.validate_response("GET", CONNECTORS + "/c/status", [], AUTH, b"", 200, {},
                                       json.dumps(status).encode())
    status["connector"]["state"] = "RUNNING"
    assert validator.validate_response("GET", CONNECTORS + "/c/status", [], AUTH, b"", 200, {},
                                       json.dumps(status).encode()) == []


def test_role_binding_bodies_match_mds_v2(validator):
    body = confluent_role_binding.role_binding_body("User:sa-abc123", "CloudClusterAdmin", CRN)
    assert _post(validator, "/iam/v2/role-bindings", body) == []
    assert validator.validate_request("GET", "/iam/v2/role-bindings", [
        ("crn_pattern", CRN), ("principal", "User:sa-abc123"), ("role_name", "DeveloperRead"),
        ("page_size", "100")], AUTH, b"") == []
    # rejected: a principal without its type, a scope that is not a CRN, a list without a CRN
    assert _post(validator, "/iam/v2/role-bindings", dict(body, principal="sa-abc123"))
    assert _post(validator, "/iam/v2/role-bindings", dict(body, crn_pattern="lkc-abc12"))
    assert _post(validator, "/iam/v2/role-bindings", dict(body, scope="cluster"))
    assert validator.validate_request("GET", "/iam/v2/role-bindings",
                                      [("principal", "User:sa-abc123")], AUTH, b"")


def _call(cc, method, path, body=None):
    request = urllib.request.Request(
        cc.url + path, method=method, data=json.dumps(body).encode() if body else None,
        headers={"Content-Type": "application/json", "Authorization": "Basic " +
                 base64.b64encode(("%s:%s" % (cc.api_key, cc.api_secret)).encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.getcode(), json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_fake_refuses_connector_configs_as_the_service_does(cc):
    env = cc.add_environment("env-contract-connect")
    cluster = cc.add_cluster(env, "contract")
    path = "/connect/v1/environments/%s/clusters/%s/connectors" % (env, cluster)
    config = dict(DATAGEN, name="c")
    del config["quickstart"]
    status, body = _call(cc, "POST", path, {"name": "c", "config": config})
    assert status == 400 and "Missing required configuration \"quickstart\"" in body["message"]
    status, body = _call(cc, "POST", path, {"name": "c", "config": dict(
        config, **{"connector.class": "Nope", "quickstart": "ORDERS"})})
    assert status == 500 and body["message"].startswith("Failed to find any class")
    status, body = _call(cc, "POST", path, {"name": "c", "config": dict(config,
                                                                        quickstart="ORDERS")})
    assert status == 201 and body["config"]["kafka.api.secret"].startswith("****")
    status, body = _call(cc, "PUT", path + "/c/config", config)
    assert status == 400 and "quickstart" in body["error"]["message"]
    status, body = _call(cc, "GET", path + "/c/status")
    assert status == 200 and body["connector"]["state"] == "PROVISIONING"
    cc.remove_environment(env)
    cc.connectors.clear()


def test_fake_refuses_a_duplicate_role_binding_with_409(cc):
    sa_id = cc.add_service_account("contract-rb")
    body = confluent_role_binding.role_binding_body("User:" + sa_id, "DeveloperRead", CRN)
    status, first = _call(cc, "POST", "/iam/v2/role-bindings", body)
    assert status == 201 and first["id"].startswith("rb-")
    status, again = _call(cc, "POST", "/iam/v2/role-bindings", body)
    assert status == 409 and again["errors"][0]["code"] == "resource_already_exists"
    status, _gone = _call(cc, "DELETE", "/iam/v2/role-bindings/" + first["id"])
    assert status == 200 and first["id"] not in cc.role_bindings
    cc.service_accounts.pop(sa_id)
