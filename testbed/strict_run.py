"""pytest plugin: with SPECWEAVE_STRICT_RUN=1 (set by `make`), a run that skipped, deselected or
xfailed anything, or ran no test at all, fails: a stage of `make test` must not pass on tests
it did not run. Loaded by tests/integration/conftest.py (scripts/units.sh checks the unit runs the same way).
"""
import os

NOT_RUN = ("skipped", "deselected", "xfailed", "xpassed")


def check_session(session):
    if os.environ.get("SPECWEAVE_STRICT_RUN") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    counts = dict((kind, len(reporter.stats.get(kind, []))) for kind in NOT_RUN)
    ran = len(reporter.stats.get("passed", [])) + len(reporter.stats.get("failed", []))
    problems = ["%d %s" % (count, kind) for kind, count in sorted(counts.items()) if count]
    if not ran:
        problems.append("no test ran")
    if problems and session.exitstatus == 0:
        reporter.write("\n")
        reporter.write_line("strict run: %s; every collected test must run (make test fails on "
                            "tests it did not run)" % ", ".join(problems), red=True)
        session.exitstatus = 1
