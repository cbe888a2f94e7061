#!/usr/bin/env bash
# `make test`: every stage in order, stopping at the first failure, with the time each took
# printed at the end (also when a stage failed). A stage that runs nothing fails (see each
# stage's script: no molecule scenario, a pytest run that skips or deselects anything).
# Usage: scripts/test.sh [stage ...]   (default: sanity lint units integration compat molecule build)
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(sanity lint units integration compat molecule build)
times=()
status=0
total_start=$(date +%s)
for stage in "${stages[@]}"; do
  start=$(date +%s)
  echo "==> make $stage"
  if make -C "$repo" --no-print-directory "$stage"; then result=ok; else result=FAILED; status=1; fi
  times+=("$(printf '%-12s %5d s  %s' "$stage" $(( $(date +%s) - start )) "$result")")
  [ $status -eq 0 ] || break
done
echo "==> stage times"
printf '  %s\n' "${times[@]}"
printf '  %-12s %5d s\n' total $(( $(date +%s) - total_start ))
if [ $status -eq 0 ]; then echo "make test: all stages passed"; else echo "make test: FAILED"; fi
exit $status
