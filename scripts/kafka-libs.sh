#!/usr/bin/env bash
# Resolves the Apache Kafka broker and tools jars from Maven Central into a cached libs/ folder
# and prints that folder. Usage: kafka-libs.sh [VERSION]   (default: $KAFKA_VERSION or 4.4.0, the test bed's version)
# Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/kafka-<version>-r<N>/libs
set -euo pipefail
version=${1:-${KAFKA_VERSION:-4.4.0}}
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
# The suffix changes whenever the dependency list below changes, so old caches are not reused.
dest="$cache/kafka-$version-r2"
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
  <groupId>local.specweave</groupId><artifactId>kafka-libs</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$version</version></dependency>
    <!-- Kafka's own slf4j-api is 1.7; the log4j2 binding needs 2.x, or brokers write no log. -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.16</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>
  </dependencies>
</project>
POM
echo "kafka-libs: resolving Apache Kafka $version from Maven Central" >&2
rm -rf "$dest/libs"
mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$dest/libs" -DincludeScope=runtime >&2
touch "$dest/.complete"
echo "$dest/libs"
