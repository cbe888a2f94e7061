# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import ssl

import pytest

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError

from ansible_collections.specweave.kafka.plugins.module_utils.http_client import tls_problem
from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry import (
    SchemaRegistryClient, SchemaRegistryError, build_payload, compatibility_change,
    error_message, incompatibility_message, is_apicurio, load_schema_text, normalize_references,
    parse_error_body, plan_delete, retry_policy, schema_registry_argument_spec, schema_view,
    subject_items)


class FakeResponse(object):
    def __init__(self, body):
        self.body = body

    def read(self):
        return self.body


class FakeOpener(object):
    """Replays (status, body, headers) answers and records every call."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, url, **kwargs):
        self.calls.append(dict(kwargs, url=url))
        status, body, headers = self.answers.pop(0)
        if isinstance(status, Exception):
            raise status
        raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
        if status >= 400:
            raise HTTPError(url, status, "error", headers or {}, io.BytesIO(raw))
        return FakeResponse(raw)


def client(answers, url="https://sr.example:8081", **kwargs):
    opener = FakeOpener(answers)
    sleeps = []
    # rand=0: no jitter, so the waits are exact
    return (SchemaRegistryClient(url, opener=opener, sleep=sleeps.append, rand=lambda: 0.0, **kwargs),
            opener, sleeps)


def test_argument_spec_secrets_and_env():
    spec = schema_registry_argument_spec()
    assert spec["password"]["no_log"] is True and spec["token"]["no_log"] is True
    assert spec["url"]["fallback"][1] == ["SCHEMA_REGISTRY_URL"]
    assert spec["password"]["fallback"][1] == ["SCHEMA_REGISTRY_PASSWORD"]
    assert spec["token"]["fallback"][1] == ["SCHEMA_REGISTRY_TOKEN"]
    assert spec["username"]["fallback"][1] == ["SCHEMA_REGISTRY_USERNAME"]


@pytest.mark.parametrize("attempt, retry_after, expected", [
    (1, None, 0.5), (2, None, 1.0), (3, None, 2.0), (10, None, 10.0), (1, "3", 3.0),
    (1, "bogus", 0.5), (1, "120", 10.0)])
def test_retry_delay(attempt, retry_after, expected):
    assert retry_policy(rand=lambda: 0.0).delay(attempt, retry_after) == expected


def test_retry_delay_jitter_takes_off_up_to_half():
    assert retry_policy(rand=lambda: 1.0).delay(2) == 0.5
    assert retry_policy(rand=lambda: 1.0).delay(1, "3") == 3.0  # Retry-After is not jittered


@pytest.mark.parametrize("raw, expected", [
    (b'{"error_code": 42201, "message": "Invalid schema"}', (42201, "Invalid schema")),
    (b'{"title": "Rule not found", "status": 404}', (None, "Rule not found")),
    (b"plain text", (None, "plain text")),
    (None, (None, "")),
])
def test_parse_error_body(raw, expected):
    assert parse_error_body(raw) == expected


@pytest.mark.parametrize("status, needle", [
    (401, "API key and secret"), (403, "lack permission"), (404, "apis/ccompat/v7"),
    (409, "incompatible"), (422, "Fix the schema"), (500, "HTTP 500")])
def test_error_message_per_status(status, needle):
    assert needle in error_message("POST", "https://sr/subjects/x", status, 1, "detail")


def test_retries_on_429_and_5xx_then_succeeds():
    sr, opener, sleeps = client([(429, {"message": "slow down"}, {"Retry-After": "2"}),
                                 (503, {"message": "unavailable"}, None),
                                 (200, ["a", "b"], None)])
    assert sr.subjects() == ["a", "b"]
    assert len(opener.calls) == 3 and sleeps == [2.0, 1.0]


def test_gives_up_after_retries_with_clear_message():
    sr, opener, sleeps = client([(502, {"message": "bad gateway"}, None)] * 3, retries=2)
    with pytest.raises(SchemaRegistryError) as err:
        sr.subjects()
    assert err.value.status == 502 and "bad gateway" in err.value.message
    assert len(opener.calls) == 3 and sleeps == [0.5, 1.0]


def test_no_retry_on_client_errors():
    sr, opener, sleeps = client([(401, {"message": "Unauthorized"}, None)])
    with pytest.raises(SchemaRegistryError) as err:
        sr.subjects()
    assert err.value.status == 401 and "HTTP 401" in err.value.message
    assert len(opener.calls) == 1 and sleeps == []


def test_unreachable_registry():
    sr, opener, sleeps = client([(URLError("Connection refused"), None, None)] * 2, retries=1)
    with pytest.raises(SchemaRegistryError) as err:
        sr.subjects()
    assert "Cannot reach Schema Registry" in err.value.message and "Connection refused" in err.value.message


def test_auth_and_tls_options_are_passed():
    sr, opener, dummy = client([(200, [], None)], username="key", password="secret",
                               ca_path="/ca.pem", client_cert="/c.pem", client_key="/k.pem")
    sr.subjects()
    call = opener.calls[0]
    assert call["url_username"] == "key" and call["url_password"] == "secret"
    assert call["force_basic_auth"] is True
    assert (call["ca_path"], call["client_cert"], call["client_key"]) == ("/ca.pem", "/c.pem", "/k.pem")
    assert "Authorization" not in call["headers"]

    sr, opener, dummy = client([(200, [], None)], token="t0k")
    sr.subjects()
    assert opener.calls[0]["headers"]["Authorization"] == "Bearer t0k"
    assert opener.calls[0]["force_basic_auth"] is False


def test_lookup_missing_subject_or_schema_is_none():
    sr, opener, dummy = client([(404, {"error_code": 40401, "message": "no subject"}, None),
                                (404, {"error_code": 40403, "message": "no schema"}, None)])
    assert sr.lookup("s", {"schema": "x"}) is None
    assert sr.lookup("s", {"schema": "x"}, normalize=True) is None
    assert opener.calls[1]["url"].endswith("/subjects/s?normalize=true")


def test_subject_names_are_quoted():
    sr, opener, dummy = client([(200, [1], None)])
    sr.versions("a/b c")
    assert opener.calls[0]["url"] == "https://sr.example:8081/subjects/a%2Fb%20c/versions"


def test_compatibility_check_results():
    sr, opener, dummy = client([(200, {"is_compatible": False, "messages": ["READER_FIELD_MISSING"]}, None),
                                (404, {"error_code": 40401, "message": "Subject not found"}, None)])
    assert sr.check_compatibility("s", {"schema": "x"}) == (False, ["READER_FIELD_MISSING"])
    assert "verbose=true" in opener.calls[0]["url"]
    assert sr.check_compatibility("new", {"schema": "x"}) == (True, [])


def test_subject_compatibility_confluent_and_apicurio():
    sr, opener, dummy = client([(200, {"compatibilityLevel": "FULL"}, None),
                                (404, {"error_code": 40408, "message": "not configured"}, None)])
    assert sr.subject_compatibility("s") == "FULL"
    assert sr.subject_compatibility("s") is None

    sr, opener, dummy = client([(200, {"config": "NONE", "ruleType": "COMPATIBILITY"}, None),
                                (404, {"status": 404, "title": "No rule"}, None)],
                               url="http://127.0.0.1:1/apis/ccompat/v7")
    assert sr.subject_compatibility("s") == "NONE"
    assert sr.subject_compatibility("t") is None
    assert opener.calls[0]["url"] == \
        "http://127.0.0.1:1/apis/registry/v3/groups/default/artifacts/s/rules/COMPATIBILITY"


def test_apicurio_500_validation_errors_are_not_retried():
    sr, opener, sleeps = client([(500, {"message": "No such artifact type provider: FOO"}, None)])
    with pytest.raises(SchemaRegistryError):
        sr.register("s", {"schema": "x", "schemaType": "FOO"})
    assert len(opener.calls) == 1 and sleeps == []


@pytest.mark.parametrize("url, expected", [
    ("http://h:8080/apis/ccompat/v7", True), ("https://psrc.confluent.cloud", False), (None, False)])
def test_is_apicurio(url, expected):
    assert is_apicurio(url) is expected


@pytest.mark.parametrize("item, expected", [
    ({"subject": "s", "schema": {"type": "string"}}, '{"type":"string"}'),
    ({"subject": "s", "schema": '"string"'}, '"string"'),
    ({"subject": "s", "schema": "syntax = \"proto3\";", "schema_type": "PROTOBUF"}, "syntax = \"proto3\";"),
    ({"subject": "s", "schema_file": "/x.avsc"}, '{"type": "int"}'),
])
def test_load_schema_text(item, expected):
    assert load_schema_text(item, read_file=lambda path: '{"type": "int"}') == expected


@pytest.mark.parametrize("item, needle", [
    ({"subject": "s"}, "needs schema or schema_file"),
    ({"subject": "s", "schema": "{oops"}, "not valid JSON"),
    ({"subject": "s", "schema": "  "}, "empty"),
    ({"subject": "s", "schema": {"a": 1}, "schema_type": "PROTOBUF"}, ".proto text"),
    ({"subject": "s", "schema": "x", "schema_file": "/f"}, "not both"),
])
def test_load_schema_text_errors(item, needle):
    with pytest.raises(ValueError) as err:
        load_schema_text(item)
    assert needle in str(err.value)


def test_schema_file_unreadable():
    def boom(path):
        raise IOError("No such file")
    with pytest.raises(ValueError) as err:
        load_schema_text({"subject": "s", "schema_file": "/nope"}, read_file=boom)
    assert "/nope" in str(err.value)


def test_references():
    refs = normalize_references([{"name": "a.proto", "subject": "a", "version": "2"}], "s")
    assert refs == [{"name": "a.proto", "subject": "a", "version": 2}]
    with pytest.raises(ValueError, match="missing version"):
        normalize_references([{"name": "a", "subject": "a"}], "s")
    with pytest.raises(ValueError, match="version number"):
        normalize_references([{"name": "a", "subject": "a", "version": "latest"}], "s")


def test_build_payload():
    assert build_payload("x", None, []) == {"schema": "x", "schemaType": "AVRO"}
    refs = [{"name": "n", "subject": "s", "version": 1}]
    assert build_payload("x", "PROTOBUF", refs)["references"] == refs


@pytest.mark.parametrize("current, desired, expected", [
    (None, None, None), ("FULL", None, None), (None, "FULL", ("set", "FULL")),
    ("FULL", "FULL", None), ("FULL", "NONE", ("set", "NONE")), ("FULL", "GLOBAL", ("unset", None)),
    (None, "GLOBAL", None)])
def test_compatibility_change(current, desired, expected):
    assert compatibility_change(current, desired) == expected


@pytest.mark.parametrize("active, soft, permanent, expected", [
    ({"s"}, set(), False, ["soft"]), ({"s"}, set(), True, ["soft", "permanent"]),
    (set(), {"s"}, True, ["permanent"]), (set(), {"s"}, False, []), (set(), set(), True, [])])
def test_plan_delete(active, soft, permanent, expected):
    assert plan_delete("s", active, soft, permanent) == expected


def test_subject_items_inherit_defaults_and_refuse_duplicates():
    keys = ["subject", "schema", "schema_type", "state"]
    params = {"subject": None, "schema": "x", "schema_type": "JSON", "state": "present",
              "subjects": [{"subject": "a", "schema": None, "state": None},
                           {"subject": "b", "schema": "y", "state": "absent"}]}
    items = subject_items(params, keys)
    assert items == [{"subject": "a", "schema": "x", "schema_type": "JSON", "state": "present"},
                     {"subject": "b", "schema": "y", "schema_type": "JSON", "state": "absent"}]
    params["subjects"].append({"subject": "a"})
    with pytest.raises(ValueError, match="more than once: a"):
        subject_items(params, keys)


def test_schema_view_and_messages():
    view = schema_view({"version": 2, "id": 9, "schema": "s", "references": []})
    assert view == {"version": 2, "id": 9, "schema_type": "AVRO", "schema": "s"}
    assert schema_view(None) is None
    text = incompatibility_message("s", "BACKWARD", ["a", "b"])
    assert "BACKWARD" in text and "a; b" in text and "Nothing was registered" in text
    assert "no details" in incompatibility_message("s", None, [])


def test_lookup_subject_tells_whether_the_subject_exists():
    sr, opener, dummy = client([(200, {"version": 3, "id": 7}, None),
                                (404, {"error_code": 40403, "message": "no schema"}, None),
                                (404, {"error_code": 40401, "message": "no subject"}, None),
                                (404, {"error_code": 40401, "message": "no subject"}, None)])
    assert sr.lookup_subject("s", {"schema": "x"}) == ({"version": 3, "id": 7}, True)
    assert sr.lookup_subject("s", {"schema": "x"}) == (None, True)
    assert sr.lookup_subject("s", {"schema": "x"}) == (None, False)
    assert sr.latest_version("s") is None


class _Recorder(object):
    """A loopback HTTP server that records each request and answers from a script."""

    def __init__(self, answers):
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer
        recorder = self
        self.seen = []
        self.answers = list(answers)

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorder.seen.append(dict(method=self.command, path=self.path,
                                          headers=dict(self.headers.items()),
                                          body=self.rfile.read(length) if length else b""))
                status, body, extra = recorder.answers.pop(0)
                raw = json.dumps(body).encode()
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def recorder():
    servers = []

    def start(answers):
        servers.append(_Recorder(answers))
        return servers[-1]
    yield start
    for server in servers:
        server.close()


def test_real_http_one_opener_headers_auth_and_body(recorder):
    server = recorder([(200, ["a", "b"], {}), (200, {"id": 7}, {}), (200, {"id": 7}, {})])
    sr = SchemaRegistryClient(server.url + "/apis/ccompat/v7", username="key", password="s3cret")
    assert sr.subjects() == ["a", "b"]
    opener = sr.http._openers[False]
    assert sr.request("POST", "/subjects/x", body={"schema": "\"string\""}) == {"id": 7}
    sr.request("POST", "/subjects/x", body={"schema": "\"string\""})
    assert sr.http._openers == {False: opener}  # built once, reused for every request
    first, second = server.seen[0], server.seen[1]
    assert (first["method"], first["path"]) == ("GET", "/apis/ccompat/v7/subjects")
    import base64
    assert first["headers"]["Authorization"] == "Basic " + base64.b64encode(b"key:s3cret").decode()
    assert first["headers"]["User-Agent"] == "ansible-httpget"
    assert "schemaregistry" in first["headers"]["Accept"]
    assert second["method"] == "POST" and json.loads(second["body"]) == {"schema": "\"string\""}
    assert second["headers"]["Content-Type"] == "application/vnd.schemaregistry.v1+json"


def test_real_http_bearer_errors_and_retries(recorder):
    server = recorder([(503, {"error_code": 50003, "message": "busy"}, {"Retry-After": "0"}),
                       (200, {"compatibilityLevel": "FULL"}, {}),
                       (401, {"error_code": 40101, "message": "Unauthorized"}, {})])
    sleeps = []
    sr = SchemaRegistryClient(server.url, token="t0ken", sleep=sleeps.append)
    assert sr.global_compatibility() == "FULL" and len(sleeps) == 1
    assert server.seen[1]["headers"]["Authorization"] == "Bearer t0ken"
    with pytest.raises(SchemaRegistryError) as error:
        sr.subjects()
    assert error.value.status == 401
    assert sr.requests == 3


def test_real_http_unsafe_redirect_not_followed(recorder):
    # follow_redirects=safe (as open_url): a POST answered with a redirect is not re-sent.
    server = recorder([(307, {}, {"Location": "/elsewhere"})])
    sr = SchemaRegistryClient(server.url, retries=0)
    with pytest.raises(SchemaRegistryError) as error:
        sr.request("POST", "/subjects/x", body={"schema": "{}"})
    assert error.value.status == 307 and len(server.seen) == 1


def test_real_http_unreachable_names_the_registry():
    sr = SchemaRegistryClient("http://127.0.0.1:9", retries=1, sleep=lambda s: None)
    with pytest.raises(SchemaRegistryError) as error:
        sr.subjects()
    assert "Cannot reach Schema Registry at http://127.0.0.1:9" in str(error.value)


@pytest.mark.parametrize("exc, expected", [
    (URLError(ssl.SSLCertVerificationError(
        1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")), "server"),
    (ssl.SSLError(1, "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert "
                     "certificate required"), "client"),
    (URLError(ssl.SSLError(1, "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca")), "client"),
    (URLError(ConnectionRefusedError(111, "Connection refused")), None),
    (URLError("timed out"), None),
])
def test_tls_problem(exc, expected):
    assert tls_problem(exc) == expected


def test_client_certificate_refusal_is_not_retried():
    sleeps = []
    sr = SchemaRegistryClient("https://sr.example", sleep=sleeps.append, retries=3,
                              opener=FakeOpener([(ssl.SSLError(
                                  1, "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert "
                                     "certificate required"), None, None)]))
    with pytest.raises(SchemaRegistryError) as error:
        sr.subjects()
    assert "refused the TLS client certificate" in str(error.value)
    assert "client_cert and client_key" in str(error.value)
    assert sleeps == [] and sr.requests == 1


@pytest.mark.parametrize("exc", [
    URLError(ssl.SSLEOFError(8, "EOF occurred in violation of protocol (_ssl.c:2427)")),
    URLError(ssl.SSLError(1, "[SSL: UNEXPECTED_EOF_WHILE_READING] unexpected eof while reading")),
    URLError(ConnectionResetError(104, "Connection reset by peer")),
    ConnectionResetError(104, "Connection reset by peer"),
])
def test_tls_connection_dropped_points_to_client_certificate_too(exc):
    sleeps = []
    sr = SchemaRegistryClient("https://sr.example", sleep=sleeps.append, retries=1,
                              opener=FakeOpener([(exc, None, None), (exc, None, None)]))
    with pytest.raises(SchemaRegistryError) as error:
        sr.subjects()
    message = str(error.value)
    assert message.startswith("Cannot reach Schema Registry at https://sr.example")
    assert "closed the TLS connection without an answer" in message
    assert "client_cert and client_key" in message
    assert len(sleeps) == 1 and sr.requests == 2  # a registry going away looks the same: retried


def test_plain_http_connection_reset_is_not_about_certificates():
    exc = URLError(ConnectionResetError(104, "Connection reset by peer"))
    sr = SchemaRegistryClient("http://sr.example", sleep=lambda s: None, retries=0,
                              opener=FakeOpener([(exc, None, None)]))
    with pytest.raises(SchemaRegistryError) as error:
        sr.subjects()
    assert "Check url and that the registry is running" in str(error.value)
    assert "client_cert" not in str(error.value)


def test_tls_context_only_for_https(recorder, monkeypatch):
    from ansible_collections.specweave.kafka.plugins.module_utils import http_client as srmod
    contexts = []
    real = srmod.make_context

    def counting(**kwargs):
        contexts.append(kwargs)
        return real(**kwargs)
    monkeypatch.setattr(srmod, "make_context", counting)
    server = recorder([(200, [], {}), (200, [], {})])
    plain = SchemaRegistryClient(server.url)
    plain.subjects()
    plain.subjects()
    assert contexts == []                       # plain http: no CA bundle loaded
    secure = SchemaRegistryClient("https://127.0.0.1:9", ca_path="/no/such/ca.pem", retries=0)
    with pytest.raises(SchemaRegistryError) as error:
        secure.subjects()
    assert [c["cafile"] for c in contexts] == ["/no/such/ca.pem"]
    assert "Cannot load the TLS files (ca_path=/no/such/ca.pem" in str(error.value)
    assert secure.requests == 1                 # not retried


def test_posts_safe_to_repeat_are_retried():
    # register, lookup and the compatibility check are POSTs the registry may be sent twice
    sr, opener, sleeps = client([(503, {"message": "busy"}, None), (200, {"id": 3}, None),
                                 (502, {"message": "gateway"}, None), (200, {"version": 1, "id": 3}, None),
                                 (504, {"message": "late"}, None), (200, {"is_compatible": True}, None)])
    assert sr.register("s", {"schema": "x"}) == {"id": 3}
    assert sr.lookup("s", {"schema": "x"}) == {"version": 1, "id": 3}
    assert sr.check_compatibility("s", {"schema": "x"}) == (True, [])
    assert [c["method"] for c in opener.calls] == ["POST"] * 6 and sleeps == [0.5] * 3


def test_illegal_compatibility_level_500_is_not_retried():
    sr, opener, sleeps = client([(500, {"message": "Illegal compatibility level: FOO"}, None)])
    with pytest.raises(SchemaRegistryError) as error:
        sr.set_subject_compatibility("s", "FOO")
    assert error.value.status == 500 and "Illegal compatibility level" in error.value.message
    assert len(opener.calls) == 1 and sleeps == []


def test_answer_that_is_not_json_points_to_the_api_root():
    sr, opener, sleeps = client([(200, b"<html>registry UI</html>", None)])
    with pytest.raises(SchemaRegistryError) as error:
        sr.subjects()
    assert "with a body that is not JSON" in error.value.message
    assert "apis/ccompat/v7" in error.value.message and sleeps == []
