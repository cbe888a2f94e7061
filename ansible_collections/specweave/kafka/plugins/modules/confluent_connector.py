#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: confluent_connector
short_description: Create, update, pause, resume and delete Confluent Cloud managed connectors
version_added: 1.0.0
description:
  - Manages one fully managed connector of a Confluent Cloud Kafka cluster through the
    C(connect/v1) API - created with its create call, updated with C(PUT .../config) (the
    service replaces the whole config), paused and resumed with its lifecycle calls, deleted
    with O(state=absent).
  - Idempotent against the service's own view of the connector (its config and status, two
    reads). A config equal to the stored one changes nothing. Keys the service adds to every
    connector (C(cloud.environment), C(cloud.provider), C(kafka.endpoint), C(kafka.region)) are
    not compared unless the task sets them; any other stored key missing from O(config) is
    removed by an update.
  - B(Secrets.) Confluent Cloud never returns secret values; it shows them as asterisks. Such a
    value cannot be compared, so O(update_secrets) decides - with V(on_create) (the default) a
    secret is sent when the connector is created and whenever another setting changes (every
    update sends the whole config), and a new secret value alone does not trigger an update;
    with V(always) the config is sent on every run and the task always reports a change (the
    connector's tasks restart). Rotate a secret with one run of V(always), or together with
    another change.
  - Values of keys that look secret (C(kafka.api.key), C(kafka.api.secret), C(*.password),
    C(secret), C(token), C(credential), C(jaas.config) ...), of the keys in O(secret_keys) and of
    every key the service masks are hidden in results and diffs, and never appear in the task's
    output, also with C(-vvv).
  - Before anything is created or updated, the config is validated by the service against the
    connector's plugin (C(PUT .../connector-plugins/{class}/config/validate)), in check mode too.
    A class that does not exist or a refused setting fails the task with the service's messages
    and nothing is created or changed.
  - With O(wait), the task waits until the connector and all its tasks are C(RUNNING) (or
    C(PAUSED)) and returns the connector and task states. A connector that is C(FAILED) fails
    the task with the service's trace, on the run that waits and on every later run that does
    not change its config.
  - Tested against the published C(connect/v1) OpenAPI contract, not the live service.
options:
  name:
    description:
      - The connector's name (unique in the cluster). Also sent as the C(name) key of the config.
    type: str
    required: true
  environment:
    description:
      - Environment of the cluster, by id (C(env-...)) or by display name.
    type: str
    required: true
  cluster:
    description:
      - The Kafka cluster the connector runs on, by id (C(lkc-...)) or by display name.
    type: str
    required: true
  config:
    description:
      - The connector's whole config, with C(connector.class) (the managed connector plugin,
        for example C(DatagenSource) or C(S3_SINK)) and the cluster's C(kafka.api.key) and
        C(kafka.api.secret) (or C(kafka.auth.mode)). Required unless O(state=absent).
      - Values must be strings - quote numbers and booleans (C("1"), C("true")). Any other value
        is refused, naming its key, before anything is sent.
    type: dict
  secret_keys:
    description:
      - More config keys whose values are secrets, hidden like C(kafka.api.secret).
    type: list
    elements: str
    default: []
  update_secrets:
    description:
      - V(on_create) - secrets (masked by the service) count as unchanged; they are sent on
        creation and with every update of another setting.
      - V(always) - the config, secrets included, is sent on every run, which always reports a
        change.
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description:
      - V(running) creates or updates the connector and resumes it when paused.
      - V(paused) creates or updates the connector and pauses it.
      - V(absent) deletes it.
    type: str
    choices: [running, paused, absent]
    default: running
  validate:
    description:
      - Let the service validate the config before the connector is created or updated.
    type: bool
    default: true
  wait:
    description:
      - Wait until the connector and its tasks are C(RUNNING) (or C(PAUSED)) after a change.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait. On timeout the message gives the last status and any error trace.
    type: int
    default: 600
  wait_interval:
    description:
      - Seconds between two status reads while waiting.
    type: float
    default: 5
extends_documentation_fragment:
  - specweave.kafka.confluent_cloud
  - specweave.kafka.confluent_cloud.action_group
attributes:
  check_mode:
    support: full
    description: Reads the connector, lets the service validate a new or changed config and
      reports what a real run would do, without changing anything.
  diff_mode:
    support: full
    description: Returns the connector's state and config (secrets hidden) before and after.
notes:
  - The published C(connect/v1) API lists C(kafka.api.key) and C(kafka.api.secret) as required;
    the module asks for them unless C(kafka.auth.mode) is set (for example C(SERVICE_ACCOUNT) with
    C(kafka.service.account.id)), which the service accepts but the published contract does not
    describe.
seealso:
  - module: specweave.kafka.confluent_connector_info
  - module: specweave.kafka.confluent_cluster
  - module: specweave.kafka.confluent_api_key
  - module: specweave.kafka.kafka_connector
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Datagen source writing to the orders topic
  specweave.kafka.confluent_connector:
    name: orders-datagen
    environment: production
    cluster: orders
    config:
      connector.class: DatagenSource
      kafka.api.key: "{{ connect_key.api_key.id }}"
      kafka.api.secret: "{{ connect_key_secret }}"
      kafka.topic: orders
      output.data.format: JSON
      quickstart: ORDERS
      tasks.max: "1"
  register: datagen

- name: S3 sink whose AWS secret is hidden like the Kafka one; rotate the secret now
  specweave.kafka.confluent_connector:
    name: orders-to-s3
    environment: env-a1b2c3
    cluster: lkc-x9y8z7
    config:
      connector.class: S3_SINK
      kafka.api.key: "{{ connect_key.api_key.id }}"
      kafka.api.secret: "{{ connect_key_secret }}"
      topics: orders
      input.data.format: JSON
      output.data.format: JSON
      time.interval: HOURLY
      s3.bucket.name: orders-archive
      aws.access.key.id: "{{ aws_key_id }}"
      aws.secret.access.key: "{{ aws_secret }}"
    secret_keys: [aws.access.key.id]
    update_secrets: always

- name: Pause it during maintenance
  specweave.kafka.confluent_connector:
    name: orders-to-s3
    environment: env-a1b2c3
    cluster: lkc-x9y8z7
    config: "{{ s3_sink_config }}"
    state: paused

- name: Delete the datagen connector
  specweave.kafka.confluent_connector:
    name: orders-datagen
    environment: production
    cluster: orders
    state: absent
"""

RETURN = r"""
connector:
  description: The connector after the task (empty when absent).
  returned: always
  type: dict
  contains:
    name:
      description: Connector name.
      type: str
    environment:
      description: Environment id.
      type: str
    cluster:
      description: Kafka cluster id.
      type: str
    type:
      description: C(source) or C(sink).
      type: str
    state:
      description: Connector state (C(PROVISIONING), C(RUNNING), C(PAUSED), C(FAILED),
        C(DEGRADED) ...).
      type: str
    trace:
      description: The service's error trace of a failed connector.
      type: str
    tasks:
      description: The connector's tasks with C(id), C(state), C(worker_id) and C(msg).
      type: list
      elements: dict
    config:
      description: The config as the service stores it, secrets shown as C(********).
      type: dict
actions:
  description: What was done, in order (C(create), C(update), C(pause), C(resume), C(delete)).
  returned: always
  type: list
  elements: str
  sample: [create]
changes:
  description: C(config) - changed keys as C(key -> [before, after]) (secrets masked; null for
    an added or removed key); C(state) - C([before, after]) when paused or resumed.
  returned: always
  type: dict
state_history:
  description: Connector states seen while waiting, in order.
  returned: always
  type: list
  elements: str
  sample: [PROVISIONING, RUNNING]
retries:
  description: Requests retried after HTTP 429/5xx, with the delay used.
  returned: when a request was retried
  type: list
  elements: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_connector import (
    STATES,
    UPDATE_SECRETS,
    ConnectConnection,
    ConnectorResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    environment=dict(type="str", required=True),
    cluster=dict(type="str", required=True),
    config=dict(type="dict"),
    secret_keys=dict(type="list", elements="str", default=[], no_log=False),
    update_secrets=dict(type="str", choices=UPDATE_SECRETS, default="on_create", no_log=False),
    state=dict(type="str", choices=STATES, default="running"),
    validate=dict(type="bool", default=True),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
    wait_interval=dict(type="float", default=5),
)


def main():
    run_module(ConnectorResource(), ARGUMENT_SPEC, ConnectConnection(),
               required_if=[("state", "running", ("config",)), ("state", "paused", ("config",))],
               supports_check_mode=True)


if __name__ == "__main__":
    main()
