#!/usr/bin/env bash
# Builds the collection artifact and checks that no development file slipped into it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$here/.venv/bin/ansible-galaxy" collection build "$here/ansible_collections/specweave/kafka" \
  --output-path "$out" --force >/dev/null
artifact=$(ls "$out"/specweave-kafka-*.tar.gz)
bad=$(tar -tzf "$artifact" | grep -E '(^|/)(\.venv|\.dev|tests/output|__pycache__|node_modules|\.pytest_cache)(/|$)|\.pyc$|^(benchmarks|scripts|testbed|\.ci)/' || true)
if [ -n "$bad" ]; then
  echo "build: development files in the artifact:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "build: $(basename "$artifact") ($(tar -tzf "$artifact" | wc -l) files) has no development files"
