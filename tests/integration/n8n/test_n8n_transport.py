"""The n8n modules' transport against the real n8n: retries, HTTPS with ca_path, client certificates.

Retries: ``FlakyFront`` is a reverse proxy on 127.0.0.1 in front of the real n8n that answers
HTTP 503 to the requests a test scripts and forwards every other one unchanged, recording what
it saw. HTTPS: n8n itself is served over plain HTTP by the session's testbed, so TLS is put in
front of it the way it is often deployed, a TLS-terminating listener that requires a client
certificate (testbed/tls_proxy.py, OpenSSL through Python's ssl module), with a per-test CA.
Everything is read back through n8n's public API with plain urllib (``n8n.api``).
"""
import http.server
import re
import threading
import urllib.error
import urllib.request
import uuid

import pytest

from testbed.kafka import free_port
from testbed.secure import CertificateAuthority
from testbed.tls_proxy import MutualTlsProxy

FORWARDED_HEADERS = ("X-N8N-API-KEY", "Content-Type", "Accept")


class FlakyFront(object):
    """HTTP on 127.0.0.1 that fails scripted requests with 503 and forwards the others to n8n.

    ``fail[(method, path prefix)] = n``: the next n requests that match answer 503 (with
    ``Retry-After: 0``). ``seen`` lists (method, path, status) of every request.
    """

    def __init__(self, upstream):
        self.upstream = upstream.rstrip("/")
        self.fail = {}
        self.seen = []
        self.lock = threading.Lock()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        front = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                status, headers, payload = front.answer(self.command, self.path, self.headers,
                                                        body)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, method, path, headers, body):
        with self.lock:
            for (fail_method, prefix), left in self.fail.items():
                if left and method == fail_method and path.startswith(prefix):
                    self.fail[(fail_method, prefix)] = left - 1
                    self.seen.append((method, path, 503))
                    return 503, [("Retry-After", "0"), ("Content-Type", "application/json")], \
                        b'{"message": "scripted outage"}'
        request = urllib.request.Request(self.upstream + path, data=body, method=method)
        for name in FORWARDED_HEADERS:
            if headers.get(name):
                request.add_header(name, headers[name])
        try:
            response = self.opener.open(request, timeout=30)
            status, payload, kind = response.status, response.read(), response.headers.get(
                "Content-Type")
        except urllib.error.HTTPError as exc:
            status, payload, kind = exc.code, exc.read(), exc.headers.get("Content-Type")
        with self.lock:
            self.seen.append((method, path, status))
        return status, [("Content-Type", kind or "application/json")], payload

    def requests(self, method, prefix):
        return [status for seen_method, path, status in self.seen
                if seen_method == method and path.startswith(prefix)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def front(n8n):
    proxy = FlakyFront(n8n.url)
    yield proxy
    proxy.stop()


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def hook_workflow(name):
    return {"nodes": [{"name": "Hook", "type": "n8n-nodes-base.webhook", "typeVersion": 2,
                       "position": [0, 0], "parameters": {"path": name, "httpMethod": "POST"}}],
            "connections": {}}


def workflows_named(n8n, name):
    status, body = n8n.api("GET", "/workflows?name=%s" % name)
    assert status == 200, body
    return [wf for wf in body["data"] if wf["name"] == name]


def credentials_named(n8n, name):
    status, body = n8n.api("GET", "/credentials?limit=250")
    assert status == 200, body
    return [c for c in body["data"] if c["name"] == name]


def test_reads_are_retried_and_retries_can_be_turned_off(n8n, front, module):
    name = unique("retried")
    created = module("n8n_workflow", dict(api_url=n8n.url, api_key=n8n.api_key, name=name,
                                          workflow=hook_workflow(name)))
    assert created["changed"] is True, created
    front.fail[("GET", "/api/v1/workflows?")] = 2
    info = module("n8n_workflow_info", dict(api_url=front.url, api_key=n8n.api_key, name=name))
    assert info.get("failed") is not True, info.get("msg")
    assert [w["id"] for w in info["workflows"]] == [created["workflow_id"]]
    assert front.requests("GET", "/api/v1/workflows?") == [503, 503, 200]

    front.fail[("GET", "/api/v1/workflows?")] = 1
    refused = module("n8n_workflow_info", dict(api_url=front.url, api_key=n8n.api_key,
                                               name=name, retries=0))
    assert refused["failed"] is True and refused["status"] == 503, refused
    assert refused["msg"] == "listing workflows: n8n answered HTTP 503: scripted outage"

    front.fail[("GET", "/api/v1/workflows?")] = 1  # N8N_RETRIES is the documented fallback
    from_env = module("n8n_workflow_info", dict(name=name), env={
        "N8N_API_URL": front.url, "N8N_API_KEY": n8n.api_key, "N8N_RETRIES": "0"})
    assert from_env["failed"] is True and from_env["status"] == 503, from_env
    assert module("n8n_workflow", dict(api_url=n8n.url, api_key=n8n.api_key, name=name,
                                       state="absent"))["changed"] is True


def test_creation_is_never_repeated_and_activation_is_retried(n8n, front, module):
    name, cred = unique("not-twice"), unique("kafka")
    args = dict(api_url=front.url, api_key=n8n.api_key, name=name, template="webhook-to-kafka",
                template_params=dict(topic="events", webhook_path=name, kafka_credential=cred,
                                     brokers="127.0.0.1:9"), active=True)
    front.fail[("POST", "/api/v1/workflows")] = 1
    failed = module("n8n_workflow", args)
    assert failed["failed"] is True and failed["status"] == 503, failed
    assert failed["msg"] == ("creating workflow %r: n8n answered HTTP 503: scripted outage "
                             "(credentials created by this task were removed again)" % name)
    assert front.requests("POST", "/api/v1/workflows") == [503]  # sent once, not repeated
    assert workflows_named(n8n, name) == [] and credentials_named(n8n, cred) == []

    del front.seen[:]
    front.fail[("POST", "/api/v1/workflows/")] = 1  # .../activate: safe to repeat
    created = module("n8n_workflow", args)
    assert created.get("failed") is not True, created.get("msg")
    assert created["changes"] == ["credential %s created" % cred, "created", "activated"]
    assert [s for s in front.seen if s[0] == "POST" and s[1].endswith("/activate")] == [
        ("POST", "/api/v1/workflows/%s/activate" % created["workflow_id"], 503),
        ("POST", "/api/v1/workflows/%s/activate" % created["workflow_id"], 200)]
    (live,) = workflows_named(n8n, name)
    assert live["active"] is True and len(credentials_named(n8n, cred)) == 1
    assert module("n8n_workflow", dict(args, state="absent"))["changed"] is True


def refused_client_certificate(url, alert):
    """The module's whole sentence when the TLS listener refuses the client certificate.

    With TLS 1.3 the client finishes its handshake before the listener checks the certificate:
    the listener's alert (``alert``) arrives, or its close overtakes the alert and the module
    says the connection was closed without an answer; each is matched whole.
    """
    return re.compile(
        re.escape("listing workflows: n8n at %s (or the TLS proxy in front of it) refused the "
                  "client certificate (" % url) + r"(<urlopen error )?(\[SSL: " + alert +
        r"\] [^()]+ \(_ssl\.c:\d+\)|" + alert + r")>?" +
        re.escape("). Check client_cert and client_key.") +
        "|" + re.escape("listing workflows: cannot reach n8n at %s (" % url) +
        r"(<urlopen error )?(\[SSL: UNEXPECTED_EOF_WHILE_READING\] )?EOF occurred in violation "
        r"of protocol \(_ssl\.c:\d+\)>?" + re.escape(
            "). Check that n8n is running and that api_url (or N8N_API_URL) is the address of "
            "n8n as seen from this host. The TLS connection was closed without an answer, which "
            "is also what a TLS listener in front of n8n does when it refuses the client "
            "certificate: if it requires one, set client_cert and client_key (or "
            "N8N_CLIENT_CERT / N8N_CLIENT_KEY)."))


@pytest.fixture
def tls_front(n8n, tmp_path):
    ca = CertificateAuthority(str(tmp_path / "ca"))
    certfile, keyfile, _ = ca.issue("n8n.test", server=True)
    client = ca.issue("n8n-automation")
    with MutualTlsProxy("127.0.0.1", n8n.port, certfile, keyfile, ca.cafile) as proxy:
        yield proxy, ca.cafile, client[0], client[1]


def test_https_with_ca_path_and_client_certificate(n8n, module, tls_front, tmp_path):
    proxy, cafile, cert, key = tls_front
    name = unique("over-tls")
    args = dict(api_url=proxy.base_url, api_key=n8n.api_key, ca_path=cafile, client_cert=cert,
                client_key=key, name=name, workflow=hook_workflow(name))
    created = module("n8n_workflow", args)
    assert created.get("failed") is not True, created.get("msg")
    assert created["changed"] is True
    assert created["webhook_urls"] == ["%s/webhook/%s" % (proxy.base_url, name)]
    assert "n8n-automation" in proxy.peers  # the module presented its certificate
    assert [wf["id"] for wf in workflows_named(n8n, name)] == [created["workflow_id"]]

    # CA, certificate and key from the documented environment variables
    info = module("n8n_workflow_info", dict(name=name), env={
        "N8N_API_URL": proxy.base_url, "N8N_API_KEY": n8n.api_key, "N8N_CA_PATH": cafile,
        "N8N_CLIENT_CERT": cert, "N8N_CLIENT_KEY": key})
    assert info.get("failed") is not True, info.get("msg")
    assert [w["id"] for w in info["workflows"]] == [created["workflow_id"]]
    assert module("n8n_workflow", args)["changed"] is False

    accepted = len(proxy.peers)
    foreign = CertificateAuthority(str(tmp_path / "foreign"), name="another-ca")
    seen = len(proxy.refused)
    untrusted = module("n8n_workflow", dict(args, ca_path=foreign.cafile, state="absent",
                                            retries=0))
    assert untrusted["failed"] is True, untrusted
    assert re.fullmatch(
        re.escape("listing workflows: the TLS certificate of n8n at %s is not trusted ("
                  % proxy.base_url) + r"(<urlopen error )?\[SSL: CERTIFICATE_VERIFY_FAILED\] "
        r"certificate verify failed: self-signed certificate in certificate chain "
        r"\(_ssl\.c:\d+\)>?" + re.escape("). Set ca_path (or N8N_CA_PATH) to the CA bundle that "
                                          "signed it."), untrusted["msg"]), untrusted["msg"]
    # the module refused the listener's certificate: the listener saw the module's alert
    assert proxy.refused[seen:] and all("TLSV1_ALERT_UNKNOWN_CA" in error
                                        for error in proxy.refused[seen:]), proxy.refused[seen:]
    seen = len(proxy.refused)
    no_cert = module("n8n_workflow", dict(args, client_cert=None, client_key=None,
                                          state="absent", retries=0))
    assert no_cert["failed"] is True, no_cert
    assert refused_client_certificate(proxy.base_url, "TLSV13_ALERT_CERTIFICATE_REQUIRED") \
        .fullmatch(no_cert["msg"]), no_cert["msg"]
    assert proxy.refused[seen:] and all("PEER_DID_NOT_RETURN_A_CERTIFICATE" in error
                                        for error in proxy.refused[seen:]), proxy.refused[seen:]
    assert len(proxy.peers) == accepted, proxy.peers
    assert len(workflows_named(n8n, name)) == 1  # nothing was deleted by the refused runs

    assert module("n8n_workflow", dict(args, state="absent"))["changed"] is True
    assert workflows_named(n8n, name) == []
