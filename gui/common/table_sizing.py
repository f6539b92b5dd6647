"""Column widths from the header and the first rows only: Qt's resizeColumnsToContents measures every row, which
takes a visible stall on a result of a hundred thousand rows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

HEAD_ROWS = 50
MAX_WIDTH = 360
MEASURED_TEXTS = 5  # the longest texts of a column (by characters) that are measured in pixels


def size_columns_to_head(view: QTableView) -> None:
    """Each column as wide as its header and its first HEAD_ROWS cells (at most MAX_WIDTH pixels).

    Only the few longest texts of a column are measured: each measure is a call into Qt, which waits for the GIL
    while a worker converts rows (a result's first page is sized while the next ones arrive). A model with
    `head_texts(column, count)` gives its texts without a call into Qt per cell."""
    model = view.model()
    metrics = view.fontMetrics()
    head_texts = getattr(model, "head_texts", None)
    for column in range(model.columnCount()):
        header = str(model.headerData(column, Qt.Orientation.Horizontal)).split("\n")
        width = max(metrics.horizontalAdvance(part) for part in header)
        if head_texts is not None:
            texts = [text[:80] for text in head_texts(column, HEAD_ROWS)]
        else:
            texts = [str(model.data(model.index(row, column)))[:80] for row in range(min(model.rowCount(), HEAD_ROWS))]
        for text in sorted(set(texts), key=len, reverse=True)[:MEASURED_TEXTS]:
            width = max(width, metrics.horizontalAdvance(text))
        view.setColumnWidth(column, min(width + 24, MAX_WIDTH))
