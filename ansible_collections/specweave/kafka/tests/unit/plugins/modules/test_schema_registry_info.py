# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entry point of ``schema_registry_info``: ``main()`` against an in-memory registry at the
``SchemaRegistryConnection.open`` seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry import (
    SchemaRegistryConnection,
    SchemaRegistryError,
)
from ansible_collections.specweave.kafka.plugins.modules.schema_registry_info import main
from ansible_collections.specweave.kafka.tests.unit.plugins.modules.test_schema_registry import (
    FakeRegistry,
    avro,
)


@pytest.fixture
def registry(monkeypatch):
    fake = FakeRegistry(global_level="FULL")
    fake.add("orders-value", avro("id"), level="BACKWARD")
    fake.add("orders-value", avro("id", "note"))
    fake.add("payments-value", avro("p"))
    fake.add("legacy-value", avro("l"))
    fake.delete_subject("legacy-value")
    fake.writes = []
    monkeypatch.setattr(SchemaRegistryConnection, "open", lambda self, ctx=None: fake)
    return fake


def test_lists_matching_subjects_with_latest(run_main, registry):
    result, failed = run_main(main, {"url": "http://sr.test", "subjects": ["orders-*", "pay*"]})
    assert not failed and result["changed"] is False
    assert result["global_compatibility"] == "FULL"
    assert [s["subject"] for s in result["subjects"]] == ["orders-value", "payments-value"]
    orders = result["subjects"][0]
    assert orders["versions"] == [1, 2] and orders["compatibility"] == "BACKWARD"
    assert (orders["latest"]["version"], orders["latest"]["id"], orders["latest"]["schema_type"]) == (2, 102, "AVRO")
    assert "schemas" not in orders
    assert result["subjects"][1]["compatibility"] is None
    assert registry.writes == []


def test_all_versions_deleted_ones_and_no_compatibility(run_main, registry):
    result, failed = run_main(main, {"url": "http://sr.test", "versions": "all", "include_deleted": True,
                                     "include_compatibility": False}, check_mode=True)
    assert not failed
    assert [s["subject"] for s in result["subjects"]] == ["legacy-value", "orders-value", "payments-value"]
    orders = result["subjects"][1]
    assert [v["version"] for v in orders["schemas"]] == [1, 2] and orders["latest"] == orders["schemas"][-1]
    assert all("compatibility" not in s for s in result["subjects"])


def test_version_numbers_only(run_main, registry):
    result, failed = run_main(main, {"url": "http://sr.test", "versions": "none"})
    assert not failed
    assert [(s["subject"], s["versions"], "latest" in s) for s in result["subjects"]] == \
        [("orders-value", [1, 2], False), ("payments-value", [1], False)]


def test_error_keeps_status_and_code(run_main, registry, monkeypatch):
    def refuse(deleted=False):
        raise SchemaRegistryError("Schema Registry denied access (HTTP 403) for GET /subjects: no",
                                  status=403, error_code=40301)
    monkeypatch.setattr(registry, "subjects", refuse)
    result, failed = run_main(main, {"url": "http://sr.test"})
    assert failed and result["msg"].startswith("Schema Registry denied access (HTTP 403)")
    assert (result["status"], result["error_code"]) == (403, 40301)
