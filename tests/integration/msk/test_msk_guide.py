"""The MSK guide's two playbooks (docs/docsite/rst/msk.rst) need an AWS account: moto keeps a
cluster CREATING and has no bootstrap brokers, configurations or SCRAM associations, and no MSK
broker runs here. What is proven here is that they are what they claim to be: valid playbooks
whose modules, role and options exist (ansible-playbook --syntax-check, and each task's options
against the module's argument spec). The modules and the role themselves run against moto in
test_msk_moto.py and on botocore's Stubber in the unit tests."""
import importlib
import os
import subprocess

import yaml

from testbed import guides
from testbed.ansible import VENV_BIN, ansible_env


def _tasks(plays):
    for play in plays:
        for task in play.get("tasks", []):
            yield task


def test_guide_playbooks_are_valid(tmp_path):
    blocks = [b for b in guides.blocks("msk.rst") if b.language == "yaml"]
    assert len(blocks) == 2, "the guide's serverless and SCRAM playbooks"
    plays = []
    for block in blocks:
        plays.extend(yaml.safe_load(block.text))
    path = guides.write_playbook(str(tmp_path / "guide.yml"), plays)
    proc = subprocess.run([os.path.join(VENV_BIN, "ansible-playbook"), "--syntax-check", path],
                          env=ansible_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # every option of every task is one the module takes
    for task in _tasks(plays):
        (name,) = [key for key in task if key.startswith("specweave.kafka.")]
        module = importlib.import_module(
            "ansible_collections.specweave.kafka.plugins.modules." + name.split(".")[-1])
        unknown = set(task[name]) - set(module.ARGUMENT_SPEC) - {"region", "bootstrap_servers",
                                                                "security_protocol",
                                                                "sasl_mechanism"}
        assert not unknown, (name, unknown)
    # every variable the role example sets is one of the role's
    with open(os.path.join(guides.COLLECTION, "roles", "msk", "defaults", "main.yml")) as handle:
        defaults = yaml.safe_load(handle)
    (role,) = [r for play in plays for r in play.get("roles", [])]
    assert set(role["vars"]) <= set(defaults), set(role["vars"]) - set(defaults)
