#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: kafka_connector
short_description: Manage Kafka Connect connectors as code
version_added: 1.0.0
description:
  - Creates connectors on a Kafka Connect cluster, replaces their config when it differs from
    the worker's view, pauses, resumes, stops and deletes them, restarts what is FAILED and
    resets their offsets, through the workers' REST API.
  - Idempotent against the worker's own view of each connector (C(GET /connectors?expand=info&expand=status),
    one request for the whole task). A config equal to the stored one changes nothing.
  - Before any change, every new or changed config is validated by the worker against its plugin
    (C(PUT /connector-plugins/{class}/config/validate)), in check mode too. A refused config
    fails the task with the worker's messages and nothing is created or changed.
  - After the changes, the task waits until each changed connector and its tasks show the wanted
    state on the workers, and returns the task states. A task that FAILED fails the module with
    the first line of its trace.
options:
  name:
    description:
      - The connector's name. Use O(connectors) to manage several connectors in one task.
    type: str
  config:
    description:
      - The connector's whole config (the worker replaces it as a whole), with C(connector.class).
      - Values are sent as text, as Connect stores them; numbers and booleans are converted
        (V(true) becomes C("true")), a list of plain values is joined with commas. A map or null
        value is refused before any call.
      - Put passwords and keys in O(secrets) instead, so that they are hidden in C(-vvv) output.
    type: dict
  secrets:
    description:
      - Config keys with secret values, merged into O(config). Their values never appear in the
        output, diff or logs. A key may be in O(config) or O(secrets), not both.
      - Values of keys that look secret (C(password), C(secret), C(token), C(jaas.config),
        C(api.key) ...) are hidden in results and diffs also when given in O(config).
    type: dict
  state:
    description:
      - V(running) creates or updates the connector and resumes it when paused or stopped.
      - V(paused) pauses the connector and its tasks (they keep their assignment).
      - V(stopped) stops the connector and shuts its tasks down (Kafka 3.5 or later).
      - V(absent) deletes the connector.
    type: str
    choices: [running, paused, stopped, absent]
    default: running
  restart_failed:
    description:
      - Restart the connector and its tasks that are FAILED (only those), when the state is
        V(running). A connector with nothing FAILED is not restarted and reports unchanged.
    type: bool
    default: false
  reset_offsets:
    description:
      - Delete the connector's offsets (Kafka 3.6 or later). The connector is stopped first,
        then its offsets are reset, then it is brought to O(state). Nothing is done when it has
        no offsets.
    type: bool
    default: false
  connectors:
    description:
      - Several connectors in one task. Each entry takes O(name), O(config), O(secrets),
        O(state), O(restart_failed) and O(reset_offsets); unset ones are taken from the
        top-level options of the same name (not O(config) nor O(secrets)).
    type: list
    elements: dict
    suboptions:
      name:
        description: The connector's name.
        type: str
        required: true
      config:
        description: As the top-level O(config).
        type: dict
      secrets:
        description: As the top-level O(secrets).
        type: dict
      state:
        description: As the top-level O(state).
        type: str
        choices: [running, paused, stopped, absent]
      restart_failed:
        description: As the top-level O(restart_failed).
        type: bool
      reset_offsets:
        description: As the top-level O(reset_offsets).
        type: bool
  mirror_maker:
    description:
      - MirrorMaker 2 between two Kafka clusters, rendered as its three connectors and managed like
        those of O(connectors) (same O(state), validation and wait), named
        C(<name_prefix><source_alias>-<target_alias>-mirror-source), C(...-checkpoint) and
        C(...-heartbeat).
      - Run them on the Connect cluster of the target cluster. Replicated topics are named
        C(<source_alias>.<topic>) in the target (Kafka's default replication policy).
    type: dict
    suboptions:
      source_alias:
        description: Alias of the source cluster (letters, digits, C(_) and C(-)).
        type: str
        required: true
      target_alias:
        description: Alias of the target cluster.
        type: str
        required: true
      source_bootstrap_servers:
        description: Brokers of the source cluster, C(host:port).
        type: list
        elements: str
        required: true
      target_bootstrap_servers:
        description: Brokers of the target cluster, C(host:port).
        type: list
        elements: str
        required: true
      topics:
        description: Topics to replicate (names or Java regular expressions).
        type: list
        elements: str
        default: ['.*']
      topics_exclude:
        description: Topics not to replicate (Kafka excludes its internal topics by default).
        type: list
        elements: str
      groups:
        description: Consumer groups whose offsets the checkpoint connector translates.
        type: list
        elements: str
        default: ['.*']
      sync_group_offsets:
        description: Write the translated offsets into the target cluster's consumer groups (for groups with no active member there).
        type: bool
        default: true
      replication_factor:
        description: Replication factor of the replicated and internal topics in the target.
        type: int
        default: 3
      interval_seconds:
        description: Seconds between topic and group refreshes, checkpoints, offset syncs and heartbeats (Kafka's defaults when unset).
        type: int
      source_config:
        description: Client settings of the source cluster (C(security.protocol), C(sasl.mechanism) ...), without the C(source.cluster.) prefix.
        type: dict
      target_config:
        description: Client settings of the target cluster, without the C(target.cluster.) prefix.
        type: dict
      source_secrets:
        description: Secret client settings of the source cluster (C(sasl.jaas.config) ...), hidden in the output.
        type: dict
      target_secrets:
        description: Secret client settings of the target cluster, hidden in the output.
        type: dict
      config:
        description: More settings for the three connectors.
        type: dict
      name_prefix:
        description: Prefix of the three connectors' names.
        type: str
        default: ""
  exclusive_prefix:
    description:
      - Exclusive mode for the connectors whose names start with this prefix. Those that the task
        does not list are deleted. Every connector of the task must start with it.
    type: str
  validate:
    description:
      - Let the worker validate every new or changed config before anything is changed.
    type: bool
    default: true
  wait:
    description:
      - Wait until every changed connector and its tasks show the wanted state.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait with O(wait).
    type: int
    default: 60
extends_documentation_fragment:
  - specweave.kafka.kafka_connect
attributes:
  check_mode:
    support: full
    description: Reads the worker's view, validates every new or changed config with the worker and reports what would be done without changing anything.
  diff_mode:
    support: full
    description: Shows the state and config (secrets hidden) of each changed connector before and after.
  action_group:
    support: full
    description: >-
      Use C(group/specweave.kafka.kafka_connect) in C(module_defaults) to set the connection once
      (a group of its own: its connection options are not those of the Kafka modules).
    membership:
      - specweave.kafka.kafka_connect
author:
  - specweave.kafka developers (@specweave)
seealso:
  - module: specweave.kafka.kafka_connector_info
  - name: Kafka Connect REST API
    description: The API the module speaks.
    link: https://kafka.apache.org/documentation/#connect_rest
"""

EXAMPLES = r"""
- name: A FileStream source, its password-free config in the open
  specweave.kafka.kafka_connector:
    url: http://connect-1:8083
    name: orders-file-source
    config:
      connector.class: FileStreamSource
      tasks.max: 1
      file: /var/lib/orders/in.txt
      topic: orders

- name: A JDBC sink whose password stays out of the logs
  specweave.kafka.kafka_connector:
    url: http://connect-1:8083
    name: orders-jdbc-sink
    config:
      connector.class: io.confluent.connect.jdbc.JdbcSinkConnector
      topics: [orders, refunds]
      connection.url: jdbc:postgresql://db:5432/shop
      connection.user: connect
    secrets:
      connection.password: "{{ vault_jdbc_password }}"

- name: Every connector of the team in one task; the others of prefix team-a- are deleted
  specweave.kafka.kafka_connector:
    url: http://connect-1:8083
    exclusive_prefix: team-a-
    restart_failed: true
    connectors:
      - name: team-a-in
        config: {connector.class: FileStreamSource, file: /data/in.txt, topic: team-a}
      - name: team-a-out
        state: paused
        config: {connector.class: FileStreamSink, file: /data/out.txt, topics: team-a}

- name: MirrorMaker 2 from the on-premises cluster into the cloud one, on the target's Connect cluster
  specweave.kafka.kafka_connector:
    url: http://connect-cloud-1:8083
    mirror_maker:
      source_alias: onprem
      target_alias: cloud
      source_bootstrap_servers: [kafka-1:9092, kafka-2:9092]
      target_bootstrap_servers: [cloud-kafka-1:9093]
      target_config:
        security.protocol: SASL_SSL
        sasl.mechanism: SCRAM-SHA-512
      target_secrets:
        sasl.jaas.config: >-
          org.apache.kafka.common.security.scram.ScramLoginModule required
          username="mirror" password="{{ vault_mirror_password }}";
      topics: [orders, "payments\\..*"]
      groups: [billing]

- name: Re-read a source from the start
  specweave.kafka.kafka_connector:
    url: http://connect-1:8083
    name: orders-file-source
    config:
      connector.class: FileStreamSource
      file: /var/lib/orders/in.txt
      topic: orders
    reset_offsets: true

- name: Remove a connector
  specweave.kafka.kafka_connector:
    url: http://connect-1:8083
    name: legacy-sink
    state: absent
"""

RETURN = r"""
name:
  description: The connector's name.
  returned: when O(name) is set
  type: str
  sample: orders-file-source
config:
  description: The connector's config as stored (secrets hidden).
  returned: when O(name) is set
  type: dict
  sample: {connector.class: FileStreamSource, file: /var/lib/orders/in.txt, topic: orders, name: orders-file-source}
status:
  description: The connector's state and task states on the workers (after the wait).
  returned: when O(name) is set
  type: dict
  sample: {state: RUNNING, worker_id: "10.0.0.5:8083", type: source, tasks: [{id: 0, state: RUNNING, worker_id: "10.0.0.5:8083"}]}
connectors:
  description: One result per connector of the task (and per connector deleted by exclusive mode).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The connector's name.
      type: str
    state:
      description: The wanted state.
      type: str
    actions:
      description: >-
        What was (or in check mode would be) done, in order: V(create), V(update), V(stop),
        V(reset_offsets), V(pause), V(resume), V(restart), V(delete).
      type: list
      elements: str
    changed:
      description: Whether this connector changed.
      type: bool
    config:
      description: The config (secrets hidden).
      type: dict
    type:
      description: V(source) or V(sink), for a connector that existed before the task.
      type: str
    status:
      description: >-
        The connector's C(state), C(worker_id), C(type), C(trace) (first line, when FAILED) and
        C(tasks) (each with C(id), C(state), C(worker_id) and C(trace)).
      type: dict
  sample:
    - {name: orders-file-source, state: running, actions: [create], changed: true, status: {state: RUNNING, tasks: [{id: 0, state: RUNNING}]}}
requests:
  description: HTTP requests sent to the worker (retries included).
  returned: always
  type: int
  sample: 4
diff:
  description: Per changed connector, its state and config (secrets hidden) before and after.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect import (
    KafkaConnectConnection,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_connect_resource import (
    STATES,
    ConnectorResource,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    config=dict(type="dict"),
    secrets=dict(type="dict", no_log=True),
    state=dict(type="str", choices=STATES, default="running"),
    restart_failed=dict(type="bool", default=False),
    reset_offsets=dict(type="bool", default=False),
    connectors=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        config=dict(type="dict"),
        secrets=dict(type="dict", no_log=True),
        state=dict(type="str", choices=STATES),
        restart_failed=dict(type="bool"),
        reset_offsets=dict(type="bool"),
    )),
    mirror_maker=dict(type="dict", options=dict(
        source_alias=dict(type="str", required=True),
        target_alias=dict(type="str", required=True),
        source_bootstrap_servers=dict(type="list", elements="str", required=True),
        target_bootstrap_servers=dict(type="list", elements="str", required=True),
        topics=dict(type="list", elements="str", default=[".*"]),
        topics_exclude=dict(type="list", elements="str"),
        groups=dict(type="list", elements="str", default=[".*"]),
        sync_group_offsets=dict(type="bool", default=True),
        replication_factor=dict(type="int", default=3),
        interval_seconds=dict(type="int"),
        source_config=dict(type="dict"),
        target_config=dict(type="dict"),
        source_secrets=dict(type="dict", no_log=True),
        target_secrets=dict(type="dict", no_log=True),
        config=dict(type="dict"),
        name_prefix=dict(type="str", default=""),
    )),
    exclusive_prefix=dict(type="str"),
    validate=dict(type="bool", default=True),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=60),
)


def main():
    run_module(ConnectorResource(), ARGUMENT_SPEC, KafkaConnectConnection(),
               supports_check_mode=True,
               mutually_exclusive=[("name", "connectors"), ("name", "mirror_maker")],
               required_one_of=[("name", "connectors", "mirror_maker", "exclusive_prefix")])


if __name__ == "__main__":
    main()
