# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_librdkafka: connection options -> librdkafka settings, and librdkafka errors -> the
sentences of kafka_common."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from confluent_kafka import KafkaError, KafkaException, Producer

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_librdkafka
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_librdkafka import (
    RecentErrors, describe_librdkafka_error, librdkafka_config, library_version_problem,
    msk_region)
from ansible_collections.specweave.kafka.tests.unit.plugins.module_utils.test_kafka_common import (
    params)


@pytest.mark.parametrize("overrides, expected, absent", [
    (dict(), {"bootstrap.servers": "b1:9092", "security.protocol": "plaintext",
              "client.id": "specweave-kafka-ansible", "socket.timeout.ms": 30000,
              "socket.connection.setup.timeout.ms": 30000, "allow.auto.create.topics": False},
     ["ssl.ca.location", "sasl.mechanism", "ssl.endpoint.identification.algorithm"]),
    (dict(bootstrap_servers=["b1:9092,b2:9092", "b3:9092"], request_timeout_ms=5000,
          client_id="me"),
     {"bootstrap.servers": "b1:9092,b2:9092,b3:9092", "socket.timeout.ms": 5000,
      "client.id": "me"}, []),
    (dict(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512", sasl_username="u",
          sasl_password="p", ssl_cafile="/ca.pem"),
     {"security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "u",
      "sasl.password": "p", "ssl.ca.location": "/ca.pem",
      "ssl.endpoint.identification.algorithm": "https"}, ["oauth_cb"]),
    (dict(security_protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN", sasl_username="u",
          sasl_password="p"),
     {"security.protocol": "sasl_plaintext", "sasl.mechanism": "PLAIN"}, ["ssl.ca.location"]),
    (dict(security_protocol="SSL", ssl_certfile="/c.pem", ssl_keyfile="/k.pem",
          ssl_password="kp", ssl_check_hostname=False),
     {"security.protocol": "ssl", "ssl.certificate.location": "/c.pem",
      "ssl.key.location": "/k.pem", "ssl.key.password": "kp", "ssl.ca.location": "probe",
      "ssl.endpoint.identification.algorithm": "none"}, ["sasl.username"]),
])
def test_librdkafka_config(overrides, expected, absent):
    config = librdkafka_config(params(**overrides))
    for key, value in expected.items():
        assert config[key] == value, key
    for key in absent:
        assert key not in config, key


def test_oauthbearer_static_token():
    config = librdkafka_config(params(security_protocol="SASL_SSL", sasl_mechanism="OAUTHBEARER",
                                      sasl_oauth_token="tok"))
    assert config["sasl.mechanism"] == "OAUTHBEARER"
    token, expiry = config["oauth_cb"]("")
    assert token == "tok"
    assert expiry > 0
    assert "sasl.username" not in config


class FakeSigner(object):
    regions = []

    @classmethod
    def generate_auth_token(cls, region):
        cls.regions.append(region)
        return "signed-for-" + region, 1700000900000


def test_msk_iam_goes_through_oauthbearer_with_the_signer():
    config = librdkafka_config(
        params(bootstrap_servers=["b-1.demo.abc123.c2.kafka.eu-west-1.amazonaws.com:9098"],
               security_protocol="SASL_SSL", sasl_mechanism="AWS_MSK_IAM"),
        msk_provider=FakeSigner, environ={})
    assert config["sasl.mechanism"] == "OAUTHBEARER"
    assert config["oauth_cb"]("") == ("signed-for-eu-west-1", 1700000900.0)


@pytest.mark.parametrize("servers, environ, expected", [
    (["b-1.x.kafka.us-east-1.amazonaws.com:9098"], {}, "us-east-1"),
    (["boot-abc.c1.kafka-serverless.ap-south-1.amazonaws.com:9098"], {}, "ap-south-1"),
    (["b-1.x.kafka.us-east-1.amazonaws.com:9098"], {"AWS_REGION": "eu-central-1"},
     "eu-central-1"),
    (["broker:9098"], {"AWS_DEFAULT_REGION": "eu-north-1"}, "eu-north-1"),
    (["broker:9098"], {}, None),
])
def test_msk_region(servers, environ, expected):
    assert msk_region(servers, environ) == expected


@pytest.mark.parametrize("overrides", [
    dict(),
    dict(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-256", sasl_username="u",
         sasl_password="p", ssl_check_hostname=False),
    dict(security_protocol="SASL_PLAINTEXT", sasl_mechanism="OAUTHBEARER",
         sasl_oauth_token="tok"),
    dict(security_protocol="SSL", request_timeout_ms=1000, client_id="x"),
])
def test_librdkafka_accepts_every_setting(overrides):
    """librdkafka refuses unknown names and bad values when the client is made."""
    config = librdkafka_config(params(bootstrap_servers=["127.0.0.1:1"], **overrides))
    producer = Producer(config)
    producer.flush(0)


@pytest.mark.parametrize("version, problem", [
    ("2.6.0", None), ("2.16.1", None), ("3.0", None),
    ("2.5.3", "confluent-kafka 2.5.3 is installed; this module needs >=2.6: "
              "pip install 'confluent-kafka>=2.6'"),
])
def test_library_version_problem(version, problem):
    assert library_version_problem(version) == problem


def test_recent_errors_keep_the_cause_once():
    recent = RecentErrors(size=3)
    line = ("FAIL [rdkafka#consumer-1] [thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: "
            "Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)")
    recent.logger.warning(line)
    recent.logger.warning(line)
    recent.error_cb(KafkaError(KafkaError._ALL_BROKERS_DOWN, "1/1 brokers are down"))
    assert recent.messages == ["127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: "
                               "Connection refused"]


SERVERS = ["127.0.0.1:9093"]
REFUSED = "127.0.0.1:9093/bootstrap: Connect to ipv4#127.0.0.1:9093 failed: Connection refused"


def failure(code, text):
    return KafkaException(KafkaError(code, text))


def test_unreachable_reads_like_the_admin_modules():
    msg = describe_librdkafka_error(
        failure(KafkaError._TRANSPORT, "Failed to get metadata: Local: Broker transport failure"),
        SERVERS, "connecting", [REFUSED])
    assert msg == ("connecting failed: could not connect to any of the bootstrap servers "
                   "127.0.0.1:9093 within the timeout (KafkaConnectionError: _TRANSPORT: Failed "
                   "to get metadata: Local: Broker transport failure). Last error: %s. Check "
                   "that the brokers are running and reachable, and that security_protocol "
                   "matches the listener." % REFUSED)


def test_refused_login_names_the_credentials():
    detail = ("127.0.0.1:9093/bootstrap: SASL authentication error: Authentication failed "
              "during authentication due to invalid credentials with SASL mechanism "
              "SCRAM-SHA-512")
    msg = describe_librdkafka_error(
        failure(KafkaError._TRANSPORT, "Failed to get metadata: Local: Broker transport failure"),
        SERVERS, "connecting", [detail])
    assert msg.startswith("connecting failed: authentication to 127.0.0.1:9093 failed (%s). "
                          "Check sasl_mechanism, sasl_username and sasl_password" % detail)


def test_untrusted_certificate_names_ssl_cafile():
    detail = ("127.0.0.1:9093/bootstrap: SSL handshake failed: error:0A000086:SSL routines::"
              "certificate verify failed: broker certificate could not be verified")
    msg = describe_librdkafka_error(
        failure(KafkaError._TRANSPORT, "Failed to get metadata: Local: Broker transport failure"),
        SERVERS, "connecting", [detail])
    assert "the broker certificate at 127.0.0.1:9093 is not trusted" in msg
    assert "Set ssl_cafile (or KAFKA_SSL_CAFILE)" in msg


def test_missing_acl_names_the_step():
    msg = describe_librdkafka_error(
        failure(KafkaError.TOPIC_AUTHORIZATION_FAILED, "Broker: Topic authorization failed"),
        SERVERS, "Fetch", [])
    assert msg.startswith("Fetch failed: the principal is not authorized (")
    assert "Grant the needed ACLs" in msg


def test_other_errors_keep_librdkafka_words():
    msg = describe_librdkafka_error(
        failure(KafkaError.MSG_SIZE_TOO_LARGE, "Broker: Message size too large"),
        SERVERS, "Produce", [])
    assert msg == ("Produce failed against 127.0.0.1:9093: MSG_SIZE_TOO_LARGE: Broker: Message "
                   "size too large")


def test_not_a_librdkafka_error():
    assert describe_librdkafka_error(ValueError("x"), SERVERS, "Produce") is None


def test_requirement_names_the_package():
    assert kafka_librdkafka.REQUIREMENT == "confluent-kafka>=2.6"


@pytest.mark.parametrize("text, reason", [
    ("SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker "
     "certificate could not be verified", "CERTIFICATE_VERIFY_FAILED"),
    ("Receive failed: error:0A000412:SSL routines::ssl/tls alert bad certificate: SSL alert "
     "number 42", "ALERT_BAD_CERTIFICATE"),
    ("Receive failed: error:0A00045C:SSL routines::tlsv13 alert certificate required: SSL "
     "alert number 116", "ALERT_CERTIFICATE_REQUIRED"),
    ("Connect to ipv4#127.0.0.1:1 failed: Connection refused", None),
])
def test_openssl_reason(text, reason):
    assert kafka_librdkafka.openssl_reason(text) == reason


class SlicedConsumer(object):
    """list_topics that fails ``failures`` times, each failure reporting ``detail``."""

    def __init__(self, recent, failures, detail):
        self.recent, self.failures, self.detail, self.asked = recent, failures, detail, []

    def list_topics(self, topic, timeout):
        self.asked.append(timeout)
        if len(self.asked) <= self.failures:
            self.recent.add(self.detail)
            raise KafkaException(KafkaError(KafkaError._TRANSPORT, "transport failure"))
        return "metadata"

    def poll(self, timeout):
        return None


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 0.5
        return self.now


@pytest.mark.parametrize("detail, failures, asked", [
    # a broker that is not up yet: asked again until it answers
    ("127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused", 3, 4),
    # a refused login or certificate: the first refusal ends it
    ("127.0.0.1:1/bootstrap: SASL authentication error: Authentication failed", 3, 1),
    ("127.0.0.1:1/bootstrap: SSL handshake failed: certificate verify failed", 3, 1),
])
def test_metadata_stops_at_a_refusal(detail, failures, asked):
    recent = RecentErrors()
    clients = kafka_librdkafka.LibrdkafkaClients({}, recent)
    consumer = SlicedConsumer(recent, failures, detail)
    try:
        outcome = clients.metadata(consumer, "t", 30, clock=Clock())
    except KafkaException:
        outcome = "raised"
    assert len(consumer.asked) == asked
    assert outcome == ("metadata" if asked > failures else "raised")
