#!/usr/bin/env bash
# Unit tests of the collection with ansible-test (pure logic, no servers), in the same dedicated
# virtualenv as the sanity tests (scripts/sanity.sh creates it), with the collection's own
# Python requirements added.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.venv-sanity"
[ -x "$venv/bin/ansible-test" ] || bash "$here/scripts/sanity.sh" --list-tests >/dev/null
reqs="$here/ansible_collections/specweave/kafka/requirements.txt"
stamp="$venv/.units-$(sha256sum "$reqs" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  "$venv/bin/pip" install -q -r "$reqs"
  touch "$stamp"
fi
cd "$here/ansible_collections/specweave/kafka"
PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" units --python 3.11 --local --requirements --color no "$@"
