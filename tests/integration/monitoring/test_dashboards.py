"""The kafka_monitoring role's Grafana dashboards and provisioning files.

Grafana's server cannot run here; the dashboards are checked against Grafana's dashboard model as
grafana-foundation-sdk publishes it (testbed/grafana.py says how), their PromQL is parsed by the
real promtool, the provisioning templates are rendered by real Ansible and read back as YAML, and
the docs page must list every panel with its query. The live test of the role evaluates every
query returned by ``panel_queries`` against Prometheus scraping a real cluster.
"""
import copy
import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, REPO)

from testbed.ansible import run_playbook  # noqa: E402
from testbed.cache import cached  # noqa: E402
from testbed.grafana import (DATASOURCE_REF, dashboard_errors, load_dashboards, panel_queries,  # noqa: E402
                             substitute, variable_queries)

COLL = os.path.join(REPO, "ansible_collections", "specweave", "kafka")
ROLE = os.path.join(COLL, "roles", "kafka_monitoring")
DASHBOARDS = os.path.join(ROLE, "files", "dashboards")
DOCS = os.path.join(COLL, "docs", "docsite", "rst", "kafka_monitoring_dashboards.rst")
EXPECTED = {
    "kafka-cluster-overview.json": "kafka-overview",
    "kafka-brokers.json": "kafka-brokers",
    "kafka-topics.json": "kafka-topics",
    "kafka-consumer-groups.json": "kafka-consumer-groups",
    "kafka-kraft-quorum.json": "kafka-kraft-quorum",
    "kafka-jvm.json": "kafka-jvm",
}


def dashboards():
    return load_dashboards(DASHBOARDS)


def first_panel(data, kind=None):
    return next(p for p in data["panels"] if p["type"] != "row" and (kind is None or p["type"] == kind))


def test_the_six_dashboards_with_their_uids():
    found = {name: data["uid"] for name, data in dashboards().items()}
    assert found == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dashboard_matches_grafana_model_and_collection_rules(name):
    data = dashboards()[name]
    assert dashboard_errors(data) == []
    panels = [p for p in data["panels"] if p["type"] != "row"]
    assert len(panels) >= 8
    assert {p["type"] for p in panels} <= {"timeseries", "stat", "table", "gauge"}
    for panel in panels:
        assert panel["datasource"] == DATASOURCE_REF
        assert panel["fieldConfig"]["defaults"]["unit"]
        for target in panel["targets"]:
            assert target["expr"] and target["refId"]


def test_files_are_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("grafana_dashboards", os.path.join(REPO, "scripts", "grafana_dashboards.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rendered = module.render()
    assert sorted(rendered) == sorted(EXPECTED)
    for name, text in rendered.items():
        with open(os.path.join(DASHBOARDS, name), encoding="utf-8") as handle:
            assert handle.read() == text, "%s is stale: run scripts/grafana_dashboards.py" % name


# Each mutation breaks one thing in a real dashboard; the check must name it.
def _wrong_grid_type(data):
    first_panel(data)["gridPos"]["h"] = "8"


def _wrong_title_type(data):
    first_panel(data)["title"] = 12


def _wrong_tags_type(data):
    data["tags"] = "kafka"


def _wrong_threshold_type(data):
    first_panel(data)["fieldConfig"]["defaults"]["thresholds"]["steps"][0]["value"] = "zero"


def _wrong_legend_option_type(data):
    first_panel(data, "timeseries")["options"]["legend"]["showLegend"] = "yes"


def _wrong_target_type(data):
    first_panel(data)["targets"][0]["instant"] = "true"


def _unknown_enum_value(data):
    first_panel(data, "timeseries")["options"]["tooltip"]["mode"] = "everything"


def _no_datasource(data):
    del first_panel(data)["datasource"]


def _other_datasource(data):
    first_panel(data)["datasource"] = {"type": "prometheus", "uid": "some-fixed-uid"}


def _no_expr(data):
    del first_panel(data)["targets"][0]["expr"]


def _empty_expr(data):
    first_panel(data)["targets"][0]["expr"] = " "


def _duplicate_id(data):
    panels = [p for p in data["panels"] if p["type"] != "row"]
    panels[1]["id"] = panels[0]["id"]


def _unknown_unit(data):
    first_panel(data)["fieldConfig"]["defaults"]["unit"] = "megabytez"


def _unknown_panel_type(data):
    first_panel(data)["type"] = "timeseriez"


def _old_graph_panel(data):
    first_panel(data)["type"] = "graph"


def _misspelt_key(data):
    panel = first_panel(data)
    panel["fieldconfig"] = panel.pop("fieldConfig")


def _undefined_variable(data):
    first_panel(data)["targets"][0]["expr"] = 'up{kafka_cluster=~"$clusters"}'


def _old_schema(data):
    data["schemaVersion"] = 16


def _no_cluster_variable(data):
    data["templating"]["list"] = [v for v in data["templating"]["list"] if v["name"] != "cluster"]


MUTATIONS = [
    (_wrong_grid_type, "'8' is not an integer"),
    (_wrong_title_type, "12 is not a string"),
    (_wrong_tags_type, "'kafka' is not a list"),
    (_wrong_threshold_type, "'zero' is not a number"),
    (_wrong_legend_option_type, "'yes' is not a boolean"),
    (_wrong_target_type, "'true' is not a boolean"),
    (_unknown_enum_value, "'everything' is not one of"),
    (_no_datasource, "datasource is None"),
    (_other_datasource, "datasource is {'type': 'prometheus', 'uid': 'some-fixed-uid'}"),
    (_no_expr, "has no expr"),
    (_empty_expr, "has no expr"),
    (_duplicate_id, "already used by"),
    (_unknown_unit, "unit 'megabytez' is not a Grafana unit"),
    (_unknown_panel_type, "type 'timeseriez' is not a Grafana panel type"),
    (_old_graph_panel, "type 'graph' is not a Grafana panel type"),
    (_misspelt_key, "fieldconfig: not in Grafana's dashboard model"),
    (_undefined_variable, "uses $clusters, which is not a variable"),
    (_old_schema, "schemaVersion 16"),
    (_no_cluster_variable, "variable cluster"),
]


@pytest.mark.parametrize("mutate,message", MUTATIONS, ids=[m.__name__.strip("_") for m, _ in MUTATIONS])
@pytest.mark.parametrize("name", ["kafka-cluster-overview.json", "kafka-jvm.json"])
def test_check_catches_a_broken_dashboard(name, mutate, message):
    data = copy.deepcopy(dashboards()[name])
    assert dashboard_errors(data) == []
    mutate(data)
    errors = dashboard_errors(data)
    assert any(message in error for error in errors), errors


def test_panel_queries_substitutes_every_variable(tmp_path):
    dashboard = {"uid": "u", "panels": [
        {"type": "row", "title": "a row", "id": 1},
        {"type": "timeseries", "title": "T", "id": 2, "targets": [
            {"refId": "A", "expr": 'rate(x_total{kafka_cluster=~"$cluster", kafka_node=~"${node}"}[$__rate_interval])'},
            {"refId": "B", "expr": 'sum_over_time(y{topic=~"[[topic]]", group=~"${group:regex}"}[$__range]) / $__interval'},
        ]},
    ]}
    (tmp_path / "one.json").write_text(json.dumps(dashboard))
    (tmp_path / "notes.txt").write_text("not a dashboard")
    assert panel_queries(str(tmp_path)) == [
        ("u", "T", "A", 'rate(x_total{kafka_cluster=~".+", kafka_node=~".+"}[1m])'),
        ("u", "T", "B", 'sum_over_time(y{topic=~".+", group=~".+"}[1m]) / 1m'),
    ]


def test_panel_queries_of_the_dashboards():
    queries = panel_queries(DASHBOARDS)
    targets = sum(len(p.get("targets", [])) for d in dashboards().values() for p in d["panels"])
    assert len(queries) == targets
    assert len({(uid, title, ref) for uid, title, ref, _ in queries}) == targets
    for uid, title, ref, expr in queries:
        assert "$" not in expr and "[[" not in expr, (uid, title, ref, expr)
    assert ("kafka-consumer-groups", "Lag per partition", "A",
            'kafka_consumer_group_lag{kafka_cluster=~".+", group=~".+", topic=~".+"}') in queries
    assert ("kafka-overview", "Messages in", "A",
            'sum(rate(kafka_server_messages_in_total{kafka_cluster=~".+"}[1m]))') in queries
    variables = variable_queries(DASHBOARDS)
    assert ("kafka-overview", "cluster", "kafka_server_state", "kafka_cluster") in variables
    assert ("kafka-consumer-groups", "group", 'kafka_consumer_group_lag{kafka_cluster=~".+"}', "group") in variables


@pytest.fixture(scope="module")
def promtool():
    return os.path.join(cached("prometheus.sh"), "promtool")


def _promtool_check(promtool, tmp_path, exprs):
    rules = {"groups": [{"name": "dashboards", "rules": [
        {"record": "dashboard:query_%d" % index, "expr": expr} for index, expr in enumerate(exprs)]}]}
    path = tmp_path / "queries.yml"
    path.write_text(yaml.safe_dump(rules))
    return subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=120)


def test_every_query_is_valid_promql(promtool, tmp_path):
    exprs = [expr for _, _, _, expr in panel_queries(DASHBOARDS)]
    exprs += ["%s" % (selector or "{__name__=~'.+'}") for _, _, selector, _ in variable_queries(DASHBOARDS)]
    result = _promtool_check(promtool, tmp_path, exprs)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: %d rules found" % len(exprs) in result.stdout
    broken = _promtool_check(promtool, tmp_path, [substitute('sum(rate(x{a=~"$cluster"}[$__rate_interval])')])
    assert broken.returncode != 0


def test_docs_list_every_panel_and_query():
    with open(DOCS, encoding="utf-8") as handle:
        text = handle.read()
    flat = re.sub(r"\s+", " ", text)
    assert ".. code-block:: yaml+jinja" not in text
    for name, data in dashboards().items():
        assert data["title"] in text and data["uid"] in text, name
        for variable in data["templating"]["list"]:
            assert "``%s``" % variable["name"] in text, (name, variable["name"])
        for panel in data["panels"]:
            assert panel["title"] in flat, (name, panel["title"])
            for target in panel.get("targets", []):
                assert re.sub(r"\s+", " ", target["expr"]) in flat, (name, panel["title"], target["expr"])


PROVISIONING_PLAY = """
- hosts: localhost
  gather_facts: false
  vars_files: {vars_files}
  tasks:
    - name: Render with the role's defaults
      ansible.builtin.template:
        src: "{{{{ item }}}}.yml.j2"
        dest: "{out}/defaults/{{{{ item }}}}.yml"
        mode: "0644"
      loop: [datasource, dashboards]
    - name: Render with values that need quoting
      ansible.builtin.template:
        src: "{{{{ item }}}}.yml.j2"
        dest: "{out}/custom/{{{{ item }}}}.yml"
        mode: "0644"
      loop: [datasource, dashboards]
      vars:
        kafka_monitoring_grafana_datasource_name: 'Prometheus: "prod" #1'
        kafka_monitoring_grafana_datasource_uid: kafka-prod
        kafka_monitoring_grafana_prometheus_url: https://prometheus.example.test:9443/prom
        kafka_monitoring_grafana_datasource_default: "yes"
        kafka_monitoring_grafana_datasource_time_interval: 30s
        kafka_monitoring_grafana_folder: "Kafka: prod"
        kafka_monitoring_grafana_dashboards_dir: /srv/grafana dashboards/kafka
        kafka_monitoring_grafana_dashboards_update_interval: "60"
        kafka_monitoring_grafana_allow_ui_updates: true
"""


def test_provisioning_files_render_to_grafana_layout(tmp_path):
    defaults_dir = os.path.join(ROLE, "defaults", "main")
    vars_files = [os.path.join(defaults_dir, f) for f in sorted(os.listdir(defaults_dir)) if f.endswith(".yml")]
    vars_files.append(os.path.join(ROLE, "vars", "main.yml"))  # the role's own variables, as in a role run
    for sub in ("defaults", "custom"):
        (tmp_path / sub).mkdir()
    play_dir = tmp_path / "play"
    (play_dir / "templates").mkdir(parents=True)
    for name in ("datasource", "dashboards"):
        os.symlink(os.path.join(ROLE, "templates", "grafana", name + ".yml.j2"), play_dir / "templates" / (name + ".yml.j2"))
    playbook = play_dir / "render.yml"
    playbook.write_text(PROVISIONING_PLAY.format(vars_files=json.dumps(vars_files), out=tmp_path))
    run = run_playbook(str(playbook))
    assert run.stats()["failures"] == 0 and run.stats()["ok"] == 2, run.stats()

    def read(sub, name):
        return yaml.safe_load((tmp_path / sub / (name + ".yml")).read_text())

    assert read("defaults", "datasource") == {"apiVersion": 1, "datasources": [{
        "name": "Kafka Prometheus", "uid": "specweave-kafka-prometheus", "type": "prometheus",
        "access": "proxy", "url": "http://127.0.0.1:9090", "isDefault": False, "editable": False,
        "jsonData": {"httpMethod": "POST", "timeInterval": "15s"}}]}
    assert read("defaults", "dashboards") == {"apiVersion": 1, "providers": [{
        "name": "specweave-kafka", "orgId": 1, "type": "file", "folder": "Kafka", "disableDeletion": False,
        "allowUiUpdates": False, "updateIntervalSeconds": 30,
        "options": {"path": "/var/lib/grafana/dashboards/specweave-kafka", "foldersFromFilesStructure": False}}]}
    datasource = read("custom", "datasource")["datasources"][0]
    assert (datasource["name"], datasource["uid"], datasource["url"], datasource["isDefault"],
            datasource["jsonData"]["timeInterval"]) == (
        'Prometheus: "prod" #1', "kafka-prod", "https://prometheus.example.test:9443/prom", True, "30s")
    provider = read("custom", "dashboards")["providers"][0]
    assert (provider["folder"], provider["options"]["path"], provider["updateIntervalSeconds"], provider["allowUiUpdates"]) == (
        "Kafka: prod", "/srv/grafana dashboards/kafka", 60, True)
    # The datasource uid is one Grafana accepts (letters, digits, - and _, at most 40).
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,40}", read("defaults", "datasource")["datasources"][0]["uid"])
