"""Where the kafka_broker role keeps its generated CA and keys (tls_mode generate), run for real.

Two clusters of two "nodes" each on this machine (local connection, each node its own config dir)
get the role's TLS part (``tasks_from: tls``), one play per cluster in the same playbook run: one
cluster with the CA on its first node (ca_location node), the other with the CA in a controller
path (ca_location controller). Asserted, for each location: check mode on new nodes writes nothing;
the first run puts the CA key in the CA directory only (0700, key 0600), each node's key on its
node only, certificates signed by that CA for the node's own key; a second run from a fresh
controller (its working directory removed, as in a new AWX job) changes nothing and issues nothing;
check mode on the converged nodes predicts no change; kafka_broker_tls_renew issues new serials
for the same keys from the same CA (controller location; molecule `site` renews with the CA on a
node). No broker runs here: molecule `site` proves the same CA layout
on a live cluster (TLS clients, rolling renewal under load).
"""
import os
import stat

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from testbed.ansible import run_playbook

LOCATIONS = ("node", "controller")
NODES = ("n1", "n2")

PLAY = """
- name: TLS part of the kafka_broker role on two local nodes, CA on %s
  hosts: %s
  gather_facts: false
  tasks:
    - name: Config dir of the node
      ansible.builtin.file:
        path: "{{ kafka_broker_config_dir }}"
        state: directory
        mode: "0750"
      changed_when: false
    - name: The role's TLS part
      ansible.builtin.include_role:
        name: specweave.kafka.kafka_broker
        tasks_from: tls
"""


def inventory(root):
    """One group per CA location, each a cluster of NODES under ROOT/<location> (the hosts are
    named <location>-<node>)."""
    groups = []
    for location in LOCATIONS:
        work = "%s/%s" % (root, location)
        hosts = "\n".join("        %s-%s: {kafka_broker_config_dir: %s/%s, _kafka_broker_node: {advertised_host: "
                          "127.0.0.%d, is_controller: true, is_broker: true}}" % (location, name, work, name, i + 1)
                          for i, name in enumerate(NODES))
        groups.append("""    %s:
      hosts:
%s
      vars:
        kafka_broker_group: %s
        kafka_broker_tls_ca_location: %s
        kafka_broker_tls_ca_dir: %s/ca-on-controller
        kafka_broker_tls_ca_node_dir: %s/ca-on-node
        kafka_broker_tls_controller_dir: %s/controller
""" % (location, hosts, location, location, work, work, work))
    return """all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    kafka_broker_service_mode: user
    kafka_broker_tls_mode: generate
    kafka_broker_admin_password: admin-secret
    _kafka_broker_restart_needed: false
  children:
%s""" % "".join(groups)


def files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _dirs, names in os.walk(root) for f in names)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def cert(path):
    with open(path, "rb") as handle:
        return x509.load_pem_x509_certificate(handle.read())


def public_pem(key):
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def check_first_run(work, ca_dir):
    """What the first run leaves in one cluster's WORK: returns (CA certificate, node -> serial)."""
    # the CA key and certificate in the CA directory only, root-only
    assert mode(ca_dir) == 0o700 and mode(os.path.join(ca_dir, "ca.key")) == 0o600
    keys = [f for f in files(work) if f.endswith((".key", "key.pem"))]
    assert keys == sorted([os.path.relpath(os.path.join(ca_dir, "ca.key"), work), "controller/admin.key"]
                          + ["%s/tls/node.parts/2-key.pem" % n for n in NODES]), keys
    ca = cert(os.path.join(ca_dir, "ca.pem"))
    assert isinstance(ca.public_key(), ec.EllipticCurvePublicKey)
    with open(os.path.join(work, "controller", "ca.pem"), "rb") as handle:
        assert handle.read() == ca.public_bytes(serialization.Encoding.PEM)

    issued = {}
    for i, node in enumerate(NODES):
        tls = os.path.join(work, node, "tls")
        with open(os.path.join(tls, "node.parts", "2-key.pem"), "rb") as handle:
            key_pem = handle.read()
        key = serialization.load_pem_private_key(key_pem, password=None)
        node_cert = cert(os.path.join(tls, "node.parts", "1-cert.pem"))
        # signed by the CA for this node's own key and names
        node_cert.verify_directly_issued_by(ca)
        assert public_pem(node_cert.public_key()) == public_pem(key.public_key())
        assert node_cert.subject.rfc4514_string() == "CN=127.0.0.%d" % (i + 1)
        # the key store Kafka reads: this certificate, then this key
        with open(os.path.join(tls, "node.pem"), "rb") as handle:
            assert handle.read() == node_cert.public_bytes(serialization.Encoding.PEM) + key_pem
        assert mode(os.path.join(tls, "node.pem")) == 0o600 and mode(os.path.join(tls, "node.parts", "2-key.pem")) == 0o600
        with open(os.path.join(tls, "ca.pem"), "rb") as handle:
            assert handle.read() == ca.public_bytes(serialization.Encoding.PEM)
        issued[node] = node_cert.serial_number
    admin = cert(os.path.join(work, "controller", "admin.pem"))
    admin.verify_directly_issued_by(ca)
    assert admin.subject.rfc4514_string() == "CN=admin"
    return ca, issued


def test_generated_ca_survives_a_fresh_controller(tmp_path):
    root = str(tmp_path / "work")
    inv = tmp_path / "inventory.yml"
    inv.write_text(inventory(root))
    play = tmp_path / "play.yml"
    play.write_text("".join(PLAY % (location, location) for location in LOCATIONS))
    hosts = ["%s-%s" % (location, node) for location in LOCATIONS for node in NODES]

    def run(check=False, extra_vars=None, limit=None):
        result = run_playbook(str(play), inventory=str(inv), check=check, extra_vars=extra_vars, limit=limit)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        return result

    def work(location):
        return os.path.join(root, location)

    def ca_dir(location):
        return os.path.join(work(location), "ca-on-node" if location == "node" else "ca-on-controller")

    # check mode on new nodes: predicts changes, writes no key anywhere
    checked = run(check=True)
    assert all(checked.stats(h)["changed"] > 0 for h in hosts)
    for location in LOCATIONS:
        assert not [f for f in files(work(location)) if f.endswith((".key", "key.pem", ".pem"))
                    and not f.startswith("controller/")], (location, files(work(location)))

    first = run()
    assert all(first.stats(h)["changed"] > 0 for h in hosts)
    cas, issued = {}, {}
    for location in LOCATIONS:
        cas[location], issued[location] = check_first_run(work(location), ca_dir(location))
    assert cas["node"].serial_number != cas["controller"].serial_number

    # a fresh controller (as an AWX job): nothing changes, nothing is issued again
    for location in LOCATIONS:
        controller = os.path.join(work(location), "controller")
        for name in os.listdir(controller):
            os.remove(os.path.join(controller, name))
        os.rmdir(controller)
    again = run()
    assert [again.stats(h)["changed"] for h in hosts] == [0] * len(hosts)
    for location in LOCATIONS:
        assert cert(os.path.join(ca_dir(location), "ca.pem")).serial_number == cas[location].serial_number
        assert {n: cert(os.path.join(work(location), n, "tls", "node.parts", "1-cert.pem")).serial_number
                for n in NODES} == issued[location]
        assert os.path.exists(os.path.join(work(location), "controller", "admin.pem"))

    # check mode on the converged nodes
    checked = run(check=True)
    assert [checked.stats(h)["changed"] for h in hosts] == [0] * len(hosts)

    # renewal: new serials, same keys, same CA (with the CA on a node, molecule `site` renews a
    # live cluster under load)
    renewed = run(extra_vars={"kafka_broker_tls_renew": True}, limit="controller")
    assert all(renewed.stats("controller-" + n)["changed"] > 0 for n in NODES)
    assert not any(renewed.stats("node-" + n) for n in NODES)
    for node in NODES:
        tls = os.path.join(work("controller"), node, "tls")
        new = cert(os.path.join(tls, "node.parts", "1-cert.pem"))
        new.verify_directly_issued_by(cas["controller"])
        assert new.serial_number != issued["controller"][node]
        with open(os.path.join(tls, "node.parts", "2-key.pem"), "rb") as handle:
            key = serialization.load_pem_private_key(handle.read(), password=None)
        assert public_pem(new.public_key()) == public_pem(key.public_key())
