"""One run of the query tester, end to end and without Qt: run the prepared CQL, then build everything
the result views show (graph series, the plugin's frames, the compatibility report) on the same worker.

Errors never escape: they come back in `RunResult.error_title` / `error_message`.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from core.config.datasource import DataSource
from core.config.workspace import Workspace
from core.cql.execution import CancelToken, Progress, QueryOutcome, RunOptions, run_query
from core.errors import CqlscopeError
from core.grafana.flavors import PreparedQuery
from core.grafana.frames import Field, Frame
from core.grafana.plugin_response import PluginView, cassandra_view, scylla_view
from core.grafana.report import Finding, compatibility_report
from core.grafana.series import GraphData, graph_data

PLUGIN_VIEW_ROWS = 100_000  # the plugin view is computed on at most this many rows

_gc_lock = threading.Lock()
_gc_state = {"pauses": 0, "was_enabled": False}


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


@dataclass
class RunResult:
    """The outcome of a run (or its error) and the derived views."""

    prepared: PreparedQuery
    options: RunOptions
    outcome: QueryOutcome | None = None
    graph: GraphData = field(default_factory=GraphData)
    plugin_view: PluginView | None = None
    findings: list[Finding] = field(default_factory=list)
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


def run_options_for(prepared: PreparedQuery, base: RunOptions, host_text: str, all_hosts: bool) -> RunOptions:
    """Routing from the host field: the flavor's interpolated host list when it has one, else the raw text.

    One host pins the query; several (or "all hosts") fan out over them.
    """
    options = RunOptions(consistency=base.consistency, timeout=base.timeout, fetch_size=base.fetch_size,
                         limit=base.limit, trace=base.trace)
    hosts = prepared.hosts if prepared.flavor.host_field else [h for h in host_text.replace(",", " ").split() if h]
    if all_hosts:
        options.all_hosts = True
        options.hosts = hosts or None
    elif len(hosts) == 1:
        options.host = hosts[0]
    elif len(hosts) > 1:
        options.all_hosts = True
        options.hosts = hosts
    return options


def plugin_view_for(flavor: str, frame: Frame) -> PluginView | None:
    """The frames the flavor's plugin builds (none for the generic flavor), on the first rows only."""
    if flavor == "generic":
        return None
    head = frame
    if frame.row_count > PLUGIN_VIEW_ROWS:
        head = Frame(frame.name, [Field(f.name, f.cql_type, f.type, f.element, f.values[:PLUGIN_VIEW_ROWS],
                                        dict(f.labels)) for f in frame.fields], dict(frame.meta))
    view = scylla_view(head) if flavor == "scylla" else cassandra_view(head)
    if head is not frame:
        view.notes.append(f"Computed on the first {PLUGIN_VIEW_ROWS:,} of {frame.row_count:,} rows.")
    return view


def execute_run(workspace: Workspace, ds: DataSource, prepared: PreparedQuery, options: RunOptions,
                cancel: CancelToken, progress: Progress | None = None) -> RunResult:
    """Run the prepared statement and derive the views; every error is captured in the result."""
    started = time.perf_counter()
    result = RunResult(prepared, options)
    try:
        with gc_paused():
            result.outcome = run_query(workspace, ds, prepared.text, options, cancel=cancel, progress=progress)
            result.graph = graph_data(result.outcome.frame)
            result.plugin_view = plugin_view_for(prepared.flavor.name, result.outcome.frame)
            result.findings = compatibility_report(prepared, result.outcome.frame)
    except CqlscopeError as exc:
        result.error_title, result.error_message = exc.title, exc.message
        failure = getattr(exc, "failure", None)
        result.error_kind = str(getattr(failure, "kind", ""))
        result.findings = compatibility_report(prepared, None, error=exc.message)
    except Exception as exc:  # a bug or an unexpected driver error: reported, never a traceback
        result.error_title = "Unexpected error"
        result.error_message = f"{type(exc).__name__}: {exc}"
    result.duration_ms = (time.perf_counter() - started) * 1000
    return result
