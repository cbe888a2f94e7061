"""Class data sharing (AppCDS) archives for the test bed's JVMs.

A Kafka broker or CLI tool spends most of its start-up loading and verifying the same few
thousand classes. The first JVM of each kind (the broker, or one tool class) on a libs/ folder
writes a dynamic CDS archive of the classes it loaded when it exits (``-XX:ArchiveClassesAtExit``);
every later one maps that archive (``-XX:SharedArchiveFile``). Measured on the 2-core machine: a
broker's start-up CPU 5.1-6.4 s -> 2.9-3.2 s, ``StorageTool`` 0.8-1.0 s -> 0.4 s of CPU.

Archives are cached beside the libs/ folder (``<libs>/../cds/``), one per kind and Java runtime.
A JVM that cannot use its archive (other jars, another Java) runs without it, silently
(``-Xlog:cds*=off``): an archive only ever saves time, never changes what a JVM does.
``SPECWEAVE_CDS=0`` turns it off.
"""
import hashlib
import os
import uuid

QUIET = "-Xlog:cds*=off"


def _runtime_key(java_bin):
    real = os.path.realpath(java_bin)
    try:
        stamp = "%s:%d" % (real, os.stat(real).st_mtime)
    except OSError:
        stamp = real
    return hashlib.sha256(stamp.encode()).hexdigest()[:12]


class Archive(object):
    """The CDS archive of one kind of JVM (``broker``, a tool's class name) on ``libs``; with
    ``dump`` false, a JVM maps the archive when there is one but never writes it."""

    def __init__(self, libs, kind, java_bin, dump=True):
        folder = os.path.join(os.path.dirname(os.path.abspath(libs)), "cds")
        self.path = os.path.join(folder, "%s-%s.jsa" % (kind, _runtime_key(java_bin)))
        self.dump = dump
        self.pending = None

    @staticmethod
    def enabled():
        return os.environ.get("SPECWEAVE_CDS", "1") != "0"

    def jvm_args(self):
        """Arguments for one JVM: map the archive, or (``dump``) write it when this JVM exits."""
        if not self.enabled():
            return []
        if os.path.isfile(self.path):
            return ["-XX:SharedArchiveFile=" + self.path, QUIET]
        if not self.dump:
            return []
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.pending = "%s.%s.tmp" % (self.path, uuid.uuid4().hex[:8])
        return ["-XX:ArchiveClassesAtExit=" + self.pending, QUIET]

    def adopt(self, returncode):
        """After the JVM exited on its own (``returncode`` >= 0), keep the archive it wrote."""
        pending, self.pending = self.pending, None
        if not pending or not os.path.exists(pending):
            return
        if returncode is not None and returncode >= 0 and not os.path.isfile(self.path):
            os.replace(pending, self.path)
        else:
            os.unlink(pending)
