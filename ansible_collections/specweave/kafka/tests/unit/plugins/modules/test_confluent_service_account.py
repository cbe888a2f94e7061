# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""confluent_service_account and its _info module: main() against an in-memory cloud."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.specweave.kafka.tests.unit.plugins.modules.confluent_cloud_fake import (  # noqa: F401 pylint: disable=unused-import
    CONNECTION,
    check_then_apply,
    cloud,
    error,
    same_except,
)
from ansible_collections.specweave.kafka.plugins.modules import confluent_service_account as module
from ansible_collections.specweave.kafka.plugins.modules import (
    confluent_service_account_info as info,
)


def test_lifecycle_create_no_op_update_absent(run_main, cloud):
    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       dict(name="orders-app", description="producer"))
    sa_id = real["service_account"]["id"]
    assert cloud.writes() == [("create_service_account", "orders-app", "producer")]
    assert same_except(predicted["service_account"], real["service_account"],
                       "id", "resource_name")

    again, failed = run_main(module.main, dict(CONNECTION, name="orders-app",
                                               description="producer"))
    assert not failed and again["changed"] is False and len(cloud.writes()) == 1
    # description left out: left as it is
    assert run_main(module.main, dict(CONNECTION, name="orders-app"))[0]["changed"] is False

    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       dict(name="orders-app", description="v2"))
    assert real["changes"] == {"description": ["producer", "v2"]}
    assert predicted["service_account"] == real["service_account"]
    assert cloud.writes()[-1] == ("update_service_account", sa_id, "v2")

    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       dict(name="orders-app", state="absent"))
    assert real["changed"] and sa_id not in cloud.service_accounts
    assert cloud.writes()[-1] == ("delete_service_account", sa_id)


def test_a_refused_create_names_confluents_detail(run_main, cloud):
    cloud.fail["create_service_account"] = error(
        409, "Confluent Cloud POST /iam/v2/service-accounts failed with HTTP 409 Conflict: "
             "Service name is already in use.")
    result, failed = run_main(module.main, dict(CONNECTION, name="taken"))
    assert failed and "Service name is already in use" in result["msg"]
    assert result["status"] == 409 and not cloud.service_accounts


def test_info_filters_by_name(run_main, cloud):
    cloud.create_service_account("a", "first")
    cloud.create_service_account("b")
    result, failed = run_main(info.main, dict(CONNECTION, name="a"), check_mode=True)
    assert not failed and result["changed"] is False
    assert [(s["name"], s["description"]) for s in result["service_accounts"]] == [("a", "first")]
    result, failed = run_main(info.main, dict(CONNECTION))
    assert sorted(s["name"] for s in result["service_accounts"]) == ["a", "b"]
