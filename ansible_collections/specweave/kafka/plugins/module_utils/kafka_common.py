# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Connection layer shared by every module that talks to Kafka's admin API.

``kafka_common_argument_spec()`` is the argument spec documented by the ``specweave.kafka.kafka``
doc fragment; ``KafkaModule`` checks the dependency, builds one admin client per task and turns
library errors into one clear ``fail_json`` message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

KAFKA_IMPORT_ERROR = None
try:
    from kafka import KafkaAdminClient
    from kafka import errors as kafka_errors
except ImportError:  # pragma: no cover - reported by KafkaModule
    KafkaAdminClient = None
    kafka_errors = None
    KAFKA_IMPORT_ERROR = traceback.format_exc()

SECURITY_PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "AWS_MSK_IAM"]


def kafka_common_argument_spec():
    """Connection options shared by all Kafka admin modules."""
    return dict(
        bootstrap_servers=dict(type="list", elements="str",
                               fallback=(env_fallback, ["KAFKA_BOOTSTRAP_SERVERS"])),
        security_protocol=dict(type="str", choices=SECURITY_PROTOCOLS,
                               fallback=(env_fallback, ["KAFKA_SECURITY_PROTOCOL"])),
        sasl_mechanism=dict(type="str", choices=SASL_MECHANISMS,
                            fallback=(env_fallback, ["KAFKA_SASL_MECHANISM"])),
        sasl_username=dict(type="str", fallback=(env_fallback, ["KAFKA_SASL_USERNAME"])),
        sasl_password=dict(type="str", no_log=True,
                           fallback=(env_fallback, ["KAFKA_SASL_PASSWORD"])),
        sasl_oauth_token=dict(type="str", no_log=True,
                              fallback=(env_fallback, ["KAFKA_SASL_OAUTH_TOKEN"])),
        ssl_cafile=dict(type="path", fallback=(env_fallback, ["KAFKA_SSL_CAFILE"])),
        ssl_certfile=dict(type="path", fallback=(env_fallback, ["KAFKA_SSL_CERTFILE"])),
        ssl_keyfile=dict(type="path", fallback=(env_fallback, ["KAFKA_SSL_KEYFILE"])),
        ssl_password=dict(type="str", no_log=True,
                          fallback=(env_fallback, ["KAFKA_SSL_PASSWORD"])),
        ssl_check_hostname=dict(type="bool", default=True),
        client_id=dict(type="str", default="specweave-kafka-ansible"),
        request_timeout_ms=dict(type="int", default=30000),
    )


def split_servers(servers):
    """Accept a list and/or comma separated strings; return a clean list of host:port."""
    result = []
    for item in servers or []:
        for part in str(item).split(","):
            part = part.strip()
            if part:
                result.append(part)
    return result


class _StaticTokenProvider(object):
    """kafka-python OAUTHBEARER token provider for a token given as a module option."""

    def __init__(self, token):
        self._token = token

    def token(self):
        return self._token

    def extensions(self):
        return {}


def client_config(params):
    """Translate module parameters into kafka-python client keyword arguments."""
    servers = split_servers(params.get("bootstrap_servers"))
    config = dict(
        bootstrap_servers=servers,
        client_id=params.get("client_id") or "specweave-kafka-ansible",
        request_timeout_ms=params.get("request_timeout_ms") or 30000,
        bootstrap_timeout_ms=params.get("request_timeout_ms") or 30000,
        security_protocol=params.get("security_protocol") or "PLAINTEXT",
        ssl_check_hostname=params.get("ssl_check_hostname", True),
    )
    for key in ("ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_password"):
        if params.get(key):
            config[key] = params[key]
    mechanism = params.get("sasl_mechanism")
    if mechanism:
        config["sasl_mechanism"] = mechanism
        if mechanism == "OAUTHBEARER":
            config["sasl_oauth_token_provider"] = _StaticTokenProvider(params.get("sasl_oauth_token"))
        elif mechanism != "AWS_MSK_IAM":
            config["sasl_plain_username"] = params.get("sasl_username")
            config["sasl_plain_password"] = params.get("sasl_password")
    return config


def validate_connection_params(params):
    """Return a list of problems with the connection options (empty when usable)."""
    problems = []
    servers = split_servers(params.get("bootstrap_servers"))
    if not servers:
        problems.append("bootstrap_servers is required (or set KAFKA_BOOTSTRAP_SERVERS), "
                        "for example bootstrap_servers: ['broker1:9092']")
    for server in servers:
        host, sep, port = server.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            problems.append("bootstrap server %r is not host:port" % server)
    protocol = params.get("security_protocol") or "PLAINTEXT"
    mechanism = params.get("sasl_mechanism")
    if protocol.startswith("SASL_") and not mechanism:
        problems.append("security_protocol %s needs sasl_mechanism" % protocol)
    if mechanism and not protocol.startswith("SASL_"):
        problems.append("sasl_mechanism %s needs security_protocol SASL_PLAINTEXT or SASL_SSL"
                        % mechanism)
    if mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
        if not params.get("sasl_username") or params.get("sasl_password") is None:
            problems.append("sasl_mechanism %s needs sasl_username and sasl_password" % mechanism)
    if mechanism == "OAUTHBEARER" and not params.get("sasl_oauth_token"):
        problems.append("sasl_mechanism OAUTHBEARER needs sasl_oauth_token")
    if bool(params.get("ssl_certfile")) != bool(params.get("ssl_keyfile")):
        problems.append("ssl_certfile and ssl_keyfile must be given together (client certificate)")
    return problems


def describe_error(exc, servers, operation=None):
    """One clear sentence for a kafka-python exception: what failed, and how to fix it."""
    where = ", ".join(servers) if servers else "(no servers)"
    what = "%s failed" % operation if operation else "Kafka request failed"
    name = type(exc).__name__
    text = str(exc)
    if kafka_errors is not None:
        unreachable = tuple(getattr(kafka_errors, n) for n in (
            "KafkaTimeoutError", "NoBrokersAvailable", "KafkaConnectionError")
            if hasattr(kafka_errors, n))
        if isinstance(exc, unreachable):
            lowered = text.lower()
            if "ssl" in lowered or "certificate" in lowered:
                return ("%s: TLS handshake with %s failed (%s). Check ssl_cafile, the broker "
                        "certificate and ssl_check_hostname." % (what, where, text))
            return ("%s: could not connect to any of the bootstrap servers %s within the "
                    "timeout (%s: %s). Check that the brokers are running and reachable, and "
                    "that security_protocol matches the listener." % (what, where, name, text))
        auth_failed = getattr(kafka_errors, "SaslAuthenticationFailedError", None)
        if auth_failed is not None and isinstance(exc, auth_failed) or "Authentication" in name:
            return ("%s: authentication to %s failed (%s: %s). Check sasl_mechanism, "
                    "sasl_username and sasl_password." % (what, where, name, text))
        if isinstance(exc, kafka_errors.AuthorizationError) or "Authorization" in name:
            return ("%s: the principal is not authorized (%s: %s). Grant the needed ACLs or "
                    "connect as a super user." % (what, name, text))
        if isinstance(exc, kafka_errors.IncompatibleBrokerVersion) or "Unsupported" in name:
            return ("%s: the broker at %s does not support this operation (%s: %s). It needs a "
                    "newer Kafka version." % (what, where, name, text))
    if "ssl" in name.lower() or "SSL" in text:
        return "%s: TLS error talking to %s (%s: %s). Check the ssl_* options." % (
            what, where, name, text)
    return "%s against %s: %s: %s" % (what, where, name, text)


class KafkaModule(object):
    """Module wrapper: dependency check, one admin client per task, clear failures.

    Usage::

        km = KafkaModule(argument_spec=dict(...), supports_check_mode=True)
        admin = km.admin()          # connected KafkaAdminClient
        with km.operation("CreateTopics"):
            admin.create_topics(...)
    """

    def __init__(self, argument_spec=None, **kwargs):
        spec = kafka_common_argument_spec()
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self._admin = None
        if KAFKA_IMPORT_ERROR:
            self.module.fail_json(msg=missing_required_lib("kafka-python>=3.0.0"),
                                  exception=KAFKA_IMPORT_ERROR)
        problems = validate_connection_params(self.params)
        if problems:
            self.module.fail_json(msg="Invalid connection options: " + "; ".join(problems))

    @property
    def servers(self):
        return split_servers(self.params.get("bootstrap_servers"))

    def admin(self):
        if self._admin is None:
            try:
                self._admin = KafkaAdminClient(**client_config(self.params))
            except Exception as exc:  # library errors are many; all end in one message
                self.fail(exc, "connecting")
        return self._admin

    def fail(self, exc, operation=None, **result):
        self.close()
        self.module.fail_json(msg=describe_error(exc, self.servers, operation),
                              exception=traceback.format_exc(), **result)

    def operation(self, name, **result):
        return _Operation(self, name, result)

    def close(self):
        if self._admin is not None:
            try:
                self._admin.close()
            except Exception:  # closing must never mask the real outcome
                pass
            self._admin = None

    def exit_json(self, **result):
        self.close()
        self.module.exit_json(**result)

    def fail_json(self, **result):
        self.close()
        self.module.fail_json(**result)


class _Operation(object):
    def __init__(self, kafka_module, name, result):
        self.kafka_module = kafka_module
        self.name = name
        self.result = result

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or not isinstance(exc, Exception):
            return False
        self.kafka_module.fail(exc, self.name, **self.result)
        return True
