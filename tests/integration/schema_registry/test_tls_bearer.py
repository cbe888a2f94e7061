"""schema_registry over HTTPS with a custom CA and OAuth bearer tokens, on a real Apicurio Registry.

The registry serves HTTPS only (certificate from a per-run CA) and verifies RS256 bearer tokens
itself (Quarkus OIDC against a JWKS document). Everything is read back with plain urllib.
Apicurio cannot require client certificates itself (see testbed/schema_registry.py), so mutual
TLS is tested the way it is often deployed: behind a TLS-terminating listener that requires a
client certificate from the CA (testbed/tls_proxy.py, OpenSSL through Python's ssl module) and
relays to the registry.
"""
import json
import re
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from testbed.ansible import run_module
from testbed.schema_registry import CCOMPAT_PATH, SchemaRegistry
from testbed.secure import CertificateAuthority
from testbed.tls_proxy import MutualTlsProxy


@pytest.fixture(scope="module")
def https_registry():
    reg = SchemaRegistry(tls=True, bearer=True)
    try:
        reg.start()
    except Exception:
        reg.stop()
        raise
    yield reg
    reg.stop()


def run(reg, module, args, auth=True, **kwargs):
    full = {"url": reg.url, "ca_path": reg.cafile}
    if auth:
        full["token"] = reg.token()
    full.update(args)
    return run_module(module, full, diff=True, **kwargs)


def versions(reg, subject):
    """The subject's live versions; [] only when the registry says it has none (404)."""
    status, body = reg.request("GET", "/subjects/%s/versions" % subject)
    assert status in (200, 404), (status, body)
    return body if status == 200 else []


def refused_client_certificate(url, alert):
    """The module's whole sentence when the TLS listener refuses the client certificate.

    With TLS 1.3 the client finishes its handshake before the listener checks the certificate:
    the listener's alert (``alert``) arrives, or its close overtakes the alert and the module
    says the connection was closed without an answer; each is matched whole.
    """
    request = re.escape(" (GET %s/" % url) + r"[^ )]+\)"
    return re.compile(
        re.escape("Schema Registry at %s refused the TLS client certificate" % url) + request +
        ": " + alert + re.escape(". It requires a client certificate it trusts: set client_cert "
                                 "and client_key (or SCHEMA_REGISTRY_CLIENT_CERT / "
                                 "SCHEMA_REGISTRY_CLIENT_KEY) to a certificate signed by a CA "
                                 "the registry, or the TLS listener in front of it, accepts.") +
        "|" + re.escape("Cannot reach Schema Registry at %s" % url) + request +
        r": EOF occurred in violation of protocol \(_ssl\.c:\d+\)" + re.escape(
            ". The registry closed the TLS connection without an answer, which is also what a "
            "registry (or a TLS listener in front of it) does when it refuses the client "
            "certificate: if it requires one, set client_cert and client_key (or "
            "SCHEMA_REGISTRY_CLIENT_CERT / SCHEMA_REGISTRY_CLIENT_KEY) to a certificate signed by "
            "a CA it accepts; otherwise check that the registry is running."))


def record(name):
    return {"type": "record", "name": name, "namespace": "com.acme",
            "fields": [{"name": "id", "type": "long"}]}


def test_bearer_token_over_https_with_custom_ca(https_registry):
    reg = https_registry
    subject = "tls-%s-value" % uuid.uuid4().hex[:8]
    token = reg.token()
    args = {"subject": subject, "schema": record("Order"), "token": token}

    created = run(reg, "schema_registry", args, verbosity=3)
    assert created.get("failed") is not True, created.get("msg")
    assert created["changed"] is True and created["version"] == 1, created
    assert versions(reg, subject) == [1]
    run_output = created["_run"].stdout + created["_run"].stderr
    assert token not in run_output, "the bearer token leaked into the -vvv output"

    again = run(reg, "schema_registry", args)
    assert again["changed"] is False and again["version"] == 1, again

    # token and CA from the documented environment variables
    info = run(reg, "schema_registry_info", {"subjects": [subject], "url": reg.url}, auth=False,
               env={"SCHEMA_REGISTRY_TOKEN": reg.token(), "SCHEMA_REGISTRY_CA_PATH": reg.cafile})
    assert info.get("failed") is not True, info.get("msg")
    assert [s["subject"] for s in info["subjects"]] == [subject], info["subjects"]


def test_refused_tokens_and_untrusted_certificate(https_registry):
    reg = https_registry
    subject = "tls-refused-%s" % uuid.uuid4().hex[:8]
    args = {"subject": subject, "schema": record("Refused"), "retries": 0}
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cases = [
        ("no token", {}),
        ("token signed by another key", {"token": reg.token(key=foreign)}),
        ("expired token", {"token": reg.token(expires_in=-300)}),
    ]
    for label, extra in cases:
        result = run(reg, "schema_registry", dict(args, **extra), auth=False)
        assert result.get("failed") is True and result.get("status") == 401, (label, result)
        assert "HTTP 401" in result["msg"], (label, result["msg"])

    # the registry's certificate is not trusted without the CA: a TLS error, said as such
    untrusted = run(reg, "schema_registry", dict(args, ca_path=None))
    assert untrusted.get("failed") is True, untrusted
    assert re.fullmatch(
        re.escape("TLS validation failed for %s (GET %s/" % (reg.url, reg.url)) + r"[^ )]+\): "
        r"\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: self-signed certificate "
        r"in certificate chain \(_ssl\.c:\d+\)" + re.escape(
            ". Set ca_path to the CA that signed the registry's certificate (or "
            "validate_certs=false for tests only)."), untrusted["msg"]), untrusted["msg"]
    assert versions(reg, subject) == []
    status, subjects = reg.request("GET", "/subjects")
    assert status == 200 and subject not in subjects, json.dumps(subjects)[:200]


def test_client_certificate_required(https_registry, tmp_path):
    reg = https_registry
    cert, key, _ = reg.ca.issue("schema-client", filename="schema-client")
    foreign_cert, foreign_key, _ = CertificateAuthority(str(tmp_path / "foreign"),
                                                             name="another-ca").issue("intruder")
    subject = "mtls-%s-value" % uuid.uuid4().hex[:8]
    refused_subject = "mtls-refused-%s" % uuid.uuid4().hex[:8]
    with MutualTlsProxy("127.0.0.1", reg.port, reg.certfile, reg.keyfile, reg.cafile,
                        upstream_cafile=reg.cafile) as proxy:
        url = proxy.base_url + CCOMPAT_PATH
        args = {"subject": subject, "schema": record("Shipment"), "url": url,
                "client_cert": cert, "client_key": key}

        created = run(reg, "schema_registry", args)
        assert created.get("failed") is not True, created.get("msg")
        assert created["changed"] is True and created["version"] == 1, created
        assert "schema-client" in proxy.peers, proxy.peers     # the module presented it
        assert versions(reg, subject) == [1]                   # read back past the proxy
        again = run(reg, "schema_registry", args)
        assert again["changed"] is False and again["version"] == 1, again

        # certificate and key from the documented environment variables
        info = run(reg, "schema_registry_info", {"subjects": [subject], "url": url},
                   env={"SCHEMA_REGISTRY_CLIENT_CERT": cert, "SCHEMA_REGISTRY_CLIENT_KEY": key})
        assert info.get("failed") is not True, info.get("msg")
        assert [s["subject"] for s in info["subjects"]] == [subject], info["subjects"]

        accepted = len(proxy.peers)
        refused = {"subject": refused_subject, "schema": record("Refused"), "url": url,
                   "retries": 0}
        # (what the module says when the alert arrives, what the listener refused)
        for label, extra, alert, listener_saw in [
                ("no client certificate", {}, "TLSV13_ALERT_CERTIFICATE_REQUIRED",
                 "[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate"),
                ("certificate from another CA",
                 {"client_cert": foreign_cert, "client_key": foreign_key},
                 # the client sends its chain: the other CA's certificate is the one refused
                 "TLSV1_ALERT_UNKNOWN_CA", "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
                 "failed: self-signed certificate in certificate chain")]:
            seen = len(proxy.refused)
            result = run(reg, "schema_registry", dict(refused, **extra))
            assert result.get("failed") is True, (label, result)
            assert refused_client_certificate(url, alert).fullmatch(result["msg"]), \
                (label, result["msg"])
            assert proxy.refused[seen:] and all(listener_saw in error
                                                for error in proxy.refused[seen:]), \
                (label, proxy.refused[seen:])
        assert len(proxy.peers) == accepted, proxy.peers
    assert versions(reg, refused_subject) == []
