"""Run the collection's modules and playbooks through real Ansible, from a checkout.

``run_module("kafka_topic", {...}, check=True, diff=True)`` runs
``ansible localhost -m specweave.kafka.kafka_topic`` with the checkout on the collections path
and returns the module result as a dict (``failed``/``changed``/... as Ansible reports them).
``run_playbook(path, extra_vars)`` returns the parsed output of the json callback.
"""
import json
import os
import resource
import subprocess
import sys
import time

from testbed.kafka import REPO

VENV_BIN = os.path.dirname(sys.executable)


def ansible_env(extra=None):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": REPO,
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "true",  # ansible.posix (json callback) etc.
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
        "ANSIBLE_STDOUT_CALLBACK": "json",
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "PATH": VENV_BIN + os.pathsep + env.get("PATH", ""),
    })
    env.update(extra or {})
    return env


class AnsibleRun(object):
    def __init__(self, proc, data):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.data = data

    def task_results(self, host="localhost", play=None):
        """Results of every task for ``host``, in order (only the play named ``play``, if given)."""
        plays = self.data.get("plays", [])
        if play is not None:
            plays = [p for p in plays if p["play"]["name"] == play]
            if not plays:
                raise AssertionError("no play named %r in the run" % play)
        out = []
        for one in plays:
            for task in one.get("tasks", []):
                if host in task.get("hosts", {}):
                    result = dict(task["hosts"][host])
                    result["_task"] = task["task"]["name"]
                    out.append(result)
        return out

    def stats(self, host="localhost"):
        return self.data.get("stats", {}).get(host, {})


def _parse(proc):
    start = proc.stdout.find("{")
    if start < 0:
        raise AssertionError("ansible printed no JSON (rc=%s)\nstdout:\n%s\nstderr:\n%s"
                             % (proc.returncode, proc.stdout, proc.stderr))
    return json.loads(proc.stdout[start:])


def _cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd, env, timeout, kind, name):
    """Run one Ansible command. With SPECWEAVE_TIMING=<file>, append a line to that file: wall
    seconds, CPU seconds of the Ansible process tree, kind, name (where the suite's time goes)."""
    started, cpu_started = time.time(), _cpu()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env, timeout=timeout, stdin=subprocess.DEVNULL)
    path = os.environ.get("SPECWEAVE_TIMING")
    if path:
        with open(path, "a") as handle:
            handle.write("%.3f\t%.3f\t%s\t%s\n" % (time.time() - started, _cpu() - cpu_started, kind, name))
    return proc


def run_module(module, args, check=False, diff=False, env=None, verbosity=0, timeout=600):
    """Run one module on localhost; return its result dict (plus ``_run`` with the raw output)."""
    name = module if "." in module else "specweave.kafka." + module
    cmd = [os.path.join(VENV_BIN, "ansible"), "localhost", "-c", "local", "-i", "localhost,",
           "-m", name, "-a", json.dumps(args)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    proc = _run(cmd, ansible_env(env), timeout, "module", name)
    run = AnsibleRun(proc, _parse(proc))
    results = run.task_results()
    if not results:
        raise AssertionError("no result for localhost\n%s\n%s" % (proc.stdout, proc.stderr))
    result = results[-1]
    result["_run"] = run
    return result


def run_playbook(playbook, extra_vars=None, inventory="localhost,", check=False, diff=False,
                 env=None, verbosity=0, timeout=1800, limit=None):
    cmd = [os.path.join(VENV_BIN, "ansible-playbook"), "-i", inventory, playbook]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if limit:
        cmd += ["--limit", limit]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    if inventory == "localhost,":
        cmd += ["-c", "local"]
    extra_env = dict(env or {})
    proc = _run(cmd, ansible_env(extra_env), timeout, "playbook", os.path.basename(playbook))
    return AnsibleRun(proc, _parse(proc))
