"""kafka_quota on a secured broker, every entity kind, read back with Kafka's ConfigCommand."""
import json
import uuid

from security_helpers import ok, quota_configs, run


def canonical(item):
    return json.dumps(item, sort_keys=True)


def test_quota_lifecycle(secure):
    tag = uuid.uuid4().hex[:6]
    user, client = "qu-" + tag, "qc-" + tag
    quotas = [
        dict(user=user, quotas=dict(producer_byte_rate=1048576, request_percentage=12.5)),
        dict(client_id=client, quotas=dict(consumer_byte_rate=2048)),
        dict(user=user, client_id=client, quotas=dict(producer_byte_rate=4096,
                                                      controller_mutation_rate=3)),
        dict(user="<default>", quotas=dict(consumer_byte_rate=104857600)),
        dict(ip="<default>", quotas=dict(connection_creation_rate=77)),
        dict(ip="127.0.0.9", quotas=dict(connection_creation_rate=5)),
    ]
    reads = [
        (("--entity-type", "users", "--entity-name", user),
         dict(producer_byte_rate=1048576, request_percentage=12.5)),
        (("--entity-type", "clients", "--entity-name", client), dict(consumer_byte_rate=2048)),
        (("--entity-type", "users", "--entity-name", user, "--entity-type", "clients",
          "--entity-name", client), dict(producer_byte_rate=4096, controller_mutation_rate=3)),
        (("--entity-type", "users", "--entity-default"), dict(consumer_byte_rate=104857600)),
        (("--entity-type", "ips", "--entity-default"), dict(connection_creation_rate=77)),
        (("--entity-type", "ips", "--entity-name", "127.0.0.9"), dict(connection_creation_rate=5)),
    ]

    labels = ["user=" + user, "client-id=" + client, "client-id=%s,user=%s" % (client, user),
              "user=<default>", "ip=<default>", "ip=127.0.0.9"]
    check = ok(run("kafka_quota", secure, dict(quotas=quotas), check=True))
    # Check mode reports every entity with every key, and the broker still has none of them.
    assert check["changed"] and check["changes"] == dict(
        (label, q["quotas"]) for label, q in zip(labels, quotas))
    assert check["diff"]["before"] == []
    assert sorted(map(canonical, check["diff"]["after"])) == sorted(map(canonical, quotas))
    for entity_args, _expected in reads:
        assert quota_configs(secure, *entity_args) == {}, entity_args  # check mode: no change

    applied = ok(run("kafka_quota", secure, dict(quotas=quotas)))
    # The real run does what check mode reported, and the broker shows exactly that.
    for key in ("changed", "changes", "quotas", "diff"):
        assert applied[key] == check[key], key
    for entity_args, expected in reads:
        assert quota_configs(secure, *entity_args) == expected, entity_args

    assert not ok(run("kafka_quota", secure, dict(quotas=quotas)))["changed"]

    # A null value removes one key; other keys and entities stay.
    partial = ok(run("kafka_quota", secure, dict(quotas=[
        dict(user=user, quotas=dict(request_percentage=None))])))
    assert partial["changes"] == {"user=" + user: {"request_percentage": None}}
    assert quota_configs(secure, *reads[0][0]) == dict(producer_byte_rate=1048576)

    gone = ok(run("kafka_quota", secure, dict(quotas=[dict((k, v) for k, v in q.items()
                                                           if k != "quotas") for q in quotas],
                                              state="absent")))
    assert gone["changed"] and gone["quotas"] == []
    for entity_args, _expected in reads:
        assert quota_configs(secure, *entity_args) == {}, entity_args
    assert not ok(run("kafka_quota", secure, dict(quotas=quotas[:1], state="absent")))["changed"]
