# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  bootstrap_servers:
    description:
      - Kafka brokers to bootstrap from, as C(host:port).
      - A list, or comma separated strings. Only one needs to be reachable.
      - If not set, the environment variable E(KAFKA_BOOTSTRAP_SERVERS) is used.
    type: list
    elements: str
  security_protocol:
    description:
      - Protocol of the listener the module connects to.
      - If not set, E(KAFKA_SECURITY_PROTOCOL) is used, then V(PLAINTEXT).
    type: str
    choices: [PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL]
  sasl_mechanism:
    description:
      - SASL mechanism for V(SASL_PLAINTEXT) and V(SASL_SSL) listeners.
      - V(AWS_MSK_IAM) signs in to AWS MSK with AWS's C(aws-msk-iam-sasl-signer-python) library
        (SASL/OAUTHBEARER) from the AWS credentials around (environment, profile, instance or task
        role); the region is E(AWS_REGION), else the one in the brokers' MSK names.
      - If not set, E(KAFKA_SASL_MECHANISM) is used.
    type: str
    choices: [PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM]
  sasl_username:
    description:
      - SASL user name (for Confluent Cloud, the API key). Needs O(sasl_mechanism).
      - If not set, E(KAFKA_SASL_USERNAME) is used.
    type: str
  sasl_password:
    description:
      - SASL password (for Confluent Cloud, the API secret).
      - If not set, E(KAFKA_SASL_PASSWORD) is used.
    type: str
  sasl_oauth_token:
    description:
      - Bearer token for V(OAUTHBEARER).
      - If not set, E(KAFKA_SASL_OAUTH_TOKEN) is used.
    type: str
  ssl_cafile:
    description:
      - CA bundle (PEM) used to verify the brokers' certificates.
      - If not set, E(KAFKA_SSL_CAFILE) is used; without it the system trust store is used.
    type: path
  ssl_certfile:
    description:
      - Client certificate (PEM) for mutual TLS. Needs O(ssl_keyfile).
      - If not set, E(KAFKA_SSL_CERTFILE) is used.
    type: path
  ssl_keyfile:
    description:
      - Private key (PEM) of the client certificate.
      - If not set, E(KAFKA_SSL_KEYFILE) is used.
    type: path
  ssl_password:
    description:
      - Password of O(ssl_keyfile), if it is encrypted.
      - If not set, E(KAFKA_SSL_PASSWORD) is used.
    type: str
  ssl_check_hostname:
    description:
      - Verify that the broker certificate matches the host name connected to.
      - If not set, E(KAFKA_SSL_CHECK_HOSTNAME) is used, then V(true).
    type: bool
    default: true
  client_id:
    description:
      - Client id the admin connection presents to the brokers (shows in broker logs and quotas).
      - If not set, E(KAFKA_CLIENT_ID) is used.
    type: str
    default: specweave-kafka-ansible
  request_timeout_ms:
    description:
      - Time in milliseconds to wait for the brokers, for connecting and for each request.
      - A connection that does not complete its handshake fails after this time plus 5 seconds,
        naming the servers tried; it never hangs.
      - If not set, E(KAFKA_REQUEST_TIMEOUT_MS) is used.
    type: int
    default: 30000
requirements:
  - kafka-python >= 3.0.12, < 3.1
"""
