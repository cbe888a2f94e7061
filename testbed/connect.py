"""A real Apache Kafka Connect worker (distributed mode) for tests.

The worker (``connect-runtime``) and the FileStream and MirrorMaker 2 connectors come from Maven
Central (``scripts/connect-libs.sh``) on one class path, as in Kafka's own distribution. Their
version is the newest of which all three are served here (4.3.0: 4.4.0's connect-file and
connect-mirror are not, and plugins of another version do not load in a worker); it talks to the
4.4 test broker like any client. ``ConnectWorker(bootstrap).start()`` binds its REST listener to
127.0.0.1 on a free port and waits until the REST API lists the plugins; ``stop()`` stops the JVM
by PID (TERM, then KILL after a grace period). ``plugin_dirs`` is its ``plugin.path``
(third-party connectors such as Debezium).

JVM settings for a fast start on two cores, as the broker's: a small heap, the C1 compiler only
(``-XX:TieredStopAtLevel=1``), the serial collector and the class data sharing archive of
``testbed.cds`` (kind ``connect``).
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from testbed.cache import cached
from testbed.cds import Archive
from testbed.kafka import LOG4J2, free_port

CONNECT_VERSION = os.environ.get("KAFKA_CONNECT_VERSION", "4.3.0")
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"


def connect_libs(version=CONNECT_VERSION):
    """The cached libs/ folder of the worker and its FileStream and MirrorMaker 2 connectors."""
    return cached("connect-libs.sh", version)


class ConnectWorker(object):
    """One distributed-mode worker on 127.0.0.1; its internal topics are named after its port."""

    def __init__(self, bootstrap, version=CONNECT_VERSION, group_id=None, plugin_dirs=None,
                 workdir=None, heap="384m", extra_config=None):
        self.bootstrap = bootstrap
        self.version = version
        self.libs = connect_libs(version)
        self.plugin_dirs = list(plugin_dirs or [])
        self.java_bin = shutil.which("java") or "java"
        self.port = free_port()
        self.host = "127.0.0.1"
        self.group_id = group_id or "specweave-connect-%d" % self.port
        self.own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="specweave-connect-")
        self.heap = heap
        self.extra_config = dict(extra_config or {})
        self.config_path = os.path.join(self.workdir, "worker.properties")
        self.log_dir = os.path.join(self.workdir, "logs")
        self.cds = Archive(self.libs, "connect", self.java_bin)
        self.process = None
        self._stdout = None

    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    def properties(self):
        props = {
            "bootstrap.servers": self.bootstrap,
            "group.id": self.group_id,
            "config.storage.topic": "%s-configs" % self.group_id,
            "offset.storage.topic": "%s-offsets" % self.group_id,
            "status.storage.topic": "%s-status" % self.group_id,
            "config.storage.replication.factor": "1",
            "offset.storage.replication.factor": "1",
            "status.storage.replication.factor": "1",
            "offset.storage.partitions": "1",
            "status.storage.partitions": "1",
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "org.apache.kafka.connect.storage.StringConverter",
            "listeners": "http://%s:%d" % (self.host, self.port),
            "rest.advertised.host.name": self.host,
            "rest.advertised.port": str(self.port),
            # an empty folder at least: the setting must not be empty
            "plugin.path": ",".join(self.plugin_dirs or [os.path.join(self.workdir, "plugins")]),
            # every plugin here has a ServiceLoader manifest: no class path scan (seconds)
            "plugin.discovery": "service_load",
            "offset.flush.interval.ms": "1000",
            "scheduled.rebalance.max.delay.ms": "0",
            "task.shutdown.graceful.timeout.ms": "2000",
            "connector.client.config.override.policy": "All",
        }
        props.update(self.extra_config)
        return props

    def write_config(self):
        os.makedirs(self.log_dir, exist_ok=True)
        os.makedirs(os.path.join(self.workdir, "plugins"), exist_ok=True)
        with open(self.config_path, "w") as handle:
            for key, value in sorted(self.properties().items()):
                handle.write("%s=%s\n" % (key, value))
        with open(os.path.join(self.workdir, "log4j2.properties"), "w") as handle:
            handle.write(LOG4J2.replace("server.log", "connect.log"))

    def command(self):
        return ([self.java_bin, "-Xms64m", "-Xmx%s" % self.heap, "-XX:TieredStopAtLevel=1",
                 "-XX:+UseSerialGC", "-Xshare:auto", "-Djava.awt.headless=true",
                 "-Dkafka.logs.dir=%s" % self.log_dir,
                 "-Dlog4j2.configurationFile=%s" % os.path.join(self.workdir, "log4j2.properties")]
                + self.cds.jvm_args()
                + ["-cp", os.path.join(self.libs, "*"),
                   "org.apache.kafka.connect.cli.ConnectDistributed", self.config_path])

    def start(self, timeout=120):
        self.write_config()
        self._stdout = open(os.path.join(self.log_dir, "stdout.log"), "ab")
        self.process = subprocess.Popen(self.command(), stdout=self._stdout,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        try:
            self.wait_ready(timeout)
        except Exception:
            self.stop()
            raise
        return self

    def running(self):
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout=120):
        """Until the REST API lists the FileStream plugins and answers ``GET /connectors``."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if not self.running():
                raise RuntimeError("Connect worker exited during start:\n%s" % self.log_tail())
            try:
                plugins = [p["class"] for p in self.get("/connector-plugins")]
                if FILE_SOURCE in plugins:
                    self.get("/connectors")
                    return
                last = "plugins: %s" % plugins
            except (URLError, OSError, ValueError) as exc:
                last = exc
            time.sleep(0.5)
        raise RuntimeError("Connect worker not ready after %ss: %s\n%s"
                           % (timeout, last, self.log_tail()))

    def request(self, method, path, body=None):
        """One REST call; returns (status, decoded JSON or None)."""
        data = json.dumps(body).encode() if body is not None else None
        request = Request(self.url + path, data=data, method=method,
                          headers={"Content-Type": "application/json",
                                   "Accept": "application/json"})
        try:
            with urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw) if raw else None
            except ValueError:
                return exc.code, raw.decode("utf-8", "replace")

    def get(self, path):
        status, body = self.request("GET", path)
        if status >= 300:
            raise ValueError("GET %s: HTTP %s %s" % (path, status, body))
        return body

    def connectors(self):
        return sorted(self.get("/connectors"))

    def status(self, name):
        """The connector's status, or None when it does not exist."""
        status, body = self.request("GET", "/connectors/%s/status" % name)
        return body if status == 200 else None

    def config(self, name):
        status, body = self.request("GET", "/connectors/%s/config" % name)
        return body if status == 200 else None

    def delete(self, name):
        self.request("DELETE", "/connectors/%s" % name)

    def terminate(self):
        if self.running():
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self, grace=20):
        if self.process is None:
            return
        self.terminate()
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.cds.adopt(self.process.returncode)
        self.process = None
        self._stdout.close()

    def close(self):
        """Stop the worker and remove its own work folder. Killed at once when its class archive
        is written already (a clean leave of the group only costs seconds here)."""
        if self.process is not None and not self.cds.pending:
            if self.running():
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.process = None
            self._stdout.close()
        self.stop()
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, lines=60):
        for name in ("connect.log", "stdout.log"):
            path = os.path.join(self.log_dir, name)
            if os.path.exists(path):
                with open(path, "rb") as handle:
                    return b"\n".join(handle.read().splitlines()[-lines:]).decode("utf-8", "replace")
        return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


def debezium_plugins():
    """The cached plugin.path folder with Debezium's PostgreSQL connector."""
    return cached("connect-libs.sh", "debezium")


def connect_archive(version=CONNECT_VERSION, scala="2.13"):
    """An archive laid out like Apache Kafka's (``kafka_<scala>-<version>/libs/``) with the
    Connect worker of ``connect_libs`` but without ``connect-file``, for the kafka_connect role
    (which installs the FileStream connector as a plugin from ``connect_file_jar``). Built once
    beside the libs/ folder; returns its path."""
    import tarfile
    libs = connect_libs(version)
    path = os.path.join(os.path.dirname(libs), "kafka_%s-%s-connect.tgz" % (scala, version))
    if os.path.exists(path):
        return path
    tmp = path + ".%d.tmp" % os.getpid()
    with tarfile.open(tmp, "w:gz", compresslevel=1) as archive:
        for jar in sorted(os.listdir(libs)):
            if jar.startswith("connect-file-"):
                continue
            archive.add(os.path.join(libs, jar),
                        arcname="kafka_%s-%s/libs/%s" % (scala, version, jar))
    os.replace(tmp, path)
    return path


def connect_file_jar(version=CONNECT_VERSION):
    """The FileStream connectors' jar (a plugin for the role) and its SHA-256."""
    import hashlib
    jar = os.path.join(connect_libs(version), "connect-file-%s.jar" % version)
    with open(jar, "rb") as handle:
        return jar, hashlib.sha256(handle.read()).hexdigest()
