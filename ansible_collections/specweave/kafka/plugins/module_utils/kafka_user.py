# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the kafka_user module (SCRAM credentials): validation, plan, diff.

Kafka stores, per user and mechanism, a salted password and an iteration count. It never
returns the password, so a credential is compared on (user, mechanism, iterations); the
password is only written on creation, on an iteration change, when ``update_password=always``
or when drift detection found that the given password no longer authenticates.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-512"]
DEFAULT_MECHANISM = "SCRAM-SHA-512"
DEFAULT_ITERATIONS = 4096
# Kafka's ScramMechanism bounds (minIterations/maxIterations).
MIN_ITERATIONS = 4096
MAX_ITERATIONS = 16384
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


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
            raise UserValidationError("%s: user %s (%s) is declared twice"
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
