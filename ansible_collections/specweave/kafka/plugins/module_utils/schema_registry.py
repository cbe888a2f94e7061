# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Confluent Schema Registry REST client and the desired-state logic of the schema modules.

Speaks the Confluent Schema Registry API (Confluent Platform, Confluent Cloud, Karapace,
Redpanda, Apicurio's ``/apis/ccompat/v7``) through the collection's one HTTP layer
(``module_utils.http_client``: reused opener, retries with jittered backoff on 429/5xx and lost
connections, TLS options), with one clear message for 401/403/404/409/422 and for TLS
refusals. The planning functions are pure and unit-tested without a registry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.parse import quote
from ansible.module_utils.urls import SSLValidationError
from ansible_collections.specweave.kafka.plugins.module_utils.http_client import (
    HttpClient,
    HttpFamily,
    RetryPolicy,
    decode_json,
    tls_dropped,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    Connection,
    ModuleFailure,
)

SCHEMA_TYPES = ["AVRO", "PROTOBUF", "JSON"]
COMPATIBILITY_LEVELS = ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
                        "FULL", "FULL_TRANSITIVE", "NONE"]
# ``compatibility: GLOBAL`` removes the subject-level setting so the global default applies.
UNSET_COMPATIBILITY = "GLOBAL"
CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
ACCEPT = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json"

# Confluent error codes
SUBJECT_NOT_FOUND = 40401
VERSION_NOT_FOUND = 40402
SCHEMA_NOT_FOUND = 40403
SUBJECT_SOFT_DELETED = 40404
SUBJECT_NOT_SOFT_DELETED = 40405
SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408


def schema_registry_argument_spec():
    """Connection options shared by the Schema Registry modules (doc fragment ``schema_registry``)."""
    return dict(
        url=dict(type="str", required=True, fallback=(env_fallback, ["SCHEMA_REGISTRY_URL"])),
        username=dict(type="str", aliases=["api_key"],
                      fallback=(env_fallback, ["SCHEMA_REGISTRY_USERNAME"])),
        password=dict(type="str", no_log=True, aliases=["api_secret"],
                      fallback=(env_fallback, ["SCHEMA_REGISTRY_PASSWORD"])),
        token=dict(type="str", no_log=True, fallback=(env_fallback, ["SCHEMA_REGISTRY_TOKEN"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["SCHEMA_REGISTRY_CA_PATH"])),
        client_cert=dict(type="path", fallback=(env_fallback, ["SCHEMA_REGISTRY_CLIENT_CERT"])),
        client_key=dict(type="path", fallback=(env_fallback, ["SCHEMA_REGISTRY_CLIENT_KEY"])),
        validate_certs=dict(type="bool", default=True,
                            fallback=(env_fallback, ["SCHEMA_REGISTRY_VALIDATE_CERTS"])),
        timeout=dict(type="int", default=30, fallback=(env_fallback, ["SCHEMA_REGISTRY_TIMEOUT"])),
        retries=dict(type="int", default=3, fallback=(env_fallback, ["SCHEMA_REGISTRY_RETRIES"])),
    )


SCHEMA_REGISTRY_MUTUALLY_EXCLUSIVE = [("token", "username")]
SCHEMA_REGISTRY_REQUIRED_TOGETHER = [("username", "password"), ("client_cert", "client_key")]


class SchemaRegistryError(Exception):
    """A failed registry call, with the HTTP status and Confluent error code when there is one."""

    def __init__(self, message, status=None, error_code=None, registry_message=None):
        super(SchemaRegistryError, self).__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.registry_message = registry_message


class SchemaRegistryConnection(Connection):
    """The Schema Registry family for the runner: its options, one client per task."""

    module_kwargs = dict(mutually_exclusive=SCHEMA_REGISTRY_MUTUALLY_EXCLUSIVE,
                         required_together=SCHEMA_REGISTRY_REQUIRED_TOGETHER)

    def argument_spec(self):
        return schema_registry_argument_spec()

    def open(self, ctx):
        return SchemaRegistryClient.from_params(ctx.params)

    def describe(self, exc, step):
        if isinstance(exc, SchemaRegistryError):
            return exc.message
        return None


def registry_failure(exc, prefix="", **result):
    """The ``ModuleFailure`` of a registry error: its message, HTTP status and error code."""
    return ModuleFailure(prefix + exc.message, status=exc.status, error_code=exc.error_code,
                         **result)


@contextlib.contextmanager
def registry_step(ctx, name, prefix="", **result):
    """``ctx.step(name)`` that keeps a registry error's ``status`` and ``error_code`` in the
    failed result (``Connection.describe`` gives the message alone)."""
    with ctx.step(name, **result):
        try:
            yield
        except SchemaRegistryError as exc:
            raise registry_failure(exc, prefix, **result)


def is_apicurio(url):
    """Apicurio serves the Confluent API under /apis/ccompat/v6 or /v7."""
    return "/apis/ccompat/" in (url or "")


def error_fields(body):
    """Return (error_code, message) from a decoded registry error body (JSON value or text)."""
    if body is None:
        return None, ""
    if isinstance(body, dict):
        code = body.get("error_code")
        message = body.get("message") or body.get("detail") or body.get("title") or ""
        return code, str(message)
    if isinstance(body, str):
        return None, body.strip()[:500]
    return None, str(body)[:500]


def parse_error_body(raw):
    """Return (error_code, message) from a raw registry error body (JSON or text)."""
    return error_fields(decode_json(raw)[0])


def error_message(method, url, status, error_code, registry_message):
    """One clear sentence per failure class, naming what failed and how to fix it."""
    what = "%s %s" % (method, url)
    detail = registry_message or "no details"
    if status == 401:
        return ("Schema Registry rejected the credentials (HTTP 401) for %s: %s. Check username/"
                "password (Confluent Cloud: the Schema Registry API key and secret) or token." % (what, detail))
    if status == 403:
        return ("Schema Registry denied access (HTTP 403) for %s: %s. The credentials are valid but "
                "lack permission for this operation; grant the role or use another key." % (what, detail))
    if status == 404:
        return ("Schema Registry returned not found (HTTP 404, error code %s) for %s: %s. Check the "
                "subject/version and that url is the API root (Apicurio: .../apis/ccompat/v7)."
                % (error_code, what, detail))
    if status == 409:
        return ("Schema Registry refused the schema as incompatible (HTTP 409) for %s: %s"
                % (what, detail))
    if status == 422:
        return ("Schema Registry rejected the request as invalid (HTTP 422, error code %s) for %s: %s. "
                "Fix the schema, its schema_type or its references." % (error_code, what, detail))
    return "Schema Registry call failed (HTTP %s, error code %s) for %s: %s" % (
        status, error_code, what, detail)


class SchemaRegistryFamily(HttpFamily):
    """The registry's hooks on the shared HTTP layer: its messages and one retry veto."""

    name = "Schema Registry"

    def __init__(self, base_url):
        self.base_url = base_url

    def error(self, failure):
        method, url, exc = failure.method, failure.url, failure.exc
        if failure.status is None:
            if isinstance(exc, SSLValidationError):
                return SchemaRegistryError(
                    "TLS validation failed for %s: %s. Set ca_path to the CA that signed the "
                    "registry's certificate (or validate_certs=false for tests only)." % (url, exc))
            if failure.tls == "files":
                return SchemaRegistryError(
                    "Cannot load the TLS files (ca_path=%s, client_cert=%s, client_key=%s): %s. "
                    "Check that they exist, are readable PEM files and that the key matches the "
                    "certificate." % (exc.ca_path, exc.client_cert, exc.client_key, exc.reason))
            if failure.tls is not None:  # deterministic: the layer does not retry it
                return SchemaRegistryError(tls_message(failure.tls, self.base_url, method, url, exc))
            return SchemaRegistryError("Cannot reach Schema Registry at %s (%s %s): %s. %s"
                                       % (self.base_url, method, url, failure.reason,
                                          unreachable_hint(url, exc)))
        if failure.status < 300:
            return SchemaRegistryError("Schema Registry answered %s %s with a body that is not "
                                       "JSON; check that url is the API root (Apicurio: "
                                       ".../apis/ccompat/v7)." % (method, url))
        code, message = error_fields(failure.body)
        return SchemaRegistryError(error_message(method, url, failure.status, code, message),
                                   status=failure.status, error_code=code, registry_message=message)

    def retryable(self, failure):
        # Apicurio answers some validation errors with HTTP 500; retrying them cannot help.
        if failure.status is not None and failure.status >= 500:
            text = error_fields(failure.body)[1].lower()
            if "no such artifact type" in text or "illegal compatibility level" in text:
                return False
        return None


def retry_policy(retries=3, sleep=None, rand=None):
    """The registry's settings of the one retry policy: backoff from 0.5 s doubling up to 10 s
    (with jitter), and a ``Retry-After`` honoured up to 10 s as well, so a busy registry does
    not hold a task for minutes."""
    return RetryPolicy(retries=retries, base=0.5, cap=10.0, max_retry_after=10.0, sleep=sleep,
                       rand=rand)


class SchemaRegistryClient(object):
    """Confluent Schema Registry API client on the shared HTTP layer (``http.HttpClient``).

    The layer gives one urllib opener built on first use and reused by every request (the
    threads of a converge share it), the one retry policy and the TLS options; this class adds
    the registry's media types, its messages (``SchemaRegistryFamily``) and the API calls.
    ``opener``, ``sleep`` and ``rand`` are for tests (transport, waits, jitter).
    """

    def __init__(self, url, username=None, password=None, token=None, ca_path=None,
                 client_cert=None, client_key=None, validate_certs=True, timeout=30, retries=3,
                 opener=None, sleep=None, rand=None):
        self.url = url.rstrip("/")
        self.http = HttpClient(
            self.url, family=SchemaRegistryFamily(self.url), headers={"Accept": ACCEPT},
            username=username, password=password, token=token, ca_path=ca_path,
            client_cert=client_cert, client_key=client_key, validate_certs=validate_certs,
            timeout=timeout, retry=retry_policy(retries, sleep, rand), opener=opener)

    @property
    def requests(self):
        return self.http.requests

    @classmethod
    def from_params(cls, params):
        return cls(params["url"], username=params.get("username"), password=params.get("password"),
                   token=params.get("token"), ca_path=params.get("ca_path"),
                   client_cert=params.get("client_cert"), client_key=params.get("client_key"),
                   validate_certs=params.get("validate_certs", True),
                   timeout=params.get("timeout") or 30, retries=params.get("retries", 3))

    def request(self, method, path, body=None, params=None, absolute_url=None, unsafe_retry=False):
        """Return the parsed JSON body; raise SchemaRegistryError with a clear message."""
        return self.http.request(method, path, body=body, query=params, absolute_url=absolute_url,
                                 headers={"Content-Type": CONTENT_TYPE} if body is not None else None,
                                 unsafe_retry=unsafe_retry)

    # -- API calls -------------------------------------------------------------------------
    def subjects(self, deleted=False):
        return self.request("GET", "/subjects", params={"deleted": True} if deleted else None) or []

    def versions(self, subject, deleted=False):
        try:
            return self.request("GET", "/subjects/%s/versions" % q(subject),
                                params={"deleted": True} if deleted else None) or []
        except SchemaRegistryError as exc:
            if exc.error_code == SUBJECT_NOT_FOUND or (exc.status == 404 and exc.error_code is None):
                return []
            raise

    def version(self, subject, version="latest"):
        return self.request("GET", "/subjects/%s/versions/%s" % (q(subject), version))

    def latest_version(self, subject):
        """The latest live version of ``subject``, or None when it has none."""
        try:
            return self.version(subject, "latest")
        except SchemaRegistryError as exc:
            if exc.status == 404:
                return None
            raise

    def lookup(self, subject, payload, normalize=False):
        """The registered version equal to ``payload`` by the registry's own comparison, or None."""
        return self.lookup_subject(subject, payload, normalize)[0]

    def lookup_subject(self, subject, payload, normalize=False):
        """(matching version info or None, whether the subject has live versions)."""
        try:
            # a lookup changes nothing: safe to repeat
            return self.request("POST", "/subjects/%s" % q(subject), body=payload,
                                params={"normalize": True} if normalize else None,
                                unsafe_retry=True), True
        except SchemaRegistryError as exc:
            if exc.error_code == SUBJECT_NOT_FOUND:
                return None, False
            if exc.error_code == SCHEMA_NOT_FOUND:
                return None, True
            raise

    def register(self, subject, payload, normalize=False):
        # safe to repeat: the registry de-duplicates an identical schema (same id and version)
        return self.request("POST", "/subjects/%s/versions" % q(subject), body=payload,
                            params={"normalize": True} if normalize else None, unsafe_retry=True)

    def check_compatibility(self, subject, payload, normalize=False):
        """(is_compatible, messages) against the latest version; a subject without versions is compatible."""
        try:
            # a check changes nothing: safe to repeat
            data = self.request("POST", "/compatibility/subjects/%s/versions/latest" % q(subject),
                                body=payload, params={"verbose": True, "normalize": True if normalize else None},
                                unsafe_retry=True)
        except SchemaRegistryError as exc:
            if exc.error_code in (SUBJECT_NOT_FOUND, VERSION_NOT_FOUND):
                return True, []
            raise
        data = data or {}
        return bool(data.get("is_compatible")), list(data.get("messages") or [])

    def delete_subject(self, subject, permanent=False):
        return self.request("DELETE", "/subjects/%s" % q(subject),
                            params={"permanent": True} if permanent else None)

    def global_compatibility(self):
        data = self.request("GET", "/config") or {}
        return data.get("compatibilityLevel") or data.get("compatibility")

    def set_global_compatibility(self, level):
        return self.request("PUT", "/config", body={"compatibility": level})

    def subject_compatibility(self, subject):
        """The subject-level compatibility, or None when the subject follows the global default.

        Apicurio's ``GET /config/{subject}`` answers NONE for a subject without its own rule, so
        for Apicurio the subject's COMPATIBILITY rule is read from its native v3 API instead.
        """
        if is_apicurio(self.url):
            root = self.url.split("/apis/ccompat/")[0]
            try:
                data = self.request("GET", None, absolute_url="%s/apis/registry/v3/groups/default/"
                                    "artifacts/%s/rules/COMPATIBILITY" % (root, q(subject)))
            except SchemaRegistryError as exc:
                if exc.status == 404:
                    return None
                raise
            return (data or {}).get("config")
        try:
            data = self.request("GET", "/config/%s" % q(subject))
        except SchemaRegistryError as exc:
            if exc.error_code in (SUBJECT_NOT_FOUND, SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED) \
                    or exc.status == 404:
                return None
            raise
        data = data or {}
        return data.get("compatibilityLevel") or data.get("compatibility")

    def set_subject_compatibility(self, subject, level):
        return self.request("PUT", "/config/%s" % q(subject), body={"compatibility": level})

    def delete_subject_compatibility(self, subject):
        try:
            return self.request("DELETE", "/config/%s" % q(subject))
        except SchemaRegistryError as exc:
            if exc.status == 404:
                return None
            raise


def unreachable_hint(url, exc):
    if tls_dropped(url, exc):
        return ("The registry closed the TLS connection without an answer, which is also what a "
                "registry (or a TLS listener in front of it) does when it refuses the client "
                "certificate: if it requires one, set client_cert and client_key (or "
                "SCHEMA_REGISTRY_CLIENT_CERT / SCHEMA_REGISTRY_CLIENT_KEY) to a certificate signed "
                "by a CA it accepts; otherwise check that the registry is running.")
    return "Check url and that the registry is running and reachable."


def tls_message(problem, base_url, method, url, exc):
    detail = getattr(exc, "reason", None) or exc
    if problem == "server":
        return ("TLS validation failed for %s (%s %s): %s. Set ca_path to the CA that signed the "
                "registry's certificate (or validate_certs=false for tests only)."
                % (base_url, method, url, detail))
    return ("Schema Registry at %s refused the TLS client certificate (%s %s): %s. It requires a "
            "client certificate it trusts: set client_cert and client_key (or "
            "SCHEMA_REGISTRY_CLIENT_CERT / SCHEMA_REGISTRY_CLIENT_KEY) to a certificate signed by "
            "a CA the registry, or the TLS listener in front of it, accepts."
            % (base_url, method, url, detail))


def q(value):
    return quote(str(value), safe="")


# -- desired state --------------------------------------------------------------------------

def load_schema_text(item, read_file=None):
    """The schema as the string the registry expects, from ``schema`` (str/dict) or ``schema_file``."""
    schema = item.get("schema")
    path = item.get("schema_file")
    subject = item.get("subject")
    if schema is not None and path:
        raise ValueError("subject %s: set either schema or schema_file, not both" % subject)
    if path:
        reader = read_file or _read_file
        try:
            schema = reader(path)
        except (IOError, OSError) as exc:
            raise ValueError("subject %s: cannot read schema_file %s: %s" % (subject, path, exc))
    if schema is None:
        raise ValueError("subject %s: state=present needs schema or schema_file" % subject)
    schema_type = item.get("schema_type") or "AVRO"
    if isinstance(schema, (dict, list)):
        if schema_type == "PROTOBUF":
            raise ValueError("subject %s: a PROTOBUF schema is .proto text, not a mapping" % subject)
        return json.dumps(schema, separators=(",", ":"))
    schema = str(schema)
    if not schema.strip():
        raise ValueError("subject %s: the schema is empty" % subject)
    if schema_type in ("AVRO", "JSON"):
        try:
            json.loads(schema)
        except ValueError as exc:
            raise ValueError("subject %s: the %s schema is not valid JSON (%s); an Avro or JSON "
                             "Schema must be a JSON document" % (subject, schema_type, exc))
    return schema


def _read_file(path):
    with open(path, "r") as handle:
        return handle.read()


def normalize_references(references, subject=None):
    """Validate and order ``references`` as the registry stores them (name, subject, version)."""
    result = []
    for ref in references or []:
        missing = [key for key in ("name", "subject", "version") if ref.get(key) in (None, "")]
        if missing:
            raise ValueError("subject %s: every reference needs name, subject and version (missing %s)"
                             % (subject, ", ".join(missing)))
        try:
            version = int(ref["version"])
        except (TypeError, ValueError):
            raise ValueError("subject %s: reference %s has version %r; use a version number (-1 "
                             "for latest)" % (subject, ref["name"], ref["version"]))
        result.append({"name": str(ref["name"]), "subject": str(ref["subject"]), "version": version})
    return result


def build_payload(schema_text, schema_type, references):
    payload = {"schema": schema_text, "schemaType": schema_type or "AVRO"}
    if references:
        payload["references"] = references
    return payload


def subject_items(params, subject_keys):
    """The per-subject desired states: ``subjects`` entries inheriting top-level defaults, or ``subject``."""
    defaults = dict((key, params.get(key)) for key in subject_keys if key != "subject")
    items = []
    if params.get("subject"):
        item = dict(defaults)
        item["subject"] = params["subject"]
        items.append(item)
    for entry in params.get("subjects") or []:
        item = dict(defaults)
        item.update(dict((k, v) for k, v in entry.items() if v is not None))
        items.append(item)
    seen = set()
    duplicates = set()
    for item in items:
        name = item["subject"]
        if name in seen:
            duplicates.add(name)
        seen.add(name)
    duplicates = sorted(duplicates)
    if duplicates:
        raise ValueError("subjects listed more than once: %s" % ", ".join(duplicates))
    for item in items:
        if not item.get("subject") or not str(item["subject"]).strip():
            raise ValueError("every entry of subjects needs a non-empty subject")
    return items


def compatibility_change(current, desired):
    """None when nothing changes, else the action: ('set', level) or ('unset', None)."""
    if desired is None:
        return None
    if desired == UNSET_COMPATIBILITY:
        return ("unset", None) if current is not None else None
    if current != desired:
        return ("set", desired)
    return None


def plan_delete(subject, active, soft_deleted, permanent):
    """Which DELETE calls make ``subject`` absent: [] or ['soft'] or ['soft', 'permanent'] or ['permanent']."""
    if subject in active:
        return ["soft", "permanent"] if permanent else ["soft"]
    if permanent and subject in soft_deleted:
        return ["permanent"]
    return []


def schema_view(version_info, schema_type=None):
    """The diffable view of one registered version."""
    if not version_info:
        return None
    view = {
        "version": version_info.get("version"),
        "id": version_info.get("id"),
        "schema_type": version_info.get("schemaType") or schema_type or "AVRO",
        "schema": version_info.get("schema"),
    }
    if version_info.get("references"):
        view["references"] = version_info.get("references")
    return view


def incompatibility_message(subject, level, messages):
    text = "subject %s: the new schema is not compatible with the latest version" % subject
    if level:
        text += " under compatibility %s" % level
    if messages:
        text += ": " + "; ".join(str(m) for m in messages)
    else:
        text += " (the registry gave no details; registering it would be refused)"
    return text + ". Nothing was registered."
