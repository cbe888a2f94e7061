"""The Schema Registry guide's example, run as written against this area's registry.

Registered in RUNS for tests/integration/docs/test_guide_examples.py::test_every_example_is_proven
(which checks that every example of every guide is run or quoted from a file the suite runs).
The example's placeholders (the Confluent Cloud URL, the API key and secret) are replaced by the
test registry's URL and login; the two schema files it reads are written next to the playbook.
"""
import json
import urllib.request
from urllib.error import HTTPError

from testbed import guides

RUNS = {("schema_registry.rst", 0): "test_schema_registry_guide_example"}

MONEY = {"type": "record", "name": "Money", "namespace": "com.acme",
         "fields": [{"name": "amount", "type": "long"}, {"name": "currency", "type": "string"}]}
ORDER = {"type": "record", "name": "Order", "namespace": "com.acme",
         "fields": [{"name": "id", "type": "string"}, {"name": "total", "type": "com.acme.Money"}]}


def subject_rule(registry, subject):
    """The subject's own compatibility level as Apicurio stores it (its native API), or None."""
    req = urllib.request.Request("%s/apis/registry/v3/groups/default/artifacts/%s/rules/COMPATIBILITY"
                                 % (registry.base_url, subject), headers=registry.auth_header())
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode())["config"]
    except HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def test_schema_registry_guide_example(registry, tmp_path):
    """money and orders-value registered (orders-value referencing money version 1, with its
    own BACKWARD level), read back with the registry's own API."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "money.avsc").write_text(json.dumps(MONEY, indent=2))
    (tmp_path / "schemas" / "order.avsc").write_text(json.dumps(ORDER, indent=2))
    block = guides.example("schema_registry.rst", 0)
    text = guides.substitute(block, {"https://psrc-xxxx.eu-central-1.aws.confluent.cloud": registry.url})
    name = "schema_registry.rst example 0"
    path = guides.write_playbook(str(tmp_path / "example.yml"), guides.plays(block, text, name))

    (user, password), = registry.users.items()  # the login of this area's registry fixture
    run = guides.run(path, {"sr_api_key": user, "sr_api_secret": password})
    result = guides.play_results(run, name)[-1]
    assert [(s["subject"], s["action"]) for s in result["subjects"]] == [
        ("money", "registered"), ("orders-value", "registered")]
    status, order = registry.request("GET", "/subjects/orders-value/versions/latest")
    assert status == 200, order
    assert json.loads(order["schema"])["fields"][1]["type"] == "com.acme.Money"
    assert order["references"] == [{"name": "com.acme.Money", "subject": "money", "version": 1}]
    status, money = registry.request("GET", "/subjects/money/versions/latest")
    assert status == 200 and money["version"] == 1, money
    assert subject_rule(registry, "orders-value") == "BACKWARD"
