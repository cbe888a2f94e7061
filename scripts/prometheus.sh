#!/usr/bin/env bash
# Prometheus, promtool, Alertmanager and node_exporter from Debian's packages for the tests and
# `make dev`, unpacked (no root, no install) into a cache folder whose bin/ is printed.
# Usage: prometheus.sh        Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/prometheus-deb-r1/bin
# Users install Prometheus with the kafka_monitoring role (release archive by URL + checksum, or
# their distribution's package); this is only the test bed's way to get the same binaries.
set -euo pipefail
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
dest="$cache/prometheus-deb-r1"
if [ -f "$dest/.complete" ]; then
  echo "$dest/bin"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "prometheus: downloading Debian's prometheus, prometheus-alertmanager and prometheus-node-exporter" >&2
(cd "$work" && apt-get download prometheus prometheus-alertmanager prometheus-node-exporter >&2)
rm -rf "$dest"
mkdir -p "$dest/bin" "$work/root"
for deb in "$work"/*.deb; do
  dpkg-deb -x "$deb" "$work/root"
done
for tool in prometheus promtool prometheus-alertmanager amtool prometheus-node-exporter; do
  cp "$work/root/usr/bin/$tool" "$dest/bin/"
done
"$dest/bin/prometheus" --version >&2
touch "$dest/.complete"
echo "$dest/bin"
