"""Fixtures of the Kafka Connect tests: ONE real Connect worker (testbed.connect) for the session,
on the session's ``kafka`` broker, with Debezium's PostgreSQL connector in its plugin.path.

SPECWEAVE_CONNECT_ATTACH=<json file with url and bootstrap> uses a running worker and broker
instead (quick local iterations); the tests then leave them running.
"""
import json
import os

import pytest

from testbed.connect import ConnectWorker, debezium_plugins


class Attached(object):
    """A running worker, as ``ConnectWorker``'s REST helpers see it."""

    def __init__(self, url, bootstrap):
        self.url = url
        self.bootstrap = bootstrap

    request = ConnectWorker.request
    get = ConnectWorker.get
    status = ConnectWorker.status
    config = ConnectWorker.config
    connectors = ConnectWorker.connectors
    delete = ConnectWorker.delete


@pytest.fixture(scope="session")
def connect(request):
    attach = os.environ.get("SPECWEAVE_CONNECT_ATTACH")
    if attach:
        with open(attach) as handle:
            state = json.load(handle)
        yield Attached(state["url"], state["bootstrap"])
        return
    kafka = request.getfixturevalue("kafka")
    worker = ConnectWorker(kafka.bootstrap_servers, plugin_dirs=[debezium_plugins()])
    worker.start()
    yield worker
    worker.close()
