# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.batch_options import (
    ItemSpec,
    check_items,
)

SPEC = dict(
    name=dict(type="str", required=True),
    count=dict(type="int"),
    enabled=dict(type="bool"),
    config=dict(type="dict"),
    kind=dict(type="str", default="literal", choices=["literal", "prefixed"]),
    operations=dict(type="list", elements="str", required=True),
    anything=dict(type="raw"),
    path=dict(type="path"),
)


def test_valid_items_are_converted_and_completed_without_touching_the_input():
    given = [dict(name="a", count="3", enabled="yes", operations="read,write"),
             dict(name=7, operations=["read"], kind="prefixed", config={"k": 1}, anything=[1])]
    original = [dict(item) for item in given]
    checked, problems = check_items(given, SPEC, "items")
    assert problems == []
    assert checked == [
        dict(name="a", count=3, enabled=True, operations=["read", "write"], kind="literal"),
        dict(name="7", operations=["read"], kind="prefixed", config={"k": 1}, anything=[1])]
    assert given == original


def test_explicit_none_stays_none_and_gets_no_default():
    checked, problems = check_items([dict(name="a", operations=["x"], kind=None)], SPEC, "items")
    assert problems == [] and checked[0]["kind"] is None


def test_path_is_expanded(monkeypatch):
    monkeypatch.setenv("HOME", "/home/someone")
    checked, problems = check_items([dict(name="a", operations=["x"], path="~/s.avsc")], SPEC,
                                    "items")
    assert problems == [] and checked[0]["path"] == "/home/someone/s.avsc"


@pytest.mark.parametrize("item, fragment", [
    (dict(operations=["read"]), "items[0]: name is required"),
    (dict(name=None, operations=["read"]), "items[0]: name is required"),
    (dict(name="a"), "items[0]: operations is required"),
    (dict(name="a", operations=["r"], count="many"), "items[0]: count must be of type int"),
    (dict(name="a", operations=["r"], enabled="perhaps"), "enabled must be of type bool"),
    (dict(name="a", operations=["r"], kind="regex"),
     "items[0]: kind must be one of literal, prefixed, got 'regex'"),
    (dict(name="a", operations=["r"], partitons=3),
     "items[0]: unsupported key(s) partitons; supported keys: anything, config, count"),
    (dict(name="a", operations=["r"], config=["not", "a", "dict"]), "config must be of type dict"),
    ("just a string", "items[0] must be a mapping"),
])
def test_each_problem_is_named(item, fragment):
    checked, problems = check_items([item], SPEC, "items")
    assert len(problems) == 1 and fragment in problems[0], problems


def test_every_problem_of_the_batch_is_reported_with_its_index():
    items = [dict(name="ok", operations=["r"])] * 3 + [dict(name="bad", operations=["r"],
                                                            count="x"), dict(operations=["r"])]
    checked, problems = check_items(items, ItemSpec(SPEC), "acls")
    assert [p.split(":")[0] for p in problems] == ["acls[3]", "acls[4]"]
    assert len(checked) == 5


def test_empty_and_missing_lists():
    assert check_items(None, SPEC, "items") == ([], [])
    assert check_items([], SPEC, "items") == ([], [])


def test_list_choices_are_checked_per_element():
    spec = dict(ops=dict(type="list", elements="str", choices=["a", "b"]))
    assert check_items([dict(ops=["a", "b"])], spec, "x")[1] == []
    problems = check_items([dict(ops=["a", "c"])], spec, "x")[1]
    assert problems == ["x[0]: ops must be one of a, b, got 'c'"]
