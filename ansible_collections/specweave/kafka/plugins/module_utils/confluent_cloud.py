# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Confluent Cloud control plane: REST client and the pure logic of the confluent_* modules.

``confluent_cloud_argument_spec()`` is documented by the ``specweave.kafka.confluent_cloud`` doc
fragment. ``ConfluentCloudClient`` speaks the public REST API (cmk v2, org v2, iam v2, api-keys
v2) with ``open_url``: Cloud API key basic auth, pagination over ``metadata.next``, retries with
backoff on 429/5xx honouring ``Retry-After``, and one clear error naming Confluent's
``errors[].detail`` on failures. Everything else here is pure functions, unit-tested without a
server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import time
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import parse_qs, quote, urlencode, urlparse
from ansible.module_utils.urls import open_url

DEFAULT_API_URL = "https://api.confluent.cloud"
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER = 300.0
PAGE_SIZE = 100

CLUSTER_TYPES = ["Basic", "Standard", "Enterprise", "Dedicated", "Freight"]
ELASTIC_TYPES = ("Basic", "Standard", "Enterprise", "Freight")
# The only type change the cmk v2 API makes in place (its spec: "Clusters can be upgraded from
# Basic to Standard, but cannot be downgraded from Standard to Basic").
IN_PLACE_UPGRADES = {("Basic", "Standard")}
AVAILABILITIES = ["SINGLE_ZONE", "MULTI_ZONE", "LOW", "HIGH"]
MULTI_ZONE_AVAILABILITIES = ("MULTI_ZONE", "HIGH")
CLOUDS = ["AWS", "GCP", "AZURE"]
GOVERNANCE_PACKAGES = ["ESSENTIALS", "ADVANCED"]

HTTP_REASONS = {
    400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
    404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout",
}


def confluent_cloud_argument_spec():
    """Connection options shared by all Confluent Cloud modules."""
    return dict(
        api_key=dict(type="str", no_log=True,
                     fallback=(env_fallback, ["CONFLUENT_CLOUD_API_KEY"])),
        api_secret=dict(type="str", no_log=True,
                        fallback=(env_fallback, ["CONFLUENT_CLOUD_API_SECRET"])),
        api_url=dict(type="str", default=DEFAULT_API_URL,
                     fallback=(env_fallback, ["CONFLUENT_CLOUD_API_URL"])),
        validate_certs=dict(type="bool", default=True),
        request_timeout=dict(type="int", default=30),
        max_retries=dict(type="int", default=5),
    )


# --------------------------------------------------------------------------------------------
# HTTP helpers (pure)
# --------------------------------------------------------------------------------------------

def parse_retry_after(value):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from email.utils import parsedate_tz, mktime_tz
        parsed = parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, mktime_tz(parsed) - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def retry_delay(attempt, retry_after=None, base=1.0, cap=30.0):
    """Delay before retry number ``attempt`` (0-based): Retry-After when given, else 2^n backoff."""
    if retry_after is not None:
        return min(float(retry_after), MAX_RETRY_AFTER)
    return min(cap, base * (2 ** attempt))


def error_details(payload):
    """Confluent's ``errors[].detail`` (falling back to title/code) as a list of strings."""
    details = []
    if isinstance(payload, dict):
        errors = payload.get("errors")
        if isinstance(errors, list):
            for error in errors:
                if not isinstance(error, dict):
                    continue
                text = error.get("detail") or error.get("title") or error.get("code")
                if text:
                    source = error.get("source") or {}
                    pointer = source.get("pointer") or source.get("parameter") \
                        if isinstance(source, dict) else None
                    details.append("%s (at %s)" % (text, pointer) if pointer else str(text))
        elif payload.get("message"):
            details.append(str(payload["message"]))
    elif payload:
        details.append(str(payload)[:500])
    return details


def describe_http_error(status, method, path, payload, attempts=1):
    """One sentence for a failed call: what failed, Confluent's detail, and how to fix it."""
    reason = HTTP_REASONS.get(status, "HTTP error")
    details = "; ".join(error_details(payload)).rstrip(".") or "no error detail in the response"
    what = "Confluent Cloud %s %s failed with HTTP %s %s: %s." % (
        method, path, status, reason, details)
    hints = {
        400: "The request was rejected as invalid; check the module options.",
        401: "Authentication failed: check api_key and api_secret (or CONFLUENT_CLOUD_API_KEY / "
             "CONFLUENT_CLOUD_API_SECRET). They must be a Cloud API key (resource scope "
             "'Cloud resource management'), not a Kafka cluster API key.",
        402: "The organization is over a quota or has no valid payment method.",
        403: "The Cloud API key is valid but its owner lacks the role for this operation (for "
             "example OrganizationAdmin, EnvironmentAdmin or CloudClusterAdmin).",
        404: "The object does not exist (or the key cannot see it): check the ids and the "
             "environment.",
        409: "The request conflicts with the current state (an object with the same name "
             "exists, or the object is still changing); wait for it to settle and re-run.",
        422: "The request was understood but cannot be applied; check the option values.",
        429: "Rate limited; gave up after %d attempts. Re-run later or raise max_retries."
             % attempts,
    }
    hint = hints.get(status)
    if hint is None and status >= 500:
        hint = ("Confluent Cloud reported a server error; gave up after %d attempts. Re-run "
                "later or raise max_retries." % attempts)
    return "%s %s" % (what, hint) if hint else what


def page_token_from(next_url):
    """The ``page_token`` query value of a ``metadata.next`` URL, or None."""
    if not next_url:
        return None
    values = parse_qs(urlparse(next_url).query).get("page_token")
    return values[0] if values else None


def build_url(base, path, query=None):
    url = base.rstrip("/") + path
    if query:
        pairs = []
        for key in sorted(query):
            value = query[key]
            if value is None:
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            if isinstance(value, (list, tuple)):
                pairs.extend((key, str(v)) for v in value)
            else:
                pairs.append((key, str(value)))
        if pairs:
            url += "?" + urlencode(pairs)
    return url


def quote_id(value):
    return quote(str(value), safe="")


class ConfluentCloudError(Exception):
    def __init__(self, message, status=None, payload=None):
        super(ConfluentCloudError, self).__init__(message)
        self.status = status
        self.payload = payload


class ConfluentCloudClient(object):
    """Small REST client for api.confluent.cloud; ``opener`` and ``sleep`` are injectable."""

    def __init__(self, api_key, api_secret, api_url=DEFAULT_API_URL, timeout=30,
                 validate_certs=True, max_retries=5, opener=None, sleep=None):
        self.api_key = api_key
        self.api_secret = api_secret
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.max_retries = max(0, int(max_retries))
        self.opener = opener or open_url
        self.sleep = sleep or time.sleep
        self.retries = []      # (method, path, status, delay) of every retry, for the result
        self.requests = 0

    def _send(self, method, url, data):
        headers = {"Accept": "application/json", "User-Agent": "specweave.kafka-ansible"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self.opener(url, method=method, data=data, headers=headers,
                                   url_username=self.api_key, url_password=self.api_secret,
                                   force_basic_auth=True, timeout=self.timeout,
                                   validate_certs=self.validate_certs, follow_redirects="none")
            return response.getcode(), dict(response.headers or {}), response.read()
        except HTTPError as exc:
            try:
                body = exc.read()
            except Exception:  # an unreadable error body must not hide the status
                body = b""
            return exc.code, dict(exc.headers or {}), body
        except (URLError, OSError, ValueError) as exc:
            return None, {}, str(getattr(exc, "reason", exc))

    @staticmethod
    def _decode(body):
        if body in (None, b"", ""):
            return None
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        try:
            return json.loads(body)
        except ValueError:
            return body

    def request(self, method, path, query=None, body=None):
        """Send one call (with retries); return the decoded JSON body (None when empty)."""
        url = build_url(self.api_url, path, query)
        data = json.dumps(body) if body is not None else None
        attempt = 0
        while True:
            self.requests += 1
            status, headers, raw = self._send(method, url, data)
            retryable = status is None or status in RETRY_STATUSES
            if retryable and attempt < self.max_retries:
                lowered = dict((str(k).lower(), v) for k, v in headers.items())
                delay = retry_delay(attempt, parse_retry_after(lowered.get("retry-after")))
                self.retries.append(dict(method=method, path=path, status=status,
                                         delay=round(delay, 3)))
                self.sleep(delay)
                attempt += 1
                continue
            if status is None:
                raise ConfluentCloudError(
                    "Could not reach Confluent Cloud at %s for %s %s after %d attempts: %s. "
                    "Check api_url, network access and proxies." % (
                        self.api_url, method, path, attempt + 1, raw))
            payload = self._decode(raw)
            if status >= 400:
                raise ConfluentCloudError(
                    describe_http_error(status, method, path, payload, attempt + 1),
                    status=status, payload=payload)
            return payload

    def get(self, path, query=None):
        """GET one object; None when it does not exist (404)."""
        try:
            return self.request("GET", path, query)
        except ConfluentCloudError as exc:
            if exc.status == 404:
                return None
            raise

    def list(self, path, query=None, page_size=PAGE_SIZE):
        """Every item of a paginated collection, following ``metadata.next`` page tokens."""
        items = []
        seen = set()
        token = None
        while True:
            params = dict(query or {})
            params["page_size"] = page_size
            if token:
                params["page_token"] = token
            payload = self.request("GET", path, params) or {}
            items.extend(payload.get("data") or [])
            token = page_token_from((payload.get("metadata") or {}).get("next"))
            if not token or token in seen:
                return items
            seen.add(token)

    # ---- resources -----------------------------------------------------------------------

    def list_environments(self):
        return self.list("/org/v2/environments")

    def get_environment(self, env_id):
        return self.get("/org/v2/environments/" + quote_id(env_id))

    def list_clusters(self, env_id):
        return self.list("/cmk/v2/clusters", {"environment": env_id})

    def get_cluster(self, cluster_id, env_id):
        return self.get("/cmk/v2/clusters/" + quote_id(cluster_id), {"environment": env_id})

    def list_service_accounts(self, display_name=None):
        query = {"display_name": [display_name]} if display_name else None
        return self.list("/iam/v2/service-accounts", query)

    def get_service_account(self, sa_id):
        return self.get("/iam/v2/service-accounts/" + quote_id(sa_id))

    def list_api_keys(self, owner=None, resource=None):
        query = {}
        if owner:
            query["spec.owner"] = owner
        if resource:
            query["spec.resource"] = resource
        return self.list("/iam/v2/api-keys", query)

    def get_api_key(self, key_id):
        return self.get("/iam/v2/api-keys/" + quote_id(key_id))


# --------------------------------------------------------------------------------------------
# Lookups (pure over lists)
# --------------------------------------------------------------------------------------------

ENV_ID_RE = re.compile(r"^env-[A-Za-z0-9]+$")
CLUSTER_ID_RE = re.compile(r"^lkc-[A-Za-z0-9]+$")


def display_name(item):
    """Display name of an API object: top level (environments, accounts) or in ``spec``."""
    if "display_name" in item:
        return item.get("display_name")
    return (item.get("spec") or {}).get("display_name")


def pick_by_name(items, name, what):
    """The one item whose display name is ``name``; None if none; error if several."""
    matches = [item for item in items if display_name(item) == name]
    if len(matches) > 1:
        raise ConfluentCloudError(
            "%d %ss are named %r (%s); name is ambiguous, give the id instead." % (
                len(matches), what, name, ", ".join(sorted(m.get("id", "?") for m in matches))))
    return matches[0] if matches else None


def find_environment(client, ref):
    """Environment by id (env-...) or display name; None when there is none."""
    if not ref:
        return None
    if ENV_ID_RE.match(ref):
        env = client.get_environment(ref)
        if env is not None:
            return env
    return pick_by_name(client.list_environments(), ref, "environment")


def require_environment(client, ref):
    env = find_environment(client, ref)
    if env is None:
        raise ConfluentCloudError(
            "Environment %r not found (looked for an id and a display name). Create it with "
            "specweave.kafka.confluent_environment or check the name." % ref)
    return env


# --------------------------------------------------------------------------------------------
# Environments
# --------------------------------------------------------------------------------------------

def environment_view(env):
    """The user-facing shape of an org v2 Environment."""
    if env is None:
        return {}
    governance = env.get("stream_governance_config") or {}
    return dict(id=env.get("id"), name=env.get("display_name"),
                stream_governance=governance.get("package"),
                resource_name=(env.get("metadata") or {}).get("resource_name"),
                created_at=(env.get("metadata") or {}).get("created_at"))


def environment_changes(current_view, name, stream_governance):
    """Fields to PATCH on an environment, as {field: (before, after)}; errors raised."""
    changes = {}
    if name is not None and current_view.get("name") != name:
        changes["name"] = (current_view.get("name"), name)
    if stream_governance and current_view.get("stream_governance") != stream_governance:
        if current_view.get("stream_governance") == "ADVANCED":
            raise ConfluentCloudError(
                "Environment %s has the ADVANCED Stream Governance package; Confluent Cloud "
                "does not downgrade it to %s." % (current_view.get("id"), stream_governance))
        changes["stream_governance"] = (current_view.get("stream_governance"), stream_governance)
    return changes


def environment_body(name=None, stream_governance=None):
    body = {}
    if name is not None:
        body["display_name"] = name
    if stream_governance:
        body["stream_governance_config"] = {"package": stream_governance}
    return body


# --------------------------------------------------------------------------------------------
# Clusters
# --------------------------------------------------------------------------------------------

def strip_scheme(endpoint):
    """``SASL_SSL://host:9092`` -> ``host:9092``."""
    if not endpoint:
        return endpoint
    return endpoint.split("://", 1)[1] if "://" in endpoint else endpoint


def cluster_endpoints(cluster):
    """(bootstrap, rest) endpoints of a cmk v2 Cluster: PUBLIC access point first."""
    spec = (cluster or {}).get("spec") or {}
    bootstrap = spec.get("kafka_bootstrap_endpoint")
    rest = spec.get("http_endpoint")
    endpoints = spec.get("endpoints") or {}
    chosen = endpoints.get("PUBLIC")
    if chosen is None and endpoints:
        chosen = endpoints[sorted(endpoints)[0]]
    if chosen:
        bootstrap = chosen.get("kafka_bootstrap_endpoint") or bootstrap
        rest = chosen.get("http_endpoint") or rest
    return bootstrap, rest


def cluster_view(cluster):
    """The user-facing shape of a cmk v2 Cluster."""
    if not cluster:
        return {}
    spec = cluster.get("spec") or {}
    config = spec.get("config") or {}
    status = cluster.get("status") or {}
    bootstrap, rest = cluster_endpoints(cluster)
    view = dict(
        id=cluster.get("id"),
        name=spec.get("display_name"),
        environment=(spec.get("environment") or {}).get("id"),
        cluster_type=config.get("kind"),
        cloud=spec.get("cloud"),
        region=spec.get("region"),
        availability=spec.get("availability"),
        cku=config.get("cku"),
        max_ecku=config.get("max_ecku"),
        deletion_protection=bool(spec.get("deletion_protection", False)),
        phase=status.get("phase"),
        bootstrap_endpoint=bootstrap,
        bootstrap_servers=strip_scheme(bootstrap),
        rest_endpoint=rest,
        endpoints=spec.get("endpoints") or {},
        resource_name=(cluster.get("metadata") or {}).get("resource_name"),
    )
    if status.get("cku") is not None:
        view["current_cku"] = status.get("cku")
    return view


def validate_cluster_params(params):
    """Problems with the cluster options (empty list when fine)."""
    problems = []
    kind = params.get("cluster_type")
    if params.get("cku") is not None and params["cku"] < 1:
        problems.append("cku must be at least 1")
    if params.get("max_ecku") is not None and params["max_ecku"] < 1:
        problems.append("max_ecku must be at least 1")
    if kind == "Dedicated":
        if params.get("max_ecku") is not None:
            problems.append("max_ecku applies to Basic, Standard, Enterprise and Freight "
                            "clusters; Dedicated clusters are sized with cku")
        availability = params.get("availability")
        if availability in MULTI_ZONE_AVAILABILITIES and params.get("cku") is not None \
                and params["cku"] < 2:
            problems.append("a %s Dedicated cluster needs at least 2 CKUs (cku: %s)"
                            % (availability, params["cku"]))
    elif kind is not None and params.get("cku") is not None:
        problems.append("cku applies to Dedicated clusters only; use max_ecku to cap the "
                        "eCKUs of a %s cluster" % kind)
    if kind in ("Standard", "Enterprise", "Freight") and params.get("availability") == "HIGH" \
            and params.get("max_ecku") is not None and params["max_ecku"] < 2:
        problems.append("clusters with HIGH availability need max_ecku of at least 2")
    if kind == "Basic" and params.get("availability") in MULTI_ZONE_AVAILABILITIES:
        problems.append("Basic clusters are single zone only (availability SINGLE_ZONE or LOW)")
    return problems


def cluster_config(kind, cku=None, max_ecku=None, zones=None):
    config = {"kind": kind}
    if kind == "Dedicated":
        if cku is not None:
            config["cku"] = cku
        if zones:
            config["zones"] = list(zones)
    elif max_ecku is not None:
        config["max_ecku"] = max_ecku
    return config


def cluster_create_body(params, env_id):
    """POST /cmk/v2/clusters body from the module options."""
    spec = dict(
        display_name=params["name"],
        availability=params["availability"],
        cloud=params["cloud"],
        region=params["region"],
        config=cluster_config(params["cluster_type"], params.get("cku"), params.get("max_ecku"),
                              params.get("zones")),
        environment={"id": env_id},
    )
    if params.get("deletion_protection") is not None:
        spec["deletion_protection"] = params["deletion_protection"]
    if params.get("network"):
        spec["network"] = {"id": params["network"], "environment": env_id}
    return {"spec": spec}


def cluster_refusals(current, params):
    """Changes the cmk v2 API cannot make in place, as messages (empty when none)."""
    refusals = []
    for field in ("cloud", "region", "availability"):
        wanted = params.get(field)
        if wanted is not None and current.get(field) is not None and wanted != current[field]:
            refusals.append(
                "%s cannot change in place (%s -> %s): create a new cluster and migrate to it"
                % (field, current[field], wanted))
    kind = params.get("cluster_type")
    have = current.get("cluster_type")
    if kind and have and kind != have and (have, kind) not in IN_PLACE_UPGRADES:
        if (kind, have) in IN_PLACE_UPGRADES:
            refusals.append("cluster_type cannot be downgraded from %s to %s" % (have, kind))
        else:
            refusals.append("cluster_type cannot change from %s to %s in place (only Basic -> "
                            "Standard is an in-place upgrade): create a new cluster and migrate"
                            % (have, kind))
    return refusals


def cluster_changes(current, params):
    """Updatable differences as {field: (before, after)}."""
    changes = {}
    if params.get("name") is not None and params["name"] != current.get("name"):
        changes["name"] = (current.get("name"), params["name"])
    kind = params.get("cluster_type")
    if kind and kind != current.get("cluster_type"):
        changes["cluster_type"] = (current.get("cluster_type"), kind)
    effective_kind = kind or current.get("cluster_type")
    if effective_kind == "Dedicated":
        if params.get("cku") is not None and params["cku"] != current.get("cku"):
            changes["cku"] = (current.get("cku"), params["cku"])
    elif params.get("max_ecku") is not None and params["max_ecku"] != current.get("max_ecku"):
        changes["max_ecku"] = (current.get("max_ecku"), params["max_ecku"])
    if params.get("deletion_protection") is not None and \
            bool(params["deletion_protection"]) != bool(current.get("deletion_protection")):
        changes["deletion_protection"] = (bool(current.get("deletion_protection")),
                                          params["deletion_protection"])
    return changes


def cluster_patch_body(current, changes, env_id):
    """PATCH /cmk/v2/clusters/{id} body carrying only the changed fields."""
    spec = {"environment": {"id": env_id}}
    if "name" in changes:
        spec["display_name"] = changes["name"][1]
    if {"cluster_type", "cku", "max_ecku"} & set(changes):
        kind = changes["cluster_type"][1] if "cluster_type" in changes \
            else current.get("cluster_type")
        cku = changes["cku"][1] if "cku" in changes else current.get("cku")
        max_ecku = changes["max_ecku"][1] if "max_ecku" in changes else current.get("max_ecku")
        spec["config"] = cluster_config(kind, cku, max_ecku)
    if "deletion_protection" in changes:
        spec["deletion_protection"] = changes["deletion_protection"][1]
    return {"spec": spec}


def apply_changes(view, changes):
    """The view a successful PATCH would produce (used for check mode predictions)."""
    after = dict(view)
    for field, (_before, value) in changes.items():
        after[field] = value
    return after


def predicted_cluster_view(params, env_id):
    """What a cluster created from ``params`` looks like before the API answers."""
    return dict(id=None, name=params["name"], environment=env_id,
                cluster_type=params["cluster_type"], cloud=params["cloud"],
                region=params["region"], availability=params["availability"],
                cku=params.get("cku") if params["cluster_type"] == "Dedicated" else None,
                max_ecku=params.get("max_ecku") if params["cluster_type"] != "Dedicated" else None,
                deletion_protection=bool(params.get("deletion_protection")),
                phase="PROVISIONING", bootstrap_endpoint=None, bootstrap_servers=None,
                rest_endpoint=None, endpoints={}, resource_name=None)


def wait_for_cluster(client, cluster_id, env_id, timeout, interval, clock=None, sleep=None):
    """Poll until PROVISIONED; return (cluster, phase history). Errors on FAILED/timeout/gone."""
    clock = clock or time.time
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    history = []
    while True:
        cluster = client.get_cluster(cluster_id, env_id)
        if cluster is None:
            raise ConfluentCloudError("Cluster %s disappeared while waiting for it to be "
                                      "provisioned." % cluster_id)
        phase = (cluster.get("status") or {}).get("phase")
        if not history or history[-1] != phase:
            history.append(phase)
        if phase == "PROVISIONED":
            return cluster, history
        if phase == "FAILED":
            raise ConfluentCloudError(
                "Cluster %s failed to provision (phase FAILED; phases seen: %s). Check the "
                "cluster in the Confluent Cloud console, delete it and retry."
                % (cluster_id, " -> ".join(history)))
        if clock() >= deadline:
            raise ConfluentCloudError(
                "Cluster %s is still %s after %s seconds (phases seen: %s). It keeps "
                "provisioning on Confluent's side: re-run later or raise wait_timeout."
                % (cluster_id, phase, timeout, " -> ".join(str(p) for p in history)))
        sleep(interval)


def wait_for_cluster_gone(client, cluster_id, env_id, timeout, interval, clock=None,
                          sleep=None):
    clock = clock or time.time
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    while client.get_cluster(cluster_id, env_id) is not None:
        if clock() >= deadline:
            raise ConfluentCloudError("Cluster %s still exists %s seconds after its deletion "
                                      "was accepted; re-run later." % (cluster_id, timeout))
        sleep(interval)


# --------------------------------------------------------------------------------------------
# Service accounts and API keys
# --------------------------------------------------------------------------------------------

def service_account_view(account):
    if not account:
        return {}
    return dict(id=account.get("id"), name=account.get("display_name"),
                description=account.get("description"),
                resource_name=(account.get("metadata") or {}).get("resource_name"))


def api_key_view(key, secret=None):
    """User-facing API key; ``secret`` only when given (it exists in the create response)."""
    if not key:
        return {}
    spec = key.get("spec") or {}
    resource = spec.get("resource") or {}
    view = dict(id=key.get("id"), name=spec.get("display_name"),
                description=spec.get("description"),
                owner=(spec.get("owner") or {}).get("id"),
                resource=resource.get("id"),
                environment=resource.get("environment"),
                created_at=(key.get("metadata") or {}).get("created_at"))
    if secret is not None:
        view["secret"] = secret
    return view


def api_key_create_body(owner_id, resource_id=None, env_id=None, name=None, description=None):
    spec = {"owner": {"id": owner_id}}
    if resource_id:
        resource = {"id": resource_id}
        if env_id:
            resource["environment"] = env_id
        spec["resource"] = resource
    if name is not None:
        spec["display_name"] = name
    if description is not None:
        spec["description"] = description
    return {"spec": spec}


def text_changes(current_view, wanted):
    """{field: (before, after)} for the given wanted fields that are set and differ."""
    changes = {}
    for field, value in wanted.items():
        if value is not None and current_view.get(field) != value:
            changes[field] = (current_view.get(field), value)
    return changes


# --------------------------------------------------------------------------------------------
# Module wrapper
# --------------------------------------------------------------------------------------------

class ConfluentCloudModule(object):
    """AnsibleModule + client + one clear failure message for Confluent Cloud errors."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = confluent_cloud_argument_spec()
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        problems = []
        if not self.params.get("api_key"):
            problems.append("api_key is required (or set CONFLUENT_CLOUD_API_KEY)")
        if not self.params.get("api_secret"):
            problems.append("api_secret is required (or set CONFLUENT_CLOUD_API_SECRET)")
        url = self.params.get("api_url") or ""
        if not re.match(r"^https?://[^/\s]+", url):
            problems.append("api_url must be an http(s) URL such as %s, got %r"
                            % (DEFAULT_API_URL, url))
        if self.params.get("max_retries", 0) < 0:
            problems.append("max_retries must be 0 or more")
        if problems:
            self.module.fail_json(msg="Invalid Confluent Cloud connection options: "
                                  + "; ".join(problems))
        self.client = ConfluentCloudClient(
            self.params["api_key"], self.params["api_secret"], api_url=url,
            timeout=self.params["request_timeout"], validate_certs=self.params["validate_certs"],
            max_retries=self.params["max_retries"])

    @property
    def check_mode(self):
        return self.module.check_mode

    def fail(self, exc, **result):
        if self.client.retries:
            result.setdefault("retries", self.client.retries)
        if isinstance(exc, ConfluentCloudError):
            if exc.status is not None:
                result.setdefault("status", exc.status)
            self.module.fail_json(msg=str(exc), **result)
        self.module.fail_json(msg="Unexpected error talking to Confluent Cloud: %s: %s"
                              % (type(exc).__name__, exc), exception=traceback.format_exc(),
                              **result)

    def run(self, function):
        """Call ``function(self)``; it returns the result dict. Errors end in one fail_json."""
        try:
            result = function(self)
        except ConfluentCloudError as exc:
            self.fail(exc)
        if self.client.retries:
            result["retries"] = self.client.retries
        self.module.exit_json(**result)
