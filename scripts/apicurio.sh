#!/usr/bin/env bash
# Resolves Apicurio Registry (a Confluent Schema Registry compatible server, API under
# /apis/ccompat/v7) from Maven Central and prints the folder holding its runner jar.
# Usage: apicurio.sh [VERSION]   (default: $APICURIO_VERSION or 3.0.9, which runs on Java 17)
# Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/apicurio-<version>/
# Maven Central serves the ready-built Quarkus application as the "all" tar.gz of
# io.apicurio:apicurio-registry-app (runner jar + lib/), so no Quarkus build is needed.
set -euo pipefail
version=${1:-${APICURIO_VERSION:-3.0.9}}
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
dest="$cache/apicurio-$version"
jar="apicurio-registry-app-$version-runner.jar"
if [ -f "$dest/.complete" ] && [ -f "$dest/$jar" ]; then
  echo "$dest"
  exit 0
fi
echo "apicurio: resolving Apicurio Registry $version from Maven Central" >&2
mvn -q -B dependency:get -Dtransitive=false \
  -Dartifact="io.apicurio:apicurio-registry-app:$version:tar.gz:all" >&2
archive="${MAVEN_REPO:-$HOME/.m2/repository}/io/apicurio/apicurio-registry-app/$version/apicurio-registry-app-$version-all.tar.gz"
if [ ! -f "$archive" ]; then
  echo "apicurio: $archive not found after download" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$archive" -C "$dest"
if [ ! -f "$dest/$jar" ]; then
  echo "apicurio: $jar missing from $archive" >&2
  exit 1
fi
touch "$dest/.complete"
echo "$dest"
