"""The ansible-core smoke: one playbook run by the ansible-playbook of each virtualenv under test,
against one real KRaft broker.

The integration stage runs it with the main virtualenv (the Python running pytest).
scripts/core-matrix.sh sets SPECWEAVE_CORE_VENVS="2.16=<venv> 2.17=<venv> ..." to the virtualenvs
of the older ansible-core versions the collection claims (meta/runtime.yml): the same playbook
then runs once with each, and must report the version that virtualenv is for.

It exercises what differs between ansible-core versions: the collection loader (FQCN modules and
the module_utils they import), the action group of meta/runtime.yml through module_defaults, check
mode, registered results and a loop, and the modules' argument specs as each version validates
them.
"""
import json
import os
import re
import subprocess
import sys
import uuid

import pytest

from testbed.ansible import ansible_env

TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand"

PLAYBOOK = """
- name: ansible-core smoke
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/specweave.kafka.kafka:
      bootstrap_servers: "{{ bootstrap }}"
      request_timeout_ms: 20000
  tasks:
    - name: Version
      ansible.builtin.debug:
        msg: "{{ ansible_version.full }}"

    - name: Predict
      specweave.kafka.kafka_topic:
        topics: "{{ topics }}"
      check_mode: true
      register: predicted

    - name: Create
      specweave.kafka.kafka_topic:
        topics: "{{ topics }}"
      register: created

    - name: Re-run
      specweave.kafka.kafka_topic:
        topics: "{{ topics }}"
      register: again

    - name: Read
      specweave.kafka.kafka_info:
        topics: "{{ topics | map(attribute='name') | list }}"
        gather: [topics, configs]
      register: info

    - name: Each topic as read
      ansible.builtin.assert:
        that:
          - info.topics[item.name].partition_count == item.partitions
        quiet: true
      loop: "{{ topics }}"
"""


def virtualenvs():
    """[(expected version prefix or None, virtualenv bin folder)]"""
    pairs = [entry.split("=", 1) for entry in os.environ.get("SPECWEAVE_CORE_VENVS", "").split()]
    if pairs:
        return [(version, os.path.join(venv, "bin")) for version, venv in pairs]
    return [(None, os.path.dirname(sys.executable))]


def core_version(bin_dir):
    return subprocess.run([os.path.join(bin_dir, "python"), "-c",
                           "from ansible.release import __version__; print(__version__)"],
                          check=True, stdout=subprocess.PIPE, text=True).stdout.strip()


def run_playbook(bin_dir, playbook, extra_vars):
    """ansible-playbook of ``bin_dir`` with the test bed's environment (json callback, the
    checkout's collection), that virtualenv's Python for the modules; the tasks' results."""
    env = ansible_env({"ANSIBLE_PYTHON_INTERPRETER": os.path.join(bin_dir, "python"),
                       "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")})
    proc = subprocess.run([os.path.join(bin_dir, "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           playbook, "-e", json.dumps(extra_vars)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    data = json.loads(proc.stdout[proc.stdout.find("{"):])
    results = {}
    for play in data["plays"]:
        for task in play["tasks"]:
            results[task["task"]["name"]] = task["hosts"]["localhost"]
    return results, data["stats"]["localhost"]


@pytest.mark.parametrize("expected, bin_dir", virtualenvs(),
                         ids=[version or "this-python" for version, _ in virtualenvs()])
def test_playbook_under_each_ansible_core(kafka, tmp_path, expected, bin_dir):
    version = core_version(bin_dir)
    if expected:
        assert version.startswith(expected + "."), (bin_dir, version, expected)
    prefix = "it.core.%s." % uuid.uuid4().hex[:6]
    topics = [dict(name=prefix + "orders", partitions=3, config={"retention.ms": "1d"}),
              dict(name=prefix + "audit", partitions=1)]
    path = tmp_path / "smoke.yml"
    path.write_text(PLAYBOOK)

    results, stats = run_playbook(bin_dir, str(path), dict(bootstrap=kafka.bootstrap_servers, topics=topics))
    # the play ran under the ansible-core of that virtualenv
    assert results["Version"]["msg"] == version
    names = sorted(t["name"] for t in topics)
    assert results["Predict"]["changed"] and sorted(results["Predict"]["created"]) == names
    assert results["Create"]["changed"] and sorted(results["Create"]["created"]) == names
    assert not results["Re-run"]["changed"]
    assert results["Read"]["topics"][prefix + "orders"]["configs"]["retention.ms"] == "86400000"
    assert stats["failures"] == 0 and stats["ok"] == 6

    # the broker's own tool agrees
    out = kafka.tool(TOPIC_COMMAND, "--bootstrap-server", kafka.bootstrap_servers, "--describe",
                     "--topic", re.escape(prefix) + ".*")
    counts = dict(re.findall(r"Topic: (\S+)\s+TopicId: \S+\s+PartitionCount: (\d+)", out))
    assert counts == {prefix + "orders": "3", prefix + "audit": "1"}
