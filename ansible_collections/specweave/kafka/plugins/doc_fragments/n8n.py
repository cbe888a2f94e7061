# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of the n8n instance, for example V(https://n8n.example.com) or
        V(http://127.0.0.1:5678). The public API path C(/api/v1) is added by the module
        (a URL that already ends in C(/api/v1) is accepted too).
      - If not set, the environment variable E(N8N_API_URL) is used.
    type: str
  api_key:
    description:
      - n8n API key (Settings > n8n API in the editor), sent as the C(X-N8N-API-KEY) header.
      - It needs the workflow, tag and credential scopes of the operations the task performs.
      - If not set, the environment variable E(N8N_API_KEY) is used.
    type: str
  validate_certs:
    description:
      - Verify the TLS certificate of O(api_url). Set to V(false) only for self-signed test
        instances.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA certificate(s) that signed the TLS certificate of O(api_url), for an
        n8n served over HTTPS with a private CA. The system's trust store is used when not set.
      - If not set, the environment variable E(N8N_CA_PATH) is used.
    type: path
  client_cert:
    description:
      - PEM file of a client certificate, for an n8n behind a TLS proxy that requires one. It
        may hold the private key too.
      - If not set, the environment variable E(N8N_CLIENT_CERT) is used.
    type: path
  client_key:
    description:
      - PEM file of the private key of O(client_cert), when that file does not hold it.
      - If not set, the environment variable E(N8N_CLIENT_KEY) is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request to n8n.
    type: int
    default: 30
  retries:
    description:
      - How many times a failed request to n8n is retried, with an exponential backoff (with
        jitter) that honours the C(Retry-After) header of the answer.
      - Retried are answers HTTP 429 (for every request) and HTTP 500, 502, 503, 504 or a lost
        connection for requests that are safe to repeat (reads, updates, deletions,
        activation and deactivation), never the creation of a workflow, credential or tag.
        TLS failures are not retried.
      - V(0) disables retries.
      - If not set, the environment variable E(N8N_RETRIES) is used.
    type: int
    default: 3
"""
