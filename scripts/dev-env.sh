#!/usr/bin/env bash
# The local dev cluster: 3 KRaft brokers on 127.0.0.1 run by the collection's kafka_broker role in
# user-level service mode (no root, no containers), with the example desired state applied.
#   scripts/dev-env.sh up     bring it up (idempotent), print how to connect and the time to ready
#   scripts/dev-env.sh down   stop every node in Kafka's order (no process left behind) and remove its state
#   scripts/dev-env.sh restart  rolling, health-gated restart of the three nodes (prints where the time went)
# Env: KAFKA_DEV_DIR (default .dev/kafka), KAFKA_DEV_BASE_PORT (default 29092; uses base..base+5),
#      KAFKA_VERSION (default 4.4.0), KAFKA_ARCHIVE (default: built from Maven Central and cached),
#      KAFKA_DEV_MONITORING=1 (the OpenTelemetry metrics agent on every node, and Prometheus with the
#      collection's rules, the consumer lag exporter and node_exporter on base+9..base+11; role kafka_monitoring).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$repo/.venv}
export PATH="$venv/bin:$PATH"
export KAFKA_DEV_DIR=${KAFKA_DEV_DIR:-$repo/.dev/kafka}
export KAFKA_DEV_BASE_PORT=${KAFKA_DEV_BASE_PORT:-29092}
export ANSIBLE_COLLECTIONS_PATH="$repo" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=true
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_PIPELINING=true
export ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
playbook="$repo/ansible_collections/specweave/kafka/playbooks/dev_env.yml"
start=$(date +%s%N)
elapsed() { local ms=$(( ($(date +%s%N) - start) / 1000000 )); printf '%d.%d' $((ms / 1000)) $(((ms % 1000) / 100)); }
case "${1:-up}" in
  up)
    archive=${KAFKA_ARCHIVE:-}
    [ -n "$archive" ] || archive=$("$repo/scripts/kafka-archive.sh" "${KAFKA_VERSION:-4.4.0}" | tail -n 1)
    export KAFKA_ARCHIVE=$archive
    if [ "${KAFKA_DEV_MONITORING:-0}" = 1 ]; then
      KAFKA_DEV_PROMETHEUS_BIN=$("$repo/scripts/prometheus.sh" | tail -n 1)
      KAFKA_DEV_OTELCOL=$("$repo/scripts/otelcol.sh" | tail -n 1)
      KAFKA_DEV_METRICS_AGENT=$("$repo/scripts/otel-javaagent.sh" | tail -n 1)
      export KAFKA_DEV_PROMETHEUS_BIN KAFKA_DEV_OTELCOL KAFKA_DEV_METRICS_AGENT
    fi
    ansible-playbook "$playbook" -e kafka_dev_state=present
    echo "dev-env: up in $(elapsed) s (command to ready, including Ansible start-up)"
    ;;
  down)
    # The nodes' own kafka-ctl in the order of the role's `stop` entry point (ansible-playbook
    # dev_env.yml -e kafka_dev_state=absent does the same through the role, plus Ansible's start-up):
    # node 1 alone while nodes 2 and 3 keep the controller majority that approves its controlled
    # shutdown, then nodes 2 and 3 together, so that each one's approval can still commit. One of
    # that pair can lose the race (the other exits first, taking the quorum with it) and would wait
    # for an approval that never comes: after 10 s it is killed, as the role does.
    ctl() { "$KAFKA_DEV_DIR/node-$1/config/kafka-ctl" "$2" >/dev/null; }
    if [ -x "$KAFKA_DEV_DIR/node-1/config/kafka-ctl" ]; then
      ctl 1 stop
      ctl 2 stop & two=$!
      ctl 3 stop & three=$!
      for _ in $(seq 50); do
        kill -0 "$two" 2>/dev/null || kill -0 "$three" 2>/dev/null || break
        sleep 0.2
      done
      for node in 2 3; do
        if [ "$("$KAFKA_DEV_DIR/node-$node/config/kafka-ctl" kill)" = killed ]; then
          echo "dev-env: node $node still waited for the approval of its controlled shutdown after 10 s (no quorum left): killed" >&2
        fi
      done
      wait
    fi
    # Prometheus and the exporters of KAFKA_DEV_MONITORING=1 (role kafka_monitoring's user-level scripts)
    for ctl in "$KAFKA_DEV_DIR"/monitoring/config/*-ctl; do
      [ -x "$ctl" ] && "$ctl" stop >/dev/null
    done
    if pgrep -f "$KAFKA_DEV_DIR/" >/dev/null; then
      echo "dev-env: processes of $KAFKA_DEV_DIR still running:" >&2
      pgrep -af "$KAFKA_DEV_DIR/" >&2
      exit 1
    fi
    rm -rf "$KAFKA_DEV_DIR"
    echo "dev-env: down in $(elapsed) s, no process left"
    ;;
  restart)
    ansible-playbook "$playbook" -e kafka_dev_state=restarted
    echo "dev-env: restarted in $(elapsed) s"
    ;;
  *)
    echo "usage: $0 up|down|restart" >&2
    exit 2
    ;;
esac
