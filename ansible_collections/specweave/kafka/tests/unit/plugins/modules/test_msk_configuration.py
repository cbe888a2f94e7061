# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""msk_configuration and msk_scram_secrets: main() against botocore's Stubber (moto emulates
neither configurations nor SCRAM associations)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.specweave.kafka.tests.unit.plugins.modules.msk_stubs import (
    ARN,
    AWS_ARGS,
    provisioned_info,
    stub_aws,
)
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_configuration import (
    parse_properties,
    render_properties,
)
from ansible_collections.specweave.kafka.plugins.modules import msk_configuration as configuration
from ansible_collections.specweave.kafka.plugins.modules import msk_scram_secrets as scram

CONFIG_ARN = "arn:aws:kafka:eu-west-1:123456789012:configuration/orders/0c1d-2"
WHEN = datetime.datetime(2026, 1, 1)
PROPS = {"auto.create.topics.enable": False, "default.replication.factor": 3}
TEXT = b"auto.create.topics.enable=false\ndefault.replication.factor=3\n"


@pytest.fixture
def aws(monkeypatch):
    stubbed = stub_aws(monkeypatch)
    yield stubbed
    stubbed.done()


def existing(stub, revision=1, text=TEXT):
    stub.add_response("list_configurations", {"Configurations": [{
        "Arn": CONFIG_ARN, "Name": "orders", "Description": "", "KafkaVersions": ["3.6.0"],
        "CreationTime": WHEN, "State": "ACTIVE",
        "LatestRevision": {"Revision": revision, "CreationTime": WHEN}}]}, {})
    stub.add_response("describe_configuration_revision", {
        "Arn": CONFIG_ARN, "Revision": revision, "ServerProperties": text, "CreationTime": WHEN},
        {"Arn": CONFIG_ARN, "Revision": revision})


def test_properties_render_like_the_broker_role_and_parse_back():
    assert render_properties(PROPS).encode() == TEXT
    assert parse_properties(b"# c\n\nx.y=1\nz= a=b \n") == {"x.y": "1", "z": "a=b"}


def test_create_then_same_properties_unchanged_then_new_revision(run_main, aws):
    aws.kafka.add_response("list_configurations", {"Configurations": []}, {})
    aws.kafka.add_response("create_configuration", {
        "Arn": CONFIG_ARN, "Name": "orders", "State": "ACTIVE", "CreationTime": WHEN,
        "LatestRevision": {"Revision": 1, "CreationTime": WHEN}},
        {"Name": "orders", "ServerProperties": TEXT, "KafkaVersions": ["3.6.0"]})
    task = dict(AWS_ARGS, name="orders", kafka_versions=["3.6.0"], server_properties=PROPS)
    result, failed = run_main(configuration.main, task)
    assert not failed and result["changed"] and result["revision"] == 1
    assert result["arn"] == CONFIG_ARN

    existing(aws.kafka)
    again, failed = run_main(configuration.main, task)
    assert not failed and again["changed"] is False and again["revision"] == 1

    changed = dict(task, server_properties=dict(PROPS, **{"min.insync.replicas": 2}))
    existing(aws.kafka)
    predicted, failed = run_main(configuration.main, changed, check_mode=True)
    assert predicted["changed"] and predicted["revision"] == 2
    existing(aws.kafka)
    aws.kafka.add_response("update_configuration", {
        "Arn": CONFIG_ARN, "LatestRevision": {"Revision": 2, "CreationTime": WHEN}},
        {"Arn": CONFIG_ARN, "ServerProperties": TEXT + b"min.insync.replicas=2\n"})
    real, failed = run_main(configuration.main, changed)
    assert not failed and real["revision"] == 2 and real["changes"] == predicted["changes"]
    assert real["configuration"] == predicted["configuration"]


def test_other_kafka_versions_are_refused(run_main, aws):
    existing(aws.kafka)
    result, failed = run_main(configuration.main, dict(
        AWS_ARGS, name="orders", kafka_versions=["3.7.x"], server_properties=PROPS))
    assert failed and "MSK cannot change that" in result["msg"]


@pytest.mark.parametrize("props, words", [
    ({}, "server_properties is required"),
    ({"log.dirs": ["a", "b"]}, "server_properties.log.dirs must be a string"),
])
def test_configuration_bad_input_fails_before_any_call(run_main, aws, props, words):
    result, failed = run_main(configuration.main, dict(AWS_ARGS, name="orders",
                                                       server_properties=props))
    assert failed and words in result["msg"]


SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_app-AbCdEf"
OLD = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_old-XyZ123"


def test_scram_exclusive_associates_and_disassociates(run_main, aws):
    def reads():
        aws.kafka.add_response("list_clusters_v2", {"ClusterInfoList": [provisioned_info()]},
                               {"ClusterNameFilter": "orders"})
        aws.kafka.add_response("describe_cluster_v2", {"ClusterInfo": provisioned_info()},
                               {"ClusterArn": ARN})
        aws.secretsmanager.add_response("describe_secret", {
            "ARN": SECRET, "Name": "AmazonMSK_app", "KmsKeyId": "arn:aws:kms:eu-west-1:1:key/k"},
            {"SecretId": "AmazonMSK_app"})
        aws.kafka.add_response("list_scram_secrets", {"SecretArnList": [OLD]},
                               {"ClusterArn": ARN})

    task = dict(AWS_ARGS, cluster="orders", secrets=["AmazonMSK_app"], exclusive=True)
    reads()
    predicted, failed = run_main(scram.main, task, check_mode=True)
    assert not failed and predicted["associated"] == [SECRET]
    assert predicted["disassociated"] == [OLD] and predicted["secrets"] == [SECRET]
    reads()
    aws.kafka.add_response("batch_disassociate_scram_secret", {"ClusterArn": ARN},
                           {"ClusterArn": ARN, "SecretArnList": [OLD]})
    aws.kafka.add_response("batch_associate_scram_secret", {"ClusterArn": ARN},
                           {"ClusterArn": ARN, "SecretArnList": [SECRET]})
    real, failed = run_main(scram.main, task)
    assert not failed and real["changed"] and real["secrets"] == predicted["secrets"]


def test_scram_secret_with_default_key_is_refused_before_association(run_main, aws):
    aws.kafka.add_response("list_clusters_v2", {"ClusterInfoList": [provisioned_info()]},
                           {"ClusterNameFilter": "orders"})
    aws.kafka.add_response("describe_cluster_v2", {"ClusterInfo": provisioned_info()},
                           {"ClusterArn": ARN})
    aws.secretsmanager.add_response("describe_secret", {"ARN": SECRET, "Name": "AmazonMSK_app"},
                                    {"SecretId": "AmazonMSK_app"})
    result, failed = run_main(scram.main, dict(AWS_ARGS, cluster="orders",
                                               secrets=["AmazonMSK_app"]))
    assert failed and "customer managed KMS key" in result["msg"]


def test_scram_refusal_of_msk_is_reported(run_main, aws):
    aws.secretsmanager.add_response("describe_secret", {
        "ARN": SECRET, "Name": "AmazonMSK_app", "KmsKeyId": "k"}, {"SecretId": SECRET})
    aws.kafka.add_response("list_scram_secrets", {"SecretArnList": []}, {"ClusterArn": ARN})
    aws.kafka.add_response("batch_associate_scram_secret", {"ClusterArn": ARN,
                           "UnprocessedScramSecrets": [{"SecretArn": SECRET,
                                                        "ErrorCode": "InvalidSecret",
                                                        "ErrorMessage": "bad JSON"}]},
                           {"ClusterArn": ARN, "SecretArnList": [SECRET]})
    result, failed = run_main(scram.main, dict(AWS_ARGS, cluster=ARN, secrets=[SECRET]))
    assert failed and "InvalidSecret: bad JSON" in result["msg"] and result["secrets"] == []


def test_scram_prefix_is_checked_before_any_call(run_main, aws):
    result, failed = run_main(scram.main, dict(AWS_ARGS, cluster="orders", secrets=["app"]))
    assert failed and "starts with AmazonMSK_" in result["msg"]
