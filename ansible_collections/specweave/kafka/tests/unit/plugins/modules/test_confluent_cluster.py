# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""confluent_cluster and confluent_cluster_info: main() against an in-memory cloud."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.tests.unit.plugins.modules.confluent_cloud_fake import (  # noqa: F401 pylint: disable=unused-import
    CONNECTION,
    FakeCloud,
    check_then_apply,
    cloud,
    same_except,
)
from ansible_collections.specweave.kafka.plugins.modules import confluent_cluster as module
from ansible_collections.specweave.kafka.plugins.modules import confluent_cluster_info as info

SERVER_FIELDS = ("id", "phase", "bootstrap_endpoint", "bootstrap_servers", "rest_endpoint",
                 "endpoints", "resource_name")


def args(**extra):
    base = dict(name="orders", environment="prod", cluster_type="Basic", cloud="AWS",
                region="us-east-1", availability="SINGLE_ZONE", wait_interval=0)
    base.update(extra)
    return base


def test_create_waits_until_provisioned_then_no_op(run_main, cloud):
    env_id = cloud.add_environment("prod")
    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       args(deletion_protection=True))
    assert predicted["cluster"]["phase"] == "PROVISIONING" and predicted["phase_history"] == []
    assert real["phase"] == "PROVISIONED" and real["phase_history"] == [
        "PROVISIONING", "PROVISIONED"]
    assert same_except(predicted["cluster"], real["cluster"], *SERVER_FIELDS)
    (call, body), = [write[:2] for write in cloud.writes()]
    assert call == "create_cluster" and body["spec"]["environment"] == {"id": env_id}
    assert body["spec"]["config"] == {"kind": "Basic"} and body["spec"]["deletion_protection"]
    cluster_id = real["cluster"]["id"]
    assert real["bootstrap_servers"] == "pkc-%s.us-east-1.aws.confluent.cloud:9092" % cluster_id

    again, failed = run_main(module.main, dict(CONNECTION, **args(environment=env_id)))
    assert not failed and again["changed"] is False and again["phase_history"] == [
        "PROVISIONED"]
    assert len(cloud.writes()) == 1


def test_in_place_upgrade_is_one_patch(run_main, cloud):
    env_id = cloud.add_environment("prod")
    cluster_id = cloud.add_cluster(env_id, "orders")
    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       args(cluster_type="Standard", max_ecku=4))
    assert real["changes"] == {"cluster_type": ["Basic", "Standard"], "max_ecku": [None, 4]}
    assert predicted["cluster"] == real["cluster"]
    assert cloud.writes() == [("update_cluster", cluster_id, {"spec": {
        "environment": {"id": env_id}, "config": {"kind": "Standard", "max_ecku": 4}}})]


def test_a_provisioning_cluster_is_waited_for_even_without_changes(run_main, cloud):
    env_id = cloud.add_environment("prod")
    cloud.add_cluster(env_id, "orders", phase="PROVISIONING")
    cloud.provisioning_reads = 2
    result, failed = run_main(module.main, dict(CONNECTION, **args()))
    assert not failed and result["changed"] is False
    assert result["phase_history"] == ["PROVISIONING", "PROVISIONED"]
    assert result["cluster"]["phase"] == "PROVISIONED" and cloud.writes() == []


def test_absent_deletes_unless_protected(run_main, cloud):
    env_id = cloud.add_environment("prod")
    cluster_id = cloud.add_cluster(env_id, "orders", deletion_protection=True)
    absent = dict(CONNECTION, name="orders", environment="prod", state="absent")
    result, failed = run_main(module.main, absent, check_mode=True)
    assert failed and "has deletion protection on; nothing was deleted" in result["msg"]
    cloud.clusters[cluster_id]["spec"]["deletion_protection"] = False
    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       dict(absent, wait_interval=0))
    assert real["changed"] and real["cluster"] == {} and cluster_id not in cloud.clusters
    assert cloud.writes() == [("delete_cluster", cluster_id, env_id)]
    again, failed = run_main(module.main, absent)
    assert not failed and again["changed"] is False and again["phase_history"] == []


@pytest.mark.parametrize("extra,words", [
    (dict(region="eu-west-1"), "cannot be changed as asked; nothing was changed: region "
                               "cannot change in place (us-east-1 -> eu-west-1)"),
    (dict(cluster_type="Dedicated", cku=2), "cluster_type cannot change from Basic to Dedicated"),
    (dict(name="other", region=""), "does not exist in environment env-1; to create it give region"),
])
def test_refusals_send_nothing(run_main, cloud, extra, words):
    env_id = cloud.add_environment("prod")
    cloud.add_cluster(env_id, "orders")
    result, failed = run_main(module.main, dict(CONNECTION, **args(**extra)))
    assert failed and words in result["msg"], result
    assert cloud.writes() == []


@pytest.mark.parametrize("extra,words", [
    (dict(availability="MULTI_ZONE"), "Invalid cluster options: Basic clusters are single zone"),
    (dict(cluster_type="Standard", cku=2), "cku applies to Dedicated clusters only"),
])
def test_invalid_options_fail_before_any_call(run_main, cloud, extra, words):
    result, failed = run_main(module.main, dict(CONNECTION, **args(**extra)))
    assert failed and words in result["msg"] and cloud.calls == []


def test_a_missing_environment(run_main, cloud):
    result, failed = run_main(module.main, dict(CONNECTION, **args()))
    assert failed and "Environment 'prod' not found" in result["msg"]
    predicted, failed = run_main(module.main, dict(CONNECTION, **args()), check_mode=True)
    assert not failed and predicted["changed"] and predicted["cluster"]["environment"] is None
    result, failed = run_main(module.main, dict(CONNECTION, **args(state="absent")))
    assert not failed and result["changed"] is False and cloud.writes() == []


def test_info_lists_the_environment_and_filters(run_main, cloud):
    env_id = cloud.add_environment("prod")
    first = cloud.add_cluster(env_id, "orders")
    cloud.add_cluster(env_id, "ledger")
    result, failed = run_main(info.main, dict(CONNECTION, environment="prod"))
    assert not failed and result["environment"] == env_id and not result["changed"]
    assert sorted(c["name"] for c in result["clusters"]) == ["ledger", "orders"]
    result, failed = run_main(info.main, dict(CONNECTION, environment=env_id, id=first))
    assert [c["id"] for c in result["clusters"]] == [first]
    result, failed = run_main(info.main, dict(CONNECTION, environment="nope"))
    assert failed and "Environment 'nope' not found" in result["msg"]


def test_a_failed_cluster_fails_every_present_run_naming_it(run_main, cloud):
    env_id = cloud.add_environment("prod")
    cluster_id = cloud.add_cluster(env_id, "orders", phase="FAILED")
    for check_mode in (True, False):
        result, failed = run_main(module.main, dict(CONNECTION, **args()), check_mode=check_mode)
        assert failed and result["msg"].startswith(
            "Cluster %s (orders) in environment %s is FAILED: Confluent Cloud could not "
            "provision it and does not retry. Delete it (state: absent)" % (cluster_id, env_id))
        assert result["cluster"]["phase"] == "FAILED"
    assert cloud.writes() == []
    result, failed = run_main(module.main, dict(CONNECTION, name="orders", environment="prod",
                                                state="absent", wait=False))
    assert not failed and result["changed"] and cloud.writes() == [
        ("delete_cluster", cluster_id, env_id)]


def test_a_cluster_being_deleted_is_not_deleted_again(run_main, cloud):
    env_id = cloud.add_environment("prod")
    cluster_id = cloud.add_cluster(env_id, "orders")
    cloud.clusters[cluster_id]["metadata"]["deleted_at"] = "2026-01-01T00:00:00Z"
    absent = dict(CONNECTION, name="orders", environment="prod", state="absent", wait=False)
    result, failed = run_main(module.main, absent)
    assert not failed and result["changed"] is False and result["deleting"] is True, result
    assert result["cluster"]["deleted_at"] == "2026-01-01T00:00:00Z" and cloud.writes() == []

    result, failed = run_main(module.main, dict(CONNECTION, **args()))
    assert failed and "Cluster %s (orders) is being deleted (deletion accepted at " \
        "2026-01-01T00:00:00Z)" % cluster_id in result["msg"], result

    # a live cluster of the same name is the one a present run manages
    live_id = cloud.add_cluster(env_id, "orders")
    result, failed = run_main(module.main, dict(CONNECTION, **args()))
    assert not failed and result["cluster"]["id"] == live_id and result["changed"] is False


def test_a_resize_in_progress_is_waited_for(run_main, cloud):
    env_id = cloud.add_environment("prod")
    cluster_id = cloud.add_cluster(env_id, "ledger", kind="Dedicated",
                                   config={"kind": "Dedicated", "cku": 3})
    cloud.clusters[cluster_id]["status"]["cku"] = 2
    reads = []

    def get_cluster(cid, eid):
        reads.append(cid)
        if len(reads) >= 3:
            cloud.clusters[cid]["status"]["cku"] = 3
        return FakeCloud.get_cluster(cloud, cid, eid)
    cloud.get_cluster = get_cluster
    result, failed = run_main(module.main, dict(CONNECTION, **args(
        name="ledger", cluster_type="Dedicated", cku=3)))
    assert not failed and result["changed"] is False, result
    assert result["cluster"]["current_cku"] == 3 and result["cluster"]["resizing"] is False
    assert len(reads) == 3 and cloud.writes() == []
