"""Runs the test bed's Schema Registry (Apicurio, in-memory storage, 127.0.0.1) until SIGTERM.

Usage: schema-registry-serve.py URL_FILE
Writes the Confluent-compatible URL to URL_FILE once the registry answers; on SIGTERM stops the
registry (its JVM, by PID) and exits. scripts/molecule.sh runs it beside the site scenario.
"""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from testbed.schema_registry import SchemaRegistry  # noqa: E402


def main():
    registry = SchemaRegistry(heap="256m")
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_args: stopping.append(True))
    registry.start()
    try:
        with open(sys.argv[1] + ".tmp", "w") as handle:
            handle.write(registry.url)
        os.rename(sys.argv[1] + ".tmp", sys.argv[1])
        while not stopping:
            time.sleep(0.5)
    finally:
        registry.stop()


if __name__ == "__main__":
    main()
