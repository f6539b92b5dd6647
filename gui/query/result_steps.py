"""How a query tab shows a run's result: in steps, one per turn of the event loop (table, plugin view, graph,
history), so that no single step of a million-row result holds the window's thread for long."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.query.service import RunResult
from gui.common.text import plural
from gui.query.history import CANCELLED_TEXT
from gui.query.inspector import InspectorData

if TYPE_CHECKING:
    from gui.query.tab import QueryTab


def show_result(tab: QueryTab, result: RunResult) -> None:
    """Show `result` in the tab's views; the tab emits `finished` after the last step."""
    tab.finish_showing()
    tab.set_running(False)
    tab.last_result = result
    outcome = result.outcome
    tab.inspector.show_data(InspectorData(result.prepared, outcome, result.error_title, result.error_message))
    if outcome is None:
        tab.table.show_frame(None, run=tab.run_number)
        tab.graph.show_message("The query failed: see the Inspector.")
        tab.plugin_panel.show_view(None, result.findings, result.view_errors)
        tab.results.setCurrentWidget(tab.inspector)
        tab.progress_label.setText("Failed")
        tab.say(f"Query failed: {result.error_title}")
        tab.error.emit(result.error_title, result.error_message)
        _end_showing(tab, result)
        return
    tab.table.show_frame(outcome.frame, truncated=outcome.truncated, cancelled=outcome.cancelled,
                          limit=result.options.limit, run=tab.run_number)
    if tab.results.currentWidget() in (tab.inspector, tab.history):
        tab.results.setCurrentWidget(tab.table)
    state = " (cancelled)" if outcome.cancelled else " (truncated)" if outcome.truncated else ""
    summary = (f"{plural(outcome.row_count, 'row')}{state} in {result.duration_ms:.0f} ms · "
               f"{plural(outcome.pages, 'page')}")
    tab.progress_label.setText(summary)
    tab.say(summary)

    def graph() -> None:
        if "graph" in result.view_errors:
            tab.graph.show_message(f"The graph could not be built: {result.view_errors['graph']}")
        else:
            tab.graph.show_data(result.graph, result.prepared.time_range.timezone)

    def plugin_view() -> None:
        tab.plugin_panel.show_view(result.plugin_view, result.findings, result.view_errors)
        if not outcome.cancelled:
            tab.succeeded.emit()

    # The graph after the plugin view: the paint of its new axes follows its step (some 30 ms for a graph in sight).
    tab.show_steps.add(plugin_view, graph, lambda: _end_showing(tab, result))


def _end_showing(tab: QueryTab, result: RunResult) -> None:
    outcome = result.outcome
    cancelled = outcome is not None and outcome.cancelled
    tab.record_run(result.duration_ms, rows=result.rows, ok=result.ok and not cancelled,
                 error=CANCELLED_TEXT if cancelled else result.error_message)
    tab.finished.emit(result)
