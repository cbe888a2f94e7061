# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""msk_cluster and msk_cluster_info: main() against botocore's Stubber (what moto lacks: state
transitions, update calls, bootstrap brokers, throttling). Each stubbed request is checked
against botocore's model of MSK, and so is each response."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.tests.unit.plugins.modules.msk_stubs import (
    ARN,
    AWS_ARGS,
    SUBNETS,
    provisioned_info,
    stub_aws,
)
from ansible_collections.specweave.kafka.plugins.modules import msk_cluster as module
from ansible_collections.specweave.kafka.plugins.modules import msk_cluster_info as info_module

BOOTSTRAP = {"BootstrapBrokerStringSaslIam": "b-1.orders.x.c2.kafka.eu-west-1.amazonaws.com:9098",
             "BootstrapBrokerStringTls": "b-1.orders.x.c2.kafka.eu-west-1.amazonaws.com:9094"}


@pytest.fixture
def aws(monkeypatch):
    stubbed = stub_aws(monkeypatch)
    yield stubbed
    stubbed.done()


def args(**extra):
    base = dict(AWS_ARGS, name="orders", kafka_version="3.6.0",
                broker_instance_type="kafka.m7g.large", brokers_per_az=1, subnets=SUBNETS,
                security_groups=["sg-0123"], ebs_volume_size=100, wait_delay=0)
    base.update(extra)
    return base


def listed(stub, *infos):
    stub.add_response("list_clusters_v2", {"ClusterInfoList": list(infos)},
                      {"ClusterNameFilter": "orders"})


def described(stub, info):
    stub.add_response("describe_cluster_v2", {"ClusterInfo": info}, {"ClusterArn": ARN})


def test_create_waits_through_creating_to_active_and_returns_bootstrap(run_main, aws):
    listed(aws.kafka)
    predicted, failed = run_main(module.main, args(client_authentication=dict(iam=True)),
                                 check_mode=True)
    assert not failed and predicted["changed"]
    assert predicted["operations"] == [{"call": "create_cluster",
                                        "changes": {"state": ["absent", "present"]}}]

    listed(aws.kafka)
    aws.kafka.add_response("create_cluster", {"ClusterArn": ARN, "ClusterName": "orders",
                                              "State": "CREATING"}, {
        "ClusterName": "orders", "KafkaVersion": "3.6.0", "NumberOfBrokerNodes": 3,
        "BrokerNodeGroupInfo": {"InstanceType": "kafka.m7g.large", "ClientSubnets": SUBNETS,
                                "SecurityGroups": ["sg-0123"],
                                "StorageInfo": {"EbsStorageInfo": {"VolumeSize": 100}}},
        "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}}}})
    described(aws.kafka, provisioned_info(state="CREATING"))
    described(aws.kafka, provisioned_info(state="CREATING"))
    described(aws.kafka, provisioned_info(state="ACTIVE"))
    aws.kafka.add_response("get_bootstrap_brokers", BOOTSTRAP, {"ClusterArn": ARN})
    real, failed = run_main(module.main, args(client_authentication=dict(iam=True)))
    assert not failed and real["changed"]
    assert real["operations"] == predicted["operations"]
    assert real["state_history"] == ["CREATING", "ACTIVE"]
    assert real["bootstrap_servers"]["sasl_iam"].endswith(":9098")
    assert real["cluster"]["arn"] == ARN and real["cluster"]["number_of_broker_nodes"] == 3


def test_second_run_is_unchanged(run_main, aws):
    listed(aws.kafka, provisioned_info())
    described(aws.kafka, provisioned_info())
    result, failed = run_main(module.main, args(client_authentication=dict(iam=True)))
    assert not failed and result["changed"] is False and result["operations"] == []


def test_storage_then_count_each_waits_updating_to_active_and_throttling_is_retried(
        run_main, aws):
    desired = args(ebs_volume_size=200, brokers_per_az=2)
    listed(aws.kafka, provisioned_info())
    described(aws.kafka, provisioned_info())
    predicted, failed = run_main(module.main, desired, check_mode=True, diff=True)
    assert not failed and [op["call"] for op in predicted["operations"]] == [
        "update_broker_storage", "update_broker_count"]
    assert predicted["diff"]["after"]["number_of_broker_nodes"] == 6

    listed(aws.kafka, provisioned_info())
    described(aws.kafka, provisioned_info())
    described(aws.kafka, provisioned_info())  # ACTIVE before the first call
    aws.kafka.add_client_error("update_broker_storage", "TooManyRequestsException",
                               "Rate exceeded", 429)
    aws.kafka.add_response("update_broker_storage", {"ClusterArn": ARN}, {
        "ClusterArn": ARN, "CurrentVersion": "K3AEGXETSR30VB",
        "TargetBrokerEBSVolumeInfo": [{"KafkaBrokerNodeId": "All", "VolumeSizeGB": 200}]})
    described(aws.kafka, provisioned_info(state="UPDATING", size=200))
    described(aws.kafka, provisioned_info(state="ACTIVE", size=200, version="K2"))
    aws.kafka.add_response("update_broker_count", {"ClusterArn": ARN}, {
        "ClusterArn": ARN, "CurrentVersion": "K2", "TargetNumberOfBrokerNodes": 6})
    described(aws.kafka, provisioned_info(state="UPDATING", size=200, brokers=6))
    described(aws.kafka, provisioned_info(state="ACTIVE", size=200, brokers=6, version="K3"))
    aws.kafka.add_response("get_bootstrap_brokers", BOOTSTRAP, {"ClusterArn": ARN})
    real, failed = run_main(module.main, desired, diff=True)
    assert not failed, real.get("msg")
    assert real["changed"] and real["operations"] == predicted["operations"]
    assert real["state_history"] == ["ACTIVE", "UPDATING", "ACTIVE", "UPDATING", "ACTIVE"]
    assert real["cluster"]["brokers_per_az"] == 2 and real["cluster"]["ebs_volume_size"] == 200
    assert real["diff"]["after"]["number_of_broker_nodes"] == predicted["diff"]["after"][
        "number_of_broker_nodes"]


def test_security_and_monitoring_use_their_own_calls(run_main, aws):
    listed(aws.kafka, provisioned_info())
    described(aws.kafka, provisioned_info())
    described(aws.kafka, provisioned_info())
    aws.kafka.add_response("update_security", {"ClusterArn": ARN}, {
        "ClusterArn": ARN, "CurrentVersion": "K3AEGXETSR30VB",
        "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}, "Scram": {"Enabled": True}},
                                 "Tls": {"Enabled": False, "CertificateAuthorityArnList": []},
                                 "Unauthenticated": {"Enabled": False}}})
    described(aws.kafka, provisioned_info(version="K2"))
    aws.kafka.add_response("update_monitoring", {"ClusterArn": ARN}, {
        "ClusterArn": ARN, "CurrentVersion": "K2", "EnhancedMonitoring": "PER_BROKER",
        "OpenMonitoring": {"Prometheus": {"JmxExporter": {"EnabledInBroker": True},
                                          "NodeExporter": {"EnabledInBroker": False}}},
        "LoggingInfo": {"BrokerLogs": {"CloudWatchLogs": {"Enabled": False},
                                       "Firehose": {"Enabled": False},
                                       "S3": {"Enabled": False}}}})
    described(aws.kafka, provisioned_info(version="K3"))
    aws.kafka.add_response("get_bootstrap_brokers", BOOTSTRAP, {"ClusterArn": ARN})
    result, failed = run_main(module.main, args(
        client_authentication=dict(scram=True), enhanced_monitoring="PER_BROKER",
        open_monitoring=dict(jmx_exporter=True)))
    assert not failed, result.get("msg")
    assert [op["call"] for op in result["operations"]] == ["update_security",
                                                           "update_monitoring"]


@pytest.mark.parametrize("change, words", [
    (dict(ebs_volume_size=50), "ebs_volume_size cannot decrease (100 -> 50 GiB)"),
    (dict(brokers_per_az=0 + 1, subnets=SUBNETS[:2]), "subnets cannot change in place"),
    (dict(broker_instance_type="express.m7g.large", ebs_volume_size=None),
     "cannot change from kafka.m7g.large to express.m7g.large"),
    (dict(kafka_version="3.5.1"), "kafka_version cannot go down (3.6.0 -> 3.5.1)"),
    (dict(cluster_type="serverless", kafka_version=None, broker_instance_type=None,
          brokers_per_az=None, ebs_volume_size=None), "cannot become serverless in place"),
])
def test_refused_in_place_change_fails_clearly_and_changes_nothing(run_main, aws, change, words):
    listed(aws.kafka, provisioned_info())
    described(aws.kafka, provisioned_info())
    result, failed = run_main(module.main, args(**change))
    assert failed and words in result["msg"] and "nothing was changed" in result["msg"]
    # no update call was stubbed: the Stubber would have refused any


@pytest.mark.parametrize("change, words", [
    (dict(broker_instance_type="kafka.m9.huge"), "'kafka.m9.huge' is not an MSK broker type"),
    (dict(subnets=None), "subnets is required with state=present"),
    (dict(cluster_type="serverless"), "only apply to provisioned clusters"),
    (dict(cluster_type="serverless", kafka_version=None, broker_instance_type=None,
          brokers_per_az=None, ebs_volume_size=None, security_groups=None,
          client_authentication=dict(scram=True)), "authenticates clients with IAM only"),
    (dict(ebs_volume_size=20000), "ebs_volume_size must be 1-16384 GiB"),
    (dict(configuration_arn="arn:aws:kafka:eu-west-1:1:configuration/c/1"),
     "configuration_arn and configuration_revision go together"),
    (dict(client_authentication=dict(iam=True),
          encryption_in_transit=dict(client_broker="PLAINTEXT")), "need TLS between clients"),
])
def test_hostile_input_fails_before_any_call(run_main, aws, change, words):
    result, failed = run_main(module.main, args(**change))
    assert failed and words in result["msg"]


def test_timeout_reports_the_last_state(run_main, aws):
    listed(aws.kafka)
    aws.kafka.add_response("create_cluster", {"ClusterArn": ARN, "State": "CREATING"}, None)
    described(aws.kafka, provisioned_info(state="CREATING"))
    result, failed = run_main(module.main, args(wait_timeout=0))
    assert failed and "its last state was CREATING" in result["msg"]
    assert result["arn"] == ARN and result["state_history"] == ["CREATING"]


def test_serverless_is_created_with_v2_and_iam(run_main, aws):
    listed(aws.kafka)
    aws.kafka.add_response("create_cluster_v2", {"ClusterArn": ARN, "State": "CREATING",
                                                 "ClusterType": "SERVERLESS"}, {
        "ClusterName": "orders", "Tags": {"team": "a"}, "Serverless": {
            "VpcConfigs": [{"SubnetIds": SUBNETS[:2]}],
            "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}}}}})
    serverless = {"ClusterArn": ARN, "ClusterName": "orders", "ClusterType": "SERVERLESS",
                  "State": "ACTIVE", "CurrentVersion": "K1", "Tags": {"team": "a"},
                  "Serverless": {"VpcConfigs": [{"SubnetIds": SUBNETS[:2]}],
                                 "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}}}}}
    described(aws.kafka, serverless)
    aws.kafka.add_response("get_bootstrap_brokers", {
        "BootstrapBrokerStringSaslIam": "boot-x.c2.kafka-serverless.eu-west-1.amazonaws.com:9098"},
        {"ClusterArn": ARN})
    result, failed = run_main(module.main, dict(AWS_ARGS, name="orders", cluster_type="serverless",
                                                subnets=SUBNETS[:2], tags={"team": "a"},
                                                wait_delay=0))
    assert not failed, result.get("msg")
    assert result["bootstrap_servers"] == {
        "sasl_iam": "boot-x.c2.kafka-serverless.eu-west-1.amazonaws.com:9098"}
    assert result["cluster"]["client_authentication"] == {"iam": True}


def test_deletion_protection_refuses_absent(run_main, aws):
    info = provisioned_info(tags={"specweave.kafka/deletion-protection": "true"})
    listed(aws.kafka, info)
    described(aws.kafka, info)
    result, failed = run_main(module.main, dict(AWS_ARGS, name="orders", state="absent"))
    assert failed and "deletion protection on" in result["msg"]


def test_absent_deletes_and_waits_until_gone(run_main, aws):
    listed(aws.kafka, provisioned_info())
    described(aws.kafka, provisioned_info())
    aws.kafka.add_response("delete_cluster", {"ClusterArn": ARN, "State": "DELETING"},
                           {"ClusterArn": ARN})
    described(aws.kafka, provisioned_info(state="DELETING"))
    aws.kafka.add_client_error("describe_cluster_v2", "NotFoundException", "gone", 404,
                               expected_params={"ClusterArn": ARN})
    result, failed = run_main(module.main, dict(AWS_ARGS, name="orders", state="absent",
                                                wait_delay=0))
    assert not failed and result["changed"]
    assert result["state_history"] == ["ACTIVE", "DELETING", "GONE"]


def test_access_denied_names_the_iam_action(run_main, aws):
    aws.kafka.add_client_error("list_clusters_v2", "AccessDeniedException", "not allowed", 403)
    result, failed = run_main(module.main, args())
    assert failed and "Allow the IAM action kafka:ListClustersV2" in result["msg"]


def test_info_returns_bootstrap_of_active_clusters(run_main, aws):
    aws.kafka.add_response("list_clusters_v2", {"ClusterInfoList": [provisioned_info()]},
                           {"ClusterNameFilter": "orders"})
    aws.kafka.add_response("get_bootstrap_brokers", BOOTSTRAP, {"ClusterArn": ARN})
    result, failed = run_main(info_module.main, dict(AWS_ARGS, name="orders"), check_mode=True)
    assert not failed and result["changed"] is False
    (cluster,) = result["clusters"]
    assert cluster["bootstrap_servers"]["tls"].endswith(":9094") and cluster["kafka_version"] == "3.6.0"


SCALING = {"ServiceNamespace": "kafka", "ResourceId": ARN,
           "ScalableDimension": "kafka:broker-storage:VolumeSize"}


def test_storage_autoscaling_is_read_planned_and_set(run_main, aws):
    def reads(target=None):
        listed(aws.kafka, provisioned_info())
        described(aws.kafka, provisioned_info())
        aws.autoscaling.add_response("describe_scalable_targets", {"ScalableTargets": [dict(
            SCALING, MinCapacity=1, MaxCapacity=target or 500, RoleARN="arn:aws:iam::1:role/r",
            CreationTime=provisioned_info()["CreationTime"])] if target else []}, {
            "ServiceNamespace": "kafka", "ResourceIds": [ARN],
            "ScalableDimension": "kafka:broker-storage:VolumeSize"})
        if target:
            aws.autoscaling.add_response("describe_scaling_policies", {"ScalingPolicies": [dict(
                SCALING, PolicyARN="arn:p", PolicyName="console-policy",
                PolicyType="TargetTrackingScaling", CreationTime=provisioned_info()["CreationTime"],
                TargetTrackingScalingPolicyConfiguration={
                    "TargetValue": 60.0, "PredefinedMetricSpecification": {
                        "PredefinedMetricType": "KafkaBrokerStorageUtilization"}})]}, SCALING)

    task = args(storage_autoscaling=dict(max_volume_size=500, target_utilization=70))
    reads()
    aws.autoscaling.add_response("register_scalable_target", {}, dict(
        SCALING, MinCapacity=1, MaxCapacity=500))
    aws.autoscaling.add_response("put_scaling_policy", {"PolicyARN": "arn:p"}, dict(
        SCALING, PolicyName="specweave-kafka-broker-storage", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0, "DisableScaleIn": True, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "KafkaBrokerStorageUtilization"}}))
    described(aws.kafka, provisioned_info())
    aws.kafka.add_response("get_bootstrap_brokers", BOOTSTRAP, {"ClusterArn": ARN})
    result, failed = run_main(module.main, task)
    assert not failed, result.get("msg")
    assert result["operations"] == [{"call": "register_scalable_target/put_scaling_policy",
                                     "changes": {"storage_autoscaling": [
                                         {"max_volume_size": 0, "target_utilization": None},
                                         {"max_volume_size": 500, "target_utilization": 70}]}}]

    # a policy made elsewhere (the console) is updated under its own name
    reads(target=500)
    aws.autoscaling.add_response("register_scalable_target", {}, dict(
        SCALING, MinCapacity=1, MaxCapacity=500))
    aws.autoscaling.add_response("put_scaling_policy", {"PolicyARN": "arn:p"}, dict(
        SCALING, PolicyName="console-policy", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0, "DisableScaleIn": True, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "KafkaBrokerStorageUtilization"}}))
    described(aws.kafka, provisioned_info())
    aws.kafka.add_response("get_bootstrap_brokers", BOOTSTRAP, {"ClusterArn": ARN})
    result, failed = run_main(module.main, task)
    assert not failed and result["changed"]

    reads(target=500)
    result, failed = run_main(module.main, dict(task, storage_autoscaling=dict(
        max_volume_size=500, target_utilization=60)))
    assert not failed and result["changed"] is False


def test_a_cluster_still_creating_is_waited_for_before_it_is_compared(run_main, aws):
    listed(aws.kafka, provisioned_info(state="CREATING"))
    described(aws.kafka, provisioned_info(state="CREATING"))
    described(aws.kafka, provisioned_info(state="CREATING"))
    described(aws.kafka, provisioned_info(state="ACTIVE"))
    result, failed = run_main(module.main, args(client_authentication=dict(iam=True)))
    assert not failed and result["changed"] is False
    assert result["state_history"] == ["CREATING", "ACTIVE"] and result["operations"] == []


def test_absent_without_cluster_is_unchanged(run_main, aws):
    listed(aws.kafka)
    result, failed = run_main(module.main, dict(AWS_ARGS, name="orders", state="absent"))
    assert not failed and result["changed"] is False and result["cluster"] == {}


def test_kafka_upgrade_goes_only_to_a_version_msk_offers(run_main, aws):
    def reads():
        listed(aws.kafka, provisioned_info())
        described(aws.kafka, provisioned_info())
        aws.kafka.add_response("get_compatible_kafka_versions", {"CompatibleKafkaVersions": [
            {"SourceVersion": "3.6.0", "TargetVersions": ["3.7.x", "3.8.x"]}]},
            {"ClusterArn": ARN})

    reads()
    refused, failed = run_main(module.main, args(kafka_version="3.9.1"), check_mode=True)
    assert failed and "kafka_version 3.6.0 -> 3.9.1: MSK upgrades this cluster only to " \
        "3.7.x, 3.8.x" in refused["msg"] and "nothing was changed" in refused["msg"]

    reads()
    described(aws.kafka, provisioned_info())
    aws.kafka.add_response("update_cluster_kafka_version", {"ClusterArn": ARN}, {
        "ClusterArn": ARN, "CurrentVersion": "K3AEGXETSR30VB", "TargetKafkaVersion": "3.8.x"})
    described(aws.kafka, provisioned_info(state="UPDATING"))
    described(aws.kafka, provisioned_info(kafka="3.8.x", version="K2"))
    aws.kafka.add_response("get_bootstrap_brokers", BOOTSTRAP, {"ClusterArn": ARN})
    result, failed = run_main(module.main, args(kafka_version="3.8.x"))
    assert not failed, result.get("msg")
    assert result["state_history"] == ["ACTIVE", "UPDATING", "ACTIVE"]
    assert result["cluster"]["kafka_version"] == "3.8.x"
