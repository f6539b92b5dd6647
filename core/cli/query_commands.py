"""`cqlscope render` and `cqlscope query`: a query prepared and run as the plugin would, through the
one query service (core.query.service)."""

from __future__ import annotations

import argparse
import sys

from core.cli.common import EXIT_FAILED, EXIT_OK, print_findings
from core.config.workspace import Workspace
from core.errors import CqlscopeError
from core.grafana.flavors import PreparedQuery, prepare_query


def _prepare(args: argparse.Namespace, flavor: str, host: str | None, all_hosts: bool) -> PreparedQuery:
    """Variables, time range, interval and Grafana's settings from the flags, then the flavor's preparation."""
    from core.grafana.globals import GrafanaGlobals
    from core.grafana.templating import load_variables
    from core.grafana.timerange import Interval, interval_to_ms, local_zone_name, time_range, week_start_index

    variables = load_variables(args.vars) if args.vars else {}
    if args.max_data_points < 1:
        raise CqlscopeError("--max-data-points must be 1 or more.", title="Invalid option")
    if not 1 <= args.fiscal_year_start_month <= 12:
        raise CqlscopeError("--fiscal-year-start-month must be 1 (January) to 12 (December).", title="Invalid option")
    week_start_index(args.week_start)  # a clear error for an unknown day
    browser = args.browser_timezone if args.browser_timezone not in (None, "", "browser") else local_zone_name()
    span = time_range(args.time_from, args.time_to, args.timezone, week_start=args.week_start,
                      fiscal_year_start_month=args.fiscal_year_start_month - 1, browser_timezone=browser,
                      source="url")
    if span.to_ms < span.from_ms:
        raise CqlscopeError(f"The range ends before it starts ({args.time_from} .. {args.time_to}).",
                            title="Invalid time range")
    interval = Interval(args.interval, interval_to_ms(args.interval)) if args.interval else None
    text = args.text if hasattr(args, "text") else args.cql
    grafana_globals = GrafanaGlobals(
        user_login=args.user_login, user_email=args.user_email, user_id=args.user_id, org_name=args.org_name,
        org_id=args.org_id, dashboard_uid=args.dashboard_uid, dashboard_title=args.dashboard_title,
    )
    return prepare_query(flavor, text, variables, span, interval=interval, max_data_points=args.max_data_points,
                         host=host, all_hosts=all_hosts, browser_timezone=browser, grafana_globals=grafana_globals)


def render(ws: Workspace, args: argparse.Namespace) -> int:
    from core.grafana.report import query_findings

    prepared = _prepare(args, args.flavor, args.host, False)
    sys.stdout.write(prepared.text + "\n")
    if prepared.hosts:
        print(f"host field: {','.join(prepared.hosts)}", file=sys.stderr)
    print_findings(query_findings(prepared), args.report == "json")
    return EXIT_OK


def query(ws: Workspace, args: argparse.Namespace) -> int:
    from core.cql.execution import RunOptions, run_query
    from core.grafana.report import compatibility_report
    from core.query.result_writers import write_csv, write_frames, write_json_rows, write_table

    ds = ws.store.get(args.name)
    flavor = args.flavor or ds.flavor.value
    prepared = _prepare(args, flavor, args.host, args.all_hosts)
    if prepared.rejected:
        print_findings(compatibility_report(prepared), args.report == "json")
        print(f"cqlscope: not run: {prepared.rejected}", file=sys.stderr)
        return EXIT_FAILED
    host: str | None = None
    fan_out: list[str] | None = None
    if args.all_hosts:
        fan_out = prepared.hosts or None
    elif prepared.hosts:
        host = prepared.hosts[0]  # like the scylla plugin: without all hosts only the first is used
    elif args.host:
        host = args.host
    options = RunOptions(consistency=args.consistency, timeout=args.timeout, fetch_size=args.fetch_size,
                         limit=args.limit, host=host, all_hosts=args.all_hosts, hosts=fan_out, trace=args.trace)
    try:
        outcome = run_query(ws, ds, prepared.text, options)
    except CqlscopeError:
        print_findings(compatibility_report(prepared), args.report == "json")  # they often explain the error
        raise
    writers = {"table": write_table, "csv": write_csv, "json": write_json_rows}
    if args.format == "frame":
        write_frames([outcome.frame], sys.stdout)
    else:
        writers[args.format](outcome.frame, sys.stdout)
    sys.stdout.flush()
    nodes = ", ".join(outcome.hosts) or "?"
    print(f"{outcome.row_count} rows, {outcome.pages} page(s), {outcome.total_ms:.0f} ms, answered by {nodes}",
          file=sys.stderr)
    if outcome.truncated:
        print(f"truncated: more rows exist beyond the limit of {args.limit}", file=sys.stderr)
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for trace in outcome.traces:
        print(f"trace: coordinator {trace.coordinator}, {trace.duration_us} us", file=sys.stderr)
        for event in trace.events:
            print(f"  {event.source_elapsed_us:>8} us  {event.source}  {event.description}", file=sys.stderr)
    print_findings(compatibility_report(prepared, outcome.frame), args.report == "json")
    return EXIT_OK

