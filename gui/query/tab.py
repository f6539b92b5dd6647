"""One query tab: the editor, host/flavor/run options, variables with a live preview, the time range,
and the result views (Table, Graph, As the plugin sees it, Inspector, History).

Queries run on the area's TaskRunner; progress comes back through a queued signal. The tab owns its
state and emits `finished(RunResult)` once the views show a run's result.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.config.saved_queries import HistoryEntry, QueryTabState
from core.config.workspace import Workspace
from core.cql.execution import CancelToken
from core.cql.schema import Schema
from core.cql.statements import classify
from core.errors import CqlscopeError, NotFoundError
from core.grafana.flavors import PreparedQuery
from core.grafana.templating import dump_variables, load_variables
from core.query import service
from core.query.service import QueryRequest, RunResult
from gui.common.prompts import Prompts
from gui.common.steps import Steps
from gui.common.text import plural
from gui.common.workers import TaskRunner
from gui.query.builder import BuilderPanel, sync_builder
from gui.query.editor import CqlEditor
from gui.query.grafana_context import GrafanaContext, GrafanaContextHolder
from gui.query.grafana_dialog import edit_context
from gui.query.history import CANCELLED_TEXT, HistoryPanel
from gui.query.inspector import Inspector, InspectorData
from gui.query.plugin_answer import ask_plugin
from gui.query.plugin_view import PluginViewPanel
from gui.query.preview import show_preview
from gui.query.progress_relay import ProgressRelay
from gui.query.result_steps import show_result
from gui.query.results_graph import ResultsGraph
from gui.query.results_table import ResultsTable
from gui.query.run_controls import ALL_HOSTS, RunControls
from gui.query.tab_layout import main_split, query_split, results_tabs
from gui.query.table_pages import PageRelay, after_next_paint
from gui.query.time_range import TimeRangePicker
from gui.query.variables import VariablesPanel

PREVIEW_DELAY_MS = 150


class QueryTab(QWidget):
    """A query tester for one data source; `finished` after each run, `state_changed` on edits."""

    finished = Signal(object)  # RunResult
    state_changed = Signal()
    status = Signal(str)
    error = Signal(str, str)
    ran = Signal(object)  # HistoryEntry
    succeeded = Signal()  # a run showed its result without error
    refresh_schema_requested = Signal()

    def __init__(self, workspace: Workspace, uid: str, tasks: TaskRunner, state: QueryTabState,
                 default_flavor: str, parent: QWidget | None = None,
                 context: GrafanaContextHolder | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.context = context or GrafanaContextHolder(self)  # the window's (user, org, browser zone...)
        self.dashboard: dict[str, Any] = {}  # the dashboard a panel was opened from (QueryTabState.dashboard)
        self.uid = uid
        self.tasks = tasks
        self.title = state.title
        self._default_flavor = default_flavor
        self._cancel: CancelToken | None = None
        self._running = False
        self._started = 0.0
        self._run_number = 0
        self._connected = False  # the running query reported its first page
        self.last_status = ""
        self.last_result: RunResult | None = None
        self._relay = ProgressRelay(self)
        self._relay.progress.connect(self._on_progress)
        self._pages = PageRelay(self._deliver_page, lambda: self._run_number, self)
        self.show_steps = Steps(self)  # what is left to show of the last result
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        # Asks before a statement that changes data or schema runs (tests answer it without a dialog).
        self.confirm_change: Callable[[str, str], bool] = Prompts(self).confirm_change
        self._build()
        self.set_state(state)

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.controls = RunControls()
        c = self.controls
        self.flavor_combo, self.host_combo, self.refresh_button = c.flavor_combo, c.host_combo, c.refresh_button
        self.run_button, self.cancel_button, self.progress_label = c.run_button, c.cancel_button, c.progress_label
        self.consistency_combo, self.limit_spin, self.fetch_spin = c.consistency_combo, c.limit_spin, c.fetch_spin
        self.timeout_spin, self.trace_check = c.timeout_spin, c.trace_check
        self.refresh_button.clicked.connect(self.refresh_schema_requested)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.time_picker = TimeRangePicker()
        c.grafana_button.clicked.connect(lambda: edit_context(self.context, self))
        self.context.changed.connect(self._on_context)
        self._on_context()

        self.editor = CqlEditor()
        with contextlib.suppress(NotFoundError):
            self.editor.default_keyspace = self.workspace.store.by_uid(self.uid).keyspace
        self.editor.run_requested.connect(self.run)
        self.editor.cancel_requested.connect(self.cancel)
        self.preview = QTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFont(self.editor.font())
        self.preview.setPlaceholderText("The query as the plugin would send it appears here.")
        self.editor.setMinimumHeight(48)
        self.preview.setMinimumHeight(36)
        self.preview_title = QLabel("<b>Preview</b> — the query after interpolation")
        self.variables = VariablesPanel()
        self.time_picker.interval_variables = self.variables.variables  # a min interval such as $iv reads them
        self.variables.changed.connect(self.time_picker.variables_changed)
        self.variables.failed.connect(self.error)
        self.builder = BuilderPanel()
        self.builder.changed.connect(self._on_builder_changed)
        query = query_split(self.editor, self.preview_title, self.preview, self.variables)

        self.table = ResultsTable()
        self.table.failed.connect(self.error)
        self.table.notified.connect(self.say)
        self.graph = ResultsGraph()
        self.plugin_panel = PluginViewPanel()
        self.plugin_panel.answer.requested.connect(self.ask_plugin)
        self.inspector = Inspector()
        self.history = HistoryPanel()
        self.history.rerun_requested.connect(self.rerun)
        self.results = results_tabs((self.table, "Table"), (self.graph, "Graph"),
                                    (self.plugin_panel, "As the plugin sees it"), (self.inspector, "Inspector"),
                                    (self.history, "History"))
        self.query_split = query
        main = self.main_split = main_split(query, self.results)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.controls)
        layout.addWidget(self.time_picker)
        layout.addWidget(self.builder)
        layout.addWidget(main, 1)

        self.editor.textChanged.connect(self._on_edited)
        self.variables.changed.connect(self._on_builder_changed)
        self.time_picker.changed.connect(self._on_builder_changed)
        self.flavor_combo.currentTextChanged.connect(lambda _text: self._on_builder_changed())
        self.host_combo.currentTextChanged.connect(lambda _text: self._on_edited())

    def say(self, text: str) -> None:
        """Say something in the status bar (the area shows it while this tab is the current one)."""
        self.last_status = text
        self.status.emit(text)

    def _on_builder_changed(self) -> None:
        sync_builder(self)
        self._on_edited()

    def grafana_context(self) -> GrafanaContext:
        """The window's Grafana context, on the dashboard this tab's panel came from if any."""
        return self.context.value.with_dashboard(self.dashboard)

    def _on_context(self) -> None:
        """The window's Grafana context changed: the range, the preview and the Options button follow it."""
        value = self.grafana_context()
        self.time_picker.set_context(value.fiscal_year_start_month, value.browser_timezone or None)
        self.controls.set_context_summary(value.summary())
        self._preview_timer.start()

    def _on_edited(self) -> None:
        self._preview_timer.start()
        self.state_changed.emit()

    # -- state ---------------------------------------------------------------------------------

    def set_state(self, state: QueryTabState) -> None:
        """Show a saved state (unknown variables files or values are dropped with a message)."""
        self.title = state.title
        self.dashboard = dict(state.dashboard)
        self._on_context()
        self.editor.setPlainText(state.text)
        self.flavor_combo.setCurrentText(state.flavor or self._default_flavor)
        self.host_combo.setCurrentText(ALL_HOSTS if state.all_hosts else state.host)
        try:
            self.variables.set_variables(load_variables(state.variables))
        except CqlscopeError as exc:
            self.error.emit(exc.title, exc.message)
        self.time_picker.set_range(state.raw_from, state.raw_to, state.timezone, state.max_data_points,
                                   state.week_start, state.min_interval)
        index = self.consistency_combo.findData(state.consistency)
        self.consistency_combo.setCurrentIndex(max(index, 0))
        self.limit_spin.setValue(state.limit)
        self.fetch_spin.setValue(state.fetch_size)
        self.timeout_spin.setValue(state.timeout)
        self.trace_check.setChecked(state.trace)
        self.builder.set_values(state.mode, state.builder, state.alias)
        self.update_preview()

    def state(self) -> QueryTabState:
        raw_from, raw_to, zone = self.time_picker.raw()
        host = self.host_text()
        return QueryTabState(
            title=self.title, text=self.editor.toPlainText(), flavor=self.flavor_combo.currentText(),
            host="" if host == ALL_HOSTS else host, all_hosts=host == ALL_HOSTS,
            variables=dump_variables(self.variables.variables()), raw_from=raw_from, raw_to=raw_to, timezone=zone,
            week_start=self.time_picker.week_start_value(), max_data_points=self.time_picker.max_points.value(),
            min_interval=self.time_picker.min_interval_value(), dashboard=dict(self.dashboard),
            consistency=str(self.consistency_combo.currentData()),
            limit=self.limit_spin.value(), fetch_size=self.fetch_spin.value(), timeout=self.timeout_spin.value(),
            trace=self.trace_check.isChecked(), mode="builder" if self.builder.is_builder() else "raw",
            builder=self.builder.fields(), alias=self.builder.alias_edit.text())

    def set_schema(self, schema: Schema) -> None:
        """Use a freshly loaded schema for completion and list its nodes in the host combo."""
        self.editor.set_schema(schema)
        self.controls.set_nodes(schema.nodes)

    def host_text(self) -> str:
        return self.controls.host_text()

    # -- preview -------------------------------------------------------------------------------

    def request(self) -> QueryRequest:
        """The query request the widgets describe (CqlscopeError for a bad time range)."""
        host = self.host_text()
        consistency = str(self.consistency_combo.currentData() or "") or None
        context = self.grafana_context()
        return QueryRequest(self.editor.toPlainText(), self.flavor_combo.currentText(), self.time_picker.time_range(),
                            self.variables.variables(), max_data_points=self.time_picker.max_points.value(),
                            min_interval=self.time_picker.min_interval_value(),
                            host="" if host == ALL_HOSTS else host, all_hosts=host == ALL_HOSTS,
                            consistency=consistency, timeout=self.timeout_spin.value() or None,
                            fetch_size=self.fetch_spin.value(), limit=self.limit_spin.value() or None,
                            trace=self.trace_check.isChecked(),
                            target_model=self.builder.target_model(self.editor.toPlainText())
                            if self.flavor_combo.currentText() == "cassandra" else None,
                            browser_timezone=context.browser_timezone or None,
                            grafana_globals=context.grafana_globals)

    def prepare(self) -> PreparedQuery:
        """The query as the selected flavor would prepare it, through the query service."""
        return service.prepare(self.request())

    def update_preview(self) -> None:
        show_preview(self)

    # -- running -------------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._running

    @property
    def run_number(self) -> int:
        """The number of the latest run started (a result or page of an earlier one is late)."""
        return self._run_number

    def run(self) -> None:
        """Prepare the query and run it on a worker; the views update when it reports back."""
        if self._running:
            return
        self.finish_showing()
        try:
            request = self.request()
            prepared = service.prepare(request)
        except CqlscopeError as exc:
            self.inspector.show_data(InspectorData(error_title=exc.title, error_message=exc.message))
            self.error.emit(exc.title, exc.message)
            return
        if prepared.rejected:
            self.inspector.show_data(InspectorData(prepared, error_title="Rejected by the plugin",
                                                   error_message=prepared.rejected))
            self.results.setCurrentWidget(self.inspector)
            self.error.emit("Rejected by the plugin",
                            prepared.rejected + " Choose the generic flavor to run it anyway.")
            return
        try:
            ds = self.workspace.store.by_uid(self.uid)
        except CqlscopeError as exc:
            self.error.emit(exc.title, exc.message)
            return
        kind = classify(prepared.text)
        if kind.changes_something and not ds.test_datasource and not self.confirm_change(ds.name, kind.describe()):
            self.say(f"Not run: the statement {kind.describe()}.")
            return
        options = service.route(prepared, request)
        cancel = CancelToken()
        self._cancel = cancel
        self._run_number += 1
        run_number = self._run_number
        self._connected = False
        self.set_running(True)
        self._started = time.perf_counter()
        self.say("Running…")
        workspace = self.workspace
        progress = self._relay.reporter()
        sink = self._pages.sink_for(run_number)
        # Fetched in a child process (core.query.fetch_process): the window keeps its CPU and its GIL.
        self.tasks.start(lambda: service.run(workspace, ds, prepared, options, cancel, progress, sink=sink,
                                             isolated=True),
                         lambda result: self._show_result(result) if run_number == self._run_number else None)

    def cancel(self) -> None:
        """Ask the running query to stop before its next page; the buttons react at once."""
        if not self._running or self._cancel is None:
            return
        self._cancel.cancel()
        if not self._connected:
            # Still connecting: the driver cannot be interrupted, so the run is abandoned here and its late
            # result dropped; the tab is free at once.
            self._run_number += 1
            self.set_running(False)
            duration = (time.perf_counter() - self._started) * 1000
            self.progress_label.setText(f"Cancelled after {duration:.0f} ms")
            self.say("Cancelled before the first rows arrived: nothing was fetched.")
            self.record_run(duration, rows=0, ok=False, error=CANCELLED_TEXT)
            return
        self.cancel_button.setEnabled(False)
        self.progress_label.setText("Cancelling…")
        self.say("Cancelling…")

    def set_running(self, running: bool) -> None:
        self._running = running
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress_label.setText("Running…")

    def _on_progress(self, rows: int, pages: int, elapsed: float) -> None:
        self._relay.delivered()
        if not self._running:
            return
        self._connected = True
        text = f"{plural(rows, 'row')} · {plural(pages, 'page')} · {elapsed:.1f} s"
        if self._cancel is not None and self._cancel.cancelled:
            text = "Cancelling… " + text
        self.progress_label.setText(text)
        self.say(text)

    def _deliver_page(self, run: int, page: Any) -> None:
        first = self.table.stream_run != run
        self.table.add_page(run, page)
        if first:
            after_next_paint(self.table.view.viewport(), self._pages.first_page_shown)

    def _show_result(self, result: Any) -> None:
        """Show a run's result in steps (gui.query.result_steps); `finished` comes after the last."""
        assert isinstance(result, RunResult)
        show_result(self, result)

    def finish_showing(self) -> None:
        """Take every step of the result being shown now (a new run or result must not interleave with it)."""
        self.show_steps.finish()

    def record_run(self, duration_ms: float, *, rows: int, ok: bool, error: str) -> None:
        """Add the run to the history, with the same duration the toolbar shows (RunResult.duration_ms)."""
        raw_from, raw_to, zone = self.time_picker.raw()
        self.ran.emit(HistoryEntry(
            text=self.editor.toPlainText(), variables=dump_variables(self.variables.variables()), raw_from=raw_from,
            raw_to=raw_to, timezone=zone, flavor=self.flavor_combo.currentText(), host=self.host_text(),
            max_data_points=self.time_picker.max_points.value(), min_interval=self.time_picker.min_interval_value(),
            duration_ms=duration_ms, rows=rows, ok=ok, error=error))

    def ask_plugin(self) -> None:
        """Run the query through the emulated plugin on a worker (gui.query.plugin_answer)."""
        ask_plugin(self)

    def rerun(self, entry: Any) -> None:
        """Restore a history entry's query, variables, time range, interval options, flavor and host, then run it."""
        assert isinstance(entry, HistoryEntry)
        state = self.state()
        state.text, state.variables = entry.text, entry.variables
        state.raw_from, state.raw_to, state.timezone = entry.raw_from, entry.raw_to, entry.timezone
        if entry.max_data_points > 0:
            state.max_data_points, state.min_interval = entry.max_data_points, entry.min_interval
        state.flavor = entry.flavor or state.flavor
        state.all_hosts = entry.host == ALL_HOSTS
        state.host = "" if state.all_hosts else entry.host
        self.set_state(state)
        self.run()
