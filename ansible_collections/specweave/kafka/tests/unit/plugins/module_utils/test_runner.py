# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils import runner
from ansible_collections.specweave.kafka.plugins.module_utils.runner import (
    Connection,
    Failures,
    InvalidInput,
    ModuleFailure,
    Plan,
    Resource,
    execute,
    run_module,
)


class FakeModule(object):
    """The parts of AnsibleModule the runner uses."""

    def __init__(self, argument_spec=None, check_mode=False, diff=False, **kwargs):
        self.argument_spec = argument_spec
        self.kwargs = kwargs
        self.params = dict((k, v.get("default")) for k, v in (argument_spec or {}).items())
        self.check_mode = check_mode
        self._diff = diff
        self.exited = None
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def exit_json(self, **result):
        self.exited = ("exit", result)
        raise SystemExit(0)

    def fail_json(self, msg, **result):
        result["msg"] = msg
        self.exited = ("fail", result)
        raise SystemExit(1)


class Boom(Exception):
    pass


class Store(object):
    """A fake server: a dict of names to values that can refuse some names."""

    def __init__(self, items=None, refuse=(), broken=False):
        self.items = dict(items or {})
        self.refuse = set(refuse)
        self.broken = broken
        self.calls = []
        self.closed = False

    def read(self):
        self.calls.append("read")
        if self.broken:
            raise Boom("connection reset")
        return dict(self.items)

    def put(self, name, value, validate_only=False):
        self.calls.append(("validate" if validate_only else "put", name))
        if name in self.refuse:
            return "PolicyViolation"
        if not validate_only:
            self.items[name] = value
        return None


class StoreConnection(Connection):
    module_kwargs = dict(mutually_exclusive=[("a", "b")])

    def __init__(self, store):
        self.store = store
        self.opened = 0

    def argument_spec(self):
        return dict(server=dict(type="str", default="local"))

    def open(self, ctx):
        self.opened += 1
        return self.store

    def close(self, client):
        client.closed = True

    def describe(self, exc, step):
        if isinstance(exc, Boom):
            return "%s failed against the store: %s" % (step or "talking", exc)
        return None

    def result_extras(self, client):
        return dict(requests=len(client.calls))


class ItemsResource(Resource):
    service = "The store"
    noun = "item change"

    def __init__(self, wanted, validate=False):
        self.wanted = wanted
        self.validate = validate

    def desired(self, ctx):
        bad = [name for name in self.wanted if not name]
        if bad:
            raise InvalidInput("an item needs a name")
        return self.wanted

    def read(self, ctx, desired):
        with ctx.step("Read"):
            return ctx.client.read()

    def plan(self, ctx, desired, current):
        changes = dict((k, v) for k, v in desired.items() if current.get(k) != v)
        after = dict(current)
        after.update(changes)
        return Plan(changes, result=dict(changed_items=sorted(changes)),
                    diff=dict(before=current, after=after), data=changes)

    def verify(self, ctx, plan, failures):
        if not self.validate:
            return
        for name, value in sorted(plan.data.items()):
            error = ctx.client.put(name, value, validate_only=True)
            if error:
                failures.add("put " + name, error)

    def apply(self, ctx, plan, failures):
        for name, value in sorted(plan.data.items()):
            with ctx.step("Put"):
                error = ctx.client.put(name, value)
            if error:
                failures.add("put " + name, error)
        plan.result["applied"] = True


def run(resource, store, check_mode=False, diff=False):
    modules = []

    def module_class(**kwargs):
        module = FakeModule(check_mode=check_mode, diff=diff, **kwargs)
        modules.append(module)
        return module

    connection = StoreConnection(store)
    with pytest.raises(SystemExit):
        run_module(resource, dict(x=dict(type="str")), connection, module_class=module_class,
                   supports_check_mode=True, mutually_exclusive=[("c", "d")])
    return modules[0], connection


def test_no_change_reports_unchanged_and_closes_the_client():
    store = Store(dict(a=1))
    module, connection = run(ItemsResource(dict(a=1)), store)
    kind, result = module.exited
    assert kind == "exit"
    assert result == dict(changed=False, changed_items=[], requests=1)
    assert store.calls == ["read"] and store.closed and connection.opened == 1


def test_family_options_and_kwargs_are_merged_into_the_module():
    module, _connection = run(ItemsResource(dict(a=1)), Store(dict(a=1)))
    assert set(module.argument_spec) == {"server", "x"}
    assert module.kwargs["mutually_exclusive"] == [("a", "b"), ("c", "d")]
    assert module.kwargs["supports_check_mode"] is True


def test_apply_changes_and_returns_the_plan_result_with_diff():
    store = Store(dict(a=1))
    module, _connection = run(ItemsResource(dict(a=2, b=3)), store, diff=True)
    kind, result = module.exited
    assert kind == "exit"
    assert result["changed"] is True and result["applied"] is True
    assert result["changed_items"] == ["a", "b"]
    assert result["diff"] == dict(before=dict(a=1), after=dict(a=2, b=3))
    assert store.items == dict(a=2, b=3)


def test_no_diff_key_without_diff_mode():
    module, _connection = run(ItemsResource(dict(a=2)), Store(dict(a=1)))
    assert "diff" not in module.exited[1]


def test_check_mode_predicts_and_changes_nothing():
    store = Store(dict(a=1))
    module, _connection = run(ItemsResource(dict(a=2)), store, check_mode=True, diff=True)
    kind, result = module.exited
    assert kind == "exit" and result["changed"] is True and "applied" not in result
    assert result["diff"]["after"] == dict(a=2)
    assert store.items == dict(a=1) and store.calls == ["read"]


def test_verify_runs_in_check_mode_and_a_refusal_changes_nothing():
    store = Store(dict(a=1), refuse={"b"})
    module, _connection = run(ItemsResource(dict(a=2, b=3), validate=True), store,
                              check_mode=True)
    kind, result = module.exited
    assert kind == "fail"
    assert result["msg"] == ("The store refused 1 item change(s): put b: PolicyViolation; "
                             "nothing was changed")
    assert result["failures"] == ["put b: PolicyViolation"]
    assert store.items == dict(a=1)
    # verify refusals also stop a real run before anything is applied
    module, _connection = run(ItemsResource(dict(a=2, b=3), validate=True), store)
    assert module.exited[0] == "fail" and store.items == dict(a=1)
    assert ("put", "a") not in store.calls


def test_partial_failure_reports_what_was_applied_in_one_message():
    store = Store(dict(), refuse={"b"})
    module, _connection = run(ItemsResource(dict(a=1, b=2, c=3)), store)
    kind, result = module.exited
    assert kind == "fail"
    assert result["msg"] == ("The store refused 1 item change(s): put b: PolicyViolation; "
                             "the other changes were applied")
    assert result["changed"] is True and result["applied"] is True
    assert result["changed_items"] == ["a", "b", "c"]
    assert store.items == dict(a=1, c=3)


def test_invalid_input_fails_before_the_client_is_opened():
    store = Store()
    module, connection = run(ItemsResource({"": 1}), store)
    assert module.exited == ("fail", dict(msg="an item needs a name"))
    assert connection.opened == 0 and store.calls == []


def test_error_in_a_step_is_described_by_the_family_and_the_client_closed():
    store = Store(broken=True)
    module, _connection = run(ItemsResource(dict(a=1)), store)
    kind, result = module.exited
    assert kind == "fail"
    assert result["msg"] == "Read failed against the store: connection reset"
    assert "Boom: connection reset" in result["exception"]
    assert store.closed and result["requests"] == 1


def test_unknown_error_in_a_step_names_the_step():
    class Odd(Resource):
        def read(self, ctx, desired):
            with ctx.step("DescribeThings"):
                raise ValueError("bad value")

    module, _connection = run(Odd(), Store())
    assert module.exited[1]["msg"] == "DescribeThings failed: ValueError: bad value"


def test_family_error_outside_a_step_is_described_and_others_propagate():
    class Raises(Resource):
        def __init__(self, exc):
            self.exc = exc

        def read(self, ctx, desired):
            raise self.exc

    module, _connection = run(Raises(Boom("quota exceeded")), Store())
    assert module.exited[1]["msg"] == "talking failed against the store: quota exceeded"
    with pytest.raises(KeyError):
        run(Raises(KeyError("bug")), Store())


def test_module_failure_in_apply_keeps_the_result_learnt_so_far():
    class Half(ItemsResource):
        def apply(self, ctx, plan, failures):
            plan.result["created_id"] = "e-1"
            raise ModuleFailure("second call failed", status=500)

    module, _connection = run(Half(dict(a=2)), Store(dict(a=1)))
    kind, result = module.exited
    assert kind == "fail"
    assert result == dict(msg="second call failed", status=500, created_id="e-1", changed=True,
                          changed_items=["a"], requests=1)


def test_execute_returns_the_result_for_callers_that_exit_themselves():
    ctx = runner.Context(FakeModule(), StoreConnection(Store(dict(a=1))))
    assert execute(ItemsResource(dict(a=1)), ctx) == dict(changed=False, changed_items=[])


def test_failures_summary_lists_at_most_twenty():
    failures = Failures()
    for index in range(23):
        failures.add("create t%d" % index, "Denied")
    assert len(failures) == 23 and failures
    assert failures.summary().endswith("create t19: Denied; and 3 more")
    assert not Failures()
