"""The published API documents the contract tests read (OpenAPI, Swagger, CRDs).

They are not copied into the repository. Where the project's shared folder sits beside the
checkout (``../shared/reference``, as on the project's own machines and CI), it is used as it
is. Elsewhere (a plain clone of the public repository) every file listed in
``scripts/reference.lock`` is downloaded once from its public source at the pinned commit, its
sha256 checked against the lock, into the cache (``~/.cache/specweave-kafka/reference``).

    reference_dir("confluent-cloud-openapi")  -> the folder holding those files
    python -m testbed.reference               -> fetch everything, print the folder

When the files can be neither found nor downloaded, ``ReferenceMissing`` says in one line how to
get them; tests fail with it at once.
"""
import hashlib
import os
import sys
import tempfile
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCK = os.path.join(REPO, "scripts", "reference.lock")
SHARED = os.path.join(os.path.dirname(REPO), "shared", "reference")
# {repo}, {commit} and {path} are filled in from the lock; tests point this at a local server.
URL_TEMPLATE = os.environ.get("SPECWEAVE_REFERENCE_URL",
                              "https://github.com/{repo}/raw/{commit}/{path}")


class ReferenceMissing(Exception):
    pass


def entries(lock=LOCK):
    """[(sha256, dest, repo, commit, path)] from the lock file."""
    rows = []
    with open(lock) as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("#"):
                rows.append(tuple(line.split()))
    return rows


def cache_root():
    cache = os.environ.get("SPECWEAVE_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "specweave-kafka")
    return os.path.join(cache, "reference")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _complete(root, rows):
    return all(os.path.isfile(os.path.join(root, row[1])) for row in rows)


def fetch(root=None, rows=None, url_template=None, timeout=60):
    """Download every missing or wrong file of the lock into ``root``; return ``root``."""
    root = root or cache_root()
    rows = rows if rows is not None else entries()
    url_template = url_template or URL_TEMPLATE
    for sha, dest, repo, commit, path in rows:
        target = os.path.join(root, dest)
        if os.path.isfile(target) and _sha256(target) == sha:
            continue
        url = url_template.format(repo=repo, commit=commit, path=path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    out.write(response.read())
            got = _sha256(partial)
            if got != sha:
                raise ReferenceMissing("%s from %s has sha256 %s, scripts/reference.lock expects "
                                       "%s" % (dest, url, got, sha))
            os.replace(partial, target)
        except (OSError, ValueError) as exc:
            raise ReferenceMissing("cannot download %s from %s (%s)" % (dest, url, exc))
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    return root


def reference_dir(name=""):
    """The folder of reference documents ``name`` (shared copy first, else the verified cache)."""
    rows = [row for row in entries() if row[1].startswith(name)]
    if _complete(SHARED, rows):
        return os.path.join(SHARED, name)
    try:
        return os.path.join(fetch(rows=rows), name)
    except ReferenceMissing as exc:
        raise ReferenceMissing(
            "reference documents missing: %s. Run `python -m testbed.reference` with access to "
            "github.com, or put the project's shared/reference folder beside the checkout "
            "(../shared/reference); scripts/reference.lock lists every file, its source and "
            "sha256." % exc)


if __name__ == "__main__":
    try:
        print(reference_dir())
    except ReferenceMissing as exc:
        sys.exit(str(exc))
