"""The Event Hubs guide's playbook (docs/docsite/rst/event_hubs.rst, the same play as
playbooks/event_hubs.yml) through real Ansible runs against the ARM contract fake: check mode
changes nothing, the run creates the namespace, two hubs with consumer groups and a Listen/Send
rule and returns the Kafka settings, the re-run changes nothing, and at -vvv no secret (the
bearer token, the rule's keys) is printed.

Registered in RUNS for tests/integration/docs/test_guide_examples.py::test_every_example_is_proven.
Credentials come from the environment as on AWX (AZURE_SUBSCRIPTION_ID, AZURE_ACCESS_TOKEN).
"""
import os

from testbed import guides

RUNS = {
    ("event_hubs.rst", 0): "test_guide_playbook_check_apply_rerun_and_no_secret_at_vvv",
}
PLAYBOOK = os.path.join(guides.COLLECTION, "playbooks", "event_hubs.yml")
RG = "kafka-role"
NS = "guide-ehns"
NAME = "event_hubs.rst example 0"


def _run(arm, path, check=False, verbosity=0):
    connection = dict(auth_source="token", cloud_environment=arm.base_url, ca_path=arm.cafile,
                      polling_interval=0.01)
    extra = dict(event_hubs_connection=connection)
    if path.endswith("event_hubs.yml"):  # the guide's play: this test's group and namespace
        extra.update(event_hubs_resource_group=RG, event_hubs_namespace=NS)
    env = dict(AZURE_SUBSCRIPTION_ID=arm.subscription_id, AZURE_ACCESS_TOKEN=arm.token)
    return guides.run(path, extra, env=env, check=check, verbosity=verbosity)


def _settings(run):
    printed = [r for r in run.task_results() if "Kafka | Print" in r["_task"]]
    assert printed, run.stdout
    return printed[0]["msg"]


def test_guide_playbook_check_apply_rerun_and_no_secret_at_vvv(arm, tmp_path):
    block = guides.example("event_hubs.rst", 0)
    with open(PLAYBOOK, encoding="utf-8") as handle:
        assert guides.find_excerpt(block, handle.read()), "the guide's play is not the playbook's"
    path = guides.write_playbook(str(tmp_path / "event_hubs.yml"),
                                 guides.plays(block, block.text, NAME))
    check = _run(arm, path, check=True)
    assert check.returncode == 0, check.stdout[-3000:]
    assert check.stats()["changed"] >= 1
    assert arm.namespace_state(RG, NS) is None
    assert arm.writes(arm.take_requests()) == []
    assert _settings(check)["bootstrap_servers"] == "guide-ehns.servicebus.windows.net:9093"

    applied = _run(arm, path)
    assert applied.returncode == 0, applied.stdout[-3000:]
    arm.take_requests()
    state = arm.namespace_state(RG, NS)
    assert state["body"]["properties"]["provisioningState"] == "Succeeded"
    assert state["body"]["properties"]["kafkaEnabled"] is True
    assert sorted(state["hubs"]) == ["orders", "payments"]
    assert sorted(state["hubs"]["orders"]["groups"]) == ["$default", "billing", "shipping"]
    assert state["hubs"]["orders"]["properties"]["partitionCount"] == 6
    assert state["hubs"]["orders"]["properties"]["retentionDescription"][
        "retentionTimeInHours"] == 72
    assert sorted(state["hubs"]["payments"]["groups"]) == ["$default", "ledger"]
    assert state["rules"]["orders-app"]["rights"] == ["Listen", "Send"]
    settings = _settings(applied)
    assert settings == dict(bootstrap_servers="guide-ehns.servicebus.windows.net:9093",
                            security_protocol="SASL_SSL", sasl_mechanism="PLAIN",
                            sasl_username="$ConnectionString",
                            sasl_password="<primary connection string of rule orders-app>")

    again = _run(arm, path, verbosity=3)
    assert again.returncode == 0, again.stdout[-3000:]
    assert again.stats()["changed"] == 0
    assert arm.writes(arm.take_requests()) == []
    rule = arm.namespace_state(RG, NS)["rules"]["orders-app"]
    output = again.stdout + again.stderr
    assert "guide-ehns.servicebus.windows.net:9093" in output  # the run did print its settings
    for secret in (arm.token, rule["primary"], rule["secondary"]):
        assert secret not in output


def test_role_oauthbearer_without_local_auth(arm, tmp_path):
    """The role's other Kafka mode: shared access keys off, OAUTHBEARER settings with the
    namespace's token scope (no rule, no password)."""
    play = [dict(name="oauthbearer", hosts="localhost", gather_facts=False, roles=[dict(
        role="specweave.kafka.event_hubs", vars=dict(
            event_hubs_resource_group=RG, event_hubs_namespace="entra-ehns",
            event_hubs_location="westeurope", event_hubs_sku="Premium",
            event_hubs_disable_local_auth=True, event_hubs_kafka_auth="oauthbearer",
            event_hubs_topics=[dict(name="orders", partitions=4)]))])]
    path = guides.write_playbook(str(tmp_path / "oauthbearer.yml"), play)
    run = _run(arm, path)
    state = arm.namespace_state(RG, "entra-ehns")
    assert state["body"]["properties"]["disableLocalAuth"] is True
    assert state["body"]["sku"]["name"] == "Premium" and list(state["hubs"]) == ["orders"]
    assert _settings(run) == dict(bootstrap_servers="entra-ehns.servicebus.windows.net:9093",
                                  security_protocol="SASL_SSL", sasl_mechanism="OAUTHBEARER",
                                  oauth_scope="https://entra-ehns.servicebus.windows.net/.default")
