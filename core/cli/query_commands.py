"""`cqlscope render` and `cqlscope query`: a query prepared and run as the plugin would, through the
one query service (core.query.service)."""

from __future__ import annotations

import argparse
import sys

from core.cli.common import EXIT_FAILED, EXIT_OK, UsageError, print_findings
from core.config.datasource import host_problem
from core.config.workspace import Workspace
from core.cql.execution import QueryOutcome
from core.grafana.globals import GrafanaGlobals
from core.grafana.timerange import TimeRange
from core.query import service
from core.query.service import QueryRequest


def browser_zone(args: argparse.Namespace) -> str:
    """--browser-timezone, or this machine's zone (what a browser here reports)."""
    from core.grafana.timerange import local_zone_name

    zone: str | None = getattr(args, "browser_timezone", None)
    return zone if zone not in (None, "", "browser") else local_zone_name()


def flag_time_range(args: argparse.Namespace) -> TimeRange:
    """--from/--to read as Grafana reads its URL, with the dashboard's zone, week start and fiscal year."""
    from core.grafana.timerange import time_range, week_start_index

    if not 1 <= args.fiscal_year_start_month <= 12:
        raise UsageError("--fiscal-year-start-month must be 1 (January) to 12 (December).")
    week_start_index(args.week_start)  # a clear error for an unknown day
    return time_range(args.time_from, args.time_to, args.timezone, week_start=args.week_start,
                      fiscal_year_start_month=args.fiscal_year_start_month - 1, browser_timezone=browser_zone(args),
                      source="url")


def flag_globals(args: argparse.Namespace) -> GrafanaGlobals:
    """Grafana's user, org and dashboard from the flags (a dashboard check has no dashboard flags: the file says)."""
    default = GrafanaGlobals()
    return GrafanaGlobals(
        user_login=args.user_login, user_email=args.user_email, user_id=args.user_id, org_name=args.org_name,
        org_id=args.org_id, dashboard_uid=getattr(args, "dashboard_uid", default.dashboard_uid),
        dashboard_title=getattr(args, "dashboard_title", default.dashboard_title),
    )


def _request(args: argparse.Namespace, flavor: str) -> QueryRequest:
    """The query request from the flags: text, variables, time range, interval, Grafana's settings and (for query)
    run options."""
    from core.grafana.templating import load_variables
    from core.grafana.timerange import Interval, interval_to_ms

    variables = load_variables(args.vars) if args.vars else {}
    if args.max_data_points < 1:
        raise UsageError("--max-data-points must be 1 or more.")
    span = flag_time_range(args)
    interval = Interval(args.interval, interval_to_ms(args.interval)) if args.interval else None
    text = args.text if hasattr(args, "text") else args.cql
    request = QueryRequest(text, flavor, span, variables, interval=interval, max_data_points=args.max_data_points,
                           min_interval=args.min_interval, host=args.host or "",
                           all_hosts=bool(getattr(args, "all_hosts", False)), browser_timezone=browser_zone(args),
                           grafana_globals=flag_globals(args))
    if hasattr(args, "fetch_size"):
        request.consistency, request.timeout, request.fetch_size = args.consistency, args.timeout, args.fetch_size
        request.limit, request.trace = args.limit, args.trace
    return request


def render(ws: Workspace, args: argparse.Namespace) -> int:
    """Print the text the plugin would send; findings go to standard error. Reads no profile."""
    from core.grafana.report import query_findings

    prepared = service.prepare(_request(args, args.flavor))
    sys.stdout.write(prepared.text + "\n")
    if prepared.hosts:
        print(f"host field: {','.join(prepared.hosts)}", file=sys.stderr)
    print_findings(query_findings(prepared), args.report == "json")
    return EXIT_OK


def query(ws: Workspace, args: argparse.Namespace) -> int:
    """Run the query through the service and write the rows; the outcome and the report go to standard error."""
    from core.grafana.report import compatibility_report
    from core.query.result_writers import StreamingWriter, write_frames, write_table

    ds = ws.store.get(args.name)
    request = _request(args, args.flavor or ds.flavor.value)
    prepared = service.prepare(request)
    for host in prepared.hosts:  # the override pins the query to these nodes: each must be a host
        if (problem := host_problem(host, ds.port)) is not None:
            raise UsageError(f"--host: {problem}")
    as_json = args.report == "json"
    if prepared.rejected:
        print_findings(compatibility_report(prepared), as_json)
        print(f"cqlscope: not run: {prepared.rejected}", file=sys.stderr)
        return EXIT_FAILED
    # CSV and JSON rows are written page by page while the next page is fetched; the others need every row.
    stream = StreamingWriter(args.format, sys.stdout) if args.format in StreamingWriter.FORMATS else None
    options = service.route(prepared, request)
    options.keep_rows = stream is None  # streamed rows are written and dropped: memory stays flat
    options.text_pages = stream is not None
    result = service.run(ws, ds, prepared, options, views={"report"},
                         sink=stream.page if stream is not None else None)
    outcome = result.outcome
    if outcome is None:
        print_findings(result.findings, as_json)  # they often explain the error
        print(f"cqlscope: {result.error_title.lower()}: {result.error_message}", file=sys.stderr)
        if stream is not None and stream.rows:
            print(f"cqlscope: the output is incomplete: {stream.rows:,} rows were written before the error",
                  file=sys.stderr)
        return EXIT_FAILED
    if stream is not None:
        stream.finish(outcome.frame)
    elif args.format == "frame":
        write_frames([outcome.frame], sys.stdout)
    else:
        write_table(outcome.frame, sys.stdout)
    sys.stdout.flush()
    _print_outcome(outcome, args.limit)
    print_findings(result.findings, as_json)
    for view, problem in result.view_errors.items():
        print(f"cqlscope: the {view} could not be built: {problem}", file=sys.stderr)
    return EXIT_FAILED if result.view_errors else EXIT_OK


def _print_outcome(outcome: QueryOutcome, limit: int | None) -> None:
    nodes = ", ".join(outcome.hosts) or "?"
    print(f"{outcome.row_count} rows, {outcome.pages} page(s), {outcome.total_ms:.0f} ms, answered by {nodes}",
          file=sys.stderr)
    if outcome.truncated:
        print(f"truncated: more rows exist beyond the limit of {limit}", file=sys.stderr)
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for trace in outcome.traces:
        print(f"trace: coordinator {trace.coordinator}, {trace.duration_us} us", file=sys.stderr)
        for event in trace.events:
            print(f"  {event.source_elapsed_us:>8} us  {event.source}  {event.description}", file=sys.stderr)
