"""Fixtures of the security area: one secured single-node KRaft broker for the session.

The broker (testbed.secure.SecureKafkaCluster) has only SASL_SSL (SCRAM-SHA-512/256), SSL with
client certificates and an mTLS controller listener, StandardAuthorizer, no ACL means denied.
"""
import pytest

from testbed.secure import SecureKafkaCluster


def running(cluster):
    """Start ``cluster``, yield it, stop it (also when the start fails)."""
    try:
        cluster.start(timeout=300)
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def secure():
    yield from running(SecureKafkaCluster(size=1))


@pytest.fixture(scope="module")
def secure3():
    """A 3-node secured cluster, for the tests that need replication (one module uses it)."""
    yield from running(SecureKafkaCluster(size=3, heap="384m"))


