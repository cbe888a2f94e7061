# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory Confluent Cloud behind ConfluentCloudClient's public methods, for the
entry-point tests of the confluent_* modules (put at the ConfluentCloudConnection.open seam)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import itertools

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import (
    ConfluentCloudConnection,
    ConfluentCloudError,
)

CONNECTION = dict(api_key="KEY", api_secret="SECRET")


class FakeCloud(object):
    """Environments, clusters, service accounts and API keys in dicts; records every call.

    ``fail[method] = ConfluentCloudError(...)`` makes that method raise; a new cluster is
    PROVISIONING for ``provisioning_reads`` reads of it.
    """

    def __init__(self, provisioning_reads=1):
        self.environments = {}
        self.clusters = {}
        self.service_accounts = {}
        self.api_keys = {}
        self.calls = []
        self.fail = {}
        self.retries = []
        self.provisioning_reads = provisioning_reads
        self._ids = itertools.count(1)
        self._reads_left = {}

    def _call(self, name, *args):
        self.calls.append((name,) + args)
        if name in self.fail:
            raise self.fail[name]

    def writes(self):
        return [call for call in self.calls if call[0].split("_")[0] in
                ("create", "update", "delete")]

    def _id(self, prefix):
        return "%s%d" % (prefix, next(self._ids))

    # -- seeding ---------------------------------------------------------------------------
    def add_environment(self, name, package="ESSENTIALS"):
        env_id = self._id("env-")
        self.environments[env_id] = {
            "id": env_id, "display_name": name,
            "stream_governance_config": {"package": package},
            "metadata": {"resource_name": "crn://confluent.cloud/environment=" + env_id,
                         "created_at": "2026-01-01T00:00:00Z"}}
        return env_id

    def add_cluster(self, env_id, name, kind="Basic", phase="PROVISIONED", **spec):
        cluster_id = self._id("lkc-")
        body = dict(display_name=name, availability="SINGLE_ZONE", cloud="AWS",
                    region="us-east-1", config={"kind": kind}, environment={"id": env_id})
        body.update(spec)
        self.clusters[cluster_id] = self._cluster(cluster_id, {"spec": body}, phase)
        return cluster_id

    def _cluster(self, cluster_id, body, phase):
        spec = copy.deepcopy(body["spec"])
        spec.setdefault("deletion_protection", False)
        host = "pkc-%s.%s.aws.confluent.cloud" % (cluster_id, spec["region"])
        spec["kafka_bootstrap_endpoint"] = "SASL_SSL://%s:9092" % host
        spec["http_endpoint"] = "https://%s:443" % host
        return {"id": cluster_id, "spec": spec, "status": {"phase": phase},
                "metadata": {"resource_name": "crn://x/kafka=" + cluster_id}}

    # -- environments ----------------------------------------------------------------------
    def list_environments(self):
        self._call("list_environments")
        return copy.deepcopy(list(self.environments.values()))

    def get_environment(self, env_id):
        self._call("get_environment", env_id)
        return copy.deepcopy(self.environments.get(env_id))

    def create_environment(self, name, stream_governance=None):
        self._call("create_environment", name, stream_governance)
        return self.get_environment(self.add_environment(name, stream_governance or
                                                         "ESSENTIALS"))

    def update_environment(self, env_id, name=None, stream_governance=None):
        self._call("update_environment", env_id, name, stream_governance)
        env = self.environments[env_id]
        if name is not None:
            env["display_name"] = name
        if stream_governance:
            env["stream_governance_config"]["package"] = stream_governance
        return copy.deepcopy(env)

    def delete_environment(self, env_id):
        self._call("delete_environment", env_id)
        del self.environments[env_id]
        for cluster_id in [c for c, v in self.clusters.items()
                           if v["spec"]["environment"]["id"] == env_id]:
            del self.clusters[cluster_id]

    # -- clusters --------------------------------------------------------------------------
    def list_clusters(self, env_id):
        self._call("list_clusters", env_id)
        return copy.deepcopy([c for c in self.clusters.values()
                              if c["spec"]["environment"]["id"] == env_id])

    def get_cluster(self, cluster_id, env_id):
        self._call("get_cluster", cluster_id, env_id)
        cluster = self.clusters.get(cluster_id)
        if cluster is not None and cluster["status"]["phase"] == "PROVISIONING":
            left = self._reads_left.get(cluster_id, self.provisioning_reads)
            if left <= 0:
                cluster["status"]["phase"] = "PROVISIONED"
            self._reads_left[cluster_id] = left - 1
        return copy.deepcopy(cluster)

    def create_cluster(self, body):
        self._call("create_cluster", copy.deepcopy(body))
        cluster_id = self._id("lkc-")
        self.clusters[cluster_id] = self._cluster(cluster_id, body, "PROVISIONING")
        return copy.deepcopy(self.clusters[cluster_id])

    def update_cluster(self, cluster_id, body):
        self._call("update_cluster", cluster_id, copy.deepcopy(body))
        spec = self.clusters[cluster_id]["spec"]
        for field, value in body["spec"].items():
            spec[field] = copy.deepcopy(value)
        return copy.deepcopy(self.clusters[cluster_id])

    def delete_cluster(self, cluster_id, env_id):
        self._call("delete_cluster", cluster_id, env_id)
        del self.clusters[cluster_id]

    # -- service accounts ------------------------------------------------------------------
    def list_service_accounts(self, display_name=None):
        self._call("list_service_accounts", display_name)
        return copy.deepcopy([sa for sa in self.service_accounts.values()
                              if display_name in (None, sa["display_name"])])

    def create_service_account(self, name, description=None):
        self._call("create_service_account", name, description)
        sa_id = self._id("sa-")
        self.service_accounts[sa_id] = {"id": sa_id, "display_name": name,
                                        "description": description or "",
                                        "metadata": {"resource_name": "crn://x/sa=" + sa_id}}
        return copy.deepcopy(self.service_accounts[sa_id])

    def update_service_account(self, sa_id, description):
        self._call("update_service_account", sa_id, description)
        self.service_accounts[sa_id]["description"] = description
        return copy.deepcopy(self.service_accounts[sa_id])

    def delete_service_account(self, sa_id):
        self._call("delete_service_account", sa_id)
        del self.service_accounts[sa_id]

    # -- API keys --------------------------------------------------------------------------
    def list_api_keys(self, owner=None, resource=None):
        self._call("list_api_keys", owner, resource)
        return [self._public(k) for k in self.api_keys.values()
                if owner in (None, k["spec"]["owner"]["id"])
                and resource in (None, k["spec"]["resource"]["id"])]

    def get_api_key(self, key_id):
        self._call("get_api_key", key_id)
        return self._public(self.api_keys[key_id]) if key_id in self.api_keys else None

    @staticmethod
    def _public(key):
        key = copy.deepcopy(key)
        del key["spec"]["secret"]
        return key

    def create_api_key(self, body):
        self._call("create_api_key", copy.deepcopy(body))
        key_id = self._id("KEY")
        spec = copy.deepcopy(body["spec"])
        spec.setdefault("resource", {"id": "cloud"})
        spec["secret"] = "secret-of-" + key_id
        self.api_keys[key_id] = {"id": key_id, "spec": spec,
                                 "metadata": {"created_at": "2026-01-01T00:00:00Z"}}
        return copy.deepcopy(self.api_keys[key_id])

    def update_api_key(self, key_id, name=None, description=None):
        self._call("update_api_key", key_id, name, description)
        spec = self.api_keys[key_id]["spec"]
        if name is not None:
            spec["display_name"] = name
        if description is not None:
            spec["description"] = description
        return self._public(self.api_keys[key_id])

    def delete_api_key(self, key_id):
        self._call("delete_api_key", key_id)
        del self.api_keys[key_id]


@pytest.fixture
def cloud(monkeypatch):
    fake = FakeCloud()
    monkeypatch.setattr(ConfluentCloudConnection, "open", lambda self, ctx=None: fake)
    return fake


def error(status, text):
    return ConfluentCloudError(text, status=status)


def check_then_apply(run_main, main, cloud, args):
    """Run ``args`` in check mode, then for real (both with --diff).

    Check mode must send no write and predict the real run: same ``changed`` and ``changes``,
    and the same diff ``before``. Returns (predicted, real).
    """
    writes = len(cloud.writes())
    predicted, failed = run_main(main, dict(CONNECTION, **args), check_mode=True, diff=True)
    assert not failed, predicted
    assert len(cloud.writes()) == writes, cloud.writes()[writes:]
    real, failed = run_main(main, dict(CONNECTION, **args), diff=True)
    assert not failed, real
    assert (predicted["changed"], predicted["changes"]) == (real["changed"], real["changes"]), \
        (predicted, real)
    assert predicted["diff"]["before"] == real["diff"]["before"]
    return predicted, real


def same_except(predicted, real, *server_fields):
    """The predicted view equals the real one but for the fields only the server knows."""
    left = dict((k, v) for k, v in predicted.items() if k not in server_fields)
    right = dict((k, v) for k, v in real.items() if k not in server_fields)
    return left == right
