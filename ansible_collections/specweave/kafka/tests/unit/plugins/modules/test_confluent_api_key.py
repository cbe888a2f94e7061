# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""confluent_api_key: main() against an in-memory cloud."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils import basic

from ansible_collections.specweave.kafka.tests.unit.plugins.modules.confluent_cloud_fake import (  # noqa: F401 pylint: disable=unused-import
    CONNECTION,
    check_then_apply,
    cloud,
    error,
    same_except,
)
from ansible_collections.specweave.kafka.plugins.modules import confluent_api_key as module


@pytest.fixture
def seeded(cloud):
    env_id = cloud.add_environment("prod")
    cluster_id = cloud.add_cluster(env_id, "orders")
    sa_id = cloud.create_service_account("orders-app")["id"]
    cloud.calls = []
    return env_id, cluster_id, sa_id


KEY = dict(name="orders-key", owner="orders-app", resource="orders", environment="prod")


def test_create_returns_the_secret_once_and_never_in_the_diff(run_main, cloud, seeded):
    env_id, cluster_id, sa_id = seeded
    predicted, real = check_then_apply(run_main, module.main, cloud, KEY)
    key_id = real["api_key"]["id"]
    assert cloud.writes() == [("create_api_key", {"spec": {
        "owner": {"id": sa_id}, "resource": {"id": cluster_id, "environment": env_id},
        "display_name": "orders-key"}})]
    assert real["api_key"]["secret"] == "secret-of-" + key_id
    assert "secret" not in real["diff"]["after"] and "secret" not in predicted["api_key"]
    assert same_except(predicted["api_key"], dict(real["api_key"]), "id", "created_at",
                       "secret")

    again, failed = run_main(module.main, dict(CONNECTION, **KEY))
    assert not failed and again["changed"] is False and "secret" not in again["api_key"]
    assert len(cloud.writes()) == 1


def test_update_by_id_then_absent(run_main, cloud, seeded):
    key_id = cloud.create_api_key({"spec": {"owner": {"id": seeded[2]}, "display_name": "k"}})[
        "id"]
    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       dict(id=key_id, description="rotated"))
    assert real["changes"] == {"description": [None, "rotated"]}
    assert predicted["api_key"] == real["api_key"]
    assert cloud.writes()[-1] == ("update_api_key", key_id, None, "rotated")

    predicted, real = check_then_apply(run_main, module.main, cloud,
                                       dict(id=key_id, state="absent"))
    assert real["changed"] and key_id not in cloud.api_keys
    assert cloud.writes()[-1] == ("delete_api_key", key_id)
    again, failed = run_main(module.main, dict(CONNECTION, id=key_id, state="absent"))
    assert not failed and again["changed"] is False


class NewKeyProbe(object):
    """The Cloud API as a new key sees it: HTTP 401 for the first ``refusals`` requests."""

    def __init__(self, refusals):
        self.refusals = refusals
        self.used = []

    def __call__(self, api_key, api_secret):
        self.used.append((api_key, api_secret))
        return self

    def request(self, method, path, query=None):
        if self.refusals:
            self.refusals -= 1
            raise error(401, "refused")
        return {"data": []}


def test_a_cloud_key_is_found_among_the_owners_keys(run_main, cloud, seeded):
    cloud.with_credentials = NewKeyProbe(0)
    cloud_key = dict(name="automation", owner=seeded[2], resource="cloud")
    result, failed = run_main(module.main, dict(CONNECTION, **cloud_key))
    assert not failed and result["changed"] and result["api_key"]["secret"]
    assert result["api_key"]["resource"] == "cloud"
    assert run_main(module.main, dict(CONNECTION, **cloud_key))[0]["changed"] is False


def test_a_new_cloud_key_is_returned_once_it_authenticates(run_main, cloud, seeded):
    probe = cloud.with_credentials = NewKeyProbe(3)
    args = dict(CONNECTION, name="automation", owner=seeded[2], resource="cloud",
                wait_interval=0)
    result, failed = run_main(module.main, args)
    assert not failed and result["authenticated"] is True, result
    assert result["authentication_attempts"] == 4 and probe.refusals == 0
    assert probe.used == [(result["api_key"]["id"], result["api_key"]["secret"])]


def test_a_new_cloud_key_that_does_not_authenticate_in_time_is_returned_with_a_warning(
        run_main, cloud, seeded, monkeypatch):
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, text: warnings.append(text))
    cloud.with_credentials = NewKeyProbe(1000)
    args = dict(CONNECTION, name="automation", owner=seeded[2], resource="cloud",
                wait_interval=0, wait_timeout=0)
    result, failed = run_main(module.main, args)
    # the secret exists only in this result: the task must not fail and lose it
    assert not failed and result["changed"] and result["authenticated"] is False, result
    key_id = result["api_key"]["id"]
    assert result["api_key"]["secret"] == "secret-of-" + key_id
    assert any("still refuses the new API key %s (HTTP 401) after 0 seconds" % key_id in w
               and "store them" in w for w in warnings), warnings


def test_cluster_keys_and_wait_false_do_not_try_the_key(run_main, cloud, seeded):
    probe = cloud.with_credentials = NewKeyProbe(1000)
    result, failed = run_main(module.main, dict(CONNECTION, **KEY))
    assert not failed and "authenticated" not in result and probe.used == []
    result, failed = run_main(module.main, dict(CONNECTION, name="automation", owner=seeded[2],
                                                resource="cloud", wait=False))
    assert not failed and "authenticated" not in result and probe.used == []


@pytest.mark.parametrize("args,words", [
    (dict(name="k"), "owner and resource are needed to find or create an API key by name"),
    (dict(KEY, owner="nobody"), "owner 'nobody' is neither an id (sa-..., u-...) nor the name"),
    (dict(KEY, environment=None), "resource 'orders' is a cluster name; give its environment"),
    (dict(KEY, resource="ledger"), "No cluster named 'ledger' in environment env-"),
    (dict(id="NOPE"), "API key NOPE does not exist; leave id out to create a key."),
])
def test_refusals_send_nothing(run_main, cloud, seeded, args, words):
    result, failed = run_main(module.main, dict(CONNECTION, **args))
    assert failed and words in result["msg"], result
    assert cloud.writes() == []
