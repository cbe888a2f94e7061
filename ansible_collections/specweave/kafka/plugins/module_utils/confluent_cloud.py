# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Confluent Cloud control plane: REST client, connection and the pure logic of the modules.

``confluent_cloud_argument_spec()`` is documented by the ``specweave.kafka.confluent_cloud`` doc
fragment. ``ConfluentCloudClient`` speaks the public REST API (cmk v2, org v2, iam v2, api-keys
v2) through the collection's one HTTP layer (``http.HttpClient``): Cloud API key basic auth,
pagination over ``metadata.next``, the layer's retry policy (``Retry-After``, jittered backoff
from 1 s capped at 30 s, ``max_retries``) and one clear error naming Confluent's
``errors[].detail`` (``ConfluentCloudFamily``). Every call that changes something is a named
method of the client. ``ConfluentCloudConnection`` is the family's seam on the runner; the
resources of the modules are in ``confluent_cloud_resource``. Everything else here is pure
functions, unit-tested without a server, and the waits for what the service does
asynchronously: provisioning and CKU resizes (``wait_for_cluster``), deletion
(``wait_for_cluster_gone``; a cluster being deleted keeps ``metadata.deleted_at``), lists that
show a new object late (``wait_until_listed``) and new Cloud API keys refused for a while
(``wait_until_key_authenticates``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.parse import parse_qs, quote, urlparse

from ansible_collections.specweave.kafka.plugins.module_utils.http_client import (
    HttpClient,
    HttpFamily,
    RetryPolicy,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import Connection

DEFAULT_API_URL = "https://api.confluent.cloud"
USER_AGENT = "specweave.kafka-ansible"
PAGE_SIZE = 100
# The backoff of the Confluent Cloud modules: 1 s, doubling, capped at 30 s (max_retries times).
RETRY_BASE = 1.0
RETRY_CAP = 30.0

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


def connection_problems(params):
    """What is wrong with the connection options (empty list when nothing)."""
    problems = []
    if not params.get("api_key"):
        problems.append("api_key is required (or set CONFLUENT_CLOUD_API_KEY)")
    if not params.get("api_secret"):
        problems.append("api_secret is required (or set CONFLUENT_CLOUD_API_SECRET)")
    url = params.get("api_url") or ""
    if not re.match(r"^https?://[^/\s]+", url):
        problems.append("api_url must be an http(s) URL such as %s, got %r"
                        % (DEFAULT_API_URL, url))
    if (params.get("max_retries") or 0) < 0:
        problems.append("max_retries must be 0 or more")
    return problems


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

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
    if hint is None and status >= 500 and method.upper() == "POST":
        hint = ("Confluent Cloud reported a server error. A request that creates an object is "
                "not retried (a repeat could create it twice): check whether it was created, "
                "then re-run.")
    elif hint is None and status >= 500:
        hint = ("Confluent Cloud reported a server error; gave up after %d attempts. Re-run "
                "later or raise max_retries." % attempts)
    return "%s %s" % (what, hint) if hint else what


class ConfluentCloudError(Exception):
    def __init__(self, message, status=None, payload=None):
        super(ConfluentCloudError, self).__init__(message)
        self.status = status
        self.payload = payload


class ConfluentCloudFamily(HttpFamily):
    """The Confluent Cloud messages of the HTTP layer's failures."""

    name = "Confluent Cloud"

    def __init__(self, api_url):
        self.api_url = api_url

    def error(self, failure):
        if failure.status is None:
            return ConfluentCloudError(
                "Could not reach Confluent Cloud at %s for %s %s after %d attempts: %s. "
                "Check api_url, network access and proxies." % (
                    self.api_url, failure.method, failure.path, failure.attempts,
                    failure.reason))
        if failure.status < 400:
            return ConfluentCloudError(
                "Confluent Cloud answered %s %s with HTTP %s and a body that is not JSON: %s. "
                "Check api_url." % (failure.method, failure.path, failure.status,
                                    str(failure.body)[:200]), status=failure.status)
        return ConfluentCloudError(
            describe_http_error(failure.status, failure.method, failure.path, failure.body,
                                failure.attempts),
            status=failure.status, payload=failure.body)


def retry_policy(max_retries, sleep=None, rand=None):
    """The one retry policy (http.RetryPolicy) with the backoff of the Confluent Cloud modules."""
    return RetryPolicy(retries=max_retries, base=RETRY_BASE, cap=RETRY_CAP, sleep=sleep,
                       rand=rand)


# --------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------

def page_token_from(next_url):
    """The ``page_token`` query value of a ``metadata.next`` URL, or None."""
    if not next_url:
        return None
    values = parse_qs(urlparse(next_url).query).get("page_token")
    return values[0] if values else None


def quote_id(value):
    return quote(str(value), safe="")


class ConfluentCloudClient(object):
    """REST client for api.confluent.cloud on ``http.HttpClient``.

    ``opener`` (the transport), ``sleep`` and ``rand`` (the retry policy's) are for tests.
    Reads, deletes and the PATCHes (they set absolute values) are retried on 5xx and lost
    connections; the POSTs that create an object are retried only on 429 (the server refused
    them unprocessed): after a lost answer a repeat could create a second object.
    """

    def __init__(self, api_key, api_secret, api_url=DEFAULT_API_URL, timeout=30,
                 validate_certs=True, max_retries=5, opener=None, sleep=None, rand=None):
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self.http = HttpClient(
            self.api_url, family=ConfluentCloudFamily(self.api_url),
            headers={"User-Agent": USER_AGENT}, username=api_key, password=api_secret,
            validate_certs=validate_certs, timeout=timeout, follow_redirects="none",
            retry=retry_policy(max_retries, sleep, rand), opener=opener)

    def with_credentials(self, api_key, api_secret, max_retries=0):
        """A client of the same API with other credentials (to try a new Cloud API key)."""
        return ConfluentCloudClient(api_key, api_secret, api_url=self.api_url,
                                    timeout=self.http.timeout,
                                    validate_certs=self.http.validate_certs,
                                    max_retries=max_retries)

    @property
    def retries(self):
        """(method, path, status, delay) of every retry, for the result."""
        return self.http.retried

    @property
    def requests(self):
        return self.http.requests

    def request(self, method, path, query=None, body=None, unsafe_retry=False):
        """Send one call (with retries); return the decoded JSON body (None when empty)."""
        return self.http.request(method, path, body=body, query=query, unsafe_retry=unsafe_retry)

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

    def _create(self, path, body, query=None):
        # not idempotent: retried on 429 only (see the class docstring)
        return self.request("POST", path, query, body=body)

    def _update(self, path, body, query=None):
        # every PATCH of the modules sets absolute values: repeating it is harmless
        return self.request("PATCH", path, query, body=body, unsafe_retry=True)

    def _delete(self, path, query=None):
        # idempotent: retried like a read
        return self.request("DELETE", path, query)

    # ---- environments (org v2) -----------------------------------------------------------

    def list_environments(self):
        return self.list("/org/v2/environments")

    def get_environment(self, env_id):
        return self.get("/org/v2/environments/" + quote_id(env_id))

    def create_environment(self, name, stream_governance=None):
        return self._create("/org/v2/environments", environment_body(name, stream_governance))

    def update_environment(self, env_id, name=None, stream_governance=None):
        return self._update("/org/v2/environments/" + quote_id(env_id),
                            environment_body(name, stream_governance))

    def delete_environment(self, env_id):
        return self._delete("/org/v2/environments/" + quote_id(env_id))

    # ---- clusters (cmk v2) ---------------------------------------------------------------

    def list_clusters(self, env_id):
        return self.list("/cmk/v2/clusters", {"environment": env_id})

    def get_cluster(self, cluster_id, env_id):
        return self.get("/cmk/v2/clusters/" + quote_id(cluster_id), {"environment": env_id})

    def create_cluster(self, body):
        return self._create("/cmk/v2/clusters", body)

    def update_cluster(self, cluster_id, body):
        return self._update("/cmk/v2/clusters/" + quote_id(cluster_id), body)

    def delete_cluster(self, cluster_id, env_id):
        return self._delete("/cmk/v2/clusters/" + quote_id(cluster_id), {"environment": env_id})

    # ---- service accounts (iam v2) -------------------------------------------------------

    def list_service_accounts(self, display_name=None):
        query = {"display_name": [display_name]} if display_name else None
        return self.list("/iam/v2/service-accounts", query)

    def get_service_account(self, sa_id):
        return self.get("/iam/v2/service-accounts/" + quote_id(sa_id))

    def create_service_account(self, name, description=None):
        body = {"display_name": name}
        if description is not None:
            body["description"] = description
        return self._create("/iam/v2/service-accounts", body)

    def update_service_account(self, sa_id, description):
        return self._update("/iam/v2/service-accounts/" + quote_id(sa_id),
                            {"description": description})

    def delete_service_account(self, sa_id):
        return self._delete("/iam/v2/service-accounts/" + quote_id(sa_id))

    # ---- API keys (iam v2) ---------------------------------------------------------------

    def list_api_keys(self, owner=None, resource=None):
        query = {}
        if owner:
            query["spec.owner"] = owner
        if resource:
            query["spec.resource"] = resource
        return self.list("/iam/v2/api-keys", query)

    def get_api_key(self, key_id):
        return self.get("/iam/v2/api-keys/" + quote_id(key_id))

    def create_api_key(self, body):
        return self._create("/iam/v2/api-keys", body)

    def update_api_key(self, key_id, name=None, description=None):
        spec = {}
        if name is not None:
            spec["display_name"] = name
        if description is not None:
            spec["description"] = description
        return self._update("/iam/v2/api-keys/" + quote_id(key_id), {"spec": spec})

    def delete_api_key(self, key_id):
        return self._delete("/iam/v2/api-keys/" + quote_id(key_id))


class ConfluentCloudConnection(Connection):
    """The Confluent Cloud family on the runner: options, checks, client, messages, retries."""

    def argument_spec(self):
        return confluent_cloud_argument_spec()

    def check(self, module):
        problems = connection_problems(module.params)
        if problems:
            module.fail_json(msg="Invalid Confluent Cloud connection options: "
                             + "; ".join(problems))

    def open(self, ctx):
        params = ctx.params
        return ConfluentCloudClient(
            params["api_key"], params["api_secret"], api_url=params["api_url"],
            timeout=params["request_timeout"], validate_certs=params["validate_certs"],
            max_retries=params["max_retries"])

    def describe(self, exc, step):
        if isinstance(exc, ConfluentCloudError):
            return str(exc)
        return None

    def result_extras(self, client):
        return {"retries": client.retries} if client.retries else {}


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
    view["resizing"] = cluster_resizing(cluster)
    view["deleting"] = cluster_deleting(cluster)
    view["deleted_at"] = (cluster.get("metadata") or {}).get("deleted_at")
    return view


def cluster_deleting(cluster):
    """True when Confluent Cloud accepted the cluster's deletion and it is still visible.

    Deletion is asynchronous: the cluster stays readable and listed a while, with
    ``metadata.deleted_at`` set ("the date and time at which this object was (or will be)
    deleted", in the cmk v2 spec).
    """
    return bool(((cluster or {}).get("metadata") or {}).get("deleted_at"))


def cluster_resizing(cluster):
    """True while a Dedicated cluster's CKUs in effect (``status.cku``) differ from its spec."""
    config = ((cluster or {}).get("spec") or {}).get("config") or {}
    status = (cluster or {}).get("status") or {}
    return config.get("kind") == "Dedicated" and status.get("cku") is not None \
        and config.get("cku") is not None and status["cku"] != config["cku"]


def failed_cluster_message(view):
    """What an operator reads about a cluster whose provisioning FAILED."""
    return ("Cluster %s (%s) in environment %s is FAILED: Confluent Cloud could not provision it "
            "and does not retry. Delete it (state: absent) and create it again; if it fails "
            "again, contact Confluent support with the cluster id."
            % (view.get("id"), view.get("name"), view.get("environment")))


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
                rest_endpoint=None, endpoints={}, resource_name=None, resizing=False,
                deleting=False, deleted_at=None)


def wait_for_cluster(client, cluster_id, env_id, timeout, interval, clock=None, sleep=None):
    """Poll until the cluster is PROVISIONED with its CKUs in effect; return (cluster, phase
    history). Errors on FAILED, on timeout, and when it is gone or being deleted."""
    clock = clock or time.time
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    history = []
    while True:
        cluster = client.get_cluster(cluster_id, env_id)
        if cluster is None or cluster_deleting(cluster):
            raise ConfluentCloudError("Cluster %s was deleted while waiting for it to be "
                                      "provisioned." % cluster_id)
        phase = (cluster.get("status") or {}).get("phase")
        if not history or history[-1] != phase:
            history.append(phase)
        if phase == "PROVISIONED" and not cluster_resizing(cluster):
            return cluster, history
        if phase == "FAILED":
            raise ConfluentCloudError(failed_cluster_message(cluster_view(cluster)))
        if clock() >= deadline:
            if phase == "PROVISIONED":  # a resize
                view = cluster_view(cluster)
                raise ConfluentCloudError(
                    "Cluster %s is still resizing from %s to %s CKUs after %s seconds. The "
                    "resize goes on on Confluent's side: re-run later (nothing more is sent "
                    "while it resizes) or raise wait_timeout."
                    % (cluster_id, view.get("current_cku"), view.get("cku"), timeout))
            raise ConfluentCloudError(
                "Cluster %s is still %s after %s seconds (phases seen: %s). It keeps "
                "provisioning on Confluent's side: re-run later or raise wait_timeout."
                % (cluster_id, phase, timeout, " -> ".join(str(p) for p in history)))
        sleep(interval)


def wait_for_cluster_gone(client, cluster_id, env_id, timeout, interval, clock=None,
                          sleep=None):
    """Poll until the cluster whose deletion was accepted answers 404."""
    clock = clock or time.time
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    while client.get_cluster(cluster_id, env_id) is not None:
        if clock() >= deadline:
            raise ConfluentCloudError(
                "Cluster %s is still being deleted %s seconds after Confluent Cloud accepted "
                "its deletion. It goes on its own: re-run later (a re-run sends no second "
                "delete and waits again) or raise wait_timeout." % (cluster_id, timeout))
        sleep(interval)


def wait_until_listed(list_items, obj_id, timeout, interval, what, clock=None, sleep=None):
    """Poll ``list_items()`` until an item has id ``obj_id``.

    Confluent Cloud's lists are eventually consistent: a new object may be missing from them
    for a moment although a read by id finds it. The modules find objects by name through the
    lists, so a run that ended before its new object is listed could let the next run create
    it a second time.
    """
    clock = clock or time.time
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    while not any(item.get("id") == obj_id for item in list_items()):
        if clock() >= deadline:
            raise ConfluentCloudError(
                "The new %s %s was created, but Confluent Cloud still does not list it after "
                "%s seconds. Do not re-run the task before it is listed (a run that does not "
                "find it by name would create a second one); check it with the _info module, "
                "or raise wait_timeout." % (what, obj_id, timeout))
        sleep(interval)


def wait_until_key_authenticates(probe, key_id, timeout, interval, clock=None, sleep=None):
    """Poll the Cloud API with a client (``probe``) that uses a new Cloud API key until the key
    is accepted; return the attempts.

    A new key takes a while to spread through Confluent Cloud: until then it is refused with
    HTTP 401. Any other answer (200, or 403 for a key whose owner has no role yet) means the
    key authenticates.
    """
    clock = clock or time.time
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    attempts = 0
    while True:
        attempts += 1
        try:
            probe.request("GET", "/org/v2/environments", {"page_size": 1})
            return attempts
        except ConfluentCloudError as exc:
            if exc.status == 403:
                return attempts
            if exc.status != 401:
                raise
        if clock() >= deadline:
            raise ConfluentCloudError(
                "Confluent Cloud still refuses the new API key %s (HTTP 401) after %s seconds "
                "and %d attempts. New keys usually work within minutes: use it later, or raise "
                "wait_timeout." % (key_id, timeout, attempts), status=401)
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


OWNER_ID_PREFIXES = ("sa-", "u-", "pool-")


def resolve_owner(client, owner):
    """The id of an API key's owner given as an id or as a service account's display name."""
    if owner.startswith(OWNER_ID_PREFIXES):
        return owner
    account = pick_by_name(client.list_service_accounts(owner), owner, "service account")
    if account is None:
        raise ConfluentCloudError("owner %r is neither an id (sa-..., u-...) nor the name of a "
                                  "service account." % owner)
    return account["id"]


def resolve_resource(client, resource, environment):
    """(resource id or None for Cloud keys, environment id or None)."""
    if resource.lower() == "cloud":
        return None, None
    env_id = require_environment(client, environment)["id"] if environment else None
    if CLUSTER_ID_RE.match(resource):
        return resource, env_id
    if env_id is None:
        raise ConfluentCloudError("resource %r is a cluster name; give its environment too (or "
                                  "the cluster id lkc-...)." % resource)
    cluster = pick_by_name(client.list_clusters(env_id), resource, "cluster")
    if cluster is None:
        raise ConfluentCloudError("No cluster named %r in environment %s." % (resource, env_id))
    return cluster["id"], env_id


def find_api_key(client, owner_id, resource_id, name):
    """The key named ``name`` of an owner on a cluster (or a Cloud key when no resource)."""
    keys = client.list_api_keys(owner=owner_id, resource=resource_id)
    if resource_id is None:
        keys = [k for k in keys
                if ((k.get("spec") or {}).get("resource") or {}).get("id") in (None, "cloud")]
    return pick_by_name(keys, name, "API key")
