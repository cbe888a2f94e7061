"""The project's cached downloads and builds (scripts/*.sh) as the tests use them."""
import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cached(script, *args):
    """Run ``scripts/<script>`` (it fetches or builds once, then only reads its cache) and return
    the path it prints on its last line."""
    out = subprocess.run(["bash", os.path.join(REPO, "scripts", script)] + list(args), check=True,
                         stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]
