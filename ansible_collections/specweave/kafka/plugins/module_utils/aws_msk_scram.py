# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""msk_scram_secrets: the Secrets Manager secrets an MSK cluster takes its SCRAM users from.

MSK reads SCRAM users from secrets whose name starts with ``AmazonMSK_`` and that are encrypted
with a customer managed KMS key (not Secrets Manager's default key). Both rules are checked
before anything is associated: the prefix on the task's input, the key on the secrets as
Secrets Manager describes them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk import error_code
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_cluster import find_cluster
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)

PREFIX = "AmazonMSK_"
# Secrets per BatchAssociateScramSecret / BatchDisassociateScramSecret request.
BATCH = 10


def secret_name(reference):
    """The secret name of a name or an ARN (``arn:...:secret:AmazonMSK_x-AbCdEf`` -> with the
    six random characters Secrets Manager appends)."""
    if reference.startswith("arn:"):
        return reference.split(":secret:", 1)[-1]
    return reference


def validate(params):
    problems = []
    secrets = params.get("secrets") or []
    if not params.get("cluster"):
        problems.append("cluster (a name or an ARN) is required")
    for reference in secrets:
        if not secret_name(reference).startswith(PREFIX):
            problems.append("secret %r: MSK only takes secrets whose name starts with %s "
                            "(rename it, e.g. %s%s)" % (reference, PREFIX, PREFIX,
                                                        secret_name(reference)))
    if len(set(secrets)) != len(secrets):
        problems.append("secrets lists a secret twice")
    if params.get("state") == "absent" and params.get("exclusive"):
        problems.append("exclusive applies to state=present only")
    if problems:
        raise InvalidInput("Invalid msk_scram_secrets options: " + "; ".join(problems))
    return params


class Current(object):
    def __init__(self, cluster_arn, secrets, associated):
        self.cluster_arn = cluster_arn
        self.secrets = secrets  # reference -> ARN (None: no such secret)
        self.associated = associated


def _chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


class ScramSecretsResource(Resource):
    service = "AWS MSK"
    noun = "secret association"

    def desired(self, ctx):
        return validate(ctx.params)

    def read(self, ctx, desired):
        clients = ctx.client
        cluster = desired["cluster"]
        with ctx.step("Read MSK cluster %s" % cluster):
            if cluster.startswith("arn:"):
                arn = cluster
            else:
                info = find_cluster(clients.kafka, cluster)
                if info is None:
                    raise ModuleFailure("There is no MSK cluster named %s in this region; create "
                                        "it first (specweave.kafka.msk_cluster)" % cluster)
                arn = info["ClusterArn"]
        resolved = {}
        problems = []
        for reference in desired["secrets"]:
            with ctx.step("Read secret %s" % reference):
                try:
                    secret = clients.secretsmanager.describe_secret(SecretId=reference,
                                                                    aws_retry=True)
                except Exception as exc:  # pylint: disable=broad-except
                    if error_code(exc) != "ResourceNotFoundException":
                        raise
                    secret = None
            if secret is None:
                resolved[reference] = None
                if desired["state"] == "present":
                    problems.append("secret %s does not exist in Secrets Manager" % reference)
                continue
            resolved[reference] = secret["ARN"]
            if desired["state"] == "present" and not secret.get("KmsKeyId"):
                problems.append("secret %s is encrypted with Secrets Manager's default key, which "
                                "MSK cannot use: create it with a customer managed KMS key "
                                "(kms_key_id)" % reference)
        if problems:
            raise ModuleFailure("Nothing was associated: " + "; ".join(problems))
        associated = []
        with ctx.step("List the SCRAM secrets of MSK cluster %s" % cluster):
            token = None
            while True:
                kwargs = {"NextToken": token} if token else {}
                page = clients.kafka.list_scram_secrets(ClusterArn=arn, aws_retry=True, **kwargs)
                associated.extend(page.get("SecretArnList") or [])
                token = page.get("NextToken")
                if not token:
                    break
        return Current(arn, resolved, associated)

    def plan(self, ctx, desired, current):
        wanted = [arn for arn in current.secrets.values() if arn]
        before = sorted(current.associated)
        if desired["state"] == "absent":
            to_add, to_remove = [], [arn for arn in wanted if arn in before]
        else:
            to_add = [arn for arn in wanted if arn not in before]
            to_remove = [arn for arn in before if arn not in wanted] if desired["exclusive"] else []
        after = sorted(set(before) - set(to_remove) | set(to_add))
        result = dict(cluster_arn=current.cluster_arn, secrets=after, associated=to_add,
                      disassociated=to_remove)
        return Plan(bool(to_add or to_remove), result,
                    diff=dict(before={"secrets": before}, after={"secrets": after}),
                    data=(to_add, to_remove))

    def apply(self, ctx, plan, failures):
        to_add, to_remove = plan.data
        kafka = ctx.client.kafka
        arn = plan.result["cluster_arn"]
        for call, items, verb in (("batch_disassociate_scram_secret", to_remove, "disassociate"),
                                  ("batch_associate_scram_secret", to_add, "associate")):
            for chunk in _chunks(items):
                with ctx.step("%s SCRAM secrets" % verb.capitalize()):
                    answer = getattr(kafka, call)(ClusterArn=arn, SecretArnList=chunk,
                                                  aws_retry=True)
                for refused in answer.get("UnprocessedScramSecrets") or []:
                    failures.add("%s %s" % (verb, refused.get("SecretArn")), "%s: %s" % (
                        refused.get("ErrorCode"), refused.get("ErrorMessage")))
        refused_arns = set(action.split(" ", 1)[1] for action, _error in failures.items)
        after = set(plan.result["secrets"])
        for arn_ in to_add:
            if arn_ in refused_arns:
                after.discard(arn_)
        for arn_ in to_remove:
            if arn_ in refused_arns:
                after.add(arn_)
        plan.result["secrets"] = sorted(after)
        plan.diff["after"] = {"secrets": sorted(after)}
