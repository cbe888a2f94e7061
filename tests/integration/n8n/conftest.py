"""Fixtures of the n8n area: a private PostgreSQL and an HTTP receiver (n8n itself, one per
session, is tests/integration/conftest.py's ``n8n``).

n8n comes from the npm registry (scripts/n8n-install.sh, cached), PostgreSQL from Debian
(scripts/n8n-postgres-install.sh); both run on 127.0.0.1 on free ports and are stopped by PID.
"""
import http.server
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest

from testbed.ansible import run_module
from testbed.kafka import REPO, free_port


@pytest.fixture
def module():
    """``module(name, args, env=..., ...)``: testbed.ansible.run_module."""
    return run_module


@pytest.fixture
def n8n_env(n8n):
    """Connection through the documented environment fallbacks."""
    return {"N8N_API_URL": n8n.url, "N8N_API_KEY": n8n.api_key}


class Receiver(object):
    """A tiny HTTP server on 127.0.0.1 that records every request body it gets."""

    def __init__(self):
        self.requests = []
        self.cond = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.cond:
                    receiver.requests.append({"path": self.path, "body": body,
                                              "headers": dict(self.headers)})
                    receiver.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, predicate, timeout=60):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for req in self.requests:
                    if predicate(req):
                        return req
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def receiver():
    rec = Receiver()
    yield rec
    rec.stop()


class Postgres(object):
    """A private PostgreSQL cluster run as the ``postgres`` system user on 127.0.0.1."""

    def __init__(self):
        self.bindir = subprocess.run(
            [os.path.join(REPO, "scripts", "n8n-postgres-install.sh")], check=True,
            stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="specweave-pg-")
        self.data = os.path.join(self.dir, "data")
        self.user = "postgres"
        self.password = "n8n-test-password"
        self.database = "events"
        self.pid = None
        os.chmod(self.dir, 0o755)
        owner = pwd.getpwnam(self.user)
        os.chown(self.dir, owner.pw_uid, owner.pw_gid)

    def _as_postgres(self, *cmd, **kwargs):
        return subprocess.run(["runuser", "-u", self.user, "--"] + list(cmd), check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              stdin=subprocess.DEVNULL, **kwargs)

    def start(self):
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as handle:
            handle.write(self.password)
        os.chmod(pwfile, 0o644)
        self._as_postgres(os.path.join(self.bindir, "initdb"), "-D", self.data, "-U",
                          self.user, "--pwfile", pwfile, "-A", "scram-sha-256",
                          "--no-sync", "-E", "UTF8")
        os.remove(pwfile)
        self._as_postgres(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-w", "-l",
                          os.path.join(self.dir, "postgres.log"), "-o",
                          "-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off"
                          % (self.port, self.dir), "start")
        with open(os.path.join(self.data, "postmaster.pid")) as handle:
            self.pid = int(handle.readline())
        self.sql("CREATE DATABASE %s" % self.database, database="postgres")
        return self

    def sql(self, statement, database=None):
        env = dict(os.environ, PGPASSWORD=self.password)
        out = subprocess.run(
            [os.path.join(self.bindir, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
             self.user, "-d", database or self.database, "-At", "-v", "ON_ERROR_STOP=1",
             "-c", statement],
            check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            timeout=30)
        return out.stdout.strip()

    def stop(self):
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGINT)  # fast shutdown of this postmaster
                deadline = time.time() + 20
                while time.time() < deadline:
                    os.kill(self.pid, 0)
                    time.sleep(0.2)
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.pid = None
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    pg = Postgres().start()
    yield pg
    pg.stop()
