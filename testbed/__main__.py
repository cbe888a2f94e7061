"""Command line for the local test bed.

    python -m testbed up [--size N] [--state DIR]   start brokers in the background, print JSON
    python -m testbed down [--state DIR]            stop them (by PID) and remove their data
    python -m testbed status [--state DIR]
"""
import argparse
import json
import os
import shutil
import signal
import sys
import time

from testbed.kafka import KafkaCluster, REPO


def _pids(state_dir):
    path = os.path.join(state_dir, "cluster.json")
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return json.load(handle)


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def up(args):
    state = _pids(args.state)
    if state and any(_alive(pid) for pid in state["pids"]):
        print(json.dumps(state, indent=2))
        return 0
    shutil.rmtree(args.state, ignore_errors=True)
    cluster = KafkaCluster(size=args.size, workdir=args.state, racks=args.size > 1)
    cluster.start()
    state = {
        "bootstrap_servers": cluster.bootstrap_servers,
        "cluster_id": cluster.cluster_id,
        "kafka_version": cluster.version,
        "workdir": cluster.workdir,
        "pids": [node.process.pid for node in cluster.nodes],
        "libs": cluster.libs,
    }
    with open(os.path.join(args.state, "cluster.json"), "w") as handle:
        json.dump(state, handle, indent=2)
    print(json.dumps(state, indent=2))
    return 0


def down(args):
    state = _pids(args.state)
    if not state:
        print("no test bed running under %s" % args.state)
        return 0
    for pid in state["pids"]:
        if _alive(pid):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.time() + 30
    while time.time() < deadline and any(_alive(pid) for pid in state["pids"]):
        time.sleep(0.2)
    for pid in state["pids"]:
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
    shutil.rmtree(args.state, ignore_errors=True)
    print("stopped %d broker(s)" % len(state["pids"]))
    return 0


def status(args):
    state = _pids(args.state)
    if not state:
        print("not running")
        return 1
    alive = [pid for pid in state["pids"] if _alive(pid)]
    print(json.dumps(dict(state, alive=alive), indent=2))
    return 0 if alive else 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m testbed")
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--size", type=int, default=1)
    parser.add_argument("--state", default=os.path.join(REPO, ".dev", "testbed"))
    args = parser.parse_args(argv)
    return {"up": up, "down": down, "status": status}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
