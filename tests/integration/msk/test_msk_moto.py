"""The MSK modules through Ansible against a moto server: what moto emulates (create, describe,
list, delete, tags; Secrets Manager and KMS), read back with boto3 independently of the modules.
moto keeps clusters CREATING, so these runs use wait: false; waits, updates and bootstrap
servers are proven on botocore's Stubber in the unit tests."""
import json

from testbed.ansible import run_playbook

SUBNETS = ["subnet-0a1", "subnet-0b2"]
PROVISIONED = dict(name="orders", kafka_version="3.6.0", broker_instance_type="kafka.m7g.large",
                   brokers_per_az=1, subnets=SUBNETS, ebs_volume_size=100,
                   client_authentication=dict(scram=True, iam=True),
                   encryption_in_transit=dict(client_broker="TLS"),
                   storage_autoscaling=dict(max_volume_size=500),
                   deletion_protection=True, tags={"team": "payments"}, wait=False)


def clusters(aws):
    return {c["ClusterName"]: c for c in aws.client("kafka").list_clusters_v2()["ClusterInfoList"]}


def write(tmp_path, tasks):
    path = tmp_path / "play.yml"
    path.write_text(json.dumps([{"name": "msk", "hosts": "localhost", "gather_facts": False,
                                 "tasks": tasks}]))
    return str(path)


def test_provisioned_lifecycle(aws, msk, tmp_path):
    """One playbook: check mode, create, re-run, two refusals, tags and protection off; then
    boto3 reads the cluster back; then state: absent. Had check mode created the cluster, the
    create would have found it and sent nothing."""
    cluster = dict(PROVISIONED)
    tasks = [
        {"name": "check", "specweave.kafka.msk_cluster": cluster, "check_mode": True},
        {"name": "create", "specweave.kafka.msk_cluster": cluster},
        {"name": "re-run", "specweave.kafka.msk_cluster": cluster},
        {"name": "smaller volume", "specweave.kafka.msk_cluster": dict(cluster, ebs_volume_size=50),
         "register": "smaller", "failed_when": False},
        {"name": "protected", "specweave.kafka.msk_cluster": {"name": "orders", "state": "absent",
                                                              "wait": False},
         "register": "protected", "failed_when": False},
        {"name": "tags, protection off", "specweave.kafka.msk_cluster": dict(
            cluster, tags={"team": "ledger"}, deletion_protection=False)},
    ]
    run = run_playbook(write(tmp_path, tasks), env=aws.env())
    results = dict((r["_task"], r) for r in run.task_results())
    predicted, created = results["check"], results["create"]
    assert predicted["changed"] and predicted["operations"] == [
        {"call": "create_cluster", "changes": {"state": ["absent", "present"]}},
        {"call": "register_scalable_target/put_scaling_policy", "changes": {
            "storage_autoscaling": [{"max_volume_size": 0, "target_utilization": None},
                                    {"max_volume_size": 500, "target_utilization": 60}]}}]
    assert created["changed"] and created["state_history"] == ["CREATING"]
    assert created["operations"] == predicted["operations"]
    for key in ("name", "cluster_type", "kafka_version", "brokers_per_az", "subnets",
                "client_authentication", "tags", "storage_autoscaling"):
        assert created["cluster"][key] == predicted["cluster"][key], key
    assert results["re-run"]["changed"] is False and results["re-run"]["operations"] == []
    assert results["smaller volume"]["msg"].startswith(
        "The MSK cluster orders cannot be changed as asked; nothing was changed: "
        "ebs_volume_size cannot decrease (100 -> 50 GiB)")
    assert "has deletion protection on (tag specweave.kafka/deletion-protection=true); " \
        "nothing was deleted" in results["protected"]["msg"]
    tagged = results["tags, protection off"]
    assert tagged["changed"] and tagged["operations"] == [{
        "call": "tag_resource/untag_resource", "changes": {"tags": [
            {"team": "payments", "specweave.kafka/deletion-protection": "true"},
            {"team": "ledger"}]}}]
    assert tagged["cluster"]["tags"] == {"team": "ledger"}

    (info,) = clusters(aws).values()
    assert info["ClusterArn"] == created["arn"]
    prov = info["Provisioned"]
    assert prov["NumberOfBrokerNodes"] == 2
    assert prov["BrokerNodeGroupInfo"]["StorageInfo"]["EbsStorageInfo"]["VolumeSize"] == 100
    assert prov["ClientAuthentication"]["Sasl"] == {"Scram": {"Enabled": True},
                                                    "Iam": {"Enabled": True}}
    assert info["Tags"] == {"team": "ledger"}
    scaling = aws.client("application-autoscaling")
    (target,) = scaling.describe_scalable_targets(ServiceNamespace="kafka")["ScalableTargets"]
    assert target["ResourceId"] == info["ClusterArn"] and target["MaxCapacity"] == 500
    (policy,) = scaling.describe_scaling_policies(ServiceNamespace="kafka")["ScalingPolicies"]
    assert policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60

    absent = msk("msk_cluster", {"name": "orders", "state": "absent", "wait": False})
    assert absent["changed"] and absent["operations"] == [
        {"call": "delete_cluster", "changes": {"state": ["present", "absent"]}}]
    assert clusters(aws) == {}


def test_serverless_and_scram_secret_checks(aws, msk, tmp_path):
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    secrets = aws.client("secretsmanager")
    secrets.create_secret(Name="AmazonMSK_app", KmsKeyId=key,
                          SecretString=json.dumps({"username": "app", "password": "s3cret"}))
    secrets.create_secret(Name="AmazonMSK_default_key",
                          SecretString=json.dumps({"username": "x", "password": "y"}))
    serverless = dict(name="events", cluster_type="serverless", subnets=SUBNETS, wait=False)
    tasks = [
        {"name": "check", "specweave.kafka.msk_cluster": serverless, "check_mode": True,
         "register": "check"},
        {"name": "create", "specweave.kafka.msk_cluster": serverless, "register": "create"},
        {"name": "to provisioned", "specweave.kafka.msk_cluster": dict(
            serverless, cluster_type="provisioned", kafka_version="3.6.0",
            broker_instance_type="kafka.m7g.large", brokers_per_az=1),
         "register": "convert", "failed_when": False},
        {"name": "default key", "specweave.kafka.msk_scram_secrets": {
            "cluster": "events", "secrets": ["AmazonMSK_default_key"]},
         "register": "default_key", "failed_when": False},
        {"name": "info", "specweave.kafka.msk_cluster_info": {"cluster_type": "serverless"},
         "register": "info"},
    ]
    run = run_playbook(write(tmp_path, tasks), env=aws.env())
    results = dict((r["_task"], r) for r in run.task_results())
    assert results["check"]["changed"] and results["check"]["operations"][0]["call"] == \
        "create_cluster_v2"
    assert results["create"]["changed"]
    info = clusters(aws)["events"]
    assert info["ClusterType"] == "SERVERLESS"
    assert info["Serverless"]["VpcConfigs"] == [{"SubnetIds": SUBNETS}]
    assert info["Serverless"]["ClientAuthentication"] == {"Sasl": {"Iam": {"Enabled": True}}}
    assert "is serverless and cannot become provisioned in place" in results["to provisioned"]["msg"]
    assert "encrypted with Secrets Manager's default key" in results["default key"]["msg"]
    (listed,) = results["info"]["clusters"]
    assert listed["name"] == "events" and listed["client_authentication"] == {"iam": True}
    assert listed["subnets"] == SUBNETS and listed["state"] == "CREATING"
    assert list(clusters(aws)) == ["events"]


def test_role_check_then_create_then_unchanged(aws, tmp_path):
    """Role msk on moto (no configuration or SCRAM users: moto has neither): check mode predicts
    the create and creates nothing, the real run creates, the re-run changes nothing."""
    role_vars = {"msk_cluster_name": "ledger", "msk_subnets": SUBNETS, "msk_wait": False,
                 "msk_client_authentication": {"iam": True},
                 "msk_tags": {"team": "ledger"}, "msk_deletion_protection": False}
    plays = [{"name": name, "hosts": "localhost", "gather_facts": False, "check_mode": check,
              "roles": [{"role": "specweave.kafka.msk", "vars": role_vars}]}
             for name, check in (("check", True), ("apply", False), ("again", False))]
    path = tmp_path / "role.yml"
    path.write_text(json.dumps(plays))
    run = run_playbook(str(path), env=aws.env())
    assert run.returncode == 0, run.stdout[-3000:]

    def cluster_task(play):
        (task,) = [t for t in run.task_results(play=play)
                   if t["_task"].endswith(": Cluster ledger")]
        return task

    check, apply, again = (cluster_task(play) for play in ("check", "apply", "again"))
    assert check["changed"] and check["operations"] == apply["operations"] == [
        {"call": "create_cluster", "changes": {"state": ["absent", "present"]}}]
    assert apply["changed"] and again["changed"] is False and again["operations"] == []
    assert all(not t.get("changed") for t in run.task_results(play="again"))
    info = clusters(aws)["ledger"]
    assert info["Provisioned"]["BrokerNodeGroupInfo"]["InstanceType"] == "kafka.m7g.large"
    assert info["Provisioned"]["EncryptionInfo"] == {"EncryptionInTransit": {
        "ClientBroker": "TLS"}}
    assert info["Tags"] == {"team": "ledger"}
