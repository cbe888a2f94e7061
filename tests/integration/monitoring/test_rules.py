"""The kafka_monitoring role's Prometheus rules and Alertmanager configuration, checked with the real
promtool and amtool (Debian's binaries from scripts/prometheus.sh).

The templates are rendered the way the role renders them (ansible.builtin.template: trim_blocks,
undefined variables fatal, the [[ ]] / [% %] delimiters for the rule files) from defaults/main/rules.yml;
promtool checks the rule files and runs the unit tests of promtool/*.yml against them. Coverage is
checked from the files themselves: every alert has a promtool case where it fires and one where it
does not, every recording rule a promql_expr_test, and every alert and recording rule its place on
the docs page the alerts' runbook_url points at.
"""
import glob
import os
import re
import shutil
import subprocess

import jinja2
import pytest
import yaml
from docutils import nodes
from docutils.core import publish_doctree

from testbed.cache import cached

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COLL = os.path.join(REPO, "ansible_collections", "specweave", "kafka")
ROLE = os.path.join(COLL, "roles", "kafka_monitoring")
DOCS = os.path.join(COLL, "docs", "docsite", "rst", "kafka_monitoring_alerts.rst")
PROMTOOL_TESTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "promtool")
ALERTS, RECORDING = "kafka-alerts.yml", "kafka-recording.yml"


def defaults():
    with open(os.path.join(ROLE, "defaults", "main", "rules.yml")) as f:
        return yaml.safe_load(f)


# the rule templates keep Prometheus' own {{ $labels.x }}: the role renders them with these delimiters
RULE_DELIMITERS = dict(variable_start_string="[[", variable_end_string="]]", block_start_string="[%", block_end_string="%]")


def render(template, **overrides):
    """Renders a template of the role like ansible.builtin.template does in tasks/configure.yml:
    the rule files with RULE_DELIMITERS, the others with Jinja's default ones."""
    delimiters = RULE_DELIMITERS if template.startswith("rules/") else {}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(ROLE, "templates")),
        trim_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined, **delimiters)
    variables = defaults()
    variables.update(overrides)
    return env.get_template(template).render(**variables)


def run(cmd, cwd=None):
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)


@pytest.fixture(scope="module")
def bin_dir():
    return cached("prometheus.sh")


def write_rules(folder, **overrides):
    for name in (ALERTS, RECORDING):
        with open(os.path.join(folder, name), "w") as f:
            f.write(render("rules/%s.j2" % name, **overrides))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A folder with both rule files rendered from the defaults and copies of promtool/*.yml."""
    folder = str(tmp_path_factory.mktemp("rules"))
    write_rules(folder)
    for test in glob.glob(os.path.join(PROMTOOL_TESTS, "*.yml")):
        shutil.copy(test, folder)
    return folder


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def rules_of(path, kind):
    return [rule for group in load(path)["groups"] for rule in group["rules"] if kind in rule]


def alert_names(folder):
    return [rule["alert"] for rule in rules_of(os.path.join(folder, ALERTS), "alert")]


def record_names(folder):
    return [rule["record"] for rule in rules_of(os.path.join(folder, RECORDING), "record")]


def unit_tests(folder):
    """(file name, test) for every test of every promtool test file in folder."""
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "*.yml"))):
        data = load(path)
        if isinstance(data, dict) and "tests" in data:
            found.extend((os.path.basename(path), test) for test in data["tests"])
    return found


def check_rules(bin_dir, *paths):
    result = run([os.path.join(bin_dir, "promtool"), "check", "rules"] + list(paths))
    assert result.returncode == 0, result.stdout
    # nothing but "Checking <file>" and "SUCCESS: n rules found" (no lint finding, no warning)
    noise = [line for line in result.stdout.splitlines()
             if line.strip() and not re.match(r"^(Checking \S+|\s+SUCCESS: \d+ rules found)$", line)]
    assert not noise, result.stdout
    return result.stdout


def test_rule_files_pass_promtool_check(bin_dir, rendered):
    out = check_rules(bin_dir, os.path.join(rendered, ALERTS), os.path.join(rendered, RECORDING))
    assert "SUCCESS: %d rules found" % len(alert_names(rendered)) in out
    assert "SUCCESS: %d rules found" % len(record_names(rendered)) in out


def test_promtool_unit_tests_pass(bin_dir, rendered):
    files = sorted(set(name for name, _ in unit_tests(rendered)))
    assert files, "no promtool test file in %s" % PROMTOOL_TESTS
    result = run([os.path.join(bin_dir, "promtool"), "test", "rules"] + files, cwd=rendered)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("SUCCESS") == len(files), result.stdout


def test_every_alert_fires_in_one_case_and_stays_silent_in_another(rendered):
    alerts = alert_names(rendered)
    assert len(alerts) == len(set(alerts)), "duplicate alert names: %s" % alerts
    fires, silent = set(), set()
    for name, test in unit_tests(rendered):
        for case in test.get("alert_rule_test", []):
            assert case["alertname"] in alerts, "%s tests an alert that does not exist: %s" % (name, case["alertname"])
            (fires if case.get("exp_alerts") else silent).add(case["alertname"])
    assert sorted(set(alerts) - fires) == [], "alerts without a promtool case where they fire"
    assert sorted(set(alerts) - silent) == [], "alerts without a promtool case where they do not fire"


def test_every_recording_rule_has_an_expression_test(rendered):
    records = record_names(rendered)
    assert len(records) == len(set(records)), "duplicate recording rules: %s" % records
    tested = set()
    for name, test in unit_tests(rendered):
        for case in test.get("promql_expr_test", []):
            used = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", case["expr"])) & set(records)
            assert case.get("exp_samples"), "%s: %s expects no sample" % (name, case["expr"])
            tested |= used
    assert sorted(set(records) - tested) == [], "recording rules without a promql_expr_test"


def test_every_alert_has_labels_annotations_and_a_runbook_section(rendered):
    doctree = publish_doctree(open(DOCS).read(), settings_overrides={"report_level": 5})
    sections = dict((section[0].astext(), section["ids"]) for section in doctree.findall(nodes.section))
    page_text = doctree.astext()
    base = defaults()["kafka_monitoring_alert_runbook_url"]
    for rule in rules_of(os.path.join(rendered, ALERTS), "alert"):
        name = rule["alert"]
        assert rule["labels"]["severity"] in ("critical", "warning"), name
        annotations = rule["annotations"]
        assert "{{ $labels." in annotations["description"], name
        assert annotations["summary"].strip(), name
        url, anchor = annotations["runbook_url"].split("#")
        assert url == base and base.endswith("/docs/docsite/rst/kafka_monitoring_alerts.rst"), name
        assert name in sections, "%s has no section on %s" % (name, DOCS)
        assert anchor in sections[name], "%s: anchor #%s is not the section's id %s" % (name, anchor, sections[name])
        assert "First response" in sections_text(doctree, name), name
    for record in record_names(rendered):
        assert record in page_text, "recording rule %s missing from the docs table" % record


def sections_text(doctree, title):
    for section in doctree.findall(nodes.section):
        if section[0].astext() == title:
            return section.astext()
    return ""


def test_variables_change_the_rules(bin_dir, tmp_path):
    """Short for durations, other thresholds, severities, extra labels and disabled alerts reach
    the rule file, and promtool sees their effect on the same series as the default tests."""
    folder = str(tmp_path)
    write_rules(
        folder,
        kafka_monitoring_alert_for={"KafkaDiskUsageHigh": "20s"},
        kafka_monitoring_alert_for_default="10s",
        kafka_monitoring_alert_severity={"KafkaNodeDown": "warning"},
        kafka_monitoring_alert_labels={"team": "streaming"},
        kafka_monitoring_alert_disk_used_percent=95,
        kafka_monitoring_alert_disk_mountpoints="/data|/var/lib/kafka",
        kafka_monitoring_alert_consumer_groups="billing-.*",
        kafka_monitoring_alerts_disabled=["KafkaMetricsAbsent"],
    )
    check_rules(bin_dir, os.path.join(folder, ALERTS), os.path.join(folder, RECORDING))
    rules = dict((rule["alert"], rule) for rule in rules_of(os.path.join(folder, ALERTS), "alert"))
    assert "KafkaMetricsAbsent" not in rules
    assert set(rule["for"] for name, rule in rules.items() if name != "KafkaDiskUsageHigh") == {"10s"}
    assert rules["KafkaDiskUsageHigh"]["for"] == "20s"
    assert rules["KafkaNodeDown"]["labels"] == {"severity": "warning", "team": "streaming"}
    # the given dict replaces the default one: alerts missing from it get the default severity
    assert rules["KafkaOfflinePartitions"]["labels"] == {"severity": "warning", "team": "streaming"}
    node_labels = dict(job="kafka", instance="k1:9464", kafka_cluster="prod", kafka_node="k1", kafka_node_id="1",
                       kafka_roles="broker,controller")
    node = "{%s}" % ", ".join('%s="%s"' % item for item in sorted(node_labels.items()))
    lag_labels = dict(job="kafka-lag", kafka_cluster="prod", group="billing-eu", topic="orders")
    disk = '{job="node", instance="k1:9100", kafka_cluster="prod", kafka_node="k1", device="/dev/sdb1", fstype="ext4", mountpoint="/data"}'
    lag = '{job="kafka-lag", kafka_cluster="prod", group="%s", topic="orders"}'
    cases = {
        "rule_files": [ALERTS],
        "evaluation_interval": "10s",
        "tests": [{
            "interval": "10s",
            "input_series": [
                # down from 0s: fires after 10s (the default for is 1m)
                {"series": "up" + node, "values": "0x12"},
                # 92 % used: over the default 85, under 95
                {"series": "node_filesystem_size_bytes" + disk, "values": "100x12"},
                {"series": "node_filesystem_avail_bytes" + disk, "values": "8x12"},
                # 99 % used, but not a mount point of the log directories
                {"series": "node_filesystem_size_bytes" + disk.replace("/data", "/"), "values": "100x12"},
                {"series": "node_filesystem_avail_bytes" + disk.replace("/data", "/"), "values": "1x12"},
                # both groups stopped; only billing-* groups are watched
                {"series": "kafka_consumer_group_lag_sum" + lag % "billing-eu", "values": "5000+100x12"},
                {"series": "kafka_consumer_group_lag_sum" + lag % "search", "values": "5000+100x12"},
            ],
            "alert_rule_test": [
                {"eval_time": "30s", "alertname": "KafkaNodeDown", "exp_alerts": [{
                    "exp_labels": dict(node_labels, severity="warning", team="streaming"),
                    "exp_annotations": annotations(rules["KafkaNodeDown"], node_labels, 0)}]},
                {"eval_time": "100s", "alertname": "KafkaDiskUsageHigh", "exp_alerts": []},
                {"eval_time": "100s", "alertname": "KafkaConsumerGroupLagGrowing", "exp_alerts": [{
                    "exp_labels": dict(lag_labels, severity="warning", team="streaming"),
                    "exp_annotations": annotations(rules["KafkaConsumerGroupLagGrowing"], lag_labels, 6000)}]},
            ],
        }],
    }
    with open(os.path.join(folder, "variables.yml"), "w") as f:
        yaml.safe_dump(cases, f)
    result = run([os.path.join(bin_dir, "promtool"), "test", "rules", "variables.yml"], cwd=folder)
    assert result.returncode == 0, result.stdout


def annotations(rule, labels, value):
    """A rule's annotations as Prometheus renders them for these labels and this value (only
    {{ $labels.x }} and {{ $value }} are used by the annotations these tests look at)."""
    out = {}
    for key, text in rule["annotations"].items():
        text = re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m.group(1)], text)
        out[key] = text.replace("{{ $value }}", str(value))
        assert "{{" not in out[key], out[key]
    return out


# Alertmanager


def alertmanager_config(**overrides):
    return render("alertmanager.yml.j2", **overrides)


def amtool_check(bin_dir, folder, text):
    path = os.path.join(folder, "alertmanager.yml")
    with open(path, "w") as f:
        f.write(text)
    result = run([os.path.join(bin_dir, "amtool"), "check-config", path])
    assert result.returncode == 0, result.stdout + text
    return yaml.safe_load(text)


def test_alertmanager_config_with_webhooks(bin_dir, tmp_path):
    config = amtool_check(bin_dir, str(tmp_path), alertmanager_config(
        kafka_monitoring_alertmanager_webhook_urls=["http://127.0.0.1:5001/alerts", "http://127.0.0.1:5002/hook?x='1'&y=2"]))
    receiver, = config["receivers"]
    assert config["route"]["receiver"] == receiver["name"]
    assert [hook["url"] for hook in receiver["webhook_configs"]] == [
        "http://127.0.0.1:5001/alerts", "http://127.0.0.1:5002/hook?x='1'&y=2"]
    assert "email_configs" not in receiver and "global" not in config
    assert config["route"]["group_by"] == ["kafka_cluster", "alertname"]
    assert len(config["inhibit_rules"]) == 3


def test_alertmanager_config_with_email(bin_dir, tmp_path):
    config = amtool_check(bin_dir, str(tmp_path), alertmanager_config(
        kafka_monitoring_alertmanager_email_to=["oncall@example.com"],
        kafka_monitoring_alertmanager_smtp_smarthost="127.0.0.1:25",
        kafka_monitoring_alertmanager_smtp_from="alertmanager@example.com",
        kafka_monitoring_alertmanager_smtp_auth_username="alertmanager",
        kafka_monitoring_alertmanager_smtp_auth_password='p"a:s#s',
        kafka_monitoring_alertmanager_smtp_require_tls=False,
        kafka_monitoring_alertmanager_send_resolved=False))
    receiver, = config["receivers"]
    assert receiver["email_configs"] == [{"to": "oncall@example.com", "send_resolved": False}]
    assert config["global"] == {"smtp_smarthost": "127.0.0.1:25", "smtp_from": "alertmanager@example.com",
                                "smtp_auth_username": "alertmanager", "smtp_auth_password": 'p"a:s#s',
                                "smtp_require_tls": False}
    # e-mail without a smarthost is refused by Alertmanager itself
    path = os.path.join(str(tmp_path), "no-smarthost.yml")
    with open(path, "w") as f:
        f.write(alertmanager_config(kafka_monitoring_alertmanager_email_to=["oncall@example.com"]))
    assert run([os.path.join(bin_dir, "amtool"), "check-config", path]).returncode != 0
