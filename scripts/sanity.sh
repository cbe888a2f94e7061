#!/usr/bin/env bash
# ansible-test sanity with empty ignore files. ansible-test pins its own tools (pylint, yamllint,
# ...): they are installed into a dedicated virtualenv, .venv-sanity, so they never clash with the
# development tools in .venv.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.venv-sanity"
core=$("$here/.venv/bin/python" -c 'import ansible; print(ansible.__version__)')
if [ ! -f "$venv/.ansible-core-$core" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$(bash "$here/scripts/uv.sh")" pip install -q --compile-bytecode --python "$venv/bin/python" "ansible-core==$core"
  touch "$venv/.ansible-core-$core"
fi

# Some sanity tests run in virtualenvs of their own, into which ansible-test bootstraps pip with a
# get-pip script downloaded from a host outside the package registries. Put an equivalent in its
# cache: the standard library's ensurepip, then pip from PyPI installing what ansible-test asks.
pip_version=$("$venv/bin/python" -c '
from ansible_test._internal.python_requirements import get_venv_packages
from ansible_test._internal.config import PythonConfig
import inspect, re, ansible_test._internal.python_requirements as m
src = inspect.getsource(m.get_venv_packages)
print(re.search(r"pip=.(\d+(?:\.\d+)+)", src).group(1))')
shim="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if ! grep -q "get-pip.s own options" "$shim" 2>/dev/null; then
  mkdir -p "$(dirname "$shim")"
  cat > "$shim" <<'PY'
"""Stand-in for get-pip.py: bootstrap pip with ensurepip, then pip install the given args."""
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"],
                      stdout=subprocess.DEVNULL)
# --no-setuptools / --no-wheel are get-pip's own options, not pip's.
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
PY
fi

# The MSK modules build on amazon.aws (its module base, retries, doc fragments): ansible-test finds
# other collections only next to this one, so link the copy of the ansible wheel there.
aws_src=$("$here/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections/amazon
if [ -d "$aws_src" ] && [ ! -e "$here/ansible_collections/amazon" ]; then
  ln -s "$aws_src" "$here/ansible_collections/amazon"
fi

# ansible-test runs on the virtualenv's Python, whatever python3 (3.11 or newer) made it
py=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
cd "$here/ansible_collections/specweave/kafka"
PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" sanity --python "$py" --local --requirements --color no "$@"
