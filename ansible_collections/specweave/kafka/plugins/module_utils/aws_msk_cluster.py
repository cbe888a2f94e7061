# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""msk_cluster and msk_cluster_info: the desired-state model of an MSK cluster and its planner.

One model for provisioned and serverless clusters (``validate``), the cluster as AWS describes
it in the same shape (``view``), and the pure planner ``plan_updates`` that turns the
difference into MSK's update calls, one call per kind of change (MSK runs one operation at a
time and each takes the cluster through UPDATING), or into refusals for what MSK cannot change
in place. ``ClusterResource`` is the declaration on the runner.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk import (
    GONE,
    error_code,
    TRANSITIONAL_STATES,
    not_found,
    wait_for_state,
)
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
)

# Broker sizes MSK offers, by family. MSK changes the size in place within a family only.
_SIZES = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
BROKER_TYPES = dict(
    [("kafka.t3.small", "standard")]
    + [("kafka.m5.%s" % size, "standard") for size in _SIZES + ("24xlarge",)]
    + [("kafka.m7g.%s" % size, "standard") for size in _SIZES]
    + [("express.m7g.%s" % size, "express") for size in _SIZES]
)
CLIENT_BROKER = ["TLS", "TLS_PLAINTEXT", "PLAINTEXT"]
ENHANCED_MONITORING = ["DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION"]
# The tag that stands for deletion protection (MSK has no such setting of its own).
PROTECTION_TAG = "specweave.kafka/deletion-protection"
MAX_EBS_GIB = 16384
# Storage auto scaling: an Application Auto Scaling target and target-tracking policy.
SCALING_NAMESPACE = "kafka"
SCALING_DIMENSION = "kafka:broker-storage:VolumeSize"
SCALING_METRIC = "KafkaBrokerStorageUtilization"
SCALING_POLICY = "specweave-kafka-broker-storage"

PROVISIONED_ONLY = ("kafka_version", "broker_instance_type", "brokers_per_az", "ebs_volume_size",
                    "storage_autoscaling", "configuration_arn", "configuration_revision", "encryption_in_transit",
                    "encryption_at_rest_kms_key_id", "enhanced_monitoring", "open_monitoring",
                    "logging")
# Fields of the model compared with the cluster (a field left out of the task is not).
FIELDS = ("cluster_type", "subnets", "security_groups") + tuple(
    key for key in PROVISIONED_ONLY if key != "storage_autoscaling") + ("client_authentication",)
SUBFIELDS = {
    "encryption_in_transit": ("client_broker", "in_cluster"),
    "client_authentication": ("iam", "scram", "tls_ca_arns", "unauthenticated"),
    "open_monitoring": ("jmx_exporter", "node_exporter"),
    "logging": ("cloudwatch_log_group", "firehose_delivery_stream", "s3_bucket", "s3_prefix"),
    "storage_autoscaling": ("max_volume_size", "target_utilization"),
}


def version_key(version):
    """``"3.6.0"`` -> (3, 6, 0); ``"3.6.0.1"`` -> (3, 6, 0, 1); ``"2.8.2.tiered"`` -> (2, 8, 2)."""
    return tuple(int(part) for part in re.findall(r"\d+", str(version or "")))


def _sub(params, key):
    """A sub-dict option without the fields left out (None)."""
    value = params.get(key)
    if value is None:
        return None
    return dict((name, item) for name, item in value.items() if item is not None)


# --------------------------------------------------------------------------------------------
# The model: validation (before any call) and the view of a described cluster
# --------------------------------------------------------------------------------------------

def validate(params):
    """Check the task's options; return the desired model (raise ``InvalidInput``)."""
    problems = []
    state = params.get("state") or "present"
    kind = params.get("cluster_type") or "provisioned"
    name = params.get("name") or ""
    if not re.match(r"^[0-9A-Za-z][0-9A-Za-z-]{0,63}$", name):
        problems.append("name %r is not a valid MSK cluster name: 1-64 letters, digits and "
                        "hyphens, starting with a letter or digit" % name)
    desired = dict(name=name, state=state, cluster_type=kind,
                   subnets=params.get("subnets"), security_groups=params.get("security_groups"),
                   tags=params.get("tags"), purge_tags=params.get("purge_tags", True),
                   deletion_protection=params.get("deletion_protection"),
                   wait=params.get("wait", True), wait_timeout=params.get("wait_timeout", 3600),
                   wait_delay=params.get("wait_delay", 30))
    for key in PROVISIONED_ONLY:
        desired[key] = _sub(params, key) if key in SUBFIELDS else params.get(key)
    desired["client_authentication"] = _sub(params, "client_authentication")
    if state == "absent":
        if problems:
            raise InvalidInput("Invalid msk_cluster options: " + "; ".join(problems))
        return desired

    subnets = desired["subnets"] or []
    if not subnets:
        problems.append("subnets is required with state=present: the client subnets of the "
                        "cluster, one per Availability Zone (2 or 3 for a provisioned cluster)")
    if len(set(subnets)) != len(subnets):
        problems.append("subnets lists a subnet twice: %s" % ", ".join(subnets))
    if kind == "serverless":
        given = [key for key in PROVISIONED_ONLY if desired[key] not in (None, {})]
        if given:
            problems.append("%s only apply to provisioned clusters; a serverless cluster takes "
                            "name, subnets, security_groups, client_authentication.iam and tags"
                            % ", ".join(given))
        auth = desired["client_authentication"] or {}
        other = sorted(key for key in auth if key != "iam")
        if other or auth.get("iam") is False:
            problems.append("a serverless cluster authenticates clients with IAM only: set "
                            "client_authentication: {iam: true} or leave it out")
        if 0 < len(subnets) < 2:
            problems.append("a serverless cluster needs at least 2 subnets in different "
                            "Availability Zones")
    else:
        for key in ("kafka_version", "broker_instance_type", "brokers_per_az"):
            if desired[key] in (None, ""):
                problems.append("%s is required for a provisioned cluster" % key)
        if subnets and len(subnets) not in (2, 3):
            problems.append("a provisioned cluster has its brokers in 2 or 3 Availability "
                            "Zones: give 2 or 3 subnets, not %d" % len(subnets))
        broker_type = desired["broker_instance_type"]
        if broker_type and broker_type not in BROKER_TYPES:
            problems.append("broker_instance_type %r is not an MSK broker type; use one of %s"
                            % (broker_type, ", ".join(sorted(BROKER_TYPES))))
        if desired["brokers_per_az"] is not None and desired["brokers_per_az"] < 1:
            problems.append("brokers_per_az must be at least 1")
        size = desired["ebs_volume_size"]
        if size is not None:
            if BROKER_TYPES.get(broker_type) == "express":
                problems.append("ebs_volume_size does not apply to Express brokers (%s): MSK "
                                "manages their storage; leave it out" % broker_type)
            elif not 1 <= size <= MAX_EBS_GIB:
                problems.append("ebs_volume_size must be 1-%d GiB, got %d" % (MAX_EBS_GIB, size))
        scaling = desired["storage_autoscaling"]
        if scaling is not None:
            if BROKER_TYPES.get(broker_type) == "express":
                problems.append("storage_autoscaling does not apply to Express brokers")
            if scaling.get("max_volume_size") is None:
                problems.append("storage_autoscaling needs max_volume_size (GiB; 0 turns it off)")
            elif scaling["max_volume_size"] and not (
                    (size or 1) < scaling["max_volume_size"] <= MAX_EBS_GIB):
                problems.append("storage_autoscaling.max_volume_size must be above "
                                "ebs_volume_size and at most %d GiB, got %d"
                                % (MAX_EBS_GIB, scaling["max_volume_size"]))
            if scaling.get("max_volume_size"):
                scaling.setdefault("target_utilization", 60)
                if not 10 <= scaling["target_utilization"] <= 80:
                    problems.append("storage_autoscaling.target_utilization must be 10-80 "
                                    "(percent of disk used), got %d"
                                    % scaling["target_utilization"])
            else:
                scaling["target_utilization"] = None
        if bool(desired["configuration_arn"]) != (desired["configuration_revision"] is not None):
            problems.append("configuration_arn and configuration_revision go together (the "
                            "revision msk_configuration returns as revision)")
        if desired["kafka_version"] and not version_key(desired["kafka_version"]):
            problems.append("kafka_version %r is not a version such as 3.6.0"
                            % desired["kafka_version"])
        auth = desired["client_authentication"] or {}
        transit = desired["encryption_in_transit"] or {}
        if (auth.get("scram") or auth.get("iam") or auth.get("tls_ca_arns")) and \
                transit.get("client_broker") == "PLAINTEXT":
            problems.append("client_authentication iam, scram and tls need TLS between clients "
                            "and brokers: set encryption_in_transit.client_broker to TLS or "
                            "TLS_PLAINTEXT")
    if desired["tags"] and PROTECTION_TAG in desired["tags"]:
        problems.append("the tag %s is set by deletion_protection; use that option"
                        % PROTECTION_TAG)
    if desired["wait_timeout"] is not None and desired["wait_timeout"] < 0:
        problems.append("wait_timeout must be 0 or more seconds")
    if problems:
        raise InvalidInput("Invalid msk_cluster options: " + "; ".join(problems))
    return desired


def _enabled(node, *path):
    for key in path:
        node = (node or {}).get(key)
    return bool(node)


def view(info):
    """The cluster as AWS describes it (``DescribeClusterV2``'s ClusterInfo), in the model's
    shape. None for no cluster."""
    if not info:
        return None
    kind = (info.get("ClusterType") or "PROVISIONED").lower()
    result = dict(name=info.get("ClusterName"), arn=info.get("ClusterArn"), cluster_type=kind,
                  state=info.get("State"), current_version=info.get("CurrentVersion"),
                  tags=dict(info.get("Tags") or {}))
    if kind == "serverless":
        serverless = info.get("Serverless") or {}
        vpc = (serverless.get("VpcConfigs") or [{}])[0]
        result.update(subnets=list(vpc.get("SubnetIds") or []),
                      security_groups=list(vpc.get("SecurityGroupIds") or []),
                      client_authentication=dict(iam=_enabled(
                          serverless.get("ClientAuthentication"), "Sasl", "Iam", "Enabled")))
        return result
    prov = info.get("Provisioned") or {}
    group = prov.get("BrokerNodeGroupInfo") or {}
    subnets = list(group.get("ClientSubnets") or [])
    brokers = prov.get("NumberOfBrokerNodes") or 0
    software = prov.get("CurrentBrokerSoftwareInfo") or {}
    encryption = prov.get("EncryptionInfo") or {}
    transit = encryption.get("EncryptionInTransit") or {}
    auth = prov.get("ClientAuthentication") or {}
    prometheus = (prov.get("OpenMonitoring") or {}).get("Prometheus") or {}
    logs = (prov.get("LoggingInfo") or {}).get("BrokerLogs") or {}
    cloudwatch = logs.get("CloudWatchLogs") or {}
    firehose = logs.get("Firehose") or {}
    s3 = logs.get("S3") or {}
    result.update(
        subnets=subnets,
        security_groups=list(group.get("SecurityGroups") or []),
        kafka_version=software.get("KafkaVersion"),
        broker_instance_type=group.get("InstanceType"),
        number_of_broker_nodes=brokers,
        brokers_per_az=brokers // len(subnets) if subnets else brokers,
        ebs_volume_size=((group.get("StorageInfo") or {}).get("EbsStorageInfo") or {}).get(
            "VolumeSize"),
        configuration_arn=software.get("ConfigurationArn"),
        configuration_revision=software.get("ConfigurationRevision"),
        encryption_in_transit=dict(client_broker=transit.get("ClientBroker") or "TLS",
                                   in_cluster=transit.get("InCluster", True)),
        encryption_at_rest_kms_key_id=(encryption.get("EncryptionAtRest") or {}).get(
            "DataVolumeKMSKeyId"),
        client_authentication=dict(
            iam=_enabled(auth, "Sasl", "Iam", "Enabled"),
            scram=_enabled(auth, "Sasl", "Scram", "Enabled"),
            tls_ca_arns=sorted((auth.get("Tls") or {}).get("CertificateAuthorityArnList") or []),
            unauthenticated=_enabled(auth, "Unauthenticated", "Enabled")),
        enhanced_monitoring=prov.get("EnhancedMonitoring") or "DEFAULT",
        open_monitoring=dict(
            jmx_exporter=_enabled(prometheus, "JmxExporter", "EnabledInBroker"),
            node_exporter=_enabled(prometheus, "NodeExporter", "EnabledInBroker")),
        logging=dict(
            cloudwatch_log_group=cloudwatch.get("LogGroup", "") if cloudwatch.get("Enabled")
            else "",
            firehose_delivery_stream=firehose.get("DeliveryStream", "")
            if firehose.get("Enabled") else "",
            s3_bucket=s3.get("Bucket", "") if s3.get("Enabled") else "",
            s3_prefix=s3.get("Prefix", "") if s3.get("Enabled") else ""),
    )
    return result


def visible_tags(tags):
    return dict((k, v) for k, v in (tags or {}).items() if k != PROTECTION_TAG)


def protected(current):
    return str((current.get("tags") or {}).get(PROTECTION_TAG, "")).lower() == "true"


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------

def _client_authentication(auth):
    request = {}
    if auth.get("iam") is not None or auth.get("scram") is not None:
        request["Sasl"] = {}
        if auth.get("iam") is not None:
            request["Sasl"]["Iam"] = {"Enabled": bool(auth["iam"])}
        if auth.get("scram") is not None:
            request["Sasl"]["Scram"] = {"Enabled": bool(auth["scram"])}
    if auth.get("tls_ca_arns") is not None:
        request["Tls"] = {"Enabled": bool(auth["tls_ca_arns"]),
                          "CertificateAuthorityArnList": list(auth["tls_ca_arns"])}
    if auth.get("unauthenticated") is not None:
        request["Unauthenticated"] = {"Enabled": bool(auth["unauthenticated"])}
    return request


def _open_monitoring(monitoring):
    return {"Prometheus": {
        "JmxExporter": {"EnabledInBroker": bool(monitoring.get("jmx_exporter"))},
        "NodeExporter": {"EnabledInBroker": bool(monitoring.get("node_exporter"))}}}


def _logging(logs):
    def one(enabled, **fields):
        body = {"Enabled": bool(enabled)}
        if enabled:
            body.update(fields)
        return body
    broker_logs = {
        "CloudWatchLogs": one(logs.get("cloudwatch_log_group"),
                              LogGroup=logs.get("cloudwatch_log_group")),
        "Firehose": one(logs.get("firehose_delivery_stream"),
                        DeliveryStream=logs.get("firehose_delivery_stream")),
        "S3": one(logs.get("s3_bucket"), Bucket=logs.get("s3_bucket")),
    }
    if logs.get("s3_bucket") and logs.get("s3_prefix"):
        broker_logs["S3"]["Prefix"] = logs["s3_prefix"]
    return {"BrokerLogs": broker_logs}


def create_tags(desired):
    tags = dict(desired.get("tags") or {})
    if desired.get("deletion_protection"):
        tags[PROTECTION_TAG] = "true"
    return tags


def create_request(desired):
    """(operation, parameters) of the call that creates the cluster."""
    tags = create_tags(desired)
    if desired["cluster_type"] == "serverless":
        vpc = {"SubnetIds": list(desired["subnets"])}
        if desired.get("security_groups"):
            vpc["SecurityGroupIds"] = list(desired["security_groups"])
        request = {"ClusterName": desired["name"], "Serverless": {
            "VpcConfigs": [vpc],
            "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}}}}}
        if tags:
            request["Tags"] = tags
        return "create_cluster_v2", request
    subnets = list(desired["subnets"])
    group = {"InstanceType": desired["broker_instance_type"], "ClientSubnets": subnets}
    if desired.get("security_groups"):
        group["SecurityGroups"] = list(desired["security_groups"])
    if desired.get("ebs_volume_size"):
        group["StorageInfo"] = {"EbsStorageInfo": {"VolumeSize": desired["ebs_volume_size"]}}
    request = {"ClusterName": desired["name"], "KafkaVersion": desired["kafka_version"],
               "NumberOfBrokerNodes": desired["brokers_per_az"] * len(subnets),
               "BrokerNodeGroupInfo": group}
    if desired.get("client_authentication"):
        request["ClientAuthentication"] = _client_authentication(desired["client_authentication"])
    encryption = {}
    transit = desired.get("encryption_in_transit") or {}
    if transit:
        encryption["EncryptionInTransit"] = dict(
            (key, value) for key, value in (("ClientBroker", transit.get("client_broker")),
                                            ("InCluster", transit.get("in_cluster")))
            if value is not None)
    if desired.get("encryption_at_rest_kms_key_id"):
        encryption["EncryptionAtRest"] = {
            "DataVolumeKMSKeyId": desired["encryption_at_rest_kms_key_id"]}
    if encryption:
        request["EncryptionInfo"] = encryption
    if desired.get("configuration_arn"):
        request["ConfigurationInfo"] = {"Arn": desired["configuration_arn"],
                                        "Revision": desired["configuration_revision"]}
    if desired.get("enhanced_monitoring"):
        request["EnhancedMonitoring"] = desired["enhanced_monitoring"]
    if desired.get("open_monitoring"):
        request["OpenMonitoring"] = _open_monitoring(desired["open_monitoring"])
    if desired.get("logging"):
        request["LoggingInfo"] = _logging(desired["logging"])
    if tags:
        request["Tags"] = tags
    return "create_cluster", request


def predicted_view(desired):
    """The view of the cluster a create makes (check mode shows it): the create request read
    back as AWS describes a new cluster, AWS's defaults filled in."""
    call, request = create_request(desired)
    info = {"ClusterName": desired["name"], "State": "CREATING", "Tags": request.get("Tags", {})}
    if call == "create_cluster_v2":
        info.update(ClusterType="SERVERLESS", Serverless=request["Serverless"])
        return view(info)
    software = {"KafkaVersion": request["KafkaVersion"]}
    if request.get("ConfigurationInfo"):
        software.update(ConfigurationArn=request["ConfigurationInfo"]["Arn"],
                        ConfigurationRevision=request["ConfigurationInfo"]["Revision"])
    info.update(ClusterType="PROVISIONED", Provisioned={
        "BrokerNodeGroupInfo": request["BrokerNodeGroupInfo"],
        "NumberOfBrokerNodes": request["NumberOfBrokerNodes"],
        "CurrentBrokerSoftwareInfo": software,
        # without client authentication, MSK lets clients in unauthenticated
        "ClientAuthentication": request.get("ClientAuthentication")
        or {"Unauthenticated": {"Enabled": True}},
        "EncryptionInfo": request.get("EncryptionInfo") or {},
        "EnhancedMonitoring": request.get("EnhancedMonitoring") or "DEFAULT",
        "OpenMonitoring": request.get("OpenMonitoring") or {},
        "LoggingInfo": request.get("LoggingInfo") or {}})
    return view(info)


# --------------------------------------------------------------------------------------------
# The planner
# --------------------------------------------------------------------------------------------

def _differs(desired, current, key):
    """The (before, after) of ``key`` when the task sets it and the cluster differs."""
    want = desired.get(key)
    if want is None:
        return None
    have = current.get(key)
    if key in SUBFIELDS:
        have = have or {}
        merged = dict(have)
        merged.update(want)
        if key == "client_authentication" and merged.get("tls_ca_arns") is not None:
            merged["tls_ca_arns"] = sorted(merged["tls_ca_arns"])
        return (have, merged) if merged != have else None
    if key in ("subnets", "security_groups"):
        return (have, list(want)) if sorted(have or []) != sorted(want) else None
    return (have, want) if have != want else None


def plan_updates(desired, current):
    """``(operations, refusals)`` that bring ``current`` (a ``view``) to ``desired``.

    An operation is ``{"call": <boto3 method>, "changes": {field: [before, after]},
    "params": {...}}`` without ClusterArn/CurrentVersion (added when it is sent). Refusals are
    sentences: what MSK cannot change in place, and what to do instead.
    """
    refusals = []
    kind = current["cluster_type"]
    if desired["cluster_type"] != kind:
        return [], ["the cluster %s is %s and cannot become %s in place: MSK has no such "
                    "conversion. Create a new cluster under another name and migrate (MirrorMaker "
                    "2 or MSK Replicator)" % (current["name"], kind, desired["cluster_type"])]
    changes = dict((key, pair) for key, pair in (
        (key, _differs(desired, current, key)) for key in FIELDS) if pair is not None)
    if "subnets" in changes:
        before, after = changes.pop("subnets")
        refusals.append("subnets cannot change in place (%s -> %s): MSK keeps a cluster in the "
                        "subnets and Availability Zones it was created in, and cannot use fewer "
                        "or other zones" % (", ".join(before or []), ", ".join(after)))
    if "security_groups" in changes:
        before, after = changes.pop("security_groups")
        refusals.append("security_groups cannot change in place (%s -> %s): change the rules of "
                        "the existing groups instead" % (", ".join(before), ", ".join(after)))
    operations = []
    if kind == "serverless":
        if changes:
            refusals.append("a serverless cluster cannot change %s in place"
                            % ", ".join(sorted(changes)))
        return operations, refusals

    if "encryption_at_rest_kms_key_id" in changes:
        before, after = changes.pop("encryption_at_rest_kms_key_id")
        refusals.append("encryption_at_rest_kms_key_id cannot change in place (%s -> %s): MSK "
                        "encrypts the volumes with the key chosen at creation"
                        % (before or "the AWS managed key", after))
    transit = changes.get("encryption_in_transit")
    if transit and transit[0].get("in_cluster") != transit[1].get("in_cluster"):
        refusals.append("encryption_in_transit.in_cluster cannot change in place (%s -> %s)"
                        % (transit[0].get("in_cluster"), transit[1].get("in_cluster")))
    if "broker_instance_type" in changes:
        before, after = changes["broker_instance_type"]
        if BROKER_TYPES.get(before, "standard") != BROKER_TYPES[after]:
            refusals.append("broker_instance_type cannot change from %s to %s: MSK changes the "
                            "broker size within the Standard or the Express family only"
                            % (before, after))
    if "ebs_volume_size" in changes:
        before, after = changes["ebs_volume_size"]
        if before is not None and after < before:
            refusals.append("ebs_volume_size cannot decrease (%s -> %s GiB): MSK only grows "
                            "broker storage" % (before, after))
    if "brokers_per_az" in changes:
        before, after = changes["brokers_per_az"]
        if after < before:
            refusals.append("brokers_per_az cannot decrease here (%s -> %s): move every "
                            "partition off the brokers to remove first, then remove them with "
                            "MSK's own tools" % (before, after))
    if "kafka_version" in changes:
        before, after = changes["kafka_version"]
        if version_key(after) < version_key(before):
            refusals.append("kafka_version cannot go down (%s -> %s): MSK only upgrades"
                            % (before, after))
    if refusals:
        return [], refusals

    def add(call, fields, params):
        operations.append({"call": call, "params": params, "changes": dict(
            (field, list(changes[field])) for field in fields)})

    if "kafka_version" in changes:
        add("update_cluster_kafka_version", ["kafka_version"],
            {"TargetKafkaVersion": desired["kafka_version"]})
    if "configuration_arn" in changes or "configuration_revision" in changes:
        add("update_cluster_configuration",
            [f for f in ("configuration_arn", "configuration_revision") if f in changes],
            {"ConfigurationInfo": {"Arn": desired["configuration_arn"],
                                   "Revision": desired["configuration_revision"]}})
    if "broker_instance_type" in changes:
        add("update_broker_type", ["broker_instance_type"],
            {"TargetInstanceType": desired["broker_instance_type"]})
    if "ebs_volume_size" in changes:
        add("update_broker_storage", ["ebs_volume_size"],
            {"TargetBrokerEBSVolumeInfo": [{"KafkaBrokerNodeId": "All",
                                            "VolumeSizeGB": desired["ebs_volume_size"]}]})
    if "brokers_per_az" in changes:
        add("update_broker_count", ["brokers_per_az"],
            {"TargetNumberOfBrokerNodes": desired["brokers_per_az"] * len(current["subnets"])})
    security = [f for f in ("client_authentication", "encryption_in_transit") if f in changes]
    if security:
        params = {}
        if "client_authentication" in changes:
            params["ClientAuthentication"] = _client_authentication(
                changes["client_authentication"][1])
        if "encryption_in_transit" in changes:
            params["EncryptionInfo"] = {"EncryptionInTransit": {
                "ClientBroker": changes["encryption_in_transit"][1]["client_broker"]}}
        add("update_security", security, params)
    monitoring = [f for f in ("enhanced_monitoring", "open_monitoring", "logging")
                  if f in changes]
    if monitoring:
        # UpdateMonitoring replaces all three: send the cluster's values for the others
        params = {"EnhancedMonitoring": desired.get("enhanced_monitoring")
                  or current["enhanced_monitoring"],
                  "OpenMonitoring": _open_monitoring(
                      changes["open_monitoring"][1] if "open_monitoring" in changes
                      else current["open_monitoring"]),
                  "LoggingInfo": _logging(changes["logging"][1] if "logging" in changes
                                          else current["logging"])}
        add("update_monitoring", monitoring, params)
    return operations, refusals


def plan_tags(desired, current_tags):
    """(tags to set, tag keys to remove) for the task's ``tags``/``purge_tags`` and
    ``deletion_protection`` (the protection tag is never purged by ``tags``)."""
    wanted = desired.get("tags")
    if wanted is None:
        to_set, to_remove = {}, []
    else:
        to_set, to_remove = compare_aws_tags(visible_tags(current_tags), wanted,
                                             purge_tags=desired.get("purge_tags", True))
        to_set = dict(to_set)
    protection = desired.get("deletion_protection")
    is_on = str((current_tags or {}).get(PROTECTION_TAG, "")).lower() == "true"
    if protection is True and not is_on:
        to_set[PROTECTION_TAG] = "true"
    if protection is False and PROTECTION_TAG in (current_tags or {}):
        to_remove.append(PROTECTION_TAG)
    return to_set, sorted(to_remove)


def bootstrap_view(response):
    """``GetBootstrapBrokers`` as ``{plaintext, tls, sasl_scram, sasl_iam, public_*}``."""
    names = (("plaintext", "BootstrapBrokerString"), ("tls", "BootstrapBrokerStringTls"),
             ("sasl_scram", "BootstrapBrokerStringSaslScram"),
             ("sasl_iam", "BootstrapBrokerStringSaslIam"),
             ("public_tls", "BootstrapBrokerStringPublicTls"),
             ("public_sasl_scram", "BootstrapBrokerStringPublicSaslScram"),
             ("public_sasl_iam", "BootstrapBrokerStringPublicSaslIam"))
    return dict((key, response[field]) for key, field in names if response.get(field))


# --------------------------------------------------------------------------------------------
# Client calls
# --------------------------------------------------------------------------------------------

def find_cluster(kafka, name):
    """ClusterInfo of the cluster named exactly ``name`` (None when there is none)."""
    token = None
    while True:
        kwargs = {"ClusterNameFilter": name}
        if token:
            kwargs["NextToken"] = token
        page = kafka.list_clusters_v2(aws_retry=True, **kwargs)
        for info in page.get("ClusterInfoList") or []:
            if info.get("ClusterName") == name:
                return describe(kafka, info["ClusterArn"])
        token = page.get("NextToken")
        if not token:
            return None


def describe(kafka, arn):
    """ClusterInfo of ``arn``, None when it does not exist."""
    try:
        return kafka.describe_cluster_v2(ClusterArn=arn, aws_retry=True)["ClusterInfo"]
    except Exception as exc:  # pylint: disable=broad-except
        if not_found(exc):
            return None
        raise


def read_autoscaling(scaling, arn):
    """The storage auto scaling of a cluster: ``({max_volume_size, target_utilization},
    policy name)``; ``max_volume_size`` 0 when there is none."""
    targets = scaling.describe_scalable_targets(
        ServiceNamespace=SCALING_NAMESPACE, ResourceIds=[arn],
        ScalableDimension=SCALING_DIMENSION, aws_retry=True).get("ScalableTargets") or []
    if not targets:
        return {"max_volume_size": 0, "target_utilization": None}, SCALING_POLICY
    policies = scaling.describe_scaling_policies(
        ServiceNamespace=SCALING_NAMESPACE, ResourceId=arn, ScalableDimension=SCALING_DIMENSION,
        aws_retry=True).get("ScalingPolicies") or []
    for policy in policies:
        config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
        metric = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
        if metric == SCALING_METRIC:
            return ({"max_volume_size": targets[0]["MaxCapacity"],
                     "target_utilization": int(config["TargetValue"])}, policy["PolicyName"])
    return {"max_volume_size": targets[0]["MaxCapacity"], "target_utilization": None}, \
        SCALING_POLICY


def plan_autoscaling(desired, current, policy_name):
    """The operation that brings storage auto scaling to ``desired`` (None: nothing to do)."""
    wanted = desired.get("storage_autoscaling")
    if wanted is None or wanted == current:
        return None
    if not wanted["max_volume_size"] and not current["max_volume_size"]:
        return None
    call = ("register_scalable_target/put_scaling_policy" if wanted["max_volume_size"]
            else "delete_scaling_policy/deregister_scalable_target")
    return {"call": call, "params": dict(wanted, policy_name=policy_name),
            "changes": {"storage_autoscaling": [current, dict(wanted)]}}


def apply_autoscaling(scaling, arn, params):
    keys = dict(ServiceNamespace=SCALING_NAMESPACE, ResourceId=arn,
                ScalableDimension=SCALING_DIMENSION)
    if params["max_volume_size"]:
        scaling.register_scalable_target(MinCapacity=1, MaxCapacity=params["max_volume_size"],
                                         aws_retry=True, **keys)
        scaling.put_scaling_policy(
            PolicyName=params["policy_name"], PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": float(params["target_utilization"]),
                "PredefinedMetricSpecification": {"PredefinedMetricType": SCALING_METRIC},
                # MSK never shrinks a volume
                "DisableScaleIn": True},
            aws_retry=True, **keys)
        return
    try:
        scaling.delete_scaling_policy(PolicyName=params["policy_name"], aws_retry=True, **keys)
    except Exception as exc:  # pylint: disable=broad-except
        if error_code(exc) != "ObjectNotFoundException":
            raise
    scaling.deregister_scalable_target(aws_retry=True, **keys)


def bootstrap_servers(kafka, arn):
    return bootstrap_view(kafka.get_bootstrap_brokers(ClusterArn=arn, aws_retry=True))


# --------------------------------------------------------------------------------------------
# The declaration
# --------------------------------------------------------------------------------------------

class Current(object):
    def __init__(self, info, history, autoscaling=None, policy_name=SCALING_POLICY):
        self.info = info
        self.history = history
        self.autoscaling = autoscaling
        self.policy_name = policy_name


class ClusterResource(Resource):
    service = "AWS MSK"

    def desired(self, ctx):
        return validate(ctx.params)

    def _wait(self, ctx, arn, history, targets=("ACTIVE",)):
        kafka = ctx.client.kafka
        desired = ctx.params

        def read():
            info = describe(kafka, arn)
            return (info["State"] if info else GONE), info

        return wait_for_state(read, targets, desired["wait_timeout"], desired["wait_delay"],
                              history, "the MSK cluster %s" % desired["name"])

    def read(self, ctx, desired):
        history = []
        with ctx.step("Read MSK cluster %s" % desired["name"], state_history=history):
            info = find_cluster(ctx.client.kafka, desired["name"])
            if info:
                history.append(info["State"])
            if info and desired["state"] == "present" and desired["wait"] and \
                    info["State"] in TRANSITIONAL_STATES and info["State"] != "DELETING" and \
                    not ctx.check_mode:
                # a cluster still being created or updated: wait for it before comparing
                info = self._wait(ctx, info["ClusterArn"], history)
        current = Current(info, history)
        if info and desired["state"] == "present" and desired["storage_autoscaling"] is not None \
                and info.get("ClusterType") == "PROVISIONED":
            with ctx.step("Read the storage auto scaling of MSK cluster %s" % desired["name"]):
                current.autoscaling, current.policy_name = read_autoscaling(
                    ctx.client.service("application-autoscaling"), info["ClusterArn"])
        return current

    def plan(self, ctx, desired, current):
        before = view(current.info)
        if before is not None and current.autoscaling is not None:
            before["storage_autoscaling"] = current.autoscaling
        result = dict(state_history=current.history, operations=[], bootstrap_servers={})
        if desired["state"] == "absent":
            result.update(cluster={}, arn=before["arn"] if before else None)
            if before is None:
                return Plan(False, result, diff=dict(before={}, after={}), data=None)
            if before["state"] == "DELETING":
                return Plan(False, result, diff=dict(before=before, after={}),
                            data=("wait_gone", before))
            if protected(before):
                raise ModuleFailure(
                    "The MSK cluster %s has deletion protection on (tag %s=true); nothing was "
                    "deleted. Set deletion_protection: false first, then state: absent."
                    % (before["name"], PROTECTION_TAG), cluster=before)
            result["operations"] = [{"call": "delete_cluster", "changes": {
                "state": ["present", "absent"]}}]
            return Plan(True, result, diff=dict(before=before, after={}),
                        data=("delete", before))
        if before is None:
            call, request = create_request(desired)
            after = predicted_view(desired)
            operations = [{"call": call, "changes": {"state": ["absent", "present"]}}]
            scaling = plan_autoscaling(desired, {"max_volume_size": 0,
                                                 "target_utilization": None}, SCALING_POLICY)
            if scaling:
                operations.append(scaling)
                after["storage_autoscaling"] = scaling["changes"]["storage_autoscaling"][1]
            result.update(cluster=after, arn=None, operations=[
                {"call": op["call"], "changes": op["changes"]} for op in operations])
            return Plan(True, result, diff=dict(before={}, after=after),
                        data=("create", (call, request, scaling)))
        if before["state"] == "DELETING":
            raise ModuleFailure("The MSK cluster %s is being deleted; run again once it is gone "
                                "to create it anew." % before["name"], cluster=before)
        operations, refusals = plan_updates(desired, before)
        if refusals:
            raise ModuleFailure(
                "The MSK cluster %s cannot be changed as asked; nothing was changed: %s."
                % (before["name"], "; ".join(refusals)), cluster=before, refusals=refusals)
        if current.autoscaling is not None:
            scaling = plan_autoscaling(desired, current.autoscaling, current.policy_name)
            if scaling:
                operations.append(scaling)
        to_set, to_remove = plan_tags(desired, before["tags"])
        if to_set or to_remove:
            operations.append({"call": "tag_resource/untag_resource", "params": {
                "set": to_set, "remove": to_remove}, "changes": {"tags": [
                    before["tags"], _tags_after(before["tags"], to_set, to_remove)]}})
        after = _after(before, operations)
        result.update(cluster=after, arn=before["arn"], operations=[
            {"call": op["call"], "changes": op["changes"]} for op in operations])
        return Plan(bool(operations), result, diff=dict(before=before, after=after),
                    data=("update", operations))

    def verify(self, ctx, plan, failures):
        """A Kafka upgrade goes only to a version MSK offers from the cluster's (in check mode
        too): ``GetCompatibleKafkaVersions``."""
        verb, data = plan.data
        if verb != "update":
            return
        for operation in data:
            if operation["call"] != "update_cluster_kafka_version":
                continue
            before, target = operation["changes"]["kafka_version"]
            with ctx.step("Read the Kafka versions MSK upgrades %s to" % before):
                answer = ctx.client.kafka.get_compatible_kafka_versions(
                    ClusterArn=plan.result["arn"], aws_retry=True)
            offered = sorted(set(version for item in answer.get("CompatibleKafkaVersions") or []
                                 for version in item.get("TargetVersions") or []),
                             key=version_key)
            if target not in offered:
                failures.add("kafka_version %s -> %s" % (before, target),
                             "MSK upgrades this cluster only to %s"
                             % (", ".join(offered) or "no other version"))

    def apply(self, ctx, plan, failures):
        verb, data = plan.data
        desired = ctx.params
        history = plan.result["state_history"]
        kafka = ctx.client.kafka
        name = desired["name"]
        if verb in ("delete", "wait_gone"):
            arn = data["arn"]
            if verb == "delete":
                with ctx.step("Delete MSK cluster %s" % name):
                    kafka.delete_cluster(ClusterArn=arn, aws_retry=True)
            if desired["wait"]:
                with ctx.step("Wait for MSK cluster %s to be deleted" % name):
                    self._wait(ctx, arn, history, targets=(GONE,))
            return
        if verb == "create":
            call, request, scaling = data
            with ctx.step("Create MSK cluster %s" % name):
                arn = getattr(kafka, call)(aws_retry=True, **request)["ClusterArn"]
            plan.result["arn"] = arn
            history.append("CREATING")
            if scaling:
                self._autoscale(ctx, arn, scaling)
            self._finish(ctx, plan, arn, history)
            return
        arn = plan.result["arn"]
        for operation in data:
            if operation["call"] == "tag_resource/untag_resource":
                with ctx.step("Tag MSK cluster %s" % name):
                    if operation["params"]["set"]:
                        kafka.tag_resource(ResourceArn=arn, Tags=operation["params"]["set"],
                                           aws_retry=True)
                    if operation["params"]["remove"]:
                        kafka.untag_resource(ResourceArn=arn,
                                             TagKeys=operation["params"]["remove"],
                                             aws_retry=True)
                continue
            if operation["call"].endswith("_scalable_target") or \
                    operation["call"].endswith("/put_scaling_policy"):
                self._autoscale(ctx, arn, operation)
                continue
            with ctx.step("Wait for MSK cluster %s to be ACTIVE before %s"
                          % (name, operation["call"])):
                info = self._wait(ctx, arn, history)
            with ctx.step("%s on MSK cluster %s" % (operation["call"], name)):
                getattr(kafka, operation["call"])(
                    ClusterArn=arn, CurrentVersion=info["CurrentVersion"], aws_retry=True,
                    **operation["params"])
            history.append("UPDATING")
        self._finish(ctx, plan, arn, history)

    def _autoscale(self, ctx, arn, operation):
        with ctx.step("Storage auto scaling of MSK cluster %s" % ctx.params["name"]):
            apply_autoscaling(ctx.client.service("application-autoscaling"), arn,
                              operation["params"])

    def _finish(self, ctx, plan, arn, history):
        """Wait (with ``wait``), then return the cluster as it is and its bootstrap servers."""
        name = ctx.params["name"]
        with ctx.step("Wait for MSK cluster %s to be ACTIVE" % name):
            if ctx.params["wait"]:
                info = self._wait(ctx, arn, history)
            else:
                info = describe(ctx.client.kafka, arn)
        shown = view(info)
        if shown and "storage_autoscaling" in plan.result["cluster"]:
            shown["storage_autoscaling"] = plan.result["cluster"]["storage_autoscaling"]
        plan.result["cluster"] = shown or plan.result["cluster"]
        if plan.diff is not None:
            plan.diff["after"] = plan.result["cluster"]
        if info and info.get("State") == "ACTIVE":
            with ctx.step("Read the bootstrap servers of MSK cluster %s" % name):
                plan.result["bootstrap_servers"] = bootstrap_servers(ctx.client.kafka, arn)


def _tags_after(tags, to_set, to_remove):
    after = dict((k, v) for k, v in (tags or {}).items() if k not in to_remove)
    after.update(to_set)
    return after


def _after(before, operations):
    after = dict(before)
    for operation in operations:
        for field, pair in operation["changes"].items():
            after[field] = pair[1]
    if "brokers_per_az" in after and after.get("subnets"):
        after["number_of_broker_nodes"] = after["brokers_per_az"] * len(after["subnets"])
    return after


class ClusterInfoResource(Resource):
    """msk_cluster_info: clusters by name prefix and type, with their bootstrap servers."""

    service = "AWS MSK"

    def read(self, ctx, desired):
        kafka = ctx.client.kafka
        clusters = []
        with ctx.step("List MSK clusters"):
            token = None
            while True:
                kwargs = {}
                if desired.get("name"):
                    kwargs["ClusterNameFilter"] = desired["name"]
                if desired.get("cluster_type"):
                    kwargs["ClusterTypeFilter"] = desired["cluster_type"].upper()
                if token:
                    kwargs["NextToken"] = token
                page = kafka.list_clusters_v2(aws_retry=True, **kwargs)
                clusters.extend(page.get("ClusterInfoList") or [])
                token = page.get("NextToken")
                if not token:
                    break
        if desired.get("name") and desired.get("exact", True):
            clusters = [c for c in clusters if c.get("ClusterName") == desired["name"]]
        views = []
        for info in clusters:
            one = view(info)
            one["bootstrap_servers"] = {}
            if info.get("State") == "ACTIVE":
                with ctx.step("Read the bootstrap servers of MSK cluster %s" % one["name"]):
                    one["bootstrap_servers"] = bootstrap_servers(kafka, one["arn"])
            views.append(one)
        return views

    def plan(self, ctx, desired, current):
        return Plan(False, {"clusters": current})
