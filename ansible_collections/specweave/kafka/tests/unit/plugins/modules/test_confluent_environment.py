# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""confluent_environment and confluent_environment_info: main() against an in-memory cloud."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.tests.unit.plugins.modules.confluent_cloud_fake import (  # noqa: F401 pylint: disable=unused-import
    CONNECTION,
    check_then_apply,
    cloud,
    error,
    same_except,
)
from ansible_collections.specweave.kafka.plugins.modules import confluent_environment as module
from ansible_collections.specweave.kafka.plugins.modules import confluent_environment_info as info

SERVER_FIELDS = ("id", "resource_name", "created_at")


def test_create_then_no_op(run_main, cloud):
    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       dict(name="prod", stream_governance="ADVANCED"))
    assert real["changed"] and real["changes"] == {"state": ["absent", "present"]}
    assert cloud.writes() == [("create_environment", "prod", "ADVANCED")]
    env_id = real["environment"]["id"]
    assert cloud.environments[env_id]["stream_governance_config"]["package"] == "ADVANCED"
    assert predicted["environment"]["id"] is None
    assert same_except(predicted["environment"], real["environment"], *SERVER_FIELDS)
    assert real["diff"] == dict(before={}, after=real["environment"])

    again, failed = run_main(module.main, dict(CONNECTION, name="prod"))
    assert not failed and again["changed"] is False and again["changes"] == {}
    assert again["environment"] == real["environment"] and "diff" not in again
    assert len(cloud.writes()) == 1


def test_update_by_id_renames_and_upgrades(run_main, cloud):
    env_id = cloud.add_environment("old")
    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       dict(id=env_id, name="new", stream_governance="ADVANCED"))
    assert real["changes"] == {"name": ["old", "new"],
                               "stream_governance": ["ESSENTIALS", "ADVANCED"]}
    assert cloud.writes() == [("update_environment", env_id, "new", "ADVANCED")]
    assert predicted["environment"] == real["environment"]
    assert real["diff"]["before"]["name"] == "old" and real["diff"]["after"]["name"] == "new"


def test_absent_deletes_and_is_then_unchanged(run_main, cloud):
    env_id = cloud.add_environment("scratch")
    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       dict(name="scratch", state="absent"))
    assert real["changed"] and real["environment"] == {} and env_id not in cloud.environments
    assert cloud.writes() == [("delete_environment", env_id)]
    assert real["diff"]["after"] == {} and real["diff"]["before"]["id"] == env_id
    again, failed = run_main(module.main, dict(CONNECTION, name="scratch", state="absent"))
    assert not failed and again["changed"] is False


def test_clusters_block_the_delete_unless_allowed(run_main, cloud):
    env_id = cloud.add_environment("busy")
    cluster_id = cloud.add_cluster(env_id, "orders")
    result, failed = run_main(module.main, dict(CONNECTION, name="busy", state="absent"),
                              check_mode=True)
    assert failed and "still has 1 Kafka cluster(s): %s" % cluster_id in result["msg"]
    assert "delete_clusters: true" in result["msg"] and cloud.writes() == []
    result, failed = run_main(module.main, dict(CONNECTION, name="busy", state="absent",
                                                delete_clusters=True))
    assert not failed and result["changed"] and cloud.clusters == {}


@pytest.mark.parametrize("args,words", [
    (dict(name="gov", stream_governance="ESSENTIALS"),
     "has the ADVANCED Stream Governance package; Confluent Cloud does not downgrade it"),
    (dict(id="env-nope", name="x"), "Environment env-nope does not exist; leave id out"),
])
def test_refusals_change_nothing(run_main, cloud, args, words):
    cloud.add_environment("gov", "ADVANCED")
    result, failed = run_main(module.main, dict(CONNECTION, **args))
    assert failed and words in result["msg"], result
    assert cloud.writes() == []


def test_http_errors_keep_status_and_retries(run_main, cloud):
    cloud.fail["create_environment"] = error(409, "Confluent Cloud POST /org/v2/environments "
                                                  "failed with HTTP 409 Conflict: taken.")
    cloud.retries.append(dict(method="GET", path="/org/v2/environments", status=429, delay=1.0))
    result, failed = run_main(module.main, dict(CONNECTION, name="prod"))
    assert failed and result["msg"].startswith("Confluent Cloud POST /org/v2/environments")
    assert result["status"] == 409 and result["retries"][0]["status"] == 429


def test_connection_options_are_checked_before_any_call(run_main, cloud):
    result, failed = run_main(module.main, dict(name="prod", api_key="", api_secret="s",
                                                api_url="ftp://x"))
    assert failed and result["msg"].startswith("Invalid Confluent Cloud connection options: ")
    assert "api_key is required" in result["msg"] and "api_url must be" in result["msg"]
    assert cloud.calls == []


def test_info_lists_and_filters(run_main, cloud):
    first = cloud.add_environment("a")
    cloud.add_environment("b")
    result, failed = run_main(info.main, dict(CONNECTION), check_mode=True)
    assert not failed and result["changed"] is False
    assert sorted(e["name"] for e in result["environments"]) == ["a", "b"]
    result, failed = run_main(info.main, dict(CONNECTION, name="a"))
    assert [e["id"] for e in result["environments"]] == [first]
    result, failed = run_main(info.main, dict(CONNECTION, id=first, name="b"))
    assert result["environments"] == []
    assert cloud.writes() == []
