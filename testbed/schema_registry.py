"""A real Confluent-compatible Schema Registry for tests: Apicurio Registry from Maven Central.

``SchemaRegistry(kafka_bootstrap=...)`` runs Apicurio Registry (``scripts/apicurio.sh``) on
127.0.0.1 on a free port, backed by the given Kafka cluster (``kafkasql`` storage: the registry
keeps its journal in a Kafka topic) or, without a bootstrap, by its in-memory H2 database.
``start()`` waits until the Confluent API answers; ``stop()`` stops the JVM by PID (TERM, then
KILL after a grace period). ``url`` is the Confluent-compatible base URL
(``http://127.0.0.1:<port>/apis/ccompat/v7``).

``users={"alice": "secret"}`` turns on HTTP basic authentication for every ``/apis/`` path
(Quarkus embedded users), so wrong credentials get a real 401.
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from testbed.kafka import REPO, free_port

DEFAULT_VERSION = os.environ.get("APICURIO_VERSION", "3.0.9")
CCOMPAT_PATH = "/apis/ccompat/v7"


def apicurio_home(version=DEFAULT_VERSION):
    """Return the cached folder with the Apicurio runner jar, resolving it once."""
    out = subprocess.run([os.path.join(REPO, "scripts", "apicurio.sh"), version],
                         check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


class SchemaRegistry(object):
    def __init__(self, kafka_bootstrap=None, version=DEFAULT_VERSION, users=None, heap="384m",
                 workdir=None):
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

    @property
    def base_url(self):
        return "http://%s:%d" % (self.host, self.port)

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
        return dict((k, v) for k, v in props.items() if v is not None)

    def command(self):
        java = shutil.which("java") or "java"
        cmd = [java, "-Xms128m", "-Xmx%s" % self.heap, "-XX:+UseSerialGC",
               "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"]
        cmd += ["-D%s=%s" % item for item in sorted(self.system_properties().items())]
        return cmd + ["-jar", self.jar]

    def start(self, timeout=240):
        os.makedirs(self.workdir, exist_ok=True)
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
        try:
            with urlopen(req, timeout=timeout) as resp:
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
