#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries from Debian are installed (for the n8n kafka-to-database
# end-to-end test, which runs a private cluster with initdb/pg_ctl on 127.0.0.1) and prints the
# folder that holds initdb, pg_ctl and psql. Idempotent: installs only when missing.
set -euo pipefail
find_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | while read -r dir; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ]; then echo "$dir"; fi
  done | tail -n 1
}
bindir=$(find_bindir)
if [ -z "$bindir" ]; then
  echo "n8n-postgres-install: installing postgresql from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql postgresql-client >&2
  bindir=$(find_bindir)
fi
[ -n "$bindir" ] || { echo "n8n-postgres-install: no PostgreSQL binaries found" >&2; exit 1; }
echo "$bindir"
