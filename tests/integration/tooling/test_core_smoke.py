"""The ansible-core smoke: one playbook through the ansible-playbook of the Python running this test
(testbed/ansible.py), against a real KRaft broker. scripts/core-matrix.sh runs it with the
virtualenv of each older ansible-core the collection claims (meta/runtime.yml) and sets
SPECWEAVE_EXPECT_ANSIBLE_CORE to the version that virtualenv must hold; the integration stage runs it
on the main virtualenv's version.

It exercises what differs between ansible-core versions: the collection loader (FQCN modules and
the module_utils they import), the action group of meta/runtime.yml through module_defaults, check
mode, registered results and a loop, and the module's argument spec as each version validates it.
"""
import os
import re
import uuid

from ansible.release import __version__ as CORE_VERSION

from testbed.ansible import run_playbook

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


def test_playbook_under_this_ansible_core(kafka, tmp_path):
    expected = os.environ.get("SPECWEAVE_EXPECT_ANSIBLE_CORE")
    if expected:
        assert CORE_VERSION.startswith(expected + "."), (CORE_VERSION, expected)
    prefix = "it.core.%s." % uuid.uuid4().hex[:6]
    topics = [dict(name=prefix + "orders", partitions=3, config={"retention.ms": "1d"}),
              dict(name=prefix + "audit", partitions=1)]
    path = tmp_path / "smoke.yml"
    path.write_text(PLAYBOOK)

    run = run_playbook(str(path), dict(bootstrap=kafka.bootstrap_servers, topics=topics))
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    results = dict((r["_task"], r) for r in run.task_results())
    # the play ran under this Python's ansible-core, the one the matrix asked for
    assert results["Version"]["msg"] == CORE_VERSION
    assert results["Predict"]["changed"] and sorted(results["Predict"]["created"]) == sorted(
        t["name"] for t in topics)
    assert results["Create"]["changed"] and sorted(results["Create"]["created"]) == sorted(
        t["name"] for t in topics)
    assert not results["Re-run"]["changed"]
    info = results["Read"]["topics"]
    assert info[prefix + "orders"]["configs"]["retention.ms"] == "86400000"
    assert run.stats()["failures"] == 0 and run.stats()["ok"] == 6

    # the broker's own tool agrees
    out = kafka.tool(TOPIC_COMMAND, "--bootstrap-server", kafka.bootstrap_servers, "--describe",
                     "--topic", re.escape(prefix) + ".*")
    counts = dict(re.findall(r"Topic: (\S+)\s+TopicId: \S+\s+PartitionCount: (\d+)", out))
    assert counts == {prefix + "orders": "3", prefix + "audit": "1"}
