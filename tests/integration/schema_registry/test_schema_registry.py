"""schema_registry / schema_registry_info against a real Apicurio Registry (Confluent API).

Every read-back goes through ``registry.request`` (plain urllib on the registry's REST API),
never through the module's own client.
"""
import json
import uuid

from testbed.kafka import free_port

PASSWORD_ENV = "SCHEMA_REGISTRY_PASSWORD"


def uniq(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def avro(*fields):
    return {"type": "record", "name": "Order", "namespace": "com.acme",
            "fields": [dict(f) for f in fields]}


ID = {"name": "id", "type": "long"}
NOTE = {"name": "note", "type": ["null", "string"], "default": None}
EMAIL = {"name": "email", "type": "string"}  # no default: a BACKWARD violation


def versions(registry, subject, deleted=False):
    """The subject's versions; [] only when the registry says it has none (404): any other
    answer (a 500, an auth error) fails the test instead of reading as "nothing registered"."""
    status, body = registry.request("GET", "/subjects/%s/versions%s"
                                    % (subject, "?deleted=true" if deleted else ""))
    assert status in (200, 404), (status, body)
    return body if status == 200 else []


def latest(registry, subject):
    status, body = registry.request("GET", "/subjects/%s/versions/latest" % subject)
    assert status == 200, body
    return body


def subject_rule(registry, subject):
    """Subject-level compatibility as Apicurio stores it (its native API), or None."""
    from urllib.error import HTTPError
    from urllib.request import Request, urlopen
    req = Request("%s/apis/registry/v3/groups/default/artifacts/%s/rules/COMPATIBILITY"
                  % (registry.base_url, subject), headers=registry.auth_header())
    try:
        with urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode())["config"]
    except HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def test_avro_lifecycle_compatibility_and_idempotence(sr, registry):
    subject = uniq("orders-value")
    args = {"subject": subject, "schema": avro(ID), "compatibility": "BACKWARD"}

    check = sr("schema_registry", args, check=True)
    assert check["changed"] is True and check["subjects"][0]["action"] == "registered", check
    assert check["diff"]["after"][subject]["compatibility"] == "BACKWARD"
    assert versions(registry, subject) == []
    assert subject_rule(registry, subject) is None

    applied = sr("schema_registry", args)
    assert applied["changed"] is True and applied["version"] == 1, applied
    assert applied["schema_type"] == "AVRO" and applied["compatibility"] == "BACKWARD"
    back = latest(registry, subject)
    assert back["version"] == 1 and back["id"] == applied["id"]
    assert json.loads(back["schema"]) == avro(ID)
    assert subject_rule(registry, subject) == "BACKWARD"

    again = sr("schema_registry", args)
    assert again["changed"] is False and again["version"] == 1, again

    # equivalent but reformatted (indentation, key order): the registry's comparison says equal
    reformatted = json.dumps({"fields": [{"type": "long", "name": "id"}], "namespace": "com.acme",
                              "name": "Order", "type": "record"}, indent=4)
    same = sr("schema_registry", dict(args, schema=reformatted))
    assert same["changed"] is False and same["version"] == 1, same
    assert versions(registry, subject) == [1]

    # BACKWARD violation: refused in check mode and for real, with the reason; nothing registered
    bad = dict(args, schema=avro(ID, EMAIL))
    for check_mode in (True, False):
        refused = sr("schema_registry", bad, check=check_mode)
        assert refused.get("failed") is True, refused
        assert "not compatible" in refused["msg"] and "BACKWARD" in refused["msg"], refused["msg"]
    assert versions(registry, subject) == [1]

    # compatible evolution under FULL (optional field with a default)
    evolved = sr("schema_registry", dict(args, schema=avro(ID, NOTE), compatibility="FULL"))
    assert evolved["changed"] is True and evolved["version"] == 2, evolved
    assert evolved["diff"]["before"][subject]["latest"]["version"] == 1
    assert evolved["diff"]["before"][subject]["compatibility"] == "BACKWARD"
    assert subject_rule(registry, subject) == "FULL"
    assert versions(registry, subject) == [1, 2]

    # level and schema change together: NONE is applied first, so the breaking schema goes in
    # (Apicurio keeps a subject-level NONE as "no rule", i.e. the global level, NONE here)
    assert registry.request("GET", "/config")[1]["compatibilityLevel"] == "NONE"
    breaking = sr("schema_registry", dict(args, schema=avro(ID, NOTE, EMAIL), compatibility="NONE"))
    assert breaking["changed"] is True and breaking["version"] == 3, breaking
    assert subject_rule(registry, subject) is None
    assert sr("schema_registry", dict(args, schema=avro(ID, NOTE, EMAIL), compatibility="NONE"))[
        "changed"] is False
    sr("schema_registry", dict(args, schema=avro(ID, NOTE, EMAIL), compatibility="FULL"))
    assert subject_rule(registry, subject) == "FULL"
    assert json.loads(latest(registry, subject)["schema"]) == avro(ID, NOTE, EMAIL)

    # back to the global default
    unset = sr("schema_registry", {"subject": subject, "compatibility": "GLOBAL",
                                   "schema": avro(ID, NOTE, EMAIL)})
    assert unset["changed"] is True and unset["compatibility"] is None, unset
    assert subject_rule(registry, subject) is None
    assert sr("schema_registry", {"subject": subject, "compatibility": "GLOBAL",
                                  "schema": avro(ID, NOTE, EMAIL)})["changed"] is False


def test_every_type_with_references_in_one_task(sr, registry):
    tag = uuid.uuid4().hex[:8]
    address = "syntax = \"proto3\";\npackage acme%s;\n\nmessage Address {\n  string city = 1;\n}\n" % tag
    person = ("syntax = \"proto3\";\npackage acme%s;\nimport \"address.proto\";\n\n"
              "message Person {\n  string name = 1;\n  Address address = 2;\n}\n" % tag)
    money = {"type": "record", "name": "Money", "namespace": "com.acme%s" % tag,
             "fields": [{"name": "cents", "type": "long"}]}
    invoice = {"type": "record", "name": "Invoice", "namespace": "com.acme%s" % tag,
               "fields": [{"name": "total", "type": "com.acme%s.Money" % tag}]}
    json_schema = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                   "properties": {"sku": {"type": "string"}}, "required": ["sku"]}
    subjects = [
        {"subject": "address-" + tag, "schema": address, "schema_type": "PROTOBUF"},
        {"subject": "person-" + tag, "schema": person, "schema_type": "PROTOBUF",
         "references": [{"name": "address.proto", "subject": "address-" + tag, "version": 1}]},
        {"subject": "money-" + tag, "schema": money},
        {"subject": "invoice-" + tag, "schema": invoice,
         "references": [{"name": "com.acme%s.Money" % tag, "subject": "money-" + tag, "version": 1}]},
        {"subject": "sku-" + tag, "schema": json_schema, "schema_type": "JSON"},
    ]
    check = sr("schema_registry", {"subjects": subjects}, check=True)
    assert check["changed"] is True, check
    assert [s["action"] for s in check["subjects"]] == ["registered"] * 5
    assert [s for s in subjects if versions(registry, s["subject"])] == []

    applied = sr("schema_registry", {"subjects": subjects})
    assert applied["changed"] is True, applied
    assert [s["version"] for s in applied["subjects"]] == [1] * 5
    for item in subjects:
        back = latest(registry, item["subject"])
        assert back.get("schemaType", "AVRO") == item.get("schema_type", "AVRO"), back
    assert latest(registry, "person-" + tag)["references"] == subjects[1]["references"]
    assert latest(registry, "invoice-" + tag)["references"] == subjects[3]["references"]
    assert latest(registry, "address-" + tag)["schema"] == address

    # reformatted Protobuf and JSON: equivalent by the registry's comparison, so unchanged
    reformatted = list(subjects)
    reformatted[0] = dict(subjects[0], schema=address.replace("\n\n", "\n\n\n").replace("  ", "    "))
    reformatted[4] = dict(subjects[4], schema=json.dumps(json_schema, indent=2, sort_keys=True))
    again = sr("schema_registry", {"subjects": reformatted})
    assert again["changed"] is False, again
    assert all(versions(registry, s["subject"]) == [1] for s in subjects)

    info = sr("schema_registry_info", {"subjects": ["*-" + tag], "versions": "all"})
    assert [s["subject"] for s in info["subjects"]] == sorted(s["subject"] for s in subjects)
    person_info = [s for s in info["subjects"] if s["subject"] == "person-" + tag][0]
    assert person_info["versions"] == [1]
    assert person_info["latest"]["schema_type"] == "PROTOBUF"
    assert person_info["latest"]["references"] == subjects[1]["references"]


def test_seven_levels_and_global(sr, registry):
    tag = uuid.uuid4().hex[:8]
    levels = ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL",
              "FULL_TRANSITIVE", "NONE"]
    subjects = [{"subject": "lvl-%s-%d" % (tag, i), "compatibility": level}
                for i, level in enumerate(levels)]
    status, before_global = registry.request("GET", "/config")
    new_global = "FORWARD" if before_global["compatibilityLevel"] != "FORWARD" else "BACKWARD"
    args = {"subjects": subjects, "schema": {"type": "string"}, "global_compatibility": new_global}
    check = sr("schema_registry", args, check=True)
    assert check["changed"] is True
    assert registry.request("GET", "/config")[1] == before_global
    applied = sr("schema_registry", args)
    assert applied["changed"] is True and applied["global_compatibility"] == new_global, applied
    assert registry.request("GET", "/config")[1]["compatibilityLevel"] == new_global
    # Apicurio stores a subject-level NONE as no rule (see the guide docs/docsite/rst/schema_registry.rst)
    stored = levels[:-1] + [None]
    assert [subject_rule(registry, s["subject"]) for s in subjects] == stored
    assert sr("schema_registry", args)["changed"] is False
    info = sr("schema_registry_info", {"subjects": ["lvl-%s-*" % tag], "versions": "none"})
    assert info["global_compatibility"] == new_global
    assert [s["compatibility"] for s in info["subjects"]] == stored
    # leave the registry-wide default as it was
    sr("schema_registry", {"global_compatibility": before_global["compatibilityLevel"]})


def test_soft_then_permanent_delete(sr, registry):
    subject = uniq("legacy-value")
    sr("schema_registry", {"subject": subject, "schema": {"type": "string"}})
    absent = {"subject": subject, "state": "absent"}

    check = sr("schema_registry", absent, check=True)
    assert check["changed"] is True and check["subjects"][0]["action"] == "deleted", check
    assert versions(registry, subject) == [1]

    soft = sr("schema_registry", absent)
    assert soft["changed"] is True and soft["subjects"][0]["deleted_versions"] == [1], soft
    assert subject not in registry.request("GET", "/subjects")[1]
    assert subject in registry.request("GET", "/subjects?deleted=true")[1]
    assert sr("schema_registry", absent)["changed"] is False

    hard = dict(absent, permanent=True)
    assert sr("schema_registry", hard, check=True)["changed"] is True
    assert subject in registry.request("GET", "/subjects?deleted=true")[1]
    gone = sr("schema_registry", hard)
    assert gone["changed"] is True and gone["subjects"][0]["permanent"] is True, gone
    assert subject not in registry.request("GET", "/subjects?deleted=true")[1]
    assert sr("schema_registry", hard)["changed"] is False

    # a live subject deleted permanently in one task: soft first, then permanent
    other = uniq("short-lived")
    sr("schema_registry", {"subject": other, "schema": {"type": "string"}})
    assert sr("schema_registry", {"subject": other, "state": "absent", "permanent": True})["changed"]
    assert other not in registry.request("GET", "/subjects?deleted=true")[1]


def test_hostile_inputs(sr, registry):
    subject = uniq("bad")
    cases = [
        ({"subject": subject, "schema": "{not json"}, "not valid JSON"),
        ({"subject": subject, "schema": {"type": "record", "name": "X",
                                         "fields": [{"name": "a", "type": "nosuchtype"}]}}, "HTTP 422"),
        ({"subject": subject, "schema": "syntax = \"proto3\"; message { oops",
          "schema_type": "PROTOBUF"}, "HTTP 422"),
        ({"subject": subject, "schema": {"type": "string"}, "schema_type": "XML"}, "schema_type"),
        ({"subject": subject, "schema": {"type": "string"},
          "references": [{"name": "x", "subject": "y"}]}, "missing version"),
        ({"subjects": [{"subject": subject}, {"subject": subject}], "schema": "\"string\""},
         "more than once"),
    ]
    for args, expected in cases:
        result = sr("schema_registry", args)
        assert result.get("failed") is True, (args, result)
        assert expected in result["msg"], (expected, result["msg"])
    assert versions(registry, subject) == []

    wrong = sr("schema_registry", {"subject": subject, "schema": {"type": "string"},
                                   "username": "ops", "password": "wrong"}, auth=False)
    assert wrong.get("failed") is True and wrong["status"] == 401, wrong
    assert "HTTP 401" in wrong["msg"] and "wrong" not in wrong["msg"], wrong["msg"]
    anonymous = sr("schema_registry_info", {}, auth=False)
    assert anonymous.get("failed") is True and anonymous["status"] == 401, anonymous
    # credentials from the environment
    env = sr("schema_registry_info", {"username": "ops", "subjects": [subject]}, auth=False,
             env={PASSWORD_ENV: "s3cret-registry"})
    assert env.get("failed") is not True and env["subjects"] == [], env

    down = sr("schema_registry", {"subject": subject, "schema": {"type": "string"}, "retries": 1,
                                  "url": "http://127.0.0.1:%d/apis/ccompat/v7" % free_port()})
    assert down.get("failed") is True and "Cannot reach Schema Registry" in down["msg"], down
    assert versions(registry, subject) == []

