# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of long lists of flat sub-options (``topics``, ``acls``, ``subjects``).

``AnsibleModule`` validates every element of a ``list``/``elements: dict`` option that declares
``options`` with its whole parameter machinery (deep copies, aliases, fallbacks, no_log and
deprecation scans per element): for thousands of elements that costs more than the Kafka
requests of the task. The batch modules therefore declare such lists without ``options`` and
check each element here with the same type converters ``AnsibleModule`` uses
(``ansible.module_utils.common.validation``): unknown keys, required keys, types and choices,
with defaults filled in. Every problem of the whole list is collected, so the module can refuse
the batch with one message before anything is applied.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.validation import (
    check_type_bool,
    check_type_dict,
    check_type_float,
    check_type_int,
    check_type_list,
    check_type_path,
    check_type_raw,
    check_type_str,
)

_CHECKERS = {
    "bool": check_type_bool,
    "dict": check_type_dict,
    "float": check_type_float,
    "int": check_type_int,
    "list": check_type_list,
    "path": check_type_path,
    "raw": check_type_raw,
    "str": check_type_str,
}
# Values already of these types need no conversion (the checkers return them as they are;
# ``path`` always expands ~ and $VARS).
_NATIVE = {"bool": bool, "dict": dict, "float": float, "int": int, "list": list, "str": str}


def _convert(value, kind):
    native = _NATIVE.get(kind)
    if kind == "raw" or native is not None and isinstance(value, native):
        return value
    checker = _CHECKERS.get(kind)
    if checker is None:
        raise ValueError("unsupported option type %s" % kind)
    return checker(value)


class ItemSpec(object):
    """A flat sub-option spec ``{key: dict(type=, required=, default=, choices=, elements=)}``,
    prepared once for checking many items (the same keys ``argument_spec`` options take)."""

    def __init__(self, spec):
        self.spec = spec
        self.supported = ", ".join(sorted(spec))
        self.required = [key for key in sorted(spec) if spec[key].get("required")]
        self.defaults = [(key, spec[key]["default"]) for key in sorted(spec)
                         if spec[key].get("default") is not None]
        self.choices = dict((key, frozenset(spec[key]["choices"])) for key in spec
                            if spec[key].get("choices"))
        self.kinds = dict((key, spec[key].get("type", "str")) for key in spec)
        self.elements = dict((key, spec[key]["elements"]) for key in spec
                             if spec[key].get("elements"))


def check_items(items, spec, name):
    """Check a list of dicts against ``spec``; return ``(checked items, problems)``.

    ``checked`` holds new dicts (the given ones are left as they are) with values converted like
    ``AnsibleModule`` converts them and defaults filled in for missing keys; a key given as
    ``None`` stays ``None``. ``problems`` lists every problem of every item, each naming the
    item as ``name[index]`` and the key.
    """
    if not isinstance(spec, ItemSpec):
        spec = ItemSpec(spec)
    checked = []
    problems = []
    kinds = spec.kinds
    for index, item in enumerate(items or []):
        where = "%s[%d]" % (name, index)
        if not isinstance(item, dict):
            problems.append("%s must be a mapping, got %r" % (where, item))
            continue
        out = {}
        unknown = []
        for key, value in item.items():
            kind = kinds.get(key)
            if kind is None:
                unknown.append(str(key))
                continue
            if value is None:
                out[key] = None
                continue
            try:
                value = _convert(value, kind)
                elements = spec.elements.get(key)
                if elements and kind == "list":
                    value = [_convert(element, elements) for element in value]
            except (TypeError, ValueError) as exc:
                problems.append("%s: %s must be of type %s%s (%s)" % (
                    where, key, kind, " of %s" % elements if elements and kind == "list" else "",
                    exc))
                continue
            allowed = spec.choices.get(key)
            if allowed is not None:
                wrong = [v for v in (value if kind == "list" else [value]) if v not in allowed]
                if wrong:
                    problems.append("%s: %s must be one of %s, got %s" % (
                        where, key, ", ".join(spec.spec[key]["choices"]),
                        ", ".join(repr(v) for v in wrong)))
                    continue
            out[key] = value
        if unknown:
            problems.append("%s: unsupported key(s) %s; supported keys: %s"
                            % (where, ", ".join(sorted(unknown)), spec.supported))
        for key in spec.required:
            if out.get(key) is None and key not in unknown:
                if key in item and item[key] is not None:
                    continue  # already reported as a bad value
                problems.append("%s: %s is required" % (where, key))
        for key, default in spec.defaults:
            if key not in out and key not in item:
                out[key] = default
        checked.append(out)
    return checked, problems
