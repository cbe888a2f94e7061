"""Fixtures of the AWX area.

The credential types are tested against the same real servers as the modules, the session
fixtures of tests/integration/conftest.py: the secured broker, the Schema Registry, n8n and the
Confluent Cloud contract fake (one of each per session, shared with the other areas).
"""
import pytest

from awx_injectors import module_env_names
from testbed.schema_registry import TEST_PASSWORD, TEST_USER


@pytest.fixture
def registry_login():
    """(user, password) of the registry's HTTP basic authentication."""
    return TEST_USER, TEST_PASSWORD


@pytest.fixture(autouse=True)
def only_injected_environment(monkeypatch):
    """No variable a module reads may leak in from the test's own environment: a module then
    sees exactly what the credential injected."""
    for name in module_env_names():
        monkeypatch.delenv(name, raising=False)
