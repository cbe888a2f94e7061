"""Constants and helpers of the strimzi area's tests (imported by its conftest and tests)."""
import os
import re

import yaml

from testbed.kafka import REPO

COLLECTION = os.path.join(REPO, "ansible_collections", "specweave", "kafka")
PLAYBOOK = os.path.join(COLLECTION, "playbooks", "strimzi.yml")
DESIRED_STATE = os.path.join(COLLECTION, "examples", "site", "kafka_desired_state.yml")
NAMESPACE = "kafka"
PASSWORDS = {"orders": "orders-secret", "analytics": "analytics-secret"}


def desired_state_text():
    """examples/site/kafka_desired_state.yml, the file site.yml applies, with the vault
    references replaced by literal passwords (the test has no vault)."""
    with open(DESIRED_STATE) as handle:
        text = handle.read()
    return re.sub(r'"\{\{ vault_kafka_user_passwords\.(\w+) \}\}"',
                  lambda m: '"%s"' % PASSWORDS[m.group(1)], text)


def load_desired_state(path):
    with open(path) as handle:
        return yaml.safe_load(handle)
