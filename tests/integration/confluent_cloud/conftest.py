"""Fixtures for the Confluent Cloud tests: the contract-validating fake of the control plane.

The fake validates every request and response against the official OpenAPI specs in
../shared/reference/confluent-cloud-openapi/; when they (or openapi-core) are missing the
fixture errors out with the reason instead of skipping.
"""
import pytest

from testbed.ansible import run_module


@pytest.fixture
def cc(cc_fake):
    """The fake; after each test, no request or response may have broken the contract."""
    cc_fake.take_violations()
    yield cc_fake
    violations = cc_fake.take_violations()
    assert violations == [], "contract violations:\n" + "\n".join(violations)


# The fake's delays count reads ("polls"), not seconds: the modules that wait poll it every
# POLL seconds unless a test says otherwise.
POLL = 0.02
WAITING_MODULES = ("confluent_environment", "confluent_cluster", "confluent_service_account",
                   "confluent_api_key")


@pytest.fixture
def ccm(cc):
    """``ccm("confluent_cluster", {...}, check=..)`` runs a module against the fake."""
    def run(name, args, check=False, diff=True, env=None):
        merged = cc.env()
        merged.update(env or {})
        if name in WAITING_MODULES:
            args = dict(args)
            args.setdefault("wait_interval", POLL)
        return run_module(name, args, check=check, diff=diff, env=merged)
    return run


@pytest.fixture
def fake_settings(cc, monkeypatch):
    """``fake_settings(list_lag_polls=3, ...)``: the fake's behaviour for one test."""
    def change(**settings):
        for name, value in settings.items():
            monkeypatch.setattr(cc, name, value)
    return change
