# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_quota import (
    QuotaValidationError,
    apply_changes,
    compute_changes,
    entity_from_item,
    entity_label,
    entity_to_dict,
    normalize_items,
    plain_number,
    refused_by_label,
    view,
)

ALICE = (("user", "alice"),)


@pytest.mark.parametrize("item, entity", [
    (dict(user="alice"), ALICE),
    (dict(user="<default>"), (("user", None),)),
    (dict(user="alice", client_id="app"), (("client-id", "app"), ("user", "alice"))),
    (dict(user="<default>", client_id="<default>"), (("client-id", None), ("user", None))),
    (dict(client_id="app"), (("client-id", "app"),)),
    (dict(ip="10.0.0.1"), (("ip", "10.0.0.1"),)),
    (dict(ip="<default>"), (("ip", None),)),
])
def test_entities(item, entity):
    assert entity_from_item(item, "q") == entity
    assert entity_to_dict(entity) == item


@pytest.mark.parametrize("item, message", [
    (dict(), "name an entity"),
    (dict(user=""), "must be a name"),
    (dict(ip="not-an-ip"), "not an IP address"),
    (dict(ip="10.0.0.1", user="alice"), "cannot be combined"),
    (dict(user="al\tice"), "control characters"),
])
def test_bad_entities(item, message):
    with pytest.raises(QuotaValidationError, match=message):
        entity_from_item(item, "q")


@pytest.mark.parametrize("item, message", [
    (dict(user="a", quotas=dict(producer_bytes=1)), "unknown quota key 'producer_bytes'"),
    (dict(user="a", quotas=dict(connection_creation_rate=1)), "does not apply"),
    (dict(ip="<default>", quotas=dict(producer_byte_rate=1)), "does not apply"),
    (dict(user="a", quotas=dict(producer_byte_rate=-5)), "positive"),
    (dict(user="a", quotas=dict(producer_byte_rate=0)), "positive"),
    (dict(user="a", quotas=dict(producer_byte_rate=1.5)), "whole number"),
    (dict(user="a", quotas=dict(producer_byte_rate="fast")), "must be a number"),
    (dict(user="a", quotas=dict(producer_byte_rate=True)), "not a boolean"),
    (dict(user="a", quotas=dict(request_percentage=float("nan"))), "positive"),
    (dict(user="a"), "needs at least one quota"),
])
def test_bad_quotas(item, message):
    with pytest.raises(QuotaValidationError, match=message):
        normalize_items([item])


def test_duplicates_and_empty():
    with pytest.raises(QuotaValidationError, match="declared twice"):
        normalize_items([dict(user="a", quotas=dict(request_percentage=1)),
                         dict(user="a", quotas=dict(request_percentage=2))])
    with pytest.raises(QuotaValidationError, match="at least one entity"):
        normalize_items([])


def test_values_compare_as_numbers():
    items = normalize_items([dict(user="alice", quotas=dict(producer_byte_rate="1048576",
                                                            request_percentage=50))])
    current = {ALICE: {"producer_byte_rate": 1048576.0, "request_percentage": 50.0}}
    assert compute_changes(items, current) == {}


def test_set_remove_and_undeclared():
    items = normalize_items([dict(user="alice", quotas=dict(producer_byte_rate=2,
                                                            consumer_byte_rate=None))])
    current = {ALICE: {"producer_byte_rate": 1.0, "consumer_byte_rate": 5.0,
                       "request_percentage": 10.0},
               (("user", "bob"),): {"producer_byte_rate": 1.0}}
    assert compute_changes(items, current) == {ALICE: {"producer_byte_rate": 2.0,
                                                       "consumer_byte_rate": None}}
    changes = compute_changes(items, current, remove_undeclared=True)
    assert changes[ALICE]["request_percentage"] is None
    after = apply_changes(current, changes)
    assert after[ALICE] == {"producer_byte_rate": 2.0}
    assert after[(("user", "bob"),)] == {"producer_byte_rate": 1.0}


def test_absent_all_keys_or_listed_keys():
    current = {ALICE: {"producer_byte_rate": 1.0, "request_percentage": 10.0}}
    everything = normalize_items([dict(user="alice")], "absent")
    assert compute_changes(everything, current) == {ALICE: {"producer_byte_rate": None,
                                                            "request_percentage": None}}
    listed = normalize_items([dict(user="alice", quotas=dict(request_percentage=None))],
                             "absent")
    assert compute_changes(listed, current) == {ALICE: {"request_percentage": None}}
    assert apply_changes(current, compute_changes(everything, current)) == {}
    assert compute_changes(everything, {}) == {}


def test_view_and_label():
    state = {(("client-id", "app"), ("user", "alice")): {
        "producer_byte_rate": 1024.0, "request_percentage": 12.5}}
    entity = list(state)[0]
    assert entity_label(entity) == "client-id=app,user=alice"
    assert view(state, [entity]) == [dict(user="alice", client_id="app", quotas=dict(
        producer_byte_rate=1024, request_percentage=12.5))]


@pytest.mark.parametrize("value, expected", [(None, None), (1024.0, 1024), (12.5, 12.5)])
def test_plain_number(value, expected):
    assert plain_number(value) == expected
    assert type(plain_number(value)) is type(expected)


def test_refused_by_label_sorted():
    refused = {(("user", "zed"),): "late", (("client-id", None), ("user", "alice")): "bad"}
    assert refused_by_label(refused) == [("client-id=<default>,user=alice", "bad"),
                                         ("user=zed", "late")]
