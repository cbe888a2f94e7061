# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resources of the confluent_* modules on the runner.

``ConfluentResource`` is the one absent/create/update skeleton of the four managing modules:

- ``state: absent`` and nothing found: unchanged; found: ``refuse_delete`` may refuse, else
  the object is deleted;
- nothing found: the object is created (``predicted`` is what check mode shows);
- found: ``changes`` (``{field: (before, after)}``, or a refusal) are sent in one update.

A kind declares how to ``read`` its object (a ``Found``), its ``view``, ``predicted``, ``changes``,
``refuse_delete`` and the client calls ``create``/``update``/``delete``. The ``_info`` modules
are ``ConfluentInfo`` declarations: a ``read`` and nothing to apply.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cloud import (
    ConfluentCloudError,
    api_key_create_body,
    api_key_view,
    apply_changes,
    cluster_changes,
    cluster_create_body,
    cluster_deleting,
    cluster_patch_body,
    cluster_refusals,
    cluster_view,
    display_name,
    environment_changes,
    environment_view,
    failed_cluster_message,
    find_api_key,
    find_environment,
    pick_by_name,
    predicted_cluster_view,
    require_environment,
    resolve_owner,
    resolve_resource,
    service_account_view,
    text_changes,
    validate_cluster_params,
    wait_for_cluster,
    wait_for_cluster_gone,
    wait_until_key_authenticates,
    wait_until_listed,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)


@contextlib.contextmanager
def cloud_step(ctx, name):
    """``ctx.step(name)`` that keeps the HTTP status of a Confluent Cloud error in the result."""
    with ctx.step(name):
        try:
            yield
        except ConfluentCloudError as exc:
            extra = {"status": exc.status} if exc.status is not None else {}
            raise ModuleFailure(str(exc), **extra)


class Found(object):
    """What ``read`` found: the API object (or None), and the ids it was looked up under.

    ``latest`` is the object as last read (a cluster waited for is read again).
    """

    def __init__(self, raw=None, **ids):
        self.raw = raw
        self.latest = raw
        self.__dict__.update(ids)


def _listed(changes):
    return dict((field, list(pair)) for field, pair in changes.items())


def _collapse(phases):
    """Phases seen, without a phase repeated in a row."""
    return [phase for index, phase in enumerate(phases) if index == 0 or phases[index - 1] != phase]


class ConfluentResource(Resource):
    """The absent/create/update skeleton; a subclass declares one kind of object."""

    service = "Confluent Cloud"
    #: The object's name in step names and the result key ("environment", ...).
    kind = None

    # -- the declaration of a kind (and ``read``: return a ``Found``, through ``cloud_step``)
    def view(self, raw):
        raise NotImplementedError

    def predicted(self, desired, found):
        """The view of the object a create would make (check mode shows it)."""
        raise NotImplementedError

    def changes(self, before, desired, found):
        """``{field: (before, after)}`` to update; raise ``ModuleFailure`` to refuse."""
        return {}

    def refuse_delete(self, before, desired, found):
        """Raise ``ModuleFailure`` when the object must not be deleted."""

    def create(self, ctx, desired, found):
        """Create the object; return it as the API answered."""
        raise NotImplementedError

    def update(self, ctx, desired, found, changes):
        """Send ``changes``; return the object as the API answered."""
        raise NotImplementedError

    def delete(self, ctx, desired, found):
        raise NotImplementedError

    def listing(self, ctx, desired, found):
        """``list()`` -> the list a new object must appear in before the task ends (None: no
        check). Confluent Cloud's lists are eventually consistent (see ``wait_until_listed``)."""
        return None

    def created(self, ctx, desired, found, raw):
        """After a create: wait until the new object is listed (always: the next run finds it
        by name through the list); return it."""
        listing = self.listing(ctx, desired, found)
        if listing is not None and raw and raw.get("id"):
            with cloud_step(ctx, "Wait for the new %s %s to be listed"
                            % (self.kind.replace("_", " "), raw["id"])):
                wait_until_listed(listing, raw["id"], desired["wait_timeout"],
                                  desired["wait_interval"], self.kind.replace("_", " "))
        return raw

    def created_views(self, raw):
        """(result view, diff view) of a created object (they differ when it has a secret)."""
        view = self.view(raw)
        return view, view

    def result(self, view, changes, found):
        """The module's result fields (``changed`` and ``diff`` aside)."""
        return {self.kind: view, "changes": _listed(changes)}

    # -- the skeleton ----------------------------------------------------------------------
    def plan(self, ctx, desired, current):
        before = self.view(current.raw)
        if desired["state"] == "absent":
            if current.raw is None:
                return self._plan(None, desired, current, {}, {}, {})
            self.refuse_delete(before, desired, current)
            return self._plan("delete", desired, current, {"state": ("present", "absent")},
                              before, {})
        if current.raw is None:
            return self._plan("create", desired, current, {"state": ("absent", "present")}, {},
                              self.predicted(desired, current))
        changes = self.changes(before, desired, current)
        return self._plan("update" if changes else None, desired, current, changes, before,
                          apply_changes(self.view(current.latest), changes))

    def _plan(self, verb, desired, found, changes, before, after):
        return Plan(verb is not None, self.result(after, changes, found),
                    diff=dict(before=before, after=after), data=(verb, desired, found, changes))

    def apply(self, ctx, plan, failures):
        verb, desired, found, changes = plan.data
        with cloud_step(ctx, "%s %s" % (verb.capitalize(), self.kind.replace("_", " "))):
            if verb == "delete":
                self.delete(ctx, desired, found)
                plan.result.update(self.result({}, changes, found))
                return
            if verb == "create":
                raw = self.created(ctx, desired, found, self.create(ctx, desired, found))
                shown, diff_after = self.created_views(raw)
            else:
                shown = diff_after = self.view(self.update(ctx, desired, found, changes))
        plan.result.update(self.result(shown, changes, found))
        plan.diff["after"] = diff_after


# --------------------------------------------------------------------------------------------
# The four kinds
# --------------------------------------------------------------------------------------------

class EnvironmentResource(ConfluentResource):
    kind = "environment"

    def read(self, ctx, desired):
        client = ctx.client
        with cloud_step(ctx, "Read environment"):
            if desired["id"]:
                raw = client.get_environment(desired["id"])
                if raw is None and desired["state"] == "present":
                    raise ModuleFailure(
                        "Environment %s does not exist; leave id out to create one named %r."
                        % (desired["id"], desired["name"]))
            else:
                raw = pick_by_name(client.list_environments(), desired["name"], "environment")
        found = Found(raw, clusters=[])
        if raw is not None and desired["state"] == "absent":
            with cloud_step(ctx, "List the clusters of environment %s" % raw["id"]):
                found.clusters = client.list_clusters(raw["id"])
        return found

    def view(self, raw):
        return environment_view(raw)

    def predicted(self, desired, found):
        return dict(id=None, name=desired["name"], stream_governance=desired["stream_governance"],
                    resource_name=None, created_at=None)

    def changes(self, before, desired, found):
        return environment_changes(before, desired["name"], desired["stream_governance"])

    def refuse_delete(self, before, desired, found):
        # clusters whose deletion is under way go anyway: they do not hold the environment
        found.clusters = [c for c in found.clusters if not cluster_deleting(c)]
        if found.clusters and not desired["delete_clusters"]:
            raise ModuleFailure(
                "Environment %s (%s) still has %d Kafka cluster(s): %s. Deleting it would delete "
                "them too; delete them first or set delete_clusters: true." % (
                    before["id"], before["name"], len(found.clusters),
                    ", ".join(sorted(c.get("id", "?") for c in found.clusters))))

    def create(self, ctx, desired, found):
        return ctx.client.create_environment(desired["name"], desired["stream_governance"])

    def listing(self, ctx, desired, found):
        return ctx.client.list_environments

    def update(self, ctx, desired, found, changes):
        return ctx.client.update_environment(
            found.raw["id"], changes.get("name", (None, None))[1],
            changes.get("stream_governance", (None, None))[1])

    def delete(self, ctx, desired, found):
        ctx.client.delete_environment(found.raw["id"])


class ClusterResource(ConfluentResource):
    """Clusters: refusals of what cmk v2 cannot change in place, waits for PROVISIONED."""

    kind = "cluster"

    def desired(self, ctx):
        problems = validate_cluster_params(ctx.params)
        if problems:
            raise InvalidInput("Invalid cluster options: " + "; ".join(problems))
        return ctx.params

    def read(self, ctx, desired):
        client = ctx.client
        with cloud_step(ctx, "Read environment"):
            env = find_environment(client, desired["environment"])
        if env is None:
            if desired["state"] == "present" and not ctx.check_mode:
                raise ModuleFailure(
                    "Environment %r not found (looked for an id and a display name). Create it "
                    "with specweave.kafka.confluent_environment first." % desired["environment"])
            return Found(None, env_id=None, history=[])
        env_id = env["id"]
        with cloud_step(ctx, "Read cluster"):
            if desired["id"]:
                raw = client.get_cluster(desired["id"], env_id)
                if raw is None and desired["state"] == "present":
                    raise ModuleFailure(
                        "Cluster %s does not exist in environment %s; leave id out to create a "
                        "cluster named %r." % (desired["id"], env_id, desired["name"]))
            else:
                named = [c for c in client.list_clusters(env_id)
                         if (c.get("spec") or {}).get("display_name") == desired["name"]]
                # a cluster being deleted gives way to a live one of the same name
                live = [c for c in named if not cluster_deleting(c)]
                raw = pick_by_name(live or named, desired["name"], "cluster")
        found = Found(raw, env_id=env_id, history=[], deleting=False)
        if raw is None:
            return found
        before = cluster_view(raw)
        if before["deleting"]:
            return self._read_deleting(ctx, desired, found, before)
        if desired["state"] == "absent":
            return found
        found.history = [before.get("phase")]
        if before.get("phase") == "FAILED":
            raise ModuleFailure(failed_cluster_message(before), cluster=before,
                                phase_history=found.history)
        if desired["wait"] and (before.get("phase") == "PROVISIONING" or before["resizing"]) \
                and not ctx.check_mode:
            self._refuse(before, desired)  # before waiting, maybe for hours, to refuse anyway
            found.latest, more = self._wait(ctx, desired, before["id"], env_id)
            found.history = _collapse(found.history + more)
        return found

    def _read_deleting(self, ctx, desired, found, before):
        """A cluster whose deletion Confluent Cloud accepted earlier (still visible)."""
        if desired["state"] == "present":
            raise ModuleFailure(
                "Cluster %s (%s) is being deleted (deletion accepted at %s); it cannot be "
                "updated or reused. Wait until it is gone (state: absent waits for that), then "
                "re-run to create a new one." % (before["id"], before["name"],
                                                 before["deleted_at"]),
                cluster=before)
        if desired["wait"] and not ctx.check_mode:
            with cloud_step(ctx, "Wait for cluster %s to be gone" % before["id"]):
                wait_for_cluster_gone(ctx.client, before["id"], found.env_id,
                                      desired["wait_timeout"], desired["wait_interval"])
            found.raw = found.latest = None
            return found
        found.deleting = True
        ctx.warn("Cluster %s (%s) is still being deleted (deletion accepted at %s); nothing "
                 "more was sent. It goes on its own." % (before["id"], before["name"],
                                                         before["deleted_at"]))
        return found

    def _wait(self, ctx, desired, cluster_id, env_id):
        with cloud_step(ctx, "Wait for cluster %s" % cluster_id):
            return wait_for_cluster(ctx.client, cluster_id, env_id, desired["wait_timeout"],
                                    desired["wait_interval"])

    @staticmethod
    def _refuse(before, desired):
        refusals = cluster_refusals(before, desired)
        if refusals:
            raise ModuleFailure("Cluster %s (%s) cannot be changed as asked; nothing was "
                                "changed: %s." % (before["id"], before["name"],
                                                  "; ".join(refusals)))

    def view(self, raw):
        return cluster_view(raw)

    def predicted(self, desired, found):
        missing = [name for name in ("cluster_type", "cloud", "region", "availability")
                   if not desired.get(name)]
        if desired.get("cluster_type") == "Dedicated" and desired.get("cku") is None:
            missing.append("cku")
        if missing:
            raise ModuleFailure(
                "Cluster %r does not exist in environment %s; to create it give %s."
                % (desired["name"], found.env_id or desired["environment"], ", ".join(missing)))
        return predicted_cluster_view(desired, found.env_id)

    def changes(self, before, desired, found):
        self._refuse(before, desired)
        return cluster_changes(before, desired)

    def plan(self, ctx, desired, current):
        if getattr(current, "deleting", False):  # deletion under way: nothing to send
            before = self.view(current.raw)
            return self._plan(None, desired, current, {}, before, before)
        return super(ClusterResource, self).plan(ctx, desired, current)

    def refuse_delete(self, before, desired, found):
        if before["deletion_protection"]:
            raise ModuleFailure(
                "Cluster %s (%s) has deletion protection on; nothing was deleted. Turn it off "
                "first with state: present and deletion_protection: false, then delete it."
                % (before["id"], before["name"]))

    def result(self, view, changes, found):
        result = super(ClusterResource, self).result(view, changes, found)
        result["phase_history"] = list(found.history)
        result["deleting"] = bool(getattr(found, "deleting", False))
        if view:
            result.update(bootstrap_servers=view.get("bootstrap_servers"),
                          rest_endpoint=view.get("rest_endpoint"), phase=view.get("phase"))
        return result

    def create(self, ctx, desired, found):
        return ctx.client.create_cluster(cluster_create_body(desired, found.env_id))

    def created(self, ctx, desired, found, raw):
        # listed first: a wait that fails (FAILED, timeout) must not leave it unlisted
        raw = super(ClusterResource, self).created(ctx, desired, found, raw)
        found.history = [cluster_view(raw).get("phase")]
        if desired["wait"] and found.history[0] != "PROVISIONED":
            raw, more = self._wait(ctx, desired, raw["id"], found.env_id)
            found.history = _collapse(found.history + more)
        return raw

    def listing(self, ctx, desired, found):
        return lambda: ctx.client.list_clusters(found.env_id)

    def update(self, ctx, desired, found, changes):
        updated = ctx.client.update_cluster(
            found.raw["id"], cluster_patch_body(cluster_view(found.raw), changes, found.env_id))
        view = cluster_view(updated)
        # a CKU change is a resize: the API answers at once, the CKUs follow later
        if desired["wait"] and (view.get("phase") != "PROVISIONED" or view["resizing"]
                                or "cku" in changes):
            updated, more = self._wait(ctx, desired, found.raw["id"], found.env_id)
            found.history = _collapse(found.history + more)
        return updated

    def delete(self, ctx, desired, found):
        ctx.client.delete_cluster(found.raw["id"], found.env_id)
        if not desired["wait"]:
            found.deleting = True  # accepted; Confluent Cloud deletes it asynchronously
            return
        with cloud_step(ctx, "Wait for cluster %s to be gone" % found.raw["id"]):
            wait_for_cluster_gone(ctx.client, found.raw["id"], found.env_id,
                                  desired["wait_timeout"], desired["wait_interval"])


class ServiceAccountResource(ConfluentResource):
    kind = "service_account"

    def read(self, ctx, desired):
        with cloud_step(ctx, "Read service account"):
            return Found(pick_by_name(ctx.client.list_service_accounts(desired["name"]),
                                      desired["name"], "service account"))

    def view(self, raw):
        return service_account_view(raw)

    def predicted(self, desired, found):
        return dict(id=None, name=desired["name"], description=desired["description"],
                    resource_name=None)

    def changes(self, before, desired, found):
        return text_changes(before, {"description": desired["description"]})

    def create(self, ctx, desired, found):
        return ctx.client.create_service_account(desired["name"], desired["description"])

    def listing(self, ctx, desired, found):
        return lambda: ctx.client.list_service_accounts(desired["name"])

    def update(self, ctx, desired, found, changes):
        return ctx.client.update_service_account(found.raw["id"], desired["description"])

    def delete(self, ctx, desired, found):
        ctx.client.delete_service_account(found.raw["id"])


class ApiKeyResource(ConfluentResource):
    """API keys: found by id, or by owner, resource and name; the secret only on creation."""

    kind = "api_key"

    def desired(self, ctx):
        params = ctx.params
        if not params["id"] and (not params["owner"] or not params["resource"]):
            raise InvalidInput("owner and resource are needed to find or create an API key "
                               "by name (or give its id).")
        return params

    def read(self, ctx, desired):
        client = ctx.client
        if desired["id"]:
            with cloud_step(ctx, "Read API key"):
                raw = client.get_api_key(desired["id"])
            if raw is None and desired["state"] == "present":
                raise ModuleFailure("API key %s does not exist; leave id out to create a key."
                                    % desired["id"])
            return Found(raw, owner_id=None, resource_id=None, env_id=None)
        with cloud_step(ctx, "Resolve the owner and resource of the API key"):
            owner_id = resolve_owner(client, desired["owner"])
            resource_id, env_id = resolve_resource(client, desired["resource"],
                                                   desired["environment"])
        with cloud_step(ctx, "Read API key"):
            raw = find_api_key(client, owner_id, resource_id, desired["name"])
        return Found(raw, owner_id=owner_id, resource_id=resource_id, env_id=env_id)

    def view(self, raw):
        return api_key_view(raw)

    def predicted(self, desired, found):
        return dict(id=None, name=desired["name"], description=desired["description"],
                    owner=found.owner_id, resource=found.resource_id,
                    environment=found.env_id, created_at=None)

    def created_views(self, raw):
        secret = (raw.get("spec") or {}).get("secret")
        return api_key_view(raw, secret=secret), api_key_view(raw)

    def changes(self, before, desired, found):
        return text_changes(before, {"name": desired["name"],
                                     "description": desired["description"]})

    def create(self, ctx, desired, found):
        return ctx.client.create_api_key(api_key_create_body(
            found.owner_id, found.resource_id, found.env_id, desired["name"],
            desired["description"]))

    def listing(self, ctx, desired, found):
        return lambda: ctx.client.list_api_keys(owner=found.owner_id, resource=found.resource_id)

    def created(self, ctx, desired, found, raw):
        raw = super(ApiKeyResource, self).created(ctx, desired, found, raw)
        secret = (raw.get("spec") or {}).get("secret")
        if desired["wait"] and found.resource_id is None and secret:
            probe = ctx.client.with_credentials(raw["id"], secret)
            try:
                found.attempts = wait_until_key_authenticates(
                    probe, raw["id"], desired["wait_timeout"], desired["wait_interval"])
                found.authenticated = True
            except ConfluentCloudError as exc:
                # the secret exists only in this run's result: failing the task would lose it
                found.authenticated = False
                ctx.warn("%s The key and its secret are in this result; store them." % exc)
        return raw

    def result(self, view, changes, found):
        result = super(ApiKeyResource, self).result(view, changes, found)
        if getattr(found, "authenticated", None) is not None:
            result["authenticated"] = found.authenticated
            result["authentication_attempts"] = getattr(found, "attempts", None)
        return result

    def update(self, ctx, desired, found, changes):
        return ctx.client.update_api_key(found.raw["id"], changes.get("name", (None, None))[1],
                                         changes.get("description", (None, None))[1])

    def delete(self, ctx, desired, found):
        ctx.client.delete_api_key(found.raw["id"])


# --------------------------------------------------------------------------------------------
# The _info modules: read-only declarations
# --------------------------------------------------------------------------------------------

class ConfluentInfo(Resource):
    """Reads and returns; nothing to change. ``read`` returns the result fields."""

    def plan(self, ctx, desired, current):
        return Plan(False, current)


def _one_or_all(one, everything, wanted_id, name):
    """The object with ``wanted_id`` (``one``), else every object, kept when named ``name``."""
    if wanted_id:
        item = one(wanted_id)
        found = [item] if item else []
    else:
        found = everything()
    if name is not None:
        found = [item for item in found if display_name(item) == name]
    return found


class EnvironmentInfo(ConfluentInfo):
    def read(self, ctx, desired):
        client = ctx.client
        with cloud_step(ctx, "List environments"):
            found = _one_or_all(client.get_environment, client.list_environments,
                                desired["id"], desired["name"])
        return dict(environments=[environment_view(env) for env in found])


class ClusterInfo(ConfluentInfo):
    def read(self, ctx, desired):
        client = ctx.client
        with cloud_step(ctx, "List clusters"):
            env_id = require_environment(client, desired["environment"])["id"]
            found = _one_or_all(lambda cluster_id: client.get_cluster(cluster_id, env_id),
                                lambda: client.list_clusters(env_id), desired["id"],
                                desired["name"])
        return dict(environment=env_id, clusters=[cluster_view(c) for c in found])


class ServiceAccountInfo(ConfluentInfo):
    def read(self, ctx, desired):
        name = desired["name"]
        with cloud_step(ctx, "List service accounts"):
            found = _one_or_all(None, lambda: ctx.client.list_service_accounts(name), None,
                                name)
        return dict(service_accounts=[service_account_view(sa) for sa in found])
