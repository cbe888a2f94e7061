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
  timeout:
    description:
      - Seconds to wait for each HTTP request to n8n.
    type: int
    default: 30
"""
