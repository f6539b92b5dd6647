"""Column widths from the header and the first rows only: Qt's resizeColumnsToContents measures every row, which
takes a visible stall on a result of a hundred thousand rows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

HEAD_ROWS = 50
MAX_WIDTH = 360


def size_columns_to_head(view: QTableView) -> None:
    """Each column as wide as its header and its first HEAD_ROWS cells (at most MAX_WIDTH pixels)."""
    model = view.model()
    metrics = view.fontMetrics()
    for column in range(model.columnCount()):
        header = str(model.headerData(column, Qt.Orientation.Horizontal)).split("\n")
        width = max(metrics.horizontalAdvance(part) for part in header)
        for row in range(min(model.rowCount(), HEAD_ROWS)):
            text = model.data(model.index(row, column))
            width = max(width, metrics.horizontalAdvance(str(text)[:80]))
        view.setColumnWidth(column, min(width + 24, MAX_WIDTH))
