"""kafka_user on a secured broker: SCRAM credentials created, read back with ConfigCommand, used
to log in, rotated by drift detection, deleted; no secret ever printed, even with -vvv."""
import json
import time
import uuid

from kafka import KafkaAdminClient

from security_helpers import assert_no_secret, ok, run, scram_users

MODULES = ("kafka_topic", "kafka_info", "kafka_acl", "kafka_user", "kafka_quota")
MINIMAL_ARGS = {
    "kafka_topic": dict(name="never-created", partitions=1),
    "kafka_info": dict(),
    "kafka_acl": dict(acls=[dict(principal="User:x", resource_type="topic", resource_name="t",
                                 operations=["read"])]),
    "kafka_user": dict(name="never-created", password="never-used-secret"),
    "kafka_quota": dict(quotas=[dict(user="x", quotas=dict(producer_byte_rate=1))]),
}


def can_login(cluster, user, password, mechanism):
    try:
        KafkaAdminClient(request_timeout_ms=5000, bootstrap_timeout_ms=5000,
                         **cluster.scram_config(user, password, mechanism)).close()
        return True
    except Exception:  # noqa: BLE001 - any refusal counts as "cannot log in"
        return False


def test_user_lifecycle_drift_and_secrets(secure):
    tag = uuid.uuid4().hex[:6]
    a, b = "ua-" + tag, "ub-" + tag
    pa, pb, pa2 = ("secret-%s-%s" % (n, uuid.uuid4().hex) for n in ("a", "b", "a2"))
    users = [dict(name=a, password=pa),
             dict(name=b, password=pb, mechanism="SCRAM-SHA-256", iterations=8192)]

    check = run("kafka_user", secure, dict(users=users), check=True, verbosity=3)
    assert ok(check)["changed"]
    assert check["changes"] == {a + "/SCRAM-SHA-512": "created", b + "/SCRAM-SHA-256": "created"}
    assert not any(scram_users(secure, a, b).values())                # check mode: no change

    applied = ok(run("kafka_user", secure, dict(users=users), verbosity=3))
    assert applied["changed"] and applied["diff"]["before"] == {}
    assert scram_users(secure, a, b) == {a: {"SCRAM-SHA-512": 4096}, b: {"SCRAM-SHA-256": 8192}}
    for result in (check, applied):
        assert_no_secret(result, pa, pb)
        visible = json.dumps(dict((k, v) for k, v in result.items() if k != "_run"))
        assert pa not in visible and pb not in visible
    assert can_login(secure, a, pa, "SCRAM-SHA-512")
    assert can_login(secure, b, pb, "SCRAM-SHA-256")
    assert not can_login(secure, a, "not-" + pa, "SCRAM-SHA-512")

    again = ok(run("kafka_user", secure, dict(users=users)))
    assert not again["changed"]

    # Drift detection: the declared password changed; only that credential is rewritten.
    rotated = [dict(name=a, password=pa2), users[1]]
    drift = ok(run("kafka_user", secure, dict(users=rotated, update_password="always",
                                              verify_password=True), verbosity=3))
    assert drift["changed"] and drift["password_mismatch"] == [a + "/SCRAM-SHA-512"]
    assert list(drift["changes"]) == [a + "/SCRAM-SHA-512"]
    assert_no_secret(drift, pa, pa2, pb)
    assert can_login(secure, a, pa2, "SCRAM-SHA-512")
    assert not can_login(secure, a, pa, "SCRAM-SHA-512")
    steady = ok(run("kafka_user", secure, dict(users=rotated, update_password="always",
                                               verify_password=True)))
    assert not steady["changed"] and steady["password_mismatch"] == []

    gone = ok(run("kafka_user", secure, dict(users=[dict(name=a), dict(name=b)],
                                             state="absent")))
    assert sorted(gone["changes"]) == [a + "/SCRAM-SHA-512", b + "/SCRAM-SHA-256"]
    assert not any(scram_users(secure, a, b).values())
    assert not can_login(secure, b, pb, "SCRAM-SHA-256")
    # The deleted user cannot use the modules either: a clear authentication failure.
    denied = run("kafka_info", secure, dict(request_timeout_ms=5000),
                 conn=secure.module_args(a, pa2))
    assert denied.get("failed") and "authentication" in denied["msg"].lower()


def test_wrong_password_fails_clearly_in_every_module(secure):
    wrong = "wrong-" + uuid.uuid4().hex
    for module in MODULES:
        started = time.time()
        args = dict(MINIMAL_ARGS[module], request_timeout_ms=5000)
        result = run(module, secure, args, conn=secure.module_args("admin", wrong), verbosity=3)
        elapsed = time.time() - started
        assert result.get("failed"), module
        assert "authentication" in result["msg"].lower(), (module, result["msg"])
        assert "Traceback" not in result["msg"], module
        assert elapsed < 90, (module, elapsed)
        assert_no_secret(result, wrong, "never-used-secret")
