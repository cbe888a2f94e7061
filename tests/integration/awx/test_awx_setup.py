"""playbooks/awx_setup.yml without an AWX server: what can be proven here.

* it parses (``--syntax-check``) and every awx.awx task passes only options the installed awx.awx
  modules declare (``ansible-doc``);
* every survey passes AWX's survey rules (re-stated from awx/api/views ``_validate_spec_data``:
  name, description and a non-empty spec; each question has a string type, question_name and
  variable and a boolean required; unique variables; a known type; a default of the type's kind;
  choice questions list their choices and default to one of them);
* every job template runs a playbook the collection ships, and every survey variable is one that
  playbook (or the role it runs) reads;
* a run reads every credential-type file and reaches the controller: the first task fails only
  because no controller answers on the closed port, not on its arguments.
"""
import json
import os
import re
import subprocess

import yaml
from awx_injectors import COLL, load_types

from testbed.ansible import VENV_BIN, ansible_env, run_playbook
from testbed.kafka import free_port

PLAYBOOK = os.path.join(COLL, "playbooks", "awx_setup.yml")
SURVEY_TYPES = {"text": str, "textarea": str, "password": str, "multiplechoice": str,
                "multiselect": str, "integer": int, "float": (float, int)}


def _play():
    with open(PLAYBOOK) as handle:
        return yaml.safe_load(handle)[0]


def _options(module):
    out = subprocess.run([os.path.join(VENV_BIN, "ansible-doc"), "-j", module], check=True,
                         stdout=subprocess.PIPE, text=True, env=ansible_env())
    return set(json.loads(out.stdout)[module]["doc"]["options"])


def survey_problems(survey):
    problems = []
    for field, kind in (("name", str), ("description", str), ("spec", list)):
        if not isinstance(survey.get(field), kind):
            problems.append("%s missing or not a %s" % (field, kind.__name__))
    if problems:
        return problems
    if not survey["spec"]:
        return ["spec has no question"]
    seen = set()
    for idx, question in enumerate(survey["spec"]):
        for field in ("type", "question_name", "variable", "required"):
            kind = bool if field == "required" else str
            if not isinstance(question.get(field), kind):
                problems.append("question %d: %s missing or not a %s" % (idx, field, kind.__name__))
        if question.get("variable") in seen:
            problems.append("question %d: variable duplicated" % idx)
        seen.add(question.get("variable"))
        qtype = question.get("type")
        if qtype not in SURVEY_TYPES:
            problems.append("question %d: unknown type %r" % (idx, qtype))
            continue
        default = question.get("default", "")
        if default != "" and not isinstance(default, SURVEY_TYPES[qtype]):
            problems.append("question %d: default not a %s" % (idx, qtype))
        if qtype in ("multiplechoice", "multiselect"):
            choices = question.get("choices")
            if not choices:
                problems.append("question %d: no choices" % idx)
                continue
            choices = choices.splitlines() if isinstance(choices, str) else choices
            defaults = [d for d in str(default).splitlines() if d.strip()]
            if qtype == "multiplechoice" and len(defaults) > 1:
                problems.append("question %d: one default only" % idx)
            if any(d not in choices for d in defaults):
                problems.append("question %d: default not among the choices" % idx)
    return problems


def _text_read_by(playbook):
    """The playbook's text plus every file of the collection roles it runs."""
    with open(os.path.join(COLL, "playbooks", playbook)) as handle:
        text = handle.read()
    for role in set(re.findall(r"specweave\.kafka\.(\w+)", text)):
        folder = os.path.join(COLL, "roles", role)
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.endswith((".yml", ".j2")):
                    with open(os.path.join(root, name)) as handle:
                        text += handle.read()
    return text


def test_syntax_and_awx_module_options():
    proc = subprocess.run([os.path.join(VENV_BIN, "ansible-playbook"), "--syntax-check",
                           PLAYBOOK], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=ansible_env())
    assert proc.returncode == 0, proc.stdout
    for task in _play()["tasks"]:
        module = [k for k in task if k.startswith("awx.awx.")][0]
        assert set(task[module]) <= _options(module), (module, set(task[module]) - _options(module))


def test_surveys_follow_awx_rules_and_ask_what_the_playbooks_read():
    templates = _play()["vars"]["awx_setup_job_templates"]
    assert sorted(t["playbook"] for t in templates) == [
        "confluent_cloud.yml", "rolling_restart.yml", "site.yml", "upgrade.yml"]
    for template in templates:
        assert survey_problems(template["survey_spec"]) == [], template["name"]
        read = _text_read_by(template["playbook"])
        for question in template["survey_spec"]["spec"]:
            assert re.search(r"\b%s\b" % question["variable"], read), (
                template["playbook"], question["variable"])


def test_the_survey_rules_refuse_what_awx_refuses():
    good = dict(name="s", description="d", spec=[dict(question_name="q", variable="v",
                                                      type="multiplechoice", required=True,
                                                      choices=["a", "b"], default="a")])
    assert survey_problems(good) == []
    for change, words in [(dict(default="c"), "among the choices"), (dict(type="list"), "type"),
                          (dict(required="yes"), "required"), (dict(choices=[]), "no choices")]:
        bad = dict(good, spec=[dict(good["spec"][0], **change)])
        assert any(words in p for p in survey_problems(bad)), (change, survey_problems(bad))
    assert survey_problems(dict(good, spec=good["spec"] * 2)) == ["question 1: variable duplicated"]


def test_a_run_reads_every_type_and_stops_only_at_the_missing_controller():
    port = free_port()
    run = run_playbook(PLAYBOOK, env={"CONTROLLER_HOST": "http://127.0.0.1:%d" % port,
                                      "CONTROLLER_USERNAME": "admin",
                                      "CONTROLLER_PASSWORD": "not-used"})
    results = run.task_results()
    assert [r["_task"] for r in results] == ["AWX | Credential types"], run.stdout[-3000:]
    items = results[0]["results"]
    assert sorted(os.path.basename(i["item"]) for i in items) == sorted(load_types())
    for item in items:
        assert item["failed"] and "Connection refused" in item["msg"], item
        assert "Unsupported parameters" not in item["msg"]
