"""confluent_* modules through real Ansible against the contract-validating fake.

Each resource: check mode reports the change -> the fake is unchanged -> apply -> the fake's
state shows it -> re-run unchanged -> absent -> gone. The fake validates every request and
response against the official specs (the ``cc`` fixture fails the test on any violation).
These tests cover the API contract, not the live service.
"""
import json
import os
import tempfile
import time

from testbed.ansible import run_playbook
from testbed.confluent_cloud_fake import cluster_module_args

FAST = dict(wait_interval=0.02, wait_timeout=30)


def _cluster_args(env, **extra):
    return cluster_module_args(env, **dict(FAST, **extra))


def _clusters_named(cc, name):
    return [c for c in cc.clusters.values() if c["spec"]["display_name"] == name]


def test_environment_lifecycle(cc, ccm):
    r = ccm("confluent_environment", dict(name="env-life"), check=True)
    assert r["changed"] and r["environment"]["name"] == "env-life", r
    assert not [e for e in cc.environments.values() if e["display_name"] == "env-life"]

    r = ccm("confluent_environment", dict(name="env-life", stream_governance="ESSENTIALS"))
    assert r["changed"] and r["environment"]["id"].startswith("env-"), r
    env_id = r["environment"]["id"]
    assert cc.environments[env_id]["display_name"] == "env-life"
    assert cc.environments[env_id]["stream_governance_config"]["package"] == "ESSENTIALS"

    r = ccm("confluent_environment", dict(name="env-life", stream_governance="ESSENTIALS"))
    assert r["changed"] is False, r

    r = ccm("confluent_environment", dict(name="env-life", stream_governance="ADVANCED"),
            check=True)
    assert r["changed"] and r["diff"]["after"]["stream_governance"] == "ADVANCED", r
    assert cc.environments[env_id]["stream_governance_config"]["package"] == "ESSENTIALS"
    r = ccm("confluent_environment", dict(name="env-life", stream_governance="ADVANCED"))
    assert r["changed"] and cc.environments[env_id]["stream_governance_config"]["package"] \
        == "ADVANCED"
    r = ccm("confluent_environment", dict(name="env-life", stream_governance="ESSENTIALS"))
    assert r.get("failed") and "does not downgrade" in r["msg"], r

    r = ccm("confluent_environment", dict(id=env_id, name="env-life-renamed"))
    assert r["changed"] and cc.environments[env_id]["display_name"] == "env-life-renamed"

    r = ccm("confluent_environment_info", dict(name="env-life-renamed"))
    assert [e["id"] for e in r["environments"]] == [env_id], r

    r = ccm("confluent_environment", dict(name="env-life-renamed", state="absent"), check=True)
    assert r["changed"] and env_id in cc.environments
    r = ccm("confluent_environment", dict(name="env-life-renamed", state="absent"))
    assert r["changed"] and env_id not in cc.environments
    r = ccm("confluent_environment", dict(name="env-life-renamed", state="absent"))
    assert r["changed"] is False


def test_cluster_lifecycle(cc, ccm):
    env = cc.add_environment("env-clusters")

    r = ccm("confluent_cluster", _cluster_args("env-clusters"), check=True)
    assert r["changed"] and r["cluster"]["phase"] == "PROVISIONING", r
    assert not _clusters_named(cc, "orders")

    reads = len(cc.requests_to("GET", "/cmk/v2/clusters"))
    r = ccm("confluent_cluster", _cluster_args("env-clusters", deletion_protection=True))
    assert r["changed"] and r["phase"] == "PROVISIONED", r
    assert r["phase_history"] == ["PROVISIONING", "PROVISIONED"], r
    cluster_id = r["cluster"]["id"]
    stored = cc.clusters[cluster_id]
    assert stored["spec"]["environment"]["id"] == env
    assert stored["spec"]["config"] == {"kind": "Basic"}
    assert stored["spec"]["deletion_protection"] is True
    assert r["bootstrap_servers"] == stored["spec"]["endpoints"]["PUBLIC"][
        "kafka_bootstrap_endpoint"]
    assert r["rest_endpoint"].startswith("https://")
    # polled (the list until it shows the new cluster, then the cluster) until PROVISIONED
    assert len(cc.requests_to("GET", "/cmk/v2/clusters")) - reads >= 4

    r = ccm("confluent_cluster", _cluster_args(env, deletion_protection=True))
    assert r["changed"] is False, r

    # in-place upgrade Basic -> Standard with an eCKU limit
    up = _cluster_args(env, cluster_type="Standard", max_ecku=4)
    r = ccm("confluent_cluster", up, check=True)
    assert r["changed"] and r["changes"]["cluster_type"] == ["Basic", "Standard"], r
    assert stored["spec"]["config"] == {"kind": "Basic"}
    r = ccm("confluent_cluster", up)
    assert r["changed"] and stored["spec"]["config"] == {"kind": "Standard", "max_ecku": 4}, r
    assert ccm("confluent_cluster", up)["changed"] is False

    # what the API cannot do in place is refused before any request is sent
    patches = len(cc.requests_to("PATCH", "/cmk/v2/clusters/"))
    for change, words in [(dict(region="eu-west-1"), "region cannot change"),
                          (dict(availability="MULTI_ZONE"), "availability cannot change"),
                          (dict(cluster_type="Basic"), "cannot be downgraded"),
                          ]:
        r = ccm("confluent_cluster", dict(up, **change))
        assert r.get("failed") and words in r["msg"] and "nothing was changed" in r["msg"], r
    assert len(cc.requests_to("PATCH", "/cmk/v2/clusters/")) == patches
    assert stored["spec"]["region"] == "us-east-1"

    r = ccm("confluent_cluster_info", dict(environment="env-clusters", name="orders"))
    assert [c["id"] for c in r["clusters"]] == [cluster_id]
    assert r["clusters"][0]["max_ecku"] == 4 and r["clusters"][0]["phase"] == "PROVISIONED"

    # deletion protection holds, and deleting the environment is refused while it has clusters
    r = ccm("confluent_cluster", dict(name="orders", environment=env, state="absent"))
    assert r.get("failed") and "deletion protection" in r["msg"], r
    assert cluster_id in cc.clusters
    r = ccm("confluent_environment", dict(name="env-clusters", state="absent"))
    assert r.get("failed") and cluster_id in r["msg"] and "delete_clusters" in r["msg"], r
    assert cluster_id in cc.clusters and env in cc.environments

    r = ccm("confluent_cluster", dict(up, deletion_protection=False))
    assert r["changed"] and stored["spec"]["deletion_protection"] is False
    r = ccm("confluent_cluster", dict(name="orders", environment=env, state="absent"),
            check=True)
    assert r["changed"] and cluster_id in cc.clusters
    r = ccm("confluent_cluster", dict(name="orders", environment=env, state="absent", **FAST))
    assert r["changed"] and cluster_id not in cc.clusters, r
    r = ccm("confluent_cluster", dict(name="orders", environment=env, state="absent"))
    assert r["changed"] is False


def test_dedicated_cluster_resize_and_bad_sizes(cc, ccm):
    env = cc.add_environment("env-dedicated")
    requests = len(cc.log)
    r = ccm("confluent_cluster", _cluster_args(env, name="ledger", cluster_type="Dedicated",
                                               availability="MULTI_ZONE", cku=1))
    assert r.get("failed") and "at least 2 CKUs" in r["msg"], r
    r = ccm("confluent_cluster", _cluster_args(env, name="ledger", cluster_type="Dedicated",
                                               max_ecku=3, cku=2))
    assert r.get("failed") and "sized with cku" in r["msg"], r
    assert len(cc.log) == requests  # refused before talking to the API

    args = _cluster_args(env, name="ledger", cluster_type="Dedicated",
                         availability="MULTI_ZONE", cku=2)
    r = ccm("confluent_cluster", args)
    assert r["changed"] and r["cluster"]["cku"] == 2, r
    stored = cc.clusters[r["cluster"]["id"]]
    r = ccm("confluent_cluster", dict(args, cku=3))
    assert r["changed"] and r["changes"]["cku"] == [2, 3] and stored["spec"]["config"]["cku"] == 3
    assert ccm("confluent_cluster", dict(args, cku=3))["changed"] is False
    r = ccm("confluent_environment", dict(name="env-dedicated", state="absent",
                                          delete_clusters=True))
    assert r["changed"] and env not in cc.environments and stored["id"] not in cc.clusters


def test_provisioning_wait_and_409_conflict(cc, ccm):
    env = cc.add_environment("env-wait")
    r = ccm("confluent_cluster", _cluster_args(env, name="slow", wait=False))
    assert r["changed"] and r["phase"] == "PROVISIONING", r
    cluster_id = r["cluster"]["id"]
    cc._polls_left[cluster_id] = 1000

    # the API answers 409 while the cluster provisions: the error names Confluent's detail
    r = ccm("confluent_cluster", _cluster_args(env, name="slow", cluster_type="Standard",
                                               wait=False))
    assert r.get("failed") and "HTTP 409 Conflict" in r["msg"], r
    assert "is PROVISIONING" in r["msg"] and r["status"] == 409
    assert cc.clusters[cluster_id]["spec"]["config"]["kind"] == "Basic"

    # waiting gives up after wait_timeout and says where it stands
    r = ccm("confluent_cluster", _cluster_args(env, name="slow", wait_timeout=1,
                                               wait_interval=0.2))
    assert r.get("failed") and "still PROVISIONING after 1 seconds" in r["msg"], r

    cc._polls_left[cluster_id] = 3
    r = ccm("confluent_cluster", _cluster_args(env, name="slow", cluster_type="Standard"))
    assert r["changed"] and r["phase"] == "PROVISIONED", r
    assert r["phase_history"][0] == "PROVISIONING" and "PROVISIONED" in r["phase_history"]
    assert cc.clusters[cluster_id]["spec"]["config"]["kind"] == "Standard"

    # a service account name already taken answers 409; the detail reaches the user
    cc.inject("POST", "/iam/v2/service-accounts", 409, detail="Service name is already in use.")
    r = ccm("confluent_service_account", dict(name="taken-elsewhere"))
    assert r.get("failed") and "Service name is already in use" in r["msg"], r
    cc.remove_environment(env)


def test_retry_after_429_and_5xx(cc, ccm):
    env = cc.add_environment("env-retry")
    cc.inject("GET", "/org/v2/environments", 429, headers={"Retry-After": "1"}, times=2)
    started = time.time()
    r = ccm("confluent_environment_info", dict(name="env-retry"))
    elapsed = time.time() - started
    assert not r.get("failed") and len(r["environments"]) == 1, r
    assert [x["status"] for x in r["retries"]] == [429, 429], r
    assert [x["delay"] for x in r["retries"]] == [1.0, 1.0]
    assert elapsed >= 2.0

    cc.inject("GET", "/org/v2/environments", 500, times=1)
    r = ccm("confluent_environment_info", dict(name="env-retry"))
    assert not r.get("failed") and r["retries"][0]["status"] == 500, r

    cc.inject("GET", "/org/v2/environments", 429, headers={"Retry-After": "0"}, times=3)
    r = ccm("confluent_environment_info", dict(name="env-retry", max_retries=1))
    assert r.get("failed") and "HTTP 429" in r["msg"] and "2 attempts" in r["msg"], r
    cc.faults = []
    cc.remove_environment(env)


def test_creates_are_retried_on_429_only_updates_on_5xx_too(cc, ccm):
    """A POST that creates is not repeated after a 5xx (a repeat could create a second object,
    so the user is told to check); 429 is retried for every method; a PATCH setting absolute
    values is retried after a 5xx."""
    cc.inject("POST", "/iam/v2/service-accounts", 500, times=1)
    posts = len(cc.requests_to("POST", "/iam/v2/service-accounts"))
    r = ccm("confluent_service_account", dict(name="retry-app"))
    assert r.get("failed") and "HTTP 500" in r["msg"] and r["status"] == 500, r
    assert "check whether it was created" in r["msg"] and not r.get("retries"), r
    assert len(cc.requests_to("POST", "/iam/v2/service-accounts")) == posts + 1
    assert not [s for s in cc.service_accounts.values() if s["display_name"] == "retry-app"]

    cc.inject("POST", "/iam/v2/service-accounts", 429, headers={"Retry-After": "0"}, times=1)
    r = ccm("confluent_service_account", dict(name="retry-app", description="v1"))
    assert r["changed"] and [x["status"] for x in r["retries"]] == [429], r
    assert [x["method"] for x in r["retries"]] == ["POST"]
    sa_id = r["service_account"]["id"]

    cc.inject("PATCH", "/iam/v2/service-accounts/", 500, times=1)
    r = ccm("confluent_service_account", dict(name="retry-app", description="v2", max_retries=1))
    assert r["changed"] and cc.service_accounts[sa_id]["description"] == "v2", r
    assert [(x["method"], x["status"]) for x in r["retries"]] == [("PATCH", 500)], r
    assert ccm("confluent_service_account", dict(name="retry-app", state="absent"))["changed"]
    cc.faults = []


def test_pagination_over_several_pages(cc, ccm):
    names = ["env-page-%d" % i for i in range(5)]
    ids = [cc.add_environment(name) for name in names]
    before = len(cc.requests_to("GET", "/org/v2/environments"))
    r = ccm("confluent_environment_info", dict(max_retries=5))  # ansible -a needs some argument
    listed = [e["name"] for e in r["environments"]]
    assert set(names) <= set(listed) and len(listed) == len(cc.environments), r
    pages = cc.requests_to("GET", "/org/v2/environments")[before:]
    assert len(pages) == (len(cc.environments) + 1) // 2 >= 3
    assert all(dict(p["query"]).get("page_token") for p in pages[1:])
    # the last one is found by name on the last page: idempotent
    assert ccm("confluent_environment", dict(name=names[-1]))["changed"] is False
    for env_id in ids:
        cc.remove_environment(env_id)


def test_service_account_and_api_key(cc, ccm):
    env = cc.add_environment("env-keys")
    cluster = ccm("confluent_cluster", _cluster_args(env, name="keyed"))["cluster"]["id"]

    sa = dict(name="orders-app", description="orders producer")
    r = ccm("confluent_service_account", sa, check=True)
    assert r["changed"] and not cc.service_accounts
    r = ccm("confluent_service_account", sa)
    sa_id = r["service_account"]["id"]
    assert r["changed"] and cc.service_accounts[sa_id]["description"] == "orders producer"
    assert ccm("confluent_service_account", sa)["changed"] is False
    r = ccm("confluent_service_account", dict(sa, description="v2"))
    assert r["changed"] and cc.service_accounts[sa_id]["description"] == "v2"
    r = ccm("confluent_service_account_info", dict(name="orders-app"))
    assert [s["id"] for s in r["service_accounts"]] == [sa_id]

    key = dict(name="orders-key", owner="orders-app", resource="keyed", environment="env-keys")
    r = ccm("confluent_api_key", key, check=True)
    assert r["changed"] and "secret" not in r["api_key"] and not cc.api_keys
    r = ccm("confluent_api_key", key)
    key_id = r["api_key"]["id"]
    assert r["changed"] and r["api_key"]["secret"] == cc.api_keys[key_id]["spec"]["secret"]
    assert r["api_key"]["owner"] == sa_id and r["api_key"]["resource"] == cluster
    assert "secret" not in r["diff"]["after"]
    r = ccm("confluent_api_key", key)
    assert r["changed"] is False and "secret" not in r["api_key"], r
    r = ccm("confluent_api_key", dict(id=key_id, description="rotated 2026"))
    assert r["changed"] and cc.api_keys[key_id]["spec"]["description"] == "rotated 2026"

    cloud_key = dict(name="automation", owner=sa_id, resource="cloud")
    r = ccm("confluent_api_key", cloud_key)
    assert r["changed"] and r["api_key"]["secret"]
    assert cc.api_keys[r["api_key"]["id"]]["spec"]["resource"]["id"] == "cloud"
    assert ccm("confluent_api_key", cloud_key)["changed"] is False

    r = ccm("confluent_api_key", dict(key, state="absent"), check=True)
    assert r["changed"] and key_id in cc.api_keys
    r = ccm("confluent_api_key", dict(key, state="absent"))
    assert r["changed"] and key_id not in cc.api_keys
    assert ccm("confluent_api_key", dict(key, state="absent"))["changed"] is False

    r = ccm("confluent_service_account", dict(name="orders-app", state="absent"))
    assert r["changed"] and sa_id not in cc.service_accounts
    cc.remove_environment(env)


def test_hostile_inputs(cc):
    """Bad credentials and options fail with a clear message (one playbook run)."""
    cluster = dict(name="x", cluster_type="Basic", cloud="AWS", region="us-east-1")
    cases = [
        ("wrong secret", "confluent_environment",
         dict(name="x", api_secret="wrong-S3cret-value"), "HTTP 401"),
        ("no key", "confluent_environment", dict(name="x", api_key=""), "api_key is required"),
        ("bad url", "confluent_environment", dict(name="x", api_url="ftp://example"),
         "api_url must be an http(s) URL"),
        ("unreachable", "confluent_environment",
         dict(name="x", max_retries=0, api_url="http://127.0.0.1:9"), "Could not reach"),
        ("no such environment", "confluent_cluster",
         dict(cluster, environment="no-such-env", availability="SINGLE_ZONE"),
         "Environment 'no-such-env' not"),
        ("multi-zone basic", "confluent_cluster",
         dict(cluster, environment="env-nope", availability="MULTI_ZONE"), "single zone only"),
        ("wrong type", "confluent_cluster",
         dict(cluster, environment="env-nope", availability="SINGLE_ZONE", cku="two"), "cku"),
        ("api key without owner", "confluent_api_key", dict(name="k"), "owner and resource"),
    ]
    play = [dict(name="hostile", hosts="localhost", connection="local", gather_facts=False,
                 tasks=[{"name": name, "ignore_errors": True, "specweave.kafka." + module: args}
                        for name, module, args, _words in cases])]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        json.dump(play, handle)  # JSON is YAML
    try:
        run = run_playbook(handle.name, env=cc.env())
    finally:
        os.unlink(handle.name)
    results = dict((r["_task"], r) for r in run.task_results())
    assert len(results) == len(cases), run.stdout[-3000:]
    for name, _module, _args, words in cases:
        assert results[name].get("failed") is True, (name, results[name])
        assert words in results[name]["msg"], (name, results[name]["msg"])
        assert "Traceback" not in results[name]["msg"]
    assert "wrong-S3cret-value" not in run.stdout + run.stderr
