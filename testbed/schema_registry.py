"""A real Confluent-compatible Schema Registry for tests: Apicurio Registry from Maven Central.

``SchemaRegistry(kafka_bootstrap=...)`` runs Apicurio Registry (``scripts/apicurio.sh``) on
127.0.0.1 on a free port, backed by the given Kafka cluster (``kafkasql`` storage: the registry
keeps its journal in a Kafka topic) or, without a bootstrap, by its in-memory H2 database.
``start()`` waits until the Confluent API answers; ``stop()`` stops the JVM by PID (TERM, then
KILL after a grace period). ``url`` is the Confluent-compatible base URL
(``http://127.0.0.1:<port>/apis/ccompat/v7``).

``users={"alice": "secret"}`` turns on HTTP basic authentication for every ``/apis/`` path
(Quarkus embedded users), so wrong credentials get a real 401.

``tls=True`` serves HTTPS only, with a certificate for 127.0.0.1/localhost from a per-run CA
(``cafile``). ``bearer=True`` turns on the registry's own OAuth bearer authentication (Quarkus
OIDC in service mode): tokens are RS256 JWTs that the registry verifies against a JWKS document,
served here on 127.0.0.1 by a small HTTP server standing in for an identity provider's JWKS
endpoint; ``token()`` mints one (``expires_in`` may be negative for an expired token).

Not possible with this registry: requiring client certificates. Apicurio 3.0.9 is built with
``quarkus.http.ssl.client-auth=NONE`` and Quarkus refuses to change that build-time setting at run
time, so mutual TLS cannot be enforced by it; tests put ``testbed.tls_proxy.MutualTlsProxy`` in
front of it instead.
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen
import http.server
import ssl

from testbed.kafka import REPO, free_port

DEFAULT_VERSION = os.environ.get("APICURIO_VERSION", "3.0.9")
CCOMPAT_PATH = "/apis/ccompat/v7"
# HTTP basic login of the test suite's registry (tests/integration/conftest.py)
TEST_USER = "ops"
TEST_PASSWORD = "s3cret-registry"


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_bytes(number):
    return number.to_bytes((number.bit_length() + 7) // 8, "big")


def apicurio_home(version=DEFAULT_VERSION):
    """Return the cached folder with the Apicurio runner jar, resolving it once."""
    out = subprocess.run([os.path.join(REPO, "scripts", "apicurio.sh"), version],
                         check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


class SchemaRegistry(object):
    def __init__(self, kafka_bootstrap=None, version=DEFAULT_VERSION, users=None, heap="384m",
                 workdir=None, tls=False, bearer=False):
        self.version = version
        self.home = apicurio_home(version)
        self.jar = os.path.join(self.home, "apicurio-registry-app-%s-runner.jar" % version)
        self.kafka_bootstrap = kafka_bootstrap
        self.users = dict(users or {})
        self.heap = heap
        self.host = "127.0.0.1"
        self.port = free_port()
        self.own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="specweave-apicurio-")
        self.log_path = os.path.join(self.workdir, "registry.log")
        self.process = None
        self._log = None
        # one registry per Kafka cluster: a unique journal topic keeps runs apart
        self.journal_topic = "kafkasql-journal-%d" % self.port
        self.tls = tls
        self.cafile = None
        if tls:
            from testbed.secure import CertificateAuthority
            self.ca = CertificateAuthority(os.path.join(self.workdir, "tls"))
            self.cafile = self.ca.cafile
            self.certfile, self.keyfile, _ = self.ca.issue("localhost", server=True,
                                                           filename="registry")
        self.bearer = bearer
        self._jwks_server = None
        if bearer:
            from cryptography.hazmat.primitives.asymmetric import rsa
            self._signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def base_url(self):
        return "%s://%s:%d" % ("https" if self.tls else "http", self.host, self.port)

    @property
    def url(self):
        return self.base_url + CCOMPAT_PATH

    @property
    def storage(self):
        return "kafkasql" if self.kafka_bootstrap else "in-memory"

    def system_properties(self):
        props = {
            "quarkus.http.host": self.host,
            "quarkus.http.port": str(self.port),
            # the management interface would bind a fixed port (9000) otherwise
            "quarkus.management.enabled": "false",
            "quarkus.log.console.color": None,
        }
        if self.kafka_bootstrap:
            props.update({
                "apicurio.storage.kind": "kafkasql",
                "apicurio.kafkasql.bootstrap.servers": self.kafka_bootstrap,
                "apicurio.kafkasql.topic": self.journal_topic,
                "apicurio.kafkasql.snapshots.topic": "kafkasql-snapshots-%d" % self.port,
            })
        if self.users:
            props.update({
                "quarkus.http.auth.basic": "true",
                "quarkus.security.users.embedded.enabled": "true",
                "quarkus.security.users.embedded.plain-text": "true",
                "quarkus.http.auth.permission.registry.paths": "/apis/*",
                "quarkus.http.auth.permission.registry.policy": "authenticated",
            })
            for user, password in self.users.items():
                props["quarkus.security.users.embedded.users.%s" % user] = password
        if self.tls:
            props.update({
                "quarkus.http.ssl-port": str(self.port),
                "quarkus.http.insecure-requests": "disabled",
                "quarkus.tls.key-store.pem.0.cert": self.certfile,
                "quarkus.tls.key-store.pem.0.key": self.keyfile,
            })
        if self.bearer:
            jwks = "http://127.0.0.1:%d" % self._jwks_server.server_address[1]
            props.update({
                "quarkus.oidc.tenant-enabled": "true",
                "quarkus.oidc.application-type": "service",
                "quarkus.oidc.discovery-enabled": "false",
                "quarkus.oidc.auth-server-url": jwks,
                "quarkus.oidc.jwks-path": "/jwks",
                "quarkus.oidc.token-path": jwks + "/token",
                "quarkus.http.auth.permission.registry.paths": "/apis/*",
                "quarkus.http.auth.permission.registry.policy": "authenticated",
            })
        return dict((k, v) for k, v in props.items() if v is not None)

    def command(self):
        java = shutil.which("java") or "java"
        cmd = [java, "-Xms128m", "-Xmx%s" % self.heap, "-XX:+UseSerialGC",
               "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"]
        cmd += ["-D%s=%s" % item for item in sorted(self.system_properties().items())]
        return cmd + ["-jar", self.jar]

    # -- bearer tokens --------------------------------------------------------------------

    def _jwks(self):
        numbers = self._signing_key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "kid": "specweave-test", "use": "sig", "alg": "RS256",
                          "n": _b64(_int_bytes(numbers.n)), "e": _b64(_int_bytes(numbers.e))}]}

    def _start_jwks(self):
        body = json.dumps(self._jwks()).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server API
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self._jwks_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._jwks_server.serve_forever, daemon=True).start()

    def token(self, subject="ci", expires_in=600, key=None):
        """An RS256 JWT the registry accepts (signed with ``key`` instead, it must refuse it)."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        now = int(time.time())
        header = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "specweave-test"}).encode())
        claims = _b64(json.dumps({"sub": subject, "preferred_username": subject, "iss": "specweave-test",
                                  "iat": now, "exp": now + expires_in}).encode())
        signing_input = (header + "." + claims).encode()
        signature = (key or self._signing_key).sign(signing_input, padding.PKCS1v15(),
                                                    hashes.SHA256())
        return header + "." + claims + "." + _b64(signature)

    # -- process --------------------------------------------------------------------------

    def start(self, timeout=240):
        os.makedirs(self.workdir, exist_ok=True)
        if self.bearer and self._jwks_server is None:
            self._start_jwks()
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command(), cwd=self.workdir, stdout=self._log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        with open(os.path.join(self.workdir, "pid"), "w") as handle:
            handle.write(str(self.process.pid))
        try:
            self.wait_ready(timeout)
        except Exception:
            self.stop()
            raise
        return self

    def auth_header(self):
        if self.bearer:
            return {"Authorization": "Bearer " + self.token()}
        if not self.users:
            return {}
        user, password = sorted(self.users.items())[0]
        token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        return {"Authorization": "Basic " + token}

    def wait_ready(self, timeout=240):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("Apicurio Registry exited during start:\n%s" % self.log_tail())
            try:
                status, _body = self.request("GET", "/subjects")
                if status == 200:
                    return
                last = "HTTP %s" % status
            except (URLError, OSError) as exc:
                last = exc
            time.sleep(1)
        raise RuntimeError("Apicurio Registry not ready after %ss: %s\n%s"
                           % (timeout, last, self.log_tail()))

    def request(self, method, path, body=None, auth=True, timeout=30):
        """Plain urllib call to the Confluent API: returns (status, parsed JSON or text)."""
        headers = {"Accept": "application/vnd.schemaregistry.v1+json, application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/vnd.schemaregistry.v1+json"
        if auth:
            headers.update(self.auth_header())
        req = Request(self.url + path, data=data, headers=headers, method=method)
        context = ssl.create_default_context(cafile=self.cafile) if self.tls else None
        try:
            with urlopen(req, timeout=timeout, context=context) as resp:
                status, raw = resp.status, resp.read()
        except HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw.decode() or "null")
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, grace=20):
        if self.process is not None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(grace)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(10)
            self.process = None
        if self._log:
            self._log.close()
            self._log = None
        if self._jwks_server is not None:
            self._jwks_server.shutdown()
            self._jwks_server.server_close()
            self._jwks_server = None
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as handle:
                return b"\n".join(handle.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
