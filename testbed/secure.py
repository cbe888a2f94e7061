"""A secured Apache Kafka (KRaft) test bed: TLS, SASL/SCRAM, mTLS and ACL enforcement.

``SecureKafkaCluster(size=1|3).start()`` generates, per run, a CA and one certificate per broker
(PEM, with the ``cryptography`` library) and starts brokers with these listeners, all on
127.0.0.1 and free ports:

* ``SASL_SSL`` (``node.port``, what ``bootstrap_servers`` points at): TLS, then SASL with
  SCRAM-SHA-512 or SCRAM-SHA-256. No client certificate needed.
* ``SSL`` (``node.ssl_port``, ``ssl_bootstrap_servers``): mutual TLS, ``ssl.client.auth=required``.
  ``ssl.principal.mapping.rules`` maps the certificate subject ``CN=<name>,O=...`` to the
  principal ``User:<name>``.
* ``CONTROLLER``: KRaft controller traffic, also mutual TLS (see below).

Security model:

* ``StandardAuthorizer`` with ``allow.everyone.if.no.acl.found=false``: a principal without ACLs
  can do nothing.
* Super users are ``User:admin`` (a SCRAM credential written into the metadata at storage-format
  time with ``StorageTool format --add-scram``, so it exists before the first broker starts) and
  ``User:kafka-broker`` (the CN of every broker certificate).
* Inter-broker traffic uses the ``SSL`` listener with the broker certificates, so brokers act as
  ``User:kafka-broker``. There is no PLAINTEXT listener at all, so no connection is ever
  ``User:ANONYMOUS``.
* The controller listener: in KRaft, brokers (and the controllers among themselves) connect to
  ``controller.listener.names`` and the StandardAuthorizer on the controller checks the principal
  of those connections (CLUSTER_ACTION for fetch/registration). With a PLAINTEXT controller
  listener the principal would be ``User:ANONYMOUS``, and the usual workaround of adding
  ``User:ANONYMOUS`` to ``super.users`` would make *any* client that reaches the controller port
  (admin clients can, since KIP-919 ``--bootstrap-controller``) a super user. So the controller
  listener is SSL with ``ssl.client.auth=required`` and the same broker certificate: the KRaft
  client uses the listener's ``ssl.*`` settings, the principal is ``User:kafka-broker``, and an
  anonymous client cannot even complete the TLS handshake there.

Client helpers: ``admin_config()``, ``scram_config(user, password)``, ``mtls_config(cn)`` give
kafka-python keyword arguments; ``confluent_config(...)`` gives librdkafka settings;
``module_args(...)`` gives the collection's connection options; ``command_config(...)`` writes a
properties file for Kafka's own CLI tools (``--command-config``).
"""
import datetime
import ipaddress
import os
import secrets

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from testbed.kafka import KafkaCluster, free_port

ADMIN_USER = "admin"
BROKER_PRINCIPAL = "kafka-broker"
SCRAM_MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256")


def _name(common_name, org="specweave-kafka-test"):
    # RFC 2253 strings (what Kafka matches the mapping rules against) list the last RDN
    # first, so O comes first here to read "CN=<name>,O=<org>" on the broker.
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(path, data, mode=0o600):
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


class CertificateAuthority(object):
    """A throw-away CA in ``directory``; issues server and client certificates as PEM files."""

    def __init__(self, directory, name="specweave-kafka-test-ca"):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        subject = _name(name)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False,
                                         False), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.cafile = os.path.join(directory, "ca.pem")
        _write(self.cafile, self.cert.public_bytes(serialization.Encoding.PEM), 0o644)

    def issue(self, common_name, server=False, filename=None):
        """Issue a certificate for ``CN=common_name``; return (certfile, keyfile, combined).

        ``combined`` holds the PKCS#8 key followed by the certificate chain, which is the PEM
        key store format the Kafka broker reads (``ssl.keystore.type=PEM``).
        """
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        usages = [ExtendedKeyUsageOID.CLIENT_AUTH]
        if server:
            usages.append(ExtendedKeyUsageOID.SERVER_AUTH)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name)).issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        )
        if server:
            builder = builder.add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        base = os.path.join(self.directory, filename or common_name)
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        ca_pem = self.cert.public_bytes(serialization.Encoding.PEM)
        key_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        _write(base + ".crt", cert_pem + ca_pem, 0o644)
        _write(base + ".key", key_pem)
        _write(base + ".keystore.pem", key_pem + cert_pem + ca_pem)
        return base + ".crt", base + ".key", base + ".keystore.pem"


class SecureKafkaCluster(KafkaCluster):
    """``KafkaCluster`` with only SASL_SSL, SSL (mTLS) and an mTLS controller listener."""

    def __init__(self, size=1, admin_password=None, **kwargs):
        kwargs.setdefault("racks", size > 1)
        super(SecureKafkaCluster, self).__init__(size=size, extra_config=self._node_config,
                                                 format_args=self._format_args, **kwargs)
        self.admin_password = admin_password or secrets.token_urlsafe(18)
        self.tls_dir = os.path.join(self.workdir, "tls")
        self.ca = CertificateAuthority(self.tls_dir)
        self._client_certs = {}
        for node in self.nodes:
            node.ssl_port = free_port()
            node.keystore = self.ca.issue(BROKER_PRINCIPAL, server=True,
                                          filename="broker-%d" % node.node_id)[2]

    # -- broker configuration -------------------------------------------------------------

    def _node_config(self, node):
        host = node.host
        return {
            "listeners": "SASL_SSL://%s:%d,SSL://%s:%d,CONTROLLER://%s:%d" % (
                host, node.port, host, node.ssl_port, host, node.controller_port),
            "advertised.listeners": "SASL_SSL://%s:%d,SSL://%s:%d" % (
                host, node.port, host, node.ssl_port),
            "listener.security.protocol.map": "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:SSL",
            "inter.broker.listener.name": "SSL",
            "controller.listener.names": "CONTROLLER",
            # TLS: one PEM key store per broker, the per-run CA as trust store.
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": node.keystore,
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": self.ca.cafile,
            "ssl.client.auth": "required",
            "ssl.endpoint.identification.algorithm": "https",
            "listener.name.sasl_ssl.ssl.client.auth": "none",
            "ssl.principal.mapping.rules": "RULE:^CN=([^,]+).*$/$1/,DEFAULT",
            # SASL/SCRAM on the SASL_SSL listener (credentials live in the KRaft metadata).
            "sasl.enabled.mechanisms": ",".join(SCRAM_MECHANISMS),
            "listener.name.sasl_ssl.sasl.enabled.mechanisms": ",".join(SCRAM_MECHANISMS),
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config":
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config":
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            # Authorization.
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "allow.everyone.if.no.acl.found": "false",
            "super.users": "User:%s;User:%s" % (ADMIN_USER, BROKER_PRINCIPAL),
        }

    def _format_args(self, node):
        args = []
        for mechanism in SCRAM_MECHANISMS:
            args += ["--add-scram", "%s=[name=%s,password=%s]" % (
                mechanism, ADMIN_USER, self.admin_password)]
        return args

    # -- addresses --------------------------------------------------------------------------

    @property
    def sasl_bootstrap_servers(self):
        return self.bootstrap_servers

    @property
    def ssl_bootstrap_servers(self):
        return ",".join("%s:%d" % (n.host, n.ssl_port) for n in self.nodes)

    @property
    def cafile(self):
        return self.ca.cafile

    def client_cert(self, common_name):
        """(certfile, keyfile) of a client certificate for ``CN=common_name`` (made once)."""
        if common_name not in self._client_certs:
            certfile, keyfile, _ = self.ca.issue(common_name, filename="client-" + common_name)
            self._client_certs[common_name] = (certfile, keyfile)
        return self._client_certs[common_name]

    # -- kafka-python client settings ------------------------------------------------------

    def client_config(self):
        """Used by ``wait_ready``: the admin super user over SASL_SSL."""
        return self.admin_config(with_servers=False)

    def scram_config(self, user, password, mechanism="SCRAM-SHA-512", with_servers=True):
        config = dict(security_protocol="SASL_SSL", sasl_mechanism=mechanism,
                      sasl_plain_username=user, sasl_plain_password=password,
                      ssl_cafile=self.cafile)
        if with_servers:
            config["bootstrap_servers"] = self.sasl_bootstrap_servers
        return config

    def admin_config(self, with_servers=True, mechanism="SCRAM-SHA-512"):
        return self.scram_config(ADMIN_USER, self.admin_password, mechanism, with_servers)

    def mtls_config(self, common_name, with_servers=True):
        certfile, keyfile = self.client_cert(common_name)
        config = dict(security_protocol="SSL", ssl_cafile=self.cafile,
                      ssl_certfile=certfile, ssl_keyfile=keyfile)
        if with_servers:
            config["bootstrap_servers"] = self.ssl_bootstrap_servers
        return config

    # -- librdkafka (confluent-kafka) settings ----------------------------------------------

    def confluent_config(self, user=None, password=None, mechanism="SCRAM-SHA-512", cn=None):
        """librdkafka settings: SCRAM ``user``/``password`` (admin by default) or mTLS ``cn``."""
        if cn is not None:
            certfile, keyfile = self.client_cert(cn)
            return {"bootstrap.servers": self.ssl_bootstrap_servers,
                    "security.protocol": "SSL", "ssl.ca.location": self.cafile,
                    "ssl.certificate.location": certfile, "ssl.key.location": keyfile}
        if user is None:
            user, password = ADMIN_USER, self.admin_password
        return {"bootstrap.servers": self.sasl_bootstrap_servers,
                "security.protocol": "SASL_SSL", "sasl.mechanism": mechanism,
                "sasl.username": user, "sasl.password": password,
                "ssl.ca.location": self.cafile}

    # -- module options and CLI tools --------------------------------------------------------

    def module_args(self, user=None, password=None, mechanism="SCRAM-SHA-512", cn=None):
        """Connection options of the collection's modules (SCRAM by default, mTLS with ``cn``)."""
        if cn is not None:
            certfile, keyfile = self.client_cert(cn)
            return dict(bootstrap_servers=self.ssl_bootstrap_servers, security_protocol="SSL",
                        ssl_cafile=self.cafile, ssl_certfile=certfile, ssl_keyfile=keyfile)
        if user is None:
            user, password = ADMIN_USER, self.admin_password
        return dict(bootstrap_servers=self.sasl_bootstrap_servers,
                    security_protocol="SASL_SSL", sasl_mechanism=mechanism,
                    sasl_username=user, sasl_password=password, ssl_cafile=self.cafile)

    def command_config(self, user=None, password=None, mechanism="SCRAM-SHA-512"):
        """Write a ``--command-config`` properties file for Kafka's CLI tools; return its path."""
        if user is None:
            user, password = ADMIN_USER, self.admin_password
        path = os.path.join(self.tls_dir, "client-%s-%s.properties" % (user, mechanism))
        text = "\n".join([
            "security.protocol=SASL_SSL",
            "sasl.mechanism=%s" % mechanism,
            'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule '
            'required username="%s" password="%s";' % (user, password),
            "ssl.truststore.type=PEM",
            "ssl.truststore.location=%s" % self.cafile,
            "",
        ])
        _write(path, text.encode())
        return path

    def admin_tool(self, main_class, *args, **kwargs):
        """Run a Kafka CLI tool as the admin over SASL_SSL (adds bootstrap + command config)."""
        return self.tool(main_class, "--bootstrap-server", self.sasl_bootstrap_servers,
                         "--command-config", self.command_config(), *args, **kwargs)


def running(cluster, timeout=300):
    """Start ``cluster``, yield it, stop it (also when the start fails): the body of a fixture."""
    try:
        cluster.start(timeout=timeout)
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()
