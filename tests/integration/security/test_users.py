"""kafka_user on a secured broker: SCRAM credentials created, read back with ConfigCommand, used
to log in, rotated by drift detection, deleted; no secret ever printed, even with -vvv."""
import json
import re
import time
import uuid

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
    """True when the broker accepts the SCRAM login, False when it refuses the credentials.

    Only the broker's SASL authentication failure counts as "cannot log in" (librdkafka reports
    it as _AUTHENTICATION with the broker's reason); any other outcome (broker unreachable, TLS,
    a timeout) fails the test instead of passing for a refused login.
    """
    from confluent_kafka import KafkaError, KafkaException
    from confluent_kafka.admin import AdminClient
    errors = []
    conf = cluster.confluent_config(user, password, mechanism=mechanism)
    conf.update({"error_cb": errors.append, "socket.timeout.ms": 10000})
    admin = AdminClient(conf)
    deadline = time.time() + 20
    refused = []
    while not refused and time.time() < deadline:
        try:
            admin.list_topics(timeout=2)
            return True
        except KafkaException as exc:
            errors.append(exc.args[0])
        admin.poll(0)  # serves error_cb: the authentication error may only be reported there
        refused = [error for error in errors if error.code() == KafkaError._AUTHENTICATION]
    assert refused and all("Authentication failed during authentication due to invalid "
                           "credentials with SASL mechanism %s" % mechanism in error.str()
                           for error in refused), \
        "login of %s neither succeeded nor was refused: %s" % (user, errors)
    return False


def auth_refused(servers, user, mechanism="SCRAM-SHA-512"):
    """The modules' whole message for refused credentials (the broker's reason in the middle)."""
    return re.compile(re.escape("connecting failed: authentication to %s failed (" % servers) +
                      r".*(Authentication failed during authentication due to invalid credentials"
                      r" with SASL mechanism %s|the broker closed the connection during SASL "
                      r"authentication)" % mechanism +
                      re.escape("). Check sasl_mechanism, sasl_username and sasl_password, and "
                                "that the user exists on the cluster."))


def outcome(result):
    """What a kafka_user run reports: equal in check mode and in the real run that follows."""
    return dict((key, result.get(key)) for key in ("changed", "changes", "users", "diff",
                                                   "password_mismatch"))


def credentials(cluster, *names):
    """SCRAM credentials read back with ConfigCommand, in the shape of the module's diff."""
    return dict((name, dict((mech, dict(iterations=iterations))
                            for mech, iterations in mechs.items()))
                for name, mechs in scram_users(cluster, *names).items())


def test_user_lifecycle_drift_and_secrets(secure):
    tag = uuid.uuid4().hex[:6]
    a, b = "ua-" + tag, "ub-" + tag
    pa, pb, pa2 = ("secret-%s-%s" % (n, uuid.uuid4().hex) for n in ("a", "b", "a2"))
    users = [dict(name=a, password=pa),
             dict(name=b, password=pb, mechanism="SCRAM-SHA-256", iterations=8192)]

    check = run("kafka_user", secure, dict(users=users), check=True, verbosity=3)
    assert ok(check)["changed"]
    assert check["changes"] == {a + "/SCRAM-SHA-512": "created", b + "/SCRAM-SHA-256": "created"}
    assert check["diff"] == {"before": {}, "after": {
        a: {"SCRAM-SHA-512": {"iterations": 4096}}, b: {"SCRAM-SHA-256": {"iterations": 8192}}}}
    assert credentials(secure, a, b) == {}                            # check mode: no change
    assert not can_login(secure, a, pa, "SCRAM-SHA-512")

    applied = ok(run("kafka_user", secure, dict(users=users), verbosity=3))
    # The real run does what check mode reported, and the broker shows that state.
    assert outcome(applied) == outcome(check)
    assert credentials(secure, a, b) == check["diff"]["after"] == check["users"]
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
    rotate = dict(users=rotated, update_password="always", verify_password=True)
    drift_check = ok(run("kafka_user", secure, rotate, check=True, verbosity=3))
    assert drift_check["changed"] and drift_check["password_mismatch"] == [a + "/SCRAM-SHA-512"]
    assert list(drift_check["changes"]) == [a + "/SCRAM-SHA-512"]
    assert can_login(secure, a, pa, "SCRAM-SHA-512")                  # check mode: no change
    assert not can_login(secure, a, pa2, "SCRAM-SHA-512")
    drift = ok(run("kafka_user", secure, rotate, verbosity=3))
    assert outcome(drift) == outcome(drift_check)
    assert credentials(secure, a, b) == drift_check["diff"]["after"]
    assert_no_secret(drift_check, pa, pa2, pb)
    assert_no_secret(drift, pa, pa2, pb)
    assert can_login(secure, a, pa2, "SCRAM-SHA-512")
    assert not can_login(secure, a, pa, "SCRAM-SHA-512")
    steady = ok(run("kafka_user", secure, rotate))
    assert not steady["changed"] and steady["password_mismatch"] == []

    absent = dict(users=[dict(name=a), dict(name=b)], state="absent")
    gone_check = ok(run("kafka_user", secure, absent, check=True))
    assert sorted(gone_check["changes"]) == [a + "/SCRAM-SHA-512", b + "/SCRAM-SHA-256"]
    assert gone_check["diff"]["after"] == {}
    assert credentials(secure, a, b) == gone_check["diff"]["before"]  # check mode: no change
    gone = ok(run("kafka_user", secure, absent))
    assert outcome(gone) == outcome(gone_check)
    assert credentials(secure, a, b) == {}
    assert not can_login(secure, b, pb, "SCRAM-SHA-256")
    # The deleted user cannot use the modules either: a clear authentication failure.
    denied = run("kafka_info", secure, dict(request_timeout_ms=15000),
                 conn=secure.module_args(a, pa2))
    assert denied.get("failed") is True
    assert auth_refused(secure.sasl_bootstrap_servers, a).fullmatch(denied["msg"]), denied["msg"]


def test_wrong_password_fails_clearly_in_every_module(secure):
    wrong = "wrong-" + uuid.uuid4().hex
    for module in MODULES:
        started = time.time()
        args = dict(MINIMAL_ARGS[module], request_timeout_ms=30000)
        result = run(module, secure, args, conn=secure.module_args("admin", wrong), verbosity=3)
        elapsed = time.time() - started
        assert result.get("failed") is True, module
        assert auth_refused(secure.sasl_bootstrap_servers, "admin").fullmatch(result["msg"]), \
            (module, result["msg"])
        # the refused login ends the task: the client does not retry it until request_timeout_ms
        assert elapsed < 20, (module, elapsed)
        assert_no_secret(result, wrong, "never-used-secret")
