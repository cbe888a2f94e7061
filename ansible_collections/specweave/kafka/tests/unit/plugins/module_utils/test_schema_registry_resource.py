# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The schema_registry declaration's reads, checks and results, without the module around them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils import schema_registry_resource as res
from ansible_collections.specweave.kafka.tests.unit.plugins.modules.test_schema_registry import (
    FakeRegistry,
    avro,
)


class Recording(object):
    """Wraps a fake registry and records the name of every call."""

    def __init__(self, fake):
        self.fake = fake
        self.url = fake.url
        self.calls = []

    def __getattr__(self, name):
        method = getattr(self.fake, name)

        def call(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)
        return call


class Ctx(object):
    def __init__(self, check_mode=False):
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


def plan(subject, **item):
    item.setdefault("schema", avro("id"))
    item["subject"] = subject
    return res.SubjectPlan(item)


def test_new_subjects_known_from_the_listing_are_not_read():
    fake = FakeRegistry()
    fake.add("old", avro("id"))
    client = Recording(fake)
    plans = [plan("new"), plan("old"), plan("leveled", compatibility="FULL")]
    res.read_subjects(Ctx(), client, plans)
    assert [p.register for p in plans] == [True, False, True]
    assert [p.never_existed for p in plans] == [True, False, True]
    assert plans[1].existing["version"] == 1
    # one listing; "new" is not read at all; "leveled" is read because its level is managed
    assert client.calls.count("subjects") == 1
    assert client.calls.count("lookup_subject") == 2
    assert client.calls.count("subject_compatibility") == 1


def test_a_long_listing_is_not_trusted(monkeypatch):
    monkeypatch.setattr(res, "SUBJECT_LIST_TRUSTED_BELOW", 1)
    fake = FakeRegistry()
    fake.add("old", avro("id"))
    client = Recording(fake)
    plans = [plan("new")]
    res.read_subjects(Ctx(), client, plans)
    assert plans[0].register and plans[0].never_existed
    assert client.calls == ["subjects", "lookup_subject", "versions"]


def test_apicurio_none_warns_and_follows_the_global_level():
    fake = FakeRegistry(global_level="BACKWARD", url="http://h:8080/apis/ccompat/v7")
    fake.add("s", avro("id"))
    ctx = Ctx()
    plans = [plan("s", compatibility="NONE")]
    res.read_subjects(ctx, Recording(fake), plans)
    assert "cannot store compatibility NONE" in ctx.warnings[0] and "(BACKWARD)" in ctx.warnings[0]
    assert plans[0].compat_action is None  # no subject rule is "following the global level"


def test_absent_subject_plans_its_deletes():
    fake = FakeRegistry()
    fake.add("s", avro("id"))
    fake.add("soft", avro("id"))
    fake.delete_subject("soft")
    plans = [plan("s", state="absent", permanent=True), plan("soft", state="absent", permanent=True),
             plan("none", state="absent")]
    res.read_subjects(Ctx(), fake, plans)
    assert [p.deletes for p in plans] == [["soft", "permanent"], ["permanent"], []]
    assert plans[0].deleted_versions == [1] and plans[0].latest["version"] == 1


def test_check_compatible_names_the_level_in_force():
    fake = FakeRegistry(global_level="FORWARD")
    fake.add("s", avro("id", "x"))
    plans = [plan("s")]
    res.read_subjects(Ctx(), fake, plans)
    problems = res.check_compatible(Ctx(), fake, plans)
    assert problems == ["subject s: the new schema is not compatible with the latest version under "
                        "compatibility FORWARD (global default): field x is missing. Nothing was registered."]
    plans[0].register = False
    assert res.check_compatible(Ctx(), fake, plans) == []


@pytest.mark.parametrize("check_mode, checked", [(True, True), (False, False)])
def test_a_level_change_defers_the_check_outside_check_mode(check_mode, checked):
    fake = FakeRegistry()
    fake.add("s", avro("id", "x"), level="NONE")
    client = Recording(fake)
    plans = [plan("s", compatibility="FULL")]
    res.read_subjects(Ctx(), client, plans)
    ctx = Ctx(check_mode)
    assert res.check_compatible(ctx, client, plans) == []
    assert ("check_compatibility" in client.calls) is checked
    assert bool(ctx.warnings) is check_mode


def test_outcome_results_and_diff():
    fake = FakeRegistry()
    fake.add("a", avro("id"), level="FULL")
    task = res.Task([plan("a", schema=avro("id", "y"), compatibility="GLOBAL"), plan("b")],
                    global_compatibility="NONE", single=True)
    task.global_before = "BACKWARD"
    res.read_subjects(Ctx(), fake, task.subjects)
    changed, result, diff = res.outcome(task)
    assert changed is True
    assert result["subjects"][0] == {"subject": "a", "changed": True, "action": "registered",
                                     "version": None, "id": None, "schema_type": "AVRO",
                                     "compatibility": None}
    assert (result["subject"], result["version"], result["compatibility"]) == ("a", None, None)
    assert result["global_compatibility"] == "NONE"
    assert diff["before"]["global_compatibility"] == "BACKWARD"
    assert diff["before"]["a"]["compatibility"] == "FULL" and diff["after"]["a"]["compatibility"] is None
    assert diff["before"]["a"]["latest"]["version"] == 1
    assert "latest" not in diff["before"]["b"] and diff["after"]["b"]["latest"]["schema_type"] == "AVRO"


def test_nothing_to_do():
    fake = FakeRegistry()
    fake.add("a", avro("id"))
    task = res.Task([plan("a")], global_compatibility="BACKWARD")
    task.global_before = "BACKWARD"
    res.read_subjects(Ctx(), fake, task.subjects)
    changed, result, diff = res.outcome(task)
    assert changed is False and result["subjects"][0]["action"] == "unchanged"
    assert diff == {"before": {}, "after": {}} and "subject" not in result


def test_apply_subject_asks_the_version_only_for_existing_subjects():
    fake = FakeRegistry()
    fake.add("old", avro("id"))
    client = Recording(fake)
    plans = [plan("new"), plan("old", schema=avro("id", "z"))]
    res.read_subjects(Ctx(), client, plans)
    client.calls = []
    for item in plans:
        res.apply_subject(client, item)
    assert client.calls == ["register", "register", "lookup"]
    assert (plans[0].existing["version"], plans[1].existing["version"]) == (1, 2)
