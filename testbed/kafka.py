"""Real Apache Kafka (KRaft) brokers for tests, started from Maven Central jars.

A ``KafkaCluster`` of 1 or 3 combined broker+controller nodes, each bound to 127.0.0.1 on its
own free ports, with its own log dir under a work folder. ``start()`` formats storage, starts the
JVMs and waits until every broker serves metadata; ``stop()`` stops them by PID (TERM, then KILL
after a grace period) and leaves no process behind.

Extra listeners (TLS, SASL) can be added through ``extra_config`` / ``listeners`` hooks, which the
secured test bed uses; extra JVM options of the brokers (a Java agent) through ``jvm_args``.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import base64

from testbed.cache import cached
from testbed.cds import Archive

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_VERSION = os.environ.get("KAFKA_VERSION", "4.4.0")


def kafka_libs(version=DEFAULT_VERSION):
    """Return the cached libs/ folder for ``version``, resolving it from Maven Central once."""
    return cached("kafka-libs.sh", version)


# Kafka CLI tools that moved between versions: either name runs the class the version has.
MOVED_TOOLS = [("org.apache.kafka.tools.AclCommand", "kafka.admin.AclCommand"),
               ("org.apache.kafka.tools.ConfigCommand", "kafka.admin.ConfigCommand")]
_JAR_CLASSES = {}


def tool_class(libs, main_class):
    """``main_class``, or the other name of a moved tool when this libs/ folder has only that."""
    for names in MOVED_TOOLS:
        if main_class not in names:
            continue
        if libs not in _JAR_CLASSES:
            import zipfile
            found = set()
            for jar in os.listdir(libs):
                if jar.startswith(("kafka_2.13-", "kafka-tools-")) and jar.endswith(".jar"):
                    with zipfile.ZipFile(os.path.join(libs, jar)) as archive:
                        found.update(n[:-6].replace("/", ".") for n in archive.namelist()
                                     if n.endswith("Command.class"))
            _JAR_CLASSES[libs] = found
        for name in names:
            if name in _JAR_CLASSES[libs]:
                return name
    return main_class


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ephemeral_range():
    """The kernel's range for ports it hands out by itself (outgoing connections, bind to 0)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as handle:
            low, high = (int(part) for part in handle.read().split())
        return low, high
    except (OSError, ValueError):
        return 32768, 60999


def free_port_block(size=6, attempts=200):
    """A base port whose next ``size`` ports are all free on 127.0.0.1 (for fixed port layouts
    such as the dev cluster's base..base+5).

    The block lies outside the kernel's ephemeral range: the nodes bind it only once Ansible has
    configured and started them, many seconds later, and in the meantime any client connection of
    the suite (both lanes of make test run at once) could be given a port of that range."""
    low, high = _ephemeral_range()
    ranges = [(first, last) for first, last in ((10000, low - size), (high + 1, 65535 - size))
              if first <= last]
    if not ranges:
        raise RuntimeError("no port range outside the ephemeral range %d-%d" % (low, high))
    for _ in range(attempts):
        base = random.randint(*random.choice(ranges))
        socks = []
        try:
            for port in range(base, base + size):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no block of %d free ports outside the ephemeral range" % size)


def random_cluster_id():
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


# log4j2 in properties form: the YAML form needs jackson-dataformat-yaml, which Kafka 3.9's jars
# lack (its tools then print log4j2's own errors into their output).
LOG4J2 = """\
status = error
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
"""
LOG4J2_QUIET = "status = error\nrootLogger.level = ERROR\n"


class KafkaNode(object):
    def __init__(self, cluster, node_id):
        self.cluster = cluster
        self.node_id = node_id
        self.host = "127.0.0.1"
        self.port = free_port()
        self.controller_port = free_port()
        self.dir = os.path.join(cluster.workdir, "node-%d" % node_id)
        self.log_dir = os.path.join(self.dir, "data")
        self.config_path = os.path.join(self.dir, "server.properties")
        self.process = None
        # the first node writes the broker's class archive when it stops cleanly (testbed.cds)
        self.cds = Archive(cluster.libs, "broker", cluster.java_bin, dump=node_id == 1)
        self.extra_listeners = {}  # name -> (port, security protocol)

    @property
    def bootstrap(self):
        return "%s:%d" % (self.host, self.port)

    def listener_port(self, name):
        return self.extra_listeners[name][0]

    def properties(self):
        listeners = ["PLAINTEXT://%s:%d" % (self.host, self.port),
                     "CONTROLLER://%s:%d" % (self.host, self.controller_port)]
        advertised = ["PLAINTEXT://%s:%d" % (self.host, self.port)]
        protocol_map = ["PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"]
        for name, (port, protocol) in sorted(self.extra_listeners.items()):
            listeners.append("%s://%s:%d" % (name, self.host, port))
            advertised.append("%s://%s:%d" % (name, self.host, port))
            protocol_map.append("%s:%s" % (name, protocol))
        size = len(self.cluster.nodes)
        props = {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            "controller.quorum.voters": self.cluster.voters,
            "listeners": ",".join(listeners),
            "advertised.listeners": ",".join(advertised),
            "listener.security.protocol.map": ",".join(protocol_map),
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": self.log_dir,
            "num.partitions": "1",
            "offsets.topic.replication.factor": str(min(size, 3)),
            "transaction.state.log.replication.factor": str(min(size, 3)),
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": str(min(size, 3)),
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "false",
            "broker.rack": "rack-%d" % (self.node_id % 3) if self.cluster.racks else None,
        }
        props.update(self.cluster.extra_config(self) if callable(self.cluster.extra_config)
                     else (self.cluster.extra_config or {}))
        return dict((k, v) for k, v in props.items() if v is not None)

    def write_config(self):
        os.makedirs(self.dir, exist_ok=True)
        with open(self.config_path, "w") as handle:
            for key, value in sorted(self.properties().items()):
                handle.write("%s=%s\n" % (key, value))

    def java(self, main_class, *args, **kwargs):
        """Run a Kafka tool class with the cluster's classpath; returns CompletedProcess."""
        return self.cluster.java(main_class, *args, **kwargs)

    def format_command(self, archive=None):
        # "--cluster-id=ID" in one argument: a random id starts with "-" once in 64, which
        # the tool's parser would otherwise read as an option.
        args = ["format", "--cluster-id=" + self.cluster.cluster_id, "-c", self.config_path]
        args += self.cluster.format_args(self) if self.cluster.format_args else []
        return self.cluster.java_command("kafka.tools.StorageTool", *args, archive=archive)

    def start(self):
        log_dir = os.path.join(self.dir, "logs")
        os.makedirs(log_dir, exist_ok=True)
        cmd = [self.cluster.java_bin, "-Xms256m", "-Xmx%s" % self.cluster.heap,
               "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
               "-Dkafka.logs.dir=%s" % log_dir,
               "-Dlog4j2.configurationFile=%s" % self.cluster.log4j_path]
        cmd += self.cds.jvm_args()
        cmd += self.cluster.node_jvm_args(self)
        cmd += ["-cp", os.path.join(self.cluster.libs, "*"), "kafka.Kafka", self.config_path]
        self.stdout = open(os.path.join(log_dir, "stdout.log"), "ab")
        self.process = subprocess.Popen(cmd, stdout=self.stdout, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        with open(os.path.join(self.dir, "pid"), "w") as handle:
            handle.write(str(self.process.pid))

    def running(self):
        return self.process is not None and self.process.poll() is None

    def terminate(self):
        if self.running():
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self, grace=30):
        """Controlled shutdown (SIGTERM), SIGKILL after ``grace`` seconds."""
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
        self.stdout.close()

    def kill(self):
        """Hard-kill the broker (crash simulation)."""
        if self.process is None:
            return
        if self.running():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.cds.adopt(self.process.returncode)
        self.process = None
        self.stdout.close()

    def log_tail(self, lines=40):
        path = os.path.join(self.dir, "logs", "server.log")
        if not os.path.exists(path):
            path = os.path.join(self.dir, "logs", "stdout.log")
        try:
            with open(path, "rb") as handle:
                return b"\n".join(handle.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return ""


# Extra JVM options of the tests' brokers: the C1 compiler only halves a broker's CPU over its
# start and first idle minute (5.9 -> 3.1 CPU-s, measured on the 2-core machine), and the suite is
# CPU-bound there. Benchmarks keep the default (C2) so that their figures are a real broker's.
TEST_JVM_ARGS = ("-XX:TieredStopAtLevel=1",)


class KafkaCluster(object):
    """A KRaft cluster of ``size`` combined nodes on 127.0.0.1."""

    def __init__(self, size=1, version=DEFAULT_VERSION, workdir=None, extra_config=None,
                 format_args=None, racks=False, heap="512m", jvm_args=None):
        self.version = version
        self.libs = kafka_libs(version)
        self.java_bin = shutil.which("java") or "java"
        self.own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="specweave-kafka-")
        self.cluster_id = random_cluster_id()
        self.extra_config = extra_config
        self.format_args = format_args
        self.racks = racks
        self.heap = heap
        self.jvm_args = jvm_args
        self.log4j_path = os.path.join(self.workdir, "log4j2.properties")
        self.nodes = [KafkaNode(self, node_id) for node_id in range(1, size + 1)]

    def node_jvm_args(self, node):
        """Extra JVM options of ``node``'s broker (before the class path): ``jvm_args`` as a list,
        or a callable given the node (a metrics agent with a port of each node's own)."""
        extra = self.jvm_args(node) if callable(self.jvm_args) else self.jvm_args
        return list(extra or [])

    @property
    def voters(self):
        return ",".join("%d@%s:%d" % (n.node_id, n.host, n.controller_port) for n in self.nodes)

    @property
    def bootstrap_servers(self):
        return ",".join(n.bootstrap for n in self.nodes)

    def tool_archive(self, main_class, dump=True):
        return Archive(self.libs, tool_class(self.libs, main_class), self.java_bin, dump=dump)

    def java_command(self, main_class, *args, **kwargs):
        """The command line of a Kafka tool; with ``archive`` (``tool_archive``), its CDS flags."""
        archive = kwargs.pop("archive", None)
        return ([self.java_bin, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                 "-Dlog4j2.configurationFile=%s" % self.log4j_quiet_path]
                + (archive.jvm_args() if archive else [])
                + ["-cp", os.path.join(self.libs, "*"), tool_class(self.libs, main_class)] + list(args))

    def java(self, main_class, *args, **kwargs):
        timeout = kwargs.pop("timeout", 120)
        archive = self.tool_archive(main_class)
        result = subprocess.run(self.java_command(main_class, *args, archive=archive), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kwargs)
        archive.adopt(result.returncode)
        return result

    @property
    def log4j_quiet_path(self):
        return os.path.join(self.workdir, "log4j2-tools.properties")

    def tool(self, main_class, *args, **kwargs):
        """Run a Kafka CLI tool against this cluster; raise with its output on failure."""
        result = self.java(main_class, *args, **kwargs)
        if result.returncode != 0:
            raise RuntimeError("%s %s failed (%d):\n%s%s" % (main_class, " ".join(args),
                                                           result.returncode, result.stdout,
                                                           result.stderr))
        return result.stdout

    def start(self, timeout=90):
        os.makedirs(self.workdir, exist_ok=True)
        with open(self.log4j_path, "w") as handle:
            handle.write(LOG4J2)
        with open(self.log4j_quiet_path, "w") as handle:
            handle.write(LOG4J2_QUIET)
        formats = []
        for node in self.nodes:
            node.write_config()
            # one of the formats run side by side writes the tool's class archive
            archive = self.tool_archive("kafka.tools.StorageTool", dump=node is self.nodes[0])
            formats.append((node, archive, subprocess.Popen(
                node.format_command(archive),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)))
        for node, archive, proc in formats:
            output = proc.communicate(timeout=120)[0]
            archive.adopt(proc.returncode)
            if proc.returncode != 0:
                raise RuntimeError("storage format failed for node %d:\n%s" % (node.node_id, output))
        try:
            for node in self.nodes:
                node.start()
            self.wait_ready(timeout)
        except Exception:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout=90, nodes=None):
        """Wait until every (given) node answers metadata requests with all brokers registered."""
        from kafka import KafkaAdminClient
        nodes = nodes or self.nodes
        deadline = time.time() + timeout
        last_error = None
        while time.time() < deadline:
            for node in nodes:
                if not node.running():
                    raise RuntimeError("broker %d exited during start:\n%s"
                                       % (node.node_id, node.log_tail()))
            try:
                admin = KafkaAdminClient(bootstrap_servers=self.bootstrap_servers,
                                         request_timeout_ms=5000, **self.client_config())
                try:
                    brokers = admin.describe_cluster()["brokers"]
                finally:
                    admin.close()
                if len(brokers) >= len([n for n in self.nodes if n.running()]):
                    return
                last_error = "only %d brokers registered" % len(brokers)
            except Exception as exc:  # noqa: BLE001 - retried until the deadline
                last_error = exc
            time.sleep(0.5)
        raise RuntimeError("cluster not ready after %ss: %s\n%s"
                           % (timeout, last_error, self.nodes[0].log_tail()))

    def client_config(self):
        """kafka-python settings for the PLAINTEXT listener (secured beds override this)."""
        return {}

    def stop(self):
        """Stop every node. A cluster on its own throw-away folder is killed at once: nothing of
        it is kept, and a controlled shutdown of the last nodes would only wait for a controller
        quorum that is already gone. A cluster on a given folder (kept) shuts down cleanly."""
        if self.own_workdir:
            for node in self.nodes:
                if node.cds.pending and node.running():
                    node.stop()  # a clean exit writes the broker's class archive (testbed.cds)
            for node in self.nodes:
                node.kill()
            shutil.rmtree(self.workdir, ignore_errors=True)
            return
        for node in self.nodes:
            node.terminate()
        for node in self.nodes:
            node.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
