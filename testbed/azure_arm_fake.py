"""A stateful local stand-in for the Azure Resource Manager endpoints of Microsoft.EventHub.

Azure has no emulator of its management plane. ``AzureArmFake`` serves the Event Hubs
management API (version 2024-01-01) over HTTPS on 127.0.0.1 and a free port (the Azure SDK sends
bearer tokens only over TLS; the fake's certificate is issued per run by
``testbed.secure.CertificateAuthority``, ``cafile`` is what clients trust) and validates EVERY
request it receives and EVERY response it sends against Microsoft's published Swagger 2.0
specification in ``../shared/reference/azure-rest-api-specs/``:

- the operation is found by method and path template of the spec (an unknown one is a 404 and a
  violation); path parameters are checked against their declared type, length and pattern, the
  ``api-version`` query parameter must be ``2024-01-01`` and no undeclared query parameter may
  be sent;
- request bodies and response bodies are validated with ``jsonschema`` against the operation's
  schema, ``$ref``s resolved across the files (common/v1, common/v2), ``allOf`` merged and every
  object closed (``additionalProperties: false`` where the spec declares none), so an unknown
  property on either side is a violation; a request may not carry a read-only property;
- the response status must be one the operation declares (else its ``default`` error schema
  applies, as in the spec);
- every request needs ``Authorization: Bearer <token>`` with the fake's token (else 401).

A request that breaks the contract is answered 400 and recorded in ``violations``; a response
of the fake that breaks it is recorded too, so a test asserting ``take_violations() == []``
fails on contract drift on either side.

What is modelled, from Azure's documented behaviour (delays count polls, not seconds):

- namespace create: ``201`` with ``Azure-AsyncOperation`` (and ``Location``); the operation is
  ``InProgress`` for ``create_polls`` polls, then ``Succeeded`` and the namespace ``Active``;
- namespace update: ``200`` with ``provisioningState: Updating``; reads of the namespace show
  ``Updating`` for ``update_polls`` reads (the SDK polls the resource itself);
- namespace delete: ``202`` with ``Location``, answered ``202`` for ``delete_polls`` polls, then
  ``200``; meanwhile the namespace reads ``Deleting``; its hubs, groups and rules go with it;
- ``409 Conflict`` for a write to a namespace while an operation runs on it, and for a name
  taken elsewhere (``taken_names``: namespaces of other subscriptions); ``checkNameAvailability``
  answers ``NameInUse`` for those and for existing namespaces, ``InvalidName`` for bad names;
- new namespaces get a ``RootManageSharedAccessKey`` rule, new event hubs a ``$Default``
  consumer group; ``listKeys`` returns keys and connection strings
  (``Endpoint=sb://<ns>.servicebus.windows.net/;...``, ``EntityPath`` for hub rules);
- the service's refusals the modules must prevent: fewer partitions, more partitions on
  Basic/Standard, a changed cleanup policy, deleting ``$Default`` (400);
- ``inject(method, path_part, status=429, retry_after=1)`` queues faults (429 with
  ``Retry-After``, 503...) for the next matching requests.

The async-operation and operation-result URLs are ARM's own, not part of the Event Hubs spec;
their bodies follow ARM's documented shape (``status``, ``error``) and are not validated. The fake
also answers as Microsoft Entra ID for one service principal (``sp_env()``: OpenID discovery and
the client credentials token endpoint under ``/<tenant>/``), so the credentials AWX's Azure
Resource Manager credential sets (AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT) are exercised
through azure-identity without leaving 127.0.0.1.
"""
import base64
import copy
import datetime
import json
import os
import re
import secrets
import ssl
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import jsonschema

from testbed.kafka import free_port
from testbed.reference import reference_dir
from testbed.secure import CertificateAuthority

API_VERSION = "2024-01-01"
SPEC_FILES = ("namespaces.json", "eventhubs.json", "consumergroups.json",
              "AuthorizationRules.json", "networkrulessets.json", "CheckNameAvailability.json")
SPEC_SUBDIR = "specification/eventhub/resource-manager/Microsoft.EventHub/stable/2024-01-01"
PROVIDER = "Microsoft.EventHub"


def spec_dir():
    folder = os.path.join(reference_dir("azure-rest-api-specs"), SPEC_SUBDIR)
    missing = [name for name in SPEC_FILES if not os.path.isfile(os.path.join(folder, name))]
    if missing:
        raise FileNotFoundError(
            "Microsoft.EventHub 2024-01-01 specification not found: %s missing in %s (expected "
            "in shared/reference/azure-rest-api-specs/ beside the checkout)"
            % (", ".join(missing), folder))
    return folder


# --------------------------------------------------------------------------------------------
# The specification: operations and closed, fully resolved schemas
# --------------------------------------------------------------------------------------------

class Spec(object):
    """The operations of the Swagger files, with every schema resolved across files."""

    def __init__(self, folder):
        self.folder = folder
        self._docs = {}
        self.operations = []  # (method, regex, path template, operation, parameters)
        for name in SPEC_FILES:
            path = os.path.join(folder, name)
            doc = self._doc(path)
            for template, item in doc["paths"].items():
                shared = item.get("parameters", [])
                for method, operation in item.items():
                    if method == "parameters":
                        continue
                    params = [self._param(p, path) for p in shared + operation.get(
                        "parameters", [])]
                    params = [p for p in params if p is not None]
                    regex = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)",
                                                    re.escape(template)) + "$", re.I)
                    self.operations.append((method.upper(), regex, template, dict(
                        operation, _file=path), params))

    def _doc(self, path):
        path = os.path.normpath(path)
        if path not in self._docs:
            with open(path) as handle:
                self._docs[path] = json.load(handle)
        return self._docs[path]

    def _target(self, ref, base):
        file_part, _, pointer = ref.partition("#")
        path = os.path.normpath(os.path.join(os.path.dirname(base), file_part)) if file_part \
            else base
        node = self._doc(path)
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, path

    def _param(self, param, base):
        if "$ref" in param:
            try:
                param, _ = self._target(param["$ref"], base)
            except KeyError:
                # the stored common/v1 lacks ResourceAssociationNameParameter (NSP operations
                # only, which the modules never call)
                return None
        if param.get("in") == "body":
            return dict(param, schema=self.schema(param["schema"], base))
        return param

    def schema(self, node, base, seen=()):
        """``node`` with every ``$ref`` inlined, ``allOf`` merged and objects closed."""
        if isinstance(node, list):
            return [self.schema(item, base, seen) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            target, path = self._target(ref, base)
            key = (path, ref.partition("#")[2])
            if key in seen:
                # ErrorDetail.details holds ErrorDetails: the nested level is checked as an
                # object only
                return {"type": "object"}
            resolved = self.schema(target, path, seen + (key,))
            siblings = dict((k, v) for k, v in node.items() if k != "$ref")
            if siblings:
                resolved = dict(resolved)
                for k, v in siblings.items():
                    if k == "required":
                        resolved["required"] = sorted(set(resolved.get("required", [])) | set(v))
                    elif k != "description":
                        resolved[k] = self.schema(v, base, seen)
            return resolved
        out = {}
        for key, value in node.items():
            if key in ("properties",):
                out[key] = dict((name, self.schema(sub, base, seen))
                                for name, sub in value.items())
            elif key in ("items", "additionalProperties", "allOf"):
                out[key] = self.schema(value, base, seen)
            elif key.startswith("x-") or key in ("description", "title", "example"):
                continue
            else:
                out[key] = value
        if "allOf" in out:
            parts = out.pop("allOf")
            merged = {}
            for part in parts + [out]:
                merged = _merge(merged, part)
            out = merged
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        if out.get("format") in ("int32", "int64"):
            out.pop("format")
        return out

    def find(self, method, path):
        for op_method, regex, template, operation, params in self.operations:
            if op_method == method:
                match = regex.match(path)
                if match:
                    return operation, params, match.groupdict()
        return None, None, None


def _merge(left, right):
    merged = dict(left)
    for key, value in right.items():
        if key == "properties":
            props = dict(merged.get("properties") or {})
            props.update(value)
            merged["properties"] = props
        elif key == "required":
            merged["required"] = sorted(set(merged.get("required", [])) | set(value))
        elif key == "additionalProperties" and value is False:
            continue  # the parts are closed one by one: the merged schema is closed again
        else:
            merged[key] = value
    if merged.get("additionalProperties") is False:
        del merged["additionalProperties"]
    return merged


def _read_only_paths(schema, data, prefix=""):
    """Read-only properties present in a request body."""
    found = []
    if isinstance(data, dict) and isinstance(schema, dict):
        for name, sub in (schema.get("properties") or {}).items():
            if name in data:
                if sub.get("readOnly"):
                    found.append(prefix + name)
                else:
                    found.extend(_read_only_paths(sub, data[name], prefix + name + "."))
    return found


def _errors(schema, data):
    validator = jsonschema.Draft4Validator(schema)
    return ["%s: %s" % ("/".join(str(p) for p in error.absolute_path) or "<body>", error.message)
            for error in validator.iter_errors(data)]


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------

def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _key():
    return base64.b64encode(secrets.token_bytes(32)).decode()


class HttpError(Exception):
    def __init__(self, status, code, message, headers=None):
        super(HttpError, self).__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


NAME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$")


class AzureArmFake(object):
    def __init__(self, subscription_id="00000000-0000-4000-8000-000000000001", token=None,
                 create_polls=2, update_polls=1, delete_polls=2, taken_names=(),
                 host="127.0.0.1", tenant="00000000-0000-4000-8000-0000000000aa",
                 client_id="specweave-test-app", client_secret=None):
        self.subscription_id = subscription_id
        self.token = token or "fake-arm-token-" + secrets.token_hex(8)
        # the service principal the identity endpoints accept (see _identity)
        self.tenant = tenant
        self.client_id = client_id
        self.client_secret = client_secret or "fake-secret-" + secrets.token_hex(8)
        self.token_requests = []  # (client_id, scope, granted)
        self.create_polls = create_polls
        self.update_polls = update_polls
        self.delete_polls = delete_polls
        self.taken_names = set(name.lower() for name in taken_names)
        self.host = host
        self.port = None
        self.spec = Spec(spec_dir())
        self.violations = []
        self.requests = []  # (method, path, status)
        self.namespaces = {}  # (rg, name) -> dict(body=..., rules={}, hubs={}, network=...)
        self._operations = {}  # id -> dict(kind, polls_left, namespace key, location)
        self._faults = []
        self._pending_reads = {}  # namespace key -> reads left showing "Updating"
        self._lock = threading.RLock()
        self._server = None
        self._thread = None
        self._dir = None
        self.cafile = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self):
        self._dir = tempfile.mkdtemp(prefix="azure-arm-fake-")
        ca = CertificateAuthority(self._dir)
        certfile, keyfile, _ = ca.issue("127.0.0.1", server=True)
        self.cafile = ca.cafile
        self.port = free_port()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                fake._serve(self)

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _handle

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(10)
            self._server = None

    @property
    def base_url(self):
        return "https://%s:%d" % (self.host, self.port)

    def module_args(self, **extra):
        """Connection options of the event_hubs modules pointed at the fake."""
        args = dict(auth_source="token", access_token=self.token,
                    subscription_id=self.subscription_id, cloud_environment=self.base_url,
                    ca_path=self.cafile, polling_interval=0.01)
        args.update(extra)
        return args

    def take_violations(self):
        with self._lock:
            found, self.violations = self.violations, []
        return found

    def take_requests(self):
        with self._lock:
            found, self.requests = self.requests, []
        return found

    def inject(self, method, path_part, status=429, retry_after=1, times=1):
        with self._lock:
            for _ in range(times):
                self._faults.append((method, path_part, status, retry_after))

    def settle(self):
        """Finish every long-running operation still in progress (as Azure would, in time)."""
        with self._lock:
            for op in self._operations.values():
                op["polls"] = 0
                self._finish(op)
            for key in list(self._pending_reads):
                self._pending_reads[key] = 0

    def namespace_state(self, resource_group, name):
        """What the fake holds for a namespace (None when absent), read without the API."""
        with self._lock:
            ns = self.namespaces.get((resource_group.lower(), name.lower()))
            return copy.deepcopy(ns) if ns is not None else None

    def writes(self, requests):
        """The requests of ``requests`` that change something (checkNameAvailability and
        listKeys are POSTs that do not)."""
        return [r for r in requests if r[0] in ("PUT", "PATCH", "DELETE") or (
            r[0] == "POST" and not r[1].endswith(("/checkNameAvailability", "/listKeys")))]

    # -- HTTP --------------------------------------------------------------------------------
    def _serve(self, handler):
        url = urlsplit(handler.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        method = handler.command
        status, body, headers, operation = 500, None, {}, None
        with self._lock:
            try:
                status, body, headers, operation = self._dispatch(
                    method, url.path, query, raw, handler.headers)
            except HttpError as exc:
                status, body, headers = exc.status, dict(error=dict(
                    code=exc.code, message=exc.message)), exc.headers
                operation = getattr(exc, "operation", None)
            if operation is not None:
                try:
                    self._check_response(method, url.path, operation, status, body)
                except Exception as exc:  # a fake's own bug must show, not hang the client
                    self._violation("%s %s: response check failed: %r" % (method, url.path, exc))
            self.requests.append((method, url.path, status))
        data = json.dumps(body).encode() if body is not None else b""
        handler.send_response(status)
        if body is not None:
            handler.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("x-ms-request-id", str(uuid.uuid4()))
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _violation(self, text):
        self.violations.append(text)

    def _identity(self, method, path, raw):
        """Microsoft Entra ID's OpenID discovery and token endpoints of ``tenant`` (outside the
        Resource Manager contract): a client credentials grant of the fake's service principal
        gets the fake's token; any other client gets ``invalid_client`` (HTTP 401)."""
        base = "%s/%s" % (self.base_url, self.tenant)
        if method == "GET" and path == "/%s/v2.0/.well-known/openid-configuration" % self.tenant:
            return 200, dict(token_endpoint=base + "/oauth2/v2.0/token",
                             authorization_endpoint=base + "/oauth2/v2.0/authorize",
                             issuer=base + "/v2.0"), {}
        if method == "POST" and path == "/%s/oauth2/v2.0/token" % self.tenant:
            form = dict(parse_qsl(raw.decode()))
            granted = (form.get("grant_type") == "client_credentials"
                       and form.get("client_id") == self.client_id
                       and form.get("client_secret") == self.client_secret)
            self.token_requests.append((form.get("client_id"), form.get("scope"), granted))
            if not granted:
                return 401, dict(error="invalid_client", error_description=(
                    "AADSTS7000215: Invalid client secret provided.")), {}
            return 200, dict(token_type="Bearer", expires_in=3600, ext_expires_in=3600,
                             access_token=self.token), {}
        return None

    def sp_env(self):
        """Environment of the fake's service principal, as AWX's Azure Resource Manager
        credential sets it, with the authority host and Resource Manager pointed at the fake."""
        return dict(AZURE_SUBSCRIPTION_ID=self.subscription_id, AZURE_CLIENT_ID=self.client_id,
                    AZURE_SECRET=self.client_secret, AZURE_TENANT=self.tenant,
                    AZURE_AUTHORITY_HOST=self.base_url, AZURE_CLOUD_ENVIRONMENT=self.base_url)

    def _dispatch(self, method, path, query, raw, headers):
        if path.startswith("/" + self.tenant + "/"):
            answer = self._identity(method, path, raw)
            if answer is not None:
                return answer + (None,)
        auth = headers.get("Authorization") or ""
        if auth != "Bearer " + self.token:
            self._violation("%s %s: no or wrong bearer token" % (method, path))
            raise HttpError(401, "AuthenticationFailed",
                            "Authentication failed. The 'Authorization' header is missing or "
                            "invalid.")
        for index, (f_method, part, status, retry_after) in enumerate(self._faults):
            if f_method == method and part in path:
                del self._faults[index]
                extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                raise HttpError(status, "TooManyRequests" if status == 429 else "ServerBusy",
                                "Injected fault %d." % status, extra)
        op_match = re.match(r"^/subscriptions/[^/]+/providers/%s/locations/[^/]+/"
                            r"(operationStatuses|operationResults)/([^/]+)$" % PROVIDER, path, re.I)
        if op_match and method == "GET":
            return self._poll(op_match.group(1), op_match.group(2)) + (None,)
        operation, params, values = self.spec.find(method, path)
        if operation is None:
            self._violation("%s %s: no such operation in the specification" % (method, path))
            raise HttpError(404, "NoRegisteredProviderFound", "No operation %s %s." % (
                method, path))
        body = None
        problems = self._check_request(params, values, query, raw)
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                problems.append("body is not JSON")
        body_param = [p for p in params if p.get("in") == "body"]
        if body_param and body is not None:
            schema = body_param[0]["schema"]
            problems.extend(_errors(schema, body))
            problems.extend("read-only property sent: %s" % p
                            for p in _read_only_paths(schema, body))
        elif body_param and body_param[0].get("required") and body is None:
            problems.append("the body is required")
        if problems:
            text = "%s %s (%s): %s" % (method, path, operation["operationId"],
                                      "; ".join(problems))
            self._violation(text)
            exc = HttpError(400, "InvalidRequestContent", text)
            exc.operation = operation
            raise exc
        try:
            status, out, extra = getattr(self, "_op_" + operation["operationId"])(values, body)
        except HttpError as exc:
            exc.operation = operation
            raise
        return status, out, extra, operation

    def _check_request(self, params, values, query, raw):
        problems = []
        declared = set()
        for param in params:
            where, name = param.get("in"), param.get("name")
            if where == "query":
                declared.add(name)
                if name not in query:
                    if param.get("required"):
                        problems.append("query parameter %s missing" % name)
                    continue
                value = query[name]
            elif where == "path":
                value = values.get(name)
            else:
                continue
            if name == "api-version" and value != API_VERSION:
                problems.append("api-version %s, expected %s" % (value, API_VERSION))
            schema = dict((k, param[k]) for k in ("type", "minLength", "maxLength", "pattern",
                                                  "enum") if k in param)
            problems.extend("%s %s: %s" % (where, name, e) for e in _errors(schema, value))
        for name in sorted(set(query) - declared):
            problems.append("undeclared query parameter %s" % name)
        return problems

    def _check_response(self, method, path, operation, status, body):
        responses = operation["responses"]
        spec_response = responses.get(str(status))
        if spec_response is None:
            spec_response = responses.get("default")
            if 200 <= status < 300 or spec_response is None:
                self._violation("%s %s: status %d is not declared by %s" % (
                    method, path, status, operation["operationId"]))
                return
        if "schema" not in spec_response:
            if body is not None:
                self._violation("%s %s: %d must have no body" % (method, path, status))
            return
        schema = self.spec.schema(spec_response["schema"], operation["_file"])
        problems = _errors(schema, body)
        if problems:
            self._violation("response %d of %s %s (%s): %s" % (
                status, method, path, operation["operationId"], "; ".join(problems)))

    # -- long-running operations ---------------------------------------------------------------
    def _start_operation(self, kind, key, polls, location):
        op_id = str(uuid.uuid4())
        base = "%s/subscriptions/%s/providers/%s/locations/%s" % (
            self.base_url, self.subscription_id, PROVIDER, location.replace(" ", ""))
        urls = ("%s/operationStatuses/%s?api-version=%s" % (base, op_id, API_VERSION),
                "%s/operationResults/%s?api-version=%s" % (base, op_id, API_VERSION))
        self._operations[op_id] = dict(kind=kind, key=key, polls=polls, result_url=urls[1])
        return op_id, urls

    def _poll(self, which, op_id):
        op = self._operations.get(op_id)
        if op is None:
            raise HttpError(404, "NotFound", "No operation %s." % op_id)
        if op["polls"] > 0:
            op["polls"] -= 1
            if which == "operationStatuses":
                return 200, dict(id=op_id, status="InProgress"), {}
            return 202, None, {"Location": self._result_url(op_id)}
        self._finish(op)
        if which == "operationStatuses":
            return 200, dict(id=op_id, status="Succeeded"), {}
        return 200, None, {}

    def _result_url(self, op_id):
        return self._operations[op_id]["result_url"]

    def _finish(self, op):
        if op.get("done"):
            return
        op["done"] = True
        ns = self.namespaces.get(op["key"])
        if op["kind"] == "create" and ns is not None:
            ns["body"]["properties"].update(provisioningState="Succeeded", status="Active",
                                            updatedAt=_now())
        elif op["kind"] == "delete":
            self.namespaces.pop(op["key"], None)

    # -- lookups -----------------------------------------------------------------------------
    def _key(self, values):
        return (values["resourceGroupName"].lower(), values["namespaceName"].lower())

    def _namespace(self, values, writable=False):
        ns = self.namespaces.get(self._key(values))
        if ns is None:
            raise HttpError(404, "ResourceNotFound", "The Resource 'Microsoft.EventHub/namespaces/"
                            "%s' under resource group '%s' was not found." % (
                                values["namespaceName"], values["resourceGroupName"]))
        if writable and ns["body"]["properties"]["provisioningState"] != "Succeeded":
            raise HttpError(409, "Conflict", "Namespace %s is %s; another operation is in "
                            "progress, retry when it is done." % (
                                values["namespaceName"],
                                ns["body"]["properties"]["provisioningState"]))
        return ns

    def _hub(self, values):
        ns = self._namespace(values)
        hub = ns["hubs"].get(values["eventHubName"].lower())
        if hub is None:
            raise HttpError(404, "ResourceNotFound", "Event hub %s not found." % (
                values["eventHubName"]))
        return ns, hub

    def _ns_id(self, values):
        return "/subscriptions/%s/resourceGroups/%s/providers/%s/namespaces/%s" % (
            self.subscription_id, values["resourceGroupName"], PROVIDER, values["namespaceName"])

    def _ns_body(self, ns):
        body = copy.deepcopy(ns["body"])
        key = ns["key"]
        reads = self._pending_reads.get(key)
        if reads:
            self._pending_reads[key] = reads - 1
            body["properties"]["provisioningState"] = "Updating"
        elif key in self._pending_reads:
            del self._pending_reads[key]
            ns["body"]["properties"]["provisioningState"] = "Succeeded"
            body["properties"]["provisioningState"] = "Succeeded"
        return body

    # -- namespaces ----------------------------------------------------------------------------
    def _name_taken(self, name, key=None):
        if name.lower() in self.taken_names:
            return True
        return any(k[1] == name.lower() and k != key for k in self.namespaces)

    def _op_Namespaces_CheckNameAvailability(self, values, body):
        name = body["name"]
        if not NAME_RE.match(name):
            return 200, dict(nameAvailable=False, reason="InvalidName",
                             message="The specified name is not valid."), {}
        if self._name_taken(name):
            return 200, dict(nameAvailable=False, reason="NameInUse",
                             message="The specified name is not available."), {}
        return 200, dict(nameAvailable=True, reason="None", message=""), {}

    def _op_Namespaces_Get(self, values, body):
        return 200, self._ns_body(self._namespace(values)), {}

    def _op_Namespaces_ListByResourceGroup(self, values, body):
        rg = values["resourceGroupName"].lower()
        return 200, dict(value=[self._ns_body(ns) for key, ns in sorted(self.namespaces.items())
                                if key[0] == rg]), {}

    def _op_Namespaces_List(self, values, body):
        return 200, dict(value=[self._ns_body(ns) for _, ns in sorted(
            self.namespaces.items())]), {}

    def _op_Namespaces_CreateOrUpdate(self, values, body):
        key = self._key(values)
        name = values["namespaceName"]
        if self._name_taken(name, key):
            raise HttpError(409, "Conflict", "Namespace name %s is already taken." % name)
        props = dict(body.get("properties") or {})
        sku = body.get("sku") or {}
        if sku.get("name") == "Basic" and props.get("kafkaEnabled"):
            raise HttpError(400, "BadRequest", "Kafka is not supported on the Basic tier.")
        existing = self.namespaces.get(key)
        now = _now()
        if existing is not None:
            self._namespace(values, writable=True)
            old = existing["body"]
            if body.get("location", "").replace(" ", "").lower() != \
                    old["location"].replace(" ", "").lower():
                raise HttpError(400, "BadRequest", "The location of a namespace cannot change.")
            merged = dict(old["properties"])
            merged.update(props)
            merged.update(provisioningState="Updating", updatedAt=now)
            old.update(sku=dict(sku), tags=dict(body.get("tags") or {}), properties=merged)
            self._pending_reads[key] = self.update_polls
            out = copy.deepcopy(old)
            return 200, out, {}
        host = "%s.servicebus.windows.net" % name
        props.setdefault("kafkaEnabled", sku.get("name") != "Basic")
        props.update(provisioningState="Created", status="Activating", createdAt=now,
                     updatedAt=now, serviceBusEndpoint="https://%s:443/" % host,
                     metricId="%s:%s" % (self.subscription_id, name.lower()))
        ns = dict(key=key, body=dict(
            id=self._ns_id(values), name=name, type="Microsoft.EventHub/Namespaces",
            location=body["location"], tags=dict(body.get("tags") or {}), sku=dict(sku),
            properties=props), hubs={}, rules={}, network=dict(
                defaultAction="Allow", publicNetworkAccess="Enabled",
                trustedServiceAccessEnabled=False, ipRules=[], virtualNetworkRules=[]))
        ns["rules"]["rootmanagesharedaccesskey"] = self._new_rule(
            values, "RootManageSharedAccessKey", ["Listen", "Manage", "Send"])
        self.namespaces[key] = ns
        _, (status_url, result_url) = self._start_operation(
            "create", key, self.create_polls, body["location"])
        return 201, copy.deepcopy(ns["body"]), {"Azure-AsyncOperation": status_url,
                                                "Location": result_url}

    def _op_Namespaces_Delete(self, values, body):
        key = self._key(values)
        if key not in self.namespaces:
            return 204, None, {}
        ns = self._namespace(values, writable=True)
        ns["body"]["properties"]["provisioningState"] = "Deleting"
        _, (_status_url, result_url) = self._start_operation(
            "delete", key, self.delete_polls, ns["body"]["location"])
        return 202, None, {"Location": result_url}

    # -- network rule set --------------------------------------------------------------------
    def _network_body(self, values, ns):
        return dict(id=self._ns_id(values) + "/networkRuleSets/default", name="default",
                    type="Microsoft.EventHub/Namespaces/NetworkRuleSets", location=ns["body"][
                        "location"], properties=copy.deepcopy(ns["network"]))

    def _op_Namespaces_GetNetworkRuleSet(self, values, body):
        ns = self._namespace(values)
        return 200, self._network_body(values, ns), {}

    def _op_Namespaces_CreateOrUpdateNetworkRuleSet(self, values, body):
        ns = self._namespace(values, writable=True)
        props = body.get("properties") or {}
        ns["network"] = dict(
            defaultAction=props.get("defaultAction", "Allow"),
            publicNetworkAccess=props.get("publicNetworkAccess", ns["network"][
                "publicNetworkAccess"]),
            trustedServiceAccessEnabled=bool(props.get("trustedServiceAccessEnabled")),
            ipRules=[dict(ipMask=r["ipMask"], action=r.get("action", "Allow"))
                     for r in props.get("ipRules") or []],
            virtualNetworkRules=[dict(subnet=dict(id=r["subnet"]["id"]),
                                      ignoreMissingVnetServiceEndpoint=bool(
                                          r.get("ignoreMissingVnetServiceEndpoint")))
                                 for r in props.get("virtualNetworkRules") or []])
        return 200, self._network_body(values, ns), {}

    # -- event hubs ----------------------------------------------------------------------------
    def _hub_body(self, values, ns, hub):
        return dict(id="%s/eventhubs/%s" % (self._ns_id(values), hub["name"]), name=hub["name"],
                    type="Microsoft.EventHub/Namespaces/EventHubs",
                    location=ns["body"]["location"], properties=copy.deepcopy(hub["properties"]))

    def _op_EventHubs_ListByNamespace(self, values, body):
        ns = self._namespace(values)
        return 200, dict(value=[self._hub_body(values, ns, hub)
                                for _, hub in sorted(ns["hubs"].items())]), {}

    def _op_EventHubs_Get(self, values, body):
        ns, hub = self._hub(values)
        return 200, self._hub_body(values, ns, hub), {}

    def _op_EventHubs_CreateOrUpdate(self, values, body):
        ns = self._namespace(values)
        name = values["eventHubName"]
        props = dict(body.get("properties") or {})
        tier = ns["body"]["sku"]["name"]
        hub = ns["hubs"].get(name.lower())
        count = props.get("partitionCount")
        retention = dict(props.get("retentionDescription") or {})
        now = _now()
        if hub is not None:
            old = hub["properties"]
            if count is not None and count < old["partitionCount"]:
                raise HttpError(400, "BadRequest", "The partition count of an event hub cannot "
                                "be decreased.")
            if count is not None and count > old["partitionCount"] and tier != "Premium":
                raise HttpError(400, "BadRequest", "Partition count cannot be changed on the "
                                "%s tier." % tier)
            if retention.get("cleanupPolicy") and retention["cleanupPolicy"] != old[
                    "retentionDescription"]["cleanupPolicy"]:
                raise HttpError(400, "BadRequest", "The cleanup policy cannot be changed.")
        else:
            old = dict(createdAt=now, status="Active", partitionCount=4,
                       retentionDescription=dict(cleanupPolicy="Delete", retentionTimeInHours=24))
            hub = dict(name=name)
        merged = dict(old)
        merged.update((k, v) for k, v in props.items() if k != "retentionDescription")
        if retention and hub.get("properties") is None:
            merged["retentionDescription"] = retention  # what a new hub is given, as given
        elif retention:
            merged["retentionDescription"] = dict(old.get("retentionDescription") or {},
                                                  **retention)
        rd = merged["retentionDescription"]
        if rd.get("cleanupPolicy") == "Delete" and rd.get("retentionTimeInHours"):
            merged["messageRetentionInDays"] = max(1, -(-rd["retentionTimeInHours"] // 24))
        merged["partitionIds"] = [str(i) for i in range(merged["partitionCount"])]
        merged["updatedAt"] = now
        hub["properties"] = merged
        if name.lower() not in ns["hubs"]:
            hub["groups"] = {"$default": self._group(name, "$Default", None)}
            hub["rules"] = {}
            ns["hubs"][name.lower()] = hub
        return 200, self._hub_body(values, ns, hub), {}

    def _op_EventHubs_Delete(self, values, body):
        ns = self._namespace(values)
        if ns["hubs"].pop(values["eventHubName"].lower(), None) is None:
            return 204, None, {}
        return 200, None, {}

    # -- consumer groups -----------------------------------------------------------------------
    def _group(self, hub, name, metadata):
        props = dict(createdAt=_now(), updatedAt=_now())
        if metadata is not None:
            props["userMetadata"] = metadata
        return dict(name=name, properties=props)

    def _group_body(self, values, ns, hub, group):
        return dict(id="%s/eventhubs/%s/consumergroups/%s" % (
            self._ns_id(values), hub["name"], group["name"]), name=group["name"],
            type="Microsoft.EventHub/Namespaces/EventHubs/ConsumerGroups",
            location=ns["body"]["location"], properties=copy.deepcopy(group["properties"]))

    def _op_ConsumerGroups_ListByEventHub(self, values, body):
        ns, hub = self._hub(values)
        return 200, dict(value=[self._group_body(values, ns, hub, group)
                                for _, group in sorted(hub["groups"].items())]), {}

    def _op_ConsumerGroups_Get(self, values, body):
        ns, hub = self._hub(values)
        group = hub["groups"].get(values["consumerGroupName"].lower())
        if group is None:
            raise HttpError(404, "ResourceNotFound", "Consumer group not found.")
        return 200, self._group_body(values, ns, hub, group), {}

    def _op_ConsumerGroups_CreateOrUpdate(self, values, body):
        ns, hub = self._hub(values)
        name = values["consumerGroupName"]
        metadata = ((body or {}).get("properties") or {}).get("userMetadata")
        group = hub["groups"].get(name.lower())
        if group is None:
            group = hub["groups"][name.lower()] = self._group(hub["name"], name, metadata)
        elif metadata is not None:
            group["properties"].update(userMetadata=metadata, updatedAt=_now())
        return 200, self._group_body(values, ns, hub, group), {}

    def _op_ConsumerGroups_Delete(self, values, body):
        _ns, hub = self._hub(values)
        name = values["consumerGroupName"].lower()
        if name == "$default":
            raise HttpError(400, "BadRequest", "The $Default consumer group cannot be deleted.")
        if hub["groups"].pop(name, None) is None:
            return 204, None, {}
        return 200, None, {}

    # -- authorization rules -------------------------------------------------------------------
    def _new_rule(self, values, name, rights, hub=None):
        return dict(name=name, rights=list(rights), primary=_key(), secondary=_key(), hub=hub)

    def _rule_body(self, values, ns, rule):
        base = self._ns_id(values)
        kind = "Namespaces/AuthorizationRules"
        if rule["hub"]:
            base += "/eventhubs/%s" % rule["hub"]
            kind = "Namespaces/EventHubs/AuthorizationRules"
        return dict(id="%s/authorizationRules/%s" % (base, rule["name"]), name=rule["name"],
                    type="Microsoft.EventHub/" + kind, location=ns["body"]["location"],
                    properties=dict(rights=list(rule["rights"])))

    def _rules(self, values):
        if "eventHubName" in values:
            ns, hub = self._hub(values)
            return ns, hub["rules"], hub["name"]
        ns = self._namespace(values)
        return ns, ns["rules"], None

    def _get_rule(self, values):
        ns, rules, _hub = self._rules(values)
        rule = rules.get(values["authorizationRuleName"].lower())
        if rule is None:
            raise HttpError(404, "ResourceNotFound", "Authorization rule %s not found."
                            % values["authorizationRuleName"])
        return ns, rule

    def _op_rule_list(self, values, body):
        ns, rules, _hub = self._rules(values)
        return 200, dict(value=[self._rule_body(values, ns, rule)
                                for _, rule in sorted(rules.items())]), {}

    def _op_rule_get(self, values, body):
        ns, rule = self._get_rule(values)
        return 200, self._rule_body(values, ns, rule), {}

    def _op_rule_put(self, values, body):
        ns, rules, hub = self._rules(values)
        rights = body["properties"]["rights"]
        if "Manage" in rights and not {"Listen", "Send"} <= set(rights):
            raise HttpError(400, "BadRequest", "Manage rights need Listen and Send.")
        name = values["authorizationRuleName"]
        rule = rules.get(name.lower())
        if rule is None:
            rule = rules[name.lower()] = self._new_rule(values, name, rights, hub)
        rule["rights"] = list(rights)
        return 200, self._rule_body(values, ns, rule), {}

    def _op_rule_delete(self, values, body):
        _ns, rules, _hub = self._rules(values)
        if rules.pop(values["authorizationRuleName"].lower(), None) is None:
            return 204, None, {}
        return 200, None, {}

    def _op_rule_keys(self, values, body):
        ns, rule = self._get_rule(values)
        host = "%s.servicebus.windows.net" % ns["body"]["name"]
        entity = ";EntityPath=%s" % rule["hub"] if rule["hub"] else ""
        template = "Endpoint=sb://%s/;SharedAccessKeyName=%s;SharedAccessKey=%s%s"
        return 200, dict(
            primaryConnectionString=template % (host, rule["name"], rule["primary"], entity),
            secondaryConnectionString=template % (host, rule["name"], rule["secondary"], entity),
            primaryKey=rule["primary"], secondaryKey=rule["secondary"],
            keyName=rule["name"]), {}

    _op_Namespaces_ListAuthorizationRules = _op_EventHubs_ListAuthorizationRules = _op_rule_list
    _op_Namespaces_GetAuthorizationRule = _op_EventHubs_GetAuthorizationRule = _op_rule_get
    _op_Namespaces_CreateOrUpdateAuthorizationRule = _op_rule_put
    _op_EventHubs_CreateOrUpdateAuthorizationRule = _op_rule_put
    _op_Namespaces_DeleteAuthorizationRule = _op_EventHubs_DeleteAuthorizationRule = \
        _op_rule_delete
    _op_Namespaces_ListKeys = _op_EventHubs_ListKeys = _op_rule_keys


def running(**kwargs):
    """A started fake (stop it with ``stop()``)."""
    return AzureArmFake(**kwargs).start()
