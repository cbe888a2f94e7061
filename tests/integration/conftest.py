"""Shared fixtures for the integration tests: real Kafka brokers and the Ansible runner.

Each area keeps its own fixtures in tests/integration/<area>/conftest.py.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from testbed.ansible import run_module, run_playbook  # noqa: E402
from testbed.kafka import KafkaCluster  # noqa: E402
from testbed.strict_run import check_session  # noqa: E402


def pytest_sessionfinish(session, exitstatus):
    check_session(session)


@pytest.fixture(scope="session")
def kafka():
    """A single-node KRaft broker on 127.0.0.1 for the whole session."""
    cluster = KafkaCluster(size=1).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def kafka3():
    """A 3-node KRaft cluster (combined broker+controller, racks rack-0..2) on 127.0.0.1."""
    cluster = KafkaCluster(size=3, racks=True).start(timeout=240)
    yield cluster
    cluster.stop()


@pytest.fixture
def module():
    """``module("kafka_topic", {...}, check=..., diff=...)`` -> result dict."""
    return run_module


@pytest.fixture
def playbook():
    return run_playbook
