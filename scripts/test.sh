#!/usr/bin/env bash
# `make test`: every stage, stopping at the first failure, with the time each took printed at the
# end (also when a stage failed). A stage that runs nothing fails (see each stage's script: no
# molecule scenario, a pytest run that skips or deselects anything).
#
# Usage: scripts/test.sh              every stage, in three lanes side by side (below)
#        scripts/test.sh STAGE ...    only those stages, one after the other, in that order
#
# The three lanes: `sanity lint units integration-core`, `molecule compat core-matrix build docs
# ee integration-platforms` and `integration-services integration-dev-cluster` (the integration
# tests split in four: n8n, Schema Registry, AWX and Confluent Cloud; the dev cluster deployed by
# the role; MSK, Event Hubs, Strimzi; every other area), each lane about as long as the others in
# wall-clock time (measured: the stage times below). Their stages share nothing (the test beds bind
# 127.0.0.1 on free ports, molecule's nodes 127.0.0.11-13) and much of each is spent waiting on
# servers (JVM and Node start-up, KRaft elections, health polls, alert timers), so on two cores
# they finish well before the same stages in fewer lanes.
# Everything the stages download is fetched first, one step after the other (scripts/prefetch.sh),
# so that the lanes only read the caches. SPECWEAVE_TEST_LANES=1 runs every stage in a row, =2 in
# two lanes (the third lane's stages after the second's).
# Each lane's output is printed as it comes, every line prefixed with its stage. The stage times at
# the end give each stage's wall-clock and CPU seconds (scripts/cpu-time.sh): on two cores the
# suite is CPU-bound, and the CPU seconds say what a stage costs whatever ran beside it.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
logs=$(mktemp -d "${TMPDIR:-/tmp}/specweave-test.XXXXXX")
trap 'rm -rf "$logs"' EXIT
total_start=$(date +%s)

# run_stage NAME: `make NAME` with each output line prefixed; records "NAME seconds ok|FAILED" and
# the CPU seconds of the stage's processes (scripts/cpu-time.sh; podman's containers not counted)
run_stage() {
  local stage=$1 start result cpu
  start=$(date +%s)
  echo "==> make $stage"
  if bash "$repo/scripts/cpu-time.sh" make -C "$repo" --no-print-directory "$stage" 2>&1 \
      | sed -u "s/^/[$stage] /" | tee "$logs/$stage.log"; then
    result=ok
  else
    result=FAILED
  fi
  cpu=$(sed -n "s/^\[$stage\] cpu-time: .* s wall, \([0-9.]*\) s CPU.*/\1/p" "$logs/$stage.log" | tail -n 1)
  printf '%-24s %5d s  %-6s %s\n' "$stage" $(( $(date +%s) - start )) "$result" \
    "${cpu:+($cpu s CPU)}" >> "$logs/times"
  [ $result = ok ]
}

# run_lane STAGE ...: the stages in order; stops at its first failure or when another lane failed
run_lane() {
  local stage
  for stage in "$@"; do
    [ -e "$logs/failed" ] && return 1
    run_stage "$stage" || { touch "$logs/failed"; return 1; }
  done
}

status=0
if [ $# -gt 0 ]; then
  run_lane "$@" || status=1
else
  if run_stage setup && run_stage prefetch; then
    lanes=${SPECWEAVE_TEST_LANES:-3}
    if [ "$lanes" = 1 ]; then
      run_lane sanity lint units integration compat molecule build docs ee core-matrix || status=1
    else
      pids=()
      run_lane sanity lint units integration-core &
      pids+=($!)
      if [ "$lanes" = 2 ]; then
        run_lane molecule compat core-matrix build docs ee integration-platforms integration-services \
          integration-dev-cluster &
        pids+=($!)
      else
        run_lane molecule compat core-matrix build docs ee integration-platforms &
        pids+=($!)
        run_lane integration-services integration-dev-cluster &
        pids+=($!)
      fi
      for pid in "${pids[@]}"; do
        wait "$pid" || status=1
      done
    fi
  else
    status=1
  fi
fi
# The end of each failed stage's output again, so that a failure in one lane is not buried under the
# output of the lanes that went on after it (CI keeps only the tail of a run's output).
for log in "$logs"/*.log; do
  [ -e "$log" ] || continue
  stage=$(basename "$log" .log)
  if grep -q "^$stage .* FAILED " "$logs/times" 2>/dev/null; then
    echo "==> the last lines of $stage (FAILED)"
    tail -n 40 "$log"
  fi
done
echo "==> stage times"
sed 's/^/  /' "$logs/times"
printf '  %-24s %5d s  (wall clock)\n' total $(( $(date +%s) - total_start ))
if [ $status -eq 0 ]; then echo "make test: all stages passed"; else echo "make test: FAILED"; fi
exit $status
