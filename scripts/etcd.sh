#!/usr/bin/env bash
# etcd from Debian's `etcd-server` package, unpacked (no root, no install, no service) into a cache
# folder; prints the path of the etcd binary. The strimzi role's tests run it on 127.0.0.1 as the
# storage of the test bed's kube-apiserver (scripts/kube-apiserver.sh).
# Usage: etcd.sh        Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/etcd-deb-r1/bin/etcd
set -euo pipefail
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
dest="$cache/etcd-deb-r1"
if [ -f "$dest/.complete" ]; then
  echo "$dest/bin/etcd"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "etcd: downloading Debian's etcd-server" >&2
(cd "$work" && apt-get download etcd-server >&2)
rm -rf "$dest"
mkdir -p "$dest/bin" "$work/root"
for deb in "$work"/*.deb; do
  dpkg-deb -x "$deb" "$work/root"
done
cp "$work/root/usr/bin/etcd" "$dest/bin/etcd"
"$dest/bin/etcd" --version >&2
touch "$dest/.complete"
echo "$dest/bin/etcd"
