#!/usr/bin/env bash
# Builds the consumer-lag exporter for the tests and `make dev`: an OpenTelemetry Collector with
# only the kafkametrics receiver and the Prometheus exporter, from Go modules with the collector
# builder (ocb) and the manifest scripts/otelcol-builder.yaml, into a cache folder; prints the binary.
# Usage: otelcol.sh   Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/otelcol-kafka-<version>-r1/otelcol-kafka
# Needs Go (>= the builder's go directive) and the Go module proxy; Go's module and build caches stay
# in their defaults, so a rebuild after deleting the cache folder downloads nothing.
# Users get the collector from the kafka_monitoring role (release archive or package); this is only
# the test bed's way to get a binary with the same receiver and exporter.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
manifest="$here/otelcol-builder.yaml"
version=$(sed -n 's/^  version: *//p' "$manifest")
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
# The suffix changes whenever the manifest's components change, so old binaries are not reused.
dest="$cache/otelcol-kafka-$version-r1"
if [ -f "$dest/.complete" ]; then
  echo "$dest/otelcol-kafka"
  exit 0
fi
command -v go >/dev/null || { echo "otelcol: Go is needed to build the collector (go.dev/dl)" >&2; exit 1; }
# Every module's checksum is pinned in scripts/otelcol-go.sum, copied into the generated module
# before its dependencies are fetched: the go command checks each download against it and needs no
# lookup in the checksum database, whose entries for some collector module versions the module
# proxy here does not serve (404 on .../sumdb/sum.golang.org/lookup/<module>@v0.148.0, a different
# module on different days). The two collector families are left out of the database lookups, so a
# module missing from the pinned file is taken as the proxy serves it; the builder itself is
# verified against the database as usual.
sums="$here/otelcol-go.sum"
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/open-telemetry/opentelemetry-collector-contrib,go.opentelemetry.io/collector"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "otelcol: building the collector builder v$version" >&2
GOBIN="$work/tools" go install "go.opentelemetry.io/collector/cmd/builder@v$version" >&2
echo "otelcol: building otelcol-kafka $version (kafkametrics receiver, Prometheus exporter)" >&2
cp "$manifest" "$work/builder.yaml"
(cd "$work" && "$work/tools/builder" --config builder.yaml --skip-get-modules --skip-compilation >&2)
cp "$sums" "$work/build/go.sum"
(cd "$work" && "$work/tools/builder" --config builder.yaml --skip-generate >&2)
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/build/otelcol-kafka" "$dest/otelcol-kafka"
"$dest/otelcol-kafka" components >/dev/null
"$dest/otelcol-kafka" --version >&2
touch "$dest/.complete"
echo "$dest/otelcol-kafka"
