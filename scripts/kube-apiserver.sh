#!/usr/bin/env bash
# Builds a real kube-apiserver for the tests of the strimzi role and `make dev`: Kubernetes' own
# cmd/kube-apiserver from its Go modules, into a cache folder; prints the binary's path.
# Usage: kube-apiserver.sh   Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/kube-apiserver-<version>-r2/kube-apiserver
# Needs Go (>= the go directive of k8s.io/kubernetes) and the Go module proxy. k8s.io/kubernetes is
# not meant to be required as a module: its go.mod points every k8s.io staging module at
# ./staging/src/..., so this script writes one `replace` per staging module, pinned to the
# matching published v0.x tag, taken from that go.mod itself. About 3 minutes on 2 cores, 150 MB.
# Go's module and build caches stay in their defaults, so a rebuild downloads nothing.
# Users run the strimzi role against their own OpenShift/Kubernetes; this is only the test bed's
# API server (no kubelet, no controllers that run pods).
set -euo pipefail
version=1.34.4
staging=0.34.4
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
dest="$cache/kube-apiserver-$version-r2"
if [ -f "$dest/.complete" ]; then
  echo "$dest/kube-apiserver"
  exit 0
fi
command -v go >/dev/null || { echo "kube-apiserver: Go is needed to build it (go.dev/dl)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "kube-apiserver: resolving k8s.io/kubernetes v$version and its staging modules" >&2
gomod=$(cd "$work" && go mod download -json "k8s.io/kubernetes@v$version" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')
[ -f "$gomod" ] || { echo "kube-apiserver: no go.mod for k8s.io/kubernetes v$version" >&2; exit 1; }
{
  echo "module specweave.local/kube-apiserver"
  echo
  sed -n 's/^go \(.*\)$/go \1/p' "$gomod"
  echo
  echo "require k8s.io/kubernetes v$version"
  echo
  # every "k8s.io/x => ./staging/src/k8s.io/x" of kubernetes' go.mod, pinned to the published tag
  sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/k8s\.io/[a-z0-9-]*$#replace \1 => \1 v'"$staging"'#p' "$gomod"
} > "$work/go.mod"
if ! grep -q '^replace k8s.io/api ' "$work/go.mod"; then
  echo "kube-apiserver: found no staging replaces in $gomod" >&2
  exit 1
fi
cat > "$work/tools.go" <<'EOF'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
EOF
echo "kube-apiserver: go mod tidy" >&2
(cd "$work" && go mod tidy >&2)
echo "kube-apiserver: building kube-apiserver v$version (a few minutes)" >&2
# the version the server reports (/version, --version), as a release build stamps it
v=k8s.io/component-base/version
ldflags="-s -w -X $v.gitVersion=v$version -X $v.gitMajor=${version%%.*} -X $v.gitMinor=$(echo "$version" | cut -d. -f2)"
(cd "$work" && go build -trimpath -ldflags "$ldflags" -o "$work/kube-apiserver" \
  k8s.io/kubernetes/cmd/kube-apiserver >&2)
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/kube-apiserver" "$dest/kube-apiserver"
"$dest/kube-apiserver" --version >&2
touch "$dest/.complete"
echo "$dest/kube-apiserver"
