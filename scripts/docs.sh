#!/usr/bin/env bash
# Builds the collection's docs site with antsibull-docs (from .venv-tools), the way the Ansible
# docs site builds collections: plugin pages from the modules' and filters' documentation, role
# pages from the roles' argument specs, and the guides of docs/docsite/ (extra-docs.yml) as extra
# docs. Fails on:
#   - any finding of `antsibull-docs lint-collection-docs --plugin-docs` (documentation markup,
#     extra-docs.yml, links.yml, the guides' RST);
#   - any Sphinx warning, except references to labels of the Ansible documentation itself
#     (ansible-core's pages are not part of this site; intersphinx is off, so no traffic leaves
#     the machine);
#   - a guide listed in extra-docs.yml that is missing from the site, or a guide not listed.
# Usage: scripts/docs.sh [OUT]   (OUT: where to leave the HTML site; default: a temporary folder)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
collection="$repo/ansible_collections/specweave/kafka"
tools="$repo/.venv-tools/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${1:-$work/html}
# the collection and its dependencies (community.crypto comes with the test venv's ansible package)
site_packages=$("$repo/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
export ANSIBLE_COLLECTIONS_PATH="$repo:$site_packages"
export PATH="$tools:$PATH"

antsibull-docs lint-collection-docs --plugin-docs "$collection"

# every guide is listed, and everything listed exists
listed=$("$tools/python" -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print("\n".join(sorted(g for s in d["sections"] for g in s["toctree"])))' "$collection/docs/docsite/extra-docs.yml")
present=$(cd "$collection/docs/docsite/rst" && ls ./*.rst | sed 's|^\./||; s|\.rst$||' | sort)
if [ "$listed" != "$present" ]; then
  echo "docs: extra-docs.yml lists [$(echo $listed)] but docs/docsite/rst has [$(echo $present)]" >&2
  exit 1
fi

site="$work/site"
mkdir -p "$site"
antsibull-docs sphinx-init --use-current --lenient --dest-dir "$site" specweave.kafka >/dev/null
# offline: no intersphinx inventories (they would be fetched from docs.python.org and docs.ansible.com)
sed -i 's/^intersphinx_mapping = {$/intersphinx_mapping = {}\n_unused_intersphinx = {/' "$site/conf.py"
mkdir -p "$site/rst"
chmod og-w "$site/rst"
antsibull-docs --config-file "$site/antsibull-docs.cfg" collection --cleanup everything --use-current \
  --dest-dir "$site/rst" specweave.kafka >/dev/null
sphinx-build -q -b html -c "$site" -w "$work/warnings" "$site/rst" "$out" 2>"$work/sphinx.log" || { cat "$work/sphinx.log" >&2; exit 1; }
# labels of docs.ansible.com that antsibull-docs' generated pages refer to
findings=$(grep -vE "WARNING: undefined label: '(common_return_values|ansible_configuration_settings|module_defaults|playbooks_vault|collections_using_playbook|plugin_filtering_config)'" "$work/warnings" || true)
if [ -n "$findings" ]; then
  echo "$findings" >&2
  echo "docs: Sphinx warned $(wc -l <<< "$findings") time(s)" >&2
  exit 1
fi
for guide in $present; do
  [ -f "$out/collections/specweave/kafka/docsite/$guide.html" ] || { echo "docs: guide $guide is not in the site" >&2; exit 1; }
done
pages=$(find "$out/collections/specweave/kafka" -name '*.html' | wc -l)
echo "docs: site built in $out: $pages pages of specweave.kafka ($(echo "$present" | wc -l) guides), no warning"
