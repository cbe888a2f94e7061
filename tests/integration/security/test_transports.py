"""Every Kafka module of the collection over SASL_SSL with SCRAM-SHA-256 and over mutual TLS.

The mTLS client certificate has CN=admin, which ssl.principal.mapping.rules maps to User:admin
(a super user); a certificate from a foreign CA is refused with a TLS message. Results are read
back with Kafka's own tools.
"""
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from security_helpers import (TOPIC_COMMAND, acl_list, issue_server_cert, ok, quota_configs, run,
                              scram_users)


def test_every_module_over_mtls_then_scram_sha_256(secure, tmp_path):
    tag = uuid.uuid4().hex[:6]
    topic, user = "tr-%s" % tag, "tr-user-%s" % tag
    acl = [dict(principal="User:" + user, resource_type="topic", resource_name=topic,
                operations=["read"])]
    quota = [dict(user=user, quotas=dict(producer_byte_rate=1000))]
    mtls = secure.module_args(cn="admin")
    scram256 = secure.module_args(mechanism="SCRAM-SHA-256")

    # Create everything over mTLS.
    assert ok(run("kafka_topic", secure, dict(name=topic, partitions=2), conn=mtls))["changed"]
    assert ok(run("kafka_user", secure, dict(name=user, password="pw-" + tag),
                  conn=mtls))["changed"]
    assert ok(run("kafka_acl", secure, dict(acls=acl), conn=mtls))["changed"]
    assert ok(run("kafka_quota", secure, dict(quotas=quota), conn=mtls))["changed"]
    info = ok(run("kafka_info", secure, dict(topics=[topic]), conn=mtls))
    assert info["topics"][topic]["partition_count"] == 2

    described = secure.admin_tool(TOPIC_COMMAND, "--describe", "--topic", topic)
    assert "PartitionCount: 2" in described
    assert scram_users(secure, user) == {user: {"SCRAM-SHA-512": 4096}}
    assert ("User:" + user, "*", "read", "allow", "topic", topic, "literal") in acl_list(
        secure, "--topic", topic)
    assert quota_configs(secure, "--entity-type", "users", "--entity-name", user) == dict(
        producer_byte_rate=1000)

    # Read and remove everything over SASL_SSL with SCRAM-SHA-256.
    info = ok(run("kafka_info", secure, dict(topics=[topic]), conn=scram256))
    assert info["topics"][topic]["partition_count"] == 2
    assert ok(run("kafka_quota", secure, dict(quotas=quota, state="absent"),
                  conn=scram256))["changed"]
    assert ok(run("kafka_acl", secure, dict(acls=acl, state="absent"), conn=scram256))["changed"]
    assert ok(run("kafka_user", secure, dict(name=user, state="absent"),
                  conn=scram256))["changed"]
    assert ok(run("kafka_topic", secure, dict(name=topic, state="absent"),
                  conn=scram256))["changed"]

    assert quota_configs(secure, "--entity-type", "users", "--entity-name", user) == {}
    assert acl_list(secure, "--principal", "User:" + user) == set()
    assert scram_users(secure, user) == {}
    assert topic not in secure.admin_tool(TOPIC_COMMAND, "--list")


def tls_refusal(what, where, fix, openssl):
    """The module's whole sentence: its own words exactly, OpenSSL's reason (quoted by the
    module from kafka-python's log) matched by ``openssl``, a regular expression."""
    return re.compile(re.escape("connecting failed: %s at %s " % (what, where)) +
                      r"[^(]*\(Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: " +
                      openssl + r"[^)]*\(_ssl\.c:\d+\)\)\. " + re.escape(fix))


def test_tls_refusals_name_their_cause(secure, tmp_path):
    """Unknown CA, host name mismatch, a foreign or missing client certificate: each ends the
    task with its own cause and fix, never a generic TLS failure."""
    from testbed.secure import CertificateAuthority
    from testbed.tls_proxy import MutualTlsProxy
    foreign = CertificateAuthority(str(tmp_path / "foreign-ca"))
    foreign_cert, foreign_key, _ = foreign.issue("admin")
    mtls = dict(secure.module_args(cn="admin"), request_timeout_ms=20000)
    sasl = dict(secure.module_args(), request_timeout_ms=20000)
    # A TLS listener on 127.0.0.1 relaying to the SASL_SSL listener, serving a certificate of
    # the cluster's CA for another name: trusted, but not for the address connected to.
    certfile, keyfile = issue_server_cert(secure.ca, str(tmp_path / "other-host"),
                                          "kafka.invalid")
    proxy = MutualTlsProxy("127.0.0.1", secure.nodes[0].port, certfile, keyfile, secure.cafile,
                           upstream_cafile=secure.cafile).start()
    # The relay asks for a client certificate; the admin one answers it.
    relayed = dict(sasl, bootstrap_servers="127.0.0.1:%d" % proxy.port,
                   ssl_certfile=mtls["ssl_certfile"], ssl_keyfile=mtls["ssl_keyfile"])
    cases = dict(
        foreign_client=({}, dict(mtls, ssl_certfile=foreign_cert, ssl_keyfile=foreign_key)),
        no_client_cert=({}, dict(mtls, ssl_certfile=None, ssl_keyfile=None)),
        unknown_ca=({}, dict(sasl, ssl_cafile=foreign.cafile)),
        hostname=(dict(gather=["brokers"]), relayed),
        hostname_unchecked=(dict(gather=["brokers"]), dict(relayed, ssl_check_hostname=False)),
    )
    # Side by side, each its own Ansible process. A refused handshake ends the task at once: the
    # client would otherwise try the same certificates again until request_timeout_ms (20 s).
    started = time.time()
    try:
        with ThreadPoolExecutor(max_workers=len(cases)) as pool:
            futures = dict((case, pool.submit(run, "kafka_info", secure, args, conn=conn))
                           for case, (args, conn) in cases.items())
            results = dict((case, future.result()) for case, future in futures.items())
    finally:
        proxy.stop()
    assert time.time() - started < 20, "a refused TLS handshake was retried until the timeout"
    expected = dict(
        foreign_client=tls_refusal(
            "the broker", secure.ssl_bootstrap_servers,
            "Use a certificate signed by a CA the broker trusts (its ssl.truststore) in "
            "ssl_certfile and ssl_keyfile.", r"\[SSL: SSLV3_ALERT_CERTIFICATE_UNKNOWN\]"),
        no_client_cert=tls_refusal(
            "the listener", secure.ssl_bootstrap_servers,
            "Set ssl_certfile and ssl_keyfile (or KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE), or "
            "connect to a SASL_SSL listener.", r"\[SSL: SSLV3_ALERT_BAD_CERTIFICATE\]"),
        unknown_ca=tls_refusal(
            "the broker certificate", secure.sasl_bootstrap_servers,
            "Set ssl_cafile (or KAFKA_SSL_CAFILE) to the CA that signed the broker "
            "certificates.", r"Handshake failed: \[SSL: CERTIFICATE_VERIFY_FAILED\] certificate "
            r"verify failed: certificate signature failure"),
        hostname=tls_refusal(
            "the broker certificate", relayed["bootstrap_servers"],
            "Use a bootstrap server name the certificate lists (subjectAltName), or set "
            "ssl_check_hostname: false.", r"Handshake failed: \[SSL: CERTIFICATE_VERIFY_FAILED\] "
            r"certificate verify failed: IP address mismatch, certificate is not valid for "
            r"'127\.0\.0\.1'\."),
    )
    for case, pattern in expected.items():
        result = results[case]
        assert result.get("failed") is True, (case, result)
        assert pattern.fullmatch(result["msg"]), (case, result["msg"])
    # The refusal names the certificate that was refused.
    assert ("refused the client certificate %s (" % foreign_cert) in results["foreign_client"]["msg"]
    assert ("is trusted but does not name the address the client connected to"
            in results["hostname"]["msg"])
    # The same relay with the host name check off connects: the name was the only problem.
    unchecked = results["hostname_unchecked"]
    assert not unchecked.get("failed"), (unchecked.get("msg"), proxy.upstream_errors)
    assert unchecked["broker_ids"] == [1]
