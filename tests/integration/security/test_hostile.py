"""Hostile and malformed inputs: each is refused before anything reaches the broker with the
module's own sentence (what is wrong, where, and what is valid), and nothing is half applied:
every case declares a valid item first, and the server is read back (AclCommand, ConfigCommand)
to show that item absent."""
import time
import uuid

from security_helpers import acl_list, quota_configs, run_playbook_tasks, scram_users

TAG = uuid.uuid4().hex[:6]
PRINCIPAL = "User:hostile-" + TAG
# Valid items declared before the invalid one: none of them may reach the server.
USER = "hostile-user-" + TAG
QUOTA_USER = "hostile-quota-" + TAG
GOOD_USER = dict(name=USER, password="hostile-pw-" + TAG)
GOOD_QUOTA = dict(user=QUOTA_USER, quotas=dict(producer_byte_rate=1024))

ACL_OPERATIONS = ("all, read, write, create, delete, alter, describe, cluster_action, "
                  "describe_configs, alter_configs, idempotent_write, create_tokens, "
                  "describe_tokens")
QUOTA_KEYS = ("producer_byte_rate, consumer_byte_rate, request_percentage, "
              "controller_mutation_rate, connection_creation_rate")


def binding(**overrides):
    base = dict(principal=PRINCIPAL, resource_type="topic", resource_name="hostile",
                operations=["read"])
    base.update(overrides)
    return base


ACLS_INVALID = "Invalid ACLs, nothing was changed: "
USERS_INVALID = "Invalid users, nothing was changed: "
QUOTAS_INVALID = "Invalid quotas, nothing was changed: "
# (invalid binding declared after a valid one at acls[0], the module's whole message)
ACL_CASES = [
    (binding(principal="alice"),
     ACLS_INVALID + "acls[1]: principal 'alice' is malformed; use <type>:<name> such as "
     "User:alice or User:* (no surrounding spaces or control characters)"),
    (binding(principal="User:alice\n"),
     ACLS_INVALID + "acls[1]: principal 'User:alice\\n' is malformed; use <type>:<name> such "
     "as User:alice or User:* (no surrounding spaces or control characters)"),
    (binding(operations=["read", "fly"]),
     ACLS_INVALID + "acls[1]: unknown operation 'fly'; valid operations are " + ACL_OPERATIONS),
    (binding(resource_type="group", operations=["write"]),
     ACLS_INVALID + "acls[1]: operation write does not apply to resource_type group; valid "
     "there: all, read, describe, delete"),
    (binding(resource_type="cluster", resource_name=None, operations=["read"]),
     ACLS_INVALID + "acls[1]: operation read does not apply to resource_type cluster; valid "
     "there: all, create, cluster_action, describe_configs, alter_configs, idempotent_write, "
     "alter, describe"),
    (binding(host="evil.example.com"),
     ACLS_INVALID + "acls[1]: host 'evil.example.com' is not an IP address; Kafka ACLs match "
     "client IP addresses (or * for any host), not host names"),
    (binding(resource_name="*", pattern_type="prefixed"),
     ACLS_INVALID + "acls[1]: '*' is a wildcard only with pattern_type literal; a prefixed "
     "pattern needs a real prefix"),
]
OTHER_CASES = [
    ("kafka_acl", dict(acls=[]), ACLS_INVALID + "acls must list at least one binding"),
    ("kafka_user", dict(users=[GOOD_USER, dict(name="x-" + TAG, password="x-password",
                                               iterations=10)]),
     USERS_INVALID + "users[1]: iterations must be an integer from 4096 to 16384 (got 10)"),
    ("kafka_user", dict(users=[]),
     USERS_INVALID + "users must list at least one user (or use name)"),
    ("kafka_user", dict(users=[GOOD_USER, dict(name="dup-" + TAG, password="dup-pw-one"),
                               dict(name="dup-" + TAG, password="dup-pw-two")]),
     USERS_INVALID + "users[2]: user dup-%s (SCRAM-SHA-512) is declared twice; declare each "
     "user and mechanism once" % TAG),
    ("kafka_quota", dict(quotas=[GOOD_QUOTA, dict(user="x-" + TAG,
                                                  quotas=dict(producer_byte_rates=1))]),
     QUOTAS_INVALID + "quotas[1]: unknown quota key 'producer_byte_rates'; valid keys are "
     + QUOTA_KEYS),
    ("kafka_quota", dict(quotas=[GOOD_QUOTA, dict(ip="10.0.0.1",
                                                  quotas=dict(producer_byte_rate=1))]),
     QUOTAS_INVALID + "quotas[1]: quota producer_byte_rate does not apply to ip=10.0.0.1 "
     "entities; valid there: connection_creation_rate"),
    ("kafka_quota", dict(quotas=[GOOD_QUOTA, dict(user="x-" + TAG,
                                                  quotas=dict(producer_byte_rate=-1))]),
     QUOTAS_INVALID + "quotas[1]: producer_byte_rate must be a positive number (got -1)"),
    ("kafka_quota", dict(quotas=[]), QUOTAS_INVALID + "quotas must list at least one entity"),
]


def test_invalid_inputs_rejected_before_any_change(secure, tmp_path):
    """All cases in one playbook run (one Ansible start-up); each task fails with its message."""
    tasks, expected = [], []
    for acl, message in ACL_CASES:
        # A valid binding first: it must not be applied when a later one is invalid.
        tasks.append({"specweave.kafka.kafka_acl": {"acls": [binding(resource_name="first"),
                                                             acl]},
                      "ignore_errors": True})
        expected.append(message)
    for module, args, message in OTHER_CASES:
        tasks.append({"specweave.kafka." + module: args, "ignore_errors": True})
        expected.append(message)
    results = run_playbook_tasks(secure, tmp_path, tasks).task_results()
    assert len(results) == len(expected)
    for result, message in zip(results, expected):
        assert result.get("failed") is True, (result["_task"], message, result)
        assert result["msg"] == message, result["_task"]
        assert not result.get("changed"), result["_task"]
    # Nothing reached the server: neither the valid items declared first nor the invalid ones.
    assert acl_list(secure, "--principal", PRINCIPAL) == set()
    assert scram_users(secure, USER, "x-" + TAG, "dup-" + TAG) == {}
    for name in (QUOTA_USER, "x-" + TAG):
        assert quota_configs(secure, "--entity-type", "users", "--entity-name", name) == {}, name
    assert quota_configs(secure, "--entity-type", "ips", "--entity-name", "10.0.0.1") == {}


def test_huge_list_with_one_bad_binding_applies_nothing_then_huge_list_converges(secure,
                                                                                  tmp_path):
    tag = uuid.uuid4().hex[:6]
    principal = "User:huge-" + tag
    good = [dict(principal=principal, resource_type="topic", resource_name="huge-%s-%d" % (tag, i),
                 operations=["read", "write"]) for i in range(1500)]
    bad = good + [dict(principal=principal, resource_type="cluster", operations=["read"])]
    task = {"specweave.kafka.kafka_acl": {"acls": bad}, "ignore_errors": True}
    run_bad = run_playbook_tasks(secure, tmp_path, [task])
    result = run_bad.task_results()[-1]
    assert result.get("failed") is True and result["msg"] == (
        ACLS_INVALID + "acls[1500]: operation read does not apply to resource_type cluster; "
        "valid there: all, create, cluster_action, describe_configs, alter_configs, "
        "idempotent_write, alter, describe")
    assert acl_list(secure, "--principal", principal) == set()

    run_good = run_playbook_tasks(secure, tmp_path, [
        {"specweave.kafka.kafka_acl": {"acls": good}},
        {"specweave.kafka.kafka_acl": {"acls": good}},
        {"specweave.kafka.kafka_acl": {"acls": good, "state": "absent"}},
    ])
    created, again, removed = run_good.task_results()
    assert created["changed"] and len(created["created"]) == 3000
    assert not again["changed"]
    assert removed["changed"] and len(removed["deleted"]) == 3000
    # Brokers apply ACL changes from the KRaft metadata log asynchronously.
    deadline = time.time() + 60
    while acl_list(secure, "--principal", principal) and time.time() < deadline:
        time.sleep(2)
    assert acl_list(secure, "--principal", principal) == set()
