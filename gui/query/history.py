"""The history panel: the runs of one data source, newest first, searchable, with re-run."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.config.saved_queries import HistoryEntry, search_history

CANCELLED_TEXT = "Cancelled (Esc or the Cancel button)"  # the error of a history entry for a cancelled run
HEADERS = ("When", "Result", "Rows", "Duration", "Query")


class HistoryPanel(QWidget):
    """A search field and a table of runs; `rerun_requested(entry)` on Re-run or a double click."""

    rerun_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history: list[HistoryEntry] = []
        self.shown: list[HistoryEntry] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the history (query text, variables, errors)…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._refresh())
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.rerun(row))
        self.rerun_button = QPushButton("Re-run")
        self.rerun_button.clicked.connect(lambda: self.rerun(self.table.currentRow()))
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.rerun_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def set_history(self, history: list[HistoryEntry]) -> None:
        self._history = history
        self._refresh()

    def _refresh(self) -> None:
        self.shown = search_history(self._history, self.search.text())
        self.table.setRowCount(len(self.shown))
        for row, entry in enumerate(self.shown):
            when = datetime.fromtimestamp(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S")
            result = "ok" if entry.ok else "cancelled" if entry.error == CANCELLED_TEXT else f"error: {entry.error}"
            cells = (when, result, f"{entry.rows:,}", f"{entry.duration_ms:.0f} ms", " ".join(entry.text.split()))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(entry.text if column == 4 else text)
                if column == 1 and not entry.ok:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)

    def rerun(self, row: int) -> None:
        if 0 <= row < len(self.shown):
            self.rerun_requested.emit(self.shown[row])
