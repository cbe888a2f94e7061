"""Polling helper of the integration tests."""
import time


def wait_until(check, timeout=60, interval=0.5, what="condition"):
    """Call ``check`` until it returns something true (returned), or fail after ``timeout`` seconds
    with the last value it returned."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError("timed out after %ss waiting for %s (last: %r)" % (timeout, what, last))
