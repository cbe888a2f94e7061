#!/usr/bin/env bash
# Unit tests of the collection with ansible-test (pure logic, no servers), in the same dedicated
# virtualenv as the sanity tests (scripts/sanity.sh creates it), with the collection's own
# Python requirements added.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.venv-sanity"
[ -x "$venv/bin/ansible-test" ] || bash "$here/scripts/sanity.sh" --list-tests >/dev/null
reqs="$here/ansible_collections/specweave/kafka/requirements.txt"
stamp="$venv/.units-$(sha256sum "$reqs" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  "$venv/bin/pip" install -q -r "$reqs"
  touch "$stamp"
fi
# ansible-test runs on the virtualenv's Python, whatever python3 (3.11 or newer) made it
py=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
cd "$here/ansible_collections/specweave/kafka"
junit=tests/output/junit
rm -f "$junit"/*-units.xml
PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" units --python "$py" --local --requirements --color no "$@"
# A unit run that skipped anything or ran nothing fails (make test must not pass on tests it did
# not run): read ansible-test's JUnit reports.
"$venv/bin/python" - "$junit" <<'PY'
import glob, sys
import xml.etree.ElementTree as ET
ran = skipped = 0
for path in glob.glob(sys.argv[1] + "/*-units.xml"):
    for suite in ET.parse(path).getroot().iter("testsuite"):
        ran += int(suite.get("tests", 0))
        skipped += int(suite.get("skipped", 0))
if not ran or skipped:
    sys.exit("units: %d test(s) ran, %d skipped; every unit test must run" % (ran, skipped))
print("units: %d tests ran, none skipped" % ran)
PY
