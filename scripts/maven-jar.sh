#!/usr/bin/env bash
# One jar from Maven Central (with Maven, the machine's configured repository), fetched once into a
# cache folder and checked against a pinned SHA-1 on every call; prints the jar's path.
# Usage: maven-jar.sh GROUP:ARTIFACT:VERSION SHA1
#   Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/jars/ARTIFACT-VERSION.jar
set -euo pipefail
coords=$1 sha1=$2
IFS=: read -r group artifact version <<< "$coords"
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
jar="$cache/jars/$artifact-$version.jar"
if [ -f "$jar" ] && [ "$(sha1sum "$jar" | cut -d' ' -f1)" = "$sha1" ]; then
  echo "$jar"
  exit 0
fi
mkdir -p "$cache/jars"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "maven-jar: fetching $group:$artifact:$version from Maven Central" >&2
mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$group:$artifact:$version:jar" \
  -DoutputDirectory="$work" -Dmdep.useBaseVersion=true >&2
got=$(sha1sum "$work/$artifact-$version.jar" | cut -d' ' -f1)
if [ "$got" != "$sha1" ]; then
  echo "maven-jar: SHA-1 mismatch for $artifact-$version.jar: $got, expected $sha1" >&2
  exit 1
fi
mv "$work/$artifact-$version.jar" "$jar"
echo "$jar"
