"""The dashboard view (File → Open dashboard…): the dashboard's variables as dropdowns, its time range,
and every CQL panel with the status Grafana would show, filled by running them all on a worker.

It runs the same `core.query.dashboard_check.check_dashboard` as `cqlscope dashboard check`, so the two
agree. Opening a panel asks the window to show its query in a query tab.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.config.workspace import Workspace
from core.grafana.dashboards.model import Dashboard
from core.grafana.timerange import DEFAULT_MAX_DATA_POINTS
from core.query.dashboard_check import CheckOptions, DashboardReport, PanelCheck, check_dashboard, dashboard_zone
from gui.common.workers import TaskRunner
from gui.dashboards.variable_bar import VariableBar
from gui.query.grafana_context import GrafanaContextHolder
from gui.query.time_range import TimeRangePicker

COLUMNS = ("Panel", "RefId", "Plugin", "Data source", "Rows", "Status", "Message")
STATUS_COLORS = {"ok": "#0d652d", "warning": "#7a4f01", "no data": "#7a4f01", "error": "#a50e0e",
                 "skipped": "#5f6368"}


class _Progress(QObject):
    """Carries the checker's progress from the worker to the GUI thread."""

    advanced = Signal(int, int)


class DashboardView(QWidget):
    """One dashboard: variables, time range, Run all / Cancel, and the panels' statuses."""

    finished = Signal(object)  # DashboardReport
    open_panel = Signal(object)  # PanelCheck

    def __init__(self, workspace: Workspace, dashboard: Dashboard, datasources: list[str] | None = None,
                 parent: QWidget | None = None, context: GrafanaContextHolder | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.dashboard = dashboard
        self.context = context or GrafanaContextHolder(self)  # the viewer's zone, user and org (the window's)
        self.datasources = list(datasources or [])
        self.report: DashboardReport | None = None
        self.tasks = TaskRunner(self)
        self.tasks.failed.connect(self._failed)
        self._cancel = threading.Event()
        self._relay = _Progress(self)
        self._relay.advanced.connect(self._on_progress)
        self.setWindowTitle(f"Dashboard: {dashboard.title}")
        self.title = QLabel(f"<b>{dashboard.title}</b> · schema {dashboard.schema_version} · "
                            f"{len(dashboard.panels)} panels")
        self.time_picker = TimeRangePicker(panel_fields=False)
        self.time_picker.set_range(dashboard.time_from, dashboard.time_to, dashboard_zone(dashboard.timezone), 1000,
                                   dashboard.week_start)
        self.context.changed.connect(self._on_context)
        self._on_context()
        self.variables = VariableBar()
        self.run_button = QPushButton("▶ Run all")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("■ Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QLabel()
        self.panel_width = QSpinBox()
        self.panel_width.setRange(1, 20_000)
        self.panel_width.setValue(DEFAULT_MAX_DATA_POINTS)
        self.panel_width.setSuffix(" px")
        self.panel_width.setToolTip("The panels' width in your browser: Grafana takes it as max data points for a "
                                    "panel without its own, which sets $__interval (500: as when no width is known).")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.cellDoubleClicked.connect(lambda row, _col: self._open(row))
        self.cql = QPlainTextEdit()
        self.cql.setReadOnly(True)
        self.cql.setPlaceholderText("Select a panel to see the CQL it sends.")
        self.open_button = QPushButton("Open in a query tab")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: self._open(self.table.currentRow()))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.progress)
        top.addWidget(QLabel("Panel width"))
        top.addWidget(self.panel_width)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.cql, 1)
        bottom_layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(bottom)
        split.setSizes([400, 140])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.time_picker)
        layout.addWidget(self.variables)
        layout.addWidget(split, 1)

    def _on_context(self) -> None:
        """The dashboard's own fiscal year start, and the viewer's browser zone from the window's context."""
        self.time_picker.set_context(self.dashboard.fiscal_year_start_month + 1,
                                     self.context.value.browser_timezone or None)

    # -- running ---------------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self.tasks.active_count() > 0

    def run(self) -> None:
        """Resolve the variables and run every panel on a worker; the table fills when it reports back."""
        if self.is_running():
            return
        try:
            span = self.time_picker.time_range()
        except Exception as exc:  # a bad time expression: say so, run nothing
            self.progress.setText(str(getattr(exc, "message", exc)))
            return
        options = CheckOptions(self.datasources, self.variables.overrides(), span, self.context.value.viewer(),
                               self.panel_width.value())
        self._cancel = cancel = threading.Event()
        relay, workspace, dashboard = self._relay, self.workspace, self.dashboard
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setText("Running…")
        self.tasks.start(lambda: check_dashboard(workspace, dashboard, options,
                                                 lambda done, total: relay.advanced.emit(done, total),
                                                 cancel.is_set),
                         self._show_report, self._done)

    def cancel(self) -> None:
        """Stop after the panel being run; the buttons react at once."""
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.progress.setText("Cancelling…")

    def _on_progress(self, done: int, total: int) -> None:
        if not self._cancel.is_set():
            self.progress.setText(f"panel {done + 1} of {total}…")

    def _done(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _failed(self, title: str, message: str) -> None:
        self.progress.setText(f"{title}: {message}")

    def _show_report(self, report: Any) -> None:
        assert isinstance(report, DashboardReport)
        self.report = report
        self.variables.show_states(report.variables)
        self.table.setRowCount(len(report.checks))
        for row, check in enumerate(report.checks):
            cells = (check.panel, check.ref_id, check.plugin, check.datasource,
                     "" if check.status in ("skipped", "error") else f"{check.rows:,}", check.status, check.message)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 5:
                    item.setForeground(QColor(STATUS_COLORS.get(check.status, "#3c4043")))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        failing = sum(1 for c in report.checks if c.status == "error")
        cancelled = " (cancelled)" if self._cancel.is_set() else ""
        self.progress.setText(f"{len(report.checks)} targets, {failing} failing{cancelled}")
        self.finished.emit(report)

    # -- panels ----------------------------------------------------------------------------------

    def _check_at(self, row: int) -> PanelCheck | None:
        if self.report is None or not 0 <= row < len(self.report.checks):
            return None
        return self.report.checks[row]

    def _show_selected(self) -> None:
        check = self._check_at(self.table.currentRow())
        lines = [] if check is None else [check.cql or "(no CQL: " + (check.message or check.status) + ")"]
        if check is not None:
            lines += [f"warning: {w}" for w in check.warnings]
        self.cql.setPlainText("\n".join(lines))
        self.open_button.setEnabled(check is not None and bool(check.cql) and bool(check.datasource))

    def _open(self, row: int) -> None:
        check = self._check_at(row)
        if check is not None and check.cql and check.datasource:
            self.open_panel.emit(check)

    def shutdown(self, timeout_ms: int) -> None:
        """Cancel and wait briefly for the worker (the window is closing)."""
        self._cancel.set()
        self.tasks.shutdown(timeout_ms)
