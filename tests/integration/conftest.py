"""Shared fixtures for the integration tests: the real servers and the Ansible runner.

The servers are session fixtures defined here, once, so that every area of one pytest session
(make test runs two, one per lane) shares one of each: the Kafka brokers, the secured broker, the
Schema Registry, n8n and the Confluent Cloud contract fake. Each area keeps its other fixtures in
tests/integration/<area>/conftest.py.
"""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from testbed.ansible import run_module, run_playbook  # noqa: E402
from testbed.kafka import TEST_JVM_ARGS, KafkaCluster  # noqa: E402
from testbed.n8n import N8nServer  # noqa: E402
from testbed.schema_registry import TEST_PASSWORD, TEST_USER, SchemaRegistry  # noqa: E402
from testbed.secure import SecureKafkaCluster, running  # noqa: E402
from testbed.strict_run import check_session  # noqa: E402


def pytest_sessionfinish(session, exitstatus):
    check_session(session)


# Session brokers that only some areas use are stopped once the last test that needs them is done,
# not at the end of the session: an idle KRaft node costs about 0.03 cores (measured), and the
# 3-node cluster of the first areas would otherwise idle through the rest of a 25-minute lane.
# Only fixtures that tests request by name (no getfixturevalue) may be listed here.
EARLY_STOP = ("kafka3", "secure")
_last_user = {}  # fixture name -> node id of the last collected test that needs it
_stops = {}  # fixture name -> stop() of its running server


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    for item in items:
        for name in EARLY_STOP:
            if name in getattr(item, "fixturenames", ()):
                _last_user[name] = item.nodeid


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    # trylast: after pytest's own teardown of the test's module and class fixtures
    for name, nodeid in list(_last_user.items()):
        if nodeid == item.nodeid and name in _stops:
            _stops.pop(name)()


def _stopped_early(name, server):
    """Register ``server`` (a started test-bed cluster) to be stopped after its last user."""
    _stops[name] = server.stop
    return server


@pytest.fixture(scope="session")
def kafka():
    """A single-node KRaft broker on 127.0.0.1 for the whole session."""
    cluster = KafkaCluster(size=1, jvm_args=TEST_JVM_ARGS).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def kafka3():
    """A 3-node KRaft cluster (combined broker+controller, racks rack-0..2) on 127.0.0.1."""
    cluster = KafkaCluster(size=3, racks=True, jvm_args=TEST_JVM_ARGS).start(timeout=240)
    yield _stopped_early("kafka3", cluster)
    cluster.stop()


@pytest.fixture
def module():
    """``module("kafka_topic", {...}, check=..., diff=...)`` -> result dict."""
    return run_module


@pytest.fixture
def playbook():
    return run_playbook


@pytest.fixture(scope="session")
def secure():
    """One secured single-node broker (testbed.secure.SecureKafkaCluster): SASL_SSL with
    SCRAM-SHA-512/256, SSL with client certificates, an mTLS controller listener, the
    StandardAuthorizer (no ACL means denied)."""
    for cluster in running(SecureKafkaCluster(size=1, jvm_args=TEST_JVM_ARGS)):
        yield _stopped_early("secure", cluster)


@pytest.fixture(scope="session")
def registry(kafka):
    """A real Apicurio Registry (Confluent-compatible API) backed by the session's ``kafka``
    broker, with HTTP basic authentication (TEST_USER / TEST_PASSWORD) so that wrong credentials
    get a real 401."""
    reg = SchemaRegistry(kafka_bootstrap=kafka.bootstrap_servers,
                         users={TEST_USER: TEST_PASSWORD}).start()
    yield reg
    reg.stop()


@pytest.fixture(scope="session")
def n8n():
    """One n8n for the session. SPECWEAVE_N8N_ATTACH=<json file with url, key, pid> reuses a
    running one instead (for quick local iterations)."""
    attach = os.environ.get("SPECWEAVE_N8N_ATTACH")
    if attach:
        with open(attach) as handle:
            state = json.load(handle)
        yield N8nServer.attach(state["url"], state["key"], state["pid"])
        return
    server = N8nServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cc_fake():
    """The Confluent Cloud control plane's fake, validating every request and response against
    the official OpenAPI specs (../shared/reference/confluent-cloud-openapi/); when they (or
    openapi-core) are missing it errors out with the reason instead of skipping."""
    try:
        import openapi_core  # noqa: F401
    except ImportError as exc:  # pragma: no cover - environment problem, reported loudly
        raise RuntimeError("openapi-core is needed for the Confluent Cloud contract tests; run "
                           "make setup (requirements-dev.txt): %s" % exc)
    from testbed.confluent_cloud_fake import ConfluentCloudFake
    fake = ConfluentCloudFake(page_size_cap=2, provisioning_polls=2).start()
    # load the specs once, up front, so a missing or broken spec fails here clearly
    for key in ("cmk", "org", "iam", "apikeys"):
        fake.validator.spec(key)
    yield fake
    fake.stop()
