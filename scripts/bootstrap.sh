#!/usr/bin/env bash
# Installs everything the developer commands need, idempotently, and caches it:
#   - a virtualenv in .venv with the pinned-minimum Python dependencies (installed by uv,
#     scripts/uv.sh: the same resolution as pip's, in seconds instead of a minute)
#   - a virtualenv in .venv-tools with the Galaxy, docs-site and execution-environment tools
#   - Apache Kafka broker jars from Maven Central (scripts/kafka-libs.sh)
# Re-running is cheap: each step is skipped when its stamp matches its inputs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
uv=$(bash "$here/scripts/uv.sh")
venv="$here/.venv"
reqs=(requirements-dev.txt ansible_collections/specweave/kafka/requirements.txt)
stamp="$venv/.bootstrap-$(cat "${reqs[@]}" | sha256sum | cut -c1-16)"

if [ ! -f "$stamp" ]; then
  echo "bootstrap: creating $venv" >&2
  python3 -m venv "$venv"
  "$uv" pip install -q --compile-bytecode --python "$venv/bin/python" --upgrade pip \
    -r requirements-dev.txt -r ansible_collections/specweave/kafka/requirements.txt
  rm -f "$venv"/.bootstrap-*
  touch "$stamp"
fi

# The Galaxy, docs-site and execution-environment tools, in a virtualenv of their own (their pins
# differ from the test tools').
tools="$here/.venv-tools"
tools_stamp="$tools/.bootstrap-$(sha256sum < requirements-tools.txt | cut -c1-16)"
if [ ! -f "$tools_stamp" ]; then
  echo "bootstrap: creating $tools" >&2
  python3 -m venv "$tools"
  "$uv" pip install -q --compile-bytecode --python "$tools/bin/python" --upgrade pip -r requirements-tools.txt
  rm -f "$tools"/.bootstrap-*
  touch "$tools_stamp"
fi

# Kafka jars, cached outside the checkout so fresh clones on this machine reuse them.
"$here/scripts/kafka-libs.sh" >/dev/null
