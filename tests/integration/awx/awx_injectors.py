"""AWX's credential-type rules and injection, written from AWX's documented behaviour.

The rules follow AWX's own validation (awx/main/fields.py: ``CredentialTypeInputField``,
``CredentialTypeInjectorField``; awx/main/constants.py: ``ENV_BLOCKLIST``) and its injection
(awx/main/models/credential.py: ``CredentialType.inject_credential``), read at ansible/awx
e21dd0a0933f (24.6.x). Nothing here is copied; the checks are re-stated:

* ``inputs`` holds only ``fields`` and ``required``; a field has ``id`` (a variable name, not
  ``tower``, unique) and ``label``, optional ``type`` (``string`` or ``boolean``), ``format``
  (``ssh_private_key`` or ``url``), ``choices``, ``help_text``, ``multiline``, ``secret``,
  ``ask_at_runtime``, ``default`` (of the field's type); ``choices``, ``multiline``, ``format`` and
  ``secret`` only on strings.
* ``injectors`` holds only ``file``, ``env`` and ``extra_vars``; file keys are ``template`` or
  ``template.<name>`` (not both styles); env names are shell variable names, ASCII values, not
  ``ANSIBLE_*`` nor blocklisted; every template renders with each field set and ``StrictUndefined``.
* Injection: the inputs that are set (empty strings are left out) form the namespace, unset
  booleans are False, private keys (``format: ssh_private_key``) get a final newline; each file
  template is rendered into its own 0600 file and ``tower.filename.<name>`` names it; then every
  env template is rendered (an unset input renders as an empty string) - every variable is set.
"""
import os
import re
import tempfile

import yaml
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from testbed.kafka import REPO

COLL = os.path.join(REPO, "ansible_collections", "specweave", "kafka")
TYPES_DIR = os.path.join(COLL, "extensions", "awx", "credential_types")

VARIABLE_NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
FILE_KEY = re.compile(r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$")
ENV_BLOCKLIST = frozenset((
    "VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID",
    "INVENTORY_UPDATE_ID", "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES",
    "CALLBACK_QUEUE", "CALLBACK_CONNECTION", "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS",
    "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH"))
FIELD_KEYS = {"id", "label", "type", "format", "choices", "help_text", "multiline", "secret",
              "ask_at_runtime", "default"}
STRING_ONLY = ("choices", "multiline", "format", "secret")
KINDS = ("cloud", "net")
PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----\s*.+?-----END \1-----", re.S)


def load_types():
    """{file name: definition} of every credential type the collection ships."""
    found = {}
    for name in sorted(os.listdir(TYPES_DIR)):
        if name.endswith(".yml"):
            with open(os.path.join(TYPES_DIR, name)) as handle:
                found[name] = yaml.safe_load(handle)
    return found


def module_env_names():
    """Environment variables the collection's modules read (their ``env_fallback`` names)."""
    names = set()
    utils = os.path.join(COLL, "plugins", "module_utils")
    for name in os.listdir(utils):
        if name.endswith(".py"):
            with open(os.path.join(utils, name)) as handle:
                for match in re.finditer(r"env_fallback,\s*\[([^\]]*)\]", handle.read()):
                    names.update(re.findall(r"[\"'](\w+)[\"']", match.group(1)))
    return names


def _field_problems(fields):
    problems, seen = [], set()
    for field in fields:
        if not isinstance(field, dict):
            problems.append("field %r is not a mapping" % (field,))
            continue
        fid = field.get("id")
        extra = set(field) - FIELD_KEYS
        if extra:
            problems.append("field %s: unknown keys %s" % (fid, sorted(extra)))
        if "id" not in field or "label" not in field:
            problems.append("field %r needs id and label" % (field,))
        if not isinstance(fid, str) or not VARIABLE_NAME.match(fid):
            problems.append("%r is an invalid variable name" % (fid,))
        if fid == "tower":
            problems.append('"tower" is a reserved field name')
        if fid in seen:
            problems.append("field IDs must be unique (%s)" % fid)
        seen.add(fid)
        ftype = field.get("type", "string")
        if ftype not in ("string", "boolean"):
            problems.append("field %s: type %r is not string or boolean" % (fid, ftype))
        if "format" in field and field["format"] not in ("ssh_private_key", "url"):
            problems.append("field %s: format %r" % (fid, field["format"]))
        if "choices" in field:
            choices = field["choices"]
            if (not isinstance(choices, list) or not choices or len(set(choices)) != len(choices)
                    or not all(isinstance(c, str) for c in choices)):
                problems.append("field %s: choices must be unique strings" % fid)
        for key in ("label", "help_text"):
            if key in field and not isinstance(field[key], str):
                problems.append("field %s: %s is not a string" % (fid, key))
        for key in ("multiline", "secret", "ask_at_runtime"):
            if key in field and not isinstance(field[key], bool):
                problems.append("field %s: %s is not a boolean" % (fid, key))
        expected = {"string": str, "boolean": bool}.get(ftype)
        if "default" in field and type(field["default"]) is not expected:
            problems.append("field %s: default %r is not a %s" % (fid, field["default"], ftype))
        for key in STRING_ONLY:
            if key in field and ftype != "string":
                problems.append("%s not allowed for %s type (%s)" % (key, ftype, fid))
    return problems


def _render(template, namespace, undefined=None):
    env = ImmutableSandboxedEnvironment(undefined=undefined) if undefined else \
        ImmutableSandboxedEnvironment()
    return env.from_string(template).render(**namespace)


class _Namespace(object):
    pass


def type_problems(definition):
    """What AWX would refuse in a credential type definition (an empty list when valid)."""
    problems = []
    for key in ("name", "kind", "inputs", "injectors"):
        if key not in definition:
            problems.append("missing %s" % key)
    extra = set(definition) - {"name", "description", "kind", "inputs", "injectors"}
    if extra:
        problems.append("unknown top-level keys %s" % sorted(extra))
    if definition.get("kind") not in KINDS:
        problems.append("kind %r is not one of %s (custom types)" % (definition.get("kind"), KINDS))
    inputs = definition.get("inputs") or {}
    injectors = definition.get("injectors") or {}
    if not isinstance(inputs, dict) or set(inputs) - {"fields", "required"}:
        return problems + ["inputs may hold only fields and required"]
    fields = inputs.get("fields", [])
    if not isinstance(fields, list):
        return problems + ["inputs.fields is not a list"]
    problems += _field_problems(fields)
    ids = [f.get("id") for f in fields if isinstance(f, dict)]
    required = inputs.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        problems.append("inputs.required is not a list of strings")
    else:
        problems += ["required %s is not a field" % r for r in required if r not in ids]
    if not isinstance(injectors, dict) or set(injectors) - {"file", "env", "extra_vars"}:
        return problems + ["injectors may hold only file, env and extra_vars"]
    files = injectors.get("file", {}) or {}
    env = injectors.get("env", {}) or {}
    for key, value in files.items():
        if not FILE_KEY.match(key) or not isinstance(value, str):
            problems.append("file injector %r: key must be template or template.<name>, value a "
                            "string" % key)
    for key, value in env.items():
        if not VARIABLE_NAME.match(key):
            problems.append("env %r is not a variable name" % key)
        if not isinstance(value, str) or not all(ord(c) < 128 for c in value):
            problems.append("env %s: value must be an ASCII string" % key)
        if key.startswith("ANSIBLE_"):
            problems.append("env %s may affect Ansible configuration" % key)
        if key in ENV_BLOCKLIST:
            problems.append("env %s is not allowed in credentials" % key)
    if problems:
        return problems
    namespace = dict((fid, "EXAMPLE") for fid in ids)
    tower = _Namespace()
    if "template" in files:
        if len(files) > 1:
            return ["Must use multi-file syntax when injecting multiple files"]
        tower.filename = "EXAMPLE_FILENAME"
    elif files:
        tower.filename = _Namespace()
        for key in files:
            setattr(tower.filename, key.split(".", 1)[1], "EXAMPLE_FILENAME")
    namespace["tower"] = tower
    for kind, templates in (("file", files), ("env", env)):
        for key, template in templates.items():
            try:
                _render(template, namespace, undefined=StrictUndefined)
            except (UndefinedError, SecurityError, TemplateSyntaxError) as exc:
                problems.append("%s %s: %s" % (kind, key, exc))
    return problems


def input_problems(definition, inputs):
    """What AWX would refuse in the inputs of a credential of this type."""
    problems = []
    fields = dict((f["id"], f) for f in definition["inputs"]["fields"])
    problems += ["unknown input %s" % k for k in inputs if k not in fields]
    problems += ["%s is required" % r for r in definition["inputs"].get("required", [])
                 if inputs.get(r) in (None, "")]
    for key, value in inputs.items():
        field = fields.get(key)
        if field is None:
            continue
        if field.get("type", "string") == "boolean" and not isinstance(value, bool):
            problems.append("%s must be a boolean" % key)
        if field.get("choices") and value not in field["choices"]:
            problems.append("%s: %r is not one of %s" % (key, value, field["choices"]))
        if field.get("format") == "ssh_private_key":
            blocks = PEM_BLOCK.findall(value)
            if not any(b.endswith("PRIVATE KEY") for b in blocks):
                problems.append("%s holds no PEM private key" % key)
    return problems


def inject(definition, inputs, directory):
    """(env, files): the environment variables and files AWX gives a job for this credential.

    ``files`` maps each ``tower.filename`` name to the path of the file written for it.
    """
    problems = input_problems(definition, inputs)
    if problems:
        raise ValueError("AWX would refuse these inputs: %s" % problems)
    namespace = {}
    for key, value in inputs.items():
        if isinstance(value, bool) or len(value):
            namespace[key] = value
    for field in definition["inputs"]["fields"]:
        if field.get("type") == "boolean" and field["id"] not in inputs:
            namespace[field["id"]] = False
        if field.get("format") == "ssh_private_key" and field["id"] in namespace \
                and not namespace[field["id"]].endswith("\n"):
            namespace[field["id"]] += "\n"
    tower = _Namespace()
    namespace["tower"] = tower
    files = {}
    env_dir = os.path.join(directory, "env")
    os.makedirs(env_dir, exist_ok=True)
    for label, template in (definition["injectors"].get("file") or {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as out:
            out.write(_render(template, namespace))
        os.chmod(path, 0o600)
        if "." not in label:
            tower.filename = path
            files["template"] = path
        else:
            if not hasattr(tower, "filename"):
                tower.filename = _Namespace()
            setattr(tower.filename, label.split(".", 1)[1], path)
            files[label.split(".", 1)[1]] = path
    env = {}
    for name, template in (definition["injectors"].get("env") or {}).items():
        env[name] = _render(template, namespace)
    return env, files
