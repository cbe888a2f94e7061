#!/usr/bin/env bash
# The Kafka version matrix of `make test`: a subset of the Kafka modules' integration tests (topics,
# ACLs, cluster info and the wire adapter's fast paths) against the older Kafka versions users
# still run; the whole integration suite runs against the default (latest 4.x) version.
# Usage: scripts/compat.sh [VERSION ...]   (default: $KAFKA_COMPAT_VERSIONS or "3.9.1"; 4.0 to 4.3 speak
# the protocol of 4.4 for these calls, and molecule's upgrade scenario runs the role's health gate,
# kafka_info, against 4.1.1)
#        scripts/compat.sh --prefetch      only resolves those versions' jars (scripts/prefetch.sh)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
prefetch=false
if [ "${1:-}" = --prefetch ]; then prefetch=true; shift; fi
versions=("$@")
[ ${#versions[@]} -gt 0 ] || read -r -a versions <<< "${KAFKA_COMPAT_VERSIONS:-3.9.1}"
tests=(
  tests/integration/kafka/test_wire.py
  tests/integration/kafka/test_kafka_topic.py::test_lifecycle
  tests/integration/kafka/test_kafka_topic.py::test_exclusive_mode
  tests/integration/kafka/test_kafka_topic.py::test_broker_refusal_of_part_of_a_batch
  tests/integration/kafka/test_kafka_info.py::test_matches_kafka_tools_single_node
  tests/integration/kafka/test_kafka_info.py::test_consumer_group_lag_matches_consumer_group_command
  tests/integration/security/test_acl_enforcement.py::test_acl_lifecycle_and_enforcement
)
if $prefetch; then
  for version in "${versions[@]}"; do "$repo/scripts/kafka-libs.sh" "$version" >/dev/null; done
  exit 0
fi
cd "$repo"
for version in "${versions[@]}"; do
  start=$(date +%s)
  echo "compat: Apache Kafka $version"
  "$repo/scripts/kafka-libs.sh" "$version" >/dev/null
  KAFKA_VERSION=$version SPECWEAVE_STRICT_RUN=1 "$repo/.venv/bin/python" -m pytest "${tests[@]}" \
    -p no:cacheprovider -q
  echo "compat: Apache Kafka $version passed in $(( $(date +%s) - start )) s"
done
