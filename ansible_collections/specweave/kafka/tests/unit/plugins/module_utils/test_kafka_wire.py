# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_wire against fakes of the kafka-python surface each function uses: the fast path
(internals) and the fallback (public calls), and which of the two ``PATHS`` records."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils import kafka_wire
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_wire import (
    CREATE_TOPICS_MAX_VERSION,
    PATHS,
    WireUnavailable,
    alter_client_quotas,
    alter_topic_configs,
    broker_version,
    create_topics,
    describe_client_quotas,
    library_version_problem,
    read_topics,
    topic_config_resources,
)


@pytest.fixture(autouse=True)
def fresh_paths():
    PATHS.clear()
    yield
    PATHS.clear()


# --- the supported kafka-python range ---------------------------------------------------------

@pytest.mark.parametrize("version", ["3.0.12", "3.0.13", "3.0.99", "3.0.12.post1"])
def test_supported_versions(version):
    assert library_version_problem(version) is None


@pytest.mark.parametrize("version", ["3.1.0", "3.1", "4.0.0", "3.0.11", "3.0.0", "2.3.3",
                                     "3.1.0rc1"])
def test_unsupported_versions_named_with_the_fix(version):
    assert library_version_problem(version) == (
        "kafka-python %s is installed; this collection needs >=3.0.12,<3.1: pip install "
        "'kafka-python>=3.0.12,<3.1'" % version)


def test_installed_version_is_supported():
    assert kafka_wire.library_version() is not None
    assert library_version_problem() is None
    assert kafka_wire.REQUIREMENT == "kafka-python>=3.0.12,<3.1"


# --- broker version ---------------------------------------------------------------------------

class _VersionManager(object):
    broker_version = (4, 1)


class _VersionAdmin(object):
    _manager = _VersionManager()


def test_broker_version_fast_and_unknown():
    assert broker_version(_VersionAdmin()) == (4, 1)
    assert PATHS["broker_version"] == "fast"
    assert broker_version(object()) is None
    assert PATHS["broker_version"] == "fallback"


# --- CreateTopics at protocol version 4 -------------------------------------------------------

class _Result(object):
    def __init__(self, name, error_code, error_message=None):
        self.name, self.error_code, self.error_message = name, error_code, error_message


class _Answer(object):
    def __init__(self, topics):
        self.topics = topics


class _ControllerManager(object):
    broker_version = (4, 1)

    def __init__(self):
        self.requests = []

    def run(self, coroutine, request, errors, raise_errors):
        self.requests.append((coroutine, request, raise_errors))
        answer = _Answer([_Result(t.name, 37 if t.name == "bad" else 0,
                                  "rejected" if t.name == "bad" else None)
                          for t in request.topics])
        assert [e.__name__ for e in errors(answer)].count("NoError") == len(request.topics) - (
            1 if any(t.name == "bad" for t in request.topics) else 0)
        return answer


class LeanAdmin(object):
    def __init__(self):
        self._manager = _ControllerManager()

    def _send_request_to_controller(self, *args):  # the coroutine kafka-python's own call uses
        raise AssertionError("only passed to _manager.run")

    def create_topics(self, *args, **kwargs):
        raise AssertionError("the public call decodes every echoed config")


class PublicAdmin(object):
    """Only kafka-python's public admin calls."""

    def __init__(self, reject=()):
        self.reject = set(reject)
        self.calls = []

    def create_topics(self, topics, timeout_ms=None, validate_only=False, raise_errors=True):
        self.calls.append(("create_topics", sorted(topics), timeout_ms, validate_only,
                           raise_errors))
        return dict(topics=[dict(name=n, error_code=37 if n in self.reject else 0)
                            for n in sorted(topics)])

    def describe_topics(self, names):
        self.calls.append(("describe_topics", list(names)))
        return [dict(name=n, error_code=0, partitions=[]) for n in names]

    def describe_configs(self, resources, config_filter):
        self.calls.append(("describe_configs", [(r.name, r.configs) for r in resources],
                           config_filter))
        return dict(topic=dict((r.name, {}) for r in resources))

    def describe_cluster(self):
        self.calls.append(("describe_cluster",))
        return dict(brokers=[dict(broker_id=1)])

    def alter_configs(self, resources, validate_only=False, raise_on_unknown=True,
                      incremental=None):
        self.calls.append(("alter_configs", [(r.name, r.configs) for r in resources],
                           validate_only, raise_on_unknown, incremental))
        return dict(topic=dict((r.name, "InvalidConfigurationError: no" if r.name in self.reject
                                else "OK") for r in resources))


def test_create_topics_sent_at_version_4_without_raising():
    admin = LeanAdmin()
    answers = create_topics(admin, {
        "ok": dict(num_partitions=3, replication_factor=2, configs={"retention.ms": "5"},
                   assignments={0: [1, 2], 1: [2, 1]}),
        "bad": dict(num_partitions=-1, replication_factor=-1, configs={})},
        1500, validate_only=True)
    assert PATHS["create_topics"] == "fast"
    assert answers == [dict(name="ok", error_code=0, error_message=None),
                       dict(name="bad", error_code=37, error_message="rejected")]
    coroutine, request, raise_errors = admin._manager.requests[0]
    assert coroutine == admin._send_request_to_controller and raise_errors is False
    assert CREATE_TOPICS_MAX_VERSION == 4 and request._max_version == 4
    assert request.validate_only is True and request.timeout_ms == 1500
    ok = request.topics[0]
    assert (ok.name, ok.num_partitions, ok.replication_factor) == ("ok", 3, 2)
    assert [(c.name, c.value) for c in ok.configs] == [("retention.ms", "5")]
    assert [(a.partition_index, a.broker_ids) for a in ok.assignments] == [(0, [1, 2]),
                                                                           (1, [2, 1])]


def test_create_topics_falls_back_to_the_public_call():
    admin = PublicAdmin(reject={"bad"})
    answers = create_topics(admin, {"ok": {}, "bad": {}}, 1000, validate_only=True)
    assert PATHS["create_topics"] == "fallback"
    assert admin.calls == [("create_topics", ["bad", "ok"], 1000, True, False)]
    assert answers == [dict(name="bad", error_code=37, error_message=None),
                       dict(name="ok", error_code=0, error_message=None)]


def test_create_topics_falls_back_for_an_old_broker():
    admin = PublicAdmin()
    admin._manager = _ControllerManager()
    admin._manager.broker_version = (2, 3)
    admin._send_request_to_controller = None
    create_topics(admin, {"ok": {}}, 1000)
    assert PATHS["create_topics"] == "fallback" and admin._manager.requests == []


# --- the reads of a converge, sent at once ----------------------------------------------------

class _Loop(object):
    """The admin client's event loop: ``call_soon`` schedules, ``run`` drives a coroutine."""

    def __init__(self):
        self.scheduled, self.sent = [], []

    def call_soon(self, coroutine, *args):
        self.scheduled.append(coroutine.__name__)
        return coroutine(*args)

    async def send(self, request):
        self.sent.append(request)
        return _Answer([_Result(t.name, 0) for t in request.topics])

    def run(self, coroutine):
        try:
            coroutine().send(None)
        except StopIteration as done:
            return done.value
        raise AssertionError("the fake loop answers every request at once")


class ReadingAdmin(PublicAdmin):
    def __init__(self):
        super(ReadingAdmin, self).__init__()
        self._manager = _Loop()

    async def _async_describe_configs(self, resources, include_synonyms, config_filter):
        self.calls.append(("_async_describe_configs", [r.name for r in resources],
                           include_synonyms, config_filter))
        return dict(topic=dict((r.name, {"retention.ms": {"value": "5"}}) for r in resources))

    async def _describe_cluster(self):
        self.calls.append(("_describe_cluster",))
        return dict(brokers=[dict(broker_id=1, rack="a")])


def test_read_topics_fast_path_sends_the_three_requests_at_once():
    admin = ReadingAdmin()
    resources = topic_config_resources([("a", ["retention.ms"]), ("b", None)])
    topics, described, cluster = read_topics(admin, ["a", "b"], resources, True)
    assert PATHS["read_topics"] == "fast"
    assert admin._manager.scheduled == ["metadata", "_async_describe_configs",
                                        "_describe_cluster"]
    assert [t.name for t in topics] == ["a", "b"]
    assert admin.calls == [("_async_describe_configs", ["a", "b"], False, "all"),
                           ("_describe_cluster",)]
    assert described["topic"]["a"] == {"retention.ms": {"value": "5"}}
    assert cluster == dict(brokers=[dict(broker_id=1, rack="a")])
    request = admin._manager.sent[0]
    assert [t.name for t in request.topics] == ["a", "b"]
    assert request.include_topic_authorized_operations is False
    assert request.allow_auto_topic_creation is False


def test_read_topics_fast_path_sends_only_what_is_asked():
    admin = ReadingAdmin()
    assert read_topics(admin, ["a"], [], False)[1:] == ({}, None)
    assert admin._manager.scheduled == ["metadata"] and admin.calls == []


def test_read_topics_falls_back_to_the_public_calls():
    admin = PublicAdmin()
    resources = topic_config_resources([("a", ["retention.ms"])])
    topics, described, cluster = read_topics(admin, ["a"], resources, True)
    assert PATHS["read_topics"] == "fallback"
    assert admin.calls == [("describe_topics", ["a"]),
                           ("describe_configs", [("a", ["retention.ms"])], "all"),
                           ("describe_cluster",)]
    assert topics[0]["name"] == "a" and described == {"topic": {"a": {}}}
    assert cluster == dict(brokers=[dict(broker_id=1)])


# --- IncrementalAlterConfigs ------------------------------------------------------------------

def test_alter_topic_configs_sets_and_deletes_incrementally():
    from kafka.admin import AlterConfigOp
    admin = PublicAdmin(reject={"b"})
    answer = alter_topic_configs(admin, {"b": {"retention.ms": "5"},
                                         "a": {"retention.ms": None, "segment.ms": "7"}},
                                 validate_only=True)
    assert PATHS["alter_topic_configs"] == "fast"
    assert answer == {"a": "OK", "b": "InvalidConfigurationError: no"}
    assert admin.calls == [("alter_configs", [
        ("a", {"retention.ms": (AlterConfigOp.DELETE, None),
               "segment.ms": (AlterConfigOp.SET, "7")}),
        ("b", {"retention.ms": (AlterConfigOp.SET, "5")})], True, False, True)]


# --- client quotas ----------------------------------------------------------------------------

class _Component(object):
    def __init__(self, entity_type, entity_name):
        self.entity_type, self.entity_name = entity_type, entity_name


class _Value(object):
    def __init__(self, key, value):
        self.key, self.value = key, value


class _Entry(object):
    def __init__(self, entity, values=(), error_code=0, error_message=None):
        self.entity = [_Component(t, n) for t, n in entity]
        self.values = [_Value(k, v) for k, v in values]
        self.error_code, self.error_message = error_code, error_message


class _QuotaResponse(object):
    def __init__(self, entries, error_code=0, error_message=None):
        self.entries, self.error_code, self.error_message = entries, error_code, error_message


class _QuotaManager(object):
    """The connection manager: ``run(send, request)`` sends to any broker."""

    def __init__(self, response):
        self.response = response
        self.requests = []

    async def send(self, request):
        raise AssertionError("only passed to run")

    def run(self, send, request):
        assert send == self.send
        self.requests.append(request)
        return self.response


class _QuotaAdmin(object):
    def __init__(self, response):
        self._manager = _QuotaManager(response)


def test_describe_client_quotas_fast_path():
    admin = _QuotaAdmin(_QuotaResponse([
        _Entry([("user", "alice"), ("client-id", None)], [("producer_byte_rate", 1024)]),
        _Entry([("ip", "10.0.0.1")], [("connection_creation_rate", 5)])]))
    assert describe_client_quotas(admin) == {
        (("client-id", None), ("user", "alice")): {"producer_byte_rate": 1024.0},
        (("ip", "10.0.0.1"),): {"connection_creation_rate": 5.0}}
    assert PATHS["describe_client_quotas"] == "fast"
    request = admin._manager.requests[0]
    assert type(request).__name__ == "DescribeClientQuotasRequest"
    assert request.components == [] and request.strict is False


def test_describe_client_quotas_raises_the_broker_error():
    from kafka import errors as kafka_errors
    admin = _QuotaAdmin(_QuotaResponse([], error_code=31, error_message="denied"))
    with pytest.raises(kafka_errors.ClusterAuthorizationFailedError, match="denied"):
        describe_client_quotas(admin)


def test_alter_client_quotas_fast_path():
    refused = _Entry([("user", "bob")], error_code=42, error_message="bad quota")
    admin = _QuotaAdmin(_QuotaResponse([_Entry([("user", None)]), refused]))
    failures = alter_client_quotas(admin, {
        (("user", "bob"),): {"producer_byte_rate": 5, "consumer_byte_rate": None},
        (("user", None),): {"request_percentage": 50.5}}, validate_only=True)
    assert failures == {(("user", "bob"),): "bad quota"}
    assert PATHS["alter_client_quotas"] == "fast"
    request = admin._manager.requests[0]
    assert request.validate_only is True
    # entries in the order of their labels: user=<default> before user=bob
    assert [[(e.entity_type, e.entity_name) for e in entry.entity]
            for entry in request.entries] == [[("user", None)], [("user", "bob")]]
    assert [(o.key, o.value, o.remove) for o in request.entries[1].ops] == [
        ("consumer_byte_rate", 0.0, True), ("producer_byte_rate", 5.0, False)]


def test_client_quotas_without_the_connection_manager_say_what_to_install():
    for call in (describe_client_quotas,
                 lambda admin: alter_client_quotas(admin, {(("user", "a"),): {"x": 1}})):
        with pytest.raises(WireUnavailable, match=r"install kafka-python>=3\.0\.12,<3\.1"):
            call(object())
    assert PATHS["describe_client_quotas"] == "fallback"
    assert PATHS["alter_client_quotas"] == "fallback"
