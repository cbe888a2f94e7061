"""A real Kubernetes API server for the strimzi role's tests: etcd and kube-apiserver on 127.0.0.1.

``KubeApiServer().start()`` runs Debian's etcd (scripts/etcd.sh) and a kube-apiserver built from
Kubernetes' Go modules (scripts/kube-apiserver.sh) on free loopback ports, authenticates with a
static token of group ``system:masters``, writes a kubeconfig for kubernetes.core and the Python
client, and applies Strimzi's and OLM's CustomResourceDefinitions from the reference documents
(``testbed.reference``), waiting until they are established. ``stop()`` ends both processes by
the PIDs it started.

There is no kubelet and no controller that runs pods: the operator's status updates are made by
the tests themselves through the status subresource (``set_status``), as the operator would.
"""
import base64
import glob
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.request

import yaml

from testbed.cache import cached
from testbed.kafka import free_port
from testbed.reference import reference_dir

CRD_FOLDERS = ("strimzi-crds", "olm-crds")
# What the stand-in puts in a cluster's CA secret (ca.crt), as the operator would its CA.
STAND_IN_CA = b"-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n"


class KubeApiServer(object):
    def __init__(self, workdir=None):
        self.own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="specweave-kube-")
        self.token = secrets.token_hex(16)
        self.etcd_port = free_port()
        self.etcd_peer_port = free_port()
        self.port = free_port()
        self.url = "https://127.0.0.1:%d" % self.port
        self.kubeconfig = os.path.join(self.workdir, "kubeconfig")
        self.processes = {}
        self._logs = {}
        self._api = None

    # -- processes ----------------------------------------------------------------------------
    def _spawn(self, name, argv):
        log = open(os.path.join(self.workdir, name + ".log"), "ab")
        self._logs[name] = log
        self.processes[name] = subprocess.Popen(argv, cwd=self.workdir, stdout=log,
                                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                                start_new_session=True)

    def start(self, timeout=90):
        etcd = cached("etcd.sh")
        apiserver = cached("kube-apiserver.sh")
        try:
            self._spawn("etcd", [
                etcd, "--name", "test", "--data-dir", os.path.join(self.workdir, "etcd"),
                "--listen-client-urls", "http://127.0.0.1:%d" % self.etcd_port,
                "--advertise-client-urls", "http://127.0.0.1:%d" % self.etcd_port,
                "--listen-peer-urls", "http://127.0.0.1:%d" % self.etcd_peer_port,
                "--initial-advertise-peer-urls", "http://127.0.0.1:%d" % self.etcd_peer_port,
                "--initial-cluster", "test=http://127.0.0.1:%d" % self.etcd_peer_port,
                "--unsafe-no-fsync",
            ])
            key = os.path.join(self.workdir, "sa.key")
            subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            tokens = os.path.join(self.workdir, "tokens.csv")
            with open(tokens, "w") as handle:
                handle.write('%s,admin,admin-uid,"system:masters"\n' % self.token)
            certs = os.path.join(self.workdir, "certs")
            os.makedirs(certs)
            self._spawn("kube-apiserver", [
                apiserver,
                "--etcd-servers", "http://127.0.0.1:%d" % self.etcd_port,
                "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
                "--secure-port", str(self.port), "--cert-dir", certs,
                "--service-account-issuer", "https://kubernetes.default.svc",
                "--service-account-key-file", key,
                "--service-account-signing-key-file", key,
                "--token-auth-file", tokens,
                "--authorization-mode", "RBAC",
                "--service-cluster-ip-range", "10.96.0.0/16",
                "--enable-priority-and-fairness=false",
            ])
            self._wait_ready(timeout, certs)
            self._write_kubeconfig(certs)
            self.apply_crds()
        except Exception:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout, certs):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError("%s exited during start:\n%s" % (name, self.log_tail(name)))
            try:
                request = urllib.request.Request(self.url + "/readyz",
                                                 headers={"Authorization": "Bearer " + self.token})
                with urllib.request.urlopen(request, context=context, timeout=5) as response:
                    if response.status == 200 and glob.glob(os.path.join(certs, "*.crt")):
                        return
            except Exception as exc:  # noqa: BLE001 - retried until the deadline
                last = exc
            time.sleep(0.3)
        raise RuntimeError("kube-apiserver not ready after %ss: %s\n%s"
                           % (timeout, last, self.log_tail("kube-apiserver")))

    def _write_kubeconfig(self, certs):
        # the self-signed serving certificate the API server generated for 127.0.0.1
        with open(os.path.join(certs, "apiserver.crt"), "rb") as handle:
            ca = base64.b64encode(handle.read()).decode()
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": "test",
            "clusters": [{"name": "test", "cluster": {"server": self.url,
                                                      "certificate-authority-data": ca}}],
            "users": [{"name": "admin", "user": {"token": self.token}}],
            "contexts": [{"name": "test", "context": {"cluster": "test", "user": "admin"}}],
        }
        with open(self.kubeconfig, "w") as handle:
            yaml.safe_dump(config, handle)
        os.chmod(self.kubeconfig, 0o600)

    def stop(self, grace=15):
        for name in ("kube-apiserver", "etcd"):
            proc = self.processes.pop(name, None)
            if proc is None:
                continue
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(grace)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)
            self._logs.pop(name).close()
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, name, lines=40):
        try:
            with open(os.path.join(self.workdir, name + ".log"), "rb") as handle:
                return b"\n".join(handle.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return ""

    # -- API ----------------------------------------------------------------------------------
    def client(self):
        """A ``kubernetes.dynamic.DynamicClient`` on this server (the library kubernetes.core uses)."""
        if self._api is None:
            from kubernetes import config, dynamic
            api_client = config.new_client_from_config(config_file=self.kubeconfig)
            self._api = dynamic.DynamicClient(api_client)
        return self._api

    def resource(self, api_version, kind):
        return self.client().resources.get(api_version=api_version, kind=kind)

    def apply(self, body, field_manager="specweave-testbed"):
        """Server-side apply of one object (the server validates it against its schema)."""
        res = self.resource(body["apiVersion"], body["kind"])
        namespace = body["metadata"].get("namespace") if res.namespaced else None
        return res.server_side_apply(body=body, name=body["metadata"]["name"],
                                     namespace=namespace, field_manager=field_manager,
                                     force_conflicts=True)

    def get(self, api_version, kind, name, namespace=None):
        """The object as a plain dict, or None when it does not exist."""
        from kubernetes.dynamic.exceptions import NotFoundError
        try:
            return self.resource(api_version, kind).get(name=name, namespace=namespace).to_dict()
        except NotFoundError:
            return None

    def list(self, api_version, kind, namespace=None, label_selector=None):
        found = self.resource(api_version, kind).get(namespace=namespace,
                                                     label_selector=label_selector)
        return [item.to_dict() for item in found.items]

    def set_status(self, api_version, kind, name, namespace, status):
        """Write ``status`` through the status subresource, as the operator does."""
        res = self.resource(api_version, kind)
        return res.status.patch(body={"status": status}, name=name, namespace=namespace,
                                content_type="application/merge-patch+json")

    def apply_crds(self, timeout=60):
        names = []
        for folder in CRD_FOLDERS:
            for path in sorted(glob.glob(os.path.join(reference_dir(folder), "*.yaml"))):
                with open(path) as handle:
                    for doc in yaml.safe_load_all(handle):
                        if doc and doc.get("kind") == "CustomResourceDefinition":
                            self.apply(doc)
                            names.append(doc["metadata"]["name"])
        deadline = time.time() + timeout
        pending = names
        while pending and time.time() < deadline:
            pending = [name for name in names if not self._established(name)]
            if pending:
                time.sleep(0.3)
        if pending:
            raise RuntimeError("CRDs not established after %ss: %s" % (timeout, pending))
        self._api = None  # rediscover the new kinds
        return names

    def _established(self, name):
        crd = self.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", name)
        conditions = (crd or {}).get("status", {}).get("conditions") or []
        return any(c["type"] == "Established" and c["status"] == "True" for c in conditions)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class OperatorStandIn(object):
    """Writes, through the API, the status the Strimzi operator and OLM would write; nothing else.

    A background thread, every ``interval`` seconds: a Subscription gets ``status.installedCSV``
    and its ClusterServiceVersion is created with ``phase: Succeeded``; a Kafka gets ``Ready`` and
    the listeners' bootstrap addresses (``<cluster>-kafka-bootstrap.<ns>.svc:<port>``), and its
    cluster CA secret is created; KafkaTopics and KafkaUsers get ``Ready`` at their current
    generation, and every SCRAM user a ``<user>`` secret with the password of the secret its
    KafkaUser references. Names in ``failures`` ({name: (reason, message)}) get ``Ready=False``
    with that reason and message instead, as the operator reports an error.
    """

    def __init__(self, server, namespace, api_version="kafka.strimzi.io/v1", interval=0.3,
                 ca_pem=STAND_IN_CA):
        self.server = server
        self.namespace = namespace
        self.api_version = api_version
        self.interval = interval
        self.ca_pem = ca_pem
        self.failures = {}
        self.errors = []
        self._stop = threading.Event()
        self._thread = None
        self._client = None

    def start(self):
        from kubernetes import config, dynamic
        self._client = dynamic.DynamicClient(
            config.new_client_from_config(config_file=self.server.kubeconfig))
        self._thread = threading.Thread(target=self._run, name="operator-stand-in", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.reconcile()
            except Exception as exc:  # noqa: BLE001 - kept for the test to report
                self.errors.append(repr(exc))
            self._stop.wait(self.interval)

    def _res(self, api_version, kind):
        return self._client.resources.get(api_version=api_version, kind=kind)

    def _status(self, res, item, status):
        res.status.patch(body={"status": status}, name=item["metadata"]["name"],
                         namespace=self.namespace, content_type="application/merge-patch+json")

    def _ensure_secret(self, name, data, labels):
        from kubernetes.dynamic.exceptions import NotFoundError
        res = self._res("v1", "Secret")
        try:
            res.get(name=name, namespace=self.namespace)
        except NotFoundError:
            res.create(namespace=self.namespace, body={
                "apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": name, "namespace": self.namespace, "labels": labels},
                "data": dict((k, base64.b64encode(v).decode()) for k, v in data.items())})

    @staticmethod
    def _current(item):
        return (item.get("status") or {}).get("observedGeneration") == item["metadata"]["generation"]

    def _condition(self, name):
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        if name in self.failures:
            reason, message = self.failures[name]
            return {"type": "Ready", "status": "False", "reason": reason, "message": message,
                    "lastTransitionTime": now}
        return {"type": "Ready", "status": "True", "lastTransitionTime": now}

    def reconcile(self):
        subs = self._res("operators.coreos.com/v1alpha1", "Subscription")
        for sub in subs.get(namespace=self.namespace).to_dict()["items"]:
            if (sub.get("status") or {}).get("installedCSV"):
                continue
            csv_name = "%s.v1.2.0" % sub["spec"]["name"]
            csvs = self._res("operators.coreos.com/v1alpha1", "ClusterServiceVersion")
            csvs.create(namespace=self.namespace, body={
                "apiVersion": "operators.coreos.com/v1alpha1", "kind": "ClusterServiceVersion",
                "metadata": {"name": csv_name, "namespace": self.namespace},
                "spec": {"displayName": "Streams for Apache Kafka",
                         "install": {"strategy": "deployment"}}})
            csv = csvs.get(name=csv_name, namespace=self.namespace).to_dict()
            self._status(csvs, csv, {"phase": "Succeeded", "reason": "InstallSucceeded",
                                     "message": "install strategy completed with no errors"})
            self._status(subs, sub, {"installedCSV": csv_name, "currentCSV": csv_name,
                                     "state": "AtLatestKnown",
                                     "lastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        kafkas = self._res(self.api_version, "Kafka")
        for kafka in kafkas.get(namespace=self.namespace).to_dict()["items"]:
            if self._current(kafka):
                continue
            name = kafka["metadata"]["name"]
            listeners = [{"name": listener["name"], "bootstrapServers":
                          "%s-kafka-bootstrap.%s.svc:%d" % (name, self.namespace, listener["port"])}
                         for listener in kafka["spec"]["kafka"]["listeners"]]
            self._ensure_secret("%s-cluster-ca-cert" % name, {"ca.crt": self.ca_pem},
                                {"strimzi.io/cluster": name})
            self._status(kafkas, kafka, {"observedGeneration": kafka["metadata"]["generation"],
                                         "conditions": [self._condition(name)],
                                         "listeners": listeners, "clusterId": "stand-in"})
        for kind in ("KafkaTopic", "KafkaUser"):
            res = self._res(self.api_version, kind)
            for item in res.get(namespace=self.namespace).to_dict()["items"]:
                if self._current(item):
                    continue
                name = item["metadata"]["name"]
                status = {"observedGeneration": item["metadata"]["generation"],
                          "conditions": [self._condition(name)]}
                if kind == "KafkaTopic":
                    status["topicName"] = item["spec"].get("topicName") or name
                else:
                    status["username"] = name
                    ref = (((item["spec"].get("authentication") or {}).get("password") or {})
                           .get("valueFrom") or {}).get("secretKeyRef")
                    if ref:
                        source = self._res("v1", "Secret").get(name=ref["name"],
                                                                namespace=self.namespace)
                        password = base64.b64decode(source.to_dict()["data"][ref["key"]])
                        self._ensure_secret(name, {"password": password},
                                            {"strimzi.io/kind": "KafkaUser"})
                self._status(res, item, status)


def running(server=None):
    """Generator for a session fixture: start, yield, stop."""
    server = (server or KubeApiServer()).start()
    try:
        yield server
    finally:
        server.stop()
