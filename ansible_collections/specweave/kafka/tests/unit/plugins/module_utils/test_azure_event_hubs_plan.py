# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure planners of the event_hubs modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils import azure_event_hubs_plan as p

STANDARD = dict(name="ns", sku="Standard", cluster_id=None)
PREMIUM = dict(name="ns", sku="Premium", cluster_id=None)


def hubs(*items, **params):
    params["hubs"] = list(items)
    return p.desired_hubs(params)


def view(name, partitions=4, retention=24, policy="Delete", groups=("$Default",)):
    return dict(name=name, partitions=partitions, retention_hours=retention,
                cleanup_policy=policy, tombstone_retention_hours=None, user_metadata=None,
                capture=None, consumer_groups=[dict(name=g, user_metadata=None) for g in groups])


def test_topic_model_maps_onto_event_hubs():
    (orders, log) = hubs(
        dict(name="orders", partitions=6, replication_factor=3,
             config={"retention.ms": 3 * 24 * 3600000}, consumer_groups=["a", dict(name="b")]),
        dict(name="log", config={"cleanup.policy": "compact", "delete.retention.ms": 7200000}))
    assert (orders["partitions"], orders["retention_hours"], orders["replication_factor"]) == (
        6, 72, 3)
    assert [g["name"] for g in orders["consumer_groups"]] == ["a", "b"]
    assert (log["cleanup_policy"], log["tombstone_retention_hours"]) == ("Compact", 2)
    assert p.hub_body(p.predicted_hub(orders, STANDARD)) == dict(
        partition_count=6, retention_description=dict(cleanup_policy="Delete",
                                                      retention_time_in_hours=72))
    assert p.hub_body(p.predicted_hub(log, STANDARD))["retention_description"] == dict(
        cleanup_policy="Compact", tombstone_retention_time_in_hours=2)


@pytest.mark.parametrize("item,message", [
    (dict(name="t", config={"min.insync.replicas": 2}),
     "no setting for topic config(s) min.insync.replicas"),
    (dict(name="t", config={"retention.ms": 5000}), "whole hours"),
    (dict(name="t", config={"retention.ms": -1}), "no infinite retention"),
    (dict(name="t", config={"cleanup.policy": "compact,delete"}), "delete or compact, not both"),
    (dict(name="t", config={"cleanup.policy": "compact", "retention.ms": 3600000}),
     "does not apply to a compacted"),
    (dict(name="bad name!"), "name must be"),
    (dict(name="t", partitions=0), "partitions must be"),
    (dict(name="t", capture=dict(enabled=True)), "capture needs storage_account_id"),
    (dict(name="t", colour="red"), "unknown key(s) colour"),
])
def test_what_event_hubs_cannot_express_is_refused(item, message):
    with pytest.raises(ValueError) as info:
        hubs(item)
    assert any(message in problem for problem in info.value.args[0]), info.value.args[0]


def test_duplicate_names_are_case_insensitive():
    with pytest.raises(ValueError, match="declared twice"):
        hubs(dict(name="Orders"), dict(name="orders"))


def test_plan_creates_updates_and_groups():
    desired = hubs(dict(name="orders", partitions=4, config={"retention.ms": 7200000},
                        consumer_groups=["billing"]),
                   dict(name="new", consumer_groups=["x"]))
    current = {"orders": view("orders", groups=("$Default", "old"))}
    actions, refusals = p.plan_hubs(desired, current, STANDARD)
    assert refusals == []
    assert [p.action_line(a) for a in actions] == [
        "update orders (retention_hours)", "create_group orders/billing", "create new",
        "create_group new/x"]
    after = p.hubs_after(current, actions)
    assert after["orders"]["retention_hours"] == 2
    assert [g["name"] for g in after["orders"]["consumer_groups"]] == [
        "$Default", "billing", "old"]
    assert [g["name"] for g in after["new"]["consumer_groups"]] == ["$Default", "x"]


def test_exclusive_groups_keep_default():
    desired = hubs(dict(name="orders", consumer_groups=["billing"]))
    current = {"orders": view("orders", groups=("$Default", "billing", "old"))}
    actions = p.plan_hubs(desired, current, STANDARD, delete_undeclared_groups=True)[0]
    assert [p.action_line(a) for a in actions] == ["delete_group orders/old"]
    # hubs that list no consumer groups keep theirs
    desired = hubs(dict(name="orders"))
    assert p.plan_hubs(desired, current, STANDARD, delete_undeclared_groups=True) == ([], [])


def test_exclusive_mode_scope():
    desired = hubs(dict(name="app-a"))
    current = {"app-a": view("app-a"), "app-b": view("app-b"), "other": view("other")}
    actions = p.plan_hubs(desired, current, STANDARD, delete_undeclared=True,
                          scope=dict(prefix="app-"))[0]
    assert [p.action_line(a) for a in actions] == ["delete app-b"]
    actions = p.plan_hubs(desired, current, STANDARD, delete_undeclared=True)[0]
    assert [p.action_line(a) for a in actions] == ["delete app-b", "delete other"]


@pytest.mark.parametrize("item,namespace,message", [
    (dict(name="orders", partitions=2), STANDARD, "cannot decrease from 4 to 2"),
    (dict(name="orders", partitions=2), PREMIUM, "cannot decrease from 4 to 2"),
    (dict(name="orders", partitions=8), STANDARD, "only Premium and Dedicated"),
    (dict(name="orders", partitions=40), PREMIUM, None),
    (dict(name="orders", partitions=200), PREMIUM, "exceed the Premium tier's limit of 100"),
    (dict(name="orders", retention_hours=200), STANDARD, "limit of 168 hours"),
    (dict(name="orders", config={"cleanup.policy": "compact"}), STANDARD,
     "cleanup.policy cannot change from delete to compact"),
    (dict(name="fresh", config={"cleanup.policy": "compact"}), dict(STANDARD, sku="Basic"),
     "compacted event hubs need the Standard tier"),
])
def test_refusals(item, namespace, message):
    current = {"orders": view("orders")}
    refusals = p.plan_hubs(hubs(item), current, namespace)[1]
    if message is None:
        assert refusals == []
    else:
        assert any(message in r for r in refusals), refusals


def test_dedicated_cluster_has_its_own_limits():
    namespace = dict(STANDARD, cluster_id="/subscriptions/x/clusters/c")
    assert p.tier(namespace) == "Dedicated"
    refusals = p.plan_hubs(hubs(dict(name="orders", partitions=500)),
                           {"orders": view("orders")}, namespace)[1]
    assert refusals == []


@pytest.mark.parametrize("given,message", [
    (dict(name="ok-namespace", sku="Basic", kafka_enabled=True), "Basic tier has no Kafka"),
    (dict(name="ok-namespace", sku="Premium", capacity=3), "1, 2, 4, 8 or 16"),
    (dict(name="ok-namespace", sku="Standard", capacity=41), "1 to 40"),
    (dict(name="ok-namespace", sku="Premium", auto_inflate=True, maximum_throughput_units=4),
     "only on the Standard tier"),
    (dict(name="ok-namespace", sku="Standard", auto_inflate=True), "needs maximum_throughput"),
    (dict(name="ok-namespace", sku="Standard", maximum_throughput_units=4),
     "only with auto_inflate"),
    (dict(name="x"), "not a valid namespace name"),
    (dict(name="ends-with-sb"), "not a valid namespace name"),
])
def test_namespace_problems(given, message):
    problems = p.namespace_problems(dict(given, state="present"))
    assert any(message in problem for problem in problems), problems


def test_namespace_changes_and_refusals():
    before = p.namespace_view(dict(
        name="ns", location="West Europe", sku=dict(name="Standard", capacity=1),
        kafka_enabled=True, zone_redundant=True, tags=dict(a="1"),
        is_auto_inflate_enabled=False, maximum_throughput_units=0))
    desired = dict((f, None) for f in p.NAMESPACE_FIELDS)
    desired.update(location="westeurope", capacity=2, tags=dict(b="2"))
    changes, refusals = p.namespace_changes(before, desired)
    assert refusals == [] and changes == {"capacity": (1, 2), "tags": ({"a": "1"}, {"b": "2"})}
    changes = p.namespace_changes(before, desired, purge_tags=False)[0]
    assert changes["tags"] == ({"a": "1"}, {"a": "1", "b": "2"})
    desired.update(location="northeurope", zone_redundant=False, sku="Premium")
    refusals = p.namespace_changes(before, desired)[1]
    assert len(refusals) == 3 and any("moving between Premium" in r for r in refusals)


def test_network_rules_compare_as_sets():
    current = p.network_rules_view(dict(
        default_action="Deny", ip_rules=[dict(ip_mask="2.2.2.2"), dict(ip_mask="1.1.1.1")],
        virtual_network_rules=[dict(subnet=dict(id="/SUBS/x"))]))
    wanted = p.desired_network_rules(dict(
        default_action="Deny", ip_rules=[dict(ip_mask="1.1.1.1"), dict(ip_mask="2.2.2.2")],
        virtual_network_rules=[dict(subnet_id="/subs/x")]))
    assert not p.network_rules_changed(current, wanted)
    assert p.network_rules_changed(current, dict(wanted, default_action="Allow"))
    assert p.network_rules_changed(current, dict(wanted, ip_rules=[]))
    assert not p.network_rules_changed(current, None)


def test_kafka_settings():
    settings = p.kafka_settings(dict(name="ns",
                                     service_bus_endpoint="https://ns.servicebus.windows.net:443/"))
    assert settings["bootstrap_servers"] == "ns.servicebus.windows.net:9093"
    assert (settings["security_protocol"], settings["sasl_mechanism"],
            settings["sasl_username"]) == ("SASL_SSL", "PLAIN", "$ConnectionString")
    assert settings["oauthbearer"]["scope"] == "https://ns.servicebus.windows.net/.default"
    assert "sasl_password" not in settings
    china = p.kafka_settings(dict(name="cn", service_bus_endpoint=(
        "https://cn.servicebus.chinacloudapi.cn:443/")), connection_string="Endpoint=sb://x")
    assert china["bootstrap_servers"] == "cn.servicebus.chinacloudapi.cn:9093"
    assert china["sasl_password"] == "Endpoint=sb://x"


@pytest.mark.parametrize("rights,message", [
    (["Listen", "Send"], None),
    (["Manage", "Listen", "Send"], None),
    (["Manage"], "Manage needs Listen and Send"),
    ([], "at least one"),
    (["Read"], "unknown right(s) Read"),
])
def test_rights(rights, message):
    problems = p.rights_problems(rights)
    if message is None:
        assert problems == []
    else:
        assert any(message in problem for problem in problems)
    assert p.normal_rights(["Send", "Listen", "Send"]) == ["Listen", "Send"]
