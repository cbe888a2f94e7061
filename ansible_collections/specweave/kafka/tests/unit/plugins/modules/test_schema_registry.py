# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entry point of ``schema_registry``: ``main()`` against an in-memory registry at the
``SchemaRegistryConnection.open`` seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic

from ansible_collections.specweave.kafka.plugins.module_utils.schema_registry import (
    SchemaRegistryConnection,
    SchemaRegistryError,
)
from ansible_collections.specweave.kafka.plugins.modules.schema_registry import main

URL = "http://sr.test:8081"


def avro(*fields):
    return {"type": "record", "name": "Order", "fields": [{"name": f, "type": "string"} for f in fields]}


def text(schema):
    return json.dumps(schema, separators=(",", ":"))


class FakeRegistry(object):
    """The registry's API as ``SchemaRegistryClient`` offers it, in memory.

    A schema is incompatible with a subject that has versions when it lacks a field of the
    latest version, unless the subject's level (or the global one) is NONE. Every write is
    recorded in ``writes``.
    """

    def __init__(self, global_level="BACKWARD", url=URL):
        self.url = url
        self.global_level = global_level
        self.store = {}      # subject -> [version info]
        self.soft = {}       # subject -> soft-deleted [version info]
        self.levels = {}
        self.writes = []
        self.fail_register = {}
        self.next_id = 100

    def add(self, subject, schema, level=None):
        self.next_id += 1
        versions = self.store.setdefault(subject, [])
        versions.append({"subject": subject, "version": len(versions) + 1, "id": self.next_id,
                         "schema": text(schema), "schemaType": "AVRO"})
        if level:
            self.levels[subject] = level

    # reads
    def global_compatibility(self):
        return self.global_level

    def subjects(self, deleted=False):
        names = set(self.store) | (set(self.soft) if deleted else set())
        return sorted(names)

    def versions(self, subject, deleted=False):
        found = list(self.store.get(subject, []))
        if deleted:
            found += self.soft.get(subject, [])
        return sorted(v["version"] for v in found)

    def version(self, subject, version="latest"):
        versions = self.store.get(subject) or self.soft[subject]
        return versions[-1] if version == "latest" else [v for v in versions if v["version"] == version][0]

    def latest_version(self, subject):
        return self.store[subject][-1] if self.store.get(subject) else None

    def lookup_subject(self, subject, payload, normalize=False):
        versions = self.store.get(subject) or []
        for info in versions:
            if json.loads(info["schema"]) == json.loads(payload["schema"]):
                return info, True
        return None, bool(versions)

    def lookup(self, subject, payload, normalize=False):
        return self.lookup_subject(subject, payload, normalize)[0]

    def subject_compatibility(self, subject):
        return self.levels.get(subject)

    def check_compatibility(self, subject, payload, normalize=False):
        latest = self.latest_version(subject)
        level = self.levels.get(subject) or self.global_level
        if latest is None or level == "NONE":
            return True, []
        old = set(f["name"] for f in json.loads(latest["schema"])["fields"])
        new = set(f["name"] for f in json.loads(payload["schema"])["fields"])
        missing = sorted(old - new)
        return not missing, ["field %s is missing" % f for f in missing]

    # writes
    def register(self, subject, payload, normalize=False):
        self.writes.append(("register", subject))
        if subject in self.fail_register:
            raise self.fail_register[subject]
        self.add(subject, json.loads(payload["schema"]))
        return {"id": self.next_id}

    def set_global_compatibility(self, level):
        self.writes.append(("set_global", level))
        self.global_level = level

    def set_subject_compatibility(self, subject, level):
        self.writes.append(("set_level", subject, level))
        self.levels[subject] = level

    def delete_subject_compatibility(self, subject):
        self.writes.append(("unset_level", subject))
        self.levels.pop(subject, None)

    def delete_subject(self, subject, permanent=False):
        self.writes.append(("delete", subject, permanent))
        if permanent:
            self.soft.pop(subject, None)
        else:
            self.soft[subject] = self.store.pop(subject)


@pytest.fixture
def registry(monkeypatch):
    fake = FakeRegistry()
    monkeypatch.setattr(SchemaRegistryConnection, "open", lambda self, ctx=None: fake)
    return fake


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, message: seen.append(message))
    return seen


def args(**extra):
    return dict(extra, url=URL)


def test_registers_a_new_subject(run_main, registry):
    result, failed = run_main(main, args(subject="orders-value", schema=avro("id")))
    assert not failed, result
    assert result["changed"] is True
    assert (result["subject"], result["version"], result["id"], result["schema_type"]) == \
        ("orders-value", 1, 101, "AVRO")
    assert result["subjects"] == [{"subject": "orders-value", "changed": True, "action": "registered",
                                   "version": 1, "id": 101, "schema_type": "AVRO"}]
    assert registry.writes == [("register", "orders-value")]
    assert json.loads(registry.store["orders-value"][0]["schema"]) == avro("id")
    assert "diff" not in result


def test_same_schema_again_changes_nothing(run_main, registry):
    registry.add("orders-value", avro("id"))
    result, failed = run_main(main, args(subject="orders-value", schema=text(avro("id"))), diff=True)
    assert not failed and result["changed"] is False
    assert result["subjects"][0]["action"] == "unchanged" and result["version"] == 1
    assert result["diff"] == {"before": {}, "after": {}}
    assert registry.writes == []


def test_check_mode_predicts_the_real_run(run_main, registry):
    registry.add("orders-value", avro("id"))
    task = args(subjects=[{"subject": "orders-value", "schema": avro("id", "note")},
                          {"subject": "new-value", "schema": avro("x")},
                          {"subject": "same-value", "schema": avro("y")}])
    registry.add("same-value", avro("y"))
    check, failed = run_main(main, task, check_mode=True)
    assert not failed and registry.writes == []
    assert [len(registry.store[s]) for s in ("orders-value", "same-value")] == [1, 1]
    real, failed = run_main(main, task)
    assert not failed
    assert registry.writes == [("register", "orders-value"), ("register", "new-value")]

    def shape(result):
        return result["changed"], [(s["subject"], s["action"], s["changed"]) for s in result["subjects"]]
    assert shape(check) == shape(real) == (True, [("orders-value", "registered", True),
                                                  ("new-value", "registered", True),
                                                  ("same-value", "unchanged", False)])
    assert [s["version"] for s in check["subjects"]] == [None, None, 1]
    assert [s["version"] for s in real["subjects"]] == [2, 1, 1]
    again, failed = run_main(main, task)
    assert not failed and again["changed"] is False and len(registry.writes) == 2


def test_diff_shows_the_latest_version_and_the_level(run_main, registry):
    registry.add("orders-value", avro("id"), level="BACKWARD")
    result, failed = run_main(main, args(subject="orders-value", schema=avro("id", "note"),
                                         compatibility="FULL"), diff=True)
    assert not failed
    before, after = result["diff"]["before"]["orders-value"], result["diff"]["after"]["orders-value"]
    assert before["compatibility"] == "BACKWARD" and after["compatibility"] == "FULL"
    assert before["latest"]["version"] == 1 and json.loads(before["latest"]["schema"]) == avro("id")
    assert after["latest"]["version"] == 2 and json.loads(after["latest"]["schema"]) == avro("id", "note")
    assert result["compatibility"] == "FULL"
    assert registry.writes == [("set_level", "orders-value", "FULL"), ("register", "orders-value")]


@pytest.mark.parametrize("check_mode", [True, False])
def test_incompatible_schema_refused_with_nothing_changed(run_main, registry, check_mode):
    registry.add("orders-value", avro("id", "note"))
    registry.add("other-value", avro("a"))
    result, failed = run_main(main, args(subjects=[{"subject": "other-value", "schema": avro("a", "b")},
                                                   {"subject": "orders-value", "schema": avro("id")}]),
                              check_mode=check_mode)
    assert failed
    assert result["msg"] == ("subject orders-value: the new schema is not compatible with the latest "
                             "version under compatibility BACKWARD (global default): field note is "
                             "missing. Nothing was registered.")
    assert result["subjects"] == ["other-value", "orders-value"]
    assert registry.writes == []


def test_levels_put_back_when_the_new_level_refuses_the_schema(run_main, registry):
    registry.add("orders-value", avro("id", "note"), level="NONE")
    task = args(subject="orders-value", schema=avro("id"), compatibility="FULL")
    check, failed = run_main(main, task, check_mode=True)
    assert not failed and check["changed"] is True  # checked under the level in force (NONE)
    result, failed = run_main(main, task)
    assert failed
    assert result["msg"].startswith("subject orders-value: the new schema is not compatible with the "
                                    "latest version under compatibility FULL: field note is missing.")
    assert result["msg"].endswith("Nothing was registered. The compatibility levels were put back.")
    assert result["subjects"] == ["orders-value"]
    assert registry.writes == [("set_level", "orders-value", "FULL"), ("set_level", "orders-value", "NONE")]
    assert registry.levels["orders-value"] == "NONE" and len(registry.store["orders-value"]) == 1


def test_check_mode_warns_that_the_level_changes_too(run_main, registry, warnings):
    registry.add("orders-value", avro("id"), level="NONE")
    result, failed = run_main(main, args(subject="orders-value", schema=avro("id", "x"),
                                         compatibility="FULL"), check_mode=True)
    assert not failed and result["changed"] is True and result["compatibility"] == "FULL"
    assert warnings == ["subject orders-value: compatibility was checked under the current level NONE; "
                        "the task also changes it to FULL"]


def test_failed_registration_names_the_subject_and_what_was_applied(run_main, registry):
    registry.fail_register["b-value"] = SchemaRegistryError(
        "Schema Registry rejected the request as invalid (HTTP 422, error code 42201) for POST x: bad",
        status=422, error_code=42201)
    result, failed = run_main(main, args(subjects=[{"subject": "a-value", "schema": avro("a")},
                                                   {"subject": "b-value", "schema": avro("b")},
                                                   {"subject": "c-value", "schema": avro("c")}]))
    assert failed
    assert result["msg"].startswith("subject b-value: Schema Registry rejected the request as invalid")
    assert (result["status"], result["error_code"], result["applied_subjects"]) == (422, 42201, ["a-value"])
    assert registry.writes == [("register", "a-value"), ("register", "b-value")]
    assert "subjects" not in result


def test_global_level_and_deletion(run_main, registry):
    registry.add("old-value", avro("a"))
    task = args(global_compatibility="FULL", subjects=[{"subject": "old-value", "state": "absent"},
                                                       {"subject": "gone-value", "state": "absent"}])
    result, failed = run_main(main, task, diff=True)
    assert not failed and result["changed"] is True
    assert result["global_compatibility"] == "FULL"
    assert result["diff"]["before"]["global_compatibility"] == "BACKWARD"
    assert [(s["action"], s.get("deleted_versions")) for s in result["subjects"]] == \
        [("deleted", [1]), ("absent", [])]
    assert registry.writes == [("set_global", "FULL"), ("delete", "old-value", False)]
    again, failed = run_main(main, task)
    assert not failed and again["changed"] is False


def test_registry_error_keeps_status_and_code(run_main, registry, monkeypatch):
    def refuse():
        raise SchemaRegistryError("Schema Registry rejected the credentials (HTTP 401) for GET /config: no",
                                  status=401, error_code=40101)
    monkeypatch.setattr(registry, "global_compatibility", refuse)
    result, failed = run_main(main, args(global_compatibility="FULL"))
    assert failed and result["msg"].startswith("Schema Registry rejected the credentials (HTTP 401)")
    assert (result["status"], result["error_code"]) == (401, 40101)


@pytest.mark.parametrize("task, needle", [
    (dict(subjects=[{"subject": "a", "bogus": 1}]), "Invalid subjects, nothing was changed"),
    (dict(subject="a", schema="{oops"), "not valid JSON"),
    (dict(subjects=[{"subject": "a", "schema": "1"}, {"subject": "a", "schema": "2"}]), "more than once: a"),
])
def test_invalid_input_touches_nothing(run_main, monkeypatch, task, needle):
    def never(self, ctx=None):
        raise AssertionError("the registry was contacted")
    monkeypatch.setattr(SchemaRegistryConnection, "open", never)
    result, failed = run_main(main, args(**task))
    assert failed and needle in result["msg"]
