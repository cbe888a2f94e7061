# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of a Kafka Connect worker's REST API, for example V(http://connect-1:8083).
        Any worker of the group will do, it forwards writes to the leader of the group.
      - If not set, the environment variable E(KAFKA_CONNECT_URL) is used.
    type: str
    required: true
  username:
    description:
      - User for HTTP basic authentication (the worker's C(BasicAuthSecurityRestExtension)).
      - If not set, E(KAFKA_CONNECT_USERNAME) is used.
      - Mutually exclusive with O(token).
    type: str
  password:
    description:
      - Password for HTTP basic authentication.
      - If not set, E(KAFKA_CONNECT_PASSWORD) is used.
    type: str
  token:
    description:
      - 'Bearer token sent as C(Authorization: Bearer <token>) (a REST extension or proxy that takes OAuth tokens).'
      - If not set, E(KAFKA_CONNECT_TOKEN) is used.
    type: str
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the worker's TLS certificate.
      - If not set, E(KAFKA_CONNECT_CA_PATH) is used, then the system trust store.
    type: path
  client_cert:
    description:
      - PEM client certificate for mutual TLS (C(listeners.https.ssl.client.auth=required)). Needs O(client_key).
      - If not set, E(KAFKA_CONNECT_CLIENT_CERT) is used.
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert) (unencrypted).
      - If not set, E(KAFKA_CONNECT_CLIENT_KEY) is used.
    type: path
  validate_certs:
    description:
      - Whether to validate the worker's TLS certificate. Only turn this off for tests.
      - If not set, E(KAFKA_CONNECT_VALIDATE_CERTS) is used.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for one HTTP request.
      - If not set, E(KAFKA_CONNECT_TIMEOUT) is used.
    type: int
    default: 30
  retries:
    description:
      - How many times a request is retried, with exponential backoff and jitter (0.5 s, 1 s, 2 s, ...
        up to 10 s, or the worker's C(Retry-After) up to 30 s), when the worker answers 429 or 5xx,
        answers 409 because its group is rebalancing, or cannot be reached.
      - If not set, E(KAFKA_CONNECT_RETRIES) is used.
    type: int
    default: 3
notes:
  - The modules speak the Kafka Connect REST API of Apache Kafka, so they work with the workers of
    Apache Kafka, Confluent Platform and Strimzi alike. Stopping a connector and its offsets need
    Kafka 3.5 or later on the workers.
"""
