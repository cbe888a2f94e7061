#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: msk_cluster
short_description: Create, update and delete AWS MSK clusters, provisioned or serverless
version_added: 1.0.0
description:
  - Manages an Amazon MSK cluster found by its O(name), provisioned or serverless, from one
    desired state, and returns its bootstrap servers for each authentication type.
  - Options left out are not compared with the cluster. Changes MSK makes in place are sent
    with MSK's own call for each kind of change, one after the other, waiting for the cluster to
    be C(ACTIVE) between them - C(UpdateClusterKafkaVersion), C(UpdateClusterConfiguration),
    C(UpdateBrokerType), C(UpdateBrokerStorage), C(UpdateBrokerCount), C(UpdateSecurity),
    C(UpdateMonitoring), then storage auto scaling (Application Auto Scaling) and the tags.
    RV(operations) lists them, in check mode too.
  - Changes MSK cannot make in place are refused before any change is sent, with what to do
    instead - provisioned to serverless or back, other subnets (or fewer Availability Zones),
    other security groups, a smaller volume, fewer brokers, a Kafka downgrade, a Standard to
    Express broker type (or back), another encryption-at-rest key and in-cluster encryption.
  - A cluster still being created or updated is waited for before it is compared (with
    O(wait)).
  - Provisioned clusters are created with C(CreateCluster), serverless ones with
    C(CreateClusterV2); both are read with C(DescribeClusterV2).
options:
  name:
    description:
      - Name of the cluster (unique in the account and region).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the cluster, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  cluster_type:
    description:
      - V(provisioned) (brokers you size) or V(serverless). Cannot change in place.
    type: str
    choices: [provisioned, serverless]
    default: provisioned
  subnets:
    description:
      - Client subnets, one per Availability Zone (2 or 3 for a provisioned cluster, at least 2
        for a serverless one). Required with O(state=present); cannot change in place.
    type: list
    elements: str
  security_groups:
    description:
      - Security groups of the brokers (the VPC's default group when left out at creation).
        Cannot change in place.
    type: list
    elements: str
  kafka_version:
    description:
      - Apache Kafka version, for example V(3.6.0). Required for a provisioned cluster; a higher
        version upgrades it in place, a lower one is refused. An upgrade goes only to a version
        MSK offers from the cluster's (C(GetCompatibleKafkaVersions), asked first, in check mode
        too).
    type: str
  broker_instance_type:
    description:
      - Broker type, for example V(kafka.m7g.large) or V(express.m7g.large). Required for a
        provisioned cluster. Changes within the Standard (C(kafka.*)) or the Express
        (C(express.*)) family in place.
    type: str
  brokers_per_az:
    description:
      - Brokers in each Availability Zone (the cluster has this times the number of subnets).
        Required for a provisioned cluster; grows in place, a decrease is refused.
    type: int
  ebs_volume_size:
    description:
      - EBS volume of each broker, in GiB (1-16384; not for Express brokers). Grows in place, a
        decrease is refused.
    type: int
  storage_autoscaling:
    description:
      - Storage auto scaling of a provisioned cluster with Standard brokers - an Application Auto
        Scaling target on C(kafka:broker-storage:VolumeSize) and a target-tracking policy on
        C(KafkaBrokerStorageUtilization) that never scales in (MSK does not shrink volumes).
      - Left out, it is not read nor compared.
    type: dict
    suboptions:
      max_volume_size:
        description:
          - Largest volume auto scaling may grow each broker's to, in GiB (above
            O(ebs_volume_size)); V(0) turns auto scaling off.
        type: int
        required: true
      target_utilization:
        description:
          - Percent of the volume used at which it grows (10-80).
        type: int
        default: 60
  configuration_arn:
    description:
      - ARN of an MSK configuration (see M(specweave.kafka.msk_configuration)); with
        O(configuration_revision).
    type: str
  configuration_revision:
    description:
      - Revision of O(configuration_arn) (RV(specweave.kafka.msk_configuration#module:revision)).
    type: int
  encryption_in_transit:
    description:
      - Encryption between clients and brokers, and between brokers. Fields left out are not
        compared.
    type: dict
    suboptions:
      client_broker:
        description:
          - V(TLS) only, V(TLS_PLAINTEXT) both, or V(PLAINTEXT) only. Changes in place.
        type: str
        choices: [TLS, TLS_PLAINTEXT, PLAINTEXT]
      in_cluster:
        description:
          - TLS between brokers. Set at creation only.
        type: bool
  encryption_at_rest_kms_key_id:
    description:
      - KMS key (ARN) that encrypts the broker volumes (the AWS managed key when left out). Set at
        creation only.
    type: str
  client_authentication:
    description:
      - How clients authenticate. Fields left out are not compared; changes go through
        C(UpdateSecurity). A serverless cluster takes V(iam=true) only.
    type: dict
    suboptions:
      iam:
        description: SASL/IAM (port 9098, C(sasl_mechanism=AWS_MSK_IAM) in the Kafka modules).
        type: bool
      scram:
        description: SASL/SCRAM-SHA-512 with secrets from Secrets Manager (port 9096; see
          M(specweave.kafka.msk_scram_secrets)).
        type: bool
      tls_ca_arns:
        description: ARNs of AWS Private CAs whose client certificates are accepted (mutual
          TLS, port 9094); an empty list turns TLS client authentication off.
        type: list
        elements: str
      unauthenticated:
        description: Allow clients without authentication.
        type: bool
  enhanced_monitoring:
    description:
      - CloudWatch metrics level.
    type: str
    choices: [DEFAULT, PER_BROKER, PER_TOPIC_PER_BROKER, PER_TOPIC_PER_PARTITION]
  open_monitoring:
    description:
      - Open monitoring with Prometheus (JMX exporter on port 11001, node exporter on 11002).
    type: dict
    suboptions:
      jmx_exporter:
        description: Run the JMX exporter on the brokers.
        type: bool
      node_exporter:
        description: Run the node exporter on the brokers.
        type: bool
  logging:
    description:
      - Where the brokers' logs go. A field set to an empty string turns that destination off;
        a field left out is not compared.
    type: dict
    suboptions:
      cloudwatch_log_group:
        description: CloudWatch Logs log group.
        type: str
      firehose_delivery_stream:
        description: Kinesis Data Firehose delivery stream.
        type: str
      s3_bucket:
        description: S3 bucket.
        type: str
      s3_prefix:
        description: Prefix of the objects in O(logging.s3_bucket).
        type: str
  deletion_protection:
    description:
      - MSK has no deletion protection of its own; this module keeps it as the cluster tag
        C(specweave.kafka/deletion-protection=true) and refuses O(state=absent) while it is on.
        Other tools do not honour the tag.
      - Not set means leave it as it is.
    type: bool
extends_documentation_fragment:
  - specweave.kafka.aws_msk
  - specweave.kafka.aws_msk.wait
  - specweave.kafka.aws_msk.tags
  - specweave.kafka.aws_msk.action_group
attributes:
  check_mode:
    support: full
    description: Reports the calls a real run would send (RV(operations)) and the cluster after
      them, without sending any.
  diff_mode:
    support: full
    description: Returns the cluster before and after.
notes:
  - C(community.aws.msk_cluster) manages provisioned clusters only. This module reads with
    C(DescribeClusterV2), creates serverless clusters, refuses what MSK cannot change instead of
    sending it, compares only the options given, and waits between update calls.
seealso:
  - module: specweave.kafka.msk_configuration
  - module: specweave.kafka.msk_scram_secrets
  - module: specweave.kafka.msk_cluster_info
  - module: specweave.kafka.kafka_topic
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: Provisioned cluster with IAM and SCRAM authentication
  specweave.kafka.msk_cluster:
    name: orders
    region: eu-west-1
    kafka_version: 3.6.0
    broker_instance_type: kafka.m7g.large
    brokers_per_az: 1
    subnets: [subnet-0a1, subnet-0b2, subnet-0c3]
    security_groups: [sg-0123]
    ebs_volume_size: 100
    client_authentication:
      iam: true
      scram: true
    encryption_in_transit:
      client_broker: TLS
    enhanced_monitoring: PER_BROKER
    open_monitoring:
      jmx_exporter: true
      node_exporter: true
    deletion_protection: true
    tags:
      team: payments
  register: orders_msk

- name: Kafka modules over IAM
  specweave.kafka.kafka_topic:
    bootstrap_servers: "{{ orders_msk.bootstrap_servers.sasl_iam }}"
    security_protocol: SASL_SSL
    sasl_mechanism: AWS_MSK_IAM
    name: payments
    partitions: 6
    replication_factor: 3

- name: Serverless cluster
  specweave.kafka.msk_cluster:
    name: events
    cluster_type: serverless
    subnets: [subnet-0a1, subnet-0b2]

- name: Delete a cluster (turn deletion protection off first if it is on)
  specweave.kafka.msk_cluster:
    name: scratch
    state: absent
"""

RETURN = r"""
cluster:
  description: The cluster after the task, in the shape of the options (empty when absent).
  returned: always
  type: dict
  contains:
    name:
      description: Cluster name.
      type: str
    arn:
      description: Cluster ARN (null in check mode before creation).
      type: str
    cluster_type:
      description: V(provisioned) or V(serverless).
      type: str
    state:
      description: MSK state (C(CREATING), C(ACTIVE), C(UPDATING), ...).
      type: str
    current_version:
      description: MSK's version of the cluster's settings (each update call needs it).
      type: str
    number_of_broker_nodes:
      description: Brokers of a provisioned cluster.
      type: int
    tags:
      description: Tags of the cluster.
      type: dict
arn:
  description: Cluster ARN.
  returned: always
  type: str
state_history:
  description: The cluster states seen, in order (from the first read to the last).
  returned: always
  type: list
  elements: str
  sample: [CREATING, ACTIVE]
operations:
  description: The MSK calls the task sends (or would send in check mode), in order, each with
    the fields it changes as C(field -> [before, after]).
  returned: always
  type: list
  elements: dict
  sample: [{call: update_broker_storage, changes: {ebs_volume_size: [100, 200]}}]
bootstrap_servers:
  description: Bootstrap servers of an C(ACTIVE) cluster, by authentication type (only those
    the cluster serves).
  returned: always
  type: dict
  sample:
    sasl_iam: b-1.orders.abc123.c2.kafka.eu-west-1.amazonaws.com:9098
    sasl_scram: b-1.orders.abc123.c2.kafka.eu-west-1.amazonaws.com:9096
refusals:
  description: What MSK cannot change in place, when the task was refused.
  returned: on failure
  type: list
  elements: str
"""

from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk import run_aws_module
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_cluster import (
    CLIENT_BROKER,
    ClusterResource,
    ENHANCED_MONITORING,
)

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    cluster_type=dict(type="str", choices=["provisioned", "serverless"], default="provisioned"),
    subnets=dict(type="list", elements="str"),
    security_groups=dict(type="list", elements="str"),
    kafka_version=dict(type="str"),
    broker_instance_type=dict(type="str"),
    brokers_per_az=dict(type="int"),
    ebs_volume_size=dict(type="int"),
    storage_autoscaling=dict(type="dict", options=dict(
        max_volume_size=dict(type="int", required=True),
        target_utilization=dict(type="int", default=60))),
    configuration_arn=dict(type="str"),
    configuration_revision=dict(type="int"),
    encryption_in_transit=dict(type="dict", options=dict(
        client_broker=dict(type="str", choices=CLIENT_BROKER),
        in_cluster=dict(type="bool"))),
    encryption_at_rest_kms_key_id=dict(type="str"),
    client_authentication=dict(type="dict", options=dict(
        iam=dict(type="bool"),
        scram=dict(type="bool"),
        tls_ca_arns=dict(type="list", elements="str"),
        unauthenticated=dict(type="bool"))),
    enhanced_monitoring=dict(type="str", choices=ENHANCED_MONITORING),
    open_monitoring=dict(type="dict", options=dict(
        jmx_exporter=dict(type="bool"),
        node_exporter=dict(type="bool"))),
    logging=dict(type="dict", options=dict(
        cloudwatch_log_group=dict(type="str"),
        firehose_delivery_stream=dict(type="str"),
        s3_bucket=dict(type="str"),
        s3_prefix=dict(type="str"))),
    deletion_protection=dict(type="bool"),
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=3600),
    wait_delay=dict(type="float", default=30),
)


def main():
    run_aws_module(ClusterResource(), ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
