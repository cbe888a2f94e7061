"""Helpers shared by the benchmarks: run a module or a limit script as a fresh process.

Both sides of every ratio are measured the same way: a new Python process (interpreter start,
imports, connecting/authenticating and the requests all included), timed from outside, with the
child's peak memory (max RSS). The module process is what Ansible runs on the target for a task
(the module file executed with its arguments as JSON, no controller); the controller's own cost
(ansible-playbook start, templating the arguments, result handling) is measured separately.
"""
import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = os.path.join(REPO, "ansible_collections", "specweave", "kafka", "plugins", "modules")

WRAPPER = r"""
import os, resource, subprocess, sys, time, json
started = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.write(json.dumps(dict(wall=wall, peak_mb=usage.ru_maxrss / 1024.0,
                                 cpu=usage.ru_utime + usage.ru_stime, rc=proc.returncode,
                                 out=proc.stdout.decode(), err=proc.stderr.decode()[-3000:])))
"""


def cache_dir(*parts):
    base = os.environ.get("SPECWEAVE_CACHE") or os.path.expanduser("~/.cache/specweave-kafka")
    path = os.path.join(base, *parts)
    os.makedirs(path, exist_ok=True)
    return path


def measure(cmd, env=None):
    """Wall time, CPU time and peak RSS (MB) of ``cmd`` run as a child, measured by a wrapper."""
    proc = subprocess.run([sys.executable, "-c", WRAPPER] + cmd, stdout=subprocess.PIPE,
                          env=env, check=True)
    data = json.loads(proc.stdout.decode())
    if data["rc"] != 0:
        raise RuntimeError("%s failed (%d):\n%s\n%s" % (" ".join(cmd[:3]), data["rc"],
                                                         data["out"][-3000:], data["err"]))
    return data


def module_process(workdir, module, args):
    """Run ``module`` the way Ansible runs it on the target: a fresh Python process executing
    the module file with ``{"ANSIBLE_MODULE_ARGS": args}``. Returns (measurement, result)."""
    path = os.path.join(workdir, "args-%s.json" % module)
    with open(path, "w") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    try:
        data = measure([sys.executable, os.path.join(MODULES, module + ".py"), path], env=env)
    except RuntimeError as exc:
        text = str(exc)
        if '"msg"' in text:
            start = text.find("{")
            end = text.rfind("}")
            try:
                raise RuntimeError("%s failed: %s" % (module, json.loads(text[start:end + 1])
                                                      .get("msg")))
            except ValueError:
                pass
        raise
    result = json.loads(data["out"][data["out"].find("{"):])
    if result.get("failed"):
        raise RuntimeError("%s failed: %s" % (module, result.get("msg")))
    return data, result


FLOOR = r"""
import runpy, sys
# The module's imports (ansible.module_utils, the Kafka client, ...), AnsibleModule's parsing and
# validation of the arguments, exit_json with the arguments echoed back (invocation) and
# scrubbed for no_log values; no connection, no request.
from ansible.module_utils import basic
original = basic.AnsibleModule.__init__
def init(self, *args, **kwargs):
    original(self, *args, **kwargs)
    self.exit_json(changed=False)
basic.AnsibleModule.__init__ = init
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def floor_process(workdir, module, args):
    """The null module for ``args``: the module's file run like module_process() (all of its
    imports, the client library's included), but stopping right after AnsibleModule has parsed
    the arguments (exit_json(changed=False), which echoes and scrubs them). Minus
    import_baseline() of what the limit imports, this is Ansible's own cost for these
    arguments: the imports both sides share (the client library, the standard library modules
    it and Ansible both load) are not counted twice."""
    path = os.path.join(workdir, "args-floor-%s.json" % module)
    with open(path, "w") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    data = measure([sys.executable, "-c", FLOOR, os.path.join(MODULES, module + ".py"), path],
                   env=env)
    if '"changed": false' not in data["out"]:
        raise RuntimeError("floor of %s did not exit as expected: %s" % (module,
                                                                        data["out"][-500:]))
    return data


def import_baseline(imports):
    """Wall time of a process that only imports ``imports`` (what the limit script imports,
    for example ``"kafka, kafka.admin"``), best of three."""
    return min(measure([sys.executable, "-c", "import " + imports])["wall"] for _ in range(3))


def limit_process(workdir, name, script, job):
    """Run a hand-written limit ``script`` (source text) in a fresh Python process with
    ``job`` (JSON) as its argument. The script prints a JSON answer. Returns (measurement, answer)."""
    script_path = os.path.join(workdir, "limit-%s.py" % name)
    with open(script_path, "w") as handle:
        handle.write(script)
    job_path = os.path.join(workdir, "job-%s.json" % name)
    with open(job_path, "w") as handle:
        json.dump(job, handle)
    data = measure([sys.executable, script_path, job_path])
    out = data["out"].strip()
    return data, (json.loads(out.splitlines()[-1]) if out else None)


def playbook_task(workdir, module, args, env=None):
    """One task of ``module`` through ansible-playbook. Returns (result, task seconds, wall)."""
    from datetime import datetime
    sys.path.insert(0, REPO)
    from testbed.ansible import run_playbook
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
             "tasks": [{"specweave.kafka." + module: args}]}]
    path = os.path.join(workdir, "bench-%s.yml" % module)
    with open(path, "w") as handle:
        json.dump(play, handle)
    started = time.perf_counter()
    run = run_playbook(path, env=env)
    wall = time.perf_counter() - started
    task = run.data["plays"][0]["tasks"][0]
    result = task["hosts"]["localhost"]
    if result.get("failed"):
        raise RuntimeError("%s task failed: %s" % (module, result.get("msg")))
    duration = task["task"]["duration"]

    def parse(stamp):
        return datetime.strptime(stamp.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")
    return result, (parse(duration["end"]) - parse(duration["start"])).total_seconds(), wall


class Best(object):
    """Best (lowest) figure per key over the rounds, plus every value for the ranges."""

    def __init__(self):
        self.values = {}

    def add(self, key, value):
        self.values.setdefault(key, []).append(value)

    def best(self, key):
        return min(self.values[key])

    def spread(self, key):
        values = self.values[key]
        return "%.2f-%.2f" % (min(values), max(values)) if len(values) > 1 else "%.2f" % values[0]

    def ratios(self, step):
        """module/limit of every round of ``step``."""
        return [m / l for m, l in zip(self.values[("module", step)], self.values[("limit", step)])]

    def floor_report(self, step):
        """Per round of ``step``, with the floor (key ``floor``) and the baseline (key
        ``baseline``, import_baseline() of the limit's imports) measured in that round; Ansible's
        own cost is floor - baseline. Returns two lines: the ratio without it,
        (module - (floor - baseline)) / limit, and the ratio of the limit's own time plus it,
        1 + (floor - baseline) / limit, which is what a module that did the limit's work in the
        limit's time would measure."""
        modules, limits = self.values[("module", step)], self.values[("limit", step)]
        costs = [f - b for f, b in zip(self.values["floor"], self.values["baseline"])]
        adjusted = [(m - c) / l for m, c, l in zip(modules, costs, limits)]
        bound = [1 + c / l for c, l in zip(costs, limits)]
        return [
            "  %-7s Ansible's own cost (floor - baseline) per round: %s" % (
                step, ", ".join("%.2f" % c for c in costs)),
            "  %-7s ratio without Ansible's own cost, (module - (floor - baseline)) / limit, per "
            "round: %s" % (step, ", ".join("%.2f" % r for r in adjusted)),
            "  %-7s ratio of the limit's time plus Ansible's own cost, "
            "1 + (floor - baseline) / limit, per round: %s"
            % (step, ", ".join("%.2f" % r for r in bound)),
        ]

    def step_row(self, step, no_ansible, widths=(18, 18, 18, 18)):
        """The common table row of ``step``: limit, module, ratio of the bests, module CPU, task
        and ansible-playbook times (``-`` without Ansible)."""
        limit, module = self.best(("limit", step)), self.best(("module", step))
        cells = [
            "%.2f [%s]" % (limit, self.spread(("limit", step))),
            "%.2f [%s]" % (module, self.spread(("module", step))),
            "%8.2f" % (module / limit),
            "%.2f" % self.best(("module cpu", step)),
            "-" if no_ansible else "%.2f" % self.best(("task", step)),
            "-" if no_ansible else "%.2f" % self.best(("wall", step)),
        ]
        return "%-8s %-*s %-*s %s %-*s %-*s %s" % (
            step, widths[0], cells[0], widths[1], cells[1], cells[2], widths[2], cells[3],
            widths[3], cells[4], cells[5])

