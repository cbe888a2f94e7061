#!/usr/bin/env bash
# cpu-time.sh COMMAND...: runs COMMAND and prints, on stderr, the wall time and the CPU seconds its
# whole process tree used (daemons it started included), so that what a stage or a test area costs
# can be measured while other work shares the machine: wall time on a busy 2-core machine says
# little, CPU seconds barely move with the load. The suite is CPU-bound on two cores (busy ~90% of
# a `make test`), so CPU seconds are what the suite-time budget is spent in.
#
# Counts in a cgroup of its own (cgroup v1 cpuacct, or v2 cpu.stat) when it can make one; else
# falls back to the CPU of the children waited for (getrusage), which misses daemons that outlive
# their parent. Podman containers run in cgroups of their own and are never counted.
# Exits with COMMAND's status. Dev tooling: not part of the test command.
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND..." >&2; exit 2; }
name="specweave-cpu-$$"
group=
usage_file=
for root in /sys/fs/cgroup/cpuacct /sys/fs/cgroup/cpu,cpuacct; do
  if [ -f "$root/cpuacct.usage" ] && mkdir "$root/$name" 2>/dev/null; then
    group="$root/$name"
    usage_file="$group/cpuacct.usage"
    break
  fi
done
if [ -z "$group" ] && [ -f /sys/fs/cgroup/cgroup.controllers ] && mkdir "/sys/fs/cgroup/$name" 2>/dev/null; then
  group="/sys/fs/cgroup/$name"
  usage_file="$group/cpu.stat"
fi
read_usage() {  # CPU nanoseconds used in the group so far
  if [ "${usage_file##*/}" = cpu.stat ]; then
    awk '$1 == "usage_usec" {print $2 * 1000}' "$usage_file"
  else
    cat "$usage_file"
  fi
}
start=$(date +%s.%N)
if [ -n "$group" ]; then
  (echo "$BASHPID" > "$group/cgroup.procs" && exec "$@")
  status=$?
  used=$(read_usage)
  # processes still in the group (a daemon left behind) keep it; it is then left for the kernel
  rmdir "$group" 2>/dev/null || echo "cpu-time: $group still holds processes; left in place" >&2
  how="cgroup"
else
  out=$(mktemp)
  python3 - "$out" "$@" <<'PY'
import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%d" % ((u.ru_utime + u.ru_stime) * 1e9))
sys.exit(status)
PY
  status=$?
  used=$(cat "$out")
  rm -f "$out"
  how="children waited for; daemons not counted"
fi
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v u="$used" -v h="$how" -v c="$*" \
  'BEGIN {printf "cpu-time: %.1f s wall, %.1f s CPU (%s): %s\n", e - s, u / 1e9, h, c}' >&2
exit $status
