"""`cqlscope dashboard check`: the CQL panels of a dashboard file, run as Grafana would, one line each."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from core.cli.common import EXIT_FAILED, EXIT_OK, UsageError
from core.cli.query_commands import browser_zone, flag_globals
from core.config.workspace import Workspace
from core.grafana.dashboards.model import load_dashboard
from core.query.dashboard_check import CheckOptions, DashboardReport, check_dashboard, dashboard_zone
from core.query.targets import Viewer


def check(ws: Workspace, args: argparse.Namespace) -> int:
    """Check every panel; exit 1 when any would fail."""
    from core.grafana.timerange import time_range

    if args.panel_width is not None and args.panel_width < 1:
        raise UsageError("--panel-width must be 1 or more (pixels).")
    dashboard = load_dashboard(args.file)
    viewer = Viewer(browser_zone(args), flag_globals(args))
    span = None
    if args.time_from or args.time_to or args.timezone:
        zone = args.timezone or dashboard_zone(dashboard.timezone)
        span = time_range(args.time_from or dashboard.time_from, args.time_to or dashboard.time_to, zone,
                          week_start=dashboard.week_start or None,
                          fiscal_year_start_month=dashboard.fiscal_year_start_month,
                          browser_timezone=viewer.browser_timezone,
                          source="url" if args.time_from or args.time_to else "dashboard")
    report = check_dashboard(ws, dashboard, CheckOptions(args.datasource, args.var, span, viewer, args.panel_width))
    if args.format == "json":
        write_json(report, sys.stdout)
    else:
        write_text(report, sys.stdout)
    return EXIT_FAILED if report.failed else EXIT_OK


def write_json(report: DashboardReport, out: TextIO) -> None:
    variables = {name: {"type": state.kind, "value": state.variable.value, "all": state.variable.all_selected,
                        "options": [value for _text, value in state.options], "notes": state.notes,
                        "error": state.error} for name, state in report.variables.items()}
    json.dump({"dashboard": report.title, "from": report.time_range.from_ms, "to": report.time_range.to_ms,
               "variables": variables, "panels": [c.to_dict() for c in report.checks], "failed": report.failed},
              out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_text(report: DashboardReport, out: TextIO) -> None:
    print(f"dashboard {report.title}: {report.time_range.raw_from} .. {report.time_range.raw_to}", file=out)
    for name, state in report.variables.items():
        value = "All" if state.variable.all_selected else state.variable.value
        line = f"  ${name} = {value!r}"
        if state.error:
            line += f"  ERROR: {state.error}"
        print(line, file=out)
        for note in state.notes:
            print(f"    note: {note}", file=out)
    for check in report.checks:
        head = f"[{check.status.upper()}] {check.panel} / {check.ref_id} ({check.plugin}"
        head += f" on {check.datasource})" if check.datasource else ")"
        print(head, file=out)
        if check.cql:
            print(f"    cql: {' '.join(check.cql.split())}", file=out)
        if check.status not in ("skipped", "error"):
            print(f"    rows: {check.rows}", file=out)
        if check.message:
            print(f"    {check.message}", file=out)
        for warning in check.warnings:
            print(f"    warning: {warning}", file=out)
    failed = sum(1 for c in report.checks if c.status == "error")
    print(f"{len(report.checks)} target(s), {failed} failing", file=out)
