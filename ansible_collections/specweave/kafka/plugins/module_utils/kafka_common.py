# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection layer shared by every module that talks to Kafka's admin API.

``kafka_common_argument_spec()`` is the argument spec documented by the ``specweave.kafka.kafka``
doc fragment; ``KafkaConnection`` (the family's seam on the runner) checks the dependency, builds
one admin client per task and turns library errors into one clear message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import logging
import re
import threading
import time
import traceback

from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible_collections.specweave.kafka.plugins.module_utils import kafka_wire
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_iam import (
    MSK_SIGNER_IMPORT_ERROR,
    MSK_SIGNER_REQUIREMENT,
    MskIamToken,
    msk_region,
)
from ansible_collections.specweave.kafka.plugins.module_utils.http_client import tls_problem
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    Connection,
    ModuleFailure,
)

KAFKA_IMPORT_ERROR = None
try:
    from kafka import KafkaAdminClient
    from kafka import errors as kafka_errors
except ImportError:  # pragma: no cover - reported by KafkaConnection.check
    KafkaAdminClient = None
    kafka_errors = None
    KAFKA_IMPORT_ERROR = traceback.format_exc()

try:
    from kafka.net.sasl.oauth import AbstractTokenProvider as _TokenProviderBase
except ImportError:  # older kafka-python layouts
    try:
        from kafka.sasl.oauth import AbstractTokenProvider as _TokenProviderBase
    except ImportError:
        _TokenProviderBase = object

# Extra time on top of request_timeout_ms before the connection watchdog gives up. kafka-python
# bounds the bootstrap loop but not a single TLS/SASL handshake that the peer never answers.
CONNECT_GRACE_SECONDS = 5.0
# how often the connection watchdog looks at the client's warnings for a refused handshake or login
CONNECT_POLL_SECONDS = 0.05

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
        ssl_check_hostname=dict(type="bool", default=True,
                                fallback=(env_fallback, ["KAFKA_SSL_CHECK_HOSTNAME"])),
        client_id=dict(type="str", default="specweave-kafka-ansible",
                       fallback=(env_fallback, ["KAFKA_CLIENT_ID"])),
        request_timeout_ms=dict(type="int", default=30000,
                                fallback=(env_fallback, ["KAFKA_REQUEST_TIMEOUT_MS"])),
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


class _StaticTokenProvider(_TokenProviderBase):
    """kafka-python OAUTHBEARER token provider for a token given as a module option.

    kafka-python refuses providers that do not derive from its ``AbstractTokenProvider``.
    """

    def __init__(self, token):  # pylint: disable=super-init-not-called
        self._token = token

    def token(self):
        return self._token

    def extensions(self):
        return {}


class MskIamTokenProvider(_TokenProviderBase):
    """kafka-python OAUTHBEARER token provider for ``sasl_mechanism: AWS_MSK_IAM``: tokens from
    AWS's signer (``aws_msk_iam.MskIamToken``), made again before they expire."""

    def __init__(self, region, signer=None):  # pylint: disable=super-init-not-called
        self.tokens = MskIamToken(region, signer=signer)

    def token(self):
        return self.tokens.get()[0]

    def extensions(self):
        return {}


def client_config(params, msk_signer=None, environ=None):
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
        elif mechanism == "AWS_MSK_IAM":
            # MSK's IAM authentication is OAUTHBEARER with a token from AWS's signer
            config["sasl_mechanism"] = "OAUTHBEARER"
            config["sasl_oauth_token_provider"] = MskIamTokenProvider(
                msk_region(servers, environ), signer=msk_signer)
        else:
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
            problems.append("bootstrap server %r is not host:port (port 1-65535), for example "
                            "'broker1:9092'" % server)
    timeout = params.get("request_timeout_ms")
    if timeout is not None and timeout <= 0:
        problems.append("request_timeout_ms must be a positive number of milliseconds, got %s"
                        % timeout)
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
    if not mechanism and (params.get("sasl_username") or params.get("sasl_password")):
        problems.append("sasl_username/sasl_password are set but sasl_mechanism is not; set "
                        "sasl_mechanism (e.g. SCRAM-SHA-512) and security_protocol SASL_SSL")
    if mechanism == "OAUTHBEARER" and not params.get("sasl_oauth_token"):
        problems.append("sasl_mechanism OAUTHBEARER needs sasl_oauth_token")
    if mechanism == "AWS_MSK_IAM" and protocol != "SASL_SSL":
        problems.append("sasl_mechanism AWS_MSK_IAM needs security_protocol SASL_SSL "
                        "(MSK serves IAM authentication on its TLS listener, port 9098)")
    if bool(params.get("ssl_certfile")) != bool(params.get("ssl_keyfile")):
        problems.append("ssl_certfile and ssl_keyfile must be given together (client certificate)")
    if not protocol.endswith("SSL"):
        tls_options = [key for key in ("ssl_cafile", "ssl_certfile", "ssl_keyfile")
                       if params.get(key)]
        if tls_options:
            problems.append("%s set but security_protocol is %s, which does not use TLS; set "
                            "security_protocol SSL or SASL_SSL"
                            % (", ".join(tls_options), protocol))
    return problems


# Words in kafka-python's log lines / exception texts that identify the kind of failure (the
# library's wording is kept in kafka_wire with its other internals).
_TLS_MARKERS = kafka_wire.LOG_TLS_MARKERS
_AUTH_MARKERS = kafka_wire.LOG_AUTH_MARKERS
_NOT_BROKER_MARKERS = kafka_wire.LOG_NOT_BROKER_MARKERS


def _classify(texts):
    """Return 'tls', 'auth', 'not_broker' or None for a list of error texts (last one wins)."""
    for text in reversed([t for t in texts if t]):
        lowered = text.lower()
        if any(marker in lowered for marker in _NOT_BROKER_MARKERS):
            return "not_broker"
        if any(marker in lowered for marker in _AUTH_MARKERS):
            return "auth"
        if any(marker in lowered for marker in _TLS_MARKERS):
            return "tls"
    return None


def _version_text(broker_version):
    if not broker_version:
        return None
    if isinstance(broker_version, (tuple, list)):
        return ".".join(str(part) for part in broker_version)
    return str(broker_version)


# OpenSSL's words when the certificate is trusted but names another host or address.
_HOSTNAME_MISMATCH = "MISMATCH, CERTIFICATE IS NOT VALID FOR"


def _tls_failure(what, where, detail, client_cert):
    """The cause of a failed TLS handshake in words, with its fix; None when not recognised.

    The broker's certificate is untrusted (unknown CA) or names another host, or the broker
    refused the client certificate (or its absence: an SSL listener with client auth required).
    """
    problem = tls_problem(Exception(detail))
    if problem == "server" and _HOSTNAME_MISMATCH in detail.upper():
        return ("%s: the broker certificate at %s is trusted but does not name the address the "
                "client connected to (%s). Use a bootstrap server name the certificate lists "
                "(subjectAltName), or set ssl_check_hostname: false." % (what, where, detail))
    if problem == "server":
        return ("%s: the broker certificate at %s is not trusted (%s). Set ssl_cafile (or "
                "KAFKA_SSL_CAFILE) to the CA that signed the broker certificates."
                % (what, where, detail))
    if problem == "client" and client_cert:
        return ("%s: the broker at %s refused the client certificate %s (%s). Use a certificate "
                "signed by a CA the broker trusts (its ssl.truststore) in ssl_certfile and "
                "ssl_keyfile." % (what, where, client_cert, detail))
    if problem == "client":
        return ("%s: the listener at %s requires a client certificate and none was given (%s). "
                "Set ssl_certfile and ssl_keyfile (or KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE), "
                "or connect to a SASL_SSL listener." % (what, where, detail))
    return None


def _unreachable_errors():
    """kafka-python's errors for "no broker answered" (the names differ between releases)."""
    return tuple(getattr(kafka_errors, n) for n in (
        "KafkaTimeoutError", "NoBrokersAvailable", "KafkaConnectionError")
        if hasattr(kafka_errors, n))


def describe_error(exc, servers, operation=None, details=None, broker_version=None,
                   client_cert=None):
    """One clear sentence for a kafka-python exception: what failed, and how to fix it.

    ``details`` are recent warnings of the client library (the cause of a bootstrap timeout is
    only logged there); ``broker_version`` is the version the client detected, if any;
    ``client_cert`` the ``ssl_certfile`` used, if any (a refused certificate is named).
    """
    where = ", ".join(servers) if servers else "(no servers)"
    what = "%s failed" % operation if operation else "Kafka request failed"
    name = type(exc).__name__
    text = str(exc) or name
    # kafka-python's broker errors already read "[Error 58] SaslAuthenticationFailedError: ..."
    named = text if name in text else "%s: %s" % (name, text)
    details = [d for d in (details or []) if d]
    last_detail = details[-1] if details else None
    version = _version_text(broker_version)
    kind = _classify([text]) or _classify(details)
    if kafka_errors is not None:
        unreachable = _unreachable_errors()
        auth_failed = getattr(kafka_errors, "SaslAuthenticationFailedError", None)
        if auth_failed is not None and isinstance(exc, auth_failed) or (
                "Authentication" in name) or (isinstance(exc, unreachable) and kind == "auth"):
            return ("%s: authentication to %s failed (%s). Check sasl_mechanism, sasl_username "
                    "and sasl_password, and that the user exists on the cluster."
                    % (what, where, last_detail if kind == "auth" and last_detail else named))
        not_broker = isinstance(exc, kafka_errors.IncompatibleBrokerVersion) and \
            operation == "connecting"
        if not_broker or isinstance(exc, unreachable) and kind == "not_broker":
            return ("%s: the server at %s answered but does not serve Kafka client "
                    "requests (%s). Is this a KRaft controller listener rather than a "
                    "broker listener?" % (what, where, last_detail if kind == "not_broker"
                                          and last_detail else named))
        request_timeout = getattr(kafka_errors, "KafkaTimeoutError", None)
        if request_timeout is not None and isinstance(exc, request_timeout) and \
                operation not in (None, "connecting"):
            # Connected already: a timeout now is a slow answer, not a TLS or network problem
            # (the client's older warnings would mislead).
            return ("%s: %s did not answer within request_timeout_ms (%s). The cluster may be "
                    "busy or the request too large: raise request_timeout_ms or split the "
                    "task." % (what, where, named))
        if isinstance(exc, unreachable):
            if kind == "tls":
                cause = _tls_failure(what, where, last_detail or text, client_cert)
                if cause:
                    return cause
                return ("%s: TLS handshake with %s failed (%s). Check ssl_cafile, the broker "
                        "certificate, ssl_check_hostname, the client certificate (ssl_certfile, "
                        "ssl_keyfile) if the listener requires one, and that security_protocol "
                        "matches the listener." % (what, where, last_detail or text))
            cause = " Last error: %s." % last_detail if last_detail else ""
            return ("%s: could not connect to any of the bootstrap servers %s within the "
                    "timeout (%s).%s Check that the brokers are running and reachable, and "
                    "that security_protocol matches the listener." % (what, where, named, cause))
        if isinstance(exc, kafka_errors.AuthorizationError) or "Authorization" in name:
            return ("%s: the principal is not authorized (%s). Grant the needed ACLs or "
                    "connect as a super user." % (what, named))
        if isinstance(exc, kafka_errors.IncompatibleBrokerVersion) or "Unsupported" in name:
            return ("%s: the broker at %s%s does not support this operation (%s). It needs "
                    "a newer Kafka version." % (what, where,
                                                " (Kafka %s)" % version if version else "",
                                                named))
    if kind == "tls" or "ssl" in name.lower():
        return "%s: TLS error talking to %s (%s). Check the ssl_* options." % (
            what, where, named)
    return "%s against %s: %s" % (what, where, named)


def is_retriable(exc, details=None):
    """Whether a failed request may succeed when asked again: no broker reachable or no answer
    in time (a node restarting), or a Kafka error the protocol marks retriable (NOT_CONTROLLER,
    LEADER_NOT_AVAILABLE...). Refused credentials or certificates, a missing permission and a
    listener that does not speak Kafka are not: asking again gives the same answer."""
    if kafka_errors is None:
        return False
    name = type(exc).__name__
    if "Authentication" in name or "Authorization" in name:
        return False
    if _classify([str(exc)] + list(details or [])) is not None:
        return False
    return isinstance(exc, _unreachable_errors()) or bool(getattr(exc, "retriable", False))


_NOISE = kafka_wire.LOG_NOISE
_ABORT = re.compile(r"^<[^>]*>: Abort \((.*)\)$")
_BACKOFF = kafka_wire.LOG_BACKOFF


class _RecentWarnings(logging.Handler):
    """Keeps the last warnings of kafka-python: the cause of a failed bootstrap is only logged."""

    def __init__(self, size=20):
        logging.Handler.__init__(self, logging.WARNING)
        self.size = size
        self.messages = []
        self.disconnects = 0  # connection attempts that failed with LOG_SOCKET_DISCONNECTED

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not break the module
            return
        if any(noise in message for noise in _NOISE):
            return
        message = _BACKOFF.sub("", message)
        if kafka_wire.LOG_SOCKET_DISCONNECTED in message and "failed: " in message:
            # one line per failed attempt ("... connection to X failed: ... socket disconnected")
            self.disconnects += 1
        if message in self.messages:
            self.messages.remove(message)
        self.messages.append(message)
        del self.messages[:-self.size]


class KafkaConnection(Connection):
    """The Kafka family for the runner: one admin client per task, clear failures.

    ``check`` verifies kafka-python and the connection options and captures kafka-python's
    warnings (the cause of a failed bootstrap is only logged); ``open`` connects behind a
    watchdog (kafka-python does not bound a TLS/SASL handshake the peer never answers);
    ``describe`` turns a library error into one sentence naming the step.
    """

    def __init__(self):
        self.params = {}
        self.admin = None
        self.warnings = _RecentWarnings()

    def argument_spec(self):
        return kafka_common_argument_spec()

    def check(self, module):
        self.params = module.params
        if KAFKA_IMPORT_ERROR:
            module.fail_json(msg=missing_required_lib(kafka_wire.REQUIREMENT),
                             exception=KAFKA_IMPORT_ERROR)
        if self.params.get("sasl_mechanism") == "AWS_MSK_IAM" and MSK_SIGNER_IMPORT_ERROR:
            module.fail_json(msg=missing_required_lib(MSK_SIGNER_REQUIREMENT),
                             exception=MSK_SIGNER_IMPORT_ERROR)
        version_problem = kafka_wire.library_version_problem()
        if version_problem:
            module.fail_json(msg=version_problem)
        problems = validate_connection_params(self.params)
        if problems:
            module.fail_json(msg="Invalid connection options: " + "; ".join(problems))
        if self.params.get("sasl_mechanism") == "AWS_MSK_IAM" and not msk_region(self.servers):
            module.fail_json(msg="Invalid connection options: sasl_mechanism AWS_MSK_IAM needs the "
                             "AWS region of the cluster: set AWS_REGION, or use the brokers' MSK "
                             "names (*.kafka.<region>.amazonaws.com)")
        kafka_logger = logging.getLogger("kafka")
        kafka_logger.addHandler(self.warnings)
        if kafka_logger.level == logging.NOTSET or kafka_logger.level > logging.WARNING:
            kafka_logger.setLevel(logging.WARNING)

    @property
    def servers(self):
        return split_servers(self.params.get("bootstrap_servers"))

    @property
    def connect_timeout(self):
        """Seconds the connection watchdog waits for the client to bootstrap."""
        return (self.params.get("request_timeout_ms") or 30000) / 1000.0 + CONNECT_GRACE_SECONDS

    def open(self, ctx=None):
        outcome = {}
        config = client_config(self.params)

        def connect():
            try:
                outcome["admin"] = KafkaAdminClient(**config)
            except Exception as exc:  # library errors are many; all end in one message
                outcome["error"] = exc
                outcome["traceback"] = traceback.format_exc()

        worker = threading.Thread(target=connect, name="specweave-kafka-connect")
        worker.daemon = True
        worker.start()
        deadline = time.monotonic() + self.connect_timeout
        while worker.is_alive() and time.monotonic() < deadline:
            worker.join(CONNECT_POLL_SECONDS)
            refusal = self._refusal()
            if refusal is not None and worker.is_alive():
                # kafka-python would retry the same certificates or credentials until the timeout
                failure = ModuleFailure(describe_error(
                    kafka_errors.KafkaTimeoutError("refused, not retried"), self.servers,
                    "connecting",
                    details=[refusal], client_cert=self.params.get("ssl_certfile")))
                failure.retriable = False
                raise failure
        if worker.is_alive():
            raise ModuleFailure(self._hang_message())
        if "error" in outcome:
            details = list(self.warnings.messages)
            if self.params.get("sasl_mechanism") and any(
                    kafka_wire.LOG_SOCKET_DISCONNECTED in d for d in details):
                # kafka-python 3.0.x drops the broker's SaslAuthenticate error when the
                # broker closes the connection right after sending it (it always does on a
                # failed login): on a SASL listener that disconnect is a refused login.
                details.append("the broker closed the connection during SASL authentication")
            failure = ModuleFailure(describe_error(outcome["error"], self.servers, "connecting",
                                                   details=details,
                                                   client_cert=self.params.get("ssl_certfile")),
                                    exception=outcome["traceback"])
            failure.retriable = is_retriable(outcome["error"], details)
            raise failure
        self.admin = outcome["admin"]
        return self.admin

    def _refusal(self):
        """Why the broker refused the TLS handshake or the SASL login, from the client's warnings;
        None while nothing says so. OpenSSL's or the broker's own refusal counts at once;
        kafka-python 3.0.x loses the broker's when the broker closes the connection right after
        sending it, so on a SASL connection a second such disconnect counts too (one may be a
        broker going away)."""
        for message in reversed(self.warnings.messages):
            if any(marker in message.lower() for marker in kafka_wire.LOG_AUTH_REFUSED_MARKERS
                   + kafka_wire.LOG_TLS_REFUSED_MARKERS):
                # the transport's "<KafkaSSLTransport ...>: Abort (<error>)": the error alone
                aborted = _ABORT.match(message)
                return aborted.group(1) if aborted else message
        if self.params.get("sasl_mechanism") and self.warnings.disconnects >= 2:
            return "the broker closed the connection during SASL authentication"
        return None

    def _hang_message(self):
        detail = " Last error: %s." % self.warnings.messages[-1] if self.warnings.messages else ""
        return ("connecting failed: no answer from the bootstrap servers %s within %d ms "
                "(the connection opened but the Kafka/TLS/SASL handshake never completed).%s "
                "Check that security_protocol (%s) matches the listener on that port."
                % (", ".join(self.servers), self.connect_timeout * 1000, detail,
                   self.params.get("security_protocol") or "PLAINTEXT"))

    def broker_version(self):
        """Kafka version the client detected, as a string (None before connecting)."""
        if self.admin is None:
            return None
        return _version_text(kafka_wire.broker_version(self.admin))

    def describe(self, exc, step):
        return describe_error(exc, self.servers, step, details=self.warnings.messages,
                              broker_version=self.broker_version(),
                              client_cert=self.params.get("ssl_certfile"))

    def retriable(self, exc):
        return is_retriable(exc, self.warnings.messages)

    def close(self, client):
        self.admin = None
        try:
            client.close()
        except Exception:  # closing must never mask the real outcome
            pass
