"""A real n8n for tests, installed from the npm registry and run on 127.0.0.1.

``N8nServer().start()`` installs n8n once (``scripts/n8n-install.sh``, cached), starts it with
sqlite in a private user folder on a free port, waits until it answers, creates the owner, logs
in and creates an API key with every scope the instance offers. ``.url`` and ``.api_key`` are
then what the modules need (``api_url``/``api_key``); ``.api(...)`` calls the public API with
plain urllib, independently of the collection's own client. ``stop()`` stops it by PID (the
process group: n8n and its task runner), TERM then KILL.

Everything that would make n8n talk to the internet (telemetry, version notifications,
templates, community packages, banners, license renewal) is switched off; the tests check that
its process holds no connection to any address outside 127.0.0.0/8.
"""
import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from testbed.kafka import REPO, free_port, free_port_block

DEFAULT_VERSION = os.environ.get("N8N_VERSION", "2.8.4")
OWNER_EMAIL = "owner@specweave.test"
OWNER_PASSWORD = "Specweave-Test-0wner"
BROWSER_ID = "specweave-testbed"


def n8n_binary(version=DEFAULT_VERSION):
    """Return the cached n8n executable for ``version``, installing it from npm once."""
    out = subprocess.run([os.path.join(REPO, "scripts", "n8n-install.sh"), version],
                         check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def quiet_environment(user_folder, port):
    """n8n settings: loopback only, sqlite, nothing that phones home."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.lower().endswith("_proxy") and not k.startswith("N8N_"))
    env.update({
        "N8N_USER_FOLDER": user_folder,
        "N8N_PORT": str(port),
        "N8N_LISTEN_ADDRESS": "127.0.0.1",
        "N8N_HOST": "127.0.0.1",
        "N8N_PROTOCOL": "http",
        "WEBHOOK_URL": "http://127.0.0.1:%d/" % port,
        "N8N_EDITOR_BASE_URL": "http://127.0.0.1:%d/" % port,
        "N8N_SECURE_COOKIE": "false",
        "DB_TYPE": "sqlite",
        "DB_SQLITE_POOL_SIZE": "2",
        "N8N_ENCRYPTION_KEY": "specweave-testbed-encryption-key",
        "GENERIC_TIMEZONE": "UTC",
        "TZ": "UTC",
        "N8N_DIAGNOSTICS_ENABLED": "false",
        "N8N_DIAGNOSTICS_CONFIG_FRONTEND": "",
        "N8N_DIAGNOSTICS_CONFIG_BACKEND": "",
        "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
        "N8N_TEMPLATES_ENABLED": "false",
        "N8N_PERSONALIZATION_ENABLED": "false",
        "N8N_HIRING_BANNER_ENABLED": "false",
        "N8N_DYNAMIC_BANNERS_ENABLED": "false",
        "N8N_COMMUNITY_PACKAGES_ENABLED": "false",
        "N8N_UNVERIFIED_PACKAGES_ENABLED": "false",
        "N8N_VERIFIED_PACKAGES_ENABLED": "false",
        "N8N_LICENSE_AUTO_RENEW_ENABLED": "false",
        "N8N_AI_ENABLED": "false",
        "N8N_AI_ASSISTANT_BASE_URL": "",
        "EXTERNAL_FRONTEND_HOOKS_URLS": "",
        "N8N_PUBLIC_API_DISABLED": "false",
        "N8N_PUBLIC_API_SWAGGERUI_DISABLED": "true",
        "N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS": "true",
        "N8N_RUNNERS_ENABLED": "true",
        # the task runners' broker (default 5679): its own port, so that two test beds (one per
        # lane of make test) can run at once; outside the ephemeral range, as it is bound late
        "N8N_RUNNERS_BROKER_PORT": str(free_port_block(size=1)),
        "N8N_LOG_LEVEL": os.environ.get("N8N_TESTBED_LOG_LEVEL", "info"),
        "N8N_LOG_OUTPUT": "console",
        "EXECUTIONS_DATA_PRUNE": "false",
        "N8N_BLOCK_ENV_ACCESS_IN_NODE": "true",
        "NO_PROXY": "127.0.0.1,localhost",
    })
    return env


class N8nServer(object):
    """One n8n process on 127.0.0.1 with an owner and an API key."""

    def __init__(self, version=DEFAULT_VERSION, workdir=None):
        self.version = version
        self.binary = n8n_binary(version)
        self.own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="specweave-n8n-")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.process = None
        self.api_key = None
        self.log_path = os.path.join(self.workdir, "n8n.log")
        cookies = http.cookiejar.CookieJar()
        self._session = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))

    @classmethod
    def attach(cls, url, api_key, pid):
        """Use an n8n that is already running (started by ``start()`` elsewhere)."""
        server = cls.__new__(cls)
        server.version, server.binary, server.own_workdir = DEFAULT_VERSION, None, False
        server.workdir, server.url, server.api_key = None, url.rstrip("/"), api_key
        server.port = int(url.rsplit(":", 1)[1].strip("/"))
        server.log_path = os.devnull
        server.process = _Attached(pid)
        server._session = urllib.request.build_opener()
        return server

    # -- process ------------------------------------------------------------------------------
    def start(self, timeout=180):
        env = quiet_environment(os.path.join(self.workdir, "home"), self.port)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.binary, "start"], cwd=self.workdir, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        with open(os.path.join(self.workdir, "pid"), "w") as handle:
            handle.write(str(self.process.pid))
        try:
            self.wait_ready(timeout)
            self.setup_owner_and_key()
        except Exception:
            self.stop()
            raise
        return self

    def running(self):
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout=180):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if not self.running():
                raise RuntimeError("n8n exited during start:\n%s" % self.log_tail())
            try:
                status, body = self.rest("GET", "/rest/settings")
                if status == 200 and isinstance(body, dict):
                    return
                last = "HTTP %s" % status
            except Exception as exc:  # noqa: BLE001 - retried until the deadline
                last = exc
            time.sleep(0.5)
        raise RuntimeError("n8n not ready after %ss: %s\n%s" % (timeout, last, self.log_tail()))

    def stop(self, grace=20):
        if isinstance(self.process, _Attached):
            return
        if self.process is not None:
            if self.process.poll() is None:
                try:
                    os.killpg(self.process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    self.process.wait(grace)
                except subprocess.TimeoutExpired:
                    pass
            try:  # the task runner lives in the same process group
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                pass
            self.process = None
            self._log.close()
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, lines=60):
        try:
            with open(self.log_path, "rb") as handle:
                return b"\n".join(handle.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return ""

    def pids(self):
        """PIDs of n8n's process group (n8n itself and its task runner)."""
        pgid = self.process.pid
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.getpgid(int(entry)) == pgid:
                    found.append(int(entry))
            except OSError:
                continue
        return found

    # -- HTTP ---------------------------------------------------------------------------------
    def _call(self, opener, method, path, body=None, headers=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            resp = opener.open(req, timeout=timeout)
            status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            parsed = json.loads(raw.decode() or "null")
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return status, parsed

    def rest(self, method, path, body=None):
        """The editor's internal REST API (cookie session of the owner)."""
        return self._call(self._session, method, path, body, {"browser-id": BROWSER_ID})

    def api(self, method, path, body=None, key=None):
        """The public API (``/api/v1`` + path) with the API key; returns (status, json)."""
        return self._call(urllib.request.build_opener(), method, "/api/v1" + path, body,
                          {"X-N8N-API-KEY": key or self.api_key})

    def webhook(self, path, body, method="POST"):
        return self._call(urllib.request.build_opener(), method, "/webhook/" + path, body)

    def setup_owner_and_key(self):
        status, body = self.rest("POST", "/rest/owner/setup", {
            "email": OWNER_EMAIL, "firstName": "Spec", "lastName": "Weave",
            "password": OWNER_PASSWORD})
        if status != 200:
            raise RuntimeError("owner setup failed: %s %s" % (status, body))
        status, body = self.rest("POST", "/rest/login", {
            "emailOrLdapLoginId": OWNER_EMAIL, "password": OWNER_PASSWORD})
        if status != 200:
            raise RuntimeError("login failed: %s %s" % (status, body))
        status, body = self.rest("GET", "/rest/api-keys/scopes")
        if status != 200:
            raise RuntimeError("listing API key scopes failed: %s %s" % (status, body))
        scopes = body["data"] if isinstance(body, dict) and "data" in body else body
        status, body = self.rest("POST", "/rest/api-keys", {
            "label": "specweave-tests", "scopes": scopes, "expiresAt": None})
        if status != 200:
            raise RuntimeError("API key creation failed: %s %s" % (status, body))
        data = body.get("data", body)
        self.api_key = data.get("rawApiKey") or data.get("apiKey")
        if not self.api_key:
            raise RuntimeError("no API key in %s" % body)
        return self.api_key

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _Attached(object):
    """Stands in for the Popen of an n8n started elsewhere (never stopped from here)."""

    def __init__(self, pid):
        self.pid = pid

    def poll(self):
        try:
            os.kill(self.pid, 0)
            return None
        except OSError:
            return 1
