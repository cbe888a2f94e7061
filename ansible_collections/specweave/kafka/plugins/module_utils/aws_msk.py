# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS MSK family on the runner: boto3 through amazon.aws's module base.

``MskConnection`` is the family's seam: the module is an ``AnsibleAWSModule`` (``region``,
``profile``, credentials and ``endpoint_url`` with amazon.aws's options and environment
fallbacks), every client is made by ``AnsibleAWSModule.client`` with amazon.aws's
``AWSRetry.jittered_backoff`` (throttling and 5xx codes are retried when a call is made with
``aws_retry=True``, as every call of the family is), and botocore's errors become one sentence
that names the IAM action AWS refused.

``wait_for_state`` is the one wait of the family: it reads until a target state, records each
state seen (``history``) and ends with the last state on a timeout.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    Connection,
    ModuleFailure,
    run_module,
)

try:
    import botocore.exceptions as botocore_exceptions
except ImportError:  # reported by AnsibleAWSModule (check_boto3)
    botocore_exceptions = None

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# Cluster states (ClusterInfo.State) that end by themselves.
TRANSITIONAL_STATES = ("CREATING", "UPDATING", "REBOOTING_BROKER", "HEALING", "MAINTENANCE",
                       "DELETING")
FAILED_STATES = ("FAILED",)
# What describe returns for a cluster that no longer exists (``wait_for_state``'s "gone").
GONE = "GONE"


class AwsClients(object):
    """The clients of one task, made on first use (``clients.kafka``, ``clients.secretsmanager``)."""

    def __init__(self, factory):
        self._factory = factory
        self._made = {}

    def service(self, name):
        """The client of ``name`` (``application-autoscaling``...)."""
        if name not in self._made:
            self._made[name] = self._factory(name)
        return self._made[name]

    def __getattr__(self, service):
        if service.startswith("_"):
            raise AttributeError(service)
        return self.service(service)


def error_code(exc):
    """The AWS error code of a botocore ``ClientError`` (None for other errors)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code")
    return None


def describe_aws_error(exc, step):
    """One sentence for a botocore error during ``step``: what failed, why, and the fix."""
    if botocore_exceptions is None:
        return None
    what = "%s failed" % step if step else "AWS request failed"
    if isinstance(exc, botocore_exceptions.NoCredentialsError):
        return ("%s: no AWS credentials were found. Set access_key/secret_key (or "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), a profile, or run where an instance "
                "or task role is available." % what)
    if isinstance(exc, botocore_exceptions.NoRegionError):
        return "%s: no AWS region is set. Set region (or AWS_REGION)." % what
    if isinstance(exc, botocore_exceptions.EndpointConnectionError):
        return "%s: the AWS endpoint could not be reached (%s)." % (what, exc)
    if isinstance(exc, botocore_exceptions.ParamValidationError):
        return "%s: the request does not match the AWS API: %s" % (what, exc)
    if isinstance(exc, botocore_exceptions.ClientError):
        code = error_code(exc) or "Error"
        message = exc.response.get("Error", {}).get("Message") or str(exc)
        service = getattr(exc, "_specweave_service", None) or "kafka"
        action = "%s:%s" % (service, getattr(exc, "operation_name", "?"))
        if code in ("AccessDeniedException", "AccessDenied", "UnauthorizedException",
                    "ForbiddenException"):
            return ("%s: AWS refused %s (%s: %s). Allow the IAM action %s to the credentials "
                    "used (see the MSK guide for each module's actions)."
                    % (what, action, code, message, action))
        return "%s: %s %s: %s" % (what, action, code, message)
    if isinstance(exc, botocore_exceptions.BotoCoreError):
        return "%s: %s" % (what, exc)
    return None


class MskConnection(Connection):
    """The AWS family: modules are ``AnsibleAWSModule``; clients retry AWS's throttling."""

    #: amazon.aws's ``AWSRetry.jittered_backoff`` settings (tests set the delay to 0).
    retries = 10
    retry_delay = 3
    retry_max_delay = 60

    def retry_decorator(self):
        return AWSRetry.jittered_backoff(retries=self.retries, delay=self.retry_delay,
                                         max_delay=self.retry_max_delay)

    def open(self, ctx):
        module = ctx.module
        decorator = self.retry_decorator()
        return AwsClients(lambda service: module.client(service, retry_decorator=decorator))

    def describe(self, exc, step):
        return describe_aws_error(exc, step)

    def retriable(self, exc):
        return error_code(exc) in ("TooManyRequestsException", "ThrottlingException",
                                   "ServiceUnavailableException", "InternalServerErrorException")


def run_aws_module(resource, argument_spec, connection=None, **module_kwargs):
    """``runner.run_module`` with amazon.aws's module base."""
    run_module(resource, argument_spec, connection or MskConnection(),
               module_class=AnsibleAWSModule, **module_kwargs)


def not_found(exc):
    return error_code(exc) == "NotFoundException"


def wait_for_state(read, targets, timeout, delay, history, what, clock=time.monotonic,
                   sleep=time.sleep, failed=FAILED_STATES):
    """Read ``(state, raw)`` until ``state`` is in ``targets``; return ``raw``.

    Each state seen is appended to ``history`` (not twice in a row). A state in ``failed`` ends
    the wait with the reason; so does ``timeout`` seconds, with the last state seen.
    """
    deadline = clock() + timeout
    while True:
        state, raw = read()
        if not history or history[-1] != state:
            history.append(state)
        if state in targets:
            return raw
        if state in failed:
            raise ModuleFailure("%s is %s (states seen: %s); %s" % (
                what, state, " -> ".join(history), failure_reason(raw)),
                state_history=list(history))
        if clock() >= deadline:
            raise ModuleFailure(
                "Timed out after %ss waiting for %s to be %s; its last state was %s (states "
                "seen: %s). Raise wait_timeout, or run again later: nothing is sent twice."
                % (timeout, what, " or ".join(targets), state, " -> ".join(history)),
                state_history=list(history))
        sleep(delay)


def failure_reason(raw):
    info = (raw or {}).get("StateInfo") or {}
    if info.get("Message") or info.get("Code"):
        return "AWS says: %s %s" % (info.get("Code") or "", info.get("Message") or "")
    return "see the cluster's events in the MSK console"
