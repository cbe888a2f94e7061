"""playbooks/confluent_cloud.yml run three times as AWX runs it: a fresh checkout, no stored state.

The control plane is the contract fake; the cluster's Kafka side is the secured broker of the
security area standing in for the Confluent Cloud cluster: each cluster API key the fake creates
becomes a SCRAM user of that broker (its id the user name, its secret the password; the keys of
the admin owner get the ACLs a CloudClusterAdmin has) and is removed when the key is deleted, so
the playbook's Kafka tasks authenticate with the very secret the fake handed out. Only the
listener differs from Confluent Cloud (SCRAM-SHA-512 and the test CA instead of PLAIN), through
the playbook's cc_kafka_connection.

1. First run: every key is new; both secrets come back in the custom stat cc_new_api_keys and in
   cc_secrets_dir; the topics and ACLs are on the broker.
2. Second run, no secrets at all: succeeds; the admin key is replaced (documented) and only its
   new secret comes back; the application key, topics and ACLs are unchanged.
3. Third run with the admin secret of run 2: nothing changes. A wrong admin secret fails at once
   with the module's authentication error (no waiting as for a new key).
"""
import json
import os
import uuid

import yaml
from ansible.constants import DEFAULT_VAULT_ID_MATCH
from ansible.parsing.vault import VaultLib, VaultSecret
from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType,
                         KafkaAdminClient, ResourcePattern, ResourcePatternFilter, ResourceType,
                         ScramMechanism,
                         UserScramCredentialDeletion, UserScramCredentialUpsertion)

from testbed.ansible import run_playbook
from testbed.kafka import REPO

COLL = os.path.join(REPO, "ansible_collections", "specweave", "kafka")
PLAYBOOK = os.path.join(COLL, "playbooks", "confluent_cloud.yml")


class KeysOnBroker(object):
    """Makes the fake's cluster API keys SCRAM users of ``broker`` (see the module docstring)."""

    def __init__(self, cc, broker, admin_owner):
        self.cc, self.broker, self.admin_owner = cc, broker, admin_owner
        self.original = cc._api_keys

    def admin(self):
        return KafkaAdminClient(**self.broker.admin_config())

    def __call__(self, method, obj_id, q, pairs, data):
        before = self.cc.api_keys.get(obj_id) if obj_id else None
        status, body = self.original(method, obj_id, q, pairs, data)
        if method == "POST" and body["spec"]["resource"]["id"] != "cloud":
            self.add(body["id"], body["spec"]["secret"], body["spec"]["owner"]["id"])
        elif method == "DELETE" and before is not None:
            client = self.admin()
            try:
                client.alter_user_scram_credentials(
                    [UserScramCredentialDeletion(obj_id, ScramMechanism.SCRAM_SHA_512)])
            finally:
                client.close()
        return status, body

    def add(self, key, secret, owner):
        client = self.admin()
        try:
            client.alter_user_scram_credentials(
                [UserScramCredentialUpsertion(key, ScramMechanism.SCRAM_SHA_512, secret)])
            if owner == self.admin_owner:
                principal = "User:" + key
                client.create_acls([
                    ACL(principal, "*", ACLOperation.ALL, ACLPermissionType.ALLOW,
                        ResourcePattern(kind, name, ACLResourcePatternType.LITERAL))
                    for kind, name in ((ResourceType.CLUSTER, "kafka-cluster"),
                                       (ResourceType.TOPIC, "*"), (ResourceType.GROUP, "*"))])
        finally:
            client.close()


def _run(cc, extra_vars):
    env = dict(cc.env(), ANSIBLE_SHOW_CUSTOM_STATS="true")
    run = run_playbook(PLAYBOOK, extra_vars=extra_vars, env=env)
    tasks = dict((r["_task"], r) for r in run.task_results())
    return run, tasks, run.data.get("global_custom_stats", {}).get("cc_new_api_keys")


def _app_account(cc, prefix):
    return [sa["id"] for sa in cc.service_accounts.values()
            if sa["display_name"] == prefix + "-orders-app"][0]


def _failures(run):
    return [(r["_task"], r.get("msg")) for r in run.task_results() if r.get("failed")] or \
        run.stdout[-3000:]


def _keys_named(cc, name):
    return [k for k in cc.api_keys.values() if k["spec"]["display_name"] == name]


def _secrets_only_in_stats(run, secrets):
    """The secrets are in the custom stat and nowhere in the tasks' results or on stderr."""
    results = json.dumps(run.data.get("plays", []))
    for secret in secrets:
        assert secret not in results and secret not in run.stderr


def test_playbook_returns_new_secrets_and_reruns_without_them(cc, secure, monkeypatch,
                                                               tmp_path):
    prefix = "awx%s" % uuid.uuid4().hex[:6]
    admin_sa = cc._service_accounts("POST", None, {}, [], {"display_name": prefix + "-admin",
                                                           "description": "playbook admin"})[1]
    cc._unlisted.pop(admin_sa["id"], None)
    monkeypatch.setattr(cc, "_api_keys", KeysOnBroker(cc, secure, admin_sa["id"]))
    connection = dict(bootstrap_servers=secure.sasl_bootstrap_servers,
                      sasl_mechanism="SCRAM-SHA-512", ssl_cafile=secure.cafile)
    # the test broker has one node: each topic says so (Confluent Cloud's is 3, the play's default)
    topics = [dict(name=prefix + ".orders", partitions=6, replication_factor=1),
              dict(name=prefix + ".payments", partitions=3, replication_factor=1,
                   config={"retention.ms": "604800000"})]
    base = dict(cc_prefix=prefix, cc_admin_owner=admin_sa["id"], cc_wait_interval=0.02,
                cc_kafka_connection=connection, cc_topics=topics)
    admin_name, app_name = prefix + "-admin-key", prefix + "-orders-app-key"
    secrets_dir = tmp_path / "secrets"

    # 1. everything new: both secrets returned, once; the secrets folder only when asked for
    run, tasks, returned = _run(cc, dict(base, cc_secrets_dir=str(secrets_dir)))
    assert run.returncode == 0, _failures(run)
    assert sorted(returned) == [admin_name, app_name]
    for name, key in returned.items():
        assert key["secret"] == cc.api_keys[key["id"]]["spec"]["secret"], name
        with open(str(secrets_dir / (name + ".yml"))) as handle:
            assert yaml.safe_load(handle) == {"api_key": key["id"], "api_secret": key["secret"]}
        assert oct(os.stat(str(secrets_dir / (name + ".yml"))).st_mode & 0o777) == "0o600"
    _secrets_only_in_stats(run, [k["secret"] for k in returned.values()])
    assert not os.path.exists(os.path.join(COLL, "playbooks", "secrets"))
    assert tasks["Confluent Cloud | Topics (replication factor 3, the only one Confluent Cloud "
                 "allows)"]["changed"] is True
    client = KafkaAdminClient(**secure.admin_config())
    try:
        assert {prefix + ".orders", prefix + ".payments"} <= set(client.list_topics())
        acls = client.describe_acls(ACLFilter(
            "User:" + _app_account(cc, prefix), None, ACLOperation.ANY, ACLPermissionType.ANY,
            ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)))[0]
        assert sorted((a.resource_pattern.resource_name, a.operation.name) for a in acls) == [
            (prefix + "-orders", "READ"), (prefix + ".orders", "DESCRIBE"),
            (prefix + ".orders", "READ"), (prefix + ".orders", "WRITE")]
    finally:
        client.close()
    app_key = returned[app_name]["id"]

    # 2. no secrets at all: the admin key is replaced, the rest stays as it is; its new secret
    #    is also written vault-encrypted when a vault password file is given
    password_file = tmp_path / "vault-pass"
    password_file.write_text("vault-pass-for-the-test\n")
    vaulted = tmp_path / "vaulted"
    run, tasks, returned = _run(cc, dict(base, cc_secrets_dir=str(vaulted),
                                         cc_vault_password_file=str(password_file)))
    assert run.returncode == 0, _failures(run)
    assert list(returned) == [admin_name]
    assert [k["id"] for k in _keys_named(cc, admin_name)] == [returned[admin_name]["id"]]
    assert [k["id"] for k in _keys_named(cc, app_name)] == [app_key]
    changed = sorted(name for name, result in tasks.items() if result.get("changed"))
    assert changed == ["Confluent Cloud | Create the admin key again",
                       "Confluent Cloud | Delete the admin key",
                       "Confluent Cloud | Secrets folder",
                       "Confluent Cloud | Write each new secret once (vault-encrypted with a vault "
                       "password)"], changed
    admin_key, admin_secret = returned[admin_name]["id"], returned[admin_name]["secret"]
    assert sorted(os.listdir(str(vaulted))) == [admin_name + ".vault.yml"]
    vault = VaultLib([(DEFAULT_VAULT_ID_MATCH, VaultSecret(b"vault-pass-for-the-test"))])
    with open(str(vaulted / (admin_name + ".vault.yml")), "rb") as handle:
        assert yaml.safe_load(vault.decrypt(handle.read())) == {"api_key": admin_key,
                                                                "api_secret": admin_secret}

    # 3. with the admin secret from run 2: nothing changes, nothing is returned
    run, tasks, returned = _run(cc, dict(base, cc_admin_api_secret=admin_secret))
    assert run.returncode == 0, _failures(run)
    assert run.stats()["changed"] == 0, [n for n, r in tasks.items() if r.get("changed")]
    assert returned == {}
    assert [k["id"] for k in _keys_named(cc, admin_name)] == [admin_key]

    run, tasks, _ = _run(cc, dict(base, cc_admin_api_secret="not-the-admin-secret"))
    topics = tasks["Confluent Cloud | Topics (replication factor 3, the only one Confluent Cloud "
                   "allows)"]
    assert run.returncode != 0 and topics.get("failed"), run.stdout[-3000:]
    assert topics.get("attempts", 1) == 1, topics
    assert "authentication" in topics["msg"].lower(), topics["msg"]
    assert "not-the-admin-secret" not in run.stdout
