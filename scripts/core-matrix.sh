#!/usr/bin/env bash
# The ansible-core matrix of `make test`: the collection claims `requires_ansible: ">=2.16.0"`
# (meta/runtime.yml), so the unit tests (ansible-test units) and one integration smoke file against
# a real KRaft broker (tests/integration/tooling/test_core_smoke.py, run through that version's own
# ansible-playbook) run on each older ansible-core. The newest one (the main virtualenv, .venv) runs
# the whole suite in the units and integration stages.
#
# Each version gets its own cached virtualenv, ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/
# venv-core-<version>, stamped with what it holds (its pip requirements below, the collection's
# requirements.txt, the Python that made it and the ansible.posix copied in): a re-run with nothing
# changed creates nothing and calls no registry. ansible.posix (the json stdout callback the test
# bed parses) is copied from the main virtualenv's ansible package; it requires ansible >= 2.15.
# Each version runs on its own copy of the collection in a temporary folder, so that versions can
# run side by side and ansible-test's tests/output never meets the units stage's.
#
# Usage: scripts/core-matrix.sh [VERSION ...]   (default: $ANSIBLE_CORE_VERSIONS or "2.16 2.17 2.18")
#        scripts/core-matrix.sh --prefetch      only creates the virtualenvs (scripts/prefetch.sh)
# Env:   SPECWEAVE_CORE_JOBS   versions run side by side (default 1, see the measurements in
#                              ARCHITECTURE.md: on 2 cores side by side saves little)
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
  grep -v '^\s*#' "$coll/requirements.txt" | sed '/^\s*$/d'
}

# venv VERSION: creates (or keeps) the virtualenv of that version; prints its path
venv() {
  local version=$1 dir="$cache/venv-core-$1" key start
  key=$( { requirements "$version"; python3 -VV; sha256sum "$posix/MANIFEST.json"; } | sha256sum | cut -c1-16)
  if [ ! -f "$dir/.core-matrix-$key" ]; then
    start=$(date +%s)
    echo "core-matrix: creating $dir" >&2
    rm -rf "$dir"
    python3 -m venv "$dir"
    requirements "$version" > "$dir/core-matrix-requirements.txt"
    "$dir/bin/pip" install -q -r "$dir/core-matrix-requirements.txt" >&2
    local site
    site=$("$dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    mkdir -p "$site/ansible_collections/ansible"
    cp -r "$posix" "$site/ansible_collections/ansible/posix"
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

# run VERSION: units and the smoke file on that version (its own functions' errors are checked one
# by one: set -e does not apply inside a function called before ||)
run() {
  local version=$1 dir work start core py units_start units smoke_start status=0 junit ran skipped
  start=$(date +%s)
  dir=$(venv "$version") || return 1
  core=$("$dir/bin/python" -c 'from ansible.release import __version__; print(__version__)') || return 1
  case $core in "$version".*) ;; *) echo "core-matrix: $dir holds ansible-core $core, not $version" >&2; return 1 ;; esac
  echo "core-matrix: ansible-core $core (setup $(( $(date +%s) - start )) s)"
  work=$(mktemp -d "${TMPDIR:-/tmp}/specweave-core-$version.XXXXXX") || return 1
  mkdir -p "$work/ansible_collections/specweave"
  tar -C "$coll/.." --exclude=kafka/tests/output --exclude=kafka/.ansible --exclude=__pycache__ --exclude=.pytest_cache \
    -cf - kafka | tar -C "$work/ansible_collections/specweave" -xf - || status=1
  py=$("$dir/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  units_start=$(date +%s)
  [ $status = 0 ] && { quiet "$work/units.log" env -C "$work/ansible_collections/specweave/kafka" \
    PATH="$dir/bin:$PATH" "$dir/bin/ansible-test" units --python "$py" --local --color no > /dev/null || status=1; }
  # ansible-test's JUnit reports: a run that skipped anything or ran nothing fails
  if [ $status = 0 ]; then
    junit=$(cat "$work/ansible_collections/specweave/kafka/tests/output/junit/"*-units.xml)
    ran=$( { grep -o '<testcase ' <<< "$junit" || true; } | wc -l)
    skipped=$( { grep -o '<skipped' <<< "$junit" || true; } | wc -l)
    echo "core-matrix: ansible-core $core units: $ran tests ran, $skipped skipped"
    [ "$ran" -gt 0 ] && [ "$skipped" = 0 ] || { echo "core-matrix: every unit test must run" >&2; status=1; }
  fi
  units=$(( $(date +%s) - units_start ))
  smoke_start=$(date +%s)
  # The smoke runs the checkout's collection (ANSIBLE_COLLECTIONS_PATH=$repo, testbed/ansible.py)
  # with this virtualenv's ansible-playbook, and asserts the version the play ran under.
  [ $status = 0 ] && { quiet "$work/smoke.log" env -C "$repo" SPECWEAVE_STRICT_RUN=1 \
    SPECWEAVE_EXPECT_ANSIBLE_CORE="$version" "$dir/bin/python" -m pytest "$smoke" -p no:cacheprovider -q \
    || status=1; }
  rm -rf "$work"
  if [ $status = 0 ]; then
    echo "core-matrix: ansible-core $core passed: units $units s, smoke $(( $(date +%s) - smoke_start )) s," \
      "total $(( $(date +%s) - start )) s"
  else
    echo "core-matrix: ansible-core $core FAILED"
  fi
  return $status
}

if $prefetch; then
  for version in "${versions[@]}"; do venv "$version" >/dev/null; done
  exit 0
fi
# Virtualenvs first, one after the other (pip downloads), then the versions, $jobs at a time.
for version in "${versions[@]}"; do venv "$version" >/dev/null; done
status=0
if [ "$jobs" -le 1 ]; then
  for version in "${versions[@]}"; do run "$version" || { status=1; break; }; done
else
  logs=$(mktemp -d "${TMPDIR:-/tmp}/specweave-core-logs.XXXXXX")
  trap 'rm -rf "$logs"' EXIT
  pids=()
  for version in "${versions[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    (rc=0; run "$version" > "$logs/$version" 2>&1 || rc=$?; echo $rc > "$logs/$version.rc") &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  for version in "${versions[@]}"; do
    sed "s/^/[$version] /" "$logs/$version"
    [ "$(cat "$logs/$version.rc" 2>/dev/null)" = 0 ] || status=1
  done
fi
[ $status -eq 0 ] && echo "core-matrix: ansible-core ${versions[*]} passed" || echo "core-matrix: FAILED"
exit $status
