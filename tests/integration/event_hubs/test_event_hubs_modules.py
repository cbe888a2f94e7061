"""The event_hubs modules against the contract-validating fake of Azure Resource Manager.

Each module runs in this process (``eh``) with the real Azure SDK over HTTPS; the fake checks
every request and response against the Microsoft.EventHub 2024-01-01 specification (the ``arm``
fixture fails the test on any violation). State is read back from the fake directly, not
through the modules. Per resource: check mode reports the change and the fake is unchanged ->
apply -> the fake shows it -> re-run unchanged -> absent -> gone.
"""
import json
import time

from ansible.module_utils.common.warnings import get_warning_messages

RG = "kafka-test"  # resource group of every test

SERVER_FIELDS = ("provisioning_state", "status")


def writes(arm):
    return arm.writes(arm.take_requests())


def namespace_args(name, **extra):
    args = dict(name=name, resource_group=RG, location="westeurope", sku="Standard",
                capacity=1, kafka_enabled=True, minimum_tls_version="1.2",
                tags=dict(team="orders"))
    args.update(extra)
    return args


def create_namespace(eh, arm, name, **extra):
    result, failed = eh("event_hubs_namespace", namespace_args(name, **extra))
    assert not failed, result["msg"]
    arm.take_requests()
    return result


def test_namespace_lifecycle(eh, arm):
    name = "orders-ehns"
    predicted, failed = eh("event_hubs_namespace", namespace_args(name), check=True)
    assert not failed and predicted["changed"] is True
    assert writes(arm) == [] and arm.namespace_state(RG, name) is None

    real, failed = eh("event_hubs_namespace", namespace_args(name))
    assert not failed and real["changed"] is True
    assert real["changes"] == predicted["changes"] == {"state": ["absent", "present"]}
    for field, value in predicted["namespace"].items():
        if field not in SERVER_FIELDS:
            assert real["namespace"][field] == value, field
    assert real["namespace"]["provisioning_state"] == "Succeeded"
    requests = arm.take_requests()
    polls = [r for r in requests if "/operationStatuses/" in r[1]]
    assert len(polls) == arm.create_polls + 1  # the SDK's poller followed Azure-AsyncOperation
    state = arm.namespace_state(RG, name)["body"]
    assert state["properties"]["provisioningState"] == "Succeeded"
    assert state["sku"] == {"name": "Standard", "tier": "Standard", "capacity": 1}
    assert state["properties"]["kafkaEnabled"] is True and state["tags"] == {"team": "orders"}
    assert real["kafka"]["bootstrap_servers"] == "orders-ehns.servicebus.windows.net:9093"
    assert real["kafka"]["sasl_username"] == "$ConnectionString"
    assert real["kafka"]["security_protocol"] == "SASL_SSL"

    again, failed = eh("event_hubs_namespace", namespace_args(name))
    assert not failed and again["changed"] is False and writes(arm) == []

    update = namespace_args(name, capacity=2, auto_inflate=True, maximum_throughput_units=4,
                            tags=dict(team="orders", env="prod"))
    predicted, failed = eh("event_hubs_namespace", update, check=True)
    assert not failed and predicted["changed"] is True
    assert predicted["changes"] == {"capacity": [1, 2], "auto_inflate": [False, True],
                                    "maximum_throughput_units": [0, 4],
                                    "tags": [{"team": "orders"},
                                             {"team": "orders", "env": "prod"}]}
    assert writes(arm) == []
    assert arm.namespace_state(RG, name)["body"]["sku"]["capacity"] == 1

    real, failed = eh("event_hubs_namespace", update)
    assert not failed and real["changes"] == predicted["changes"]
    requests = arm.take_requests()
    put = [i for i, r in enumerate(requests) if r[0] == "PUT"]
    # the update is polled on the namespace itself until provisioningState leaves Updating
    assert len([r for r in requests[put[0]:] if r[0] == "GET"]) >= arm.update_polls + 1
    state = arm.namespace_state(RG, name)["body"]
    assert state["sku"]["capacity"] == 2 and state["properties"]["maximumThroughputUnits"] == 4
    assert state["properties"]["isAutoInflateEnabled"] is True
    assert state["tags"] == {"team": "orders", "env": "prod"}
    again, failed = eh("event_hubs_namespace", update)
    assert not failed and again["changed"] is False and writes(arm) == []

    rules = dict(default_action="Deny", trusted_service_access_enabled=True,
                 ip_rules=[dict(ip_mask="203.0.113.0/24")])
    real, failed = eh("event_hubs_namespace", dict(name=name, resource_group=RG,
                                                   network_rule_set=rules))
    assert not failed and real["changed"] is True and list(real["changes"]) == [
        "network_rule_set"]
    assert [r[0] for r in writes(arm)] == ["PUT"]  # the rule set only, not the namespace
    network = arm.namespace_state(RG, name)["network"]
    assert network["defaultAction"] == "Deny"
    assert network["ipRules"] == [{"ipMask": "203.0.113.0/24", "action": "Allow"}]
    again, failed = eh("event_hubs_namespace", dict(name=name, resource_group=RG,
                                                    network_rule_set=rules))
    assert not failed and again["changed"] is False

    refused, failed = eh("event_hubs_namespace", namespace_args(name, location="northeurope"))
    assert failed and "location cannot change" in refused["msg"]
    assert "Nothing was changed" in refused["msg"] and writes(arm) == []

    gone, failed = eh("event_hubs_namespace", dict(name=name, resource_group=RG,
                                                   state="absent"), check=True)
    assert not failed and gone["changed"] is True and arm.namespace_state(RG, name) is not None
    gone, failed = eh("event_hubs_namespace", dict(name=name, resource_group=RG,
                                                   state="absent"))
    assert not failed and gone["changed"] is True and arm.namespace_state(RG, name) is None
    polls = [r for r in arm.take_requests() if "/operationResults/" in r[1]]
    assert [r[2] for r in polls] == [202] * arm.delete_polls + [200]  # Location polling
    again, failed = eh("event_hubs_namespace", dict(name=name, resource_group=RG,
                                                    state="absent"))
    assert not failed and again["changed"] is False


def test_bad_or_taken_names_fail_before_any_change(eh, arm):
    result, failed = eh("event_hubs_namespace", namespace_args("taken-elsewhere"))
    assert failed and "not available (NameInUse)" in result["msg"]
    assert writes(arm) == []

    result, failed = eh("event_hubs_namespace", namespace_args("ab"))
    assert failed and "not a valid namespace name" in result["msg"]
    assert arm.take_requests() == []  # refused before any request

    result, failed = eh("event_hubs_namespace", namespace_args("basic-kafka", sku="Basic"))
    assert failed and "Basic tier has no Kafka endpoint" in result["msg"]
    assert arm.take_requests() == []


def test_conflict_while_an_operation_runs_and_429_retry_after(eh, arm):
    name = "busy-ehns"
    started, failed = eh("event_hubs_namespace", namespace_args(name, wait=False))
    assert not failed and started["changed"] is True
    assert arm.namespace_state(RG, name)["body"]["properties"]["provisioningState"] == "Created"
    busy, failed = eh("event_hubs_namespace", namespace_args(name, capacity=3))
    assert failed and "409" in busy["msg"] and "in progress" in busy["msg"]
    arm.settle()
    arm.take_requests()

    arm.inject("GET", "/namespaces/" + name, status=429, retry_after=1)
    began = time.time()
    result, failed = eh("event_hubs_namespace", namespace_args(name))
    assert not failed and result["changed"] is False
    assert time.time() - began >= 1.0  # the SDK waited as Retry-After said
    gets = [r[2] for r in arm.take_requests() if r[0] == "GET"]
    assert gets[:2] == [429, 200]


def test_event_hubs_from_the_topic_model(eh, arm):
    ns = "topics-ehns"
    create_namespace(eh, arm, ns)
    create_namespace(eh, arm, "other-ehns")
    keep, failed = eh("event_hub", dict(namespace="other-ehns", resource_group=RG, name="keep"))
    assert not failed and keep["changed"] is True
    hubs = [
        dict(name="orders", partitions=4, replication_factor=3,
             config={"retention.ms": 3 * 24 * 3600 * 1000},
             consumer_groups=["billing", "shipping"]),
        dict(name="customers", partitions=2, config={"cleanup.policy": "compact"},
             consumer_groups=[dict(name="crm", user_metadata="CRM team")]),
    ]
    args = dict(namespace=ns, resource_group=RG, hubs=hubs)
    arm.take_requests()
    predicted, failed = eh("event_hub", args, check=True)
    assert not failed and predicted["changed"] is True
    assert predicted["actions"] == ["create orders", "create_group orders/billing",
                                    "create_group orders/shipping", "create customers",
                                    "create_group customers/crm"]
    assert writes(arm) == [] and arm.namespace_state(RG, ns)["hubs"] == {}

    real, failed = eh("event_hub", args)
    assert not failed and real["actions"] == predicted["actions"]
    assert any("replication_factor of orders is ignored" in w
               for w in get_warning_messages())
    state = arm.namespace_state(RG, ns)["hubs"]
    orders = state["orders"]["properties"]
    assert orders["partitionCount"] == 4
    assert orders["retentionDescription"] == {"cleanupPolicy": "Delete",
                                              "retentionTimeInHours": 72}
    assert sorted(state["orders"]["groups"]) == ["$default", "billing", "shipping"]
    assert state["customers"]["properties"]["retentionDescription"]["cleanupPolicy"] == "Compact"
    assert state["customers"]["groups"]["crm"]["properties"]["userMetadata"] == "CRM team"
    for name in ("orders", "customers"):
        for field in ("partitions", "retention_hours", "cleanup_policy", "consumer_groups"):
            assert real["hubs"][name][field] == predicted["hubs"][name][field], (name, field)

    arm.take_requests()
    again, failed = eh("event_hub", args)
    assert not failed and again["changed"] is False and again["actions"] == []
    assert writes(arm) == []

    # exclusive consumer groups: the undeclared one goes, $Default stays
    exclusive = dict(args, hubs=[dict(hubs[0], consumer_groups=["billing"])],
                     delete_undeclared_consumer_groups=True)
    real, failed = eh("event_hub", exclusive)
    assert not failed and real["actions"] == ["delete_group orders/shipping"]
    assert sorted(arm.namespace_state(RG, ns)["hubs"]["orders"]["groups"]) == [
        "$default", "billing"]
    arm.take_requests()

    # what Event Hubs cannot do is refused before anything is sent
    fewer, failed = eh("event_hub", dict(args, hubs=[dict(hubs[0], partitions=2)]))
    assert failed and "partitions cannot decrease from 4 to 2" in fewer["msg"]
    more, failed = eh("event_hub", dict(args, hubs=[dict(hubs[0], partitions=8)]))
    assert failed and "only Premium and Dedicated" in more["msg"]
    assert writes(arm) == []
    assert arm.namespace_state(RG, ns)["hubs"]["orders"]["properties"]["partitionCount"] == 4
    config, failed = eh("event_hub", dict(args, hubs=[dict(
        hubs[0], config={"min.insync.replicas": 2, "retention.ms": 3600000})]))
    assert failed and "no setting for topic config(s) min.insync.replicas" in config["msg"]
    assert arm.take_requests() == []

    # exclusive mode is scoped to this namespace
    eh("event_hub", dict(namespace=ns, resource_group=RG, name="scratch"))
    arm.take_requests()
    scoped, failed = eh("event_hub", dict(args, hubs=exclusive["hubs"] + hubs[1:],
                                          delete_undeclared=True))
    assert not failed and scoped["actions"] == ["delete scratch"]
    assert sorted(arm.namespace_state(RG, ns)["hubs"]) == ["customers", "orders"]
    assert list(arm.namespace_state(RG, "other-ehns")["hubs"]) == ["keep"]

    gone, failed = eh("event_hub", dict(namespace=ns, resource_group=RG, name="customers",
                                        state="absent"))
    assert not failed and gone["actions"] == ["delete customers"]
    assert sorted(arm.namespace_state(RG, ns)["hubs"]) == ["orders"]


def test_premium_adds_partitions(eh, arm):
    ns = "premium-ehns"
    create_namespace(eh, arm, ns, sku="Premium")
    eh("event_hub", dict(namespace=ns, resource_group=RG, name="events", partitions=4))
    grown, failed = eh("event_hub", dict(namespace=ns, resource_group=RG, name="events",
                                         partitions=6))
    assert not failed and grown["actions"] == ["update events (partitions)"]
    assert arm.namespace_state(RG, ns)["hubs"]["events"]["properties"]["partitionCount"] == 6

    # capture to Blob Storage: the body is the spec's CaptureDescription, and a re-run compares
    # what Azure returns with what the task asks
    storage = ("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Storage/"
               "storageAccounts/archive" % (arm.subscription_id, RG))
    capture = dict(namespace=ns, resource_group=RG, name="events", capture=dict(
        enabled=True, storage_account_id=storage, blob_container="events",
        interval_seconds=120))
    captured, failed = eh("event_hub", capture)
    assert not failed and captured["actions"] == ["update events (capture)"]
    stored = arm.namespace_state(RG, ns)["hubs"]["events"]["properties"]["captureDescription"]
    assert stored["enabled"] is True and stored["intervalInSeconds"] == 120
    assert stored["encoding"] == "Avro"
    assert stored["destination"]["name"] == "EventHubArchive.AzureBlockBlob"
    assert stored["destination"]["properties"]["storageAccountResourceId"] == storage
    assert stored["destination"]["properties"]["blobContainer"] == "events"
    again, failed = eh("event_hub", capture)
    assert not failed and again["changed"] is False


def test_authorization_rules_and_keys(eh, arm):
    ns = "rules-ehns"
    create_namespace(eh, arm, ns)
    eh("event_hub", dict(namespace=ns, resource_group=RG, name="orders"))
    arm.take_requests()
    args = dict(name="orders-app", namespace=ns, resource_group=RG, rights=["Send", "Listen"])

    predicted, failed = eh("event_hubs_authorization_rule", args, check=True)
    assert not failed and predicted["changed"] is True and writes(arm) == []
    assert "keys" not in predicted
    real, failed = eh("event_hubs_authorization_rule", args)
    assert not failed and real["rule"]["rights"] == ["Listen", "Send"] == predicted["rule"][
        "rights"]
    assert "keys" not in real and "sasl_password" not in real["kafka"]
    arm.take_requests()
    stored = arm.namespace_state(RG, ns)["rules"]["orders-app"]
    assert stored["rights"] == ["Listen", "Send"]
    again, failed = eh("event_hubs_authorization_rule", args)
    assert not failed and again["changed"] is False and writes(arm) == []

    keyed, failed = eh("event_hubs_authorization_rule", dict(args,
                                                             return_connection_strings=True))
    assert not failed and keyed["changed"] is False
    assert keyed["keys"]["primary_key"] == stored["primary"]
    assert keyed["kafka"]["sasl_password"] == keyed["keys"]["primary_connection_string"]
    assert keyed["kafka"]["sasl_password"].startswith(
        "Endpoint=sb://rules-ehns.servicebus.windows.net/;SharedAccessKeyName=orders-app;")

    hub_rule, failed = eh("event_hubs_authorization_rule", dict(
        name="billing-reader", namespace=ns, resource_group=RG, event_hub="orders",
        rights=["Listen"], return_connection_strings=True))
    assert not failed and hub_rule["changed"] is True
    assert hub_rule["keys"]["primary_connection_string"].endswith(";EntityPath=orders")
    arm.take_requests()

    bad, failed = eh("event_hubs_authorization_rule", dict(args, rights=["Manage", "Listen"]))
    assert failed and "Manage needs Listen and Send" in bad["msg"]
    missing, failed = eh("event_hubs_authorization_rule", dict(args, event_hub="nope"))
    assert failed and "Event hub nope does not exist" in missing["msg"]
    assert writes(arm) == []

    changed, failed = eh("event_hubs_authorization_rule", dict(args, rights=["Listen"]))
    assert not failed and changed["changes"] == {"rights": [["Listen", "Send"], ["Listen"]]}
    assert arm.namespace_state(RG, ns)["rules"]["orders-app"]["rights"] == ["Listen"]
    gone, failed = eh("event_hubs_authorization_rule", dict(args, state="absent"))
    assert not failed and gone["changed"] is True
    assert "orders-app" not in arm.namespace_state(RG, ns)["rules"]

    info, failed = eh("event_hubs_info", dict(resource_group=RG, namespace=ns))
    assert not failed and info["exists"] is True
    (described,) = info["namespaces"]
    assert [h["name"] for h in described["event_hubs"]] == ["orders"]
    assert described["event_hubs"][0]["authorization_rules"][0]["name"] == "billing-reader"
    assert [r["name"] for r in described["authorization_rules"]] == [
        "RootManageSharedAccessKey"]
    assert described["kafka"]["bootstrap_servers"] == "rules-ehns.servicebus.windows.net:9093"
    text = json.dumps(info)
    for rule in arm.namespace_state(RG, ns)["rules"].values():
        assert rule["primary"] not in text  # the info module never reads keys
    listing, failed = eh("event_hubs_info", dict(resource_group=RG))
    assert not failed and ns in [n["name"] for n in listing["namespaces"]]


def test_service_principal_from_the_environment(eh, arm, monkeypatch):
    """The variables AWX's Azure Resource Manager credential sets, through azure-identity's
    client credentials flow against the fake's Entra ID endpoints."""
    # a dead-end proxy: a request for anything but 127.0.0.1 fails instead of leaving
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    for key, value in arm.sp_env().items():
        monkeypatch.setenv(key, value)
    arm.token_requests[:] = []
    connection = dict(ca_path=arm.cafile, polling_interval=0.01)
    result, failed = eh("event_hubs_info", dict(resource_group=RG), connection=connection)
    assert not failed, result["msg"]
    assert arm.token_requests == [(arm.client_id, arm.base_url + "/.default", True)]

    monkeypatch.setenv("AZURE_SECRET", "wrong")
    result, failed = eh("event_hubs_info", dict(resource_group=RG), connection=connection)
    assert failed and "Azure authentication failed" in result["msg"]
    assert "AZURE_CLIENT_ID" in result["msg"] and "wrong" not in result["msg"]
    assert arm.token_requests[-1] == (arm.client_id, arm.base_url + "/.default", False)
