"""Fixtures of the AWX area: the servers of the other areas, through their own fixtures.

The credential types are tested against the same real servers as the modules: the secured
broker of the security area, the Schema Registry of the schema_registry area, the n8n of the n8n
area and the Confluent Cloud contract fake. Their fixtures are imported from those areas'
conftest files (one definition each, not copies); in a run of this area alone, each server
starts once for the session.
"""
import importlib.util
import os

import pytest

from awx_injectors import module_env_names

_AREAS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _area_fixtures(area):
    path = os.path.join(_AREAS, area, "conftest.py")
    spec = importlib.util.spec_from_file_location("_awx_uses_%s_fixtures" % area, path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


_SCHEMA_REGISTRY = _area_fixtures("schema_registry")
secure = _area_fixtures("security").secure
registry = _SCHEMA_REGISTRY.registry
n8n = _area_fixtures("n8n").n8n
cc_fake = _area_fixtures("confluent_cloud").cc_fake


@pytest.fixture
def registry_login():
    """(user, password) of the registry's HTTP basic authentication."""
    return _SCHEMA_REGISTRY.USER, _SCHEMA_REGISTRY.PASSWORD


@pytest.fixture(autouse=True)
def only_injected_environment(monkeypatch):
    """No variable a module reads may leak in from the test's own environment: a module then
    sees exactly what the credential injected."""
    for name in module_env_names():
        monkeypatch.delenv(name, raising=False)
