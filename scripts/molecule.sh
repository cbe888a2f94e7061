#!/usr/bin/env bash
# Runs the kafka_broker molecule scenarios (podman, systemd containers, 3 nodes on 127.0.0.11-13).
# Usage: scripts/molecule.sh [scenario ...]   (default: $MOLECULE_SCENARIOS or "rolling site";
#        "all" = every scenario under molecule/). make test runs rolling and site: together they
#        cover what default proves (converge, idempotence in site, acks=all traffic with brokers
#        down in rolling) within the CI budget; run default on its own with `scripts/molecule.sh default`.
# MOLECULE_COMMAND (default test) runs another molecule command instead, e.g. converge, verify or
# destroy while working on a scenario.
# Prepares what they need first (all cached): the node image and two Kafka archives from Maven Central
# (KAFKA_VERSION, default 4.4.0, and KAFKA_OLD_VERSION, default 4.1.1, that the rolling scenario upgrades
# from), and serves the archives over HTTP on 127.0.0.1 (KAFKA_ARCHIVE_BASE_URL) for the role's
# install_source url (the rolling scenario's upgrade downloads KAFKA_VERSION from it, SHA-512 checked).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$repo/.venv}
export PATH="$venv/bin:$PATH"
collection="$repo/ansible_collections/specweave/kafka"
site=$("$venv/bin/python" -c 'import ansible_collections, os; print(os.path.dirname(list(ansible_collections.__path__)[-1]))' 2>/dev/null || true)
export ANSIBLE_COLLECTIONS_PATH="$repo${site:+:$site}"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=true
# podman's settings for this kernel (written by podman-image.sh; the machine-wide file is left alone)
export CONTAINERS_CONF=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}/containers.conf
# assigned before export: `export X=$(cmd)` would hide a failing cmd from set -e
image=${SPECWEAVE_NODE_IMAGE:-}
[ -n "$image" ] || image=$("$repo/scripts/podman-image.sh" | tail -n 1)
export SPECWEAVE_NODE_IMAGE=$image
export KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
archive=${KAFKA_ARCHIVE:-}
[ -n "$archive" ] || archive=$("$repo/scripts/kafka-archive.sh" "$KAFKA_VERSION" | tail -n 1)
export KAFKA_ARCHIVE=$archive
# the rolling scenario converges at an older 4.x and upgrades to KAFKA_VERSION
export KAFKA_OLD_VERSION=${KAFKA_OLD_VERSION:-4.1.1}
old_archive=${KAFKA_OLD_ARCHIVE:-}
[ -n "$old_archive" ] || old_archive=$("$repo/scripts/kafka-archive.sh" "$KAFKA_OLD_VERSION" | tail -n 1)
export KAFKA_OLD_ARCHIVE=$old_archive
# the archives' directory (each .tgz with its .tgz.sha512) over HTTP on loopback, for install_source url
archives=$(dirname "$archive")
port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/python" -m http.server --bind 127.0.0.1 --directory "$archives" "$port" >/dev/null 2>&1 &
http_pid=$!
trap 'kill "$http_pid" 2>/dev/null || true' EXIT
export KAFKA_ARCHIVE_BASE_URL="http://127.0.0.1:$port"
for _ in $(seq 50); do
  "$venv/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$KAFKA_ARCHIVE_BASE_URL/" 2>/dev/null && break
  sleep 0.1
done
export MOLECULE_NO_LOG=false ANSIBLE_FORCE_COLOR=0 PY_COLORS=0
cd "$collection"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || read -r -a scenarios <<< "${MOLECULE_SCENARIOS:-rolling site}"
if [ "${scenarios[*]}" = all ]; then
  scenarios=()
  for dir in molecule/*/; do
    [ -f "$dir/molecule.yml" ] && scenarios+=("$(basename "$dir")")
  done
fi
if [ ${#scenarios[@]} -eq 0 ]; then
  echo "molecule: no scenario to run (none given and none found under molecule/)" >&2
  exit 1
fi
# the site scenario registers the example's schemas in the test bed's Schema Registry (Apicurio,
# in-memory, 127.0.0.1), started beside it and stopped after it
registry_pid=
stop_registry() {
  if [ -n "$registry_pid" ]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
    registry_pid=
  fi
}
trap 'stop_registry; kill "$http_pid" 2>/dev/null || true' EXIT
start_registry() {
  local url_file
  url_file=$(mktemp -u /tmp/specweave-schema-registry-url.XXXXXX)
  "$venv/bin/python" "$repo/scripts/schema-registry-serve.py" "$url_file" &
  registry_pid=$!
  for _ in $(seq 600); do
    [ -f "$url_file" ] && break
    kill -0 "$registry_pid" 2>/dev/null || { echo "molecule: the Schema Registry did not start" >&2; return 1; }
    sleep 0.5
  done
  [ -f "$url_file" ] || { echo "molecule: the Schema Registry did not answer in 300 s" >&2; return 1; }
  SPECWEAVE_SCHEMA_REGISTRY_URL=$(cat "$url_file")
  export SPECWEAVE_SCHEMA_REGISTRY_URL
  rm -f "$url_file"
}
status=0
for scenario in "${scenarios[@]}"; do
  start=$(date +%s)
  if [ "$scenario" = site ]; then
    start_registry || { status=1; break; }
    echo "molecule: Schema Registry at $SPECWEAVE_SCHEMA_REGISTRY_URL ($(( $(date +%s) - start )) s to start)"
  fi
  if molecule "${MOLECULE_COMMAND:-test}" -s "$scenario"; then result=passed; else result=FAILED; status=1; fi
  stop_registry
  echo "molecule: scenario $scenario $result in $(( $(date +%s) - start )) s"
  [ $status -eq 0 ] || break
done
exit $status
