"""A stateful local stand-in for the Confluent Cloud control plane, held to the official specs.

Confluent Cloud has no emulator. ``ConfluentCloudFake`` serves the endpoints the confluent_*
modules use (org v2 environments, cmk v2 clusters, iam v2 service accounts, iam v2 api-keys,
connect v1 managed connectors, the iam v2 role bindings of the mds v2 spec) on
127.0.0.1 and a free port, and validates EVERY request it receives and EVERY response it sends
against the official OpenAPI documents in ``../shared/reference/confluent-cloud-openapi/`` with
``openapi-core``, made strict (``strict_spec``): an object's properties are the ones the spec
lists (unknown properties are rejected, in requests and in the fake's own responses), the
``x-extensible-enum`` values (phase, cloud, availability, ...) are enforced as enums, and every
request must carry an ``Authorization`` header (Basic for API keys, Bearer for OAuth tokens), on
every endpoint. A request that does not match the spec is answered 400 (401 without
credentials) and recorded in ``violations``; a response of the fake that does not match is
recorded too, so a test that asserts ``fake.violations == []`` fails on any contract drift on
either side.

Behaviour modelled on the documented API and on how the service behaves (each delay counts
reads - "polls" - of the object, so tests stay fast and deterministic; all are constructor
arguments):

- clusters are PROVISIONING for ``provisioning_polls`` reads before PROVISIONED, or FAILED when
  their display name is in ``failing_clusters``;
- deletion is asynchronous: a deleted cluster answers 204 at once but stays readable and listed,
  with ``metadata.deleted_at`` set (the spec's "will be deleted" time), for ``deletion_polls``
  reads; a second DELETE meanwhile is accepted and changes nothing;
- a Dedicated cluster's CKU change (PATCH ``spec.config.cku``) is applied at once to the spec
  and reaches ``status.cku`` after ``resize_polls`` reads; another config change meanwhile is a
  409;
- lists are eventually consistent: a new environment, cluster, service account or API key is
  missing from the first ``list_lag_polls`` list requests that would include it (a read by id
  finds it at once);
- credentials: the fake's own Cloud API key (``api_key``/``api_secret``) may do everything;
  ``add_credentials`` adds others, read-only or without any role (HTTP 403); a Cloud API key
  created through the API authenticates only after ``key_ready_polls`` requests made with it
  were refused with 401 (it has no role binding: 403 once it authenticates);
- lists are paginated with ``metadata.next`` page tokens (the page size is capped at
  ``page_size_cap`` so small data sets span several pages); service account names are unique
  (409); a cluster cannot be patched while it is provisioning (409) nor deleted while its
  deletion protection is on (409); deleting an environment deletes its clusters. ``inject()``
  queues faults such as 429 with Retry-After or 503;
- managed connectors (connect v1) of a cluster: a new connector (and one whose config was
  replaced) is PROVISIONING for ``connector_provisioning_polls`` status reads, then RUNNING with
  ``tasks.max`` tasks, or PAUSED when paused meanwhile; one whose name is in
  ``failing_connectors`` ends FAILED with a trace (its tasks FAILED with a message). The
  plugins are ``CONNECTOR_PLUGINS``: a class that is not one of them is answered as the spec's
  example says (500 "Failed to find any class ..."; 404 from the validate endpoint), a missing
  required setting with Connect's "Connector configuration is invalid ..." (400), and the
  config validate endpoint lists the same errors. The stored config gets the keys the service
  adds (``cloud.environment`` ...), and secrets (``kafka.api.key``/``kafka.api.secret`` and the
  plugin's passwords) are shown as asterisks. Error bodies take the shapes the connect spec
  gives per operation and status. The spec documents the expanded list as a second path key
  (``.../connectors?expand=info,status,id``), which no router can match: requests with
  ``expand`` are validated against a copy of the spec holding that operation under the plain
  path (``spec_key``), every other connect request against one without it;
- role bindings (iam v2, mds v2 spec): the list requires ``crn_pattern`` (a partial search) and
  filters ``principal`` and ``role_name`` exactly; creating a binding equal to an existing one
  on all three is a 409 (``resource_already_exists``, as the spec's example); the principal must
  be a known service account (``User:sa-...``) or any ``User:u-...``/``Group:...``, the role one
  of ``ROLES`` (400 otherwise); new bindings are missing from lists like other objects.
"""
import base64
import copy
import json
import os
import random
import string
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from testbed.kafka import REPO, free_port
from testbed.reference import reference_dir

SPEC_DIR_ENV = "SPECWEAVE_CONFLUENT_OPENAPI_DIR"
PUBLIC_HOST = "https://api.confluent.cloud"
SPEC_FILES = {"cmk": "cmk-v2.yaml", "org": "org-v2.yaml", "iam": "iam-v2.yaml",
              "apikeys": "apikeys-v2.yaml", "connect": "connect-v1.yaml", "mds": "mds-v2.yaml"}
#: Validator keys that are a view of another spec file: {key: (file key, expanded paths)}.
SPEC_VARIANTS = {"connect": ("connect", False), "connect-expand": ("connect", True)}

#: The managed connector plugins of the fake: type, required settings, password settings.
CONNECTOR_PLUGINS = {
    "DatagenSource": dict(type="source", version="0.6.2",
                          required=("kafka.topic", "output.data.format", "quickstart"),
                          passwords=()),
    "S3_SINK": dict(type="sink", version="10.5.0",
                    required=("topics", "input.data.format", "output.data.format",
                              "time.interval", "s3.bucket.name", "aws.access.key.id",
                              "aws.secret.access.key"),
                    passwords=("aws.access.key.id", "aws.secret.access.key")),
}
#: Settings every managed connector hides, whatever its plugin.
CONNECTOR_PASSWORDS = ("kafka.api.key", "kafka.api.secret")
SERVICE_MASK = "****************"
ROLES = ("OrganizationAdmin", "EnvironmentAdmin", "CloudClusterAdmin", "Operator",
         "MetricsViewer", "ResourceOwner", "DeveloperRead", "DeveloperWrite", "DeveloperManage",
         "FlinkDeveloper", "DataDiscovery", "DataSteward")


def cluster_module_args(env, **extra):
    """confluent_cluster arguments of a small test cluster in ``env`` that the fake polls fast."""
    args = dict(name="orders", environment=env, cluster_type="Basic", cloud="AWS",
                region="us-east-1", availability="SINGLE_ZONE", wait_interval=0.02,
                wait_timeout=30)
    args.update(extra)
    return args


def spec_dir():
    """Folder of the official specs; raises a clear error when it is missing."""
    folder = os.environ.get(SPEC_DIR_ENV) or reference_dir("confluent-cloud-openapi")
    missing = [name for name in sorted(set(SPEC_FILES.values()))
               if not os.path.isfile(os.path.join(folder, name))]
    if missing:
        raise FileNotFoundError(
            "Confluent Cloud OpenAPI specs not found: %s missing in %s. They are expected in "
            "shared/reference/confluent-cloud-openapi/ beside the checkout (or set %s)."
            % (", ".join(missing), folder, SPEC_DIR_ENV))
    return folder


def spec_key(path, query=()):
    if path.startswith("/connect/v1/"):
        return "connect-expand" if any(name == "expand" for name, _ in query) else "connect"
    if path.startswith("/iam/v2/role-bindings"):
        return "mds"
    if path.startswith("/cmk/v2/"):
        return "cmk"
    if path.startswith("/org/v2/"):
        return "org"
    if path.startswith("/iam/v2/api-keys"):
        return "apikeys"
    if path.startswith("/iam/v2/"):
        return "iam"
    return None


def path_variant(spec, expanded):
    """The connect spec with only its plain paths, or only its ``...?expand=...`` paths renamed
    to the plain path they document (an OpenAPI path key cannot hold a query)."""
    paths = {}
    for template, item in spec["paths"].items():
        base, sep, _query = template.partition("?")
        if bool(sep) == expanded:
            paths[base] = item
    spec = dict(spec)
    spec["paths"] = paths
    return spec


def _local_ref(spec, node):
    """The schema a local ``$ref`` points at (the node itself when it has none)."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError("only local $refs are expected in these specs: %s" % ref)
        target = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _merge_schemas(spec, left, right):
    """``left`` and ``right`` (object schemas) as one: properties merged recursively,
    ``required`` united, other keys from ``left`` first."""
    left = copy.deepcopy(_local_ref(spec, left))
    right = copy.deepcopy(_local_ref(spec, right))
    if "allOf" in left:
        left = _merge_all_of(spec, left)
    if "allOf" in right:
        right = _merge_all_of(spec, right)
    merged = dict(left)
    for key, value in right.items():
        if key == "properties":
            props = dict(merged.get("properties") or {})
            for name, schema in value.items():
                props[name] = _merge_schemas(spec, props[name], schema) if name in props \
                    else schema
            merged["properties"] = props
        elif key == "required":
            merged["required"] = sorted(set(merged.get("required", [])) | set(value))
        else:
            merged.setdefault(key, value)
    return merged


def _merge_all_of(spec, node):
    """One schema equivalent to ``allOf`` of object schemas (properties and required merged).

    Needed before closing objects: ``additionalProperties: false`` on each part of an ``allOf``
    would reject the properties the other parts declare.
    """
    merged = {}
    for part in node["allOf"]:
        merged = _merge_schemas(spec, merged, part)
    for key, value in node.items():
        if key != "allOf":
            merged[key] = value
    return merged


def strict_spec(spec):
    """A copy of an OpenAPI document that a validator applies strictly.

    - every schema that lists ``properties`` and says nothing of ``additionalProperties`` gets
      ``additionalProperties: false`` (``allOf`` compositions are merged first): an unknown
      property is an error in a request and in a response;
    - ``x-extensible-enum`` becomes ``enum``: a phase, cloud or availability outside the
      documented values is an error (a server may add values one day; the fake may not).
    """
    spec = copy.deepcopy(spec)

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        if "allOf" in node:
            merged = _merge_all_of(spec, node)
            node.clear()
            node.update(merged)
        if "x-extensible-enum" in node and "enum" not in node:
            node["enum"] = list(node["x-extensible-enum"])
        if isinstance(node.get("properties"), dict) and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for key, value in list(node.items()):
            if key not in ("example", "examples"):
                walk(value)

    walk(spec)
    return spec


AUTH_SCHEMES = ("Basic ", "Bearer ")


def authorization_problem(headers):
    """Why a request's credentials break the contract (None when they do not).

    Every endpoint of these specs declares security: a Cloud API key over HTTP Basic, or an
    OAuth token (Bearer). openapi-core cannot check an oauth2 alternative, so a request
    without any ``Authorization`` header would pass it: checked here instead.
    """
    value = headers.get("Authorization") or headers.get("authorization") or ""
    if not value:
        return "no Authorization header (every endpoint requires a Cloud API key or a token)"
    if not value.startswith(AUTH_SCHEMES):
        return "Authorization header is neither Basic nor Bearer"
    return None


class ContractValidator(object):
    """openapi-core validation of requests and responses against the Confluent Cloud specs,
    made strict by ``strict_spec`` and ``authorization_problem``."""

    _cache = {}
    _lock = threading.Lock()

    def __init__(self, folder=None):
        self.folder = folder or spec_dir()

    def spec(self, key):
        import yaml
        from openapi_core import OpenAPI
        file_key, expanded = SPEC_VARIANTS.get(key, (key, None))
        path = os.path.join(self.folder, SPEC_FILES[file_key])
        with self._lock:
            if (path, key) not in self._cache:
                with open(path) as handle:
                    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                    document = yaml.load(handle, Loader=loader)
                if expanded is not None:
                    document = path_variant(document, expanded)
                self._cache[(path, key)] = OpenAPI.from_dict(strict_spec(document))
            return self._cache[(path, key)]

    @staticmethod
    def _request(method, path, query, headers, body):
        from openapi_core.testing import MockRequest
        content_type = headers.get("Content-Type") or headers.get("content-type") \
            or "application/json"
        return MockRequest(PUBLIC_HOST, method.lower(), path, args=list(query),
                           headers=dict(headers), data=body or None,
                           content_type=content_type.split(";")[0] if body else None)

    def validate_request(self, method, path, query, headers, body):
        key = spec_key(path, query)
        if key is None:
            return ["%s %s: no Confluent Cloud spec covers this path" % (method, path)]
        problems = []
        auth = authorization_problem(headers)
        if auth:
            problems.append("%s %s request: %s" % (method, path, auth))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = self.spec(key).unmarshal_request(
                self._request(method, path, query, headers, body))
        return problems + ["%s %s request: %s" % (method, path, _explain(error))
                           for error in result.errors]

    def validate_response(self, method, path, query, headers, body, status, resp_headers,
                          resp_body):
        from openapi_core.testing import MockResponse
        key = spec_key(path, query)
        if key is None:
            return []
        response = MockResponse(resp_body or b"", status_code=status,
                                headers=dict(resp_headers),
                                content_type="application/json" if resp_body else None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = self.spec(key).unmarshal_response(
                self._request(method, path, query, headers, body), response)
        return ["%s %s response %s: %s" % (method, path, status, _explain(error))
                for error in result.errors]


def _explain(error):
    text = str(error)
    cause = error.__cause__
    details = getattr(cause, "schema_errors", None)
    if details:
        text += " [" + "; ".join(getattr(d, "message", str(d)) for d in details) + "]"
    return text


def _random_id(prefix, length=6, alphabet=string.ascii_lowercase + string.digits):
    return prefix + "".join(random.choice(alphabet) for _ in range(length))


def _now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _failure(status, detail, code=None):
    return {"errors": [{"id": _random_id("", 12), "status": str(status),
                        "code": code or "error", "detail": detail}]}


def _connect_failure(status, detail, shape="error"):
    """An error body of connect v1 in one of the spec's shapes: ``error`` (ConnectorError),
    ``code`` (the create call's 400) or ``error_code`` (its 500s)."""
    if shape == "code":
        return {"code": status, "message": detail}
    if shape == "error_code":
        return {"error_code": status, "message": detail}
    return {"error": {"code": status, "message": detail}}


def _failure_for(path, status, detail, code=None):
    if path.startswith("/connect/v1/"):
        return _connect_failure(status, detail)
    return _failure(status, detail, code)


class ApiError(Exception):
    def __init__(self, status, detail, headers=None, payload=None):
        super(ApiError, self).__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.payload = payload


class ConfluentCloudFake(object):
    def __init__(self, api_key="CCFAKEKEY0000001", api_secret="fake-cloud-secret",
                 page_size_cap=2, provisioning_polls=2, deletion_polls=2, resize_polls=2,
                 list_lag_polls=1, key_ready_polls=2, connector_provisioning_polls=2,
                 failing_connectors=(), validate=True):
        self.api_key = api_key
        self.api_secret = api_secret
        self.page_size_cap = page_size_cap
        self.provisioning_polls = provisioning_polls
        self.deletion_polls = deletion_polls
        self.resize_polls = resize_polls
        self.list_lag_polls = list_lag_polls
        self.key_ready_polls = key_ready_polls
        #: display names of clusters whose provisioning ends FAILED
        self.failing_clusters = set()
        self.connector_provisioning_polls = connector_provisioning_polls
        #: names of connectors that end FAILED once provisioned
        self.failing_connectors = set(failing_connectors)
        #: {(environment id, cluster id, name): connector state of the fake}
        self.connectors = {}
        self.role_bindings = {}
        #: {key: dict(secret, role, refusals_left)}; role "admin", "viewer" or None (no role)
        self.credentials = {api_key: dict(secret=api_secret, role="admin", refusals_left=0)}
        self._unlisted = {}  # {object id: list requests that still miss it}
        self._deleting = {}  # {cluster id: reads before it is gone}
        self._resizing = {}  # {cluster id: reads before status.cku reaches spec.config.cku}
        self.validator = ContractValidator() if validate else None
        self.lock = threading.RLock()
        self.violations = []
        self.log = []
        self.validated = 0
        self.faults = []
        self.environments = {}
        self.clusters = {}
        self.service_accounts = {}
        self.api_keys = {}
        self._polls_left = {}
        self._server = None
        self._thread = None
        self.port = None

    # ---- lifecycle --------------------------------------------------------------------

    def start(self):
        self.port = free_port()
        fake = self

        class Handler(_Handler):
            pass
        Handler.fake = fake
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def env(self):
        """Environment variables that point the modules at this fake."""
        return {"CONFLUENT_CLOUD_API_URL": self.url, "CONFLUENT_CLOUD_API_KEY": self.api_key,
                "CONFLUENT_CLOUD_API_SECRET": self.api_secret}

    def inject(self, method, path_prefix, status, headers=None, detail=None, times=1):
        """Answer the next ``times`` matching requests with ``status`` instead of serving them."""
        with self.lock:
            self.faults.append(dict(method=method.upper(), prefix=path_prefix, status=status,
                                    headers=headers or {}, detail=detail, left=times))

    def add_credentials(self, key, secret, role=None):
        """Another Cloud API key: role ``admin``, ``viewer`` (reads only) or None (403 always)."""
        with self.lock:
            self.credentials[key] = dict(secret=secret, role=role, refusals_left=0)

    def deleting(self, cluster_id):
        """True while a deleted cluster is still visible."""
        return cluster_id in self._deleting

    def requests_to(self, method, path_prefix):
        return [entry for entry in self.log
                if entry["method"] == method and entry["path"].startswith(path_prefix)]

    def add_environment(self, name):
        """Create an environment directly in the fake's state (test set-up); returns its id."""
        with self.lock:
            env_id = self._environments("POST", None, {}, [], {"display_name": name})[1]["id"]
            self._unlisted.pop(env_id, None)  # set-up: listed at once
            return env_id

    def remove_environment(self, env_id):
        with self.lock:
            if env_id in self.environments:
                self._environments("DELETE", env_id, {}, [], None)

    def add_cluster(self, env_id, name, cloud="AWS", region="us-east-1"):
        """A PROVISIONED Basic cluster created directly in the fake's state; returns its id."""
        with self.lock:
            cluster = self._clusters("POST", None, {}, [], {"spec": {
                "display_name": name, "availability": "SINGLE_ZONE", "cloud": cloud,
                "region": region, "config": {"kind": "Basic"},
                "environment": {"id": env_id}}})[1]
            self._unlisted.pop(cluster["id"], None)
            self._polls_left[cluster["id"]] = 0
            self._tick(cluster)
            return cluster["id"]

    def add_service_account(self, name):
        """Create a service account directly in the fake's state (test set-up); returns its id."""
        with self.lock:
            sa_id = self._service_accounts("POST", None, {}, [], {"display_name": name})[1]["id"]
            self._unlisted.pop(sa_id, None)
            return sa_id

    def take_violations(self):
        with self.lock:
            found, self.violations = self.violations, []
        return found

    # ---- object builders --------------------------------------------------------------

    def _ref(self, kind, api, obj_id, env_id=None, path=None):
        related = "%s/%s/%s" % (PUBLIC_HOST, path or api, obj_id)
        crn = "crn://confluent.cloud/organization=0f2b3d4e-0000-4000-8000-000000000001"
        if env_id:
            crn += "/environment=%s" % env_id
        ref = {"id": obj_id, "related": related,
               "resource_name": "%s/%s=%s" % (crn, kind.lower(), obj_id)}
        if env_id:
            ref["environment"] = env_id
        return ref

    def _meta(self, self_path, resource_name):
        return {"self": PUBLIC_HOST + self_path, "resource_name": resource_name,
                "created_at": _now(), "updated_at": _now()}

    def _cluster_endpoints(self, cluster):
        spec = cluster["spec"]
        host = "pkc-%s.%s.%s.confluent.cloud" % (cluster["id"][4:], spec["region"],
                                                  spec["cloud"].lower())
        spec["kafka_bootstrap_endpoint"] = "SASL_SSL://%s:9092" % host
        spec["http_endpoint"] = "https://%s:443" % host
        spec["api_endpoint"] = "https://pkac-%s.%s.%s.confluent.cloud" % (
            cluster["id"][4:], spec["region"], spec["cloud"].lower())
        spec["endpoints"] = {"PUBLIC": {"kafka_bootstrap_endpoint": "%s:9092" % host,
                                        "http_endpoint": "https://%s:443" % host,
                                        "connection_type": "PUBLIC"}}

    # ---- dispatch ---------------------------------------------------------------------

    def handle(self, method, path, query, headers, body):
        """Returns (status, headers, body bytes)."""
        entry = dict(method=method, path=path, query=query, status=None)
        self.log.append(entry)
        if self.validator is not None:
            problems = self.validator.validate_request(method, path, query, headers, body)
            if problems:
                with self.lock:
                    self.violations.extend(problems)
                status, out_headers, payload = 400, {}, _failure(400, "; ".join(problems),
                                                                 "contract_violation")
                if authorization_problem(headers):  # what the service answers without a key
                    status, out_headers, payload = 401, {
                        "WWW-Authenticate": 'Basic realm="Confluent Cloud"'}, _failure(
                            401, "; ".join(problems), "unauthenticated")
                entry["status"] = status
                return status, out_headers, json.dumps(payload).encode()
        status, out_headers, payload = self._serve(method, path, query, headers, body)
        raw = json.dumps(payload).encode() if payload is not None else b""
        if self.validator is not None:
            problems = self.validator.validate_response(method, path, query, headers, body,
                                                        status, out_headers, raw)
            self.validated += 1
            if problems:
                with self.lock:
                    self.violations.extend(problems)
        entry["status"] = status
        return status, out_headers, raw

    def _serve(self, method, path, query, headers, body):
        with self.lock:
            role = self._authenticate(headers)
        if role is False:
            return 401, {"WWW-Authenticate": 'Basic realm="Confluent Cloud"'}, _failure_for(
                path, 401, "Invalid API Key", "unauthenticated")
        if role is None or (role == "viewer" and method != "GET"):
            return 403, {}, _failure_for(path, 403, "Forbidden Access", "forbidden")
        with self.lock:
            for fault in self.faults:
                if fault["left"] > 0 and fault["method"] == method and \
                        path.startswith(fault["prefix"]):
                    fault["left"] -= 1
                    payload = None
                    if fault["status"] != 429:
                        payload = _failure_for(path, fault["status"],
                                               fault["detail"] or "injected fault")
                    return fault["status"], dict(fault["headers"]), payload
            try:
                data = json.loads(body) if body else None
                status, payload = self._route(method, path, dict(query), query, data)
                return status, {}, payload
            except ApiError as exc:
                payload = exc.payload if exc.payload is not None else _failure_for(
                    path, exc.status, exc.detail)
                return exc.status, exc.headers, payload

    def _authenticate(self, headers):
        """The role of the request's key (None: no role), or False when it is not accepted.

        A key created through the API is refused (401) for its first ``key_ready_polls``
        requests: Confluent Cloud takes a while to spread a new key.
        """
        value = headers.get("Authorization") or headers.get("authorization") or ""
        if not value.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(value[6:]).decode().partition(":")
        except ValueError:
            return False
        known = self.credentials.get(user)
        if known is None or known["secret"] != password:
            return False
        if known["refusals_left"] > 0:
            known["refusals_left"] -= 1
            return False
        return known["role"]

    def _route(self, method, path, q, query_pairs, data):
        parts = path.strip("/").split("/")
        if parts[:2] == ["connect", "v1"]:
            return self._connect(method, [unquote(part) for part in parts], query_pairs, data)
        collection = "/".join(parts[:3])
        obj_id = parts[3] if len(parts) > 3 else None
        table = {
            "org/v2/environments": self._environments,
            "cmk/v2/clusters": self._clusters,
            "iam/v2/service-accounts": self._service_accounts,
            "iam/v2/api-keys": self._api_keys,
            "iam/v2/role-bindings": self._role_bindings,
        }.get(collection)
        if table is None:
            raise ApiError(404, "no such endpoint %s in this fake" % path)
        return table(method, obj_id, q, query_pairs, data)

    def _page(self, path, kind, api_version, items, q):
        hidden = set(item["id"] for item in items if self._unlisted.get(item["id"], 0) > 0)
        if not q.get("page_token"):  # a new list request: the objects it misses come closer
            for obj_id in hidden:
                self._unlisted[obj_id] -= 1
        items = [item for item in items if item["id"] not in hidden]
        size = min(int(q.get("page_size") or 10), self.page_size_cap)
        start = 0
        if q.get("page_token"):
            try:
                start = int(base64.urlsafe_b64decode(q["page_token"].encode()).decode())
            except ValueError:
                raise ApiError(400, "invalid page_token")
        page = items[start:start + size]
        meta = {"first": PUBLIC_HOST + path, "next": None, "total_size": len(items)}
        if start + size < len(items):
            token = base64.urlsafe_b64encode(str(start + size).encode()).decode()
            meta["next"] = "%s%s?page_size=%d&page_token=%s" % (PUBLIC_HOST, path, size, token)
        return 200, {"api_version": api_version, "kind": kind, "metadata": meta, "data": page}

    # ---- environments -----------------------------------------------------------------

    def _environments(self, method, obj_id, q, pairs, data):
        path = "/org/v2/environments"
        if obj_id is None and method == "GET":
            return self._page(path, "EnvironmentList", "org/v2",
                              list(self.environments.values()), q)
        if obj_id is None and method == "POST":
            env_id = _random_id("env-", 5)
            env = {"api_version": "org/v2", "kind": "Environment", "id": env_id,
                   "display_name": data["display_name"],
                   "stream_governance_config": {
                       "package": (data.get("stream_governance_config") or {}).get(
                           "package", "ESSENTIALS")},
                   "metadata": self._meta(
                       "%s/%s" % (path, env_id),
                       "crn://confluent.cloud/organization=0f2b3d4e/environment=%s" % env_id)}
            self.environments[env_id] = env
            self._unlisted[env_id] = self.list_lag_polls
            return 201, env
        env = self.environments.get(obj_id)
        if env is None:
            raise ApiError(404, "Environment %s not found" % obj_id)
        if method == "GET":
            return 200, env
        if method == "PATCH":
            if "display_name" in data:
                env["display_name"] = data["display_name"]
            if data.get("stream_governance_config"):
                if env["stream_governance_config"]["package"] == "ADVANCED" and \
                        data["stream_governance_config"]["package"] == "ESSENTIALS":
                    raise ApiError(400, "Stream Governance package cannot be downgraded")
                env["stream_governance_config"] = data["stream_governance_config"]
            env["metadata"]["updated_at"] = _now()
            return 200, env
        if method == "DELETE":
            for cluster_id in [c for c, v in self.clusters.items()
                               if v["spec"]["environment"]["id"] == obj_id]:
                del self.clusters[cluster_id]
            del self.environments[obj_id]
            return 204, None
        raise ApiError(405, "method not allowed")

    # ---- clusters ---------------------------------------------------------------------

    def _tick(self, cluster):
        """One read of ``cluster``: provisioning, resizing and deletion move on.

        Returns False when the cluster is gone (its deletion finished with this read).
        """
        cluster_id = cluster["id"]
        if cluster_id in self._deleting:
            if self._deleting[cluster_id] <= 0:
                del self._deleting[cluster_id]
                self.clusters.pop(cluster_id, None)
                return False
            self._deleting[cluster_id] -= 1
        left = self._polls_left.get(cluster_id, 0)
        if cluster["status"]["phase"] == "PROVISIONING":
            if left > 0:
                self._polls_left[cluster_id] = left - 1
            elif cluster["spec"]["display_name"] in self.failing_clusters:
                cluster["status"]["phase"] = "FAILED"
            else:
                cluster["status"]["phase"] = "PROVISIONED"
                self._cluster_endpoints(cluster)
        if cluster_id in self._resizing:
            if self._resizing[cluster_id] <= 0:
                del self._resizing[cluster_id]
                cluster["status"]["cku"] = cluster["spec"]["config"]["cku"]
            else:
                self._resizing[cluster_id] -= 1
        return True

    def _clusters(self, method, obj_id, q, pairs, data):
        path = "/cmk/v2/clusters"
        if obj_id is None and method == "GET":
            env_id = q.get("environment")
            if env_id not in self.environments:
                raise ApiError(403, "Forbidden Access: environment %s" % env_id)
            items = [c for c in list(self.clusters.values())
                     if c["spec"]["environment"]["id"] == env_id and self._tick(c)]
            return self._page(path, "ClusterList", "cmk/v2", items, q)
        if obj_id is None and method == "POST":
            spec = data["spec"]
            env_id = spec["environment"]["id"]
            if env_id not in self.environments:
                raise ApiError(403, "Forbidden Access: environment %s" % env_id)
            config = dict(spec["config"])
            if config["kind"] == "Basic" and spec["availability"] in ("MULTI_ZONE", "HIGH"):
                raise ApiError(400, "Basic clusters only support SINGLE_ZONE availability")
            if config["kind"] == "Dedicated" and spec["availability"] == "MULTI_ZONE" and \
                    config.get("cku", 0) < 2:
                raise ApiError(400, "MULTI_ZONE dedicated clusters must have at least two CKUs")
            cluster_id = _random_id("lkc-", 5)
            cluster = {
                "api_version": "cmk/v2", "kind": "Cluster", "id": cluster_id,
                "metadata": self._meta("%s/%s" % (path, cluster_id),
                                       "crn://confluent.cloud/organization=0f2b3d4e/"
                                       "environment=%s/cloud-cluster=%s" % (env_id, cluster_id)),
                "spec": {"display_name": spec["display_name"],
                         "availability": spec["availability"], "cloud": spec["cloud"],
                         "region": spec["region"], "config": config,
                         "deletion_protection": bool(spec.get("deletion_protection", False)),
                         "environment": self._ref("environment", "org/v2/environments", env_id,
                                                  env_id)},
                "status": {"phase": "PROVISIONING"},
            }
            if config["kind"] == "Dedicated":
                cluster["status"]["cku"] = config["cku"]
            self.clusters[cluster_id] = cluster
            self._polls_left[cluster_id] = self.provisioning_polls
            self._unlisted[cluster_id] = self.list_lag_polls
            return 202, cluster
        cluster = self.clusters.get(obj_id)
        if cluster is None:
            raise ApiError(404, "Kafka cluster %s not found" % obj_id)
        if method == "GET":
            if q.get("environment") != cluster["spec"]["environment"]["id"]:
                raise ApiError(404, "Kafka cluster %s not found in environment %s"
                               % (obj_id, q.get("environment")))
            if not self._tick(cluster):
                raise ApiError(404, "Kafka cluster %s not found" % obj_id)
            return 200, cluster
        if method == "PATCH":
            spec = data["spec"]
            if spec["environment"]["id"] != cluster["spec"]["environment"]["id"]:
                raise ApiError(404, "Kafka cluster %s not found in environment %s"
                               % (obj_id, spec["environment"]["id"]))
            if cluster["status"]["phase"] != "PROVISIONED":
                raise ApiError(409, "Kafka cluster %s is %s; it can be updated once it is "
                               "PROVISIONED" % (obj_id, cluster["status"]["phase"]))
            if "availability" in spec and spec["availability"] != cluster["spec"]["availability"]:
                raise ApiError(400, "availability cannot be updated")
            if "config" in spec:
                old, new = cluster["spec"]["config"]["kind"], spec["config"]["kind"]
                if old != new and (old, new) != ("Basic", "Standard"):
                    raise ApiError(400, "cluster type cannot be changed from %s to %s"
                                   % (old, new))
                if obj_id in self._resizing:
                    raise ApiError(409, "Kafka cluster %s is being resized to %d CKUs; its "
                                   "configuration can change once that is done"
                                   % (obj_id, cluster["spec"]["config"]["cku"]))
                before = cluster["spec"]["config"].get("cku")
                cluster["spec"]["config"] = dict(spec["config"])
                if new == "Dedicated" and spec["config"].get("cku") != before:
                    self._resizing[obj_id] = self.resize_polls
            if "display_name" in spec:
                cluster["spec"]["display_name"] = spec["display_name"]
            if "deletion_protection" in spec:
                cluster["spec"]["deletion_protection"] = spec["deletion_protection"]
            cluster["metadata"]["updated_at"] = _now()
            return 200, cluster
        if method == "DELETE":
            if q.get("environment") != cluster["spec"]["environment"]["id"]:
                raise ApiError(404, "Kafka cluster %s not found in environment %s"
                               % (obj_id, q.get("environment")))
            if cluster["spec"].get("deletion_protection"):
                raise ApiError(409, "Kafka cluster %s has deletion protection enabled" % obj_id)
            if obj_id not in self._deleting:  # asynchronous: visible a while longer
                cluster["metadata"]["deleted_at"] = _now()
                self._deleting[obj_id] = self.deletion_polls
            return 204, None
        raise ApiError(405, "method not allowed")

    # ---- service accounts -------------------------------------------------------------

    def _service_accounts(self, method, obj_id, q, pairs, data):
        path = "/iam/v2/service-accounts"
        if obj_id is None and method == "GET":
            names = [v for k, v in pairs if k == "display_name"]
            items = [sa for sa in self.service_accounts.values()
                     if not names or sa["display_name"] in names]
            return self._page(path, "ServiceAccountList", "iam/v2", items, q)
        if obj_id is None and method == "POST":
            if any(sa["display_name"] == data["display_name"]
                   for sa in self.service_accounts.values()):
                raise ApiError(409, "Service name is already in use.")
            sa_id = _random_id("sa-", 6)
            account = {"api_version": "iam/v2", "kind": "ServiceAccount", "id": sa_id,
                       "display_name": data["display_name"],
                       "description": data.get("description", ""),
                       "metadata": self._meta("%s/%s" % (path, sa_id),
                                              "crn://confluent.cloud/organization=0f2b3d4e/"
                                              "service-account=%s" % sa_id)}
            self.service_accounts[sa_id] = account
            self._unlisted[sa_id] = self.list_lag_polls
            return 201, account
        account = self.service_accounts.get(obj_id)
        if account is None:
            raise ApiError(404, "Service account %s not found" % obj_id)
        if method == "GET":
            return 200, account
        if method == "PATCH":
            if "display_name" in data and data["display_name"] != account["display_name"]:
                raise ApiError(400, "display_name cannot be updated")
            if "description" in data:
                account["description"] = data["description"]
            return 200, account
        if method == "DELETE":
            for key_id in [k for k, v in self.api_keys.items()
                           if v["spec"]["owner"]["id"] == obj_id]:
                del self.api_keys[key_id]
                self.credentials.pop(key_id, None)
            del self.service_accounts[obj_id]
            return 204, None
        raise ApiError(405, "method not allowed")

    # ---- api keys ---------------------------------------------------------------------

    def _public_key(self, key):
        shown = json.loads(json.dumps(key))
        shown["spec"].pop("secret", None)
        return shown

    def _api_keys(self, method, obj_id, q, pairs, data):
        path = "/iam/v2/api-keys"
        if obj_id is None and method == "GET":
            items = [self._public_key(k) for k in self.api_keys.values()
                     if (not q.get("spec.owner") or k["spec"]["owner"]["id"] == q["spec.owner"])
                     and (not q.get("spec.resource")
                          or k["spec"]["resource"]["id"] == q["spec.resource"])]
            return self._page(path, "ApiKeyList", "iam/v2", items, q)
        if obj_id is None and method == "POST":
            spec = data["spec"]
            owner_id = spec["owner"]["id"]
            if owner_id not in self.service_accounts:
                raise ApiError(400, "owner %s is not a service account of this organization"
                               % owner_id)
            resource = spec.get("resource")
            key_id = "".join(random.choice(string.ascii_uppercase + string.digits)
                             for _ in range(16))
            if resource:
                cluster = self.clusters.get(resource["id"])
                if cluster is None:
                    raise ApiError(400, "resource %s not found" % resource["id"])
                env_id = cluster["spec"]["environment"]["id"]
                res_ref = self._ref("cloud-cluster", "cmk/v2/clusters", resource["id"], env_id)
                res_ref["kind"] = "Cluster"
                res_ref["api_version"] = "cmk/v2"
            else:
                res_ref = {"id": "cloud", "related": PUBLIC_HOST + "/cloud",
                           "resource_name": "crn://confluent.cloud/organization=0f2b3d4e",
                           "kind": "Cloud"}
            owner_ref = self._ref("service-account", "iam/v2/service-accounts", owner_id)
            owner_ref["kind"] = "ServiceAccount"
            owner_ref["api_version"] = "iam/v2"
            key = {"api_version": "iam/v2", "kind": "ApiKey", "id": key_id,
                   "metadata": self._meta("%s/%s" % (path, key_id),
                                          "crn://confluent.cloud/organization=0f2b3d4e/"
                                          "api-key=%s" % key_id),
                   "spec": {"display_name": spec.get("display_name", ""),
                            "description": spec.get("description", ""),
                            "owner": owner_ref, "resource": res_ref,
                            "secret": "".join(random.choice(string.ascii_letters + string.digits)
                                              for _ in range(64))}}
            self.api_keys[key_id] = key
            self._unlisted[key_id] = self.list_lag_polls
            if not resource:  # a Cloud API key: usable on this API once it has spread
                self.credentials[key_id] = dict(secret=key["spec"]["secret"], role=None,
                                                refusals_left=self.key_ready_polls)
            return 202, key
        key = self.api_keys.get(obj_id)
        if key is None:
            raise ApiError(404, "API key %s not found" % obj_id)
        if method == "GET":
            return 200, self._public_key(key)
        if method == "PATCH":
            for field in ("display_name", "description"):
                if field in (data.get("spec") or {}):
                    key["spec"][field] = data["spec"][field]
            return 200, self._public_key(key)
        if method == "DELETE":
            del self.api_keys[obj_id]
            self.credentials.pop(obj_id, None)
            return 204, None
        raise ApiError(405, "method not allowed")


    # ---- managed connectors (connect v1) ----------------------------------------------

    def _connector_problems(self, config):
        """(status, message) of what the service refuses in a connector config, or
        None. Unknown class: the 500 of the spec's example; missing settings: Connect's 400."""
        plugin = CONNECTOR_PLUGINS.get(config.get("connector.class"))
        if plugin is None:
            return (500, "Failed to find any class that implements Connector and which name "
                    "matches %s, available connectors are: %s"
                    % (config.get("connector.class"), ", ".join(sorted(CONNECTOR_PLUGINS))))
        errors = self._config_errors(config, plugin)
        if errors:
            return (400, "Connector configuration is invalid and contains the following %d "
                    "error(s):\n%s\nYou can also find the above list of errors at the endpoint "
                    "`/connector-plugins/{connectorType}/config/validate`"
                    % (len(errors), "\n".join(message for _key, message in errors)))
        return None

    @staticmethod
    def _config_errors(config, plugin):
        errors = []
        for key in CONNECTOR_PASSWORDS + tuple(plugin["required"]):
            if not config.get(key):
                errors.append((key, 'Missing required configuration "%s" which has no default '
                                    'value.' % key))
        tasks = config.get("tasks.max", "1")
        if not tasks.isdigit() or int(tasks) < 1:
            errors.append(("tasks.max", 'Invalid value %s for configuration tasks.max: Not a '
                                        'number of type INT' % tasks))
        return errors

    def _connector_view(self, connector, with_tasks=True):
        """The connector as the API shows it: service keys added, secrets masked."""
        plugin = CONNECTOR_PLUGINS[connector["config"]["connector.class"]]
        hidden = set(CONNECTOR_PASSWORDS) | set(plugin["passwords"])
        config = dict((key, SERVICE_MASK if key in hidden else value)
                      for key, value in connector["config"].items())
        cluster = self.clusters[connector["cluster"]]
        spec = cluster["spec"]
        host = "pkc-%s.%s.%s.confluent.cloud" % (cluster["id"][4:], spec["region"],
                                                  spec["cloud"].lower())
        config.update({"cloud.environment": "prod", "cloud.provider": spec["cloud"].lower(),
                       "kafka.endpoint": "SASL_SSL://%s:9092" % host,
                       "kafka.region": spec["region"]})
        view = {"name": connector["name"], "config": config, "type": plugin["type"]}
        if with_tasks:
            view["tasks"] = [{"connector": connector["name"], "task": index}
                             for index in range(self._task_count(connector))]
        return view

    @staticmethod
    def _task_count(connector):
        return int(connector["config"].get("tasks.max", "1"))

    def _connector_status(self, connector, tick=True):
        """The status answer; with ``tick``, one poll of provisioning passes."""
        if tick and connector["polls_left"] > 0:
            connector["polls_left"] -= 1
            state = "PROVISIONING"
        elif connector["polls_left"] > 0:
            state = "PROVISIONING"
        elif connector["name"] in self.failing_connectors:
            state = "FAILED"
        else:
            state = "PAUSED" if connector["paused"] else "RUNNING"
        plugin = CONNECTOR_PLUGINS[connector["config"]["connector.class"]]
        status = {"name": connector["name"], "type": plugin["type"],
                  "connector": {"state": state, "worker_id": connector["name"] if
                                state != "PROVISIONING" else ""}, "tasks": []}
        if state == "FAILED":
            status["connector"]["trace"] = (
                "org.apache.kafka.connect.errors.ConnectException: Failed to connect to the "
                "source system of %s: the credentials were refused" % connector["name"])
        if state != "PROVISIONING":
            for index in range(self._task_count(connector)):
                task = {"id": index, "state": state, "worker_id": connector["name"]}
                if state == "FAILED":
                    task["msg"] = "Task %d failed: the credentials were refused" % index
                status["tasks"].append(task)
        return status

    def _connect(self, method, parts, query_pairs, data):
        # connect/v1/environments/{env}/clusters/{cluster}/(connectors|connector-plugins)/...
        if len(parts) < 7 or parts[2] != "environments" or parts[4] != "clusters":
            raise ApiError(404, "no such endpoint in this fake")
        env_id, cluster_id, collection, rest = parts[3], parts[5], parts[6], parts[7:]
        cluster = self.clusters.get(cluster_id)
        if env_id not in self.environments or cluster is None or \
                cluster["spec"]["environment"]["id"] != env_id:
            raise ApiError(404, "account not found")
        if collection == "connector-plugins":
            return self._connector_plugins(method, rest, data)
        if collection != "connectors":
            raise ApiError(404, "no such endpoint in this fake")
        if not rest:
            if method == "GET":
                return self._connector_list(env_id, cluster_id, query_pairs)
            if method == "POST":
                return self._connector_create(env_id, cluster_id, data)
            raise ApiError(405, "method not allowed")
        name, action = rest[0], "/".join(rest[1:])
        key = (env_id, cluster_id, name)
        connector = self.connectors.get(key)
        if method == "PUT" and action == "config":
            return self._connector_put_config(env_id, cluster_id, name, connector, data)
        if connector is None:
            raise ApiError(404, "Connector %s not found" % name)
        if method == "GET" and action == "":
            return 200, self._connector_view(connector)
        if method == "GET" and action == "config":
            return 200, self._connector_view(connector)["config"]
        if method == "GET" and action == "status":
            return 200, self._connector_status(connector)
        if method == "PUT" and action in ("pause", "resume"):
            connector["paused"] = action == "pause"
            return 202, None
        if method == "DELETE" and action == "":
            del self.connectors[key]
            return 200, {"error": None}
        raise ApiError(404, "no such endpoint in this fake")

    def _connector_list(self, env_id, cluster_id, query_pairs):
        expand = [value for name, value in query_pairs if name == "expand"]
        bad = [value for value in expand if value not in ("id", "info", "status")]
        if bad:
            raise ApiError(400, "expand takes id, info or status, got %s" % ", ".join(bad))
        found = [c for (env, cluster, _name), c in sorted(self.connectors.items())
                 if env == env_id and cluster == cluster_id]
        if not expand:
            return 200, [c["name"] for c in found]
        out = {}
        for connector in found:
            entry = {}
            if "id" in expand:
                entry["id"] = {"id": connector["id"], "id_type": "ID"}
            if "info" in expand:
                view = self._connector_view(connector, with_tasks=False)
                entry["info"] = {"name": view["name"], "config": view["config"]}
            if "status" in expand:
                entry["status"] = self._connector_status(connector)
            out[connector["name"]] = entry
        return 200, out

    def _connector_create(self, env_id, cluster_id, data):
        name = data.get("name") or data["config"].get("name")
        config = dict(data["config"])
        if config.get("name") != name:
            raise ApiError(400, "config name %r differs from the connector name %r"
                           % (config.get("name"), name), payload=_connect_failure(
                               400, "config name differs from the connector name", "code"))
        if (env_id, cluster_id, name) in self.connectors:
            raise ApiError(400, "", payload=_connect_failure(
                400, "Connector %s already exists" % name, "code"))
        problem = self._connector_problems(config)
        if problem:
            status, message = problem
            raise ApiError(status, message, payload=_connect_failure(
                status, message, "code" if status == 400 else "error_code"))
        connector = dict(name=name, config=config, paused=False, id=_random_id("lcc-", 5),
                         cluster=cluster_id, polls_left=self.connector_provisioning_polls)
        self.connectors[(env_id, cluster_id, name)] = connector
        return 201, self._connector_view(connector)

    def _connector_put_config(self, env_id, cluster_id, name, connector, data):
        config = dict(data)
        if config.get("name") != name:
            raise ApiError(400, "config name %r differs from the connector name %s"
                           % (config.get("name"), name))
        problem = self._connector_problems(config)
        if problem:
            status, message = problem
            raise ApiError(status, message, payload=_connect_failure(
                status, message, "error" if status == 400 else "error_code"))
        if connector is None:  # createOrUpdate
            connector = dict(name=name, paused=False, id=_random_id("lcc-", 5),
                             cluster=cluster_id)
            self.connectors[(env_id, cluster_id, name)] = connector
        connector["config"] = config
        connector["polls_left"] = self.connector_provisioning_polls  # its tasks restart
        return 200, self._connector_view(connector)

    def _connector_plugins(self, method, rest, data):
        if method == "GET" and not rest:
            return 200, [{"class": name, "type": plugin["type"], "version": plugin["version"]}
                         for name, plugin in sorted(CONNECTOR_PLUGINS.items())]
        if method == "PUT" and len(rest) == 3 and rest[1:] == ["config", "validate"]:
            plugin = CONNECTOR_PLUGINS.get(rest[0])
            if plugin is None:
                raise ApiError(404, "Connector plugin %s not found" % rest[0])
            errors = dict(self._config_errors(data, plugin))
            configs = []
            for key in sorted(set(data) | set(errors)):
                value = {"name": key, "errors": [errors[key]] if key in errors else [],
                         "recommended_values": [], "visible": True}
                if key in data:
                    value["value"] = data[key]
                configs.append({"value": value})
            return 200, {"name": rest[0], "groups": ["Kafka Cluster credentials"],
                         "error_count": len(errors), "configs": configs}
        raise ApiError(404, "no such endpoint in this fake")

    # ---- role bindings (iam v2, the mds v2 spec) --------------------------------------

    def _role_bindings(self, method, obj_id, q, pairs, data):
        path = "/iam/v2/role-bindings"
        if obj_id is None and method == "GET":
            items = [rb for rb in self.role_bindings.values()
                     if q.get("crn_pattern", "") in rb["crn_pattern"]
                     and (not q.get("principal") or rb["principal"] == q["principal"])
                     and (not q.get("role_name") or rb["role_name"] == q["role_name"])]
            return self._page(path, "RoleBindingList", "iam/v2", items, q)
        if obj_id is None and method == "POST":
            principal = data["principal"]
            kind, _, principal_id = principal.partition(":")
            if kind == "User" and principal_id.startswith("sa-") and \
                    principal_id not in self.service_accounts:
                raise ApiError(400, "principal %s: no such service account" % principal)
            if data["role_name"] not in ROLES:
                raise ApiError(400, "role %s does not exist" % data["role_name"])
            for rb in self.role_bindings.values():
                if (rb["principal"], rb["role_name"], rb["crn_pattern"]) == \
                        (principal, data["role_name"], data["crn_pattern"]):
                    raise ApiError(409, "", payload={"errors": [{
                        "id": _random_id("", 12), "status": "409",
                        "code": "resource_already_exists", "title": "Resource Already exists",
                        "detail": "The entitlement '%s' already exists." % rb["id"]}]})
            rb_id = _random_id("rb-", 6)
            binding = {"api_version": "iam/v2", "kind": "RoleBinding", "id": rb_id,
                       "metadata": self._meta("%s/%s" % (path, rb_id),
                                              "crn://confluent.cloud/organization=0f2b3d4e/"
                                              "role-binding=%s" % rb_id),
                       "principal": principal, "role_name": data["role_name"],
                       "crn_pattern": data["crn_pattern"]}
            self.role_bindings[rb_id] = binding
            self._unlisted[rb_id] = self.list_lag_polls
            return 201, binding
        binding = self.role_bindings.get(obj_id)
        if binding is None:
            raise ApiError(404, "Role binding %s not found" % obj_id)
        if method == "GET":
            return 200, binding
        if method == "DELETE":
            del self.role_bindings[obj_id]
            return 200, binding
        raise ApiError(405, "method not allowed")


class _Handler(BaseHTTPRequestHandler):
    fake = None
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _do(self):
        parsed = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = parse_qsl(parsed.query, keep_blank_values=True)
        status, headers, raw = self.fake.handle(self.command, parsed.path, query,
                                                dict(self.headers.items()), body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, str(value))
        if raw:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if raw:
            self.wfile.write(raw)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _do
