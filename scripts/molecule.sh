#!/usr/bin/env bash
# Runs the kafka_broker molecule scenarios (podman, systemd containers, 3 nodes on 127.0.0.11-13).
# Usage: scripts/molecule.sh [scenario ...]   (default: $MOLECULE_SCENARIOS or "rolling secure";
#        "all" = every scenario under molecule/). make test runs rolling and secure: together they
#        cover what default proves (converge, idempotence in secure, acks=all traffic with brokers
#        down in rolling) within the CI budget; run default on its own with `scripts/molecule.sh default`.
# Prepares what they need first (all cached): the node image and two Kafka archives from Maven Central
# (KAFKA_VERSION, and KAFKA_OLD_VERSION that the rolling scenario upgrades from).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$repo/.venv}
export PATH="$venv/bin:$PATH"
collection="$repo/ansible_collections/specweave/kafka"
site=$("$venv/bin/python" -c 'import ansible_collections, os; print(os.path.dirname(list(ansible_collections.__path__)[-1]))' 2>/dev/null || true)
export ANSIBLE_COLLECTIONS_PATH="$repo${site:+:$site}"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=true
export SPECWEAVE_NODE_IMAGE=${SPECWEAVE_NODE_IMAGE:-$("$repo/scripts/podman-image.sh" | tail -n 1)}
export KAFKA_VERSION=${KAFKA_VERSION:-4.1.1}
export KAFKA_ARCHIVE=${KAFKA_ARCHIVE:-$("$repo/scripts/kafka-archive.sh" "$KAFKA_VERSION" | tail -n 1)}
# the rolling scenario converges at an older 4.x and upgrades to KAFKA_VERSION
export KAFKA_OLD_VERSION=${KAFKA_OLD_VERSION:-4.0.2}
export KAFKA_OLD_ARCHIVE=${KAFKA_OLD_ARCHIVE:-$("$repo/scripts/kafka-archive.sh" "$KAFKA_OLD_VERSION" | tail -n 1)}
export MOLECULE_NO_LOG=false ANSIBLE_FORCE_COLOR=0 PY_COLORS=0
cd "$collection"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || read -r -a scenarios <<< "${MOLECULE_SCENARIOS:-rolling secure}"
if [ "${scenarios[*]}" = all ]; then
  scenarios=()
  for dir in molecule/*/; do
    [ -f "$dir/molecule.yml" ] && scenarios+=("$(basename "$dir")")
  done
fi
status=0
for scenario in "${scenarios[@]}"; do
  start=$(date +%s)
  if molecule test -s "$scenario"; then result=passed; else result=FAILED; status=1; fi
  echo "molecule: scenario $scenario $result in $(( $(date +%s) - start )) s"
  [ $status -eq 0 ] || break
done
exit $status
