# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""msk_configuration: an MSK configuration from a properties dict, one revision per change.

The properties have the shape of the kafka_broker role's ``kafka_broker_properties`` (rendered
the same way: booleans in lower case). The module compares them with the configuration's latest
revision and sends ``UpdateConfiguration`` (a new revision) only when they differ.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.six import string_types
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)


def property_text(value):
    """A property value as server.properties has it (the broker role's rendering)."""
    if isinstance(value, bool):
        return str(value).lower()
    return to_text(value)


def render_properties(properties):
    """``{key: value}`` -> server.properties text, keys sorted."""
    return "".join("%s=%s\n" % (key, property_text(value))
                   for key, value in sorted(properties.items()))


def parse_properties(text):
    """server.properties text (str or bytes) -> ``{key: value}`` (comments and blanks skipped)."""
    result = {}
    for line in to_text(text or "").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        result[key.strip()] = value.strip() if sep else ""
    return result


def validate(params):
    problems = []
    name = params.get("name") or ""
    if not re.match(r"^[0-9A-Za-z][0-9A-Za-z-]{0,63}$", name):
        problems.append("name %r is not a valid MSK configuration name: letters, digits and "
                        "hyphens, starting with a letter or digit" % name)
    properties = params.get("server_properties")
    if params.get("state", "present") == "present":
        if not properties:
            problems.append("server_properties is required with state=present (a dict such as "
                            "the kafka_broker role's kafka_broker_properties)")
        for key, value in sorted((properties or {}).items()):
            if isinstance(value, (dict, list)) or value is None:
                problems.append("server_properties.%s must be a string, number or boolean, got "
                                "%s" % (key, type(value).__name__ if value is not None else "null"))
            elif not isinstance(key, string_types) or not re.match(r"^[A-Za-z0-9._-]+$", key):
                problems.append("server_properties key %r is not a Kafka property name" % key)
    if problems:
        raise InvalidInput("Invalid msk_configuration options: " + "; ".join(problems))
    desired = dict(params)
    desired["properties"] = dict((key, property_text(value))
                                 for key, value in (properties or {}).items())
    return desired


def find_configuration(kafka, name):
    token = None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = kafka.list_configurations(aws_retry=True, **kwargs)
        for item in page.get("Configurations") or []:
            if item.get("Name") == name and item.get("State") != "DELETING":
                return item
        token = page.get("NextToken")
        if not token:
            return None


def configuration_view(item, properties):
    if not item:
        return {}
    latest = item.get("LatestRevision") or {}
    return dict(name=item.get("Name"), arn=item.get("Arn"), revision=latest.get("Revision"),
                description=latest.get("Description") or item.get("Description") or "",
                kafka_versions=list(item.get("KafkaVersions") or []),
                server_properties=dict(properties or {}))


class ConfigurationResource(Resource):
    service = "AWS MSK"

    def desired(self, ctx):
        return validate(ctx.params)

    def read(self, ctx, desired):
        kafka = ctx.client.kafka
        with ctx.step("Read MSK configuration %s" % desired["name"]):
            item = find_configuration(kafka, desired["name"])
            properties = {}
            if item:
                revision = kafka.describe_configuration_revision(
                    Arn=item["Arn"], Revision=item["LatestRevision"]["Revision"], aws_retry=True)
                properties = parse_properties(revision.get("ServerProperties"))
        return configuration_view(item, properties)

    def plan(self, ctx, desired, current):
        if desired["state"] == "absent":
            result = dict(configuration={}, arn=current.get("arn"), revision=None, changes={})
            if not current:
                return Plan(False, result, diff=dict(before={}, after={}))
            result["changes"] = {"state": ["present", "absent"]}
            return Plan(True, result, diff=dict(before=current, after={}), data="delete")
        description = desired.get("description")
        if not current:
            after = dict(name=desired["name"], arn=None, revision=1,
                         description=description or "",
                         kafka_versions=list(desired.get("kafka_versions") or []),
                         server_properties=desired["properties"])
            return Plan(True, dict(configuration=after, arn=None, revision=1,
                                   changes={"state": ["absent", "present"]}),
                        diff=dict(before={}, after=after), data="create")
        versions = desired.get("kafka_versions")
        if versions is not None and sorted(versions) != sorted(current["kafka_versions"]):
            raise ModuleFailure(
                "The MSK configuration %s is for Kafka %s and MSK cannot change that (%s asked); "
                "nothing was changed. Create a configuration under another name for those "
                "versions." % (desired["name"], ", ".join(current["kafka_versions"]) or "any",
                               ", ".join(versions)), configuration=current)
        changes = {}
        if desired["properties"] != current["server_properties"]:
            changes["server_properties"] = [current["server_properties"], desired["properties"]]
        if description is not None and description != current["description"]:
            changes["description"] = [current["description"], description]
        after = dict(current)
        if changes:
            after.update(server_properties=desired["properties"],
                         description=description if description is not None
                         else current["description"], revision=current["revision"] + 1)
        return Plan(bool(changes), dict(configuration=after, arn=current["arn"],
                                        revision=after["revision"], changes=changes),
                    diff=dict(before=current, after=after), data="update" if changes else None)

    def apply(self, ctx, plan, failures):
        kafka = ctx.client.kafka
        desired = ctx.params
        after = plan.result["configuration"]
        text = render_properties(desired.get("server_properties") or {})
        if plan.data == "delete":
            with ctx.step("Delete MSK configuration %s" % desired["name"]):
                kafka.delete_configuration(Arn=plan.result["arn"], aws_retry=True)
            return
        if plan.data == "create":
            request = {"Name": desired["name"], "ServerProperties": text.encode("utf-8")}
            if desired.get("description"):
                request["Description"] = desired["description"]
            if desired.get("kafka_versions"):
                request["KafkaVersions"] = list(desired["kafka_versions"])
            with ctx.step("Create MSK configuration %s" % desired["name"]):
                answer = kafka.create_configuration(aws_retry=True, **request)
        else:
            request = {"Arn": plan.result["arn"], "ServerProperties": text.encode("utf-8")}
            if after.get("description"):
                request["Description"] = after["description"]
            with ctx.step("Update MSK configuration %s" % desired["name"]):
                answer = kafka.update_configuration(aws_retry=True, **request)
        revision = (answer.get("LatestRevision") or {}).get("Revision", after["revision"])
        after.update(arn=answer.get("Arn", plan.result["arn"]), revision=revision)
        plan.result.update(arn=after["arn"], revision=revision, configuration=after)
        plan.diff["after"] = after
