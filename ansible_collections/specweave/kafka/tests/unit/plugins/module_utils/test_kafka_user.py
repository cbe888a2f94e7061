# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import logging

import pytest

from kafka import errors as kafka_errors

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_user
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_user import (
    UserValidationError,
    alterations,
    apply_plan,
    authenticates,
    current_from_describe,
    normalize_users,
    plan,
    state_view,
    verify_config,
)


def params(**overrides):
    base = dict(name=None, password=None, users=None, mechanism=None, iterations=4096,
                state="present")
    base.update(overrides)
    return base


def test_single_user_defaults():
    entries = normalize_users(params(name="alice", password="pw"))
    assert entries == [dict(name="alice", mechanism="SCRAM-SHA-512", iterations=4096,
                            password="pw", state="present")]


def test_list_items_inherit_top_level():
    entries = normalize_users(params(mechanism="SCRAM-SHA-256", iterations=8192, users=[
        dict(name="a", password="x"), dict(name="b", password="y", mechanism="SCRAM-SHA-512",
                                           iterations=4096)]))
    assert [(e["mechanism"], e["iterations"]) for e in entries] == [
        ("SCRAM-SHA-256", 8192), ("SCRAM-SHA-512", 4096)]


def test_absent_without_mechanism_means_all():
    entries = normalize_users(params(users=[dict(name="a", state="absent")]))
    assert entries[0]["mechanism"] is None


@pytest.mark.parametrize("overrides, message", [
    (dict(users=[]), "at least one user"),
    (dict(name="a", users=[dict(name="b")]), "not both"),
    (dict(name="a"), "needs a password"),
    (dict(name="a", password=""), "needs a password"),
    (dict(name=" a", password="x"), "surrounding spaces"),
    (dict(users=[dict(name="a\x00", password="x")]), "control characters"),
    (dict(name="a", password="x", iterations=100), "iterations must be"),
    (dict(name="a", password="x", iterations=20000), "iterations must be"),
    (dict(name="a", password="x", mechanism="PLAIN"), "not one of"),
    (dict(users=[dict(name="a", password="x"), dict(name="a", password="y")]), "declared twice"),
    (dict(users=[dict(name="a", password="x"), dict(name="a", state="absent")]), "declared twice"),
])
def test_invalid(overrides, message):
    with pytest.raises(UserValidationError, match=message):
        normalize_users(params(**overrides))


class FakeMechanism(object):
    def __init__(self, name):
        self.name = name


def test_current_from_describe_skips_missing():
    described = {
        "alice": dict(error=None, credential_infos=[
            dict(mechanism=FakeMechanism("SCRAM_SHA_512"), iterations=4096)]),
        "ghost": dict(error="Attempt to describe a user credential that does not exist",
                      credential_infos=[]),
    }
    assert current_from_describe(described) == {"alice": {"SCRAM-SHA-512": 4096}}


def entry(name="alice", mechanism="SCRAM-SHA-512", iterations=4096, state="present"):
    return dict(name=name, mechanism=mechanism, iterations=iterations, password="pw",
                state=state)


@pytest.mark.parametrize("current, update, drifted, upserted, reason", [
    ({}, "on_create", None, True, "created"),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "on_create", None, False, None),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "always", None, True, "password set"),
    ({"alice": {"SCRAM-SHA-512": 8192}}, "on_create", None, True, "iterations 8192 -> 4096"),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "always", set(), False, None),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "always", set([("alice", "SCRAM-SHA-512")]), True,
     "password changed"),
    ({"alice": {"SCRAM-SHA-512": 4096}}, "on_create", set([("alice", "SCRAM-SHA-512")]), False,
     None),
    ({"alice": {"SCRAM-SHA-256": 4096}}, "on_create", None, True, "created"),
])
def test_plan_present(current, update, drifted, upserted, reason):
    upserts, deletions, reasons = plan([entry()], current, update, drifted)
    assert bool(upserts) is upserted and deletions == []
    if reason:
        assert reasons["alice/SCRAM-SHA-512"].startswith(reason)
    else:
        assert reasons == {}


def test_plan_absent_all_mechanisms_and_missing():
    current = {"alice": {"SCRAM-SHA-512": 4096, "SCRAM-SHA-256": 4096}}
    deletions = plan([entry(mechanism=None, state="absent"),
                     entry(name="ghost", state="absent")], current)[1]
    assert deletions == [("alice", "SCRAM-SHA-256"), ("alice", "SCRAM-SHA-512")]
    after = apply_plan(current, [], deletions)
    assert after == {}


def test_state_view_has_no_password():
    after = apply_plan({}, [entry()], [])
    view = state_view(after, ["alice", "bob"])
    assert view == {"alice": {"SCRAM-SHA-512": {"iterations": 4096}}}
    assert "pw" not in repr(view)


VERIFY = dict(bootstrap_servers=["127.0.0.1:9094"], security_protocol="SASL_SSL",
              ssl_cafile="/ca.pem", ssl_check_hostname=True, client_id="ansible",
              request_timeout_ms=30000)


class FakeLogin(object):
    """KafkaAdminClient for authenticates(): logs ``log`` then raises ``error`` (or connects)."""

    configs = []
    closed = []

    def __init__(self, **config):
        FakeLogin.configs.append(config)
        if self.log:
            logging.getLogger("kafka.net.transport").error("<Transport 127.0.0.1:9094>: %s",
                                                           self.log)
        if self.error is not None:
            raise self.error

    def close(self):
        FakeLogin.closed.append(True)


@pytest.fixture
def login(monkeypatch):
    FakeLogin.configs, FakeLogin.closed = [], []
    FakeLogin.log, FakeLogin.error = None, None
    monkeypatch.setattr(kafka_user, "KafkaAdminClient", FakeLogin)
    return FakeLogin


def test_authenticates_logs_in_as_the_user(login):
    assert authenticates(VERIFY, "orders", "SCRAM-SHA-256", "pw") is True
    (config,) = login.configs
    assert config["sasl_mechanism"] == "SCRAM-SHA-256"
    assert (config["sasl_plain_username"], config["sasl_plain_password"]) == ("orders", "pw")
    assert config["client_id"] == "specweave-kafka-verify"
    assert config["bootstrap_timeout_ms"] == 5000
    assert config["ssl_cafile"] == "/ca.pem" and config["security_protocol"] == "SASL_SSL"
    assert login.closed == [True]


def test_authenticates_refused_login(login):
    login.error = kafka_errors.SaslAuthenticationFailedError("bad password")
    assert authenticates(VERIFY, "orders", "SCRAM-SHA-512", "wrong") is False


def test_authenticates_broker_hang_up_is_a_refused_login(login):
    login.log = "socket disconnected"
    login.error = kafka_errors.KafkaTimeoutError()
    handlers = list(logging.getLogger("kafka").handlers)
    assert authenticates(VERIFY, "orders", "SCRAM-SHA-512", "wrong") is False
    assert logging.getLogger("kafka").handlers == handlers


def test_authenticates_other_errors_propagate(login):
    login.log = "connection refused"
    login.error = kafka_errors.KafkaTimeoutError()
    with pytest.raises(kafka_errors.KafkaTimeoutError):
        authenticates(VERIFY, "orders", "SCRAM-SHA-512", "pw")


@pytest.mark.parametrize("given, servers, protocol", [
    (dict(security_protocol="SASL_PLAINTEXT", bootstrap_servers=["b:9092"]), ["b:9092"],
     "SASL_PLAINTEXT"),
    (dict(security_protocol="SSL", bootstrap_servers=["b:9093"],
          verify_bootstrap_servers=["b:9094"]), ["b:9094"], "SASL_SSL"),
    (dict(security_protocol="SSL", bootstrap_servers=["b:9093"],
          verify_bootstrap_servers=["b:9095"], verify_security_protocol="SASL_PLAINTEXT"),
     ["b:9095"], "SASL_PLAINTEXT"),
])
def test_verify_config(given, servers, protocol):
    given = dict(given, ssl_certfile="/c.pem", ssl_keyfile="/k.pem", ssl_password="x")
    verify, problem = verify_config(given)
    assert problem is None
    assert verify["bootstrap_servers"] == servers and verify["security_protocol"] == protocol
    assert verify["ssl_certfile"] is verify["ssl_keyfile"] is verify["ssl_password"] is None


def test_verify_config_needs_a_sasl_listener():
    verify, problem = verify_config(dict(security_protocol="SSL", bootstrap_servers=["b:9093"]))
    assert verify is None
    assert problem.startswith("verify_password needs a SASL listener")


def test_alterations_delete_first():
    batch = alterations([dict(name="a", mechanism="SCRAM-SHA-256", password="pw",
                              iterations=8192)], [("b", "SCRAM-SHA-512")])
    assert [type(item).__name__ for item in batch] == ["UserScramCredentialDeletion",
                                                       "UserScramCredentialUpsertion"]
    assert (batch[1].user, batch[1].iterations) == ("a", 8192)
    assert (batch[0].user, batch[0].mechanism.name) == ("b", "SCRAM_SHA_512")
