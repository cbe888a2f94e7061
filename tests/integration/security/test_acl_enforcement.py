"""kafka_acl on a secured broker: ACLs change what a SCRAM user may do, proven by producing and
consuming with librdkafka; every ACL change is read back with Kafka's own AclCommand."""
import uuid

from security_helpers import acl_list, consume, create_topic, ok, produce, run


def grant(principal, topic, group, permission="allow", operations=("write", "describe")):
    return [
        dict(principal=principal, resource_type="topic", resource_name=topic,
             operations=list(operations) + ["read"], permission=permission),
        dict(principal=principal, resource_type="group", resource_name=group,
             operations=["read"], permission=permission),
    ]


def test_acl_lifecycle_and_enforcement(secure):
    tag = uuid.uuid4().hex[:6]
    user, password = "app-" + tag, "pw-" + uuid.uuid4().hex
    topic, group = "enf-%s" % tag, "grp-%s" % tag
    principal = "User:" + user
    create_topic(secure, topic)
    ok(run("kafka_user", secure, dict(name=user, password=password)))

    # No ACL at all: authenticated, but denied.
    assert produce(secure, topic, user, password) == "TOPIC_AUTHORIZATION_FAILED"
    assert consume(secure, topic, group, user, password) in (
        "TOPIC_AUTHORIZATION_FAILED", "GROUP_AUTHORIZATION_FAILED")

    bindings = grant(principal, topic, group)
    check = ok(run("kafka_acl", secure, dict(acls=bindings), check=True))
    assert check["changed"] and sorted(check["created"]) == sorted(
        ["%s allow %s on literal topic:%s from *" % (principal, op, topic)
         for op in ("write", "describe", "read")]
        + ["%s allow read on literal group:%s from *" % (principal, group)])
    assert acl_list(secure, "--principal", principal) == set()        # check mode: no change

    applied = ok(run("kafka_acl", secure, dict(acls=bindings)))
    assert applied["changed"] and applied["created"] == check["created"]
    assert acl_list(secure, "--principal", principal) == set([
        (principal, "*", op, "allow", "topic", topic, "literal")
        for op in ("write", "describe", "read")] + [
        (principal, "*", "read", "allow", "group", group, "literal")])
    assert "User:%s allow write on literal topic:%s from *" % (user, topic) in \
        applied["diff"]["after"]

    again = ok(run("kafka_acl", secure, dict(acls=bindings)))
    assert not again["changed"] and again["created"] == [] and again["deleted"] == []

    assert produce(secure, topic, user, password) is None
    assert consume(secure, topic, group, user, password) is None

    # Deny overrides allow.
    deny = [dict(principal=principal, resource_type="topic", resource_name=topic,
                 operations=["write"], permission="deny")]
    ok(run("kafka_acl", secure, dict(acls=deny)))
    assert (principal, "*", "write", "deny", "topic", topic, "literal") in acl_list(
        secure, "--topic", topic)
    assert produce(secure, topic, user, password) == "TOPIC_AUTHORIZATION_FAILED"

    # Exclusive mode scoped to the principal removes the deny (undeclared) and nothing else.
    other = "User:bystander-" + tag
    ok(run("kafka_acl", secure, dict(acls=[dict(principal=other, resource_type="topic",
                                                resource_name=topic, operations=["read"])])))
    excl = ok(run("kafka_acl", secure, dict(acls=bindings,
                                            exclusive=dict(principals=[principal]))))
    assert excl["deleted"] == ["%s deny write on literal topic:%s from *" % (principal, topic)]
    assert excl["created"] == []
    assert (other, "*", "read", "allow", "topic", topic, "literal") in acl_list(
        secure, "--topic", topic)
    assert produce(secure, topic, user, password) is None

    # Absent: gone, and denied again.
    gone = ok(run("kafka_acl", secure, dict(acls=bindings, state="absent")))
    assert gone["changed"] and len(gone["deleted"]) == 4
    assert acl_list(secure, "--principal", principal) == set()
    assert not ok(run("kafka_acl", secure, dict(acls=bindings, state="absent")))["changed"]
    assert produce(secure, topic, user, password) == "TOPIC_AUTHORIZATION_FAILED"
    ok(run("kafka_acl", secure, dict(acls=[dict(principal=other, resource_type="topic",
                                                resource_name=topic, operations=["read"])],
                                     state="absent")))


def test_prefixed_acl(secure):
    tag = uuid.uuid4().hex[:6]
    user, password = "pfx-" + tag, "pw-" + uuid.uuid4().hex
    prefix = "pfx-%s." % tag
    inside, outside = prefix + "orders", "nopfx-%s" % tag
    for topic in (inside, outside):
        create_topic(secure, topic)
    ok(run("kafka_user", secure, dict(name=user, password=password)))
    binding = [dict(principal="User:" + user, resource_type="topic", resource_name=prefix,
                    pattern_type="prefixed", operations=["write", "describe"])]
    ok(run("kafka_acl", secure, dict(acls=binding)))
    assert ("User:" + user, "*", "write", "allow", "topic", prefix, "prefixed") in acl_list(
        secure, "--principal", "User:" + user)
    assert produce(secure, inside, user, password) is None
    assert produce(secure, outside, user, password) == "TOPIC_AUTHORIZATION_FAILED"
    ok(run("kafka_acl", secure, dict(acls=binding, state="absent")))
    assert produce(secure, inside, user, password) == "TOPIC_AUTHORIZATION_FAILED"
