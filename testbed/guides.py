"""The user guides' code blocks, for the tests that prove every example (issue 15).

The guides are the antsibull-docs extra docs in ``COLL/docs/docsite/rst/*.rst``. ``blocks()``
reads every ``.. code-block:: <language>`` directive with its indented body (a line-based reader:
the guides use no nested directives around code blocks, and a body ends at the first non-blank
line indented no deeper than the directive). Each block comes with the RST comment right before
it, if any (``.. excerpt: <path>`` marks a block that is an excerpt of a file the suite runs).

An example is proven in one of two ways (tests/integration/docs/test_guide_examples.py checks
that every ``yaml+jinja`` block is one of them):

* run: a test takes the block as written (``example(guide, index)``), replaces the guide's
  placeholders through its own table (``substitute``), makes a playbook of it (``playbook``) and
  runs it with real Ansible against the test servers;
* excerpt: ``find_excerpt`` checks that the block appears verbatim in the file it names.
"""
import collections
import os
import re
import textwrap

import yaml

from testbed.ansible import run_playbook
from testbed.kafka import REPO

COLLECTION = os.path.join(REPO, "ansible_collections", "specweave", "kafka")
GUIDES = os.path.join(COLLECTION, "docs", "docsite", "rst")
EXAMPLE_LANGUAGE = "yaml+jinja"

Block = collections.namedtuple("Block", "guide index language text comment line")

_DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\.\s+code-block::\s*(?P<language>\S+)\s*$")
_COMMENT = re.compile(r"^\s*\.\.\s+(?P<text>[^_\[|].*)$")
_EXCERPT = re.compile(r"^excerpt:\s*(?P<path>\S+)\s*$")


def guide_names():
    return sorted(name for name in os.listdir(GUIDES) if name.endswith(".rst"))


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def parse(guide, text):
    """Every code block of one guide's RST ``text``, in order (``index`` counts all blocks)."""
    lines = text.splitlines()
    found = []
    i = 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        if not match:
            i += 1
            continue
        start, indent = i, len(match.group("indent"))
        i += 1
        while i < len(lines) and lines[i].strip().startswith(":") and _indent(lines[i]) > indent:
            i += 1  # directive options (:caption:, :emphasize-lines:, ...)
        body = []
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
            body.append(lines[i])
            i += 1
        code = textwrap.dedent("\n".join(body)).strip("\n")
        found.append(Block(guide, len(found), match.group("language"), code + "\n",
                           _comment_before(lines, start), start + 1))
    return found


def _comment_before(lines, start):
    """The one-line RST comment (``.. text``) just before line ``start``, blank lines between."""
    j = start - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j < 0:
        return None
    match = _COMMENT.match(lines[j])
    if not match or _DIRECTIVE.match(lines[j]) or "::" in lines[j]:
        return None
    return match.group("text").strip()


def blocks(guide=None):
    """Every code block of one guide (``"connection.rst"``) or of every guide."""
    out = []
    for name in [guide] if guide else guide_names():
        with open(os.path.join(GUIDES, name), encoding="utf-8") as handle:
            out.extend(parse(name, handle.read()))
    return out


def examples(guide=None):
    """The usage examples: the ``yaml+jinja`` blocks (output samples are ``yaml``)."""
    return [b for b in blocks(guide) if b.language == EXAMPLE_LANGUAGE]


def example(guide, index):
    """Block ``index`` of ``guide``; fails when it is not a usage example any more."""
    for block in blocks(guide):
        if block.index == index:
            if block.language != EXAMPLE_LANGUAGE:
                raise AssertionError("%s block %d is %s, not a %s example"
                                     % (guide, index, block.language, EXAMPLE_LANGUAGE))
            if excerpt_path(block):
                raise AssertionError("%s block %d is an excerpt, not a run example" % (guide, index))
            return block
    raise AssertionError("%s has no block %d" % (guide, index))


def excerpt_path(block):
    """The path (relative to the collection root) of an ``.. excerpt: <path>`` block, or None."""
    match = _EXCERPT.match(block.comment or "")
    return match.group("path") if match else None


def describe(block):
    first = next((line for line in block.text.splitlines() if line.strip()), "")
    return "%s block %d (line %d, %s: %s)" % (
        block.guide, block.index, block.line, block.language, first.strip())


def _normalise(lines):
    lines = [line.rstrip() for line in lines]
    return textwrap.dedent("\n".join(lines)).split("\n")


def find_excerpt(block, text):
    """True when ``block`` appears in ``text`` as consecutive lines, up to a common indent and
    trailing whitespace."""
    wanted = _normalise(block.text.rstrip("\n").split("\n"))
    lines = text.split("\n")
    for start in range(len(lines) - len(wanted) + 1):
        if lines[start].strip() != wanted[0].strip():
            continue
        if _normalise(lines[start:start + len(wanted)]) == wanted:
            return True
    return False


def substitute(block, table):
    """``block.text`` with every key of ``table`` replaced by its value. A key the text does not
    contain fails: a table written for an older version of the example must not pass silently."""
    text = block.text
    missing = [key for key in table if key not in text]
    if missing:
        raise AssertionError("%s no longer contains %s: update the test's substitution table"
                             % (describe(block), ", ".join(repr(m) for m in missing)))
    for key, value in table.items():
        text = text.replace(key, value)
    return text


def plays(block, text, name):
    """The example as a list of plays, ``name`` naming the (first) play:

    * a play or a list of plays: as written;
    * a list of tasks: in one play on localhost;
    * a mapping with ``module_defaults`` (the settings of a play): in one play on localhost that
      runs ``specweave.kafka.kafka_info`` under those defaults, registered as ``example``.
    """
    data = yaml.safe_load(text)
    if isinstance(data, list) and data and all(isinstance(p, dict) and "hosts" in p for p in data):
        result = [dict(p) for p in data]
    elif isinstance(data, list):
        result = [{"hosts": "localhost", "gather_facts": False, "tasks": data}]
    elif isinstance(data, dict) and "module_defaults" in data:
        play = {"hosts": "localhost", "gather_facts": False}
        play.update(data)
        play["tasks"] = [{"name": "Ask the cluster under these settings",
                          "specweave.kafka.kafka_info": {"gather": ["brokers"]},
                          "register": "example"}]
        result = [play]
    else:
        raise AssertionError("%s is neither a play, a task list nor module_defaults settings"
                             % describe(block))
    result[0].setdefault("name", name)
    result[0]["name"] = name
    return result


def write_playbook(path, all_plays):
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(all_plays, handle, sort_keys=False, default_flow_style=False)
    return path


def run(path, extra_vars=None, env=None, host="localhost", **kwargs):
    """ansible-playbook ``path`` (testbed.ansible.run_playbook); fails unless it succeeded on
    ``host``. Facts are gathered only where a play asks for them explicitly: no example uses
    them, and a play's implicit gathering costs seconds."""
    merged = {"ANSIBLE_GATHERING": "explicit"}
    merged.update(env or {})
    result = run_playbook(path, extra_vars, env=merged, **kwargs)
    assert_ok(result, host=host)
    return result


def play_results(run, name, host="localhost"):
    """Task results (in order) of the play named ``name`` of an ``AnsibleRun``."""
    return run.task_results(host, play=name)


def assert_ok(run, host="localhost"):
    """The playbook run succeeded: rc 0, nothing failed or unreachable on ``host``."""
    stats = run.stats(host)
    failed = [r for r in run.task_results(host) if r.get("failed")]
    assert run.returncode == 0 and stats.get("failures", 0) == 0 \
        and stats.get("unreachable", 0) == 0, \
        "the example run failed (rc %s): %s\n%s" % (
            run.returncode, [(r["_task"], r.get("msg")) for r in failed], run.stderr[-3000:])
