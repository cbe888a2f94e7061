"""Fixtures of the kafka_broker area: the dev cluster brought up by playbooks/dev_env.yml."""
import os
import subprocess

import pytest

from testbed.kafka import REPO, free_port_block

PLAYBOOK = os.path.join(REPO, "ansible_collections", "specweave", "kafka", "playbooks", "dev_env.yml")


@pytest.fixture(scope="session")
def kafka_archive():
    out = subprocess.run([os.path.join(REPO, "scripts", "kafka-archive.sh")], check=True,
                         stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def dev_env(tmp_path_factory, kafka_archive):
    """Environment for dev_env.yml runs: own state dir, own ports, the cached archive."""
    state = str(tmp_path_factory.mktemp("kafka-dev"))
    env = {
        "KAFKA_DEV_DIR": state,
        "KAFKA_DEV_BASE_PORT": str(free_port_block()),
        "KAFKA_ARCHIVE": kafka_archive,
        "ANSIBLE_PIPELINING": "true",
    }
    yield env
    # never leave a broker behind, whatever the test did; stop all nodes at once (the last
    # node of a KRaft quorum stopped alone would wait for a quorum that is gone)
    stops = []
    for node in (1, 2, 3):
        ctl = os.path.join(state, "node-%d" % node, "config", "kafka-ctl")
        if os.path.exists(ctl):
            stops.append(subprocess.Popen([ctl, "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for proc in stops:
        proc.wait()
