#!/usr/bin/env bash
# The execution environment of `make test`: the collection's EE metadata and the example EE
# definition (examples/execution-environment/) turned into a build context by ansible-builder,
# without building an image (no registry is reachable here: `create` pulls nothing).
#   1. meta/execution-environment.yml is in the format ansible-builder reads from installed
#      collections (version 1; dependencies python and system only, files that exist).
#   2. The artifact (ansible-galaxy collection build) and the example definition: `ansible-builder
#      create` accepts the definition (its schema check) and writes a context whose Containerfile
#      installs the artifact through the galaxy requirements and the extras through pip.
#   3. What the image build would do with the installed collection, here: the artifact installed
#      into a temporary collections folder (with community.crypto, its dependency, copied from the
#      ansible package of .venv), then `ansible-builder introspect` on that folder, the command the
#      build runs inside the container: the collection's requirements.txt and bindep.txt lines come
#      out attributed to specweave.kafka, the extras to the user.
# Needs .venv-tools (ansible-builder; scripts/bootstrap.sh) and .venv (ansible-galaxy, ansible.posix
# and community.crypto from the ansible package).
# Usage: scripts/ee.sh              the checks above
#        scripts/ee.sh --prefetch   nothing to download (bootstrap.sh made .venv-tools); checks it
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
coll="$repo/ansible_collections/specweave/kafka"
example="$coll/examples/execution-environment"
tools="$repo/.venv-tools/bin"
[ -x "$tools/ansible-builder" ] || { echo "ee: no $tools/ansible-builder (make setup)" >&2; exit 1; }
[ "${1:-}" = --prefetch ] && exit 0
start=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/specweave-ee.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "ee: $*" >&2; exit 1; }

# 1. the collection's metadata, as ansible-builder's introspection reads it
"$tools/python" - "$coll" <<'PY' || exit 1
import os, sys, yaml
coll = sys.argv[1]
path = os.path.join(coll, "meta", "execution-environment.yml")
meta = yaml.safe_load(open(path))
problems = []
if not isinstance(meta, dict):
    sys.exit("ee: %s is not a mapping" % path)
if meta.get("version") != 1:
    problems.append("version must be 1 (the collection metadata format; 3 is the EE definition's)")
deps = meta.get("dependencies") or {}
if sorted(deps) != ["python", "system"]:
    problems.append("dependencies must name exactly python and system (ansible-builder reads only "
                    "those from a collection), not %s" % sorted(deps))
for key in ("python", "system"):
    name = deps.get(key)
    if name and (os.path.isabs(name) or not os.path.isfile(os.path.join(coll, name))):
        problems.append("dependencies.%s: %s is not a file of the collection" % (key, name))
extra = sorted(set(meta) - {"version", "dependencies"})
if extra:
    problems.append("unknown keys %s" % extra)
if problems:
    sys.exit("ee: meta/execution-environment.yml: " + "; ".join(problems))
PY

# 2. artifact, definition, build context
"$repo/.venv/bin/ansible-galaxy" collection build "$coll" --output-path "$work/dist" >/dev/null
artifact=$(ls "$work"/dist/specweave-kafka-*.tar.gz)
cp -r "$example" "$work/ee"
cp "$artifact" "$work/ee/specweave-kafka.tar.gz"
"$tools/ansible-builder" create -f "$work/ee/execution-environment.yml" -c "$work/context" \
  --output-filename Containerfile > "$work/create.log" 2>&1 || { cat "$work/create.log"; fail "ansible-builder create failed"; }
ctx="$work/context"
containerfile="$ctx/Containerfile"
cmp -s "$artifact" "$ctx/_build/collections/specweave-kafka.tar.gz" ||
  fail "the artifact is not in the context as _build/collections/specweave-kafka.tar.gz"
cmp -s "$example/requirements.yml" "$ctx/_build/requirements.yml" || fail "the galaxy requirements are not in the context"
cmp -s "$example/requirements.txt" "$ctx/_build/requirements.txt" || fail "the extras (requirements.txt) are not in the context"
for step in 'COPY _build /build' \
    'ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml' \
    'introspect.py introspect --user-pip=requirements.txt' \
    'RUN /output/scripts/assemble' \
    'RUN /output/scripts/install-from-bindep'; do
  grep -qF -- "$step" "$containerfile" || fail "the Containerfile has no step '$step'"
done
# the galaxy requirements name the artifact where the Containerfile puts it (WORKDIR /build)
"$tools/python" - "$ctx/_build/requirements.yml" "$ctx/_build" <<'PY' || exit 1
import os, sys, yaml
entries = yaml.safe_load(open(sys.argv[1]))["collections"]
files = [e["name"] for e in entries if isinstance(e, dict) and e.get("type") == "file"]
if not files or not all(os.path.isfile(os.path.join(sys.argv[2], f)) for f in files):
    sys.exit("ee: requirements.yml names %s; the context's _build holds no such file" % files)
PY

# 3. introspection of the installed artifact (and of community.crypto, installed with it)
"$repo/.venv/bin/ansible-galaxy" collection install --no-deps --force -p "$work/collections" \
  "$artifact" > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "the artifact does not install"; }
crypto=$("$repo/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections/community/crypto
mkdir -p "$work/collections/ansible_collections/community"
cp -r "$crypto" "$work/collections/ansible_collections/community/crypto"
"$tools/ansible-builder" introspect "$work/collections" --user-pip "$ctx/_build/requirements.txt" \
  --write-pip "$work/pip.txt" --write-bindep "$work/bindep.txt" > "$work/introspect.log" 2>&1 ||
  { cat "$work/introspect.log"; fail "ansible-builder introspect failed on the installed collection"; }
# expected: every requirement line of a file, as introspection annotates it
lines() { sed -e 's/\s#.*$//' -e '/^\s*#/d' -e '/^\s*$/d' -e 's/\s*$//' "$1" | sed "s/\$/  # from collection $2/"; }
{ lines "$coll/requirements.txt" specweave.kafka; lines "$example/requirements.txt" user; } > "$work/want-pip.txt"
lines "$coll/bindep.txt" specweave.kafka > "$work/want-bindep.txt"
for kind in pip bindep; do
  missing=$(grep -vxF -f "$work/$kind.txt" "$work/want-$kind.txt" || true)
  [ -z "$missing" ] || { cat "$work/$kind.txt" >&2; fail "introspection's $kind requirements lack: $missing"; }
done
grep -q 'from collection community.crypto' "$work/bindep.txt" ||
  fail "community.crypto's system requirements are not in the introspection"
grep -qF 'from collection specweave.kafka' "$work/pip.txt" || fail "no Python requirement of specweave.kafka"
echo "ee: $(basename "$artifact") in a build context of $(basename "$example")/execution-environment.yml" \
  "($(grep -c '^FROM' "$containerfile") stages); introspection: $(grep -c 'specweave.kafka' "$work/pip.txt") Python and" \
  "$(grep -c 'specweave.kafka' "$work/bindep.txt") system requirements of specweave.kafka," \
  "$(grep -c '# from collection user' "$work/pip.txt") extras ($(( $(date +%s) - start )) s)"
