# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import logging

import pytest

from kafka import errors as kafka_errors

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_common
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import (
    _RecentWarnings, client_config, describe_error, is_retriable, kafka_common_argument_spec,
    split_servers,
    validate_connection_params)

BASE = dict(bootstrap_servers=["b1:9092"], security_protocol=None, sasl_mechanism=None,
            sasl_username=None, sasl_password=None, sasl_oauth_token=None, ssl_cafile=None,
            ssl_certfile=None, ssl_keyfile=None, ssl_password=None, ssl_check_hostname=True,
            client_id="specweave-kafka-ansible", request_timeout_ms=30000)


def params(**overrides):
    result = dict(BASE)
    result.update(overrides)
    return result


@pytest.mark.parametrize("given, expected", [
    (None, []),
    ([], []),
    (["b1:9092"], ["b1:9092"]),
    (["b1:9092,b2:9092"], ["b1:9092", "b2:9092"]),
    (["b1:9092, b2:9092 ,", " b3:9093"], ["b1:9092", "b2:9092", "b3:9093"]),
    (["[::1]:9092"], ["[::1]:9092"]),
])
def test_split_servers(given, expected):
    assert split_servers(given) == expected


def test_argument_spec_secrets_and_env_fallbacks():
    spec = kafka_common_argument_spec()
    for secret in ("sasl_password", "sasl_oauth_token", "ssl_password"):
        assert spec[secret]["no_log"] is True
    for option, variable in (("bootstrap_servers", "KAFKA_BOOTSTRAP_SERVERS"),
                             ("security_protocol", "KAFKA_SECURITY_PROTOCOL"),
                             ("sasl_password", "KAFKA_SASL_PASSWORD"),
                             ("ssl_check_hostname", "KAFKA_SSL_CHECK_HOSTNAME"),
                             ("client_id", "KAFKA_CLIENT_ID"),
                             ("request_timeout_ms", "KAFKA_REQUEST_TIMEOUT_MS")):
        assert spec[option]["fallback"][1] == [variable]


@pytest.mark.parametrize("overrides, expected", [
    (dict(), dict(bootstrap_servers=["b1:9092"], security_protocol="PLAINTEXT",
                  request_timeout_ms=30000, bootstrap_timeout_ms=30000,
                  client_id="specweave-kafka-ansible", ssl_check_hostname=True)),
    (dict(bootstrap_servers=["b1:9092,b2:9092"], request_timeout_ms=5000, client_id="me"),
     dict(bootstrap_servers=["b1:9092", "b2:9092"], request_timeout_ms=5000,
          bootstrap_timeout_ms=5000, client_id="me")),
    (dict(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512", sasl_username="u",
          sasl_password="p", ssl_cafile="/ca.pem"),
     dict(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512",
          sasl_plain_username="u", sasl_plain_password="p", ssl_cafile="/ca.pem")),
    (dict(security_protocol="SSL", ssl_certfile="/c.pem", ssl_keyfile="/k.pem",
          ssl_password="kp", ssl_check_hostname=False),
     dict(ssl_certfile="/c.pem", ssl_keyfile="/k.pem", ssl_password="kp",
          ssl_check_hostname=False)),
    (dict(security_protocol="SASL_SSL", sasl_mechanism="AWS_MSK_IAM"),
     dict(sasl_mechanism="OAUTHBEARER")),
])
def test_client_config(overrides, expected):
    config = client_config(params(**overrides))
    for key, value in expected.items():
        assert config[key] == value, key
    if overrides.get("sasl_mechanism") == "AWS_MSK_IAM":
        assert "sasl_plain_username" not in config
    if not overrides.get("ssl_cafile"):
        assert "ssl_cafile" not in config


def test_client_config_oauth_provider_is_accepted_by_kafka_python():
    from kafka.net.sasl.oauth import AbstractTokenProvider, SaslMechanismOAuth
    config = client_config(params(security_protocol="SASL_SSL", sasl_mechanism="OAUTHBEARER",
                                  sasl_oauth_token="tok"))
    provider = config["sasl_oauth_token_provider"]
    assert isinstance(provider, AbstractTokenProvider)
    assert provider.token() == "tok" and provider.extensions() == {}
    # kafka-python validates the provider when it builds the mechanism
    mechanism = SaslMechanismOAuth(**config)
    assert b"auth=Bearer tok" in mechanism.auth_bytes()


@pytest.mark.parametrize("overrides", [
    dict(),
    dict(bootstrap_servers=["b1:9092,b2:9093"], request_timeout_ms=1),
    dict(security_protocol="SASL_SSL", sasl_mechanism="PLAIN", sasl_username="u",
         sasl_password=""),
    dict(security_protocol="SASL_PLAINTEXT", sasl_mechanism="SCRAM-SHA-256",
         sasl_username="u", sasl_password="p"),
    dict(security_protocol="SASL_SSL", sasl_mechanism="OAUTHBEARER", sasl_oauth_token="t"),
    dict(security_protocol="SASL_SSL", sasl_mechanism="AWS_MSK_IAM"),
    dict(security_protocol="SSL", ssl_cafile="/ca", ssl_certfile="/c", ssl_keyfile="/k"),
])
def test_valid_connection_params(overrides):
    assert validate_connection_params(params(**overrides)) == []


@pytest.mark.parametrize("overrides, expected", [
    (dict(bootstrap_servers=None), "bootstrap_servers is required"),
    (dict(bootstrap_servers=[" , "]), "bootstrap_servers is required"),
    (dict(bootstrap_servers=["broker1"]), "bootstrap server 'broker1' is not host:port"),
    (dict(bootstrap_servers=["b1:0"]), "'b1:0' is not host:port"),
    (dict(bootstrap_servers=["b1:65536"]), "'b1:65536' is not host:port"),
    (dict(bootstrap_servers=[":9092"]), "':9092' is not host:port"),
    (dict(bootstrap_servers=["b1:port"]), "'b1:port' is not host:port"),
    (dict(request_timeout_ms=0), "request_timeout_ms must be a positive number"),
    (dict(request_timeout_ms=-5), "request_timeout_ms must be a positive number"),
    (dict(security_protocol="SASL_SSL"), "security_protocol SASL_SSL needs sasl_mechanism"),
    (dict(sasl_mechanism="PLAIN", sasl_username="u", sasl_password="p"),
     "sasl_mechanism PLAIN needs security_protocol SASL_PLAINTEXT or SASL_SSL"),
    (dict(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512", sasl_username="u"),
     "needs sasl_username and sasl_password"),
    (dict(security_protocol="SASL_SSL", sasl_mechanism="PLAIN", sasl_password="p"),
     "needs sasl_username and sasl_password"),
    (dict(sasl_username="u", sasl_password="p"),
     "sasl_username/sasl_password are set but sasl_mechanism is not"),
    (dict(security_protocol="SASL_SSL", sasl_mechanism="OAUTHBEARER"),
     "OAUTHBEARER needs sasl_oauth_token"),
    (dict(security_protocol="SASL_PLAINTEXT", sasl_mechanism="AWS_MSK_IAM"),
     "AWS_MSK_IAM needs security_protocol SASL_SSL"),
    (dict(security_protocol="SSL", ssl_certfile="/c"), "must be given together"),
    (dict(security_protocol="SSL", ssl_keyfile="/k"), "must be given together"),
    (dict(ssl_cafile="/ca"), "ssl_cafile set but security_protocol is PLAINTEXT"),
    (dict(security_protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN", sasl_username="u",
          sasl_password="p", ssl_certfile="/c", ssl_keyfile="/k"),
     "ssl_certfile, ssl_keyfile set but security_protocol is SASL_PLAINTEXT"),
])
def test_invalid_connection_params(overrides, expected):
    problems = validate_connection_params(params(**overrides))
    assert any(expected in problem for problem in problems), problems


def test_problems_never_contain_secrets():
    problems = validate_connection_params(params(sasl_username="u", sasl_password="hunter2",
                                                 ssl_password="hunter3",
                                                 bootstrap_servers=["bad"]))
    assert problems and not any("hunter" in p for p in problems)


SERVERS = ["b1:9092", "b2:9092"]


@pytest.mark.parametrize("exc, operation, details, version, expected", [
    (kafka_errors.KafkaTimeoutError("Unable to bootstrap from ['b1:9092', 'b2:9092']"),
     "connecting", [], None,
     ["connecting failed: could not connect to any of the bootstrap servers b1:9092, b2:9092 "
      "within the timeout", "security_protocol matches the listener"]),
    (kafka_errors.KafkaTimeoutError("Unable to bootstrap"), "connecting",
     ["Bootstrap connection to bootstrap-0 failed: [Errno 111] Connection refused"], None,
     ["could not connect", "Last error: Bootstrap connection to bootstrap-0 failed: "
      "[Errno 111] Connection refused."]),
    (kafka_errors.KafkaTimeoutError("Unable to bootstrap"), "connecting",
     ["Bootstrap connection to bootstrap-0 failed: [SSL: CERTIFICATE_VERIFY_FAILED] "
      "certificate verify failed"], None,
     ["connecting failed: the broker certificate at b1:9092, b2:9092 is not trusted",
      "CERTIFICATE_VERIFY", "ssl_cafile"]),
    (kafka_errors.KafkaConnectionError("SSL: WRONG_VERSION_NUMBER"), "connecting", [], None,
     ["TLS handshake with b1:9092, b2:9092 failed"]),
    (kafka_errors.KafkaTimeoutError("Unable to bootstrap"), "connecting",
     ["Bootstrap connection to bootstrap-0 failed: [Error 58] SaslAuthenticationFailedError: "
      "Authentication failed during authentication due to invalid credentials with SASL "
      "mechanism SCRAM-SHA-512"], None,
     ["connecting failed: authentication to b1:9092, b2:9092 failed", "invalid credentials",
      "sasl_username and sasl_password"]),
    (kafka_errors.SaslAuthenticationFailedError("bad user"), "connecting", [], None,
     ["authentication to b1:9092, b2:9092 failed ([Error 58] SaslAuthenticationFailedError: bad user)"]),
    (kafka_errors.TopicAuthorizationFailedError("t"), "CreateTopics", [], None,
     ["CreateTopics failed: the principal is not authorized", "Grant the needed ACLs"]),
    (kafka_errors.ClusterAuthorizationFailedError(), "DescribeQuorum", [], None,
     ["DescribeQuorum failed: the principal is not authorized"]),
    (kafka_errors.IncompatibleBrokerVersion("DescribeQuorumRequest"), "DescribeQuorum", [],
     (2, 8), ["DescribeQuorum failed: the broker at b1:9092, b2:9092 (Kafka 2.8) does not "
              "support this operation", "needs a newer Kafka version"]),
    (kafka_errors.UnsupportedVersionError(), "AlterPartitionReassignments", [], None,
     ["AlterPartitionReassignments failed: the broker at b1:9092, b2:9092 does not support"]),
    (kafka_errors.IncompatibleBrokerVersion("no metadata"), "connecting", [], None,
     ["answered but does not serve Kafka client requests", "KRaft controller listener"]),
    (kafka_errors.KafkaTimeoutError("Unable to bootstrap"), "connecting",
     ["Bootstrap attempt to bootstrap-0 failed: [Error 35] IncompatibleBrokerVersion: Kafka "
      "broker does not support the 'MetadataRequest' Kafka protocol."], None,
     ["connecting failed: the server at b1:9092, b2:9092 answered but does not serve Kafka "
      "client requests (Bootstrap attempt", "KRaft controller listener"]),
    (kafka_errors.KafkaTimeoutError("Request timed out"), "DeleteAcls",
     ["Bootstrap connection to bootstrap-0 failed: [SSL: CERTIFICATE_VERIFY_FAILED]"], None,
     ["DeleteAcls failed: b1:9092, b2:9092 did not answer within request_timeout_ms",
      "raise request_timeout_ms"]),
    (ValueError("boom"), "Metadata", [], None,
     ["Metadata failed against b1:9092, b2:9092: ValueError: boom"]),
    (RuntimeError(""), None, [], None,
     ["Kafka request failed against b1:9092, b2:9092: RuntimeError"]),
])
def test_describe_error(exc, operation, details, version, expected):
    message = describe_error(exc, SERVERS, operation, details=details, broker_version=version)
    for part in expected:
        assert part in message, message
    assert "Traceback" not in message


TLS_DETAIL = "Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: "


@pytest.mark.parametrize("detail, client_cert, expected", [
    ("Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
     "self-signed certificate in certificate chain (_ssl.c:1006)", None,
     "connecting failed: the broker certificate at b1:9092, b2:9092 is not trusted (%s"
     "Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed "
     "certificate in certificate chain (_ssl.c:1006)). Set ssl_cafile (or KAFKA_SSL_CAFILE) to "
     "the CA that signed the broker certificates." % TLS_DETAIL),
    ("Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname "
     "mismatch, certificate is not valid for 'b1'. (_ssl.c:1006)", "/c.crt",
     "connecting failed: the broker certificate at b1:9092, b2:9092 is trusted but does not "
     "name the address the client connected to (%sHandshake failed: [SSL: "
     "CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is "
     "not valid for 'b1'. (_ssl.c:1006)). Use a bootstrap server name the certificate lists "
     "(subjectAltName), or set ssl_check_hostname: false." % TLS_DETAIL),
    ("[SSL: SSLV3_ALERT_CERTIFICATE_UNKNOWN] sslv3 alert certificate unknown (_ssl.c:2580)",
     "/c.crt",
     "connecting failed: the broker at b1:9092, b2:9092 refused the client certificate /c.crt "
     "(%s[SSL: SSLV3_ALERT_CERTIFICATE_UNKNOWN] sslv3 alert certificate unknown (_ssl.c:2580))."
     " Use a certificate signed by a CA the broker trusts (its ssl.truststore) in ssl_certfile "
     "and ssl_keyfile." % TLS_DETAIL),
    ("[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate (_ssl.c:2580)", None,
     "connecting failed: the listener at b1:9092, b2:9092 requires a client certificate and "
     "none was given (%s[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate "
     "(_ssl.c:2580)). Set ssl_certfile and ssl_keyfile (or KAFKA_SSL_CERTFILE and "
     "KAFKA_SSL_KEYFILE), or connect to a SASL_SSL listener." % TLS_DETAIL),
])
def test_tls_handshake_failures_name_their_cause(detail, client_cert, expected):
    message = describe_error(kafka_errors.KafkaTimeoutError("Unable to bootstrap"), SERVERS,
                             "connecting", details=[TLS_DETAIL + detail], client_cert=client_cert)
    assert message == expected


def test_describe_error_is_backwards_compatible():
    message = describe_error(kafka_errors.KafkaTimeoutError("x"), [])
    assert "(no servers)" in message


def test_recent_warnings_keep_causes_not_retry_noise():
    import logging
    handler = _RecentWarnings(size=3)
    logger = logging.getLogger("kafka.test_recent_warnings")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        logger.warning("Bootstrap connection to %s failed: %s (backoff %.2f secs)", "bootstrap-0",
                       "KafkaConnectionError: 111 ECONNREFUSED", 0.12)
        logger.warning("Bootstrap bootstrap-0 not ready; waiting 0.12 secs")
        logger.error("Bootstrap failed: KafkaTimeoutError: Unable to bootstrap from x")
        logger.warning("Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: 111 "
                       "ECONNREFUSED (backoff 5.66 secs)")
        logger.info("not kept: below WARNING")
        for i in range(3):
            logger.error("cause %d", i)
    finally:
        logger.removeHandler(handler)
    assert handler.messages == ["cause 0", "cause 1", "cause 2"]
    handler.messages = []
    handler.emit(logging.makeLogRecord(dict(msg="Bootstrap connection to b failed: x (backoff 1.00 secs)",
                                            levelno=logging.WARNING)))
    assert handler.messages == ["Bootstrap connection to b failed: x"]


@pytest.mark.parametrize("exc, details, retriable", [
    # a node restarting, a slow answer: asking again may succeed
    (kafka_errors.KafkaTimeoutError("Unable to bootstrap"), ["Connect attempt returned error 111"], True),
    (kafka_errors.KafkaTimeoutError("Unable to bootstrap"), [], True),
    (kafka_errors.KafkaConnectionError("closed"), None, True),
    (kafka_errors.NotControllerError(), [], True),
    (kafka_errors.LeaderNotAvailableError(), [], True),
    # the same answer every time
    (kafka_errors.SaslAuthenticationFailedError("bad password"), [], False),
    (kafka_errors.ClusterAuthorizationFailedError(), [], False),
    (kafka_errors.KafkaTimeoutError(), ["SSL: CERTIFICATE_VERIFY_FAILED certificate verify "
                                        "failed"], False),
    (kafka_errors.UnsupportedVersionError(), [], False),
    (ValueError("bad"), [], False),
])
def test_is_retriable(exc, details, retriable):
    assert is_retriable(exc, details) is retriable


def _connection_with_warnings(messages, sasl=True):
    conn = kafka_common.KafkaConnection()
    conn.params = {"sasl_mechanism": "SCRAM-SHA-512"} if sasl else {}
    for message in messages:
        conn.warnings.emit(logging.LogRecord("kafka", logging.WARNING, __file__, 1, message, None, None))
    return conn


REFUSED_LOGIN = ("[Error 58] SaslAuthenticationFailedError: Authentication failed during "
                 "authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")


@pytest.mark.parametrize("messages, sasl, expected", [
    # the broker's refusal, as the transport logs it: the error alone
    (["<KafkaSSLTransport [127.0.0.1:9093<-40000]>: Abort (%s)" % REFUSED_LOGIN], True,
     REFUSED_LOGIN),
    (["Bootstrap connection to bootstrap-0 failed: %s (backoff 0.94 secs)" % REFUSED_LOGIN], True,
     "Bootstrap connection to bootstrap-0 failed: %s" % REFUSED_LOGIN),
    # OpenSSL's refusal of the broker's certificate
    (["Bootstrap connection to bootstrap-0 failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate "
      "verify failed: unable to get local issuer certificate (_ssl.c:1006)"], False,
     "Bootstrap connection to bootstrap-0 failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate "
     "verify failed: unable to get local issuer certificate (_ssl.c:1006)"),
    # a refused login whose error kafka-python lost: a second such attempt decides
    (["Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: socket disconnected"],
     True, None),
    (["Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: socket disconnected",
      "<KafkaSSLTransport [127.0.0.1:9093<-40001]>: socket disconnected",
      "Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: socket disconnected"],
     True, "the broker closed the connection during SASL authentication"),
    # without SASL a disconnect is no login refusal; a refused connection is retried
    (["Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: socket disconnected"] * 2,
     False, None),
    (["Bootstrap connection to bootstrap-0 failed: KafkaConnectionError: 111 ECONNREFUSED"], True,
     None),
])
def test_refusal_ends_the_wait_only_when_retrying_cannot_help(messages, sasl, expected):
    assert _connection_with_warnings(messages, sasl)._refusal() == expected
