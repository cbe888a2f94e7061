# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of the kafka_user module (SCRAM credentials): validation, plan, diff, the password
drift check and the ``UserResource`` the module declares on the runner.

Kafka stores, per user and mechanism, a salted password and an iteration count. It never
returns the password, so a credential is compared on (user, mechanism, iterations); the
password is only written on creation, on an iteration change, when ``update_password=always``
or when drift detection found that the given password no longer authenticates.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import logging
import re

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_wire
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import (
    KafkaConnection,
    client_config,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    Plan,
    Resource,
)

try:
    from kafka import KafkaAdminClient
    from kafka import errors as kafka_errors
    from kafka.admin import UserScramCredentialDeletion, UserScramCredentialUpsertion
except ImportError:  # pragma: no cover - reported by KafkaConnection
    KafkaAdminClient = kafka_errors = None
    UserScramCredentialDeletion = UserScramCredentialUpsertion = None

MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-512"]
DEFAULT_MECHANISM = "SCRAM-SHA-512"
DEFAULT_ITERATIONS = 4096
# Kafka's ScramMechanism bounds (minIterations/maxIterations).
MIN_ITERATIONS = 4096
MAX_ITERATIONS = 16384
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# Bootstrap time allowed to one login of the password drift check.
VERIFY_TIMEOUT_MS = 5000


class UserValidationError(ValueError):
    """The declared users are invalid; the message says which and how to fix it."""


def normalize_users(params):
    """Return the validated list of user entries from the module parameters.

    Each entry: dict(name, mechanism, iterations, password, state). Top-level ``mechanism``,
    ``iterations``, ``state`` are defaults for the ``users`` items. An absent user without a
    mechanism stands for every mechanism (``mechanism`` None).
    """
    if params.get("name") and params.get("users"):
        raise UserValidationError("give either name (one user) or users (a list), not both")
    if params.get("name"):
        items = [dict(name=params["name"], password=params.get("password"),
                      mechanism=params.get("mechanism"), iterations=params.get("iterations"),
                      state=params.get("state"))]
    else:
        items = params.get("users")
        if not items:
            raise UserValidationError("users must list at least one user (or use name)")
    entries = []
    seen = set()
    for index, item in enumerate(items):
        where = "users[%d]" % index if not params.get("name") else "name"
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise UserValidationError("%s: name is required" % where)
        if name != name.strip() or _CONTROL_RE.search(name):
            raise UserValidationError("%s: user name %r has surrounding spaces or control "
                                      "characters" % (where, name))
        state = item.get("state") or params.get("state") or "present"
        mechanism = item.get("mechanism") or params.get("mechanism")
        if mechanism is not None:
            mechanism = str(mechanism).upper().replace("_", "-")
            if mechanism not in MECHANISMS:
                raise UserValidationError("%s: mechanism %r is not one of %s"
                                          % (where, item.get("mechanism") or
                                             params.get("mechanism"), ", ".join(MECHANISMS)))
        elif state == "present":
            mechanism = DEFAULT_MECHANISM
        iterations = item.get("iterations") or params.get("iterations") or DEFAULT_ITERATIONS
        if not isinstance(iterations, int) or isinstance(iterations, bool) or \
                not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
            raise UserValidationError("%s: iterations must be an integer from %d to %d (got %r)"
                                      % (where, MIN_ITERATIONS, MAX_ITERATIONS, iterations))
        password = item.get("password")
        if state == "present" and (password is None or password == ""):
            raise UserValidationError("%s: user %s needs a password for state=present"
                                      % (where, name))
        key = (name, mechanism)
        if key in seen or (name, None) in seen or \
                (mechanism is None and any(k[0] == name for k in seen)):
            raise UserValidationError("%s: user %s (%s) is declared twice; declare each user "
                                      "and mechanism once"
                                      % (where, name, mechanism or "all mechanisms"))
        seen.add(key)
        entries.append(dict(name=name, mechanism=mechanism, iterations=iterations,
                            password=password, state=state))
    return entries


def current_from_describe(described):
    """kafka-python describe_user_scram_credentials() result -> {user: {mechanism: iterations}}.

    Users without credentials (the broker answers RESOURCE_NOT_FOUND) are left out.
    """
    current = {}
    for user, info in (described or {}).items():
        if info.get("error"):
            continue
        mechanisms = {}
        for credential in info.get("credential_infos") or []:
            mechanism = credential["mechanism"]
            name = getattr(mechanism, "name", str(mechanism)).replace("_", "-")
            mechanisms[name] = credential["iterations"]
        if mechanisms:
            current[user] = mechanisms
    return current


def plan(entries, current, update_password="on_create", drifted=None):
    """Return (upserts, deletions, reasons).

    upserts: list of entries to write; deletions: list of (name, mechanism);
    reasons: {"name/mechanism": why} for the result. ``drifted`` is a set of (name, mechanism)
    whose password no longer authenticates (drift detection), or None when not checked.
    """
    upserts, deletions, reasons = [], [], {}
    for entry in entries:
        name, mechanism = entry["name"], entry["mechanism"]
        existing = current.get(name, {})
        label = "%s/%s" % (name, mechanism or "*")
        if entry["state"] == "absent":
            mechanisms = [mechanism] if mechanism else sorted(existing)
            for mech in mechanisms:
                if mech in existing:
                    deletions.append((name, mech))
                    reasons["%s/%s" % (name, mech)] = "deleted"
            continue
        if mechanism not in existing:
            upserts.append(entry)
            reasons[label] = "created"
        elif existing[mechanism] != entry["iterations"]:
            upserts.append(entry)
            reasons[label] = "iterations %d -> %d" % (existing[mechanism], entry["iterations"])
        elif drifted is not None:
            if (name, mechanism) in drifted and update_password == "always":
                upserts.append(entry)
                reasons[label] = "password changed"
        elif update_password == "always":
            upserts.append(entry)
            reasons[label] = "password set (update_password=always)"
    return upserts, deletions, reasons


def state_view(current, names):
    """The before/after shown in diffs: {user: {mechanism: {iterations: N}}} for ``names``."""
    view = {}
    for name in sorted(names):
        if name in current:
            view[name] = dict((mech, dict(iterations=iters))
                              for mech, iters in sorted(current[name].items()))
    return view


def apply_plan(current, upserts, deletions):
    """Predicted state after the plan (for check mode and the result)."""
    after = dict((name, dict(mechs)) for name, mechs in current.items())
    for entry in upserts:
        after.setdefault(entry["name"], {})[entry["mechanism"]] = entry["iterations"]
    for name, mechanism in deletions:
        after.get(name, {}).pop(mechanism, None)
        if name in after and not after[name]:
            del after[name]
    return after


def verify_config(params):
    """Connection options of the drift check's logins: (params, None) or (None, problem)."""
    protocol = params.get("verify_security_protocol")
    servers = params.get("verify_bootstrap_servers")
    own = params.get("security_protocol") or "PLAINTEXT"
    if not protocol:
        protocol = own if own.startswith("SASL_") else "SASL_SSL"
    if not servers:
        if not own.startswith("SASL_"):
            return None, ("verify_password needs a SASL listener: set verify_bootstrap_servers "
                          "(the module connects with security_protocol %s)" % own)
        servers = params.get("bootstrap_servers")
    verify_params = dict(params, bootstrap_servers=servers, security_protocol=protocol,
                         ssl_certfile=None, ssl_keyfile=None, ssl_password=None)
    return verify_params, None


def authenticates(verify_params, name, mechanism, password):
    """True when ``name``/``password`` authenticates with ``mechanism``; False when refused.

    One short login as the user, with the family's client options (``client_config``) and its
    collector of kafka-python warnings. kafka-python 3.0.x loses the broker's SaslAuthenticate
    error when the broker closes the connection right after it, and retries until the bootstrap
    timeout: a bootstrap that only ever saw the broker hang up after the TLS/SASL handshake is a
    refused login too.
    """
    login = KafkaConnection()
    login.params = dict(verify_params, sasl_mechanism=mechanism, sasl_username=name,
                        sasl_password=password, client_id="specweave-kafka-verify")
    config = client_config(login.params)
    config["bootstrap_timeout_ms"] = min(config.get("bootstrap_timeout_ms") or 30000,
                                         VERIFY_TIMEOUT_MS)
    kafka_logger = logging.getLogger("kafka")
    kafka_logger.addHandler(login.warnings)
    try:
        client = KafkaAdminClient(**config)
    except kafka_errors.SaslAuthenticationFailedError:
        return False
    except kafka_errors.KafkaError:
        if any(kafka_wire.LOG_SOCKET_DISCONNECTED in message
               for message in login.warnings.messages):
            return False
        raise
    finally:
        kafka_logger.removeHandler(login.warnings)
    login.close(client)
    return True


def alterations(upserts, deletions):
    """The AlterUserScramCredentials batch: deletions first, then upserts."""
    batch = [UserScramCredentialDeletion(name, mechanism) for name, mechanism in deletions]
    batch += [UserScramCredentialUpsertion(entry["name"], entry["mechanism"], entry["password"],
                                           iterations=entry["iterations"])
              for entry in upserts]
    return batch


class UserResource(Resource):
    """kafka_user on the runner: one DescribeUserScramCredentials, the optional drift check
    (one login per existing credential), one AlterUserScramCredentials."""

    service = "Kafka"

    def desired(self, ctx):
        params = ctx.params
        try:
            entries = normalize_users(params)
        except UserValidationError as exc:
            raise InvalidInput("Invalid users, nothing was changed: %s" % exc)
        verify_params = None
        if params["verify_password"]:
            verify_params, problem = verify_config(params)
            if problem:
                raise InvalidInput(problem)
        return dict(entries=entries, names=sorted(set(entry["name"] for entry in entries)),
                    verify_params=verify_params, update_password=params["update_password"])

    def read(self, ctx, desired):
        admin = ctx.client
        with ctx.step("DescribeUserScramCredentials"):
            current = current_from_describe(admin.describe_user_scram_credentials(
                desired["names"]))
        drifted = None
        if desired["verify_params"] is not None:
            drifted = set()
            for entry in desired["entries"]:
                name, mechanism = entry["name"], entry["mechanism"]
                if entry["state"] != "present" or \
                        current.get(name, {}).get(mechanism) != entry["iterations"]:
                    continue
                with ctx.step("verifying the password of %s (%s)" % (name, mechanism)):
                    if not authenticates(desired["verify_params"], name, mechanism,
                                         entry["password"]):
                        drifted.add((name, mechanism))
        return dict(credentials=current, drifted=drifted)

    def plan(self, ctx, desired, current):
        credentials, drifted, names = current["credentials"], current["drifted"], desired["names"]
        upserts, deletions, reasons = plan(desired["entries"], credentials,
                                           desired["update_password"], drifted)
        after = apply_plan(credentials, upserts, deletions)
        result = dict(changes=reasons, users=state_view(after, names))
        if drifted is not None:
            result["password_mismatch"] = sorted("%s/%s" % key for key in drifted)
        diff = dict(before=state_view(credentials, names), after=state_view(after, names))
        return Plan(upserts or deletions, result=result, diff=diff, data=(upserts, deletions))

    def apply(self, ctx, plan, failures):
        admin = ctx.client
        with ctx.step("AlterUserScramCredentials"):
            outcome = admin.alter_user_scram_credentials(alterations(*plan.data))
        refused = sorted((user, error) for user, error in outcome.items() if error)
        for user, error in refused:
            failures.add(user, error)
        if refused:
            plan.result["failed_users"] = [user for user, _error in refused]

    def failure_message(self, plan, failures, applied):
        return "Kafka refused the credentials of %s; the other users were applied" % (
            "; ".join(failures.lines()))
