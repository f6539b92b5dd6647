"""`cqlscope render` and `cqlscope query`: a query prepared and run as the plugin would, through the
one query service (core.query.service)."""

from __future__ import annotations

import argparse
import sys

from core.cli.common import EXIT_FAILED, EXIT_OK, print_findings
from core.config.workspace import Workspace
from core.cql.execution import QueryOutcome
from core.errors import CqlscopeError
from core.query import service
from core.query.service import QueryRequest


def _request(args: argparse.Namespace, flavor: str) -> QueryRequest:
    """The query request from the flags: text, variables, time range, interval and (for query) run options."""
    from core.grafana.templating import load_variables
    from core.grafana.timerange import Interval, interval_to_ms, time_range

    variables = load_variables(args.vars) if args.vars else {}
    if args.max_data_points < 1:
        raise CqlscopeError("--max-data-points must be 1 or more.", title="Invalid option")
    span = time_range(args.time_from, args.time_to, args.timezone)
    interval = Interval(args.interval, interval_to_ms(args.interval)) if args.interval else None
    text = args.text if hasattr(args, "text") else args.cql
    request = QueryRequest(text, flavor, span, variables, interval=interval, max_data_points=args.max_data_points,
                           host=args.host or "", all_hosts=bool(getattr(args, "all_hosts", False)))
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
    from core.query.result_writers import write_csv, write_frames, write_json_rows, write_table

    ds = ws.store.get(args.name)
    request = _request(args, args.flavor or ds.flavor.value)
    prepared = service.prepare(request)
    as_json = args.report == "json"
    if prepared.rejected:
        print_findings(compatibility_report(prepared), as_json)
        print(f"cqlscope: not run: {prepared.rejected}", file=sys.stderr)
        return EXIT_FAILED
    result = service.run(ws, ds, prepared, service.route(prepared, request), views={"report"})
    outcome = result.outcome
    if outcome is None:
        print_findings(result.findings, as_json)  # they often explain the error
        print(f"cqlscope: {result.error_title.lower()}: {result.error_message}", file=sys.stderr)
        return EXIT_FAILED
    writers = {"table": write_table, "csv": write_csv, "json": write_json_rows}
    if args.format == "frame":
        write_frames([outcome.frame], sys.stdout)
    else:
        writers[args.format](outcome.frame, sys.stdout)
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
