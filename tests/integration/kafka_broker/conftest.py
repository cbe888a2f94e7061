"""Fixtures of the kafka_broker area: the dev cluster brought up by playbooks/dev_env.yml.

One dev cluster serves the area: it runs with monitoring (KAFKA_DEV_MONITORING: the metrics agent on
every node, Prometheus, node_exporter and the consumer lag exporter beside them), so that the
monitoring tests (test_dev_env_monitoring.py, which run first) and the lifecycle test
(test_dev_lifecycle.py, which ends by removing it) share one bring-up."""
import os
import subprocess

import pytest

from testbed.ansible import run_playbook
from testbed.kafka import free_port_block
from testbed.cache import cached

from dev_cluster import DEV_VARS, PLAYBOOK


@pytest.fixture(scope="session")
def kafka_archive():
    return cached("kafka-archive.sh")


@pytest.fixture(scope="session")
def dev_env(tmp_path_factory, kafka_archive):
    """Environment for dev_env.yml runs: own state dir, own ports (base..base+11), the cached
    archive, monitoring on with the cached programs."""
    state = str(tmp_path_factory.mktemp("kafka-dev"))
    env = {
        "KAFKA_DEV_DIR": state,
        "KAFKA_DEV_BASE_PORT": str(free_port_block(12)),
        "KAFKA_ARCHIVE": kafka_archive,
        "KAFKA_DEV_MONITORING": "1",
        "KAFKA_DEV_PROMETHEUS_BIN": cached("prometheus.sh"),
        "KAFKA_DEV_OTELCOL": cached("otelcol.sh"),
        "KAFKA_DEV_METRICS_AGENT": cached("otel-javaagent.sh"),
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
    monitoring = os.path.join(state, "monitoring", "config")
    for name in ("prometheus", "otelcol-kafka", "node_exporter"):
        ctl = os.path.join(monitoring, name + "-ctl")
        if os.path.exists(ctl):
            subprocess.run([ctl, "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def dev_up(dev_env):
    """The dev cluster brought up once from nothing (monitoring included), for the area's tests."""
    up = run_playbook(PLAYBOOK, dict(DEV_VARS, kafka_dev_state="present"), env=dev_env)
    assert up.returncode == 0, up.stdout[-5000:]
    return up
