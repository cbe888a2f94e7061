"""Fixtures of the security area: a secured 3-node cluster (the single-node one, ``secure``, is
tests/integration/conftest.py's, shared by every area of the session).

The broker (testbed.secure.SecureKafkaCluster) has only SASL_SSL (SCRAM-SHA-512/256), SSL with
client certificates and an mTLS controller listener, StandardAuthorizer, no ACL means denied.
"""
import pytest

from testbed.kafka import TEST_JVM_ARGS
from testbed.secure import SecureKafkaCluster, running


@pytest.fixture(scope="module")
def secure3():
    """A 3-node secured cluster, for the tests that need replication (one module uses it)."""
    yield from running(SecureKafkaCluster(size=3, heap="384m", jvm_args=TEST_JVM_ARGS))


