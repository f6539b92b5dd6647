"""The table model over a result: a whole frame, or the pages of a running query as they arrive.

The model never copies values: it reads `Field.text` for the visible cells only. Sorting and filtering come in
as an array of source rows (computed by a worker, see gui.query.results_table); a running query's rows are
found by page with a binary search over the pages' first rows. NULL is drawn as a grey italic "NULL", distinct
from empty text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from core.grafana.frames import NULL_TEXT, Field, Frame, concat_frames
from core.query.table_ops import Mask, Rows, shown_rows, sort_order

MAX_CELL_CHARS = 500
NULL_COLOR = QColor("#9aa0a6")
Index = QModelIndex | QPersistentModelIndex


class FrameTableModel(QAbstractTableModel):
    """Rows and columns of one frame (or of the pages received so far); headers show the column name and its
    CQL type."""

    def __init__(self, parent: QObject | None = None, *, grafana_types: bool = False) -> None:
        super().__init__(parent)
        self._grafana_types = grafana_types  # headers show the Grafana type (plugin frames), not the CQL type
        self._frame: Frame | None = None
        self._pages: list[Frame] = []  # while a query runs: its pages, and the first row of each
        self._starts: list[int] = []
        self._page_rows = 0
        self._order: Rows | None = None  # the sort permutation of every row
        self._mask: Mask | None = None  # the filter: which source rows are kept
        self._rows: Rows | None = None  # view row -> source row (None: the source order, every row)
        # The header click the results table sorts on a worker: the view's own call to `sort` for it is skipped.
        self.skip_sort: tuple[int, Qt.SortOrder] | None = None
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- the source ----------------------------------------------------------------------------------------

    def set_frame(self, frame: Frame | None) -> None:
        """Show a whole frame, unsorted and unfiltered."""
        self.beginResetModel()
        self._frame = frame
        self._pages, self._starts, self._page_rows = [], [], 0
        self._order = self._mask = self._rows = None
        self.endResetModel()

    def start_pages(self, first: Frame) -> None:
        """Show a running query's first page; later pages come with `add_pages`."""
        self.beginResetModel()
        self._frame = None
        self._pages, self._starts, self._page_rows = [first], [0], first.row_count
        self._order = self._mask = self._rows = None
        self.endResetModel()

    def add_pages(self, pages: list[Frame]) -> None:
        """Append pages of the running query (rows inserted at the end: the view keeps its scroll and selection)."""
        added = sum(page.row_count for page in pages)
        if not self._pages or added == 0:
            return
        self.beginInsertRows(QModelIndex(), self._page_rows, self._page_rows + added - 1)
        for page in pages:
            self._starts.append(self._page_rows)
            self._pages.append(page)
            self._page_rows += page.row_count
        self.endInsertRows()

    def is_paged(self) -> bool:
        return bool(self._pages)

    def adopt(self, frame: Frame) -> bool:
        """Swap the received pages for the query's whole frame, which holds the same rows first: rows past the
        pages are inserted, nothing else changes on screen. False (nothing done) when the frame does not
        continue the pages."""
        if not self._pages or frame.row_count < self._page_rows or \
                [f.name for f in frame.fields] != [f.name for f in self._pages[0].fields]:
            return False
        shown = self._page_rows
        self._frame = frame
        self._pages, self._starts, self._page_rows = [], [], 0
        if frame.row_count > shown:
            self.beginInsertRows(QModelIndex(), shown, frame.row_count - 1)
            self.endInsertRows()
        return True

    def frame(self) -> Frame | None:
        """The whole frame shown (None while a query's pages are shown)."""
        return self._frame

    def current_frame(self) -> Frame | None:
        """The whole frame, or while a query runs the pages received so far as one frame."""
        if self._frame is not None or not self._pages:
            return self._frame
        return concat_frames(self._pages)

    def fields(self) -> list[Field]:
        if self._frame is not None:
            return self._frame.fields
        return self._pages[0].fields if self._pages else []

    def source_count(self) -> int:
        """Rows in the result (or received so far), before the filter."""
        return self._frame.row_count if self._frame is not None else self._page_rows

    # -- sorting and filtering -----------------------------------------------------------------------------

    def set_view(self, order: Rows | None, mask: Mask | None, rows: Rows | None = None) -> None:
        """Show the rows of a sort permutation and a filter mask (`rows` when already combined by a worker)."""
        rows = shown_rows(order, mask) if rows is None else rows
        if self._shown_count(rows) != self.rowCount():
            self.beginResetModel()
            self._order, self._mask, self._rows = order, mask, rows
            self.endResetModel()
            return
        # As many rows as before: every cell changed, nothing else. (A layout change would make the row header
        # walk all its sections, a million of them for a big result; this repaints the visible cells only.)
        self._order, self._mask, self._rows = order, mask, rows
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def _shown_count(self, rows: Rows | None) -> int:
        return self.source_count() if rows is None else len(rows)

    def view_state(self) -> tuple[Rows | None, Mask | None, Rows | None]:
        """The sort permutation, the filter mask and the rows shown."""
        return self._order, self._mask, self._rows

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by one column at once, on this thread (the results table sorts on a worker instead)."""
        if self.skip_sort == (column, order):
            self.skip_sort = None
            return
        fields = self.fields()
        if self._frame is None or not 0 <= column < len(fields):
            return
        self.set_view(sort_order(fields[column], order == Qt.SortOrder.DescendingOrder), self._mask)

    # -- Qt's model interface ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown_count(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields())

    def source_row(self, row: int) -> int:
        return row if self._rows is None else int(self._rows[row])

    def head_texts(self, column: int, count: int) -> list[str]:
        """The texts the first `count` shown rows of a column are drawn with (for sizing the column)."""
        texts = []
        for row in range(min(self.rowCount(), count)):
            field, source = self._cell(row, column)
            texts.append(_display(None if field.values[source] is None else field.text(source)))
        return texts

    def _cell(self, row: int, column: int) -> tuple[Field, int]:
        """The field holding a view cell and the row's index in it."""
        source = self.source_row(row)
        if self._frame is not None:
            return self._frame.fields[column], source
        page = bisect_right(self._starts, source) - 1
        return self._pages[page].fields[column], source - self._starts[page]

    def cell_text(self, row: int, column: int) -> str | None:
        """The exact text of a cell (None for NULL), in view order."""
        field, index = self._cell(row, column)
        return field.text(index)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not self.fields():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self.cell_text(index.row(), index.column())
            if role == Qt.ItemDataRole.DisplayRole:
                return _display(text)
            return NULL_TEXT if text is None else text
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
            field, source = self._cell(index.row(), index.column())
            if field.values[source] is None:
                return NULL_COLOR if role == Qt.ItemDataRole.ForegroundRole else self._italic
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and self.fields()[index.column()].type == "number":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role a delegate asks for, in one call per cell: a paint calls into Python once a cell instead of
        seven times (each call waits for the GIL while a worker converts a page)."""
        if not index.isValid() or not self.fields():
            for role_data in _roles(roleDataSpan):
                role_data.clearData()
            return
        field, source = self._cell(index.row(), index.column())
        value = field.values[source]
        text = None if value is None else field.text(source)
        right = field.type == "number"
        for role_data in _roles(roleDataSpan):
            role = role_data.role()
            if role == Qt.ItemDataRole.DisplayRole:
                role_data.setData(_display(text))
            elif role == Qt.ItemDataRole.ToolTipRole:
                role_data.setData(NULL_TEXT if text is None else text)
            elif role == Qt.ItemDataRole.ForegroundRole and value is None:
                role_data.setData(NULL_COLOR)
            elif role == Qt.ItemDataRole.FontRole and value is None:
                role_data.setData(self._italic)
            elif role == Qt.ItemDataRole.TextAlignmentRole and right:
                role_data.setData(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
            else:
                role_data.clearData()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        fields = self.fields()
        if not fields or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            field = fields[section]
            if self._grafana_types:
                return f"{field.display_name}\n{field.type} ({field.element})"
            return f"{field.name}\n{field.cql_type}"
        return str(section + 1)


def _roles(span: QModelRoleDataSpan | QModelRoleData) -> list[QModelRoleData]:
    """The entries of a role data span (written in place); PySide's span is a sequence, its stubs omit it."""
    if isinstance(span, QModelRoleData):
        return [span]
    return list(cast(Sequence[QModelRoleData], span))


def _display(text: str | None) -> str:
    """A cell as drawn: NULL for NULL, long text cut, line breaks shown as ⏎."""
    if text is None:
        return NULL_TEXT
    if len(text) > MAX_CELL_CHARS:
        return text[:MAX_CELL_CHARS] + "…"
    return text.replace("\n", "⏎")
