# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Confluent Cloud RBAC role bindings (``/iam/v2/role-bindings``, the mds v2 spec): the pure
functions and the runner declaration of ``confluent_role_binding``.

A role binding has no name and nothing of it can change: it is the triple principal, role and
CRN pattern. The list endpoint requires ``crn_pattern`` and searches it partially (a binding on
a topic under the cluster matches the cluster's pattern too); ``principal`` and ``role_name``
filter exactly. ``matching`` keeps the bindings equal on all three.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import quote_id
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud_resource import (
    ConfluentResource,
    Found,
    cloud_step,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import InvalidInput

PATH = "/iam/v2/role-bindings"
PRINCIPAL_RE = re.compile(r"^(User|Group):.+$")
CRN_RE = re.compile(r"^crn://.+$")


def binding_problems(principal, role_name, crn_pattern):
    """What is wrong with the three options (empty list when nothing)."""
    problems = []
    if not PRINCIPAL_RE.match(principal or ""):
        hint = " (write User:%s)" % principal if re.match(r"^(sa|u|pool)-", principal or "") \
            else ""
        problems.append("principal must be User:<id> or Group:<id>, got %r%s"
                        % (principal, hint))
    if not (role_name or "").strip():
        problems.append("role_name must be a role such as CloudClusterAdmin or DeveloperRead")
    if not CRN_RE.match(crn_pattern or ""):
        problems.append("crn_pattern must be a CRN starting with crn://, got %r" % crn_pattern)
    return problems


def role_binding_body(principal, role_name, crn_pattern):
    return {"principal": principal, "role_name": role_name, "crn_pattern": crn_pattern}


def matching(items, principal, role_name, crn_pattern):
    """The bindings of ``items`` equal to the triple (the list's CRN search is partial)."""
    return [item for item in items or []
            if item.get("principal") == principal and item.get("role_name") == role_name
            and item.get("crn_pattern") == crn_pattern]


def role_binding_view(raw):
    if not raw:
        return {}
    return dict(id=raw.get("id"), principal=raw.get("principal"),
                role_name=raw.get("role_name"), crn_pattern=raw.get("crn_pattern"),
                resource_name=(raw.get("metadata") or {}).get("resource_name"))


def list_role_bindings(client, crn_pattern, principal=None, role_name=None):
    query = {"crn_pattern": crn_pattern, "principal": principal, "role_name": role_name}
    return client.list(PATH, query)


class RoleBindingResource(ConfluentResource):
    """One role binding: created when missing, deleted with ``state: absent``."""

    kind = "role_binding"

    def desired(self, ctx):
        params = ctx.params
        problems = binding_problems(params["principal"], params["role_name"],
                                    params["crn_pattern"])
        if problems:
            raise InvalidInput("Invalid role binding: %s; nothing was changed."
                               % "; ".join(problems))
        return params

    def _listing(self, ctx, desired):
        return lambda: list_role_bindings(ctx.client, desired["crn_pattern"],
                                          desired["principal"], desired["role_name"])

    def read(self, ctx, desired):
        with cloud_step(ctx, "Read role bindings"):
            found = matching(self._listing(ctx, desired)(), desired["principal"],
                             desired["role_name"], desired["crn_pattern"])
        # the service refuses duplicates (409); more than one can only be left over
        return Found(found[0] if found else None, duplicates=found[1:])

    def view(self, raw):
        return role_binding_view(raw)

    def predicted(self, desired, found):
        return dict(id=None, principal=desired["principal"], role_name=desired["role_name"],
                    crn_pattern=desired["crn_pattern"], resource_name=None)

    def create(self, ctx, desired, found):
        return ctx.client.request("POST", PATH, body=role_binding_body(
            desired["principal"], desired["role_name"], desired["crn_pattern"]))

    def listing(self, ctx, desired, found):
        return self._listing(ctx, desired)

    def delete(self, ctx, desired, found):
        for raw in [found.raw] + list(found.duplicates):
            ctx.client.request("DELETE", "%s/%s" % (PATH, quote_id(raw["id"])))
