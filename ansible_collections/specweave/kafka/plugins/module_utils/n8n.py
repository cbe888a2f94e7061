# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""n8n public API client and the workflow normalisation/diff logic of the n8n modules.

``n8n_argument_spec()`` is the argument spec documented by the ``specweave.kafka.n8n`` doc
fragment and ``N8nConnection`` the family's seam for the runner. ``N8nClient`` talks to
``<api_url>/api/v1`` through the collection's one HTTP layer (``module_utils/http_client``: reused
opener, the one retry policy, TLS options); ``N8nFamily`` turns every failure into an
``N8nError`` whose message says what failed and how to fix it. The functions below it are
pure: they load and validate a workflow, resolve credential references by name and reduce a
workflow to the fields that matter for idempotence (read-only fields such as ids, timestamps,
versionId and webhookId stripped).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

from ansible.module_utils.basic import env_fallback
from ansible_collections.specweave.kafka.plugins.module_utils.http_client import (
    HttpClient,
    HttpFamily,
    RetryPolicy,
    tls_dropped,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    Connection,
    ModuleFailure,
)

WORKFLOW_FIELDS = ("name", "nodes", "connections", "settings")
# Node keys n8n assigns or rewrites itself; never compared, carried over from the live node.
NODE_READ_ONLY = ("id", "webhookId")
PAGE_LIMIT = 250
API_PATH = "/api/v1"


def n8n_argument_spec():
    """Connection options shared by the n8n modules."""
    return dict(
        api_url=dict(type="str", fallback=(env_fallback, ["N8N_API_URL"])),
        api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["N8N_API_KEY"])),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path", fallback=(env_fallback, ["N8N_CA_PATH"])),
        client_cert=dict(type="path", fallback=(env_fallback, ["N8N_CLIENT_CERT"])),
        client_key=dict(type="path", no_log=False, fallback=(env_fallback, ["N8N_CLIENT_KEY"])),
        timeout=dict(type="int", default=30),
        retries=dict(type="int", default=3, fallback=(env_fallback, ["N8N_RETRIES"])),
    )


class N8nError(ModuleFailure):
    """A failed n8n request or an invalid input; ``str()`` is the message for the user.

    A ``ModuleFailure``: the message already names what failed, so the runner ends the task
    with it as it is, and with the HTTP ``status`` (None when no answer came) in the result.
    """

    def __init__(self, msg, status=None, body=None):
        super(N8nError, self).__init__(msg, status=status)
        self.status = status
        self.body = body


def base_url(api_url):
    """``https://host[:port][/prefix]`` without a trailing slash or ``/api/v1``."""
    url = (api_url or "").strip().rstrip("/")
    if url.endswith(API_PATH):
        url = url[:-len(API_PATH)]
    return url


def validate_connection_params(params):
    problems = []
    url = base_url(params.get("api_url"))
    if not url:
        problems.append("api_url is required (or set N8N_API_URL), for example "
                        "api_url: http://127.0.0.1:5678")
    elif not (url.startswith("http://") or url.startswith("https://")):
        problems.append("api_url must start with http:// or https://, not %r" % url)
    if not params.get("api_key"):
        problems.append("api_key is required (or set N8N_API_KEY); create one in n8n under "
                        "Settings > n8n API")
    if params.get("timeout") is not None and params["timeout"] <= 0:
        problems.append("timeout must be a positive number of seconds")
    if params.get("retries") is not None and params["retries"] < 0:
        problems.append("retries must be 0 or more")
    if params.get("client_key") and not params.get("client_cert"):
        problems.append("client_key needs client_cert (or N8N_CLIENT_CERT)")
    return problems


def error_message(body):
    """n8n's own reason from an error body (JSON ``message`` or the raw text)."""
    if isinstance(body, dict):
        for key in ("message", "error", "description"):
            if body.get(key):
                text = body[key]
                return text if isinstance(text, str) else json.dumps(text)
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return "no reason given"


class N8nFamily(HttpFamily):
    """n8n's messages for the HTTP layer.

    ``what`` names the call in flight ("listing workflows", ...): ``N8nClient.request`` sets it
    before each call, and every message starts with it.
    """

    name = "n8n"

    def __init__(self, url):
        self.url = url
        self.what = None

    def error(self, failure):
        what = self.what or "%s %s" % (failure.method, failure.path)
        if failure.status is None:
            return self.unreachable(failure, what)
        if not failure.json and failure.status < 400:
            return N8nError("%s: n8n answered HTTP %s with a body that is not JSON (%s). Is "
                            "api_url the base URL of n8n?" % (
                                what, failure.status, error_message(failure.body)[:200]),
                            status=failure.status, body=failure.body)
        return self.http_error(failure.status, failure.body, failure.method, failure.path, what)

    def unreachable(self, failure, what):
        reason = failure.reason
        if failure.tls == "server":
            return N8nError("%s: the TLS certificate of n8n at %s is not trusted (%s). Set "
                            "ca_path (or N8N_CA_PATH) to the CA bundle that signed it."
                            % (what, self.url, reason))
        if failure.tls == "client":
            return N8nError("%s: n8n at %s (or the TLS proxy in front of it) refused the client "
                            "certificate (%s). Check client_cert and client_key."
                            % (what, self.url, reason))
        if failure.tls == "files":
            return N8nError("%s: cannot load the TLS files ca_path, client_cert or client_key "
                            "(%s)." % (what, reason))
        hint = ""
        if tls_dropped(failure.url, failure.exc):
            hint = (" The TLS connection was closed without an answer, which is also what a TLS "
                    "listener in front of n8n does when it refuses the client certificate: if "
                    "it requires one, set client_cert and client_key (or N8N_CLIENT_CERT / "
                    "N8N_CLIENT_KEY).")
        return N8nError("%s: cannot reach n8n at %s (%s). Check that n8n is running and that "
                        "api_url (or N8N_API_URL) is the address of n8n as seen from this "
                        "host.%s" % (what, self.url, reason, hint))

    def http_error(self, status, body, method, path, what):
        reason = error_message(body)
        if status == 401:
            msg = ("%s: n8n rejected the API key (HTTP 401: %s). Check api_key (or N8N_API_KEY): "
                   "it must be a current key of this n8n instance (Settings > n8n API)."
                   % (what, reason))
        elif status == 403:
            msg = ("%s: the API key is not allowed to %s %s (HTTP 403: %s). Use a key with the "
                   "workflow, tag and credential scopes." % (what, method, path, reason))
        elif status == 404 and path in ("/workflows", "/tags", "/credentials"):
            msg = ("%s: n8n answered 404 for %s%s%s (%s). Is api_url the base URL of n8n "
                   "and is its public API enabled (N8N_PUBLIC_API_DISABLED not true)?"
                   % (what, self.url, API_PATH, path, reason))
        else:
            msg = "%s: n8n answered HTTP %s: %s" % (what, status, reason)
        return N8nError(msg, status=status, body=body)


class N8nClient(object):
    """The n8n public API (``/api/v1``) with one API key.

    Retries follow the HTTP layer's one policy (``retries`` times, jittered backoff,
    ``Retry-After``): reads, PUTs and DELETEs on 5xx or a lost connection, any call on 429;
    POSTs only where repeating them is harmless (see ``activate``). ``retry`` (tests) replaces
    the policy, ``opener`` the transport.
    """

    def __init__(self, api_url, api_key, validate_certs=True, timeout=30, retries=3,
                 ca_path=None, client_cert=None, client_key=None, retry=None, opener=None):
        self.url = base_url(api_url)
        self.api_key = api_key
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.family = N8nFamily(self.url)
        self.http = HttpClient(
            self.url + API_PATH, family=self.family, headers={"X-N8N-API-KEY": api_key},
            ca_path=ca_path, client_cert=client_cert, client_key=client_key,
            validate_certs=validate_certs, timeout=timeout,
            retry=retry if retry is not None else RetryPolicy(retries=retries), opener=opener)

    @classmethod
    def from_params(cls, params):
        retries = params.get("retries")
        return cls(params["api_url"], params["api_key"], params.get("validate_certs", True),
                   params.get("timeout") or 30, 3 if retries is None else retries,
                   ca_path=params.get("ca_path"), client_cert=params.get("client_cert"),
                   client_key=params.get("client_key"))

    @property
    def retried(self):
        """The retries done so far: dict(method, path, status, delay) each."""
        return self.http.retried

    def request(self, method, path, body=None, query=None, what=None, unsafe_retry=False):
        self.family.what = what or "%s %s" % (method, path)
        return self.http.request(method, path, body=body, query=query,
                                 unsafe_retry=unsafe_retry)

    def _http_error(self, status, body, method, path, what):
        return self.family.http_error(status, body, method, path, what)

    def _delete(self, path, what):
        """DELETE; a 404 after a retry means the lost first attempt did the deletion."""
        retries_before = len(self.retried)
        try:
            return self.request("DELETE", path, what=what)
        except N8nError as exc:
            if exc.status == 404 and len(self.retried) > retries_before:
                return None
            raise

    def paged(self, path, query=None, what=None):
        items = []
        query = dict(query or {}, limit=PAGE_LIMIT)
        while True:
            page = self.request("GET", path, query=query, what=what) or {}
            items.extend(page.get("data") or [])
            cursor = page.get("nextCursor")
            if not cursor:
                return items
            query["cursor"] = cursor

    # -- workflows -------------------------------------------------------------------------
    def find_workflows(self, name):
        """Workflows whose name is exactly ``name`` (the API filter is not exact)."""
        found = self.paged("/workflows", {"name": name, "excludePinnedData": "true"},
                           what="listing workflows")
        return [wf for wf in found if wf.get("name") == name]

    def list_workflows(self, query=None):
        return self.paged("/workflows", dict(query or {}, excludePinnedData="true"),
                          what="listing workflows")

    def get_workflow(self, workflow_id, missing_ok=False):
        try:
            return self.request("GET", "/workflows/%s" % workflow_id,
                                query={"excludePinnedData": "true"},
                                what="reading workflow %s" % workflow_id)
        except N8nError as exc:
            if missing_ok and exc.status == 404:
                return None
            raise

    # Creating a workflow, a credential or a tag is never retried on a 5xx or a lost
    # connection: the first attempt may have created it, and a second one would make a twin.
    def create_workflow(self, body):
        return self.request("POST", "/workflows", body,
                            what="creating workflow %r" % body.get("name"))

    def update_workflow(self, workflow_id, body):
        return self.request("PUT", "/workflows/%s" % workflow_id, body,
                            what="updating workflow %r (%s)" % (body.get("name"), workflow_id))

    def delete_workflow(self, workflow_id):
        return self._delete("/workflows/%s" % workflow_id,
                            what="deleting workflow %s" % workflow_id)

    # Activating and deactivating set a state: repeating one after a lost answer is harmless.
    def activate(self, workflow_id, name=None):
        return self.request("POST", "/workflows/%s/activate" % workflow_id, {},
                            what="n8n refused to activate workflow %r (%s)"
                            % (name, workflow_id), unsafe_retry=True)

    def deactivate(self, workflow_id, name=None):
        return self.request("POST", "/workflows/%s/deactivate" % workflow_id, {},
                            what="deactivating workflow %r (%s)" % (name, workflow_id),
                            unsafe_retry=True)

    # -- tags ------------------------------------------------------------------------------
    def list_tags(self):
        return self.paged("/tags", what="listing tags")

    def create_tag(self, name):
        return self.request("POST", "/tags", {"name": name}, what="creating tag %r" % name)

    def set_workflow_tags(self, workflow_id, tag_ids):
        return self.request("PUT", "/workflows/%s/tags" % workflow_id,
                            [{"id": tid} for tid in tag_ids],
                            what="setting the tags of workflow %s" % workflow_id)

    # -- credentials -----------------------------------------------------------------------
    def list_credentials(self):
        return self.paged("/credentials", what="listing credentials")

    def create_credential(self, name, cred_type, data):
        return self.request("POST", "/credentials", {"name": name, "type": cred_type,
                                                     "data": data},
                            what="creating %s credential %r" % (cred_type, name))

    def update_credential(self, cred_id, name, cred_type, data):
        # The whole credential is sent: a repeated PATCH writes the same thing again.
        return self.request("PATCH", "/credentials/%s" % cred_id,
                            {"name": name, "type": cred_type, "data": data},
                            what="updating %s credential %r" % (cred_type, name),
                            unsafe_retry=True)

    def credential_schema(self, cred_type):
        try:
            return self.request("GET", "/credentials/schema/%s" % cred_type,
                                what="reading the schema of credential type %s" % cred_type)
        except N8nError as exc:
            if exc.status == 404:
                raise N8nError("n8n has no credential type %r; use the type name n8n uses, "
                               "for example kafka, postgres, slackApi, openAiApi" % cred_type,
                               status=404)
            raise

    def delete_credential(self, cred_id):
        return self._delete("/credentials/%s" % cred_id, what="deleting credential %s" % cred_id)


class N8nConnection(Connection):
    """The n8n family for the runner: its options, their checks and one ``N8nClient``."""

    def __init__(self):
        self.params = {}

    def argument_spec(self):
        return n8n_argument_spec()

    def check(self, module):
        self.params = module.params
        problems = validate_connection_params(self.params)
        if problems:
            module.fail_json(msg="Invalid n8n connection options: " + "; ".join(problems))

    def open(self, ctx=None):
        return N8nClient.from_params(self.params)

    def describe(self, exc, step):
        if isinstance(exc, N8nError):
            return exc.msg
        return None


# -- loading and validating a workflow ----------------------------------------------------------
def parse_workflow(value, origin="workflow"):
    """A workflow given as a dict or a JSON string (an n8n export) -> dict."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise N8nError("%s is not valid JSON: %s" % (origin, exc))
    if not isinstance(value, dict):
        raise N8nError("%s must be a workflow object with nodes and connections, not %s"
                       % (origin, type(value).__name__))
    return value


def validate_workflow(workflow):
    """Return a list of problems (empty when the workflow is structurally valid)."""
    problems = []
    nodes = workflow.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        return ["the workflow needs a non-empty list of nodes"]
    names = set()
    for index, node in enumerate(nodes):
        if not isinstance(node, dict):
            problems.append("node #%d is not an object" % (index + 1))
            continue
        name = node.get("name")
        label = "node #%d" % (index + 1) if not name else "node %r" % name
        if not isinstance(name, str) or not name.strip():
            problems.append("%s has no name" % label)
        elif name in names:
            problems.append("node name %r is used twice; node names must be unique" % name)
        else:
            names.add(name)
        node_type = node.get("type")
        if not isinstance(node_type, str) or "." not in node_type:
            problems.append("%s needs a type such as n8n-nodes-base.kafkaTrigger, not %r"
                            % (label, node_type))
        if "typeVersion" in node and not isinstance(node["typeVersion"], (int, float)):
            problems.append("%s: typeVersion must be a number" % label)
        if "parameters" in node and not isinstance(node["parameters"], dict):
            problems.append("%s: parameters must be an object" % label)
        creds = node.get("credentials")
        if creds is not None and not isinstance(creds, dict):
            problems.append("%s: credentials must map a credential type to a credential name"
                            % label)
    connections = workflow.get("connections", {})
    if not isinstance(connections, dict):
        problems.append("connections must be an object keyed by source node name")
    else:
        for source, outputs in connections.items():
            if source not in names:
                problems.append("connections start at unknown node %r" % source)
                continue
            if not isinstance(outputs, dict):
                problems.append("connections of %r must be an object" % source)
                continue
            for kind, branches in outputs.items():
                for branch in branches or []:
                    for link in branch or []:
                        target = link.get("node") if isinstance(link, dict) else None
                        if target not in names:
                            problems.append("connection %s -> %r points to an unknown node"
                                            % (source, target))
    settings = workflow.get("settings", {})
    if settings is not None and not isinstance(settings, dict):
        problems.append("settings must be an object")
    return problems


def prepare_workflow(workflow, name):
    """Keep the writable fields of a workflow (an n8n export carries many more)."""
    result = {
        "name": name or workflow.get("name"),
        "nodes": copy.deepcopy(workflow.get("nodes") or []),
        "connections": copy.deepcopy(workflow.get("connections") or {}),
        "settings": copy.deepcopy(workflow.get("settings") or {}),
    }
    for index, node in enumerate(result["nodes"]):
        node.setdefault("parameters", {})
        node.setdefault("typeVersion", 1)
        node.setdefault("position", [index * 220, 0])
    return result


# -- credentials -----------------------------------------------------------------------------
def resolve_credentials(nodes, known):
    """Replace credential references by ``{id, name}``.

    ``known`` maps (type, name) -> id (``None`` for a credential that check mode would
    create). Returns (nodes, problems).
    """
    resolved = copy.deepcopy(nodes)
    by_id = dict((cid, key) for key, cid in known.items() if cid)
    problems = []
    for node in resolved:
        creds = node.get("credentials")
        if not creds:
            continue
        for cred_type in sorted(creds):
            ref = creds[cred_type]
            name = ref if isinstance(ref, str) else (ref or {}).get("name")
            cred_id = None if isinstance(ref, str) else (ref or {}).get("id")
            if cred_id and cred_id in by_id and by_id[cred_id][0] == cred_type:
                creds[cred_type] = {"id": cred_id, "name": by_id[cred_id][1]}
            elif name and (cred_type, name) in known:
                creds[cred_type] = {"id": known[(cred_type, name)], "name": name}
            elif cred_id and not name:
                creds[cred_type] = {"id": cred_id, "name": name}
            else:
                problems.append(
                    "node %r uses %s credential %r, which does not exist in n8n; add it to "
                    "the credentials option (name, type: %s, data) or create it in n8n first"
                    % (node.get("name"), cred_type, name, cred_type))
    return resolved, problems


def credential_plan(specs, existing, update_secrets):
    """What to do with each managed credential.

    ``specs``: [{name, type, data}]; ``existing``: credentials listed by n8n. Returns a list
    of dicts {name, type, action: create|update|none, id}.
    """
    plan = []
    for spec in specs:
        matches = [c for c in existing
                   if c.get("name") == spec["name"] and c.get("type") == spec["type"]]
        if len(matches) > 1:
            raise N8nError("%d %s credentials are named %r in n8n; rename or delete the extra "
                           "ones so that the name is unique" % (len(matches), spec["type"],
                                                                spec["name"]))
        if not matches:
            plan.append(dict(name=spec["name"], type=spec["type"], action="create", id=None))
        else:
            action = "update" if update_secrets == "always" else "none"
            plan.append(dict(name=spec["name"], type=spec["type"], action=action,
                             id=matches[0].get("id")))
    return plan


def credential_data(cred_type, data):
    """Normalise credential data (Kafka brokers may be given as a list)."""
    data = dict(data or {})
    if cred_type == "kafka":
        brokers = data.get("brokers")
        if isinstance(brokers, (list, tuple)):
            data["brokers"] = ",".join(str(b).strip() for b in brokers)
        data.setdefault("clientId", "n8n")
        data.setdefault("ssl", False)
        data.setdefault("authentication", False)
        if data.get("username") or data.get("password"):
            data["authentication"] = True
            data.setdefault("saslMechanism", "plain")
    return data


SECRET_KEY_WORDS = ("password", "secret", "token", "apikey", "api_key", "privatekey",
                    "private_key", "passphrase")


def secret_values(data):
    """String values of keys that look like secrets (to hide them from the output)."""
    found = []
    for key, value in (data or {}).items():
        lowered = str(key).lower().replace("-", "_")
        if any(word in lowered for word in SECRET_KEY_WORDS) and isinstance(value, str) \
                and value:
            found.append(value)
    return found


def _required(block):
    names = list((block or {}).get("required") or [])
    for sub in (block or {}).get("allOf") or []:
        names.extend(_required(sub))
    return names


def complete_credential_data(data, schema):
    """Fill the switches n8n's credential schema needs but the user may leave out.

    n8n validates credential data against a JSON schema whose ``if`` conditions hold when
    a switch is absent (``sshTunnel``, ``header``, ...), which then demands every field of the
    optional block. Absent boolean switches get ``false`` (n8n's default), and display-only
    ``notice`` fields a condition still demands get an empty value.
    """
    data = dict(data)
    props = (schema or {}).get("properties") or {}
    for cond in (schema or {}).get("allOf") or []:
        test = (cond.get("if") or {}).get("properties") or {}
        holds = True
        for key, rule in test.items():
            if key not in data and props.get(key, {}).get("type") == "boolean":
                data[key] = False
            if key in data and data[key] not in (rule.get("enum") or [data[key]]):
                holds = False
        if holds:
            for name in _required(cond.get("then")):
                if name not in data and props.get(name, {}).get("type") == "notice":
                    data[name] = ""
    return data


def validate_credential_specs(specs):
    problems = []
    seen = set()
    for index, spec in enumerate(specs):
        name, cred_type = spec.get("name"), spec.get("type")
        if not name:
            problems.append("credentials[%d] needs a name" % index)
        if not cred_type:
            problems.append("credentials[%d] needs a type (for example kafka)" % index)
        if (cred_type, name) in seen:
            problems.append("credential %r (%s) is listed twice" % (name, cred_type))
        seen.add((cred_type, name))
        if cred_type == "kafka" and not (spec.get("data") or {}).get("brokers"):
            problems.append("kafka credential %r needs data.brokers (host:port list)" % name)
    return problems


# -- normalising and comparing ---------------------------------------------------------------
def _number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def normalize_node(node):
    result = {}
    for key, value in node.items():
        if key in NODE_READ_ONLY:
            continue
        if key == "credentials":
            value = dict((ctype, {"id": (ref or {}).get("id"), "name": (ref or {}).get("name")})
                         for ctype, ref in (value or {}).items())
            if not value:
                continue
        elif key == "position" and isinstance(value, (list, tuple)):
            value = [_number(v) for v in value]
        elif key == "typeVersion":
            value = _number(value)
        result[key] = value
    return result


def normalize_workflow(workflow, settings_keys=None):
    """The fields of a workflow that define it, in a comparable form.

    ``settings_keys``: only these settings are compared (the ones the user manages; n8n adds
    defaults of its own). ``None`` keeps all.
    """
    settings = dict(workflow.get("settings") or {})
    if settings_keys is not None:
        settings = dict((k, v) for k, v in settings.items() if k in settings_keys)
    nodes = sorted((normalize_node(n) for n in workflow.get("nodes") or []),
                   key=lambda n: n.get("name") or "")
    return {
        "name": workflow.get("name"),
        "nodes": nodes,
        "connections": workflow.get("connections") or {},
        "settings": settings,
    }


def carry_read_only(desired_nodes, current_nodes):
    """Give desired nodes the id/webhookId of the live node of the same name and type."""
    live = dict((n.get("name"), n) for n in current_nodes or [])
    result = copy.deepcopy(desired_nodes)
    for node in result:
        old = live.get(node.get("name"))
        if old is None or old.get("type") != node.get("type"):
            continue
        for key in NODE_READ_ONLY:
            if key in old and key not in node:
                node[key] = old[key]
    return result


WEBHOOK_NODE_TYPES = ("n8n-nodes-base.webhook", "n8n-nodes-base.formTrigger",
                      "@n8n/n8n-nodes-langchain.chatTrigger")


def assign_webhook_ids(nodes, new_id):
    """Give webhook nodes without one a webhookId, as the editor does.

    Without it n8n registers the webhook under ``<workflow id>/<node>/<path>`` instead of the
    plain ``<path>``. ``new_id()`` makes an id (a UUID).
    """
    for node in nodes:
        if node.get("type") in WEBHOOK_NODE_TYPES and not node.get("webhookId"):
            node["webhookId"] = new_id()
    return nodes


def workflow_changes(current, desired):
    """Names of the top-level fields that differ between two normalised workflows."""
    return [key for key in ("name", "nodes", "connections", "settings")
            if current.get(key) != desired.get(key)]


def tag_names(workflow):
    return sorted(t.get("name") for t in (workflow or {}).get("tags") or [] if t.get("name"))


def is_published(workflow):
    """Active, and running the latest version (n8n 2 publishes a version)."""
    if not workflow or not workflow.get("active"):
        return False
    active_version = workflow.get("activeVersionId")
    return not active_version or active_version == workflow.get("versionId")


def webhook_urls(workflow, url):
    """Production URLs of the workflow's webhook nodes."""
    urls = []
    for node in (workflow or {}).get("nodes") or []:
        if node.get("type") == "n8n-nodes-base.webhook" and not node.get("disabled"):
            path = (node.get("parameters") or {}).get("path") or node.get("webhookId")
            if path:
                urls.append("%s/webhook/%s" % (base_url(url), str(path).lstrip("/")))
    return urls


def summary(workflow, settings_keys=None):
    """What the modules return and diff for one workflow (no secrets: nodes hold references)."""
    if not workflow:
        return {}
    result = normalize_workflow(workflow, settings_keys)
    result.update({
        "id": workflow.get("id"),
        "active": bool(workflow.get("active")),
        "tags": tag_names(workflow),
    })
    return result
