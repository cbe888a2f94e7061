# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - Confluent Cloud API key (resource scope C(Cloud resource management)), used as the user
        name of HTTP basic authentication.
      - A Kafka cluster API key does not work here.
      - If not set, the environment variable E(CONFLUENT_CLOUD_API_KEY) is used.
    type: str
  api_secret:
    description:
      - Secret of O(api_key).
      - If not set, the environment variable E(CONFLUENT_CLOUD_API_SECRET) is used.
    type: str
  api_url:
    description:
      - Base URL of the Confluent Cloud REST API.
      - If not set, E(CONFLUENT_CLOUD_API_URL) is used, then V(https://api.confluent.cloud).
      - Change it only for a proxy or a test double of the API.
    type: str
    default: https://api.confluent.cloud
  validate_certs:
    description:
      - Verify the TLS certificate of O(api_url).
    type: bool
    default: true
  request_timeout:
    description:
      - Seconds to wait for each HTTP request.
    type: int
    default: 30
  max_retries:
    description:
      - How many times a request is retried after HTTP 429, and a read, update or delete after
        HTTP 5xx answers or connection errors.
      - A request that creates an object is not repeated after a 5xx or a lost connection (a
        repeat could create a second object); the message says to check whether it was created.
      - The wait honours the C(Retry-After) header; without it the wait doubles from 1 second
        (capped at 30 seconds), with up to half of it taken off at random.
    type: int
    default: 5
notes:
  - The modules talk to the public Confluent Cloud REST APIs (C(cmk/v2), C(org/v2), C(iam/v2))
    and follow their pagination (C(metadata.next)).
"""

    # The action group attribute every Confluent Cloud module shares.
    ACTION_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [specweave.kafka.confluent_cloud]
    description: Use C(group/specweave.kafka.confluent_cloud) in C(module_defaults).
"""

    # The attributes of the read-only C(_info) modules.
    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  action_group:
    support: full
    membership: [specweave.kafka.confluent_cloud]
    description: Use C(group/specweave.kafka.confluent_cloud) in C(module_defaults).
"""
