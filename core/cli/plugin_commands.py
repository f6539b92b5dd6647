"""`cqlscope query NAME --target FILE [--format plugin]` and `cqlscope variables NAME QUERY`: a panel
target or a variable query answered by the emulated plugin (core.grafana.plugins), exactly as Grafana
would receive it from the data source's plugin."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any

from core.cli import query_commands
from core.cli.common import EXIT_FAILED, EXIT_OK
from core.config.datasource import DataSource, Flavor
from core.config.workspace import Workspace
from core.errors import CqlscopeError
from core.grafana.flavors import prepare_query
from core.grafana.plugins.gotext import go_json_dumps
from core.grafana.templating import Variable, load_variables
from core.grafana.timerange import Interval, TimeRange, calculate_interval, interval_to_ms, time_range

# The fields the cassandra front end sends (datasource.ts buildQueryParameters).
_CASSANDRA_FIELDS = ("datasourceId", "queryType", "target", "refId", "hide", "rawQuery", "filtering", "keyspace",
                     "table", "columnTime", "columnValue", "columnId", "valueId", "alias", "instant")


def query(ws: Workspace, args: argparse.Namespace) -> int:
    """`query`: a target file (emulated plugin, or its CQL through the normal path) or plain CQL."""
    if args.target is None:
        if args.format == "plugin":
            raise CqlscopeError("--format plugin needs --target FILE (a panel target's JSON).", title="Invalid option")
        if args.cql is None:
            raise CqlscopeError("Give the CQL to run, or --target FILE.", title="Invalid option")
        return query_commands.query(ws, args)
    if args.cql is not None:
        raise CqlscopeError("Give either CQL or --target FILE, not both.", title="Invalid option")
    target = _load_target(args.target)
    ds = ws.store.get(args.name)
    if args.format != "plugin":
        args.cql = _target_cql(ds, target, args)
        return query_commands.query(ws, args)
    return _plugin_query(ws, ds, target, args)


def _load_target(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            target = json.load(handle)
    except OSError as error:
        raise CqlscopeError(f"cannot read the target file {path}: {error.strerror or error}.",
                            title="Invalid target") from None
    except json.JSONDecodeError as error:
        raise CqlscopeError(f"{path} is not JSON (line {error.lineno}, column {error.colno}: {error.msg}).",
                            title="Invalid target") from None
    if not isinstance(target, dict):
        raise CqlscopeError(f"{path} must hold one JSON object: a panel target as Grafana stores it.",
                            title="Invalid target")
    return target


def _range(args: argparse.Namespace) -> tuple[TimeRange, Interval, dict[str, Variable]]:
    variables = load_variables(args.vars) if args.vars else {}
    if args.max_data_points < 1:
        raise CqlscopeError("--max-data-points must be 1 or more.", title="Invalid option")
    span = time_range(args.time_from, args.time_to, args.timezone)
    if span.to_ms < span.from_ms:
        raise CqlscopeError(f"The range ends before it starts ({args.time_from} .. {args.time_to}).",
                            title="Invalid time range")
    interval = (Interval(args.interval, interval_to_ms(args.interval)) if args.interval
                else calculate_interval(span.range_ms, args.max_data_points))
    return span, interval, variables


def _interpolated(flavor: str, text: str, variables: Mapping[str, Variable], span: TimeRange,
                  interval: Interval, args: argparse.Namespace) -> str:
    """The front end's template interpolation of one field (the backend's macros are left alone)."""
    prepared = prepare_query(flavor, text, variables, span, interval=interval, max_data_points=args.max_data_points)
    return prepared.interpolation.text


def interpolate_target(ds: DataSource, target: Mapping[str, Any], args: argparse.Namespace,
                       span: TimeRange, interval: Interval, variables: Mapping[str, Variable]) -> dict[str, Any]:
    """The target as the plugin's front end sends it to the backend. Alert queries run on the Grafana
    server, where dashboard variables are never substituted."""
    alert = target.get("queryType") == "alert"
    if ds.flavor == Flavor.CASSANDRA:
        sent = {key: target[key] for key in _CASSANDRA_FIELDS if key in target}
        for key in ("target", "valueId"):
            text = target.get(key)
            text = text if isinstance(text, str) else ""
            sent[key] = text if alert else _interpolated("cassandra", text, variables, span, interval, args)
        return sent
    sent = dict(target)
    for key in ("queryText", "queryHost"):
        text = target.get(key)
        if isinstance(text, str) and not alert:
            sent[key] = _interpolated("scylla", text, variables, span, interval, args)
    return sent


def cassandra_front_end_error(target: Mapping[str, Any]) -> str | None:
    """The cassandra front end refuses to send an incomplete target (datasource.ts query)."""
    if not target.get("rawQuery"):
        fields = ("keyspace", "table", "columnTime", "columnValue", "columnId", "valueId")
        if not all(target.get(name) for name in fields):
            return "Skipping query execution while not all editor fields are filled"
    elif not target.get("target"):
        return "Skipping query execution while not all configurator fields are filled"
    return None


def grafana_settings(ws: Workspace, ds: DataSource) -> dict[str, Any]:
    """DataSourceInstanceSettings as Grafana would pass them for this data source once provisioned
    (the provisioning entry of core.provisioning.mapping, with the keyring's secrets)."""
    from core.provisioning.mapping import escape_dollars, to_entry

    credentials = ws.credentials(ds)
    secrets = {name: escape_dollars(value) for name, value in
               (("user", credentials.user), ("password", credentials.password)) if value is not None}
    entry = _unescape(to_entry(ds, secrets))
    return {"url": entry.get("url", ""), "user": "", "database": "",
            "jsonData": entry.get("jsonData", {}), "secureJsonData": entry.get("secureJsonData", {})}


def _unescape(tree: Any) -> Any:
    """Grafana's expansion of literal provisioning text: `$$` is one `$`."""
    if isinstance(tree, str):
        return tree.replace("$$", "$")
    if isinstance(tree, dict):
        return {key: _unescape(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [_unescape(value) for value in tree]
    return tree


def _instance(ws: Workspace, ds: DataSource) -> Any:
    from core.grafana.plugins import PLUGIN_TYPES, instance_for

    module_name = PLUGIN_TYPES.get(ds.flavor.plugin_id, ("", ""))[0]
    try:
        return instance_for(ds.flavor.plugin_id, grafana_settings(ws, ds))
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        raise CqlscopeError(f"this build of cqlscope has no emulation of the {ds.flavor.value} plugin yet.",
                            title="Not available") from None


def _plugin_query(ws: Workspace, ds: DataSource, target: dict[str, Any], args: argparse.Namespace) -> int:
    from core.grafana.plugins import PluginRequest

    span, interval, variables = _range(args)
    sent = interpolate_target(ds, target, args, span, interval, variables)
    if ds.flavor == Flavor.CASSANDRA and (refusal := cassandra_front_end_error(sent)) is not None:
        print(go_json_dumps({"error": refusal}))
        print("cqlscope: the plugin's front end sends nothing for this target", file=sys.stderr)
        return EXIT_FAILED
    ref_id = str(sent["refId"]) if isinstance(sent.get("refId"), str) and sent["refId"] else "A"
    request = PluginRequest(target=sent, from_ms=span.from_ms, to_ms=span.to_ms, ref_id=ref_id,
                            max_data_points=args.max_data_points, interval_ms=interval.ms,
                            alerting=sent.get("queryType") == "alert")
    instance = _instance(ws, ds)
    try:
        answer = instance.query(request)
    finally:
        instance.close()
    print(go_json_dumps(answer))
    for line in getattr(instance, "log", []):
        print(f"plugin log: {line}", file=sys.stderr)
    return EXIT_FAILED if "error" in answer else EXIT_OK


def _target_cql(ds: DataSource, target: Mapping[str, Any], args: argparse.Namespace) -> str:
    """The target's CQL for the normal path (which interpolates it and applies the macros itself)."""
    if ds.flavor == Flavor.SCYLLA:
        if not isinstance(target.get("queryText"), str):
            raise CqlscopeError("the target has no queryText.", title="Invalid target")
        if isinstance(target.get("queryHost"), str) and target["queryHost"].strip() and not args.host:
            args.host = target["queryHost"]
        if target.get("allHosts") is True:
            args.all_hosts, args.host = True, None
        return str(target["queryText"])
    if target.get("rawQuery"):
        if not isinstance(target.get("target"), str):
            raise CqlscopeError("the target has no CQL in `target`.", title="Invalid target")
        return str(target["target"])
    return _builder_cql(target)


def _builder_cql(target: Mapping[str, Any]) -> str:
    """A builder target as plain CQL: the plugin's statement with its bound values written in (ids as
    text literals, integers as numbers) and the time macros for the range."""
    from core.grafana.plugins.cassandra_query import split_ids

    names = ("keyspace", "table", "columnTime", "columnValue", "columnId", "valueId")
    missing = [name for name in names if not isinstance(target.get(name), str) or not target.get(name)]
    if missing:
        raise CqlscopeError(f"the builder target lacks {', '.join(missing)}.", title="Invalid target")
    ids = ", ".join(part if part.lstrip("-").isdigit() else "'" + part.replace("'", "''") + "'"
                    for part in split_ids(str(target["valueId"])))
    column_id, column_time = target["columnId"], target["columnTime"]
    text = (f"SELECT {column_id}, {target['columnValue']}, {column_time} FROM {target['keyspace']}.{target['table']} "
            f"WHERE {column_id} IN ({ids}) AND {column_time} >= $__timeFrom AND {column_time} <= $__timeTo")
    if target.get("instant"):
        text += " PER PARTITION LIMIT 1"
    if target.get("filtering"):
        text += " ALLOW FILTERING"
    return text


def variables(ws: Workspace, args: argparse.Namespace) -> int:
    """`variables`: the options the cassandra plugin's `variables` resource returns for QUERY."""
    ds = ws.store.get(args.name)
    if ds.flavor != Flavor.CASSANDRA:
        raise CqlscopeError("only the Apache Cassandra plugin has a variables resource; the scylla plugin "
                            "has no query variables.", title="Not available")
    span, interval, variable_values = _range(args)
    text = _interpolated("cassandra", args.query, variable_values, span, interval, args)
    instance = _instance(ws, ds)
    try:
        answer = instance.resource("variables", {"query": text})
    finally:
        instance.close()
    for line in getattr(instance, "log", []):
        print(f"plugin log: {line}", file=sys.stderr)
    if answer.status != 200:
        print(f"cqlscope: the plugin answered HTTP {answer.status}; Grafana then offers no options", file=sys.stderr)
        return EXIT_FAILED
    if args.format == "json":
        sys.stdout.write(answer.body.decode("utf-8") + "\n")
    else:
        for option in json.loads(answer.body):
            value, label = option["value"], option["text"]
            print(value if value == label else f"{value}\t{label}")
    return EXIT_OK
