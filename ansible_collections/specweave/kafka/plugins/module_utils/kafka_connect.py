# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kafka Connect REST client on the collection's one HTTP layer, and the family's connection.

``KafkaConnectClient`` speaks the worker REST API of Apache Kafka Connect (any distribution:
Apache, Confluent Platform, Strimzi, MSK Connect's self-managed workers) through
``module_utils.http_client`` (one reused opener, the one retry policy, TLS options). The family
hook adds the Connect specifics: its ``{"error_code", "message"}`` error bodies in one clear
sentence, and a retry of HTTP 409 while the workers rebalance (the request was not processed).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.six.moves.urllib.parse import quote
from ansible_collections.specweave.kafka.plugins.module_utils.http_client import (
    HttpClient,
    HttpFamily,
    RetryPolicy,
    rest_argument_spec,
    tls_dropped,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import Connection


def kafka_connect_argument_spec():
    """Connection options shared by the Connect modules (doc fragment ``kafka_connect``),
    with the ``KAFKA_CONNECT_*`` environment fallbacks."""
    return rest_argument_spec("KAFKA_CONNECT")


KAFKA_CONNECT_MUTUALLY_EXCLUSIVE = [("token", "username")]
KAFKA_CONNECT_REQUIRED_TOGETHER = [("username", "password"), ("client_cert", "client_key")]


class KafkaConnectError(Exception):
    """A failed Connect REST call: HTTP status (None when no answer came) and the worker's text."""

    def __init__(self, message, status=None, worker_message=None):
        super(KafkaConnectError, self).__init__(message)
        self.message = message
        self.status = status
        self.worker_message = worker_message


_PLUGIN_DESC = re.compile(r"PluginDesc\{klass=class ([^,]+),[^}]*\}")
_EXCEPTION_PREFIX = re.compile(r"^(?:[a-z][\w.]*\.[A-Z]\w*(?:Exception|Error): )+")


def raw_text(body):
    """The message of an error body (``{"error_code", "message"}`` or text) as the worker sent it."""
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)
    if body is None:
        return ""
    return str(body).strip()[:500]


def worker_text(body):
    """The worker's message without Java exception class prefixes, plugin descriptions cut to
    their class names."""
    return _EXCEPTION_PREFIX.sub("", _PLUGIN_DESC.sub(r"\1", raw_text(body)))


def bad_request(status, text):
    """A worker wraps some refusals of a request (an unknown connector class) in HTTP 500:
    deterministic, never retried, and a refusal of the input like a 400."""
    return status == 400 or (status == 500 and "BadRequestException" in (text or ""))


def rebalancing(status, text):
    """True for the 409 a worker answers while the group rebalances: retrying is the fix."""
    text = (text or "").lower()
    return status == 409 and ("rebalanc" in text or "stale" in text or "momentarily" in text)


class KafkaConnectFamily(HttpFamily):
    """Connect's hooks on the shared HTTP layer: its messages, 409 during rebalances retried."""

    name = "Kafka Connect"

    def __init__(self, base_url):
        self.base_url = base_url

    def error(self, failure):
        what = "%s %s" % (failure.method, failure.url)
        if failure.status is None:
            exc = failure.exc
            if failure.tls == "server":
                return KafkaConnectError(
                    "TLS validation failed for %s: %s. Set ca_path to the CA that signed the "
                    "worker's certificate (or validate_certs=false for tests only)."
                    % (what, failure.reason))
            if failure.tls == "client":
                return KafkaConnectError(
                    "The Connect worker at %s refused the TLS client certificate (%s): %s. Set "
                    "client_cert and client_key to a certificate signed by a CA it trusts."
                    % (self.base_url, what, failure.reason))
            if failure.tls == "files":
                return KafkaConnectError(
                    "Cannot load the TLS files (ca_path=%s, client_cert=%s, client_key=%s): %s."
                    % (exc.ca_path, exc.client_cert, exc.client_key, exc.reason))
            hint = ("The worker closed the TLS connection without an answer; if it requires a "
                    "client certificate, set client_cert and client_key."
                    if tls_dropped(failure.url, exc)
                    else "Check url and that the worker is running and reachable.")
            return KafkaConnectError("Cannot reach Kafka Connect at %s (%s): %s. %s"
                                     % (self.base_url, what, failure.reason, hint))
        if failure.status < 300:
            return KafkaConnectError("Kafka Connect answered %s with a body that is not JSON; "
                                     "check that url is the worker's REST root." % what,
                                     status=failure.status)
        status = 400 if bad_request(failure.status, raw_text(failure.body)) else failure.status
        text = worker_text(failure.body)
        return KafkaConnectError(error_message(what, status, text), status=status,
                                 worker_message=text)

    def retryable(self, failure):
        if bad_request(failure.status, raw_text(failure.body)):
            return False
        if rebalancing(failure.status, worker_text(failure.body)):
            return True
        return None


def error_message(what, status, text):
    """One sentence per class of refusal, naming what failed and how to fix it."""
    detail = text or "no details"
    if status == 401:
        return ("Kafka Connect rejected the credentials (HTTP 401) for %s: %s. Check username and "
                "password (the worker's basic authentication) or token." % (what, detail))
    if status == 403:
        return ("Kafka Connect denied access (HTTP 403) for %s: %s." % (what, detail))
    if status == 404:
        return ("Kafka Connect answered not found (HTTP 404) for %s: %s. Check the connector name "
                "and that url is the worker's REST root (http://host:8083)." % (what, detail))
    if status == 409:
        return ("Kafka Connect refused %s while its workers rebalance (HTTP 409): %s. Retry once "
                "the group is stable (raise retries)." % (what, detail))
    if status == 400:
        return "Kafka Connect refused %s as invalid (HTTP 400): %s" % (what, detail)
    return "Kafka Connect call %s failed (HTTP %s): %s" % (what, status, detail)


def retry_policy(retries=3, sleep=None, rand=None):
    """Connect's settings of the one retry policy: 0.5 s doubling up to 10 s with jitter (a
    rebalance takes a few seconds), ``Retry-After`` honoured up to 30 s."""
    return RetryPolicy(retries=retries, base=0.5, cap=10.0, max_retry_after=30.0, sleep=sleep,
                       rand=rand)


def q(value):
    return quote(str(value), safe="")


class KafkaConnectClient(object):
    """The worker REST API calls the modules use. ``opener``/``sleep``/``rand`` are for tests."""

    def __init__(self, url, username=None, password=None, token=None, ca_path=None,
                 client_cert=None, client_key=None, validate_certs=True, timeout=30, retries=3,
                 opener=None, sleep=None, rand=None):
        self.url = url.rstrip("/")
        self.sleep = sleep
        self.http = HttpClient(
            self.url, family=KafkaConnectFamily(self.url), username=username, password=password,
            token=token, ca_path=ca_path, client_cert=client_cert, client_key=client_key,
            validate_certs=validate_certs, timeout=timeout,
            retry=retry_policy(retries, sleep, rand), opener=opener)

    @classmethod
    def from_params(cls, params):
        return cls(params["url"], username=params.get("username"), password=params.get("password"),
                   token=params.get("token"), ca_path=params.get("ca_path"),
                   client_cert=params.get("client_cert"), client_key=params.get("client_key"),
                   validate_certs=params.get("validate_certs", True),
                   timeout=params.get("timeout") or 30, retries=params.get("retries", 3))

    @property
    def requests(self):
        return self.http.requests

    def request(self, method, path, body=None, query=None, unsafe_retry=False):
        return self.http.request(method, path, body=body, query=query, unsafe_retry=unsafe_retry)

    # -- reads ------------------------------------------------------------------------------
    def worker(self):
        """``{"version", "commit", "kafka_cluster_id"}`` of the worker."""
        return self.request("GET", "/") or {}

    def plugins(self):
        return self.request("GET", "/connector-plugins") or []

    def connectors(self):
        """Every connector with its info and status in one call: ``{name: {"info", "status"}}``."""
        return self.request("GET", "/connectors", query={"expand": ["info", "status"]}) or {}

    def config(self, name):
        """The connector's config, or None when it does not exist."""
        try:
            return self.request("GET", "/connectors/%s/config" % q(name))
        except KafkaConnectError as exc:
            if exc.status == 404:
                return None
            raise

    def status(self, name):
        """The connector's status, or None when it does not exist."""
        try:
            return self.request("GET", "/connectors/%s/status" % q(name))
        except KafkaConnectError as exc:
            if exc.status == 404:
                return None
            raise

    def offsets(self, name):
        """The connector's offsets (Kafka 3.5+), ``{"offsets": [{"partition", "offset"}]}``."""
        return self.request("GET", "/connectors/%s/offsets" % q(name)) or {"offsets": []}

    def validate(self, config):
        """The worker's validation of ``config`` against its plugin (``connector.class``)."""
        plugin = config.get("connector.class", "")
        return self.request("PUT", "/connector-plugins/%s/config/validate" % q(plugin), body=config)

    # -- writes -----------------------------------------------------------------------------
    def put_config(self, name, config):
        """Create the connector or replace its whole config (PUT: safe to repeat)."""
        return self.request("PUT", "/connectors/%s/config" % q(name), body=config)

    def delete(self, name):
        return self.request("DELETE", "/connectors/%s" % q(name))

    def pause(self, name):
        return self.request("PUT", "/connectors/%s/pause" % q(name))

    def resume(self, name):
        return self.request("PUT", "/connectors/%s/resume" % q(name))

    def stop(self, name):
        return self.request("PUT", "/connectors/%s/stop" % q(name))

    def restart(self, name, include_tasks=True, only_failed=True):
        # restarting twice does no harm: the worker restarts what is failed at that moment
        return self.request("POST", "/connectors/%s/restart" % q(name),
                            query={"includeTasks": include_tasks, "onlyFailed": only_failed},
                            unsafe_retry=True)

    def reset_offsets(self, name):
        return self.request("DELETE", "/connectors/%s/offsets" % q(name))


class KafkaConnectConnection(Connection):
    """The Connect family for the runner: its options, one client per task."""

    module_kwargs = dict(mutually_exclusive=KAFKA_CONNECT_MUTUALLY_EXCLUSIVE,
                         required_together=KAFKA_CONNECT_REQUIRED_TOGETHER)

    def argument_spec(self):
        return kafka_connect_argument_spec()

    def open(self, ctx):
        return KafkaConnectClient.from_params(ctx.params)

    def describe(self, exc, step):
        if isinstance(exc, KafkaConnectError):
            return "%s: %s" % (step, exc.message) if step else exc.message
        return None

    def retriable(self, exc):
        return isinstance(exc, KafkaConnectError) and (exc.status is None or exc.status >= 500
                                                       or exc.status == 409)

    def result_extras(self, client):
        return {"requests": client.requests}
