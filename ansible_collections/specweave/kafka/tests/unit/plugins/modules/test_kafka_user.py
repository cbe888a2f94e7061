# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_user's main() against a fake admin client at the KafkaConnection seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from kafka.admin import UserScramCredentialDeletion

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_user as user_utils
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import KafkaConnection
from ansible_collections.specweave.kafka.plugins.modules import kafka_user

CONNECTION = dict(bootstrap_servers=["127.0.0.1:9092"], security_protocol="SASL_PLAINTEXT",
                  sasl_mechanism="SCRAM-SHA-512", sasl_username="admin",
                  sasl_password="admin-secret")


class FakeAdmin(object):
    """The SCRAM calls of kafka-python's KafkaAdminClient over {user: {mechanism: iterations}}."""

    def __init__(self, users=None, refuse=()):
        self.users = dict(users or {})
        self.refuse = dict(refuse)
        self.calls = []
        self.altered = []

    def describe_user_scram_credentials(self, names):
        self.calls.append(("describe", list(names)))
        answer = {}
        for name in names:
            if name in self.users:
                answer[name] = dict(error=None, credential_infos=[
                    dict(mechanism=mech.replace("-", "_"), iterations=iters)
                    for mech, iters in sorted(self.users[name].items())])
            else:
                answer[name] = dict(error="ResourceNotFoundError", credential_infos=[])
        return answer

    def alter_user_scram_credentials(self, alterations):
        self.calls.append(("alter", len(alterations)))
        outcome = {}
        for item in alterations:
            name = item.user
            self.altered.append(item)
            if name in self.refuse:
                outcome[name] = self.refuse[name]
                continue
            outcome.setdefault(name, None)
            if isinstance(item, UserScramCredentialDeletion):
                self.users.get(name, {}).pop(item.mechanism.name.replace("_", "-"), None)
            else:
                self.users.setdefault(name, {})[item.mechanism.name.replace("_", "-")] = \
                    item.iterations
        return outcome

    def close(self):
        pass


@pytest.fixture
def fake(monkeypatch):
    admin = FakeAdmin()
    monkeypatch.setattr(KafkaConnection, "open", lambda self, ctx=None: admin)
    return admin


def args(**options):
    result = dict(CONNECTION)
    result.update(options)
    return result


def test_no_op(run_main, fake):
    fake.users = {"orders": {"SCRAM-SHA-512": 4096}}
    result, failed = run_main(kafka_user.main, args(name="orders", password="s3cret"))
    assert not failed and result["changed"] is False
    assert result["changes"] == {}
    assert result["users"] == {"orders": {"SCRAM-SHA-512": {"iterations": 4096}}}
    assert fake.calls == [("describe", ["orders"])]


def test_create_sends_one_upsertion(run_main, fake):
    result, failed = run_main(kafka_user.main, args(name="orders", password="s3cret",
                                                    iterations=8192))
    assert not failed and result["changed"] is True
    assert result["changes"] == {"orders/SCRAM-SHA-512": "created"}
    assert fake.calls == [("describe", ["orders"]), ("alter", 1)]
    (upsert,) = fake.altered
    assert (upsert.user, upsert.mechanism.name, upsert.iterations) == \
        ("orders", "SCRAM_SHA_512", 8192)
    assert fake.users == {"orders": {"SCRAM-SHA-512": 8192}}
    assert "s3cret" not in repr(result)


def test_check_mode_predicts_the_real_run(run_main, fake):
    fake.users = {"legacy": {"SCRAM-SHA-256": 4096, "SCRAM-SHA-512": 4096}}
    users = [dict(name="orders", password="pw", mechanism="SCRAM-SHA-256"),
             dict(name="legacy", state="absent")]
    predicted, failed = run_main(kafka_user.main, args(users=users), check_mode=True, diff=True)
    assert not failed and predicted["changed"] is True
    assert fake.calls == [("describe", ["legacy", "orders"])]
    assert fake.users == {"legacy": {"SCRAM-SHA-256": 4096, "SCRAM-SHA-512": 4096}}
    applied, failed = run_main(kafka_user.main, args(users=users), diff=True)
    assert not failed and applied == predicted
    assert fake.users == {"orders": {"SCRAM-SHA-256": 4096}, "legacy": {}}
    assert predicted["diff"] == dict(
        before={"legacy": {"SCRAM-SHA-256": {"iterations": 4096},
                           "SCRAM-SHA-512": {"iterations": 4096}}},
        after={"orders": {"SCRAM-SHA-256": {"iterations": 4096}}})
    assert predicted["changes"] == {"orders/SCRAM-SHA-256": "created",
                                    "legacy/SCRAM-SHA-256": "deleted",
                                    "legacy/SCRAM-SHA-512": "deleted"}
    again, failed = run_main(kafka_user.main, args(users=users))
    assert not failed and again["changed"] is False


def test_partial_failure_names_the_refused_users(run_main, fake):
    fake.refuse = {"bad": "UnacceptableCredentialError: too short"}
    users = [dict(name="good", password="pw"), dict(name="bad", password="x")]
    result, failed = run_main(kafka_user.main, args(users=users))
    assert failed
    assert result["msg"] == ("Kafka refused the credentials of bad: UnacceptableCredentialError: "
                             "too short; the other users were applied")
    assert result["failed_users"] == ["bad"]
    assert result["changed"] is True
    assert result["changes"] == {"good/SCRAM-SHA-512": "created", "bad/SCRAM-SHA-512": "created"}
    assert fake.users == {"good": {"SCRAM-SHA-512": 4096}}


@pytest.mark.parametrize("options, expected", [
    (dict(name="orders"), "Invalid users, nothing was changed: name: user orders needs a "
                          "password for state=present"),
    (dict(name="orders", password="pw", iterations=100),
     "Invalid users, nothing was changed: name: iterations must be an integer from 4096 to "
     "16384 (got 100)"),
    (dict(name="orders", password="pw", verify_password=True, security_protocol="PLAINTEXT"),
     "verify_password needs a SASL listener: set verify_bootstrap_servers (the module connects "
     "with security_protocol PLAINTEXT)"),
])
def test_invalid_input_fails_before_any_request(run_main, fake, options, expected):
    if options.get("security_protocol") == "PLAINTEXT":
        options = dict(options, bootstrap_servers=CONNECTION["bootstrap_servers"])
    else:
        options = args(**options)
    result, failed = run_main(kafka_user.main, options)
    assert failed and result["msg"] == expected
    assert fake.calls == []


def test_name_and_users_are_mutually_exclusive(run_main, fake):
    result, failed = run_main(kafka_user.main, args(name="a", password="b",
                                                    users=[dict(name="c", password="d")]))
    assert failed and "mutually exclusive" in result["msg"]
    assert fake.calls == []


def test_verify_password_rewrites_only_drifted_passwords(run_main, fake, monkeypatch):
    fake.users = {"ok": {"SCRAM-SHA-512": 4096}, "drift": {"SCRAM-SHA-512": 4096}}
    logins = []

    def authenticates(verify_params, name, mechanism, password):
        logins.append((verify_params["bootstrap_servers"], name, mechanism, password))
        return name == "ok"

    monkeypatch.setattr(user_utils, "authenticates", authenticates)
    users = [dict(name="ok", password="pw1"), dict(name="drift", password="pw2"),
             dict(name="new", password="pw3")]
    result, failed = run_main(kafka_user.main, args(
        users=users, update_password="always", verify_password=True,
        verify_bootstrap_servers=["127.0.0.1:9094"]))
    assert not failed and result["changed"] is True
    assert result["password_mismatch"] == ["drift/SCRAM-SHA-512"]
    assert result["changes"] == {"drift/SCRAM-SHA-512": "password changed",
                                 "new/SCRAM-SHA-512": "created"}
    assert logins == [(["127.0.0.1:9094"], "ok", "SCRAM-SHA-512", "pw1"),
                      (["127.0.0.1:9094"], "drift", "SCRAM-SHA-512", "pw2")]
    assert sorted(item.user for item in fake.altered) == ["drift", "new"]


def test_verify_password_error_names_the_step(run_main, fake, monkeypatch):
    fake.users = {"ok": {"SCRAM-SHA-512": 4096}}

    def authenticates(verify_params, name, mechanism, password):
        raise RuntimeError("listener gone")

    monkeypatch.setattr(user_utils, "authenticates", authenticates)
    result, failed = run_main(kafka_user.main, args(name="ok", password="pw",
                                                    verify_password=True))
    assert failed
    assert result["msg"] == ("verifying the password of ok (SCRAM-SHA-512) failed against "
                             "127.0.0.1:9092: RuntimeError: listener gone")
