"""Where the kafka_broker role keeps its generated CA and keys (tls_mode generate), run for real.

Two "nodes" on this machine (local connection, each its own config dir) get the role's TLS part
(``tasks_from: tls``), with the CA on the first node (ca_location node) or in a controller path
(ca_location controller). Asserted, for each location: check mode on new nodes writes nothing;
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

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from testbed.ansible import run_playbook

NODES = ("n1", "n2")

PLAY = """
- name: TLS part of the kafka_broker role on two local nodes
  hosts: kafka
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


def inventory(work, location):
    hosts = "\n".join("        %s: {kafka_broker_config_dir: %s/%s, _kafka_broker_node: {advertised_host: 127.0.0.%d, "
                      "is_controller: true, is_broker: true}}" % (name, work, name, i + 1)
                      for i, name in enumerate(NODES))
    return """all:
  children:
    kafka:
      hosts:
%s
      vars:
        ansible_connection: local
        ansible_python_interpreter: "{{ ansible_playbook_python }}"
        kafka_broker_service_mode: user
        kafka_broker_tls_mode: generate
        kafka_broker_tls_ca_location: %s
        kafka_broker_tls_ca_dir: %s/ca-on-controller
        kafka_broker_tls_ca_node_dir: %s/ca-on-node
        kafka_broker_tls_controller_dir: %s/controller
        kafka_broker_admin_password: admin-secret
        _kafka_broker_restart_needed: false
""" % (hosts, location, work, work, work)


def files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _dirs, names in os.walk(root) for f in names)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def cert(path):
    with open(path, "rb") as handle:
        return x509.load_pem_x509_certificate(handle.read())


def public_pem(key):
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.mark.parametrize("location", ["node", "controller"])
def test_generated_ca_survives_a_fresh_controller(tmp_path, location):
    work = str(tmp_path / "work")
    inv = tmp_path / "inventory.yml"
    inv.write_text(inventory(work, location))
    play = tmp_path / "play.yml"
    play.write_text(PLAY)

    def run(check=False, extra_vars=None):
        result = run_playbook(str(play), inventory=str(inv), check=check, extra_vars=extra_vars)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        return result

    ca_dir = os.path.join(work, "ca-on-node" if location == "node" else "ca-on-controller")

    # check mode on new nodes: predicts changes, writes no key anywhere
    checked = run(check=True)
    assert all(checked.stats(n)["changed"] > 0 for n in NODES)
    assert not [f for f in files(work) if f.endswith((".key", "key.pem", ".pem"))
                and not f.startswith("controller/")], files(work)

    first = run()
    assert all(first.stats(n)["changed"] > 0 for n in NODES)
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

    # a fresh controller (as an AWX job): nothing changes, nothing is issued again
    for name in os.listdir(os.path.join(work, "controller")):
        os.remove(os.path.join(work, "controller", name))
    os.rmdir(os.path.join(work, "controller"))
    again = run()
    assert [again.stats(n)["changed"] for n in NODES] == [0, 0]
    assert cert(os.path.join(ca_dir, "ca.pem")).serial_number == ca.serial_number
    assert {n: cert(os.path.join(work, n, "tls", "node.parts", "1-cert.pem")).serial_number for n in NODES} == issued
    assert os.path.exists(os.path.join(work, "controller", "admin.pem"))

    # check mode on the converged nodes
    assert [run(check=True).stats(n)["changed"] for n in NODES] == [0, 0]

    # renewal: new serials, same keys, same CA (with the CA on a node, molecule `site` renews a
    # live cluster under load)
    if location == "node":
        return
    renewed = run(extra_vars={"kafka_broker_tls_renew": True})
    assert all(renewed.stats(n)["changed"] > 0 for n in NODES)
    for node in NODES:
        new = cert(os.path.join(work, node, "tls", "node.parts", "1-cert.pem"))
        new.verify_directly_issued_by(ca)
        assert new.serial_number != issued[node]
        with open(os.path.join(work, node, "tls", "node.parts", "2-key.pem"), "rb") as handle:
            key = serialization.load_pem_private_key(handle.read(), password=None)
        assert public_pem(new.public_key()) == public_pem(key.public_key())
