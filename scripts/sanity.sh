#!/usr/bin/env bash
# ansible-test sanity with empty ignore files. Each sanity test's pinned tools are installed in
# their own virtualenvs by ansible-test (--venv), which pip caches between runs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here/ansible_collections/specweave/kafka"
"$here/.venv/bin/ansible-test" sanity --python 3.11 --venv --requirements --color no "$@"
