# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_user import (
    UserValidationError,
    apply_plan,
    current_from_describe,
    normalize_users,
    plan,
    state_view,
)


def params(**overrides):
    base = dict(name=None, password=None, users=None, mechanism=None, iterations=4096,
                state="present")
    base.update(overrides)
    return base


def test_single_user_defaults():
    entries = normalize_users(params(name="alice", password="pw"))
    assert entries == [dict(name="alice", mechanism="SCRAM-SHA-512", iterations=4096,
                            password="pw", state="present")]


def test_list_items_inherit_top_level():
    entries = normalize_users(params(mechanism="SCRAM-SHA-256", iterations=8192, users=[
        dict(name="a", password="x"), dict(name="b", password="y", mechanism="SCRAM-SHA-512",
                                           iterations=4096)]))
    assert [(e["mechanism"], e["iterations"]) for e in entries] == [
        ("SCRAM-SHA-256", 8192), ("SCRAM-SHA-512", 4096)]


def test_absent_without_mechanism_means_all():
    entries = normalize_users(params(users=[dict(name="a", state="absent")]))
    assert entries[0]["mechanism"] is None


@pytest.mark.parametrize("overrides, message", [
    (dict(users=[]), "at least one user"),
    (dict(name="a", users=[dict(name="b")]), "not both"),
    (dict(name="a"), "needs a password"),
    (dict(name="a", password=""), "needs a password"),
    (dict(name=" a", password="x"), "surrounding spaces"),
    (dict(users=[dict(name="a\x00", password="x")]), "control characters"),
    (dict(name="a", password="x", iterations=100), "iterations must be"),
    (dict(name="a", password="x", iterations=20000), "iterations must be"),
    (dict(name="a", password="x", mechanism="PLAIN"), "not one of"),
    (dict(users=[dict(name="a", password="x"), dict(name="a", password="y")]), "declared twice"),
    (dict(users=[dict(name="a", password="x"), dict(name="a", state="absent")]), "declared twice"),
])
def test_invalid(overrides, message):
    with pytest.raises(UserValidationError, match=message):
        normalize_users(params(**overrides))


class FakeMechanism(object):
    def __init__(self, name):
        self.name = name


def test_current_from_describe_skips_missing():
    described = {
        "alice": dict(error=None, credential_infos=[
            dict(mechanism=FakeMechanism("SCRAM_SHA_512"), iterations=4096)]),
        "ghost": dict(error="Attempt to describe a user credential that does not exist",
                      credential_infos=[]),
    }
    assert current_from_describe(described) == {"alice": {"SCRAM-SHA-512": 4096}}


def entry(name="alice", mechanism="SCRAM-SHA-512", iterations=4096, state="present"):
    return dict(name=name, mechanism=mechanism, iterations=iterations, password="pw",
                state=state)


@pytest.mark.parametrize("current, update, drifted, upserted, reason", [
    ({}, "on_create", None, True, "created"),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "on_create", None, False, None),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "always", None, True, "password set"),
    ({"alice": {"SCRAM-SHA-512": 8192}}, "on_create", None, True, "iterations 8192 -> 4096"),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "always", set(), False, None),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "always", set([("alice", "SCRAM-SHA-512")]), True,
     "password changed"),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "on_create", set([("alice", "SCRAM-SHA-512")]), False,
     None),
    ({"alice": {"SCRAM-SHA-256": 4096}}, "on_create", None, True, "created"),
])
def test_plan_present(current, update, drifted, upserted, reason):
    upserts, deletions, reasons = plan([entry()], current, update, drifted)
    assert bool(upserts) is upserted and deletions == []
    if reason:
        assert reasons["alice/SCRAM-SHA-512"].startswith(reason)
    else:
        assert reasons == {}


def test_plan_absent_all_mechanisms_and_missing():
    current = {"alice": {"SCRAM-SHA-512": 4096, "SCRAM-SHA-256": 4096}}
    deletions = plan([entry(mechanism=None, state="absent"),
                     entry(name="ghost", state="absent")], current)[1]
    assert deletions == [("alice", "SCRAM-SHA-256"), ("alice", "SCRAM-SHA-512")]
    after = apply_plan(current, [], deletions)
    assert after == {}


def test_state_view_has_no_password():
    after = apply_plan({}, [entry()], [])
    view = state_view(after, ["alice", "bob"])
    assert view == {"alice": {"SCRAM-SHA-512": {"iterations": 4096}}}
    assert "pw" not in repr(view)
