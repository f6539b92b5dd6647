"""The Table results view: rows as they arrive, then the whole result; sorting, filtering and export on workers.

The window never waits for the table: a header click or a filter starts a job (gui.query.table_jobs) and the
view keeps its rows, with a "Sorting…" note and a Cancel button, until the new order is ready. A new click, a
new filter or a new result cancels the job in flight, and its late answer is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.grafana.frames import Frame
from core.query.table_ops import Mask, Rows, export_file, filter_mask, shown_rows, sort_order
from gui.common.eliding_label import ElidingLabel
from gui.common.table_sizing import size_columns_to_head
from gui.common.text import plural
from gui.query.table_controls import BusyNote, FilterBox
from gui.query.table_copy import TableCopier
from gui.query.table_export import TableExporter, ask_export_path
from gui.query.table_header import RowNumberHeader
from gui.query.table_jobs import TableJob
from gui.query.table_model import MAX_CELL_CHARS, NULL_COLOR, FrameTableModel
from gui.query.table_view import ResultsView

__all__ = ["MAX_CELL_CHARS", "NULL_COLOR", "FrameTableModel", "ResultsTable"]

PAGE_FLUSH_MS = 250  # pages arriving closer together are added in one insert (each repaints the view)
SortSpec = tuple[int, bool]  # column, descending

SHOWN_ONLY_TOOLTIP = (
    "Ticked: export only the rows the filter keeps, in the table's sort order. Unticked (the default, as in "
    "DBeaver and DataGrip): export every row of the result in the order the query returned them.")


@dataclass
class _ViewResult:
    sort: SortSpec | None
    order: Rows | None
    text: str
    mask: Mask | None
    rows: Rows | None


class ResultsTable(QWidget):
    """The table view with a filter box, a notice line, copy (Ctrl+C) and CSV / JSON export."""

    exported = Signal(str)
    notified = Signal(str)  # a short message for the status bar (copied, exported, export progress)
    failed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FrameTableModel(self)
        self.view = ResultsView()
        self.view.setVerticalHeader(RowNumberHeader(self.view))
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        # Connected before the view's own sorting, so this slot runs first and the view's call is skipped; the
        # view still draws the arrow and does not select the column on a header click.
        header.sortIndicatorChanged.connect(self._on_sort_clicked)
        self.view.setSortingEnabled(True)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.view.setWordWrap(False)
        self.notice = QLabel()
        self.notice.setStyleSheet("color: #7a4f01; background: #fef7e0; padding: 4px 8px; border-radius: 4px;")
        self.notice.hide()
        self.filter_box = FilterBox()
        self.filter_box.changed.connect(self._on_filter_changed)
        self.busy = BusyNote()
        self.busy.cancel_requested.connect(self.cancel_work)
        # Its text changes with every page while rows stream in: a label that repaints alone (see ElidingLabel).
        self.summary = ElidingLabel("No result yet.", elide=Qt.TextElideMode.ElideRight)
        self.summary.setStyleSheet("color: #5f6368;")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the selected cells, or the whole table when nothing is selected, as "
                                    "tab-separated text with a header row; NULL is written as NULL, empty text "
                                    "as nothing (Ctrl+C).")
        self.copy_button.clicked.connect(self.copy_selection)
        self.shown_only = QCheckBox("Shown rows only")
        self.shown_only.setToolTip(SHOWN_ONLY_TOOLTIP)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(lambda: self._export_dialog("csv"))
        self.json_button = QPushButton("Export JSON…")
        self.json_button.clicked.connect(lambda: self._export_dialog("json"))
        for button in (self.csv_button, self.json_button):
            button.setToolTip("Write the result to a file, on a worker (the window stays usable; Cancel stops it "
                              "and leaves an existing file as it was). " + SHOWN_ONLY_TOOLTIP)
        copy_action = QAction("Copy", self.view)
        copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy_action.triggered.connect(self.copy_selection)
        self.view.addAction(copy_action)
        find_action = QAction("Filter rows", self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find_action.triggered.connect(self.focus_filter)
        self.addAction(find_action)

        self._busy_what = ""
        self.view_job = TableJob(self)
        self.view_job.progressed.connect(lambda done, total: self.busy.show_work(self._busy_what, done, total))
        self.view_job.succeeded.connect(self._on_view_ready)
        self.view_job.failed.connect(self._on_view_failed)
        self.exporter = TableExporter(self)
        self.exporter.progressed.connect(lambda text: self._on_job_progress(self.exporter.running(), text))
        self.exporter.exported.connect(self._on_exported)
        self.exporter.failed.connect(self.failed)
        self.exporter.finished.connect(self._on_export_finished)
        self.copier = TableCopier(self)
        self.copier.progressed.connect(lambda text: self._on_job_progress(self.copier.running(), text))
        self.copier.copied.connect(self.notified)
        self.copier.failed.connect(self.failed)
        self.copier.finished.connect(self._end_busy)

        self._sort: SortSpec | None = None  # what the view shows
        self._filter = ""
        self._wanted_sort: SortSpec | None = None  # what the user asked for (a job may be computing it)
        self._wanted_filter = ""
        self._orders: tuple[SortSpec, Rows] | None = None  # the last permutation computed, reused with filters
        self._masks: tuple[str, Mask | None] | None = None  # the last filter computed, reused with sorts
        self._stream_run: int | None = None  # the run whose pages are shown
        self._done_run = 0  # runs up to this one have shown their result: their pages are late
        self._pending: list[Frame] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(PAGE_FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush_pages)

        top = QHBoxLayout()
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.busy)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        for widget in (self.shown_only, self.copy_button, self.csv_button, self.json_button):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.notice)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self._set_buttons()

    # -- results -------------------------------------------------------------------------------------------

    def show_frame(self, frame: Frame | None, *, truncated: bool = False, cancelled: bool = False,
                   limit: int | None = None, run: int | None = None) -> None:
        """Show a result; the notice says when rows are missing (row limit reached or cancelled). When `run`'s
        pages are on screen, the whole frame takes their place without moving the view or the selection."""
        streamed = run is not None and run == self._stream_run and self.model.is_paged()
        self._stream_run = None
        self._done_run = max(self._done_run, run or 0)
        self._pending = []
        self._flush_timer.stop()
        if not (streamed and frame is not None and self.model.adopt(frame)):
            self._forget_view()
            self.model.set_frame(frame)
            if frame is not None and frame.fields:
                self._size_columns()
        rows = frame.row_count if frame is not None else 0
        notices = []
        if truncated:
            notices.append(f"Truncated: only the first {plural(rows, 'row')} shown (row limit {limit or rows:,}).")
        if cancelled:
            notices.append(f"Cancelled: {plural(rows, 'row')} fetched before the query was stopped.")
        self.notice.setText(" ".join(notices))
        self.notice.setVisible(bool(notices))
        self._set_buttons()
        self._update_summary()

    def add_page(self, run: int, page: Frame) -> None:
        """Show one more page of the running query `run` (the first page replaces the previous result)."""
        if run <= self._done_run or (self._stream_run is not None and run < self._stream_run):
            return  # a late page of a run that has ended or been replaced
        if run != self._stream_run:
            self._forget_view()
            self._stream_run = run
            self._pending = []
            self.model.start_pages(page)
            self.notice.hide()
            self._size_columns()
            self._set_buttons()
            self._update_summary()
            return
        self._pending.append(page)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    @property
    def stream_run(self) -> int | None:
        """The run whose pages are on screen (None when a whole result is)."""
        return self._stream_run

    def _flush_pages(self) -> None:
        pages, self._pending = self._pending, []
        self.model.add_pages(pages)
        self._update_summary()

    def _forget_view(self) -> None:
        """A new result: no sort, no filter, no job working on the old one."""
        self.view_job.cancel()
        self._sort = self._wanted_sort = None
        self._filter = self._wanted_filter = ""
        self._orders = self._masks = None
        self._set_sort_indicator(None)
        self.filter_box.set_quietly("")
        if not self.exporter.running():
            self.busy.hide()

    def _set_buttons(self) -> None:
        whole = self.model.frame() is not None
        exporting = self.exporter.running()
        self.copy_button.setEnabled(bool(self.model.fields()))
        for widget in (self.csv_button, self.json_button):
            widget.setEnabled(whole and not exporting)
        self.shown_only.setEnabled(whole)
        self.filter_box.setEnabled(whole)

    def _update_summary(self) -> None:
        total, shown, columns = self.model.source_count(), self.model.rowCount(), len(self.model.fields())
        if self.model.is_paged():
            text = f"{plural(total, 'row')} so far"
        elif self._filter:
            text = f"{shown:,} of {plural(total, 'row')}"
        else:
            text = plural(total, "row")
        self.summary.setText(f"{text} · {plural(columns, 'column')}")

    def _size_columns(self) -> None:
        size_columns_to_head(self.view)

    # -- sorting and filtering on a worker -----------------------------------------------------------------

    def _on_sort_clicked(self, column: int, order: Qt.SortOrder) -> None:
        self.model.skip_sort = (column, order)
        if self.model.frame() is None:
            self._set_sort_indicator(self._sort)
            if self.model.is_paged():
                self.notified.emit("Sorting is possible once the query has finished.")
            return
        self.sort_by(column, order == Qt.SortOrder.DescendingOrder)

    def sort_by(self, column: int, descending: bool = False) -> None:
        """Sort the rows by a column on a worker; the view keeps the old order until the new one is ready."""
        self._wanted_sort = (column, descending)
        self._set_sort_indicator(self._wanted_sort)
        self._start_view_job()

    def focus_filter(self) -> None:
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.selectAll()

    def _on_filter_changed(self, text: str) -> None:
        if self.model.frame() is None:
            return
        self._wanted_filter = text
        self._start_view_job()

    def _start_view_job(self) -> None:
        frame = self.model.frame()
        assert frame is not None
        sort, text = self._wanted_sort, self._wanted_filter
        if sort == self._sort and text == self._filter:
            self.view_job.cancel()
            self._end_busy()
            return
        order = self._orders[1] if self._orders is not None and self._orders[0] == sort else None
        known_mask = self._masks if self._masks is not None and self._masks[0] == text else None
        sorting = sort is not None and order is None
        filtering = bool(text) and known_mask is None
        self._busy_what = "Sorting" if sorting and not filtering else "Filtering" if not sorting else \
            "Sorting and filtering"

        def work(cancelled: Any, progress: Any) -> _ViewResult:
            permutation = order
            if sort is not None and permutation is None:
                field = frame.fields[sort[0]]
                permutation = sort_order(field, sort[1], cancel=cancelled, progress=progress)
            mask = known_mask[1] if known_mask is not None else filter_mask(frame, text, cancel=cancelled,
                                                                                progress=progress)
            return _ViewResult(sort, permutation, text, mask, shown_rows(permutation, mask))

        self.view_job.start(work)
        self.busy.show_work(self._busy_what)

    def _on_view_ready(self, result: Any) -> None:
        assert isinstance(result, _ViewResult)
        if result.sort is not None and result.order is not None:
            self._orders = (result.sort, result.order)
        self._masks = (result.text, result.mask)
        self._sort, self._filter = result.sort, result.text
        self.view.clearSelection()
        self.model.set_view(result.order, result.mask, result.rows)
        self._end_busy()
        self._update_summary()

    def _on_view_failed(self, title: str, message: str) -> None:
        self._restore_applied()
        self.failed.emit(title, message)

    def cancel_work(self) -> None:
        """Stop the sort, filter or export in flight; the table keeps what it shows."""
        if self.view_job.running():
            what = self._busy_what
            self.view_job.cancel()
            self._restore_applied()
            self.notified.emit(f"{what} cancelled: the table shows the rows as before.")
        self.exporter.cancel()
        self.copier.cancel()

    def _restore_applied(self) -> None:
        """Back to what the view shows: the header's arrow and the filter text follow it."""
        self._wanted_sort, self._wanted_filter = self._sort, self._filter
        self._set_sort_indicator(self._sort)
        self.filter_box.set_quietly(self._filter)
        self._end_busy()

    def _end_busy(self) -> None:
        if not self.exporter.running() and not self.view_job.running() and not self.copier.running():
            self.busy.hide()

    def _set_sort_indicator(self, sort: SortSpec | None) -> None:
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        if sort is None:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        else:
            header.setSortIndicator(sort[0], Qt.SortOrder.DescendingOrder if sort[1] else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)
        header.viewport().update()

    # -- copy and export -----------------------------------------------------------------------------------

    def copy_selection(self) -> None:
        """Copy the selected cells, or every cell when none is selected (on a worker when there are many)."""
        frame = self.model.current_frame()
        if frame is None or not frame.fields or self.copier.running():
            return
        selection = self.view.selectionModel().selection()
        ranges = [(r.top(), r.bottom(), r.left(), r.right()) for r in map(selection.at, range(selection.size()))]
        cells = sum((bottom - top + 1) * (right - left + 1) for top, bottom, left, right in ranges) if ranges \
            else self.model.rowCount() * self.model.columnCount()
        if not self.copier.copy(frame, self.model.view_state()[2], ranges or None, cells):
            self.busy.show_work("Copying")

    def _export_rows(self) -> Rows | None:
        return self.model.view_state()[2] if self.shown_only.isChecked() else None

    def export(self, path: Path, kind: str) -> None:
        """Write the result as CSV or JSON rows at once, on this thread (the buttons use `start_export`)."""
        frame = self.model.frame()
        if frame is None:
            return
        written = export_file(frame, kind, path, self._export_rows())
        self._on_exported(str(path), written)

    def start_export(self, path: Path, kind: str) -> None:
        """Export on a worker with progress in the busy note and the status bar; Cancel stops it."""
        frame = self.model.frame()
        if frame is None or self.exporter.running():
            return
        self.exporter.start(frame, kind, path, self._export_rows())
        self.busy.show_work("Exporting")
        self._set_buttons()

    def _on_job_progress(self, running: bool, text: str) -> None:
        """An export's or a copy's progress: in the busy note while it runs, and in the status bar."""
        if running:
            self.busy.label.setText(text)
        self.notified.emit(text)

    def _on_exported(self, path: str, rows: int) -> None:
        self.exported.emit(path)
        self.notified.emit(f"Exported {plural(rows, 'row')} to {path}.")

    def _on_export_finished(self) -> None:
        self._set_buttons()
        self._end_busy()

    def _export_dialog(self, kind: str) -> None:
        if (path := ask_export_path(self, kind)) is not None:
            self.start_export(path, kind)

