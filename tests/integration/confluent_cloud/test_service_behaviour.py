"""What Confluent Cloud does that a plain CRUD fake would not, and what the modules do about it.

The fake models it (``testbed/confluent_cloud_fake.py``; each delay counts reads, so the tests
stay fast): asynchronous deletion (a deleted cluster stays visible with ``metadata.deleted_at``),
clusters whose provisioning FAILS, CKU resizes that take several polls, lists that miss a new
object for a poll or two, Cloud API keys that authenticate only after a delay, and keys without
permission (403). The assertions read the modules' own messages and results, and the fake's
state; they never quote the fake's error wording.
"""
import base64
import urllib.error
import urllib.request

import pytest

from testbed.confluent_cloud_fake import cluster_module_args

FAST = dict(wait_interval=0.02, wait_timeout=30)


def _cluster_args(env, **extra):
    return cluster_module_args(env, **dict(FAST, **extra))


def _named(collection, name, field=None):
    def name_of(item):
        return item.get("display_name") or (item.get("spec") or {}).get("display_name")
    return [item for item in collection.values() if name_of(item) == name]


# ---- asynchronous deletion ----------------------------------------------------------------

def test_a_deleted_cluster_stays_visible_until_gone_and_is_not_deleted_twice(cc, ccm):
    env = cc.add_environment("env-async-delete")
    cluster_id = ccm("confluent_cluster", _cluster_args(env, name="async-orders"))["cluster"]["id"]
    deletes = len(cc.requests_to("DELETE", "/cmk/v2/clusters/"))

    r = ccm("confluent_cluster", dict(name="async-orders", environment=env, state="absent", wait=False))
    assert r["changed"] is True and r["deleting"] is True, r
    assert cc.deleting(cluster_id) and cluster_id in cc.clusters
    assert len(cc.requests_to("DELETE", "/cmk/v2/clusters/")) == deletes + 1

    # still being deleted: a re-run says so, sends nothing, changes nothing
    r = ccm("confluent_cluster", dict(name="async-orders", environment=env, state="absent", wait=False))
    assert r["changed"] is False and r["deleting"] is True, r
    assert r["cluster"]["deleting"] is True and r["cluster"]["deleted_at"], r
    assert any("is still being deleted" in w and cluster_id in w for w in r["warnings"]), r
    assert len(cc.requests_to("DELETE", "/cmk/v2/clusters/")) == deletes + 1

    # state=present cannot reuse it
    r = ccm("confluent_cluster", _cluster_args(env, name="async-orders"))
    assert r.get("failed") and "Cluster %s (async-orders) is being deleted" % cluster_id in r["msg"], r
    assert len(_named(cc.clusters, "async-orders")) == 1

    # with wait, the re-run waits until it is really gone
    r = ccm("confluent_cluster", dict(name="async-orders", environment=env, state="absent", **FAST))
    assert r["changed"] is False and r["deleting"] is False and r["cluster"] == {}, r
    assert cluster_id not in cc.clusters
    assert len(cc.requests_to("DELETE", "/cmk/v2/clusters/")) == deletes + 1
    cc.remove_environment(env)


def test_absent_with_wait_returns_once_the_cluster_is_gone(cc, ccm, fake_settings):
    fake_settings(deletion_polls=4)
    env = cc.add_environment("env-delete-wait")
    cluster_id = ccm("confluent_cluster", _cluster_args(env))["cluster"]["id"]
    reads = len(cc.requests_to("GET", "/cmk/v2/clusters/" + cluster_id))
    r = ccm("confluent_cluster", dict(name="orders", environment=env, state="absent", **FAST))
    assert r["changed"] is True and r["deleting"] is False, r
    assert cluster_id not in cc.clusters
    gets = cc.requests_to("GET", "/cmk/v2/clusters/" + cluster_id)[reads:]
    assert len(gets) >= 5 and gets[-1]["status"] == 404

    # a timeout says the deletion goes on and what to do
    cluster_id = ccm("confluent_cluster", _cluster_args(env))["cluster"]["id"]
    fake_settings(deletion_polls=10000)
    r = ccm("confluent_cluster", dict(name="orders", environment=env, state="absent",
                                      wait_timeout=0, wait_interval=0.02))
    assert r.get("failed") and "Cluster %s is still being deleted 0 seconds after" % cluster_id \
        in r["msg"] and "sends no second delete" in r["msg"], r
    assert cc.deleting(cluster_id)
    # the environment no longer counts a cluster being deleted as one it still has
    r = ccm("confluent_environment", dict(id=env, state="absent"))
    assert r["changed"] and env not in cc.environments, r


# ---- FAILED clusters ------------------------------------------------------------------------

def test_a_failed_cluster_is_an_error_naming_it_and_what_to_do(cc, ccm, fake_settings):
    fake_settings(failing_clusters={"doomed"})
    env = cc.add_environment("env-failed")
    r = ccm("confluent_cluster", _cluster_args(env, name="doomed"))
    assert r.get("failed"), r
    (cluster_id,) = [c["id"] for c in _named(cc.clusters, "doomed")]
    expected = ("Cluster %s (doomed) in environment %s is FAILED: Confluent Cloud could not "
                "provision it and does not retry. Delete it (state: absent) and create it again"
                % (cluster_id, env))
    assert expected in r["msg"], r
    assert cc.clusters[cluster_id]["status"]["phase"] == "FAILED"

    # every later run says it too, instead of reporting a cluster that is "ok"
    for check in (False, True):
        r = ccm("confluent_cluster", _cluster_args(env, name="doomed"), check=check)
        assert r.get("failed") and expected in r["msg"], r
        assert r["cluster"]["phase"] == "FAILED" and r["cluster"]["id"] == cluster_id
    r = ccm("confluent_cluster_info", dict(environment=env, name="doomed"))
    assert [c["phase"] for c in r["clusters"]] == ["FAILED"]

    # what the message says to do works
    r = ccm("confluent_cluster", dict(name="doomed", environment=env, state="absent", **FAST))
    assert r["changed"] and cluster_id not in cc.clusters, r
    cc.remove_environment(env)


# ---- CKU resizes ----------------------------------------------------------------------------

def test_a_cku_resize_is_waited_for_until_the_ckus_are_in_effect(cc, ccm, fake_settings):
    fake_settings(resize_polls=3)
    env = cc.add_environment("env-resize")
    args = _cluster_args(env, name="ledger", cluster_type="Dedicated", cku=1)
    r = ccm("confluent_cluster", args)
    cluster_id = r["cluster"]["id"]
    stored = cc.clusters[cluster_id]
    assert r["cluster"]["current_cku"] == 1

    reads = len(cc.requests_to("GET", "/cmk/v2/clusters/" + cluster_id))
    r = ccm("confluent_cluster", dict(args, cku=2))
    assert r["changed"] and r["changes"]["cku"] == [1, 2], r
    assert r["cluster"]["current_cku"] == 2 and r["cluster"]["resizing"] is False, r
    assert stored["status"]["cku"] == 2
    assert len(cc.requests_to("GET", "/cmk/v2/clusters/" + cluster_id)) - reads >= 4

    # without wait the task returns while it resizes, and says so
    r = ccm("confluent_cluster", dict(args, cku=3, wait=False))
    assert r["changed"] and r["cluster"]["resizing"] is True, r
    assert stored["status"]["cku"] == 2 and stored["spec"]["config"]["cku"] == 3
    # a later run with wait waits for the resize it finds, and changes nothing
    patches = len(cc.requests_to("PATCH", "/cmk/v2/clusters/"))
    r = ccm("confluent_cluster", dict(args, cku=3))
    assert r["changed"] is False and r["cluster"]["current_cku"] == 3, r
    assert stored["status"]["cku"] == 3
    assert len(cc.requests_to("PATCH", "/cmk/v2/clusters/")) == patches

    # the wait gives up with a message saying where the resize stands
    fake_settings(resize_polls=10000)
    r = ccm("confluent_cluster", dict(args, cku=4, wait_timeout=0))
    assert r.get("failed") and "Cluster %s is still resizing from 3 to 4 CKUs after 0 seconds" \
        % cluster_id in r["msg"], r
    cc.remove_environment(env)


# ---- eventually consistent lists ------------------------------------------------------------

def test_a_lagging_list_does_not_make_a_second_object(cc, ccm, fake_settings):
    fake_settings(list_lag_polls=3)

    r = ccm("confluent_environment", dict(name="env-lag"))
    assert r["changed"], r
    assert ccm("confluent_environment", dict(name="env-lag"))["changed"] is False
    assert len(_named(cc.environments, "env-lag")) == 1
    env = r["environment"]["id"]

    r = ccm("confluent_cluster", _cluster_args(env, name="lagging", wait=False))
    assert r["changed"], r
    assert ccm("confluent_cluster", _cluster_args(env, name="lagging"))["changed"] is False
    assert len(_named(cc.clusters, "lagging")) == 1

    r = ccm("confluent_service_account", dict(name="lag-app"))
    assert r["changed"], r
    r = ccm("confluent_service_account", dict(name="lag-app"))
    assert r["changed"] is False and not r.get("failed"), r
    assert len(_named(cc.service_accounts, "lag-app")) == 1

    key = dict(name="lag-key", owner="lag-app", resource="lagging", environment=env)
    assert ccm("confluent_api_key", key)["changed"]
    assert ccm("confluent_api_key", key)["changed"] is False
    assert len(_named(cc.api_keys, "lag-key")) == 1

    # each create read the list until the new object showed
    assert len(cc.requests_to("GET", "/org/v2/environments")) >= 4
    assert ccm("confluent_service_account", dict(name="lag-app", state="absent"))["changed"]
    assert ccm("confluent_environment", dict(id=env, state="absent",
                                             delete_clusters=True))["changed"]


# ---- API keys: authentication delay and permissions ----------------------------------------

def _call_as(cc, key, secret, path="/org/v2/environments"):
    request = urllib.request.Request(cc.url + path, headers={
        "Authorization": "Basic " + base64.b64encode(("%s:%s" % (key, secret)).encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_new_cloud_key_is_returned_once_it_authenticates(cc, ccm, fake_settings):
    fake_settings(key_ready_polls=3)
    sa_id = ccm("confluent_service_account", dict(name="automation-sa"))["service_account"]["id"]
    r = ccm("confluent_api_key", dict(name="automation", owner=sa_id, resource="cloud"))
    assert r["changed"] and r["authenticated"] is True, r
    assert r["authentication_attempts"] == 4, r
    # the key works the moment the task returns (403: authenticated, its owner has no role yet)
    assert _call_as(cc, r["api_key"]["id"], r["api_key"]["secret"]) == 403

    # without wait the module returns at once, while the key is still refused
    r = ccm("confluent_api_key", dict(name="automation-2", owner=sa_id, resource="cloud",
                                      wait=False))
    assert r["changed"] and "authenticated" not in r, r
    assert _call_as(cc, r["api_key"]["id"], r["api_key"]["secret"]) == 401
    assert ccm("confluent_service_account", dict(name="automation-sa", state="absent"))["changed"]


@pytest.mark.parametrize("role", ["viewer", None])
def test_a_key_without_permission_gets_the_modules_403_message(cc, ccm, role):
    cc.add_credentials("NOROLEKEY0000001", "no-role-secret", role=role)
    creds = dict(api_key="NOROLEKEY0000001", api_secret="no-role-secret")
    r = ccm("confluent_environment", dict(name="env-forbidden", **creds))
    assert r.get("failed") and r["status"] == 403, r
    assert "HTTP 403 Forbidden" in r["msg"]
    assert "The Cloud API key is valid but its owner lacks the role for this operation" in r["msg"]
    assert not _named(cc.environments, "env-forbidden")
    r = ccm("confluent_environment_info", dict(name="env-forbidden", **creds))
    if role == "viewer":
        assert not r.get("failed") and r["environments"] == [], r
    else:
        assert r.get("failed") and r["status"] == 403, r
    del cc.credentials["NOROLEKEY0000001"]
