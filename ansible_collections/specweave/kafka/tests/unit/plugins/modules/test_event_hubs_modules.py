# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event_hubs modules' entry points: bad input fails with a clear message before any client
is opened (the Azure client is never built). The modules against the API contract are tested in
tests/integration/event_hubs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils import azure_event_hubs
from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs import EventHubsConnection
from ansible_collections.specweave.kafka.plugins.modules import event_hub
from ansible_collections.specweave.kafka.plugins.modules import event_hubs_authorization_rule as rule
from ansible_collections.specweave.kafka.plugins.modules import event_hubs_namespace as namespace

CONNECTION = dict(auth_source="token", access_token="t", subscription_id="sub")


@pytest.fixture(autouse=True)
def no_client(monkeypatch):
    def refuse(self, ctx):
        raise AssertionError("the client must not be opened")
    monkeypatch.setattr(EventHubsConnection, "open", refuse)
    # the input checks come after the dependency check: run them whether the SDK is here or not
    monkeypatch.setattr(azure_event_hubs, "IMPORT_ERROR", None)
    monkeypatch.setattr(azure_event_hubs, "IDENTITY_IMPORT_ERROR", None)


@pytest.mark.parametrize("main,args,message", [
    (namespace.main, dict(name="x", resource_group="rg"), "not a valid namespace name"),
    (namespace.main, dict(name="orders-ehns", resource_group="rg", sku="Premium", capacity=3),
     "1, 2, 4, 8 or 16 processing units"),
    (namespace.main, dict(name="orders-ehns", resource_group="rg", sku="Basic",
                          kafka_enabled=True), "Basic tier has no Kafka endpoint"),
    (event_hub.main, dict(namespace="n", resource_group="rg", name="t",
                          config={"segment.bytes": 1}), "segment.bytes"),
    (event_hub.main, dict(namespace="n", resource_group="rg", name="t",
                          config={"retention.ms": 1000}), "whole hours"),
    (event_hub.main, dict(namespace="n", resource_group="rg"), "Give name (one event hub)"),
    (rule.main, dict(name="r", namespace="n", resource_group="rg", rights=["Manage"]),
     "Manage needs Listen and Send"),
    (rule.main, dict(name="r", namespace="n", resource_group="rg"), "rights is required"),
    (namespace.main, dict(name="orders-ehns", resource_group="rg", polling_interval=-1),
     "polling_interval must be 0 or more"),
    (namespace.main, dict(name="orders-ehns", resource_group="rg", cloud_environment="Moon"),
     "neither a cloud name"),
])
def test_bad_input_fails_before_any_call(run_main, main, args, message):
    result, failed = run_main(main, dict(CONNECTION, **args))
    assert failed and message in result["msg"], result["msg"]


def test_missing_sdk_is_named(run_main, monkeypatch):
    monkeypatch.setattr(azure_event_hubs, "IMPORT_ERROR", "No module named 'azure.mgmt'")
    result, failed = run_main(namespace.main, dict(CONNECTION, name="orders-ehns",
                                                   resource_group="rg"))
    assert failed and "azure-mgmt-eventhub and azure-identity" in result["msg"]
