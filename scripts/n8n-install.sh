#!/usr/bin/env bash
# Installs n8n from the npm registry into a cached folder and prints that folder's n8n binary.
# Usage: n8n-install.sh [VERSION]   (default: $N8N_VERSION or 2.8.4, the newest that runs on Node 20)
# Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/n8n-<version>/
# n8n's default xlsx dependency points at a URL outside the npm registry, so it is pinned to the
# registry's xlsx@0.18.5 with an npm "overrides" entry. Idempotent: a finished install is reused.
set -euo pipefail
version=${1:-${N8N_VERSION:-2.8.4}}
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
dest="$cache/n8n-$version"
bin="$dest/node_modules/.bin/n8n"
if [ -f "$dest/.complete" ] && [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
command -v npm >/dev/null || { echo "n8n-install: npm (Node.js >= 20) is required" >&2; exit 1; }
mkdir -p "$dest"
rm -f "$dest/.complete"
cat > "$dest/package.json" <<JSON
{
  "name": "specweave-n8n-testbed",
  "version": "1.0.0",
  "private": true,
  "dependencies": { "n8n": "$version" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON
echo "n8n-install: installing n8n $version from the npm registry into $dest (several minutes cold)" >&2
(
  cd "$dest"
  # No audit/fund look-ups; only the registry is contacted.
  npm install --no-audit --no-fund --loglevel=error --omit=dev >&2
)
[ -x "$bin" ] || { echo "n8n-install: $bin missing after npm install" >&2; exit 1; }
touch "$dest/.complete"
echo "$bin"
