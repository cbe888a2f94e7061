"""The AWX guide's examples that run in a job (docs/docsite/rst/awx.rst).

Registered in RUNS for tests/integration/docs/test_guide_examples.py::test_every_example_is_proven
(which checks that every example of every guide is run or quoted from a file the suite runs). The
guide's ``awx.awx.credential`` example is validated in test_credential_types.py (there is no AWX
server in the test bed).

* The kafka_topic task without connection options runs the way an AWX job runs it: with exactly
  the environment and files that the guide's own "Kafka (SASL)" credential (the
  ``awx.awx.credential`` example, its hosts, password and CA replaced by the session's secured
  broker) injects through the shipped credential type, and nothing else (the area's conftest
  removes every variable a module reads from the test's environment).
* The project's playbook wrapper is written into a project folder and passes
  ``ansible-playbook --syntax-check``: the FQCN playbook import resolves with the collection
  installed. A wrapper naming a playbook the collection does not have fails the same check.
"""
import os
import subprocess

import yaml
from awx_injectors import TYPES_DIR, inject
from kafka import KafkaAdminClient

from testbed import guides
from testbed.ansible import VENV_BIN, ansible_env
from testbed.secure import ADMIN_USER

RUNS = {
    ("awx.rst", 2): "test_topic_task_runs_with_the_kafka_credential",
    ("awx.rst", 4): "test_project_wrapper_imports_the_collection_playbook",
}

TOPIC = "orders"


def guide_credential(secure):
    """The guide's awx.awx.credential example, pointed at ``secure``: (type file, inputs)."""
    block = guides.example("awx.rst", 1)
    text = guides.substitute(block, {
        "kafka-1.example.com:9093,kafka-2.example.com:9093": secure.sasl_bootstrap_servers})
    credential = yaml.safe_load(text)[0]["awx.awx.credential"]
    inputs = dict(credential["inputs"])
    assert inputs["sasl_username"] == ADMIN_USER
    inputs["sasl_password"] = secure.admin_password          # "{{ kafka_admin_password }}"
    with open(secure.cafile) as handle:
        inputs["ca_cert"] = handle.read()                    # lookup('file', 'kafka-ca.pem')
    with open(os.path.join(TYPES_DIR, "kafka_sasl.yml")) as handle:
        definition = yaml.safe_load(handle)
    assert definition["name"] == credential["credential_type"]
    return definition, inputs


def topics(secure):
    client = KafkaAdminClient(request_timeout_ms=30000, **secure.admin_config())
    try:
        return dict((t["name"], t) for t in client.describe_topics()), client
    except Exception:
        client.close()
        raise


def delete_topic(secure):
    found, client = topics(secure)
    try:
        if TOPIC in found:
            client.delete_topics([TOPIC], timeout_ms=30000)
    finally:
        client.close()


def test_topic_task_runs_with_the_kafka_credential(secure, tmp_path):
    """The task as written (replication factor 3 -> 1: the secured broker is a single node)
    creates the topic with 6 partitions; the connection came only from the injected credential."""
    definition, inputs = guide_credential(secure)
    env, files = inject(definition, inputs, str(tmp_path))
    assert env["KAFKA_SSL_CAFILE"] == files["ca_cert"]
    delete_topic(secure)
    try:
        block = guides.example("awx.rst", 2)
        name = "awx.rst example 2"
        plays = guides.plays(block, guides.substitute(block, {"replication_factor: 3":
                                                              "replication_factor: 1"}), name)
        path = guides.write_playbook(str(tmp_path / "job.yml"), plays)
        run = guides.run(path, env=env)
        result = guides.play_results(run, name)[-1]
        assert result["changed"] is True and result["created"] == [TOPIC], result
        found, client = topics(secure)
        client.close()
        assert len(found[TOPIC]["partitions"]) == 6
        assert set(len(p["replica_nodes"]) for p in found[TOPIC]["partitions"]) == {1}
    finally:
        delete_topic(secure)


def syntax_check(project):
    env = ansible_env()
    return subprocess.run([os.path.join(VENV_BIN, "ansible-playbook"), "--syntax-check",
                           "-i", "localhost,", "playbooks/rolling_restart.yml"],
                          cwd=str(project), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)


def test_project_wrapper_imports_the_collection_playbook(tmp_path):
    """The wrapper (a project's playbooks/rolling_restart.yml) passes the syntax check, which
    loads the imported playbook of the collection; one importing a playbook the collection does
    not ship fails it."""
    block = guides.example("awx.rst", 4)
    (tmp_path / "playbooks").mkdir()
    wrapper = tmp_path / "playbooks" / "rolling_restart.yml"
    wrapper.write_text(block.text)
    ok = syntax_check(tmp_path)
    assert ok.returncode == 0, ok.stdout
    wrapper.write_text(guides.substitute(block, {"specweave.kafka.rolling_restart":
                                                 "specweave.kafka.no_such_playbook"}))
    broken = syntax_check(tmp_path)
    assert broken.returncode != 0 and "no_such_playbook" in broken.stdout, broken.stdout
