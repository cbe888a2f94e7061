"""Fixtures of the strimzi area: a real kube-apiserver with etcd on 127.0.0.1 (testbed.kube),
started once for the area, with Strimzi's and OLM's CRDs applied; and the stand-in that writes
the statuses the Strimzi operator and OLM would write (no operator can run pods here)."""
import pytest

from strimzi_env import NAMESPACE, desired_state_text
from testbed.kube import KubeApiServer, OperatorStandIn, running


@pytest.fixture(scope="session")
def kube():
    yield from running(KubeApiServer())


@pytest.fixture(scope="session")
def operator(kube):
    standin = OperatorStandIn(kube, NAMESPACE).start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def desired_state_file(tmp_path_factory):
    """The desired-state file of site.yml, passwords filled in (strimzi_env.desired_state_text)."""
    path = tmp_path_factory.mktemp("strimzi") / "desired_state.yml"
    path.write_text(desired_state_text())
    return str(path)
