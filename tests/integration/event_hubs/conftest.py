"""Fixtures of the Event Hubs tests: one contract-validating fake of Azure Resource Manager.

The fake (testbed.azure_arm_fake) validates every request and response against Microsoft's
published Microsoft.EventHub 2024-01-01 specification in ../shared/reference/; when it is
missing the fixture errors out with the reason instead of skipping. These tests prove the
modules against the API contract, not against the Azure service.
"""
import importlib

import pytest

from ansible_collections.specweave.kafka.tests.unit.plugins.modules import conftest as unit
from testbed.ansible import run_module
from testbed.azure_arm_fake import AzureArmFake

# main() in this process, exit_json/fail_json caught: the unit tests' fixture
run_main = unit.run_main



@pytest.fixture(scope="session")
def arm_fake():
    fake = AzureArmFake(taken_names=["taken-elsewhere"]).start()
    yield fake
    fake.stop()


@pytest.fixture
def arm(arm_fake):
    """The fake; after each test, no request or response may have broken the contract."""
    arm_fake.take_violations()
    arm_fake.take_requests()
    yield arm_fake
    violations = arm_fake.take_violations()
    assert violations == [], "contract violations:\n" + "\n".join(violations)


@pytest.fixture
def ehm(arm):
    """``ehm("event_hub", {...}, check=..)`` runs a module against the fake."""
    def run(name, args, check=False, diff=True, verbosity=0):
        merged = arm.module_args()
        merged.update(args)
        return run_module(name, merged, check=check, diff=diff, verbosity=verbosity)
    return run


@pytest.fixture
def eh(arm, run_main):
    """``eh(module, {...}, check=..)`` runs a module's ``main()`` in this process against the
    fake: the real argument spec, planners, runner and Azure SDK over HTTPS, without the cost of
    an Ansible process. Returns ``(result, failed)``."""
    modules = {}

    def run(name, args, check=False, diff=True, connection=None):
        """``connection``: the connection options (default: the fake's static token)."""
        if name not in modules:
            modules[name] = importlib.import_module(
                "ansible_collections.specweave.kafka.plugins.modules." + name)
        merged = arm.module_args() if connection is None else dict(connection)
        merged.update(args)
        return run_main(modules[name].main, merged, check_mode=check, diff=diff)
    return run
