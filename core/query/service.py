"""The one query service: prepare (flavor, variables, time range) → route (host override, all hosts) →
run (paging, limit, cancel, trace) → derive (graph series, the plugin's frames, the compatibility report).

`cqlscope query`, `cqlscope render`, the GUI's Query tab and the dashboard checker all go through it, so
they agree on routing, option checks and errors. Errors never escape `run`: a failed query comes back in
`RunResult.error_*`, and a view that could not be derived carries its own error in `RunResult.view_errors`.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.config.datasource import DataSource
from core.config.workspace import Workspace
from core.cql.defaults import DEFAULT_FETCH_SIZE
from core.cql.execution import CancelToken, PageSink, Progress, QueryOutcome, RunOptions, run_query
from core.errors import CqlscopeError
from core.findings import Finding
from core.grafana.flavors import PreparedQuery, prepare_query
from core.grafana.frames import Frame
from core.grafana.globals import GrafanaGlobals
from core.grafana.plugin_response import PluginView
from core.grafana.report import compatibility_report
from core.grafana.series import GraphData
from core.grafana.templating import Variable
from core.grafana.timerange import DEFAULT_MAX_DATA_POINTS, Interval, TimeRange
from core.query.fetch_process import run_query_isolated
from core.query.views import ViewBuilder

ALL_VIEWS = frozenset({"graph", "plugin", "report"})

_gc_lock = threading.Lock()
_gc_state = {"pauses": 0, "was_enabled": False}


@dataclass
class QueryRequest:
    """One query test: the text and the dashboard context the plugin sees, plus cqlscope's own testing options.

    `host` is cqlscope's host override (one node, a comma list, variables allowed); `all_hosts` runs the query on
    every listed node, or on every node of the cluster when no host is given.
    """

    text: str
    flavor: str
    time_range: TimeRange
    variables: Mapping[str, Variable] = field(default_factory=dict)
    interval: Interval | None = None  # None: computed from the range, max data points and min interval
    max_data_points: int = DEFAULT_MAX_DATA_POINTS
    min_interval: str = ""  # the panel's Min interval, the lowest the computed interval may be
    host: str = ""
    all_hosts: bool = False
    consistency: str | None = None
    timeout: float | None = None
    fetch_size: int = DEFAULT_FETCH_SIZE
    limit: int | None = None
    trace: bool = False
    target_model: dict[str, Any] | None = None  # the plugin's own target fields (builder mode, alias), if any
    browser_timezone: str | None = None  # the viewer's zone (None: this machine's)
    grafana_globals: GrafanaGlobals | None = None  # user, org and dashboard (None: a fresh Grafana's)


@dataclass
class RunResult:
    """The outcome of a run (or its error) and the views derived from it."""

    prepared: PreparedQuery
    options: RunOptions
    outcome: QueryOutcome | None = None
    graph: GraphData = field(default_factory=GraphData)
    plugin_view: PluginView | None = None
    findings: list[Finding] = field(default_factory=list)
    view_errors: dict[str, str] = field(default_factory=dict)  # view name -> why it could not be derived
    error_title: str = ""
    error_message: str = ""
    error_kind: str = ""
    duration_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error_title

    @property
    def rows(self) -> int:
        return self.outcome.row_count if self.outcome is not None else 0


def prepare(request: QueryRequest) -> PreparedQuery:
    """The query as the flavor's plugin would send it; needs no data source, so it never reads the profile."""
    if request.max_data_points < 1:
        raise CqlscopeError("Max data points must be 1 or more.", title="Invalid option")
    span = request.time_range
    if span.to_ms < span.from_ms:
        raise CqlscopeError(f"The range ends before it starts ({span.raw_from} .. {span.raw_to}).",
                            title="Invalid time range")
    return prepare_query(request.flavor, request.text, request.variables, span, interval=request_interval(request),
                         max_data_points=request.max_data_points, host=request.host or None,
                         all_hosts=request.all_hosts, browser_timezone=request.browser_timezone,
                         grafana_globals=request.grafana_globals)


def request_interval(request: QueryRequest) -> Interval | None:
    """The request's $__interval: its own, else (with a min interval, interpolated with the variables) the computed
    one; None lets the flavor compute it from the range and max data points. TimeExpressionError for a min interval
    that does not parse."""
    if request.interval is not None or not request.min_interval:
        return request.interval
    from core.query.targets import Viewer, panel_interval

    return panel_interval(request.time_range, request.max_data_points, request.min_interval, request.variables,
                          Viewer(request.browser_timezone, request.grafana_globals))


def route(prepared: PreparedQuery, request: QueryRequest) -> RunOptions:
    """Where the statement runs, from cqlscope's host override (a testing feature; the plugin's own routing is
    what the report describes).

    No host: the data source's session picks a coordinator. One host: the query is pinned to it. A list without
    "all hosts": pinned to the first host, as the scylla plugin only ever looks at the first. "All hosts": once
    per listed host, or on every node of the cluster when none is listed.
    """
    options = RunOptions(consistency=request.consistency, timeout=request.timeout, fetch_size=request.fetch_size,
                         limit=request.limit, trace=request.trace)
    hosts = prepared.hosts
    if request.all_hosts:
        options.all_hosts = True
        options.hosts = hosts or None
    elif hosts:
        options.host = hosts[0]
    return options


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while results are built: with millions of new row objects a
    full collection on the worker holds the GIL for most of a second and freezes the window."""
    with _gc_lock:
        if _gc_state["pauses"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["pauses"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["pauses"] -= 1
            if _gc_state["pauses"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


def run(workspace: Workspace, ds: DataSource, prepared: PreparedQuery, options: RunOptions,
        cancel: CancelToken | None = None, progress: Progress | None = None,
        views: Collection[str] = ALL_VIEWS, sink: PageSink | None = None, *, isolated: bool = False) -> RunResult:
    """Run the prepared statement and derive the asked views from each page as it arrives (no second pass over
    the rows); every error is captured in the result. `sink` gets each page too (streamed output). `isolated`
    fetches in a child process (core.query.fetch_process), for a GUI: the same pages, views and result."""
    started = time.perf_counter()
    result = RunResult(prepared, options)
    builder = ViewBuilder(prepared.flavor.name, views)

    def on_page(page: Frame) -> None:
        builder.add(page)
        if sink is not None:
            sink(page)

    try:
        with gc_paused():
            if isolated:  # the child builds the views from the pages it sends: they cost this process nothing
                fetched = run_query_isolated(workspace, ds, prepared.text, options, builder, cancel, progress, sink)
                result.outcome, builder = fetched.outcome, fetched.views
            else:
                result.outcome = run_query(workspace, ds, prepared.text, options, cancel=cancel or CancelToken(),
                                           progress=progress, sink=on_page)
                builder.finish(result.outcome.frame)
            derive(result, builder)
    except CqlscopeError as exc:
        result.error_title, result.error_message = exc.title, exc.message
        failure = getattr(exc, "failure", None)
        result.error_kind = str(getattr(failure, "kind", ""))
        if "report" in views:
            result.findings = compatibility_report(prepared, error=result.error_message)
    except Exception as exc:  # a bug or an unexpected driver error: reported, never a traceback
        result.error_title = "Unexpected error"
        result.error_message = f"{type(exc).__name__}: {exc}"
    result.duration_ms = (time.perf_counter() - started) * 1000
    return result


def derive(result: RunResult, builder: ViewBuilder) -> None:
    """Complete each asked view from what the builder gathered; a view that fails records its error instead of
    looking empty."""
    result.view_errors.update(builder.view_errors)
    if "graph" in builder.views and "graph" not in result.view_errors:
        try:
            result.graph = builder.graph()
        except Exception as exc:
            result.view_errors["graph"] = f"{type(exc).__name__}: {exc}"
    result.plugin_view = builder.plugin_view
    if "report" in builder.views and "report" not in result.view_errors:
        try:
            result.findings = compatibility_report(result.prepared, facts=builder.facts, groups=builder.groups,
                                                   error=result.error_message or None)
        except Exception as exc:
            result.view_errors["report"] = f"{type(exc).__name__}: {exc}"
