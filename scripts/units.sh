#!/usr/bin/env bash
# Unit tests of the collection with ansible-test (pure logic, no servers).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here/ansible_collections/specweave/kafka"
"$here/.venv/bin/ansible-test" units --python 3.11 --local --requirements --color no "$@"
