"""Every Kafka module of the collection over SASL_SSL with SCRAM-SHA-256 and over mutual TLS.

The mTLS client certificate has CN=admin, which ssl.principal.mapping.rules maps to User:admin
(a super user); a certificate from a foreign CA is refused with a TLS message. Results are read
back with Kafka's own tools.
"""
import uuid

from security_helpers import (TOPIC_COMMAND, acl_list, ok, quota_configs, run, scram_users)


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


def test_foreign_client_certificate_is_refused(secure, tmp_path):
    from testbed.secure import CertificateAuthority
    foreign = CertificateAuthority(str(tmp_path / "foreign-ca"))
    certfile, keyfile, _ = foreign.issue("admin")
    conn = dict(secure.module_args(cn="admin"), ssl_certfile=certfile, ssl_keyfile=keyfile,
                request_timeout_ms=5000)
    result = run("kafka_info", secure, dict(), conn=conn)
    assert result.get("failed")
    assert "Traceback" not in result["msg"]
    assert "connecting failed" in result["msg"]
