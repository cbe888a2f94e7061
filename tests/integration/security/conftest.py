"""Fixtures of the security area: one secured single-node KRaft broker for the session.

The broker (testbed.secure.SecureKafkaCluster) has only SASL_SSL (SCRAM-SHA-512/256), SSL with
client certificates and an mTLS controller listener, StandardAuthorizer, no ACL means denied.
"""
import pytest

from testbed.secure import SecureKafkaCluster


@pytest.fixture(scope="session")
def secure():
    cluster = SecureKafkaCluster(size=1)
    try:
        cluster.start(timeout=300)
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


