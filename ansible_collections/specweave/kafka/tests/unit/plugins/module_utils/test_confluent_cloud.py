# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json

import pytest

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError

from ansible_collections.specweave.kafka.plugins.module_utils import confluent_cloud as cc
from ansible_collections.specweave.kafka.plugins.module_utils import http_client as http


# ---- pure helpers ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    (None, None), ("", None), ("3", 3.0), (" 0 ", 0.0), ("1.5", 1.5), ("-4", 0.0),
    ("not a date", None),
])
def test_parse_retry_after(value, expected):
    assert http.parse_retry_after(value) == expected


def test_parse_retry_after_http_date_is_in_the_future():
    assert http.parse_retry_after("Wed, 01 Jan 2100 00:00:00 GMT") > 1000
    assert http.parse_retry_after("Wed, 01 Jan 2000 00:00:00 GMT") == 0.0


# attempt is the retry's number (1-based); without jitter (rand 0) the backoff is exact
@pytest.mark.parametrize("attempt,retry_after,expected", [
    (1, None, 1.0), (2, None, 2.0), (4, None, 8.0), (11, None, 30.0),
    (1, "7", 7.0), (6, "0", 0.0), (1, "10000", 300.0),
])
def test_retry_delay(attempt, retry_after, expected):
    policy = cc.retry_policy(5, rand=lambda: 0.0)
    assert policy.delay(attempt, retry_after) == expected
    assert policy.retries == 5


def test_retry_delay_jitter_takes_off_up_to_half_of_the_backoff():
    assert cc.retry_policy(5, rand=lambda: 1.0).delay(3) == 2.0
    assert cc.retry_policy(5, rand=lambda: 0.5).delay(3) == 3.0
    assert cc.retry_policy(5, rand=lambda: 1.0).delay(3, "7") == 7.0  # Retry-After as given


@pytest.mark.parametrize("payload,expected", [
    ({"errors": [{"detail": "a"}, {"title": "b"}, {"code": "c"}, {}]}, ["a", "b", "c"]),
    ({"errors": [{"detail": "bad", "source": {"pointer": "/spec/region"}}]},
     ["bad (at /spec/region)"]),
    ({"message": "plain"}, ["plain"]),
    ("text body", ["text body"]),
    (None, []),
])
def test_error_details(payload, expected):
    assert cc.error_details(payload) == expected


@pytest.mark.parametrize("status,words,method", [
    (400, "check the module options", "POST"),
    (401, "api_key and api_secret", "POST"),
    (403, "lacks the role", "POST"),
    (404, "does not exist", "POST"),
    (409, "conflicts with the current state", "POST"),
    (429, "gave up after 3 attempts", "POST"),
    (503, "server error; gave up after 3 attempts", "GET"),
    (503, "server error; gave up after 3 attempts", "PATCH"),
    # a POST that creates an object is not retried on 5xx: the message says so
    (503, "not retried (a repeat could create it twice): check whether it was created", "POST"),
])
def test_describe_http_error_names_detail_and_fix(status, words, method):
    text = cc.describe_http_error(status, method, "/cmk/v2/clusters",
                                  {"errors": [{"detail": "the detail."}]}, attempts=3)
    assert "HTTP %d" % status in text and "the detail" in text and words in text
    assert "detail.." not in text


def test_page_token_and_url():
    assert cc.page_token_from("https://api.confluent.cloud/x?page_size=2&page_token=abc") == "abc"
    assert cc.page_token_from(None) is None
    assert cc.page_token_from("https://api.confluent.cloud/x") is None
    url = cc.ConfluentCloudClient("k", "s", api_url="http://h/").http.url(
        "/iam/v2/service-accounts",
        {"display_name": ["a b", "c"], "page_size": 2, "x": None, "f": True})
    assert url == ("http://h/iam/v2/service-accounts?display_name=a+b&display_name=c&f=true"
                   "&page_size=2")


# ---- client ---------------------------------------------------------------------------------

class FakeResponse(object):
    def __init__(self, status, body, headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}

    def getcode(self):
        return self.status

    def read(self):
        return self.body


class ScriptedOpener(object):
    """Replays a list of (status, payload, headers); records the calls."""

    def __init__(self, script):
        self.script = list(script)
        self.calls = []

    def __call__(self, url, **kwargs):
        self.calls.append((kwargs["method"], url, kwargs.get("data")))
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        status, payload, headers = step
        body = json.dumps(payload).encode() if payload is not None else b""
        if status >= 400:
            raise HTTPError(url, status, "error", headers, io.BytesIO(body))
        return FakeResponse(status, body, headers)


def client(script, **kwargs):
    sleeps = []
    opener = ScriptedOpener(script)
    return cc.ConfluentCloudClient("key", "secret", api_url="http://fake", opener=opener,
                                   sleep=sleeps.append, rand=lambda: 0.0,
                                   **kwargs), opener, sleeps


def test_retries_honour_retry_after_then_succeed():
    c, opener, sleeps = client([(429, None, {"Retry-After": "3"}), (503, None, {}),
                                (200, {"id": "env-1"}, {})])
    assert c.request("GET", "/org/v2/environments/env-1") == {"id": "env-1"}
    assert sleeps == [3.0, 2.0]
    assert [r["status"] for r in c.retries] == [429, 503]
    assert len(opener.calls) == 3


def test_retries_are_bounded_and_fail_clearly():
    c, opener, sleeps = client([(429, {"errors": [{"detail": "slow down"}]}, {})] * 3,
                               max_retries=2)
    with pytest.raises(cc.ConfluentCloudError) as caught:
        c.request("GET", "/org/v2/environments")
    assert caught.value.status == 429 and "slow down" in str(caught.value)
    assert "3 attempts" in str(caught.value) and sleeps == [1.0, 2.0]


@pytest.mark.parametrize("status", [400, 401, 403, 409])
def test_client_errors_are_not_retried(status):
    c, opener, sleeps = client([(status, {"errors": [{"detail": "why %d" % status}]}, {})])
    with pytest.raises(cc.ConfluentCloudError) as caught:
        c.request("POST", "/iam/v2/service-accounts", body={"display_name": "x"})
    assert caught.value.status == status and "why %d" % status in str(caught.value)
    assert sleeps == [] and len(opener.calls) == 1


def test_connection_errors_are_retried_then_reported():
    c, opener, sleeps = client([URLError("refused")] * 2, max_retries=1)
    with pytest.raises(cc.ConfluentCloudError) as caught:
        c.request("GET", "/org/v2/environments")
    assert "Could not reach Confluent Cloud" in str(caught.value) and "refused" in str(caught.value)


def test_get_returns_none_on_404():
    c, opener, sleeps = client([(404, {"errors": [{"detail": "nope"}]}, {})])
    assert c.get("/org/v2/environments/env-x") is None


def test_list_follows_page_tokens_on_the_configured_host():
    next_url = "https://api.confluent.cloud/org/v2/environments?page_size=2&page_token=%s"
    c, opener, sleeps = client([
        (200, {"data": [{"id": 1}, {"id": 2}], "metadata": {"next": next_url % "p2"}}, {}),
        (200, {"data": [{"id": 3}, {"id": 4}], "metadata": {"next": next_url % "p3"}}, {}),
        (200, {"data": [{"id": 5}], "metadata": {"next": None}}, {}),
    ])
    assert [item["id"] for item in c.list("/org/v2/environments")] == [1, 2, 3, 4, 5]
    urls = [call[1] for call in opener.calls]
    assert all(url.startswith("http://fake/org/v2/environments?") for url in urls)
    assert "page_token" not in urls[0] and "page_token=p2" in urls[1] and "page_token=p3" in urls[2]


def test_list_stops_on_a_repeated_token():
    loop = {"data": [{"id": 1}], "metadata": {"next": "https://x/y?page_token=same"}}
    c, opener, sleeps = client([(200, loop, {}), (200, loop, {})])
    assert len(c.list("/org/v2/environments")) == 2 and len(opener.calls) == 2


def test_requests_carry_basic_auth_and_json():
    seen = {}

    def opener(url, **kwargs):
        seen.update(kwargs)
        return FakeResponse(201, b'{"id": "sa-1"}')
    c = cc.ConfluentCloudClient("KEY", "SECRET", opener=opener)
    c.request("POST", "/iam/v2/service-accounts", body={"display_name": "a"})
    assert seen["url_username"] == "KEY" and seen["url_password"] == "SECRET"
    assert seen["force_basic_auth"] is True
    assert seen["headers"]["Content-Type"] == "application/json"
    assert json.loads(seen["data"]) == {"display_name": "a"}


# ---- the retry policy per call: POSTs that create are not repeated on 5xx ---------------

CREATES = [
    ("create_environment", ("prod", "ESSENTIALS"), "/org/v2/environments"),
    ("create_cluster", ({"spec": {"display_name": "c"}},), "/cmk/v2/clusters"),
    ("create_service_account", ("app", "d"), "/iam/v2/service-accounts"),
    ("create_api_key", ({"spec": {"owner": {"id": "sa-1"}}},), "/iam/v2/api-keys"),
]


@pytest.mark.parametrize("method,args,path", CREATES)
def test_creates_are_not_retried_on_5xx(method, args, path):
    c, opener, sleeps = client([(503, {"errors": [{"detail": "busy"}]}, {})])
    with pytest.raises(cc.ConfluentCloudError) as caught:
        getattr(c, method)(*args)
    assert caught.value.status == 503 and "busy" in str(caught.value)
    assert "check whether it was created" in str(caught.value)
    assert [call[0] for call in opener.calls] == ["POST"] and sleeps == [] and c.retries == []
    assert opener.calls[0][1] == "http://fake" + path


@pytest.mark.parametrize("method,args,path", CREATES)
def test_creates_are_retried_on_429(method, args, path):
    c, opener, sleeps = client([(429, None, {"Retry-After": "2"}), (201, {"id": "x-1"}, {})])
    assert getattr(c, method)(*args) == {"id": "x-1"}
    assert sleeps == [2.0] and len(opener.calls) == 2
    assert c.retries == [dict(method="POST", path=path, status=429, delay=2.0)]


def test_a_create_whose_connection_is_lost_is_not_repeated():
    c, opener, sleeps = client([URLError("reset by peer")])
    with pytest.raises(cc.ConfluentCloudError) as caught:
        c.create_environment("prod")
    assert "Could not reach Confluent Cloud at http://fake for POST /org/v2/environments after " \
        "1 attempts: reset by peer" in str(caught.value)
    assert len(opener.calls) == 1 and sleeps == []


@pytest.mark.parametrize("method,args,verb,url,body", [
    ("update_environment", ("env-1", "p2", "ADVANCED"), "PATCH",
     "/org/v2/environments/env-1",
     {"display_name": "p2", "stream_governance_config": {"package": "ADVANCED"}}),
    ("update_cluster", ("lkc-1", {"spec": {"display_name": "c2"}}), "PATCH",
     "/cmk/v2/clusters/lkc-1", {"spec": {"display_name": "c2"}}),
    ("update_service_account", ("sa-1", "new"), "PATCH", "/iam/v2/service-accounts/sa-1",
     {"description": "new"}),
    ("update_api_key", ("KEY/1", None, "rotated"), "PATCH", "/iam/v2/api-keys/KEY%2F1",
     {"spec": {"description": "rotated"}}),
    ("delete_environment", ("env-1",), "DELETE", "/org/v2/environments/env-1", None),
    ("delete_cluster", ("lkc-1", "env-1"), "DELETE",
     "/cmk/v2/clusters/lkc-1?environment=env-1", None),
    ("delete_service_account", ("sa-1",), "DELETE", "/iam/v2/service-accounts/sa-1", None),
    ("delete_api_key", ("KEY1",), "DELETE", "/iam/v2/api-keys/KEY1", None),
])
def test_updates_and_deletes_are_retried_on_5xx(method, args, verb, url, body):
    c, opener, sleeps = client([(503, None, {}), (502, None, {}), (200, {"id": "x"}, {})])
    getattr(c, method)(*args)
    assert [call[0] for call in opener.calls] == [verb] * 3 and sleeps == [1.0, 2.0]
    assert opener.calls[0][1] == "http://fake" + url
    assert (json.loads(opener.calls[0][2]) if body is not None else None) == body
    assert [r["status"] for r in c.retries] == [503, 502]


def test_a_2xx_answer_that_is_not_json_fails_clearly():
    c, opener, sleeps = client([])
    c.http.opener = lambda url, **kwargs: FakeResponse(200, b"<html>proxy login</html>")
    with pytest.raises(cc.ConfluentCloudError) as caught:
        c.list_environments()
    assert "body that is not JSON" in str(caught.value) and "proxy login" in str(caught.value)


# ---- the connection (the family's seam on the runner) ---------------------------------------

class FakeModule(object):
    def __init__(self, **params):
        self.params = dict(api_key="k", api_secret="s", api_url=cc.DEFAULT_API_URL,
                           max_retries=5, request_timeout=30, validate_certs=True)
        self.params.update(params)

    def fail_json(self, msg, **kwargs):
        raise AssertionError(msg)


@pytest.mark.parametrize("params,words", [
    (dict(api_key=""), "api_key is required (or set CONFLUENT_CLOUD_API_KEY)"),
    (dict(api_secret=None), "api_secret is required (or set CONFLUENT_CLOUD_API_SECRET)"),
    (dict(api_url="ftp://x"), "api_url must be an http(s) URL such as https://api.confluent"),
    (dict(max_retries=-1), "max_retries must be 0 or more"),
])
def test_connection_check_names_every_problem(params, words):
    with pytest.raises(AssertionError) as caught:
        cc.ConfluentCloudConnection().check(FakeModule(**params))
    assert str(caught.value).startswith("Invalid Confluent Cloud connection options: ")
    assert words in str(caught.value)


def test_connection_opens_a_client_with_the_options_and_reports_retries():
    connection = cc.ConfluentCloudConnection()
    connection.check(FakeModule())  # fine options: no failure

    class Ctx(object):
        params = FakeModule(api_url="http://h:1/", max_retries=2, request_timeout=7).params
    opened = connection.open(Ctx())
    assert opened.api_url == "http://h:1" and opened.http.retry.retries == 2
    assert opened.http.timeout == 7 and opened.http.username == "k"
    assert opened.http.retry.base == 1.0 and opened.http.retry.cap == 30.0
    assert connection.result_extras(opened) == {}
    opened.http.retried.append(dict(method="GET", path="/x", status=429, delay=1.0))
    assert connection.result_extras(opened) == {"retries": opened.retries}
    assert connection.describe(cc.ConfluentCloudError("clear"), "Read") == "clear"
    assert connection.describe(KeyError("x"), "Read") is None


# ---- lookups --------------------------------------------------------------------------------

def test_pick_by_name():
    items = [{"id": "a", "display_name": "x"}, {"id": "b", "spec": {"display_name": "y"}},
             {"id": "c", "display_name": "y"}]
    assert cc.pick_by_name(items, "x", "thing")["id"] == "a"
    assert cc.pick_by_name(items, "z", "thing") is None
    with pytest.raises(cc.ConfluentCloudError) as caught:
        cc.pick_by_name(items, "y", "thing")
    assert "ambiguous" in str(caught.value) and "b, c" in str(caught.value)


# ---- environments ---------------------------------------------------------------------------

def test_environment_changes():
    view = {"id": "env-1", "name": "a", "stream_governance": "ESSENTIALS"}
    assert cc.environment_changes(view, "a", None) == {}
    assert cc.environment_changes(view, "b", "ADVANCED") == {
        "name": ("a", "b"), "stream_governance": ("ESSENTIALS", "ADVANCED")}
    with pytest.raises(cc.ConfluentCloudError):
        cc.environment_changes(dict(view, stream_governance="ADVANCED"), "a", "ESSENTIALS")
    assert cc.environment_body("p", "ADVANCED") == {
        "display_name": "p", "stream_governance_config": {"package": "ADVANCED"}}


# ---- clusters -------------------------------------------------------------------------------

CURRENT = dict(id="lkc-1", name="orders", cluster_type="Standard", cloud="AWS",
               region="us-east-1", availability="SINGLE_ZONE", cku=None, max_ecku=2,
               deletion_protection=False)


@pytest.mark.parametrize("params,words", [
    (dict(region="eu-west-1"), "region cannot change"),
    (dict(cloud="GCP"), "cloud cannot change"),
    (dict(availability="MULTI_ZONE"), "availability cannot change"),
    (dict(cluster_type="Basic"), "cannot be downgraded from Standard to Basic"),
    (dict(cluster_type="Dedicated"), "cannot change from Standard to Dedicated"),
    (dict(cluster_type="Enterprise"), "cannot change from Standard to Enterprise"),
])
def test_cluster_refusals(params, words):
    refusals = cc.cluster_refusals(CURRENT, params)
    assert len(refusals) == 1 and words in refusals[0]


def test_cluster_refusals_allow_same_values_and_basic_to_standard():
    assert cc.cluster_refusals(CURRENT, dict(CURRENT)) == []
    assert cc.cluster_refusals(dict(CURRENT, cluster_type="Basic"),
                               dict(cluster_type="Standard")) == []


@pytest.mark.parametrize("params,expected", [
    (dict(), {}),
    (dict(name="orders", max_ecku=2, deletion_protection=False), {}),
    (dict(max_ecku=4), {"max_ecku": (2, 4)}),
    (dict(name="renamed", deletion_protection=True),
     {"name": ("orders", "renamed"), "deletion_protection": (False, True)}),
])
def test_cluster_changes(params, expected):
    assert cc.cluster_changes(CURRENT, params) == expected


def test_cluster_patch_body_sends_only_changes_with_environment():
    basic = dict(CURRENT, cluster_type="Basic", max_ecku=None)
    changes = cc.cluster_changes(basic, dict(cluster_type="Standard", max_ecku=3))
    assert cc.cluster_patch_body(basic, changes, "env-1") == {"spec": {
        "environment": {"id": "env-1"}, "config": {"kind": "Standard", "max_ecku": 3}}}
    dedicated = dict(CURRENT, cluster_type="Dedicated", cku=2, max_ecku=None)
    changes = cc.cluster_changes(dedicated, dict(cku=4, deletion_protection=True))
    assert cc.cluster_patch_body(dedicated, changes, "env-1") == {"spec": {
        "environment": {"id": "env-1"}, "config": {"kind": "Dedicated", "cku": 4},
        "deletion_protection": True}}


@pytest.mark.parametrize("params,words", [
    (dict(cluster_type="Dedicated", availability="MULTI_ZONE", cku=1), "at least 2 CKUs"),
    (dict(cluster_type="Dedicated", max_ecku=2, cku=2), "sized with cku"),
    (dict(cluster_type="Standard", cku=2), "Dedicated clusters only"),
    (dict(cluster_type="Basic", availability="MULTI_ZONE"), "single zone only"),
    (dict(cluster_type="Enterprise", availability="HIGH", max_ecku=1), "at least 2"),
    (dict(cku=0), "cku must be at least 1"),
])
def test_validate_cluster_params(params, words):
    problems = cc.validate_cluster_params(params)
    assert any(words in p for p in problems), problems


def test_cluster_view_prefers_public_endpoint():
    endpoints = {
        "PRIVATE_LINK": {"kafka_bootstrap_endpoint": "pl:9092", "http_endpoint": "https://pl"},
        "PUBLIC": {"kafka_bootstrap_endpoint": "pub:9092", "http_endpoint": "https://pub"},
    }
    spec = {"display_name": "a", "config": {"kind": "Dedicated", "cku": 2},
            "kafka_bootstrap_endpoint": "SASL_SSL://old:9092", "http_endpoint": "https://old",
            "environment": {"id": "env-1"}, "endpoints": endpoints}
    cluster = {"id": "lkc-1", "spec": spec, "status": {"phase": "PROVISIONED", "cku": 2}}
    view = cc.cluster_view(cluster)
    assert view["bootstrap_servers"] == "pub:9092" and view["rest_endpoint"] == "https://pub"
    assert view["cku"] == 2 and view["environment"] == "env-1" and view["current_cku"] == 2
    del cluster["spec"]["endpoints"]
    assert cc.cluster_view(cluster)["bootstrap_servers"] == "old:9092"


class PhaseClient(object):
    def __init__(self, phases):
        self.phases = list(phases)

    def get_cluster(self, cluster_id, env_id):
        phase = self.phases.pop(0) if len(self.phases) > 1 else self.phases[0]
        return None if phase is None else {"id": cluster_id, "status": {"phase": phase}}


def test_wait_for_cluster_reports_phases():
    cluster, history = cc.wait_for_cluster(
        PhaseClient(["PROVISIONING", "PROVISIONING", "PROVISIONED"]), "lkc-1", "env-1",
        timeout=60, interval=0, sleep=lambda s: None)
    assert history == ["PROVISIONING", "PROVISIONED"]


@pytest.mark.parametrize("phases,words", [
    (["PROVISIONING", "FAILED"], "Cluster lkc-1 (None) in environment None is FAILED: Confluent "
                                 "Cloud could not provision it and does not retry. Delete it "
                                 "(state: absent) and create it again"),
    (["PROVISIONING"], "still PROVISIONING after 5 seconds"),
    ([None], "was deleted while waiting"),
])
def test_wait_for_cluster_errors(phases, words):
    ticks = iter(range(0, 1000, 3))
    with pytest.raises(cc.ConfluentCloudError) as caught:
        cc.wait_for_cluster(PhaseClient(phases), "lkc-1", "env-1", timeout=5, interval=0,
                            clock=lambda: next(ticks), sleep=lambda s: None)
    assert words in str(caught.value)


def _dedicated(spec_cku, status_cku, deleted_at=None):
    cluster = {"id": "lkc-1", "spec": {"display_name": "ledger", "environment": {"id": "env-1"},
                                       "config": {"kind": "Dedicated", "cku": spec_cku}},
               "status": {"phase": "PROVISIONED", "cku": status_cku}, "metadata": {}}
    if deleted_at:
        cluster["metadata"]["deleted_at"] = deleted_at
    return cluster


class SequenceClient(object):
    """get_cluster answers the given clusters in turn (the last one again and again)."""

    def __init__(self, clusters):
        self.clusters = list(clusters)
        self.reads = 0

    def get_cluster(self, cluster_id, env_id):
        self.reads += 1
        return self.clusters.pop(0) if len(self.clusters) > 1 else self.clusters[0]


def test_a_resize_is_waited_for_until_the_ckus_are_in_effect():
    client = SequenceClient([_dedicated(3, 2), _dedicated(3, 2), _dedicated(3, 3)])
    cluster, history = cc.wait_for_cluster(client, "lkc-1", "env-1", timeout=60, interval=0,
                                           sleep=lambda s: None)
    assert client.reads == 3 and cluster["status"]["cku"] == 3 and history == ["PROVISIONED"]
    view = cc.cluster_view(_dedicated(3, 2))
    assert view["resizing"] is True and view["current_cku"] == 2 and view["cku"] == 3
    assert cc.cluster_view(_dedicated(3, 3))["resizing"] is False

    ticks = iter(range(0, 1000, 3))
    with pytest.raises(cc.ConfluentCloudError) as caught:
        cc.wait_for_cluster(SequenceClient([_dedicated(3, 2)]), "lkc-1", "env-1", timeout=5,
                            interval=0, clock=lambda: next(ticks), sleep=lambda s: None)
    assert "Cluster lkc-1 is still resizing from 2 to 3 CKUs after 5 seconds" in str(caught.value)


def test_a_cluster_being_deleted():
    deleting = _dedicated(2, 2, deleted_at="2026-01-01T00:00:00Z")
    view = cc.cluster_view(deleting)
    assert view["deleting"] is True and view["deleted_at"] == "2026-01-01T00:00:00Z"
    assert cc.cluster_view(_dedicated(2, 2))["deleting"] is False
    with pytest.raises(cc.ConfluentCloudError) as caught:
        cc.wait_for_cluster(SequenceClient([deleting]), "lkc-1", "env-1", timeout=5,
                            interval=0, sleep=lambda s: None)
    assert "was deleted while waiting" in str(caught.value)

    ticks = iter(range(0, 1000, 3))
    with pytest.raises(cc.ConfluentCloudError) as caught:
        cc.wait_for_cluster_gone(SequenceClient([deleting]), "lkc-1", "env-1", timeout=5,
                                 interval=0, clock=lambda: next(ticks), sleep=lambda s: None)
    assert "Cluster lkc-1 is still being deleted 5 seconds after Confluent Cloud accepted its " \
        "deletion" in str(caught.value)
    assert "sends no second delete" in str(caught.value)


def test_wait_until_listed_polls_the_list_until_the_new_id_shows():
    answers = [[], [{"id": "other"}], [{"id": "other"}, {"id": "env-new"}]]
    calls = []

    def listing():
        calls.append(1)
        return answers[len(calls) - 1]
    cc.wait_until_listed(listing, "env-new", timeout=60, interval=0, what="environment",
                         sleep=lambda s: None)
    assert len(calls) == 3

    ticks = iter(range(0, 1000, 3))
    with pytest.raises(cc.ConfluentCloudError) as caught:
        cc.wait_until_listed(lambda: [], "env-new", timeout=5, interval=0, what="environment",
                             clock=lambda: next(ticks), sleep=lambda s: None)
    assert "The new environment env-new was created, but Confluent Cloud still does not list " \
        "it after 5 seconds. Do not re-run the task before it is listed" in str(caught.value)


class KeyProbe(object):
    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.calls = []

    def request(self, method, path, query=None):
        self.calls.append((method, path, query))
        status = self.statuses.pop(0)
        if status != 200:
            raise cc.ConfluentCloudError("HTTP %d" % status, status=status)
        return {"data": []}


@pytest.mark.parametrize("statuses,attempts", [
    ([401, 401, 200], 3),
    ([401, 403], 2),  # authenticated, its owner has no role yet
    ([200], 1),
])
def test_wait_until_key_authenticates(statuses, attempts):
    probe = KeyProbe(statuses)
    assert cc.wait_until_key_authenticates(probe, "K1", 60, 0, sleep=lambda s: None) == attempts
    assert probe.calls[0] == ("GET", "/org/v2/environments", {"page_size": 1})


def test_wait_until_key_authenticates_gives_up_or_fails_on_other_errors():
    ticks = iter(range(0, 1000, 3))
    with pytest.raises(cc.ConfluentCloudError) as caught:
        cc.wait_until_key_authenticates(KeyProbe([401] * 10), "K1", 5, 0,
                                        clock=lambda: next(ticks), sleep=lambda s: None)
    assert caught.value.status == 401
    assert "still refuses the new API key K1 (HTTP 401) after 5 seconds and 2 attempts" \
        in str(caught.value)
    with pytest.raises(cc.ConfluentCloudError) as caught:
        cc.wait_until_key_authenticates(KeyProbe([401, 500]), "K1", 60, 0, sleep=lambda s: None)
    assert caught.value.status == 500


# ---- API keys -------------------------------------------------------------------------------

def test_api_key_view_and_body():
    key = {"id": "K1", "spec": {"display_name": "k", "owner": {"id": "sa-1"},
                                "resource": {"id": "lkc-1", "environment": "env-1"},
                                "secret": "s3cr3t"}}
    assert "secret" not in cc.api_key_view(key)
    assert cc.api_key_view(key, secret="s3cr3t")["secret"] == "s3cr3t"
    assert cc.api_key_create_body("sa-1", "lkc-1", "env-1", "k") == {"spec": {
        "owner": {"id": "sa-1"}, "resource": {"id": "lkc-1", "environment": "env-1"},
        "display_name": "k"}}
    assert cc.api_key_create_body("sa-1") == {"spec": {"owner": {"id": "sa-1"}}}


def test_argument_spec_secrets_are_no_log_with_env_fallbacks():
    spec = cc.confluent_cloud_argument_spec()
    assert spec["api_key"]["no_log"] and spec["api_secret"]["no_log"]
    assert spec["api_secret"]["fallback"][1] == ["CONFLUENT_CLOUD_API_SECRET"]
    assert spec["api_key"]["fallback"][1] == ["CONFLUENT_CLOUD_API_KEY"]
    assert spec["api_url"]["default"] == "https://api.confluent.cloud"
