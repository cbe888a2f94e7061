# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of msk_cluster: validation, the view of a described cluster, the planner."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk import wait_for_state
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_cluster import (
    PROTECTION_TAG,
    create_request,
    plan_tags,
    plan_updates,
    predicted_view,
    validate,
    version_key,
    view,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import InvalidInput, ModuleFailure

SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]


def desired(**extra):
    params = dict(name="orders", state="present", cluster_type="provisioned", subnets=SUBNETS,
                  kafka_version="3.6.0", broker_instance_type="kafka.m7g.large",
                  brokers_per_az=1, ebs_volume_size=100, purge_tags=True, wait=True,
                  wait_timeout=10, wait_delay=0)
    params.update(extra)
    return validate(params)


def current(**extra):
    """The view of a cluster made from ``desired()``, as AWS would describe it once ACTIVE."""
    result = predicted_view(desired())
    result.update(state="ACTIVE", arn="arn:aws:kafka:eu-west-1:1:cluster/orders/x",
                  current_version="K1")
    result.update(extra)
    return result


@pytest.mark.parametrize("text, key", [
    ("3.6.0", (3, 6, 0)), ("3.6.0.1", (3, 6, 0, 1)), ("2.8.2.tiered", (2, 8, 2)),
    ("3.10.0", (3, 10, 0)),
])
def test_version_key_orders_versions_numerically(text, key):
    assert version_key(text) == key
    assert version_key("3.10.0") > version_key("3.9.1")


def test_predicted_view_of_a_create_has_no_changes_to_plan():
    """What check mode shows for a new cluster is what the next run compares against: no
    operation, whatever defaults AWS fills in."""
    assert plan_updates(desired(client_authentication=dict(iam=True)),
                        current(client_authentication=dict(iam=True, scram=False,
                                                           tls_ca_arns=[],
                                                           unauthenticated=False))) == ([], [])
    assert current()["number_of_broker_nodes"] == 3


def test_operations_come_in_msk_order_with_their_parameters():
    operations, refusals = plan_updates(desired(
        kafka_version="3.7.x", broker_instance_type="kafka.m7g.xlarge", ebs_volume_size=200,
        brokers_per_az=2, configuration_arn="arn:c", configuration_revision=2,
        logging=dict(cloudwatch_log_group="msk")), current())
    assert refusals == []
    assert [op["call"] for op in operations] == [
        "update_cluster_kafka_version", "update_cluster_configuration", "update_broker_type",
        "update_broker_storage", "update_broker_count", "update_monitoring"]
    count = operations[4]
    assert count["params"] == {"TargetNumberOfBrokerNodes": 6}
    assert count["changes"] == {"brokers_per_az": [1, 2]}
    logs = operations[5]["params"]["LoggingInfo"]["BrokerLogs"]
    assert logs["CloudWatchLogs"] == {"Enabled": True, "LogGroup": "msk"}
    assert logs["S3"] == {"Enabled": False}


def test_several_refusals_are_reported_together_and_nothing_is_planned():
    operations, refusals = plan_updates(desired(ebs_volume_size=50, brokers_per_az=1,
                                                encryption_at_rest_kms_key_id="arn:k"),
                                        current(brokers_per_az=2))
    assert operations == []
    assert len(refusals) == 3
    assert any("brokers_per_az cannot decrease" in r for r in refusals)
    assert any("encryption_at_rest_kms_key_id cannot change" in r for r in refusals)


def test_serverless_view_and_request():
    wanted = validate(dict(name="events", state="present", cluster_type="serverless",
                           subnets=SUBNETS[:2], security_groups=["sg-1"], tags={"a": "b"},
                           wait_timeout=1, wait_delay=0))
    call, request = create_request(wanted)
    assert call == "create_cluster_v2"
    assert request["Serverless"]["VpcConfigs"] == [{"SubnetIds": SUBNETS[:2],
                                                    "SecurityGroupIds": ["sg-1"]}]
    shown = predicted_view(wanted)
    assert shown["cluster_type"] == "serverless" and shown["client_authentication"] == {
        "iam": True}
    assert plan_updates(wanted, dict(shown, state="ACTIVE")) == ([], [])
    _ops, refusals = plan_updates(dict(wanted, security_groups=["sg-2"]), shown)
    assert refusals and "security_groups cannot change in place" in refusals[0]


def test_tags_keep_the_protection_tag_out_of_purge():
    tags = {"team": "a", PROTECTION_TAG: "true"}
    assert plan_tags(desired(tags={"team": "b"}), tags) == ({"team": "b"}, [])
    assert plan_tags(desired(tags={}, deletion_protection=False), tags) == (
        {}, sorted(["team", PROTECTION_TAG]))
    assert plan_tags(desired(deletion_protection=True), {}) == ({PROTECTION_TAG: "true"}, [])


def test_the_protection_tag_is_not_a_user_tag():
    with pytest.raises(InvalidInput, match="set by deletion_protection"):
        desired(tags={PROTECTION_TAG: "false"})


def test_view_of_an_empty_description_uses_aws_defaults():
    shown = view({"ClusterName": "x", "ClusterArn": "arn", "State": "ACTIVE",
                  "ClusterType": "PROVISIONED", "Provisioned": {}})
    assert shown["encryption_in_transit"] == {"client_broker": "TLS", "in_cluster": True}
    assert shown["enhanced_monitoring"] == "DEFAULT"
    assert view(None) is None


def test_wait_records_each_state_once_and_stops_on_failed():
    states = iter([("CREATING", {}), ("CREATING", {}), ("FAILED", {"StateInfo": {
        "Code": "InsufficientCapacity", "Message": "no m7g in az-c"}})])
    history = []
    with pytest.raises(ModuleFailure) as info:
        wait_for_state(lambda: next(states), ("ACTIVE",), 60, 0, history, "the cluster",
                       sleep=lambda _s: None)
    assert history == ["CREATING", "FAILED"]
    assert "InsufficientCapacity no m7g in az-c" in info.value.msg
