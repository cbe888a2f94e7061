#!/usr/bin/env bash
# The ansible-core matrix of `make test`: the collection claims `requires_ansible: ">=2.16.0"`
# (meta/runtime.yml), so on each older ansible-core (default 2.16, 2.17, 2.18; the main virtualenv,
# .venv, has the newest, on which the units and integration stages run everything):
#   - the unit tests, each version on its own copy of the collection in a temporary folder (so
#     that versions can run side by side and never meet the units stage's tests/output), run the
#     way ansible-test units runs them (its pytest configuration and collection-loader plugin) in
#     one pytest process: ansible-test units forks a process per test, 35 to 100 s per version on
#     the loaded 2-core machine against 8 to 19 s (CPU 26 s against 3 s);
#   - the smoke, tests/integration/tooling/test_core_smoke.py: one playbook (kafka_topic in check
#     mode, applied, re-run unchanged, kafka_info, through the action group's module_defaults)
#     run by each version's own ansible-playbook against one real KRaft broker, in one pytest
#     session of the main virtualenv; each play must report the version of its virtualenv.
#
# Each version gets its own cached virtualenv, ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/
# venv-core-<version>, stamped with what it holds (its pip requirements below, the collection's
# requirements.txt, the Python that made it and the ansible.posix copied in): a re-run with nothing
# changed creates nothing and calls no registry (0.8 s for the three). ansible.posix (the json
# stdout callback the test bed parses) is copied from the main virtualenv's ansible package; it
# requires ansible-core >= 2.15. Each also gets amazon.aws (the MSK modules import it; see
# amazon_aws below) and the unit tests' own Python requirements (tests/unit/requirements.txt).
#
# Usage: scripts/core-matrix.sh [VERSION ...]   (default: $ANSIBLE_CORE_VERSIONS or "2.16 2.17 2.18")
#        scripts/core-matrix.sh --prefetch      only creates the virtualenvs (scripts/prefetch.sh)
# Env:   SPECWEAVE_CORE_JOBS   versions whose units run side by side (default 1: measured on the
#                              2-core machine, side by side saved no wall time)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
coll="$repo/ansible_collections/specweave/kafka"
prefetch=false
if [ "${1:-}" = --prefetch ]; then prefetch=true; shift; fi
versions=("$@")
[ ${#versions[@]} -gt 0 ] || read -r -a versions <<< "${ANSIBLE_CORE_VERSIONS:-2.16 2.17 2.18}"
jobs=${SPECWEAVE_CORE_JOBS:-1}
smoke=tests/integration/tooling/test_core_smoke.py

posix=$("$repo/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections/ansible/posix
[ -f "$posix/MANIFEST.json" ] || { echo "core-matrix: no ansible.posix in $repo/.venv (run make setup)" >&2; exit 1; }

# requirements VERSION: the pip requirements of that version's virtualenv
requirements() {
  cat <<EOF
ansible-core==$1.*
pytest>=8.0
pytest-xdist>=3.5
pytest-mock>=3.12
mock
EOF
  grep -hv '^\s*#' "$coll/requirements.txt" "$coll/tests/unit/requirements.txt" | sed '/^\s*$/d'
}

# The amazon.aws the MSK modules import (galaxy.yml: >=9.0.0), at a release that supports every
# ansible-core of the matrix: amazon.aws 10 (in the main virtualenv's ansible 12) requires
# ansible-core 2.17. Galaxy is not reachable here; the ansible 11 wheel on PyPI carries amazon.aws
# 9.5.2 (requires_ansible >=2.15.0). The wheel is downloaded once into the cache.
AMAZON_AWS_WHEEL=ansible==11.13.0
amazon_aws() {  # amazon_aws SITE: puts amazon.aws into SITE/ansible_collections
  local wheels="$cache/wheels" wheel
  mkdir -p "$wheels"
  wheel=$(ls "$wheels"/ansible-"${AMAZON_AWS_WHEEL#ansible==}"-py3-none-any.whl 2>/dev/null || true)
  if [ -z "$wheel" ]; then
    "$repo/.venv/bin/pip" download -q --no-deps "$AMAZON_AWS_WHEEL" -d "$wheels" >&2 || return 1
    wheel=$(ls "$wheels"/ansible-"${AMAZON_AWS_WHEEL#ansible==}"-py3-none-any.whl)
  fi
  "$repo/.venv/bin/python" - "$wheel" "$1" <<'PY'
import sys, zipfile
prefix = "ansible_collections/amazon/aws/"
with zipfile.ZipFile(sys.argv[1]) as wheel:
    wheel.extractall(sys.argv[2], [n for n in wheel.namelist() if n.startswith(prefix)])
PY
}

# venv VERSION: creates (or keeps) the virtualenv of that version; prints its path
venv() {
  local version=$1 dir="$cache/venv-core-$1" key start
  key=$( { requirements "$version"; python3 -VV; sha256sum < "$posix/MANIFEST.json"; echo "$AMAZON_AWS_WHEEL"; } | sha256sum | cut -c1-16)
  if [ ! -f "$dir/.core-matrix-$key" ]; then
    start=$(date +%s)
    echo "core-matrix: creating $dir" >&2
    rm -rf "$dir"
    python3 -m venv "$dir"
    requirements "$version" > "$dir/core-matrix-requirements.txt"
    "$(bash "$repo/scripts/uv.sh")" pip install -q --compile-bytecode --python "$dir/bin/python" \
      -r "$dir/core-matrix-requirements.txt" >&2
    local site
    site=$("$dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    mkdir -p "$site/ansible_collections/ansible"
    cp -r "$posix" "$site/ansible_collections/ansible/posix"
    amazon_aws "$site"
    touch "$dir/.core-matrix-$key"
    echo "core-matrix: ansible-core $version virtualenv created in $(( $(date +%s) - start )) s" >&2
  fi
  echo "$dir"
}

# quiet LOG COMMAND...: runs COMMAND with its output in LOG; prints pytest's summary line from LOG,
# or all of LOG when COMMAND failed
quiet() {
  local log=$1
  shift
  if "$@" > "$log" 2>&1; then
    grep -E '[0-9]+ passed' "$log" | tail -n 1 || true
  else
    cat "$log"
    return 1
  fi
}

# units VERSION: the unit tests on that version (its own functions' errors are checked one
# by one: set -e does not apply inside a function called before ||)
units() {
  local version=$1 dir work start core units_start units status=0 junit ran skipped at min
  start=$(date +%s)
  dir=$(venv "$version") || return 1
  core=$("$dir/bin/python" -c 'from ansible.release import __version__; print(__version__)') || return 1
  case $core in "$version".*) ;; *) echo "core-matrix: $dir holds ansible-core $core, not $version" >&2; return 1 ;; esac
  echo "core-matrix: ansible-core $core (setup $(( $(date +%s) - start )) s)"
  work=$(mktemp -d "${TMPDIR:-/tmp}/specweave-core-$version.XXXXXX") || return 1
  mkdir -p "$work/ansible_collections/specweave"
  tar -C "$coll/.." --exclude=kafka/tests/output --exclude=kafka/.ansible --exclude=__pycache__ --exclude=.pytest_cache \
    -cf - kafka | tar -C "$work/ansible_collections/specweave" -xf - || status=1
  units_start=$(date +%s)
  # The units as ansible-test runs them (its pytest configuration, and its plugin that loads the
  # collection the way Ansible does), in one pytest process: ansible-test units forks a process
  # per test, which took 35 to 100 s per version here against 14 s (CPU 26 s against 3 s). The
  # units stage runs ansible-test units itself, on the main virtualenv's version.
  if [ $status = 0 ]; then
    at=$("$dir/bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')
    min=$("$dir/bin/python" -c 'from ansible_test._internal.constants import CONTROLLER_MIN_PYTHON_VERSION as v; print(v)')
    quiet "$work/units.log" env -C "$work/ansible_collections/specweave/kafka" \
      PYTHONPATH="$at/_util/target/pytest/plugins:$work" ANSIBLE_COLLECTIONS_PATH="$work" \
      ANSIBLE_CONTROLLER_MIN_PYTHON_VERSION="$min" "$dir/bin/python" -m pytest \
      -c "$at/_data/pytest/config/default.ini" -p ansible_pytest_collections --strict-markers \
      --rootdir . --confcutdir . -p no:cacheprovider -q -r a --junit-xml "$work/units.xml" \
      tests/unit || status=1
  fi
  # a run that skipped anything or ran nothing fails (pytest's JUnit report)
  if [ $status = 0 ]; then
    junit=$(cat "$work/units.xml")
    ran=$( { grep -o '<testcase ' <<< "$junit" || true; } | wc -l)
    skipped=$( { grep -o '<skipped' <<< "$junit" || true; } | wc -l)
    echo "core-matrix: ansible-core $core units: $ran tests ran, $skipped skipped"
    [ "$ran" -gt 0 ] && [ "$skipped" = 0 ] || { echo "core-matrix: every unit test must run" >&2; status=1; }
  fi
  units=$(( $(date +%s) - units_start ))
  rm -rf "$work"
  if [ $status = 0 ]; then
    echo "core-matrix: ansible-core $core units passed ($units s)"
  else
    echo "core-matrix: ansible-core $core units FAILED"
  fi
  return $status
}

if $prefetch; then
  for version in "${versions[@]}"; do venv "$version" >/dev/null; done
  exit 0
fi
logs=$(mktemp -d "${TMPDIR:-/tmp}/specweave-core-logs.XXXXXX")
trap 'rm -rf "$logs"' EXIT
# Virtualenvs first, one after the other (pip downloads). Then the smoke in the background (most
# of it waits: the broker's start, Ansible's process starts, a Kafka tool's JVM) beside the units of
# each version, $jobs at a time.
for version in "${versions[@]}"; do venv "$version" >/dev/null; done
start=$(date +%s)
venvs=()
for version in "${versions[@]}"; do venvs+=("$version=$cache/venv-core-$version"); done
(
  rc=0
  quiet "$logs/smoke.log" env -C "$repo" SPECWEAVE_STRICT_RUN=1 SPECWEAVE_CORE_VENVS="${venvs[*]}" \
    "$repo/.venv/bin/python" -m pytest "$smoke" -p no:cacheprovider -q -p no:warnings > "$logs/smoke.out" || rc=$?
  echo "$(( $(date +%s) - start ))" > "$logs/smoke.time"
  exit $rc
) &
smoke_pid=$!
status=0
if [ "$jobs" -le 1 ]; then
  for version in "${versions[@]}"; do units "$version" || { status=1; break; }; done
else
  pids=()
  for version in "${versions[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$(( jobs + 1 ))" ]; do wait -n || true; done
    (rc=0; units "$version" > "$logs/$version" 2>&1 || rc=$?; echo $rc > "$logs/$version.rc") &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  for version in "${versions[@]}"; do
    sed "s/^/[$version] /" "$logs/$version"
    [ "$(cat "$logs/$version.rc" 2>/dev/null)" = 0 ] || status=1
  done
fi
smoke_rc=0
wait $smoke_pid || smoke_rc=$?
cat "$logs/smoke.out"
if [ $smoke_rc = 0 ]; then
  echo "core-matrix: smoke passed on ansible-core ${versions[*]} ($(cat "$logs/smoke.time") s)"
else
  echo "core-matrix: smoke FAILED"
  status=1
fi
[ $status -eq 0 ] || { echo "core-matrix: FAILED"; exit 1; }
echo "core-matrix: ansible-core ${versions[*]} passed ($(( $(date +%s) - start )) s)"
