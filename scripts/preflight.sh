#!/usr/bin/env bash
# Checks, before anything else runs, that the machine has what `make dev` / `make test` need, and
# installs from Debian's packages what can come from there (as root, with apt-get). Whatever is
# still missing stops the run at once with one line saying what to install.
# Usage: scripts/preflight.sh dev|test
#   dev:  Python 3.11+ with venv, Java 17+, Maven
#   test: the same, plus Node.js 20+ with npm (n8n), ss, pgrep and nsenter (molecule), Go 1.25+
#         (the monitoring area's consumer lag exporter is built from Go modules; about 1.7 GB of Go
#         module and build caches) and apt-get (Prometheus from Debian's packages)
set -euo pipefail
need=${1:-test}

# name of what is missing -> the Debian package that brings it ("" = not in Debian's archive here)
declare -A debian=(
  [python3-venv]=python3-venv
  [java]=openjdk-17-jdk-headless
  [mvn]=maven
  [ss]=iproute2
  [pgrep]=procps
  [nsenter]=util-linux
  [dpkg-deb]=dpkg
  [openssl]=openssl
  [node]=""
  [go]=""
  [apt-get]=""
)

version_at_least() {  # version_at_least 17.0.2 17 -> true
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

check() {
  missing=()
  if ! command -v python3 >/dev/null; then
    echo "preflight: python3 (3.11 or newer) is required: apt-get install python3 python3-venv" >&2
    exit 1
  fi
  local py
  py=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)
  if [ -z "$py" ] || ! version_at_least "$py" 3.11; then
    echo "preflight: Python 3.11 or newer is required, python3 is ${py:-not working}" >&2
    exit 1
  fi
  python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  local java
  java=$(java -version 2>&1 | sed -n 's/.*version "\([0-9][0-9.]*\).*/\1/p' | head -n1 || true)
  if [ -z "$java" ] || ! version_at_least "$java" 17; then missing+=(java); fi
  command -v mvn >/dev/null || missing+=(mvn)
  if [ "$need" = test ]; then
    command -v ss >/dev/null || missing+=(ss)
    command -v pgrep >/dev/null || missing+=(pgrep)
    command -v nsenter >/dev/null || missing+=(nsenter)
    local node
    node=$(node --version 2>/dev/null | sed 's/^v//' || true)
    if [ -z "$node" ] || ! version_at_least "$node" 20 || ! command -v npm >/dev/null; then
      missing+=(node)
    fi
    local go
    go=$(go version 2>/dev/null | sed -n 's/.* go\([0-9][0-9.]*\).*/\1/p' || true)
    if [ -z "$go" ] || ! version_at_least "$go" 1.25; then missing+=(go); fi
    command -v apt-get >/dev/null || missing+=(apt-get)
    # Debian packages unpacked without installing them (Prometheus, etcd); the test kube-apiserver's key
    command -v dpkg-deb >/dev/null || missing+=(dpkg-deb)
    command -v openssl >/dev/null || missing+=(openssl)
  fi
}

check
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  packages=()
  for item in "${missing[@]}"; do
    [ -n "${debian[$item]}" ] && packages+=("${debian[$item]}")
  done
  if [ ${#packages[@]} -gt 0 ]; then
    echo "preflight: installing ${packages[*]} from Debian" >&2
    apt-get update -q >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${packages[@]}" >&2 || true
    check
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  what=()
  for item in "${missing[@]}"; do
    case $item in
      python3-venv) what+=("python3-venv (apt-get install python3-venv)") ;;
      java) what+=("Java 17 or newer (apt-get install openjdk-17-jdk-headless)") ;;
      mvn) what+=("Maven (apt-get install maven)") ;;
      ss) what+=("ss (apt-get install iproute2)") ;;
      pgrep) what+=("pgrep (apt-get install procps)") ;;
      nsenter) what+=("nsenter (apt-get install util-linux)") ;;
      go) what+=("Go 1.25 or newer, for the monitoring tests' lag exporter (go.dev/dl; Debian 12's golang is too old)") ;;
      apt-get) what+=("apt-get, for the monitoring tests' Prometheus (Debian's packages)") ;;
      node) what+=("Node.js 20 or newer with npm, for n8n (Debian 12 ships Node 18: use Debian 13's nodejs or NodeSource's node_20.x)") ;;
    esac
  done
  (IFS=';'; echo "preflight: missing: ${what[*]}" | sed 's/;/; /g') >&2
  exit 1
fi
