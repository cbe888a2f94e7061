"""Fixtures of the strimzi area: a real kube-apiserver with etcd on 127.0.0.1 (testbed.kube),
started once for the area, with Strimzi's and OLM's CRDs applied; and the stand-in that writes
the statuses the Strimzi operator and OLM would write (no operator can run pods here)."""
import os
import re

import pytest
import yaml

from testbed.kafka import REPO
from testbed.kube import KubeApiServer, OperatorStandIn, running

COLLECTION = os.path.join(REPO, "ansible_collections", "specweave", "kafka")
PLAYBOOK = os.path.join(COLLECTION, "playbooks", "strimzi.yml")
DESIRED_STATE = os.path.join(COLLECTION, "examples", "site", "kafka_desired_state.yml")
NAMESPACE = "kafka"
PASSWORDS = {"orders": "orders-secret", "analytics": "analytics-secret"}


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
    """examples/site/kafka_desired_state.yml, the file site.yml applies, with the vault
    references replaced by literal passwords (the test has no vault)."""
    with open(DESIRED_STATE) as handle:
        text = handle.read()
    text = re.sub(r'"\{\{ vault_kafka_user_passwords\.(\w+) \}\}"',
                  lambda m: '"%s"' % PASSWORDS[m.group(1)], text)
    path = tmp_path_factory.mktemp("strimzi") / "desired_state.yml"
    path.write_text(text)
    return str(path)


def load_desired_state(path):
    with open(path) as handle:
        return yaml.safe_load(handle)
