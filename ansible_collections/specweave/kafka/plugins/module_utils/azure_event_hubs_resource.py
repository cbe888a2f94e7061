# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event_hubs modules on the runner: namespace, event hubs, authorization rules, info.

Reads and writes go through ``ctx.client`` (the SDK's ``EventHubManagementClient``); the
planners in ``azure_event_hubs_plan`` decide what changes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs import (
    NOT_FOUND,
    resolve_credentials,
)
from ansible_collections.specweave.kafka.plugins.module_utils.azure_event_hubs_plan import (
    action_line,
    apply_changes,
    desired_hubs,
    desired_namespace,
    desired_network_rules,
    hub_view,
    hubs_after,
    kafka_settings,
    keys_view,
    namespace_body,
    namespace_changes,
    namespace_problems,
    namespace_view,
    network_rules_body,
    network_rules_changed,
    network_rules_view,
    normal_rights,
    plan_hubs,
    predicted_namespace,
    rights_problems,
    rule_view,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)


def _get(call, *args):
    """``call(*args).as_dict()``, or None when Azure answers 404."""
    try:
        return call(*args).as_dict()
    except NOT_FOUND:
        return None


def _wait(ctx, poller, what):
    """Wait for a long-running operation through its SDK poller, within ``wait_timeout``."""
    if not ctx.params.get("wait", True):
        return None
    result = poller.result(timeout=ctx.params["wait_timeout"])
    if not poller.done():
        raise ModuleFailure(
            "%s did not finish within wait_timeout (%s s); Azure goes on with it. Re-run the task "
            "later (it waits for the operation) or raise wait_timeout." % (
                what, ctx.params["wait_timeout"]))
    return result


def read_namespace(ctx, resource_group, name, required=True):
    """The namespace's view; a clear failure when ``required`` and it does not exist."""
    with ctx.step("Read namespace %s" % name):
        raw = _get(ctx.client.namespaces.get, resource_group, name)
    if raw is None and required:
        raise ModuleFailure(
            "Event Hubs namespace %s does not exist in resource group %s; create it first with "
            "specweave.kafka.event_hubs_namespace." % (name, resource_group))
    return namespace_view(raw)


# --------------------------------------------------------------------------------------------
# Namespace
# --------------------------------------------------------------------------------------------

class NamespaceResource(Resource):
    service = "Azure"

    def desired(self, ctx):
        params = ctx.params
        problems = namespace_problems(params)
        if params["state"] == "present" and params.get("network_rule_set"):
            for rule in params["network_rule_set"].get("ip_rules") or []:
                if not rule.get("ip_mask"):
                    problems.append("every network_rule_set.ip_rules entry needs ip_mask")
        if problems:
            raise InvalidInput("Invalid namespace options: " + "; ".join(problems))
        desired = desired_namespace(params)
        desired["name"] = params["name"]
        return desired

    def read(self, ctx, desired):
        params = ctx.params
        current = read_namespace(ctx, params["resource_group"], params["name"], required=False)
        found = dict(namespace=current, network_rules=None, availability=None)
        if current and params.get("network_rule_set") is not None and params["state"] == "present":
            with ctx.step("Read network rule set of %s" % params["name"]):
                found["network_rules"] = network_rules_view(_get(
                    ctx.client.namespaces.get_network_rule_set, params["resource_group"],
                    params["name"]))
        if not current and params["state"] == "present":
            with ctx.step("Check the availability of the name %s" % params["name"]):
                answer = ctx.client.namespaces.check_name_availability(
                    {"name": params["name"]}).as_dict()
            if not answer.get("name_available"):
                raise ModuleFailure(
                    "The namespace name %s is not available (%s): %s Namespace names are global "
                    "across Azure; choose another name." % (
                        params["name"], answer.get("reason") or "unknown reason",
                        (answer.get("message") or "").rstrip(".") + "."))
            if not desired["location"] or not desired["sku"]:
                raise InvalidInput("Creating namespace %s needs location and sku."
                                   % params["name"])
        return found

    def plan(self, ctx, desired, current):
        params = ctx.params
        before = current["namespace"]
        wanted_rules = desired_network_rules(params.get("network_rule_set"))
        if params["state"] == "absent":
            if not before:
                return Plan(False, self._result({}), diff=dict(before={}, after={}))
            return Plan(True, self._result({}, dict(state=["present", "absent"])),
                        diff=dict(before=before, after={}), data=("delete", None, None))
        if not before:
            subscription = resolve_credentials(params)["subscription_id"]
            after = predicted_namespace(desired, subscription, params["resource_group"])
            rules_after = None
            if wanted_rules is not None:
                rules_after = network_rules_view(network_rules_body({}, wanted_rules))
                rules_after = dict((k, v) for k, v in rules_after.items() if v is not None)
            return Plan(True, self._result(after, dict(state=["absent", "present"]),
                                           rules_after),
                        diff=dict(before={}, after=after),
                        data=("create", namespace_body(after), wanted_rules))
        changes, refusals = namespace_changes(before, desired, params["purge_tags"])
        if refusals:
            raise ModuleFailure("Namespace %s: %s. Nothing was changed." % (
                params["name"], "; ".join(refusals)), namespace=before)
        rules_change = network_rules_changed(current["network_rules"] or {}, wanted_rules)
        after = apply_changes(before, changes)
        rules_after = current["network_rules"]
        if rules_change:
            rules_after = network_rules_view(network_rules_body(current["network_rules"],
                                                                wanted_rules))
            changes["network_rule_set"] = (current["network_rules"], rules_after)
        listed = dict((k, list(v)) for k, v in changes.items())
        return Plan(bool(changes), self._result(after, listed, rules_after),
                    diff=dict(before=dict(before, network_rule_set=current["network_rules"]),
                              after=dict(after, network_rule_set=rules_after)),
                    data=("update" if set(changes) - {"network_rule_set"} else None,
                          namespace_body(after), wanted_rules if rules_change else None))

    def _result(self, view, changes=None, rules=None):
        result = dict(namespace=view, changes=changes or {})
        if view:
            result["kafka"] = kafka_settings(view)
        if rules is not None:
            result["network_rule_set"] = rules
        return result

    def apply(self, ctx, plan, failures):
        params = ctx.params
        verb, body, rules = plan.data
        client = ctx.client
        rg, name = params["resource_group"], params["name"]
        if verb == "delete":
            with ctx.step("Delete namespace %s" % name):
                _wait(ctx, client.namespaces.begin_delete(rg, name), "Deleting namespace %s" % name)
            return
        if verb is not None:
            with ctx.step("%s namespace %s" % (verb.capitalize(), name)):
                poller = client.namespaces.begin_create_or_update(rg, name, body)
                _wait(ctx, poller, "%s of namespace %s" % (verb.capitalize(), name))
        if rules is not None:
            with ctx.step("Set the network rule set of %s" % name):
                raw = client.namespaces.create_or_update_network_rule_set(
                    rg, name, network_rules_body(None, rules)).as_dict()
            plan.result["network_rule_set"] = network_rules_view(raw)
        if params["wait"]:
            view = read_namespace(ctx, rg, name)
            plan.result["namespace"] = view
            plan.result["kafka"] = kafka_settings(view)
            if plan.diff:
                plan.diff["after"] = dict(view, network_rule_set=plan.result.get(
                    "network_rule_set")) if "network_rule_set" in plan.diff["after"] else view


# --------------------------------------------------------------------------------------------
# Event hubs and consumer groups
# --------------------------------------------------------------------------------------------

class HubResource(Resource):
    service = "Azure"
    noun = "event hub change"

    def desired(self, ctx):
        try:
            hubs = desired_hubs(ctx.params)
        except ValueError as exc:
            raise InvalidInput("Invalid event hubs: " + "; ".join(exc.args[0]))
        if not hubs and not ctx.params["delete_undeclared"]:
            raise InvalidInput("Give name (one event hub) or hubs (a list), or "
                               "delete_undeclared: true to empty the namespace.")
        for hub in hubs:
            if hub.get("replication_factor"):
                ctx.warn("replication_factor of %s is ignored: Event Hubs replicates every "
                         "event hub itself" % hub["name"])
        return hubs

    def read(self, ctx, desired):
        params = ctx.params
        rg, ns = params["resource_group"], params["namespace"]
        namespace = read_namespace(ctx, rg, ns)
        with ctx.step("List the event hubs of %s" % ns):
            raw_hubs = [hub.as_dict() for hub in ctx.client.event_hubs.list_by_namespace(rg, ns)]
        wanted = set(hub["name"].lower() for hub in desired if hub["state"] == "present")
        current = {}
        for raw in raw_hubs:
            groups = None
            if raw["name"].lower() in wanted:
                with ctx.step("List the consumer groups of %s" % raw["name"]):
                    groups = [group.as_dict() for group in
                              ctx.client.consumer_groups.list_by_event_hub(rg, ns, raw["name"])]
            current[raw["name"]] = hub_view(raw, groups)
        return dict(namespace=namespace, hubs=current)

    def plan(self, ctx, desired, current):
        params = ctx.params
        actions, refusals = plan_hubs(
            desired, current["hubs"], current["namespace"],
            delete_undeclared=params["delete_undeclared"], scope=params["undeclared_scope"],
            delete_undeclared_groups=params["delete_undeclared_consumer_groups"])
        if refusals:
            raise ModuleFailure("Event Hubs cannot do what the task asks; nothing was changed: "
                                + "; ".join(refusals))
        after = hubs_after(current["hubs"], actions)
        declared = set(hub["name"].lower() for hub in desired)
        shown = dict((name, view) for name, view in after.items() if name.lower() in declared)
        before = dict((name, view) for name, view in current["hubs"].items()
                      if name.lower() in declared or any(
                          a["action"] == "delete" and a["hub"] == name for a in actions))
        result = dict(hubs=shown, actions=[action_line(a) for a in actions],
                      kafka=kafka_settings(current["namespace"]))
        return Plan(bool(actions), result, diff=dict(before=before, after=shown), data=actions)

    def apply(self, ctx, plan, failures):
        params = ctx.params
        rg, ns = params["resource_group"], params["namespace"]
        client = ctx.client
        for act in plan.data:
            line = action_line(act)
            with ctx.step(line):
                try:
                    if act["action"] in ("create", "update"):
                        raw = client.event_hubs.create_or_update(rg, ns, act["hub"], act["body"])
                        if act["action"] == "create":
                            created = hub_view(raw.as_dict(), None)
                            created["consumer_groups"] = act["after"]["consumer_groups"]
                            plan.result["hubs"][act["hub"]] = _merge_groups(
                                created, plan.result["hubs"].get(act["hub"]))
                    elif act["action"] == "delete":
                        client.event_hubs.delete(rg, ns, act["hub"])
                    elif act["action"] in ("create_group", "update_group"):
                        body = {"user_metadata": act["user_metadata"]} \
                            if act["user_metadata"] is not None else {}
                        client.consumer_groups.create_or_update(rg, ns, act["hub"], act["group"],
                                                                body)
                    else:
                        client.consumer_groups.delete(rg, ns, act["hub"], act["group"])
                except NOT_FOUND as exc:
                    failures.add(line, "not found (%s)" % exc.reason)
        plan.diff["after"] = plan.result["hubs"]


def _merge_groups(created, predicted):
    if predicted and "consumer_groups" in predicted:
        created["consumer_groups"] = predicted["consumer_groups"]
    return created


# --------------------------------------------------------------------------------------------
# Authorization rules
# --------------------------------------------------------------------------------------------

class RuleResource(Resource):
    service = "Azure"

    def desired(self, ctx):
        params = ctx.params
        problems = []
        if params["state"] == "present":
            if params["rights"] is None:
                problems.append("rights is required with state present (Listen, Send, Manage)")
            else:
                problems.extend(rights_problems(params["rights"]))
        if problems:
            raise InvalidInput("Invalid authorization rule: " + "; ".join(problems))
        return dict(rights=normal_rights(params["rights"] or []))

    def _ops(self, ctx):
        params = ctx.params
        rg, ns, hub = params["resource_group"], params["namespace"], params["event_hub"]
        if hub:
            ops = ctx.client.event_hubs
            return (lambda name: ops.get_authorization_rule(rg, ns, hub, name),
                    lambda name, body: ops.create_or_update_authorization_rule(
                        rg, ns, hub, name, body),
                    lambda name: ops.delete_authorization_rule(rg, ns, hub, name),
                    lambda name: ops.list_keys(rg, ns, hub, name))
        ops = ctx.client.namespaces
        return (lambda name: ops.get_authorization_rule(rg, ns, name),
                lambda name, body: ops.create_or_update_authorization_rule(rg, ns, name, body),
                lambda name: ops.delete_authorization_rule(rg, ns, name),
                lambda name: ops.list_keys(rg, ns, name))

    def read(self, ctx, desired):
        params = ctx.params
        namespace = read_namespace(ctx, params["resource_group"], params["namespace"])
        get = self._ops(ctx)[0]
        scope = "event hub %s" % params["event_hub"] if params["event_hub"] else "namespace"
        with ctx.step("Read authorization rule %s of the %s" % (params["name"], scope)):
            raw = _get(get, params["name"])
        if raw is None and params["event_hub"] and params["state"] == "present":
            with ctx.step("Read event hub %s" % params["event_hub"]):
                if _get(ctx.client.event_hubs.get, params["resource_group"], params["namespace"],
                        params["event_hub"]) is None:
                    raise ModuleFailure("Event hub %s does not exist in namespace %s; create it "
                                        "first with specweave.kafka.event_hub." % (
                                            params["event_hub"], params["namespace"]))
        return dict(namespace=namespace, rule=rule_view(raw))

    def plan(self, ctx, desired, current):
        params = ctx.params
        before = current["rule"]
        if params["state"] == "absent":
            if not before:
                return Plan(False, dict(rule={}, changes={}), diff=dict(before={}, after={}))
            return Plan(True, dict(rule={}, changes=dict(state=["present", "absent"])),
                        diff=dict(before=before, after={}), data="delete")
        after = dict(before or dict(name=params["name"], id=None), rights=desired["rights"])
        result = dict(rule=after, kafka=kafka_settings(current["namespace"]))
        if not before:
            result["changes"] = dict(state=["absent", "present"])
            return Plan(True, result, diff=dict(before={}, after=after), data="create")
        if before["rights"] != desired["rights"]:
            result["changes"] = dict(rights=[before["rights"], desired["rights"]])
            return Plan(True, result, diff=dict(before=before, after=after), data="update")
        result["changes"] = {}
        return Plan(False, result, diff=dict(before=before, after=after))

    def apply(self, ctx, plan, failures):
        params = ctx.params
        _get_rule, put, delete, _keys = self._ops(ctx)
        with ctx.step("%s authorization rule %s" % (plan.data.capitalize(), params["name"])):
            if plan.data == "delete":
                delete(params["name"])
                return
            raw = put(params["name"], {"rights": plan.result["rule"]["rights"]}).as_dict()
        plan.result["rule"] = rule_view(raw)
        plan.diff["after"] = plan.result["rule"]


def add_keys(ctx, result):
    """With ``return_connection_strings``: the keys of the rule and the Kafka password."""
    params = ctx.params
    if not params["return_connection_strings"] or params["state"] != "present":
        return result
    if ctx.check_mode and not result["rule"].get("id"):
        result["keys"] = {}
        return result
    list_keys = RuleResource()._ops(ctx)[3]
    with ctx.step("List the keys of %s" % params["name"]):
        keys = keys_view(list_keys(params["name"]).as_dict())
    result["keys"] = keys
    result["kafka"]["sasl_password"] = keys["primary_connection_string"]
    return result


class RuleWithKeysResource(RuleResource):
    """The authorization rule, plus its keys when the task asks for them."""

    def plan(self, ctx, desired, current):
        plan = super(RuleWithKeysResource, self).plan(ctx, desired, current)
        if not plan.changed:
            add_keys(ctx, plan.result)
        return plan

    def apply(self, ctx, plan, failures):
        super(RuleWithKeysResource, self).apply(ctx, plan, failures)
        if plan.data != "delete":
            add_keys(ctx, plan.result)


# --------------------------------------------------------------------------------------------
# Info
# --------------------------------------------------------------------------------------------

class InfoResource(Resource):
    service = "Azure"

    def read(self, ctx, desired):
        params = ctx.params
        client = ctx.client
        rg, ns = params["resource_group"], params["namespace"]
        if not ns:
            with ctx.step("List namespaces"):
                items = client.namespaces.list_by_resource_group(rg) if rg \
                    else client.namespaces.list()
                views = [namespace_view(item.as_dict()) for item in items]
            return dict(namespaces=[dict(view, kafka=kafka_settings(view)) for view in views])
        if not rg:
            raise InvalidInput("namespace needs resource_group.")
        view = read_namespace(ctx, rg, ns, required=False)
        if not view:
            return dict(namespaces=[], exists=False)
        with ctx.step("List the event hubs of %s" % ns):
            hubs = []
            for raw in client.event_hubs.list_by_namespace(rg, ns):
                raw = raw.as_dict()
                groups = [g.as_dict() for g in
                          client.consumer_groups.list_by_event_hub(rg, ns, raw["name"])]
                rules = [rule_view(r.as_dict()) for r in
                         client.event_hubs.list_authorization_rules(rg, ns, raw["name"])]
                hub = hub_view(raw, groups)
                hub["authorization_rules"] = rules
                hubs.append(hub)
        with ctx.step("List the authorization rules of %s" % ns):
            rules = [rule_view(r.as_dict()) for r in
                     client.namespaces.list_authorization_rules(rg, ns)]
        with ctx.step("Read the network rule set of %s" % ns):
            network = network_rules_view(_get(client.namespaces.get_network_rule_set, rg, ns))
        view = dict(view, kafka=kafka_settings(view), event_hubs=hubs,
                    authorization_rules=rules, network_rule_set=network)
        return dict(namespaces=[view], exists=True)

    def plan(self, ctx, desired, current):
        return Plan(False, current)
