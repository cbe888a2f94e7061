# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource runner: the one way every module of the collection runs.

    read current state -> plan (plain data) -> diff -> exit in check mode -> apply -> result

A module is its documentation, its argument spec and a call::

    def main():
        run_module(TopicResource(), ARGUMENT_SPEC, KafkaConnection(), supports_check_mode=True)

Two declarations do the rest:

``Connection`` (one per client family, next to the client): its shared argument spec, the checks
of its connection options, how the client is opened and closed, how a library error becomes one
clear sentence. Unit tests replace ``Connection.open`` to put a fake client at this seam.

``Resource`` (one per module, next to the planners): ``desired`` validates the input (raise
``InvalidInput``: nothing was touched), ``read`` fetches the current state, ``plan`` is pure and
returns a ``Plan``; ``verify`` (optional) lets the server validate the plan without applying it,
in check mode too; ``apply`` performs the plan and records what the server refused in a
``Failures`` (the runner reports it in one message, with the result of what was done).

Every call to the server goes through ``ctx.step(name)``, so an error anywhere ends in one
``fail_json`` that names the step and keeps the result computed so far.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule

# How many refusals one failure message lists (all of them are in the result's ``failures``).
MESSAGE_ITEMS = 20


class ModuleFailure(Exception):
    """Ends the task with ``msg`` and the extra result fields given (nothing more is done).

    ``retriable``: the same request may succeed when asked again (the server did not answer in
    time, a node was restarting), as the connection family judged the error; a module that
    waits for something asks again only then.
    """

    retriable = False

    def __init__(self, msg, **result):
        super(ModuleFailure, self).__init__(msg)
        self.msg = msg
        self.result = result


class InvalidInput(ModuleFailure):
    """The task's input is wrong: raised before anything is read or changed."""


class Plan(object):
    """What a task would change, as plain data.

    ``changed`` says whether anything would change; ``result`` holds the fields the module
    returns (``changed`` aside), ``diff`` the ``before``/``after`` pair shown with ``--diff``
    (or None when the module shows none); ``data`` is whatever ``apply`` needs.
    """

    def __init__(self, changed, result=None, diff=None, data=None):
        self.changed = bool(changed)
        self.result = dict(result or {})
        self.diff = diff
        self.data = data


class Failures(object):
    """Refusals collected while a plan is applied: ``add("create orders", "TopicExistsError")``."""

    def __init__(self):
        self.items = []

    def add(self, action, error):
        self.items.append((action, error))

    def __len__(self):
        return len(self.items)

    def __bool__(self):
        return bool(self.items)

    __nonzero__ = __bool__

    def lines(self):
        return ["%s: %s" % (action, error) for action, error in self.items]

    def summary(self, limit=MESSAGE_ITEMS):
        """The first ``limit`` refusals joined by ``; `` (with a count of the others)."""
        lines = self.lines()
        text = "; ".join(lines[:limit])
        if len(lines) > limit:
            text += "; and %d more" % (len(lines) - limit)
        return text


class Resource(object):
    """One module's declaration. Subclasses override what they need."""

    #: What the failure message names when the server refuses changes ("Kafka", "n8n", ...).
    service = "the server"
    #: What one change is called in that message ("ACL change", "topic change", ...).
    noun = "change"

    def desired(self, ctx):
        """Validate ``ctx.params``; return the desired state. Raise ``InvalidInput``."""
        return ctx.params

    def read(self, ctx, desired):
        """Return the current state of what ``desired`` names (through ``ctx.step``)."""
        return None

    def plan(self, ctx, desired, current):
        """Return a ``Plan``: pure, no calls to the server."""
        raise NotImplementedError

    def verify(self, ctx, plan, failures):
        """Let the server validate ``plan`` without applying it (runs in check mode too)."""

    def apply(self, ctx, plan, failures):
        """Apply ``plan``; record refusals in ``failures``; update ``plan.result`` if needed."""
        raise NotImplementedError

    def failure_message(self, plan, failures, applied):
        """The message when the server refused something (``applied``: after the real apply)."""
        outcome = "the other changes were applied" if applied else "nothing was changed"
        return "%s refused %d %s(s): %s; %s" % (
            self.service, len(failures), self.noun, failures.summary(), outcome)


class Connection(object):
    """One client family: shared options, opening and closing the client, error messages."""

    #: Extra ``AnsibleModule`` keyword arguments of the family (mutually_exclusive, ...).
    module_kwargs = {}

    def argument_spec(self):
        return {}

    def check(self, module):
        """Fail the module when a dependency is missing or the connection options are unusable."""

    def open(self, ctx):
        """Return the connected client (called on first use of ``ctx.client``)."""
        return None

    def close(self, client):
        """Release ``client``; must not raise."""

    def describe(self, exc, step):
        """One clear sentence for ``exc`` raised during ``step``, or None when not the family's."""
        return None

    def retriable(self, exc):
        """Whether the request that raised ``exc`` may succeed when asked again."""
        return False

    def result_extras(self, client):
        """Fields every result of the family carries (retries done, ...)."""
        return {}


class Context(object):
    """What a ``Resource`` sees: the module, its params, the client, ``step`` and ``warn``."""

    def __init__(self, module, connection):
        self.module = module
        self.params = module.params
        self.connection = connection
        self._client = None

    @property
    def check_mode(self):
        return self.module.check_mode

    @property
    def diff_mode(self):
        return bool(getattr(self.module, "_diff", False))

    @property
    def client(self):
        if self._client is None:
            self._client = self.connection.open(self)
        return self._client

    def step(self, name, **result):
        """Context manager: an error inside ends the task with a message naming ``name``."""
        return _Step(self, name, result)

    def warn(self, message):
        self.module.warn(message)

    def close(self):
        if self._client is not None:
            client, self._client = self._client, None
            try:
                self.connection.close(client)
            except Exception:  # pylint: disable=broad-except  # closing never masks the outcome
                pass


class _Step(object):
    def __init__(self, ctx, name, result):
        self.ctx = ctx
        self.name = name
        self.result = result

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or not isinstance(exc, Exception) or isinstance(exc, ModuleFailure):
            return False
        message = self.ctx.connection.describe(exc, self.name)
        if message is None:
            message = "%s failed: %s: %s" % (self.name, type(exc).__name__, exc)
        failure = ModuleFailure(message, exception="".join(
            traceback.format_exception(exc_type, exc, tb)), **self.result)
        failure.retriable = self.ctx.connection.retriable(exc)
        raise failure


def build_module(argument_spec, connection, module_class=AnsibleModule, **module_kwargs):
    """The ``AnsibleModule`` of a declaration: family options + the module's own."""
    spec = connection.argument_spec()
    spec.update(argument_spec or {})
    kwargs = dict(connection.module_kwargs)
    for key, value in module_kwargs.items():
        if key in kwargs and isinstance(value, list):
            kwargs[key] = list(kwargs[key]) + value
        else:
            kwargs[key] = value
    module = module_class(argument_spec=spec, **kwargs)
    connection.check(module)
    return module


def execute(resource, ctx):
    """Run one declaration; return the result dict or raise ``ModuleFailure``."""
    desired = resource.desired(ctx)
    current = resource.read(ctx, desired)
    plan = resource.plan(ctx, desired, current)
    result = _result(plan, ctx)
    if not plan.changed:
        return result
    failures = Failures()
    resource.verify(ctx, plan, failures)
    if failures:
        raise ModuleFailure(resource.failure_message(plan, failures, applied=False),
                            failures=failures.lines(), **result)
    if ctx.check_mode:
        return result
    try:
        resource.apply(ctx, plan, failures)
    except ModuleFailure as exc:
        # keep what apply learnt (ids of created resources, ...) in the failed result
        merged = _result(plan, ctx)
        merged.update(exc.result)
        exc.result = merged
        raise
    result = _result(plan, ctx)
    if failures:
        raise ModuleFailure(resource.failure_message(plan, failures, applied=True),
                            failures=failures.lines(), **result)
    return result


def _result(plan, ctx):
    result = dict(plan.result)
    result["changed"] = plan.changed
    if ctx.diff_mode and plan.diff is not None:
        result["diff"] = plan.diff
    return result


def run_module(resource, argument_spec, connection, module_class=AnsibleModule, **module_kwargs):
    """Build the module, run ``resource`` on it and exit (``exit_json`` or ``fail_json``)."""
    module = build_module(argument_spec, connection, module_class=module_class, **module_kwargs)
    ctx = Context(module, connection)
    try:
        try:
            result = execute(resource, ctx)
        except ModuleFailure:
            raise
        except Exception as exc:  # pylint: disable=broad-except
            # a family's own error raised outside a step (its message is already clear)
            message = connection.describe(exc, None)
            if message is None:
                raise
            raise ModuleFailure(message, exception=traceback.format_exc())
    except ModuleFailure as exc:
        extras = connection.result_extras(ctx._client) if ctx._client is not None else {}
        ctx.close()
        failed = dict(extras)
        failed.update(exc.result)
        module.fail_json(msg=exc.msg, **failed)
    extras = connection.result_extras(ctx._client) if ctx._client is not None else {}
    ctx.close()
    for key, value in extras.items():
        result.setdefault(key, value)
    module.exit_json(**result)
