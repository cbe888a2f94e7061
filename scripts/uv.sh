#!/usr/bin/env bash
# Prints the path of uv (https://github.com/astral-sh/uv), the Python package installer the
# bootstrap uses for the virtualenvs of the developer commands: it installs what pip would (the same
# resolution of the same requirement files) in a fraction of pip's time, because it links files
# from its cache and does not byte-compile every module of every package up front (Python compiles
# what is imported, on first import). uv itself comes from PyPI, pinned, into a cached virtualenv.
# Usage: uv.sh     Cache: ${SPECWEAVE_CACHE:-~/.cache/specweave-kafka}/uv-<version>/bin/uv
set -euo pipefail
version=0.13.9
cache=${SPECWEAVE_CACHE:-$HOME/.cache/specweave-kafka}
dest="$cache/uv-$version"
if [ ! -x "$dest/bin/uv" ]; then
  mkdir -p "$cache"
  rm -rf "$dest.tmp"
  python3 -m venv "$dest.tmp" >&2
  "$dest.tmp/bin/pip" install -q "uv==$version" >&2
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
fi
echo "$dest/bin/uv"
