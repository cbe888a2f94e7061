#!/usr/bin/env bash
# Builds (once, cached) the systemd container image the kafka_broker molecule scenarios run on.
#   1. podman + debootstrap from Debian, with the containers.conf this kernel needs
#   2. a minbase Debian rootfs of the host's suite with systemd and python3 (debootstrap from apt's own mirror),
#      imported with `podman import`
#   3. a second layer with the Java runtime Kafka needs (17, or 21 where the suite has no 17)
# Usage: scripts/podman-image.sh        prints the image name when it is ready
# Env:   SPECWEAVE_NODE_IMAGE (default localhost/specweave-kafka-node:<suite>), SPECWEAVE_CACHE,
#        SPECWEAVE_NODE_SUITE (default: the host's Debian suite from /etc/os-release, else bookworm)
# podman's settings for this kernel go into the cache's containers.conf, used through
# CONTAINERS_CONF by this script and scripts/molecule.sh; the machine-wide
# /etc/containers/containers.conf is left as it is.
set -euo pipefail
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
suite=${SPECWEAVE_NODE_SUITE:-$(. /etc/os-release 2>/dev/null; if [ "${ID:-}" = debian ]; then echo "${VERSION_CODENAME:-}"; fi)}
suite=${suite:-bookworm}
image=${SPECWEAVE_NODE_IMAGE:-localhost/specweave-kafka-node:$suite}
base=localhost/specweave-debian-base:$suite
log() { echo "podman-image: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v runc >/dev/null || missing+=(runc)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian"
  as_root apt-get update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    podman debootstrap runc uidmap slirp4netns fuse-overlayfs conmon catatonit >&2
fi

conf="$cache/containers.conf"
export CONTAINERS_CONF="$conf"
want='[containers]
netns="host"
default_ulimits=["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime="runc"
cgroup_manager="cgroupfs"
events_logger="file"'
if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
  mkdir -p "$cache"
  printf '%s\n' "$want" > "$conf"
fi

if podman image exists "$image"; then
  echo "$image"
  exit 0
fi

mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\/*\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1=="deb" && $3=="'$suite'" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}

if ! podman image exists "$base"; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/specweave-rootfs.XXXXXX")
  trap 'as_root rm -rf "$work"' EXIT
  log "debootstrap $suite from $mirror (minbase + systemd, python3)"
  as_root debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,python3,python3-apt,procps,iproute2,ca-certificates,tar,gzip,less \
    "$suite" "$work/rootfs" "$mirror" >&2
  as_root rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  # no getty on a console that is not there; no units that need real hardware
  as_root rm -f "$work/rootfs/etc/systemd/system/getty.target.wants/"* 2>/dev/null || true
  log "podman import -> $base"
  as_root tar -C "$work/rootfs" -c . | podman import \
    --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' - "$base" >&2
fi

ctx=$(mktemp -d "${TMPDIR:-/tmp}/specweave-image.XXXXXX")
cat > "$ctx/Containerfile" <<CONTAINERFILE
FROM $base
RUN printf 'deb $mirror $suite main\n' > /etc/apt/sources.list \\
 && apt-get update -q \\
 && (DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jre-headless \\
     || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-21-jre-headless) \\
 && apt-get clean && rm -rf /var/lib/apt/lists/*
STOPSIGNAL SIGRTMIN+3
CMD ["/sbin/init"]
CONTAINERFILE
log "building $image (Java layer)"
podman build --network host -t "$image" "$ctx" >&2
rm -rf "$ctx"
echo "$image"
