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
from core.cli.common import EXIT_FAILED, EXIT_OK, UsageError
from core.config.datasource import DataSource, Flavor
from core.config.workspace import Workspace
from core.errors import CqlscopeError
from core.grafana.flavors import prepare_query
from core.grafana.plugins.gotext import go_json_dumps
from core.grafana.templating import Variable, load_variables
from core.grafana.timerange import Interval, TimeRange, interval_to_ms


def query(ws: Workspace, args: argparse.Namespace) -> int:
    """`query`: a target file (emulated plugin, or its CQL through the normal path) or plain CQL."""
    if args.target is None:
        if args.format == "plugin":
            raise UsageError("--format plugin needs --target FILE (a panel target's JSON).")
        if args.cql is None:
            raise UsageError("Give the CQL to run, or --target FILE.")
        return query_commands.query(ws, args)
    if args.cql is not None:
        raise UsageError("Give either CQL or --target FILE, not both.")
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
        raise UsageError(f"cannot read the target file {path}: {error.strerror or error}.",
                         title="Invalid target") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{path} is not JSON (line {error.lineno}, column {error.colno}: {error.msg}).",
                         title="Invalid target") from None
    except (UnicodeDecodeError, RecursionError):
        raise UsageError(f"{path} is not a JSON panel target (not UTF-8 text, or nested too deep).",
                         title="Invalid target") from None
    if not isinstance(target, dict):
        raise UsageError(f"{path} must hold one JSON object: a panel target as Grafana stores it.",
                         title="Invalid target")
    return target


def _range(args: argparse.Namespace) -> tuple[TimeRange, Interval, dict[str, Variable]]:
    from core.query.targets import Viewer, panel_interval

    variables = load_variables(args.vars) if args.vars else {}
    if args.max_data_points < 1:
        raise UsageError("--max-data-points must be 1 or more.")
    span = query_commands.flag_time_range(args)
    if span.to_ms < span.from_ms:
        raise UsageError(f"The range ends before it starts ({args.time_from} .. {args.time_to}).",
                         title="Invalid time range")
    interval = (Interval(args.interval, interval_to_ms(args.interval)) if args.interval
                else panel_interval(span, args.max_data_points, args.min_interval, variables,
                                    Viewer(query_commands.browser_zone(args), query_commands.flag_globals(args))))
    return span, interval, variables


def _interpolated(flavor: str, text: str, variables: Mapping[str, Variable], span: TimeRange,
                  interval: Interval, args: argparse.Namespace) -> str:
    """The front end's template interpolation of one field (the backend's macros are left alone)."""
    prepared = prepare_query(flavor, text, variables, span, interval=interval, max_data_points=args.max_data_points,
                             browser_timezone=query_commands.browser_zone(args),
                             grafana_globals=query_commands.flag_globals(args))
    return prepared.interpolation.text


def _instance(ws: Workspace, ds: DataSource) -> Any:
    from core.query.plugin_answers import plugin_instance

    return plugin_instance(ws, ds)


def _plugin_query(ws: Workspace, ds: DataSource, target: dict[str, Any], args: argparse.Namespace) -> int:
    from core.query.targets import Viewer, prepare_target

    span, interval, variables = _range(args)
    prepared = prepare_target(ds.flavor.value, target, None, variables, {}, span, args.max_data_points,
                              interval=interval, viewer=Viewer(query_commands.browser_zone(args),
                                                               query_commands.flag_globals(args)))
    if prepared.front_end_error:
        print(go_json_dumps({"error": prepared.front_end_error}))
        print("cqlscope: the plugin's front end sends nothing for this target", file=sys.stderr)
        return EXIT_FAILED
    instance = _instance(ws, ds)
    try:
        answer = instance.query(prepared.request)
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
    """A builder target as plain CQL (the plugin's statement with its bound values written in)."""
    from core.query.targets import BUILDER_FIELDS, builder_cql

    text = builder_cql(target)
    if not text:
        missing = [name for name in BUILDER_FIELDS if not isinstance(target.get(name), str) or not target.get(name)]
        raise CqlscopeError(f"the builder target lacks {', '.join(missing)}.", title="Invalid target")
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
