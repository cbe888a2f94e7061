"""Fixtures of the AWS MSK tests: one moto server for the session (127.0.0.1, stopped by PID).

moto emulates MSK's create/describe/list/delete and tags, Secrets Manager and KMS; it keeps a
cluster CREATING for ever, answers a deleted cluster's describe with HTTP 500 and has no update
calls, bootstrap brokers, configurations or SCRAM associations. Those are covered by the unit
tests on botocore's Stubber (tests/unit/plugins/modules/test_msk_*.py).
"""
import pytest

from testbed.ansible import run_module


@pytest.fixture(scope="session")
def moto(tmp_path_factory):
    pytest.importorskip("moto", reason="moto[server] is in requirements-dev.txt")
    from testbed.moto_server import MotoServer
    server = MotoServer(log_dir=str(tmp_path_factory.mktemp("moto"))).start()
    yield server
    server.stop()


@pytest.fixture
def aws(moto):
    """A clean moto for the test."""
    moto.reset()
    return moto


@pytest.fixture
def msk(aws):
    """``msk("msk_cluster", {...}, check=..)`` runs a module against moto."""
    def run(name, args, check=False, diff=True):
        return run_module(name, args, check=check, diff=diff, env=aws.env())
    return run
