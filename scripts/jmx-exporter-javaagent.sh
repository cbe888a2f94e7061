#!/usr/bin/env bash
# The Prometheus JMX exporter Java agent (the kafka_broker role's jmx_exporter metrics agent) from
# Maven Central for the tests, fetched once with Maven and checked against its pinned SHA-1; prints
# the jar's path.
# Usage: jmx-exporter-javaagent.sh   Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/jmx-exporter-1.0.1/
# Nodes deployed by the collection get the same jar from the kafka_broker role (URL + checksum).
set -euo pipefail
version=1.0.1
sha1=f9c53eb0aa1828c3c9cd7647238563e43a4ed68c
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
dest="$cache/jmx-exporter-$version"
jar="$dest/jmx_prometheus_javaagent-$version.jar"
if [ -f "$jar" ] && [ "$(sha1sum "$jar" | cut -d' ' -f1)" = "$sha1" ]; then
  echo "$jar"
  exit 0
fi
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "jmx-exporter: fetching io.prometheus.jmx:jmx_prometheus_javaagent:$version from Maven Central" >&2
mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="io.prometheus.jmx:jmx_prometheus_javaagent:$version:jar" \
  -DoutputDirectory="$work" -Dmdep.useBaseVersion=true >&2
got=$(sha1sum "$work/jmx_prometheus_javaagent-$version.jar" | cut -d' ' -f1)
if [ "$got" != "$sha1" ]; then
  echo "jmx-exporter: SHA-1 mismatch for jmx_prometheus_javaagent-$version.jar: $got, expected $sha1" >&2
  exit 1
fi
mv "$work/jmx_prometheus_javaagent-$version.jar" "$jar"
echo "$jar"
