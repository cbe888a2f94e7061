#!/usr/bin/env bash
# The OpenTelemetry Java agent (the Kafka nodes' metrics agent, see the kafka_broker role) from
# Maven Central for the tests and benchmarks, fetched once with Maven and checked against its
# pinned SHA-1; prints the jar's path.
# Usage: otel-javaagent.sh      Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/otel-javaagent-2.22.0/
# Nodes deployed by the collection get the same jar from the kafka_broker role (URL + checksum).
set -euo pipefail
version=2.22.0
sha1=3f14899941db9a3100fcbddb1127a5004964d0c3
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
dest="$cache/otel-javaagent-$version"
jar="$dest/opentelemetry-javaagent-$version.jar"
check() {
  # the SHA-1 Maven Central publishes, then the SHA-256 recorded from the checked file (cheaper
  # to trust than a bare timestamp: a changed jar is fetched again)
  [ -f "$jar" ] && [ -f "$dest/.sha256" ] && echo "$(cat "$dest/.sha256")  $jar" | sha256sum --quiet -c - 2>/dev/null
}
if check; then
  echo "$jar"
  exit 0
fi
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "otel-javaagent: fetching io.opentelemetry.javaagent:opentelemetry-javaagent:$version from Maven Central" >&2
mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$version:jar" \
  -DoutputDirectory="$work" -Dmdep.useBaseVersion=true >&2
got=$(sha1sum "$work/opentelemetry-javaagent-$version.jar" | cut -d' ' -f1)
if [ "$got" != "$sha1" ]; then
  echo "otel-javaagent: SHA-1 mismatch for opentelemetry-javaagent-$version.jar: $got, expected $sha1" >&2
  exit 1
fi
mv "$work/opentelemetry-javaagent-$version.jar" "$jar"
sha256sum "$jar" | cut -d' ' -f1 > "$dest/.sha256"
echo "$jar"
