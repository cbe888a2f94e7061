# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kafka data plane through librdkafka (``confluent-kafka``): the one place that maps the
collection's connection options (doc fragment ``specweave.kafka.kafka``, argument spec
``kafka_common.kafka_common_argument_spec``) to librdkafka settings.

``librdkafka_config(params)`` is that mapping; ``LibrdkafkaConnection`` is the family's seam on
the runner for modules that produce or consume (``kafka_message``): it checks the dependency and
the options with the same rules as the admin modules, opens a producer and a consumer on demand
and turns librdkafka's errors into the same sentences as ``kafka_common.describe_error``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import logging
import re
import time
import traceback
import uuid

from ansible.module_utils.basic import missing_required_lib
# AWS's signer for MSK IAM over OAUTHBEARER (librdkafka has no AWS_MSK_IAM mechanism), shared
# with the admin modules.
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_iam import (
    MSK_SIGNER_IMPORT_ERROR,
    MSK_SIGNER_REQUIREMENT,
    MSKAuthTokenProvider,
    msk_region,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import (
    describe_error,
    kafka_common_argument_spec,
    split_servers,
    validate_connection_params,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    Connection,
    ModuleFailure,
)

CONFLUENT_KAFKA_IMPORT_ERROR = None
try:
    import confluent_kafka
    from confluent_kafka import Consumer, KafkaException, Producer
except ImportError:  # pragma: no cover - reported by LibrdkafkaConnection.check
    confluent_kafka = None
    Consumer = Producer = None
    KafkaException = None
    CONFLUENT_KAFKA_IMPORT_ERROR = traceback.format_exc()

try:
    from kafka import errors as kafka_errors
except ImportError:  # kafka-python only lends its error classes to the messages
    kafka_errors = None

# The oldest confluent-kafka the collection is tested with.
MINIMUM_VERSION = (2, 6)
REQUIREMENT = "confluent-kafka>=2.6"

# A static OAUTHBEARER token is handed to librdkafka with this lifetime; librdkafka asks again
# (calls the callback) at 80 % of it.
STATIC_TOKEN_LIFETIME = 3600

# librdkafka's error names, by the kafka-python error whose sentence (describe_error) fits them.
_UNREACHABLE = ("_TRANSPORT", "_ALL_BROKERS_DOWN", "_RESOLVE", "_TIMED_OUT", "_MSG_TIMED_OUT",
                "_SSL", "_AUTHENTICATION", "_TIMED_OUT_QUEUE")
_AS_KAFKA_PYTHON = {
    "SASL_AUTHENTICATION_FAILED": "SaslAuthenticationFailedError",
    "TOPIC_AUTHORIZATION_FAILED": "TopicAuthorizationFailedError",
    "GROUP_AUTHORIZATION_FAILED": "GroupAuthorizationFailedError",
    "CLUSTER_AUTHORIZATION_FAILED": "ClusterAuthorizationFailedError",
}


def library_version_problem(version_text):
    """None when ``version_text`` (confluent_kafka.version()) is supported, else the fix."""
    numbers = []
    for part in str(version_text).split(".")[:2]:
        match = re.match(r"\d+", part)
        numbers.append(int(match.group(0)) if match else 0)
    if tuple(numbers) < MINIMUM_VERSION:
        return ("confluent-kafka %s is installed; this module needs %s: pip install '%s'"
                % (version_text, REQUIREMENT.split("confluent-kafka")[1], REQUIREMENT))
    return None


def static_token(token, lifetime=STATIC_TOKEN_LIFETIME, clock=time.time):
    """librdkafka ``oauth_cb`` for a token given as a module option."""
    def callback(_config):
        return token, clock() + lifetime
    return callback


def msk_token(region, provider=None):
    """librdkafka ``oauth_cb`` that signs MSK IAM tokens with the AWS credentials around."""
    def callback(_config):
        signer = provider or MSKAuthTokenProvider
        token, expiry_ms = signer.generate_auth_token(region)
        return token, expiry_ms / 1000.0
    return callback


def librdkafka_config(params, msk_provider=None, environ=None):
    """Translate the collection's connection options into librdkafka settings.

    The same options as the admin modules: ``bootstrap_servers``, ``security_protocol``,
    ``sasl_*`` (PLAIN, SCRAM, OAUTHBEARER with a static token, AWS_MSK_IAM through OAUTHBEARER
    and AWS's signer), ``ssl_*``, ``client_id`` and ``request_timeout_ms``.
    """
    servers = split_servers(params.get("bootstrap_servers"))
    timeout_ms = params.get("request_timeout_ms") or 30000
    protocol = params.get("security_protocol") or "PLAINTEXT"
    config = {
        "bootstrap.servers": ",".join(servers),
        "client.id": params.get("client_id") or "specweave-kafka-ansible",
        "security.protocol": protocol.lower(),
        "socket.timeout.ms": timeout_ms,
        "socket.connection.setup.timeout.ms": timeout_ms,
        # never create a topic by naming it (a producer would by default)
        "allow.auto.create.topics": False,
    }
    if protocol.endswith("SSL"):
        # without a CA file: the system trust store (librdkafka's bundled OpenSSL looks for it)
        config["ssl.ca.location"] = params.get("ssl_cafile") or "probe"
        config["ssl.endpoint.identification.algorithm"] = (
            "https" if params.get("ssl_check_hostname", True) else "none")
        for option, setting in (("ssl_certfile", "ssl.certificate.location"),
                                ("ssl_keyfile", "ssl.key.location"),
                                ("ssl_password", "ssl.key.password")):
            if params.get(option):
                config[setting] = params[option]
    mechanism = params.get("sasl_mechanism")
    if mechanism == "OAUTHBEARER":
        config["sasl.mechanism"] = "OAUTHBEARER"
        config["oauth_cb"] = static_token(params.get("sasl_oauth_token"))
    elif mechanism == "AWS_MSK_IAM":
        config["sasl.mechanism"] = "OAUTHBEARER"
        config["oauth_cb"] = msk_token(msk_region(servers, environ), msk_provider)
    elif mechanism:
        config["sasl.mechanism"] = mechanism
        config["sasl.username"] = params.get("sasl_username")
        config["sasl.password"] = params.get("sasl_password")
    return config


class RecentErrors(logging.Handler):
    """librdkafka's last distinct errors and warnings: its ``error_cb`` and its log lines.

    The cause of a failed connection (refused, TLS, SASL) is only reported there; the request
    that fails says "transport failure".
    """

    def __init__(self, size=20):
        logging.Handler.__init__(self, logging.WARNING)
        self.size = size
        self.messages = []
        self.logger = logging.getLogger("specweave.kafka.librdkafka.%s" % uuid.uuid4().hex)
        self.logger.propagate = False
        self.logger.setLevel(logging.WARNING)
        self.logger.addHandler(self)

    def add(self, message):
        # "[thrd:...]: 127.0.0.1:1/bootstrap: Connect to ... failed" -> from the broker name on
        message = re.sub(r"^(?:[A-Z]+ )?\[[^\]]*\] \[thrd:[^\]]*\]: ", "", message)
        # "sasl_ssl://b1:9093/bootstrap: ..." -> "b1:9093/bootstrap: ..." (the listener's
        # protocol is no cause, and its name would read as a SASL problem)
        message = re.sub(r"^[a-z_]+://", "", message)
        message = re.sub(r" \(after \d+ms in state [A-Z_]+(?:, \d+ identical error\(s\) "
                         r"suppressed)?\)$", "", message)
        if message in self.messages:
            self.messages.remove(message)
        self.messages.append(message)
        del self.messages[:-self.size]

    def emit(self, record):
        try:
            self.add(record.getMessage())
        except Exception:  # a malformed log call must not break the module
            return

    def error_cb(self, error):
        if error.name() != "_ALL_BROKERS_DOWN":  # "1/1 brokers are down" says no more
            self.add(error.str())


_ALERT = re.compile(r"alert ([a-z ]+?)(?::|$)")


def openssl_reason(text):
    """OpenSSL's reason in the words Python's ssl module gives it (CERTIFICATE_VERIFY_FAILED,
    ALERT_BAD_CERTIFICATE...), which ``http_client.tls_problem`` reads; None for other texts.
    librdkafka quotes OpenSSL's long form ("certificate verify failed", "ssl/tls alert bad
    certificate")."""
    lowered = text.lower()
    if "certificate verify failed" in lowered:
        return "CERTIFICATE_VERIFY_FAILED"
    match = _ALERT.search(lowered)
    if match and ("ssl" in lowered or "tls" in lowered):
        return "ALERT_" + match.group(1).strip().upper().replace(" ", "_")
    return None


def refused(details):
    """Whether librdkafka reported a refused SASL login or TLS handshake."""
    return any("SASL authentication error" in detail or openssl_reason(detail)
               for detail in details)


def _error_of(exc):
    """The librdkafka KafkaError inside ``exc`` (KafkaException or the error itself), or None."""
    error = exc.args[0] if isinstance(getattr(exc, "args", None), tuple) and exc.args else exc
    return error if hasattr(error, "name") and hasattr(error, "str") else None


def describe_librdkafka_error(exc, servers, step, details=None, client_cert=None):
    """One sentence for a librdkafka error, worded as ``kafka_common.describe_error`` words the
    same failure of kafka-python (the error is carried over to kafka-python's class for it)."""
    error = _error_of(exc)
    if error is None:
        return None
    name, text = error.name(), error.str()
    carried = None
    if kafka_errors is not None:
        if name in _UNREACHABLE:
            carried = kafka_errors.KafkaConnectionError("%s: %s" % (name, text))
            step = "connecting" if step in (None, "connecting") else step
        elif name in _AS_KAFKA_PYTHON:
            carried = getattr(kafka_errors, _AS_KAFKA_PYTHON[name])(text)
    if carried is None:
        return "%s failed against %s: %s: %s" % (step or "Kafka request", ", ".join(servers),
                                                 name, text)
    if name == "_AUTHENTICATION":
        details = list(details or []) + [text]
    details = ["%s [%s]" % (detail, openssl_reason(detail)) if openssl_reason(detail) else detail
               for detail in details or []]
    return describe_error(carried, servers, step, details=details, client_cert=client_cert)


def existing_topic(metadata, topic, servers):
    """``topic``'s entry of a ``list_topics`` answer. A missing topic ends the task with the
    sentence to create it first; another error of the topic is raised as its KafkaException
    (for the caller's step to describe)."""
    described = metadata.topics.get(topic)
    error = described.error if described is not None else None
    if described is None or error is not None and error.name() == "UNKNOWN_TOPIC_OR_PART":
        raise ModuleFailure("Topic '%s' does not exist on %s; create it first (for example "
                            "with specweave.kafka.kafka_topic)." % (topic, ", ".join(servers)))
    if error is not None:
        raise KafkaException(error)
    return described


class LibrdkafkaClients(object):
    """A producer and a consumer for one task, each made on first use with the same settings."""

    def __init__(self, config, recent):
        self.config = dict(config)
        self.config["error_cb"] = recent.error_cb
        self.config["logger"] = recent.logger
        self.recent = recent
        self._producer = None
        self._consumers = []

    def producer(self, **settings):
        if self._producer is None:
            config = dict(self.config)
            config.update(settings)
            self._producer = Producer(config)
        return self._producer

    def consumer(self, group_id=None, **settings):
        """A consumer that joins no group: records are read with ``assign``. Without
        ``group_id``, a throw-away group id that nothing is committed to."""
        config = dict(self.config)
        config.update({"group.id": group_id or "specweave-kafka-message-%s" % uuid.uuid4().hex,
                       "enable.auto.commit": False, "enable.auto.offset.store": False})
        config.update(settings)
        consumer = Consumer(config)
        self._consumers.append(consumer)
        return consumer

    def metadata(self, consumer, topic, timeout, clock=time.time):
        """Metadata of ``topic``. librdkafka keeps retrying a refused login or TLS handshake
        until the timeout; this asks in slices and stops at the first such refusal (asking
        again gives the same answer)."""
        deadline = clock() + timeout
        while True:
            try:
                return consumer.list_topics(topic, timeout=max(0.1, min(1.0, deadline - clock())))
            except KafkaException:
                self.drain()
                if clock() >= deadline or refused(self.recent.messages):
                    raise

    def drain(self):
        """Serve the callbacks librdkafka queued (its error reports and log lines)."""
        for client in self._consumers + ([self._producer] if self._producer else []):
            try:
                client.poll(0)
            except Exception:  # only for the messages; the failure is already known
                pass

    def close(self):
        for consumer in self._consumers:
            try:
                consumer.close()
            except Exception:  # closing never masks the outcome
                pass
        self._consumers = []
        if self._producer is not None:
            try:
                self._producer.flush(0)
            except Exception:
                pass
            self._producer = None


class LibrdkafkaConnection(Connection):
    """The Kafka family over librdkafka for the runner: same options, checks and messages as
    ``KafkaConnection``; ``open`` returns a ``LibrdkafkaClients``."""

    def __init__(self, msk_provider=None):
        self.params = {}
        self.recent = RecentErrors()
        self.msk_provider = msk_provider
        self.clients = None

    def argument_spec(self):
        return kafka_common_argument_spec()

    def check(self, module):
        self.params = module.params
        if CONFLUENT_KAFKA_IMPORT_ERROR:
            module.fail_json(msg=missing_required_lib(REQUIREMENT),
                             exception=CONFLUENT_KAFKA_IMPORT_ERROR)
        installed = confluent_kafka.version()  # "2.16.1" (older releases: ("2.5.0", 0x2050000))
        problem = library_version_problem(installed[0] if isinstance(installed, tuple)
                                          else installed)
        if problem:
            module.fail_json(msg=problem)
        problems = validate_connection_params(self.params)
        if problems:
            module.fail_json(msg="Invalid connection options: " + "; ".join(problems))
        if self.params.get("sasl_mechanism") == "AWS_MSK_IAM":
            if MSK_SIGNER_IMPORT_ERROR and self.msk_provider is None:
                module.fail_json(msg=missing_required_lib(
                    MSK_SIGNER_REQUIREMENT, reason="for sasl_mechanism AWS_MSK_IAM"),
                    exception=MSK_SIGNER_IMPORT_ERROR)
            if not msk_region(self.servers):
                module.fail_json(msg="sasl_mechanism AWS_MSK_IAM needs the AWS region: set "
                                     "AWS_REGION (or AWS_DEFAULT_REGION) in the environment")

    @property
    def servers(self):
        return split_servers(self.params.get("bootstrap_servers"))

    @property
    def request_timeout(self):
        """Seconds a metadata or offsets request may take."""
        return (self.params.get("request_timeout_ms") or 30000) / 1000.0

    def open(self, ctx=None):
        self.clients = LibrdkafkaClients(librdkafka_config(self.params, self.msk_provider),
                                         self.recent)
        return self.clients

    def close(self, client):
        self.clients = None
        client.close()

    def describe(self, exc, step):
        if self.clients is not None:
            self.clients.drain()
        return describe_librdkafka_error(exc, self.servers, step, self.recent.messages,
                                         self.params.get("ssl_certfile"))
