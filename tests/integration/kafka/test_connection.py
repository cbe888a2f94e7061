"""The connection layer (kafka_common) through real Ansible: failures are fast and say why.

Unreachable and silent servers, the wrong protocol for a listener, a controller-only listener,
bad options and the KAFKA_* environment fallbacks. kafka_info is the probe (it only reads).
Secured listeners (TLS, SASL) are tested with the secured test bed elsewhere.
"""
import datetime
import os
import re
import socket
import tempfile
import threading
import time

import pytest
import yaml

from testbed.ansible import run_module, run_playbook
from testbed.kafka import free_port

SECRET = "s3cr3t-Pa55word-never-shown"
UNREACHABLE_FIX = (" Check that the brokers are running and reachable, and that security_protocol "
                   "matches the listener.")


def whole(*parts):
    """A pattern for a whole message: str parts are the module's words (exact), re parts the
    library's detail the module quotes."""
    return re.compile("".join(part.pattern if hasattr(part, "pattern") else re.escape(part)
                              for part in parts), re.S)


def probe(args, **kwargs):
    return run_module("kafka_info", dict(args, gather=["brokers"]), **kwargs)


def playbook_results(tasks, extra_env=None):
    """Run ``tasks`` (each may fail; ignore_errors) in one play; return their results by name."""
    for task in tasks:
        task["ignore_errors"] = True
    play = [dict(name="connection cases", hosts="localhost", connection="local",
                 gather_facts=False, tasks=tasks)]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        yaml.safe_dump(play, handle)
    env = dict(extra_env or {})
    try:
        run = run_playbook(handle.name, env=env)
    finally:
        os.unlink(handle.name)
    results = {}
    for play in run.data.get("plays", []):
        for task in play.get("tasks", []):
            result = dict(task["hosts"]["localhost"])
            times = task["task"]["duration"]
            result["_duration"] = (_when(times["end"]) - _when(times["start"])).total_seconds()
            results[task["task"]["name"]] = result
    assert len(results) == len(tasks), run.stdout[-3000:]
    assert SECRET not in run.stdout and SECRET not in run.stderr
    return results


def _when(stamp):
    return datetime.datetime.strptime(stamp.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")


class SilentServer(object):
    """Accepts TCP connections on 127.0.0.1 and never answers (a hung or wrong service)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def test_unreachable_servers_fail_within_the_timeout_naming_them():
    dead = ["127.0.0.1:%d" % free_port(), "127.0.0.1:%d" % free_port()]
    started = time.time()
    result = probe(dict(bootstrap_servers=",".join(dead), request_timeout_ms=3000))
    elapsed = time.time() - started
    assert result.get("failed") is True
    msg = result["msg"]
    assert whole("connecting failed: could not connect to any of the bootstrap servers %s, %s "
                 "within the timeout (" % tuple(dead), re.compile(r".*"), "). Last error: ",
                 re.compile(r".*(ECONNREFUSED|Connection refused).*"), "." + UNREACHABLE_FIX
                 ).fullmatch(msg), msg
    # 3 s client timeout plus Ansible's own start-up; far below the 30 s default
    assert elapsed < 25, elapsed


def test_silent_server_never_hangs(silent_server):
    """A port that accepts but never speaks Kafka (or TLS) fails within the timeout."""
    server = "127.0.0.1:%d" % silent_server.port
    results = playbook_results([
        dict(name=protocol, **{"specweave.kafka.kafka_info": dict(
            bootstrap_servers=server, security_protocol=protocol, request_timeout_ms=2000,
            gather=["brokers"])})
        for protocol in ("PLAINTEXT", "SSL")])
    for protocol, result in results.items():
        assert result.get("failed") is True, (protocol, result)
        # the module stops waiting after request_timeout_ms + a grace of 5 s
        assert result["_duration"] < 15, (protocol, result["_duration"])
    plaintext, tls = results["PLAINTEXT"]["msg"], results["SSL"]["msg"]
    assert whole("connecting failed: could not connect to any of the bootstrap servers %s within "
                 "the timeout (" % server, re.compile(r".*"), ").",
                 re.compile(r"( Last error: .*\.)?"), UNREACHABLE_FIX).fullmatch(plaintext), \
        plaintext
    assert whole("connecting failed: no answer from the bootstrap servers %s within 7000 ms (the "
                 "connection opened but the Kafka/TLS/SASL handshake never completed)." % server,
                 re.compile(r"( Last error: .*\.)?"), " Check that security_protocol (SSL) "
                 "matches the listener on that port.").fullmatch(tls), tls


def test_wrong_listener_kinds(kafka):
    """TLS against a PLAINTEXT listener and a controller-only listener say what is wrong."""
    node = kafka.nodes[0]
    controller = "%s:%d" % (node.host, node.controller_port)
    results = playbook_results([
        {"name": "tls", "specweave.kafka.kafka_info": dict(
            bootstrap_servers=kafka.bootstrap_servers, security_protocol="SSL",
            request_timeout_ms=3000, gather=["brokers"])},
        {"name": "controller", "specweave.kafka.kafka_info": dict(
            bootstrap_servers=controller, request_timeout_ms=5000, gather=["brokers"])},
    ])
    tls = results["tls"]
    assert tls.get("failed") is True, tls
    assert whole("connecting failed: TLS handshake with %s failed (" % kafka.bootstrap_servers,
                 re.compile(r".*"), "). Check ssl_cafile, the broker certificate, "
                 "ssl_check_hostname, the client certificate (ssl_certfile, ssl_keyfile) if the "
                 "listener requires one, and that security_protocol matches the listener."
                 ).fullmatch(tls["msg"]), tls["msg"]
    ctl = results["controller"]
    assert ctl.get("failed") is True, ctl
    assert whole("connecting failed: the server at %s answered but does not serve Kafka client "
                 "requests (" % controller, re.compile(r".*"), "). Is this a KRaft controller "
                 "listener rather than a broker listener?").fullmatch(ctl["msg"]), ctl["msg"]


def test_bad_options_are_refused_before_connecting():
    """Each bad combination fails with a sentence naming the option and the fix."""
    live_looking = "127.0.0.1:%d" % free_port()
    cases = [
        ("no servers", dict(), "bootstrap_servers is required (or set KAFKA_BOOTSTRAP_SERVERS)"),
        ("no port", dict(bootstrap_servers=["broker1"]), "bootstrap server 'broker1' is not host:port"),
        ("bad port", dict(bootstrap_servers="broker1:99999"), "'broker1:99999' is not host:port"),
        ("sasl without mechanism", dict(bootstrap_servers=live_looking,
                                        security_protocol="SASL_SSL"),
         "security_protocol SASL_SSL needs sasl_mechanism"),
        ("scram without password", dict(bootstrap_servers=live_looking,
                                        security_protocol="SASL_SSL",
                                        sasl_mechanism="SCRAM-SHA-512", sasl_username="u"),
         "sasl_mechanism SCRAM-SHA-512 needs sasl_username and sasl_password"),
        ("credentials without mechanism", dict(bootstrap_servers=live_looking,
                                               sasl_username="admin", sasl_password=SECRET),
         "sasl_username/sasl_password are set but sasl_mechanism is not"),
        ("msk iam without tls", dict(bootstrap_servers=live_looking,
                                     security_protocol="SASL_PLAINTEXT",
                                     sasl_mechanism="AWS_MSK_IAM"),
         "AWS_MSK_IAM needs security_protocol SASL_SSL"),
        ("oauth without token", dict(bootstrap_servers=live_looking,
                                     security_protocol="SASL_SSL",
                                     sasl_mechanism="OAUTHBEARER"),
         "OAUTHBEARER needs sasl_oauth_token"),
        ("cert without key", dict(bootstrap_servers=live_looking, security_protocol="SSL",
                                  ssl_certfile="/etc/hostname"),
         "ssl_certfile and ssl_keyfile must be given together"),
        ("tls file on plaintext", dict(bootstrap_servers=live_looking,
                                       ssl_cafile="/etc/hostname"),
         "ssl_cafile set but security_protocol is PLAINTEXT"),
        ("zero timeout", dict(bootstrap_servers=live_looking, request_timeout_ms=0),
         "request_timeout_ms must be a positive number"),
        ("bad protocol", dict(bootstrap_servers=live_looking, security_protocol="TLS"),
         "security_protocol"),
    ]
    results = playbook_results([{"name": name, "specweave.kafka.kafka_info": args}
                                for name, args, _expected in cases],
                               extra_env={"KAFKA_BOOTSTRAP_SERVERS": ""})
    for name, _args, expected in cases:
        result = results[name]
        assert result.get("failed") is True, (name, result)
        assert expected in result["msg"], (name, result["msg"])
        assert "Traceback" not in result["msg"]


def test_environment_fallbacks(kafka):
    """KAFKA_* variables stand in for options; an option given in the task wins."""
    dead = "127.0.0.1:%d" % free_port()
    task = lambda name, args, env: {  # noqa: E731
        "name": name, "specweave.kafka.kafka_info": dict(args, gather=["brokers"]),
        "environment": env}
    results = playbook_results([
        task("servers from env", {}, {"KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
                                      "KAFKA_CLIENT_ID": "from-env"}),
        task("option wins", {"bootstrap_servers": kafka.bootstrap_servers},
             {"KAFKA_BOOTSTRAP_SERVERS": dead}),
        task("one live server is enough", {"bootstrap_servers": "%s, %s" % (
            dead, kafka.bootstrap_servers), "request_timeout_ms": 5000}, {}),
        task("timeout from env", {}, {"KAFKA_BOOTSTRAP_SERVERS": dead,
                                      "KAFKA_REQUEST_TIMEOUT_MS": "1500"}),
        task("protocol from env", {"bootstrap_servers": kafka.bootstrap_servers},
             {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
              "KAFKA_SASL_USERNAME": "admin"}),
        task("secret from env", {"bootstrap_servers": kafka.bootstrap_servers},
             {"KAFKA_SASL_USERNAME": "admin", "KAFKA_SASL_PASSWORD": SECRET}),
        task("check hostname from env", {"bootstrap_servers": kafka.bootstrap_servers},
             {"KAFKA_SSL_CHECK_HOSTNAME": "false"}),
    ])
    ok = results["servers from env"]
    assert not ok.get("failed"), ok.get("msg")
    assert ok["broker_ids"] == [1]
    assert ok["invocation"]["module_args"]["client_id"] == "from-env"
    assert not results["option wins"].get("failed"), results["option wins"].get("msg")
    assert not results["one live server is enough"].get("failed")
    slow = results["timeout from env"]
    assert slow.get("failed") is True and dead in slow["msg"]
    assert slow["_duration"] < 10, slow["_duration"]
    proto = results["protocol from env"]
    assert proto.get("failed") is True
    assert ("sasl_mechanism SCRAM-SHA-256 needs sasl_username and sasl_password"
            in proto["msg"]), proto["msg"]
    secret = results["secret from env"]
    assert secret.get("failed") is True
    assert "sasl_username/sasl_password are set but sasl_mechanism is not" in secret["msg"]
    hostname = results["check hostname from env"]
    assert hostname["invocation"]["module_args"]["ssl_check_hostname"] is False
