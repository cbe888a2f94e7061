"""The dev cluster's playbook and the extra vars of every run of it in the kafka_broker area (a module of
its own: test modules cannot import `conftest`, other areas have one of that name too)."""
import os

from testbed.kafka import REPO, TEST_JVM_ARGS

PLAYBOOK = os.path.join(REPO, "ansible_collections", "specweave", "kafka", "playbooks", "dev_env.yml")


# Extra vars of every dev_env.yml run of the area: short `for` durations and a small lag threshold,
# so that the monitoring tests' faults fire within seconds, and the test bed's JVM options for
# brokers (testbed.kafka.TEST_JVM_ARGS). The same on every run: a re-run with them changes nothing.
DEV_VARS = {
    "kafka_monitoring_alert_for": {},
    "kafka_monitoring_alert_for_default": "5s",
    "kafka_monitoring_alert_consumer_lag": 20,
    "kafka_monitoring_lag_window": "30s",
    "kafka_broker_jvm_extra_opts": " ".join(TEST_JVM_ARGS),
}
