"""Fixtures for the Schema Registry tests: a real Apicurio Registry backed by the real broker.

One registry per session (kafkasql storage on the session's ``kafka`` broker), with HTTP basic
authentication on so that wrong credentials get a real 401.
"""
import os

import ansible_collections
import pytest

from testbed.ansible import run_module
from testbed.kafka import REPO
from testbed.schema_registry import TEST_PASSWORD, TEST_USER

# testbed.ansible uses the ``json`` stdout callback, which ansible-core 2.19 ships in
# ansible.posix: keep the collections of the installed ``ansible`` package on the path too.
_SITE_COLLECTIONS = [os.path.dirname(p) for p in ansible_collections.__path__
                     if os.path.isdir(os.path.join(p, "ansible", "posix"))]
COLLECTIONS_PATH = os.pathsep.join([REPO] + _SITE_COLLECTIONS)

USER, PASSWORD = TEST_USER, TEST_PASSWORD


@pytest.fixture
def sr(registry):
    """``sr("schema_registry", {...}, check=..)`` runs a module with the registry's connection."""
    def run(name, args, check=False, diff=True, env=None, auth=True):
        merged = {"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH}
        merged.update(env or {})
        full = {"url": registry.url}
        if auth:
            full.update(username=USER, password=PASSWORD)
        full.update(args)
        return run_module(name, full, check=check, diff=diff, env=merged)
    return run
