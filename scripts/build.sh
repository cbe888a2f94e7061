#!/usr/bin/env bash
# Builds the collection artifact, checks that no development file slipped into it, and imports it
# with Galaxy's own importer (galaxy-importer, from .venv-tools) the way galaxy.ansible.com does:
# ansible-doc on every plugin, ansible-lint on the content, Galaxy's metadata rules (version 1.0 or
# later, one of Galaxy's required tags, a changelog). Any error or warning fails the stage.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
collection="$here/ansible_collections/specweave/kafka"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$here/.venv/bin/ansible-galaxy" collection build "$collection" --output-path "$out" --force >/dev/null
artifact=$(ls "$out"/specweave-kafka-*.tar.gz)
bad=$(tar -tzf "$artifact" | grep -E '(^|/)(\.venv|\.dev|tests/output|__pycache__|node_modules|\.pytest_cache)(/|$)|\.pyc$|^(benchmarks|scripts|testbed|\.ci|molecule)/' || true)
if [ -n "$bad" ]; then
  echo "build: development files in the artifact:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "build: $(basename "$artifact") ($(tar -tzf "$artifact" | wc -l) files) has no development files"

# changelog fragments and changelogs/changelog.yaml are valid, and the version being built is a
# release of the changelog (antsibull-changelog release cut it)
(cd "$collection" && "$here/.venv/bin/antsibull-changelog" lint)
version=$(sed -n 's/^version: *//p' "$collection/galaxy.yml")
if ! "$here/.venv/bin/python" -c 'import sys, yaml; sys.exit(sys.argv[2] not in (yaml.safe_load(open(sys.argv[1]))["releases"] or {}))' \
    "$collection/changelogs/changelog.yaml" "$version"; then
  echo "build: galaxy.yml's version $version is not a release of changelogs/changelog.yaml (cut it with antsibull-changelog release)" >&2
  exit 1
fi
[ -f "$collection/CHANGELOG.rst" ] || { echo "build: CHANGELOG.rst is missing (antsibull-changelog generate)" >&2; exit 1; }

# galaxy.yml's documentation link must name a folder of this repository (tree/main/<path>)
doc_url=$(sed -n 's/^documentation: *//p' "$collection/galaxy.yml")
doc_path=${doc_url#https://github.com/specweave/specweave.kafka/tree/main/}
if [ "$doc_path" = "$doc_url" ] || [ ! -d "$here/$doc_path" ]; then
  echo "build: galaxy.yml's documentation URL ($doc_url) does not name a folder of this repository" >&2
  exit 1
fi

# Galaxy's importer; its ansible-lint is the one of .venv-tools (galaxy-importer's own pin)
log="$out/import.log"
# (the importer writes importer_result.json into its working folder). Its HOME is an empty folder,
# as on galaxy.ansible.com: its ansible-lint resolves specweave.kafka in ~/.ansible/collections
# first, where the lint stage's ansible-lint leaves a copy of the checkout, which is not the artifact.
mkdir -p "$out/home"
if ! (cd "$out" && HOME="$out/home" PATH="$here/.venv-tools/bin:$PATH" \
    GALAXY_IMPORTER_RUN_ANSIBLE_LINT=true GALAXY_IMPORTER_OFFLINE_ANSIBLE_LINT=true \
    GALAXY_IMPORTER_REQUIRE_V1_OR_GREATER=true GALAXY_IMPORTER_CHECK_REQUIRED_TAGS=true \
    GALAXY_IMPORTER_CHECK_CHANGELOG=true GALAXY_IMPORTER_TMP_ROOT_DIR="$out" \
    "$here/.venv-tools/bin/python" -m galaxy_importer.main "$artifact") > "$log" 2>&1; then
  grep -v '^Loading ' "$log" >&2
  echo "build: galaxy-importer refused $(basename "$artifact")" >&2
  exit 1
fi
# the empty ignore files of tests/sanity are reported as a warning with 0 statements: not a finding
findings=$(grep -E '^(WARNING|ERROR)' "$log" | grep -vE '^WARNING: Ignore files skip ansible-test sanity tests, found ignore-[0-9.]+\.txt with 0 statement\(s\)$' || true)
if [ -n "$findings" ]; then
  echo "$findings" >&2
  echo "build: galaxy-importer reported $(wc -l <<< "$findings") finding(s) on $(basename "$artifact")" >&2
  exit 1
fi
for line in '^Linting collection via ansible-lint' '^Importer processing completed successfully'; do
  grep -q "$line" "$log" || { cat "$log" >&2; echo "build: galaxy-importer's log lacks '$line'" >&2; exit 1; }
done
echo "build: galaxy-importer $("$here/.venv-tools/bin/python" -c 'import importlib.metadata as m; print(m.version("galaxy-importer"))') imported $(basename "$artifact") with no finding ($(grep -c '^Loading ' "$log") plugins, roles and playbooks loaded; ansible-lint ran)"
