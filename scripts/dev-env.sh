#!/usr/bin/env bash
# The main job: a local Kafka cluster brought up and configured by the collection.
#   scripts/dev-env.sh up     start the local cluster and apply examples/dev_topics.yml
#   scripts/dev-env.sh down   stop it; no process is left behind
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export ANSIBLE_COLLECTIONS_PATH="$here" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
py="$here/.venv/bin/python"
case "${1:-up}" in
  up)
    start=$(date +%s.%N)
    state=$("$py" -m testbed up --size "${DEV_BROKERS:-1}")
    servers=$("$py" -c 'import json,sys; print(json.load(sys.stdin)["bootstrap_servers"])' <<<"$state")
    "$here/.venv/bin/ansible-playbook" -i localhost, -c local examples/dev_topics.yml \
      -e "kafka_bootstrap_servers=$servers"
    ready=$("$py" -c "import time; print(round(time.time() - $start, 1))")
    echo
    echo "Local Kafka is ready in ${ready}s: bootstrap servers $servers (PLAINTEXT)"
    echo "  state and logs: $here/.dev/testbed    stop it with: make dev-down"
    ;;
  down)
    "$py" -m testbed down
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
