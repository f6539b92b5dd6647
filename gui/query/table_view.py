"""The results table's view: rows appended below what it shows leave the shown cells unpainted.

Qt lays a table view out again after every insert, and that repaints every visible cell. While a query streams a
million rows in, pages are appended far below the rows on screen four times a second, and those repaints were a
third of the window thread's time: each cell calls into Python, waiting for the GIL a worker holds.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, SignalInstance
from PySide6.QtWidgets import QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex


class ResultsView(QTableView):
    """A table view whose layout after an append below the visible rows only updates the scroll bars and headers
    (what changed), not the cells."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Since the last layout: None, nothing inserted; True, only rows appended below the visible ones; False,
        # any other change (the next layout is Qt's own).
        self._appends_below: bool | None = None
        self.skipped_repaints = 0  # layouts that left the cells as they were (for tests and benchmarks)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if old is not None:
            for signal in _structure_signals(old):
                signal.disconnect(self._on_other_change)
            old.rowsAboutToBeInserted.disconnect(self._on_rows_coming)
        super().setModel(model)
        self._appends_below = None
        if model is not None:
            model.rowsAboutToBeInserted.connect(self._on_rows_coming)
            for signal in _structure_signals(model):
                signal.connect(self._on_other_change)

    def _on_rows_coming(self, parent: Index, first: int, _last: int) -> None:
        model = self.model()
        bottom = self.rowAt(self.viewport().height() - 1)  # -1 when the rows do not fill the view
        below = not parent.isValid() and model is not None and first == model.rowCount() and 0 <= bottom < first
        self._appends_below = below if self._appends_below is None else self._appends_below and below

    def _on_other_change(self, *_args: object) -> None:
        self._appends_below = False

    def doItemsLayout(self) -> None:
        appends_below, self._appends_below = self._appends_below, None
        if appends_below:
            self.updateGeometries()  # the scroll bar's range and the row header; the cells on screen are the same
            self.skipped_repaints += 1
            return
        super().doItemsLayout()


def _structure_signals(model: QAbstractItemModel) -> tuple[SignalInstance, ...]:
    """The model's signals for a change other than an append (each makes the next layout a full one)."""
    return (model.modelAboutToBeReset, model.layoutAboutToBeChanged, model.rowsAboutToBeRemoved,
            model.rowsAboutToBeMoved, model.columnsAboutToBeInserted, model.columnsAboutToBeRemoved,
            model.columnsAboutToBeMoved)
