"""Helpers of the security integration tests: run modules, read back with Kafka's own tools."""
import re
import time

from testbed.ansible import run_module

ACL_COMMAND = "org.apache.kafka.tools.AclCommand"
CONFIG_COMMAND = "kafka.admin.ConfigCommand"
TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand"


def run(module, cluster, args, check=False, diff=True, verbosity=0, conn=None):
    """Run a collection module against ``cluster`` (as the SCRAM admin unless ``conn``)."""
    full = dict(conn if conn is not None else cluster.module_args())
    full.setdefault("request_timeout_ms", 20000)
    full.update(args)
    return run_module(module, full, check=check, diff=diff, verbosity=verbosity)


def ok(result):
    assert not result.get("failed"), result.get("msg")
    return result


def acl_list(cluster, *filters):
    """AclCommand --list output as a set of (principal, host, operation, permission, resource)."""
    out = cluster.admin_tool(ACL_COMMAND, "--list", *filters)
    acls = set()
    resource = None
    for line in out.splitlines():
        head = re.search(r"ResourcePattern\(resourceType=(\w+), name=(.*?), patternType=(\w+)\)",
                         line)
        if head:
            resource = (head.group(1).lower(), head.group(2), head.group(3).lower())
            continue
        entry = re.search(r"\(principal=(.*?), host=(.*?), operation=(\w+), "
                          r"permissionType=(\w+)\)", line)
        if entry and resource:
            acls.add((entry.group(1), entry.group(2), entry.group(3).lower(),
                      entry.group(4).lower()) + resource)
    return acls


def scram_users(cluster, *names):
    """ConfigCommand --describe --entity-type users: {user: {mechanism: iterations}}."""
    out = cluster.admin_tool(CONFIG_COMMAND, "--describe", "--entity-type", "users")
    users = {}
    for line in out.splitlines():
        match = re.match(r"SCRAM credential configs for user-principal '(.*)' are (.*)$", line)
        if match:
            users[match.group(1)] = dict(
                (m, int(i)) for m, i in re.findall(r"(SCRAM-SHA-\d+)=iterations=(\d+)",
                                                   match.group(2)))
    return dict((name, mechs) for name, mechs in users.items() if name in names and mechs)


def produce(cluster, topic, user, password, timeout=20):
    """Produce one record as a SCRAM user; return None or the Kafka error name."""
    from confluent_kafka import Producer
    outcome = {}
    conf = cluster.confluent_config(user, password)
    conf.update({"message.timeout.ms": timeout * 1000, "socket.timeout.ms": 10000})
    producer = Producer(conf)

    def delivered(err, _msg):
        outcome["error"] = err.name() if err else None

    producer.produce(topic, b"value", on_delivery=delivered)
    producer.flush(timeout + 5)
    return outcome.get("error", "NO_DELIVERY_REPORT")


def consume(cluster, topic, group, user, password, timeout=25):
    """Consume from the start as a SCRAM user in ``group``; return None or the error name."""
    from confluent_kafka import Consumer
    conf = cluster.confluent_config(user, password)
    conf.update({"group.id": group, "auto.offset.reset": "earliest",
                 "enable.auto.commit": False})
    consumer = Consumer(conf)
    consumer.subscribe([topic])
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                return msg.error().name()
            return None
        return "TIMEOUT"
    finally:
        consumer.close()


def create_topic(cluster, name, partitions=1):
    cluster.admin_tool(TOPIC_COMMAND, "--create", "--if-not-exists", "--topic", name,
                       "--partitions", str(partitions), "--replication-factor", "1")


def assert_no_secret(result, *secrets):
    """No secret in ansible's stdout/stderr (the -vvv output) nor in the result."""
    run = result["_run"]
    for secret in secrets:
        assert secret not in run.stdout, "secret leaked in stdout"
        assert secret not in run.stderr, "secret leaked in stderr"


def quota_configs(cluster, *entity_args):
    """ConfigCommand --describe for one quota entity: {key: float} (empty when none)."""
    out = cluster.admin_tool(CONFIG_COMMAND, "--describe", *entity_args)
    values = {}
    for line in out.splitlines():
        match = re.match(r"Quota configs for .* are (.*)$", line)
        if match:
            for key, value in re.findall(r"([a-z_]+)=([0-9.eE+-]+)", match.group(1)):
                values[key] = float(value)
    return values


def run_playbook_tasks(cluster, tmp_path, tasks, check=False, verbosity=0):
    """Run ``tasks`` (list of task dicts) in one localhost play; for arguments too big for -a.

    Connection options come from module_defaults of the action group.
    """
    import json

    from testbed.ansible import run_playbook
    defaults = dict(cluster.module_args(), request_timeout_ms=20000)
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
             "module_defaults": {"group/specweave.kafka.kafka": defaults},
             "tasks": tasks}]
    path = tmp_path / "play.yml"
    path.write_text(json.dumps(play))
    return run_playbook(str(path), check=check, verbosity=verbosity)


def issue_server_cert(ca, directory, dns_name):
    """A server certificate from ``ca`` that names only ``dns_name`` (not 127.0.0.1).

    For the hostname check: a listener on 127.0.0.1 serving it presents a certificate the
    client trusts (right CA, serverAuth) for another host. Returns (certfile, keyfile).
    """
    import datetime
    import os

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    os.makedirs(directory, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_name)]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    certfile, keyfile = os.path.join(directory, "server.crt"), os.path.join(directory, "server.key")
    with open(certfile, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM) +
                     ca.cert.public_bytes(serialization.Encoding.PEM))
    with open(keyfile, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    os.chmod(keyfile, 0o600)
    return certfile, keyfile
