# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entry-point tests: run a module's ``main()`` in-process with a fake client at the runner's seam.

``run_main(main, args, check_mode=False, diff=False)`` returns ``(result, failed)``: the
keyword arguments ``exit_json``/``fail_json`` were called with. The fake client goes in with
``monkeypatch.setattr(SomeConnection, "open", lambda self, ctx: fake)``; everything between
``main`` and the client (argument spec, validation, planners, runner, messages) is the real
code.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    import contextlib

    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args=None):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result.get("msg"))
        self.result = result
        self.failed = failed


@pytest.fixture
def run_main(monkeypatch):
    def exit_json(self, **result):
        raise ModuleExit(result, False)

    def fail_json(self, msg, **result):
        result["msg"] = msg
        raise ModuleExit(result, True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)

    def run(main, args, check_mode=False, diff=False):
        args = dict(args)
        args["_ansible_check_mode"] = check_mode
        args["_ansible_diff"] = diff
        with patch_module_args(args):
            with pytest.raises(ModuleExit) as info:
                main()
        return info.value.result, info.value.failed

    return run
