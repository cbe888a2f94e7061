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
      - Base URL of the Confluent Schema Registry API, for example V(https://psrc-xxxx.region.aws.confluent.cloud),
        V(http://registry:8081) (Confluent Platform, Karapace, Redpanda) or
        V(http://apicurio:8080/apis/ccompat/v7) (Apicurio Registry).
      - If not set, the environment variable E(SCHEMA_REGISTRY_URL) is used.
    type: str
    required: true
  username:
    description:
      - User for HTTP basic authentication. For Confluent Cloud, the Schema Registry API key.
      - If not set, E(SCHEMA_REGISTRY_USERNAME) is used.
      - Mutually exclusive with O(token).
    type: str
    aliases: [api_key]
  password:
    description:
      - Password for HTTP basic authentication. For Confluent Cloud, the Schema Registry API secret.
      - If not set, E(SCHEMA_REGISTRY_PASSWORD) is used.
    type: str
    aliases: [api_secret]
  token:
    description:
      - 'Bearer token sent as C(Authorization: Bearer <token>) (OAuth/OIDC protected registries).'
      - If not set, E(SCHEMA_REGISTRY_TOKEN) is used.
    type: str
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the registry's TLS certificate.
      - If not set, E(SCHEMA_REGISTRY_CA_PATH) is used, then the system trust store.
    type: path
  client_cert:
    description:
      - PEM client certificate for mutual TLS. Needs O(client_key).
      - If not set, E(SCHEMA_REGISTRY_CLIENT_CERT) is used.
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert) (unencrypted).
      - If not set, E(SCHEMA_REGISTRY_CLIENT_KEY) is used.
    type: path
  validate_certs:
    description:
      - Whether to validate the registry's TLS certificate. Only turn this off for tests.
      - If not set, E(SCHEMA_REGISTRY_VALIDATE_CERTS) is used.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for one HTTP request.
      - If not set, E(SCHEMA_REGISTRY_TIMEOUT) is used.
    type: int
    default: 30
  retries:
    description:
      - How many times a request is retried, with exponential backoff and jitter (0.5 s, 1 s, 2 s, ...
        up to 10 s, less up to half at random, or the server's C(Retry-After) up to 10 s), when the
        registry answers 429 or 5xx or cannot be reached.
      - If not set, E(SCHEMA_REGISTRY_RETRIES) is used.
    type: int
    default: 3
notes:
  - The modules speak the Confluent Schema Registry REST API, so they work with Confluent Platform,
    Confluent Cloud, Karapace, Redpanda and Apicurio Registry (C(/apis/ccompat/v7)).
"""
