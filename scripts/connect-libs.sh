#!/usr/bin/env bash
# Resolves an Apache Kafka Connect worker (connect-runtime) with the FileStream and MirrorMaker 2
# connectors (connect-file, connect-mirror) from Maven Central into a cached libs/ folder (the
# worker's class path, as in Kafka's own distribution) and prints that folder.
# Kafka 4.4.0's connect-file and connect-mirror are not served by the registry here, and plugins
# of another version do not load in a 4.4 worker (4.4 moved AppInfoParser), so the default is the
# newest version of which all three are served; the worker speaks to a 4.4 broker as any client.
# Usage: connect-libs.sh [VERSION]   (default: $KAFKA_CONNECT_VERSION or 4.3.0)
# Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/connect-<version>-r<N>/libs
#
#        connect-libs.sh debezium [VERSION]   Debezium's PostgreSQL connector plugin archive
#        (io.debezium:debezium-connector-postgres:<version>:tar.gz:plugin, default 3.6.1.Final),
#        unpacked into a folder for plugin.path, whose path is printed.
# Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/debezium-postgres-<version>-r<N>
set -euo pipefail
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
if [ "${1:-}" = debezium ]; then
  version=${2:-${DEBEZIUM_VERSION:-3.6.1.Final}}
  dest="$cache/debezium-postgres-$version-r1"
  if [ -f "$dest/.complete" ]; then
    echo "$dest"
    exit 0
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "connect-libs: fetching Debezium's PostgreSQL connector $version from Maven Central" >&2
  mvn -q -B -Dstyle.color=never dependency:copy \
    -Dartifact="io.debezium:debezium-connector-postgres:$version:tar.gz:plugin" \
    -DoutputDirectory="$work" -Dmdep.useBaseVersion=true >&2
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -xzf "$work/debezium-connector-postgres-$version-plugin.tar.gz" -C "$dest"
  touch "$dest/.complete"
  echo "$dest"
  exit 0
fi
version=${1:-${KAFKA_CONNECT_VERSION:-4.3.0}}
# The suffix changes whenever the dependency list below changes, so old caches are not reused.
dest="$cache/connect-$version-r1"
if [ -f "$dest/.complete" ]; then
  echo "$dest/libs"
  exit 0
fi
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.specweave</groupId><artifactId>connect-libs</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-file</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-mirror</artifactId><version>$version</version></dependency>
    <!-- Kafka's own slf4j-api is 1.7; the log4j2 binding needs 2.x, or the worker writes no log. -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.16</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>
  </dependencies>
</project>
POM
echo "connect-libs: resolving Kafka Connect $version from Maven Central" >&2
rm -rf "$dest/libs"
mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$dest/libs" -DincludeScope=runtime >&2
touch "$dest/.complete"
echo "$dest/libs"
