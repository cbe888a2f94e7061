# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP layer against a real HTTP server on 127.0.0.1 (standard library), and its policy."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading

import pytest

from ansible.module_utils.six.moves import BaseHTTPServer

from ansible_collections.specweave.kafka.plugins.module_utils import http_client as http
from ansible_collections.specweave.kafka.plugins.module_utils.http_client import (
    HttpClient,
    HttpError,
    HttpFailure,
    HttpFamily,
    RetryPolicy,
    parse_retry_after,
)


class Server(object):
    """Answers each request with the next scripted (status, headers, body) and records it."""

    def __init__(self):
        self.script = []
        self.seen = []
        self.connections = set()
        server = self

        class Handler(BaseHTTPServer.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                server.seen.append(dict(method=self.command, path=self.path,
                                        headers=dict(self.headers), body=body))
                server.connections.add(self.client_address)
                status, headers, payload = server.script.pop(0) if server.script else (200, {}, b"{}")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

        self.httpd = BaseHTTPServer.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,))
        self.thread.daemon = True
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.stop()


def no_sleep(delays):
    return RetryPolicy(retries=3, sleep=delays.append, rand=lambda: 0.0)


def test_json_round_trip_with_basic_auth_and_query(server):
    server.script = [(200, {"Content-Type": "application/json"}, b'{"id": 7}')]
    client = HttpClient(server.url + "/", username="key", password="secret")
    assert client.request("POST", "/things", body={"name": "a"},
                          query={"dry": True, "skip": None, "tag": ["x", "y"]}) == {"id": 7}
    seen = server.seen[0]
    assert seen["method"] == "POST" and seen["path"] == "/things?dry=true&tag=x&tag=y"
    assert json.loads(seen["body"].decode()) == {"name": "a"}
    assert seen["headers"]["Authorization"] == "Basic a2V5OnNlY3JldA=="
    assert seen["headers"]["Content-Type"] == "application/json"
    assert client.requests == 1


def test_bearer_token_and_family_headers(server):
    client = HttpClient(server.url, token="t0k", headers={"X-Api-Key": "k"})
    client.request("GET", "/a")
    headers = server.seen[0]["headers"]
    assert headers["Authorization"] == "Bearer t0k" and headers["X-Api-Key"] == "k"
    assert "Content-Type" not in headers


def test_empty_body_is_none_and_opener_is_reused(server):
    server.script = [(204, {}, b""), (200, {}, b"[1]")]
    client = HttpClient(server.url)
    assert client.request("DELETE", "/a") is None
    assert client.request("GET", "/b") == [1]
    assert len(client._openers) == 1


def test_get_retried_on_503_with_retry_after_then_succeeds(server):
    server.script = [(503, {"Retry-After": "2"}, b'{"message": "busy"}'), (200, {}, b'{"ok": 1}')]
    delays = []
    client = HttpClient(server.url, retry=no_sleep(delays))
    assert client.request("GET", "/a") == {"ok": 1}
    assert delays == [2.0]
    assert client.retried == [dict(method="GET", path="/a", status=503, delay=2.0)]
    assert len(server.seen) == 2


def test_post_not_retried_on_500_unless_told(server):
    server.script = [(500, {}, b'{"message": "boom"}')]
    delays = []
    client = HttpClient(server.url, retry=no_sleep(delays))
    with pytest.raises(HttpError) as info:
        client.request("POST", "/a", body={})
    assert info.value.status == 500 and info.value.body == {"message": "boom"}
    assert len(server.seen) == 1 and delays == []
    server.script = [(500, {}, b"{}"), (201, {}, b'{"id": 1}')]
    assert client.request("POST", "/a", body={}, unsafe_retry=True) == {"id": 1}
    assert len(delays) == 1


def test_429_retried_for_every_method_until_the_budget_is_spent(server):
    server.script = [(429, {}, b"{}")] * 5
    delays = []
    client = HttpClient(server.url, retry=no_sleep(delays))
    with pytest.raises(HttpError) as info:
        client.request("POST", "/a", body={})
    assert info.value.status == 429
    assert len(server.seen) == 4  # one try and three retries
    assert delays == [0.5, 1.0, 2.0]


def test_4xx_is_final_and_family_hook_writes_the_message(server):
    class Family(HttpFamily):
        def error(self, failure):
            return ValueError("%s %s -> %s %s after %d" % (
                failure.method, failure.path, failure.status, failure.body["error"],
                failure.attempts))

    server.script = [(404, {}, b'{"error": "no such thing"}')]
    client = HttpClient(server.url, family=Family(), retry=no_sleep([]))
    with pytest.raises(ValueError) as info:
        client.request("GET", "/x")
    assert str(info.value) == "GET /x -> 404 no such thing after 1"


def test_family_can_veto_a_retry(server):
    class Family(HttpFamily):
        def retryable(self, failure):
            return False if "deterministic" in str(failure.body) else None

    server.script = [(500, {}, b'"deterministic"')]
    client = HttpClient(server.url, family=Family(), retry=no_sleep([]))
    with pytest.raises(HttpError):
        client.request("GET", "/x")
    assert len(server.seen) == 1


def test_non_json_success_body_is_an_error(server):
    server.script = [(200, {}, b"<html>login</html>")]
    with pytest.raises(HttpError) as info:
        HttpClient(server.url).request("GET", "/x")
    assert "not JSON" in str(info.value)


def test_connection_refused_is_retried_for_get_and_reported():
    policy_delays = []
    client = HttpClient("http://127.0.0.1:1", retry=no_sleep(policy_delays))
    with pytest.raises(HttpError) as info:
        client.request("GET", "/x")
    assert info.value.status is None and "cannot reach" in str(info.value)
    assert len(policy_delays) == 3 and client.requests == 4


def test_unloadable_tls_files_fail_at_once_without_retry(tmp_path):
    missing = str(tmp_path / "missing-ca.pem")
    seen = []

    class Family(HttpFamily):
        def error(self, failure):
            seen.append(failure)
            return HttpError("tls files")

    client = HttpClient("https://127.0.0.1:1", family=Family(), ca_path=missing,
                        retry=no_sleep([]))
    with pytest.raises(HttpError):
        client.request("GET", "/x")
    assert seen[0].tls == "files" and client.requests == 1
    assert seen[0].exc.ca_path == missing


def test_jitter_takes_up_to_half_off_the_backoff():
    policy = RetryPolicy(base=1.0, cap=8.0, jitter=0.5, rand=lambda: 1.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    policy = RetryPolicy(base=1.0, cap=8.0, jitter=0.5, rand=lambda: 0.0)
    assert policy.delay(5) == 8.0
    assert policy.delay(1, retry_after="400") == 300.0


def test_retry_after_forms():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" ") is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


@pytest.mark.parametrize("method, status, allowed", [
    ("GET", 503, True), ("DELETE", None, True), ("PUT", 502, True), ("POST", 503, False),
    ("PATCH", None, False), ("POST", 429, True), ("GET", 400, False), ("GET", 501, False),
])
def test_policy_retries_idempotent_methods_only(method, status, allowed):
    failure = HttpFailure(method, "http://x/a", "/a", status=status)
    assert RetryPolicy().allows(failure) is allowed


def test_tls_problems_are_never_retried():
    failure = HttpFailure("GET", "https://x/a", "/a",
                          exc=OSError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"))
    assert failure.tls == "server" and RetryPolicy().allows(failure) is False
    alert = OSError("[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required")
    assert http.tls_problem(alert) == "client"
    assert http.tls_dropped("https://x", ConnectionResetError()) is True
    assert http.tls_dropped("http://x", ConnectionResetError()) is False


def test_a_redirect_not_followed_is_an_error_not_a_success(server):
    # follow_redirects=safe (open_url's default) does not re-send a POST to another location
    server.script = [(307, {"Location": server.url + "/elsewhere"}, b'{"moved": true}')]
    with pytest.raises(HttpError) as info:
        HttpClient(server.url, retry=no_sleep([])).request("POST", "/a", body={})
    assert info.value.status == 307 and info.value.body == {"moved": True}
    assert len(server.seen) == 1
