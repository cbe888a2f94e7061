#!/usr/bin/env bash
# Builds an Apache Kafka archive from Maven Central jars, laid out like the Apache binary
# tarball as far as the kafka_broker role needs it:
#   kafka_<scala>-<version>/libs/*.jar   (broker, tools, log4j2 binding)
#   kafka_<scala>-<version>/config/      (empty; the role renders its own configuration)
# The role runs `java -cp libs/*` directly, so this archive and the Apache one both work.
# Usage: scripts/kafka-archive.sh [VERSION]   prints the path of the cached .tgz and its .sha512
# Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/archives/kafka_2.13-<version>.tgz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-${KAFKA_VERSION:-4.4.0}}
scala=2.13
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
name="kafka_${scala}-${version}"
out="$cache/archives/$name.tgz"
if [ -f "$out" ] && [ -f "$out.sha512" ]; then
  echo "$out"
  exit 0
fi
libs=$("$here/kafka-libs.sh" "$version" | tail -n 1)
mkdir -p "$cache/archives"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/$name/libs" "$work/$name/config"
cp "$libs"/*.jar "$work/$name/libs/"
# Kafka logs through SLF4J 1.x (slf4j-api-1.7.x): bind it to log4j2 with log4j-slf4j-impl, as the
# Apache tarball does; the SLF4J 2 binding would leave the broker with a no-op logger.
if ls "$work/$name/libs"/slf4j-api-1.*.jar >/dev/null 2>&1; then
  log4j_version=$(ls "$work/$name/libs" | sed -n 's/^log4j-core-\(.*\)\.jar$/\1/p' | head -1)
  rm -f "$work/$name/libs"/log4j-slf4j2-impl-*.jar
  mvn -q -B dependency:copy -Dartifact="org.apache.logging.log4j:log4j-slf4j-impl:${log4j_version:-2.24.3}" \
    -DoutputDirectory="$work/$name/libs" >&2
fi
printf 'Apache Kafka %s (Scala %s), jars resolved from Maven Central\n' "$version" "$scala" > "$work/$name/README.specweave"
# reproducible: fixed order, owner and mtime
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00:00Z' \
  -C "$work" -czf "$out.tmp" "$name"
mv "$out.tmp" "$out"
(cd "$cache/archives" && sha512sum "$name.tgz" > "$name.tgz.sha512")
echo "kafka-archive: built $out" >&2
echo "$out"
