"""Hostile and malformed inputs: each is refused before anything reaches the broker, with a
message naming the problem, and nothing is half applied (checked with AclCommand)."""
import time
import uuid

from security_helpers import acl_list, run_playbook_tasks

PRINCIPAL = "User:hostile-" + uuid.uuid4().hex[:6]


def binding(**overrides):
    base = dict(principal=PRINCIPAL, resource_type="topic", resource_name="hostile",
                operations=["read"])
    base.update(overrides)
    return base


ACL_CASES = [
    ([binding(principal="alice")], "malformed"),
    ([binding(principal="User:alice\n")], "malformed"),
    ([binding(operations=["read", "fly"])], "unknown operation 'fly'"),
    ([binding(resource_type="group", operations=["write"])],
     "operation write does not apply to resource_type group"),
    ([binding(resource_type="cluster", resource_name=None, operations=["read"])],
     "operation read does not apply to resource_type cluster"),
    ([binding(host="evil.example.com")], "not an IP address"),
    ([binding(resource_name="*", pattern_type="prefixed")], "wildcard only"),
]
OTHER_CASES = [
    ("kafka_acl", dict(acls=[]), "at least one binding"),
    ("kafka_user", dict(name="x", password="x-password", iterations=10), "iterations must be"),
    ("kafka_user", dict(users=[]), "at least one user"),
    ("kafka_user", dict(users=[dict(name="dup", password="dup-pw-one"),
                             dict(name="dup", password="dup-pw-two")]),
     "declared twice"),
    ("kafka_quota", dict(quotas=[dict(user="x", quotas=dict(producer_byte_rates=1))]),
     "unknown quota key"),
    ("kafka_quota", dict(quotas=[dict(ip="10.0.0.1", quotas=dict(producer_byte_rate=1))]),
     "does not apply"),
    ("kafka_quota", dict(quotas=[dict(user="x", quotas=dict(producer_byte_rate=-1))]),
     "positive"),
    ("kafka_quota", dict(quotas=[]), "at least one entity"),
]


def test_invalid_inputs_rejected_before_any_change(secure, tmp_path):
    """All cases in one playbook run (one Ansible start-up), each task must fail clearly."""
    tasks, expected = [], []
    for acls, message in ACL_CASES:
        # A valid binding first: it must not be applied when a later one is invalid.
        tasks.append({"specweave.kafka.kafka_acl": {"acls": [binding(resource_name="first")] +
                                                    acls}, "ignore_errors": True})
        expected.append(message)
    for module, args, message in OTHER_CASES:
        tasks.append({"specweave.kafka." + module: args, "ignore_errors": True})
        expected.append(message)
    results = run_playbook_tasks(secure, tmp_path, tasks).task_results()
    assert len(results) == len(expected)
    for result, message in zip(results, expected):
        assert result.get("failed"), (result["_task"], message)
        assert message in result["msg"], (message, result["msg"])
        assert "nothing was changed" in result["msg"] or "Traceback" not in result["msg"]
    assert acl_list(secure, "--principal", PRINCIPAL) == set()


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
    assert result.get("failed") and "acls[1500]" in result["msg"]
    assert "operation read does not apply to resource_type cluster" in result["msg"]
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
