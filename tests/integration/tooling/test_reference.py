"""testbed.reference: the contract documents come from ../shared/reference or, in a plain clone,
from their public sources at the pinned commits, checked against scripts/reference.lock.

The download path is exercised against a local mirror on 127.0.0.1 laid out like the public
source (``/<repo>/raw/<commit>/<path>``), serving the shared copies.
"""
import functools
import hashlib
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from testbed import reference


@pytest.fixture
def mirror(tmp_path):
    """A mirror of every locked file; yields (url template, mirror root)."""
    source = reference.reference_dir()
    root = tmp_path / "mirror"
    for _sha, dest, repo, commit, path in reference.entries():
        target = root / repo / "raw" / commit / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(os.path.join(source, dest), str(target))

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/{repo}/raw/{commit}/{path}" % server.server_address[1], root
    server.shutdown()
    server.server_close()


def test_lock_lists_every_shared_document_with_its_checksum():
    rows = reference.entries()
    source = reference.reference_dir()
    listed = set(row[1] for row in rows)
    present = set()
    for folder, _dirs, files in os.walk(source):
        for name in files:
            if name != "README.md":
                present.add(os.path.relpath(os.path.join(folder, name), source))
    assert listed == present
    for sha, dest, _repo, _commit, _path in rows:
        with open(os.path.join(source, dest), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == sha, dest


def test_fetch_downloads_and_verifies_every_file(mirror, tmp_path):
    template, _root = mirror
    cache = tmp_path / "cache"
    assert reference.fetch(str(cache), url_template=template) == str(cache)
    for sha, dest, _repo, _commit, _path in reference.entries():
        with open(str(cache / dest), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == sha
    # a second run finds everything in place and downloads nothing
    assert reference.fetch(str(cache), url_template="http://127.0.0.1:1/{path}") == str(cache)


def test_a_tampered_download_is_refused_and_not_kept(mirror, tmp_path):
    template, root = mirror
    sha, dest, repo, commit, path = reference.entries()[0]
    (root / repo / "raw" / commit / path).write_text("tampered\n")
    cache = tmp_path / "cache"
    with pytest.raises(reference.ReferenceMissing) as info:
        reference.fetch(str(cache), rows=[(sha, dest, repo, commit, path)], url_template=template)
    assert "expects %s" % sha in str(info.value)
    assert not (cache / dest).exists()
    assert os.listdir(str((cache / dest).parent)) == []


def test_missing_documents_fail_with_one_line_saying_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setattr(reference, "SHARED", str(tmp_path / "no-shared"))
    monkeypatch.setattr(reference, "URL_TEMPLATE", "http://127.0.0.1:1/{repo}/{commit}/{path}")
    monkeypatch.setenv("SPECWEAVE_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(reference.ReferenceMissing) as info:
        reference.reference_dir("olm-crds")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("reference documents missing: cannot download olm-crds/")
    assert "python -m testbed.reference" in message and "../shared/reference" in message
