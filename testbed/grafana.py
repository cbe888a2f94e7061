"""The kafka_monitoring role's Grafana dashboards, read the way Grafana reads them.

Grafana's server cannot run here, so two things stand in for it:

- ``dashboard_errors(data)`` checks one dashboard JSON against Grafana's dashboard model as
  published in ``grafana-foundation-sdk`` (Grafana Labs' generated types of the dashboard schema,
  11.6 flavour, schemaVersion 41). The SDK's ``from_json`` is lenient (it neither checks types nor
  complains about unknown keys), so the check is built on its models: decode, then compare the
  type of every decoded value with the model's annotations, then encode again and require the
  original JSON back (a key the model does not know, or a required one that is missing, changes
  the round trip). On top of the model come the collection's own rules: known panel types (those
  the SDK registers), Grafana unit ids, datasource references, unique panel ids, non-empty
  targets, variables that exist.
- ``panel_queries(dashboards_dir)`` lists every panel query with its template variables replaced,
  so the live test can evaluate each one against the real Prometheus and require series.
"""
import enum
import json
import os
import re
import typing

DATASOURCE_REF = {"type": "prometheus", "uid": "${datasource}"}

# Panel types the collection's dashboards use (each must also be known to the SDK).
PANEL_TYPES = {"timeseries", "stat", "table", "gauge", "row"}

# Unit ids of Grafana's value formats (packages/grafana-data/src/valueFormats/categories.ts,
# categories Misc, Data (IEC), Data (metric), Data rate, Time and Throughput), plus the custom
# prefixes Grafana accepts ("suffix:<text>", ...).
GRAFANA_UNITS = {
    "none", "string", "short", "percent", "percentunit", "hex0x", "hex", "sci", "locale",
    "bits", "bytes", "kbytes", "mbytes", "gbytes", "tbytes", "pbytes",
    "decbits", "decbytes", "deckbytes", "decmbytes", "decgbytes", "dectbytes", "decpbytes",
    "pps", "bps", "Bps", "KBs", "Kbits", "MBs", "Mbits", "GBs", "Gbits", "TBs", "Tbits", "PBs", "Pbits",
    "hertz", "ns", "µs", "ms", "s", "m", "h", "d", "dtdurationms", "dtdurations", "dthms", "dtdhms",
    "timeticks", "clockms", "clocks",
    "cps", "ops", "reqps", "rps", "wps", "iops", "cpm", "opm", "rpm", "wpm",
}
CUSTOM_UNIT_PREFIXES = ("suffix:", "prefix:", "si:", "count:", "currency:", "time:")

# Grafana's global variables and the fixed values the live test gives them.
GLOBAL_VARIABLES = {"__rate_interval": "1m", "__interval": "1m", "__range": "1m"}
VARIABLE_RE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")


def _sdk():
    try:
        from grafana_foundation_sdk.cog import plugins, runtime
        from grafana_foundation_sdk.cog.encoder import JSONEncoder
        from grafana_foundation_sdk.models.dashboard import Dashboard
    except ImportError as exc:  # pragma: no cover - the message is the point
        raise ImportError("grafana-foundation-sdk is needed to check dashboards: "
                          "pip install 'grafana-foundation-sdk==1769699379!11.6.0'") from exc
    if not runtime.Runtime().panelcfg_variants:
        plugins.register_default_plugins()
    return runtime, JSONEncoder, Dashboard


def _type_errors(value, expected, path):
    """Differences between a decoded value and the SDK annotation it should satisfy."""
    if expected is typing.Any or expected is object:
        if hasattr(value, "to_json") and hasattr(type(value), "__init__"):
            return _model_errors(value, path)
        return []
    origin = typing.get_origin(expected)
    args = typing.get_args(expected)
    if origin is typing.Union:
        if value is None and type(None) in args:
            return []
        candidates = [a for a in args if a is not type(None)]
        results = [_type_errors(value, candidate, path) for candidate in candidates]
        if not all(results):
            return []
        if len(results) == 1:
            return results[0]
        # A candidate whose errors lie deeper than this value matched its shape: report those.
        deeper = [errors for errors in results if not any(e.startswith(path + ": ") for e in errors)]
        if deeper:
            return min(deeper, key=len)
        return ["%s: %r is not %s" % (path, value, " | ".join(_name(c) for c in candidates))]
    if origin is typing.Literal:
        return [] if value in args else ["%s: %r is not one of %r" % (path, value, args)]
    if origin is list:
        if not isinstance(value, list):
            return ["%s: %r is not a list" % (path, value)]
        errors = []
        for index, item in enumerate(value):
            errors += _type_errors(item, args[0] if args else typing.Any, "%s[%d]" % (path, index))
        return errors
    if origin is dict:
        if not isinstance(value, dict):
            return ["%s: %r is not an object" % (path, value)]
        errors = []
        for key, item in value.items():
            errors += _type_errors(item, args[1] if args else typing.Any, "%s.%s" % (path, key))
        return errors
    if isinstance(expected, type):
        if issubclass(expected, enum.Enum):
            allowed = [member.value for member in expected]
            raw = value.value if isinstance(value, enum.Enum) else value
            if isinstance(raw, bool) or raw not in allowed:
                return ["%s: %r is not one of %r" % (path, raw, allowed)]
            return []
        if expected is bool:
            return [] if isinstance(value, bool) else ["%s: %r is not a boolean" % (path, value)]
        if expected is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
            return [] if ok else ["%s: %r is not an integer" % (path, value)]
        if expected is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            return [] if ok else ["%s: %r is not a number" % (path, value)]
        if expected is str:
            return [] if isinstance(value, str) else ["%s: %r is not a string" % (path, value)]
        if isinstance(value, expected) and hasattr(value, "to_json"):
            return _model_errors(value, path)
        if hasattr(expected, "from_json"):
            if isinstance(value, dict):
                # Some fields (panel links, transformations) are kept raw by from_json.
                return _model_errors(expected.from_json(value), path)
            if isinstance(value, expected):
                return _model_errors(value, path)
            return ["%s: %r is not an object (%s)" % (path, value, expected.__name__)]
        if isinstance(value, expected):
            return []
        return ["%s: %r is not %s" % (path, value, expected.__name__)]
    return []


def _name(annotation):
    return getattr(annotation, "__name__", str(annotation))


def _model_errors(obj, path):
    hints = typing.get_type_hints(type(obj))
    errors = []
    for attribute, expected in hints.items():
        errors += _type_errors(getattr(obj, attribute, None), expected, "%s.%s" % (path, attribute))
    return errors


def _lost_keys(original, encoded, path=""):
    """Keys and values of ``original`` that the SDK's decode/encode did not give back."""
    if isinstance(original, dict) and isinstance(encoded, dict):
        problems = []
        for key in sorted(set(original) | set(encoded)):
            where = "%s.%s" % (path, key) if path else key
            if key not in encoded:
                problems.append("%s: not in Grafana's dashboard model (dropped by the SDK)" % where)
            elif key not in original:
                problems.append("%s: missing (the model gives %r)" % (where, encoded[key]))
            else:
                problems += _lost_keys(original[key], encoded[key], where)
        return problems
    if isinstance(original, list) and isinstance(encoded, list) and len(original) == len(encoded):
        problems = []
        for index, (left, right) in enumerate(zip(original, encoded)):
            problems += _lost_keys(left, right, "%s[%d]" % (path, index))
        return problems
    if original != encoded or type(original) is not type(encoded):
        return ["%s: %r comes back as %r" % (path, original, encoded)]
    return []


def canonical(data):
    """The dashboard as the SDK encodes it after decoding (Grafana's model, defaults filled in)."""
    _runtime, encoder, dashboard = _sdk()
    return json.loads(json.dumps(dashboard.from_json(data), cls=encoder))


def model_errors(data):
    """Where ``data`` does not match Grafana's dashboard model (types, unknown or missing keys)."""
    runtime, encoder, dashboard = _sdk()
    if not isinstance(data, dict):
        return ["dashboard: not a JSON object"]
    try:
        decoded = dashboard.from_json(data)
        encoded = json.loads(json.dumps(decoded, cls=encoder))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        return ["dashboard: the SDK cannot decode it: %r" % exc]
    errors = _model_errors(decoded, "dashboard")
    errors += _lost_keys(data, encoded)
    for panel in data.get("panels") or []:
        if runtime.panelcfg_config(panel.get("type", "")) is None and panel.get("type") != "row":
            errors.append("panel %r: type %r is not a Grafana panel type" % (panel.get("title"), panel.get("type")))
    return errors


def _variables(data):
    return {variable.get("name"): variable for variable in (data.get("templating") or {}).get("list") or []}


def _used_variables(text):
    return {next(group for group in match.groups() if group) for match in VARIABLE_RE.finditer(text)}


def _unit_ok(unit):
    return unit in GRAFANA_UNITS or unit.startswith(CUSTOM_UNIT_PREFIXES)


def collection_errors(data):
    """The collection's own rules for its dashboards, beyond Grafana's model."""
    errors = []
    if not 39 <= data.get("schemaVersion", 0) <= 41:
        errors.append("schemaVersion %r is not one of current Grafana (39-41)" % data.get("schemaVersion"))
    if sorted(data.get("tags") or []) != ["kafka", "specweave"]:
        errors.append("tags %r are not ['kafka', 'specweave']" % data.get("tags"))
    variables = _variables(data)
    datasource = variables.get("datasource") or {}
    if datasource.get("type") != "datasource" or datasource.get("query") != "prometheus":
        errors.append("variable datasource: not a datasource variable of type prometheus")
    cluster = variables.get("cluster") or {}
    cluster_query = cluster.get("query")
    if isinstance(cluster_query, dict):
        cluster_query = cluster_query.get("query")
    if cluster.get("type") != "query" or cluster_query != "label_values(kafka_server_state, kafka_cluster)":
        errors.append("variable cluster: not label_values(kafka_server_state, kafka_cluster)")
    for name, variable in variables.items():
        if variable.get("type") == "query" and variable.get("datasource") != DATASOURCE_REF:
            errors.append("variable %s: datasource is not %r" % (name, DATASOURCE_REF))
    ids = {}
    for panel in data.get("panels") or []:
        title = panel.get("title")
        if panel.get("id") in ids:
            errors.append("panel %r: id %r already used by %r" % (title, panel.get("id"), ids[panel.get("id")]))
        ids[panel.get("id")] = title
        if panel.get("type") not in PANEL_TYPES:
            errors.append("panel %r: type %r is not one of %s" % (title, panel.get("type"), sorted(PANEL_TYPES)))
        if panel.get("type") == "row":
            continue
        if not title:
            errors.append("panel id %r: no title" % panel.get("id"))
        if panel.get("datasource") != DATASOURCE_REF:
            errors.append("panel %r: datasource is %r, not %r" % (title, panel.get("datasource"), DATASOURCE_REF))
        unit = ((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit")
        if not isinstance(unit, str) or not _unit_ok(unit):
            errors.append("panel %r: unit %r is not a Grafana unit" % (title, unit))
        targets = panel.get("targets") or []
        if not targets:
            errors.append("panel %r: no targets" % title)
        ref_ids = set()
        for target in targets:
            expr = target.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                errors.append("panel %r: target %r has no expr" % (title, target.get("refId")))
                expr = ""
            if not target.get("refId") or target.get("refId") in ref_ids:
                errors.append("panel %r: target refId %r missing or repeated" % (title, target.get("refId")))
            ref_ids.add(target.get("refId"))
            if target.get("datasource", DATASOURCE_REF) != DATASOURCE_REF:
                errors.append("panel %r: target %r datasource is not %r" % (title, target.get("refId"), DATASOURCE_REF))
            for name in _used_variables(expr):
                if name not in variables and name not in GLOBAL_VARIABLES:
                    errors.append("panel %r: query uses $%s, which is not a variable" % (title, name))
    return errors


def dashboard_errors(data):
    """Everything wrong with one dashboard: Grafana's model first, then the collection's rules."""
    errors = model_errors(data)
    if isinstance(data, dict):
        errors += collection_errors(data)
    return errors


def load_dashboards(dashboards_dir):
    """{file name: parsed JSON} of every dashboard in the folder, sorted by name."""
    dashboards = {}
    for name in sorted(os.listdir(dashboards_dir)):
        if name.endswith(".json"):
            with open(os.path.join(dashboards_dir, name), encoding="utf-8") as handle:
                dashboards[name] = json.load(handle)
    return dashboards


def substitute(expr, value=".+"):
    """``expr`` with every template variable replaced: dashboard variables by ``value`` (the
    dashboards match them with ``=~``), Grafana's interval variables by a fixed 1m."""
    def replace(match):
        name = next(group for group in match.groups() if group)
        return GLOBAL_VARIABLES.get(name, value)
    return VARIABLE_RE.sub(replace, expr)


def panel_queries(dashboards_dir):
    """[(dashboard uid, panel title, refId, expr with its variables substituted)] for every target
    of every panel of every dashboard in ``dashboards_dir``."""
    queries = []
    for data in load_dashboards(dashboards_dir).values():
        for panel in data.get("panels") or []:
            for target in panel.get("targets") or []:
                queries.append((data["uid"], panel["title"], target["refId"], substitute(target["expr"])))
    return queries


LABEL_VALUES_RE = re.compile(r"^\s*label_values\((?:(.*),\s*)?(\w+)\)\s*$")


def variable_queries(dashboards_dir):
    """[(dashboard uid, variable name, series selector, label)] of every ``label_values``
    variable, selectors substituted like panel queries: the live test can ask Prometheus for the
    series (``/api/v1/series?match[]=``) and require the label on them."""
    queries = []
    for data in load_dashboards(dashboards_dir).values():
        for variable in (data.get("templating") or {}).get("list") or []:
            if variable.get("type") != "query":
                continue
            query = variable.get("query")
            query = query.get("query") if isinstance(query, dict) else query
            match = LABEL_VALUES_RE.match(query or "")
            if not match:
                raise ValueError("%s: variable %s is not label_values(...): %r" % (data.get("uid"), variable.get("name"), query))
            queries.append((data["uid"], variable["name"], substitute(match.group(1) or ""), match.group(2)))
    return queries
