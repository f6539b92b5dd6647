"""The Table results view: a virtualized model over a frame's columns, with sorting, copy and export.

The model never copies the data: it reads `Field.text` for the visible cells only, and sorting permutes
an index list. NULL is drawn as a grey italic "NULL", distinct from empty text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.grafana.frames import NULL_TEXT, Frame
from core.query.result_writers import write_csv, write_json_rows
from gui.common.folders import remember, start_path
from gui.common.text import plural

MAX_CELL_CHARS = 500
NULL_COLOR = QColor("#9aa0a6")
Index = QModelIndex | QPersistentModelIndex


class FrameTableModel(QAbstractTableModel):
    """Rows and columns of one frame; headers show the column name and its CQL type."""

    def __init__(self, parent: QWidget | None = None, *, grafana_types: bool = False) -> None:
        super().__init__(parent)
        self._grafana_types = grafana_types  # headers show the Grafana type (plugin frames), not the CQL type
        self._frame: Frame | None = None
        self._order: list[int] | None = None  # row permutation when sorted
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_frame(self, frame: Frame | None) -> None:
        self.beginResetModel()
        self._frame = frame
        self._order = None
        self.endResetModel()

    def frame(self) -> Frame | None:
        return self._frame

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._frame is None else self._frame.row_count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._frame is None else len(self._frame.fields)

    def source_row(self, row: int) -> int:
        return row if self._order is None else self._order[row]

    def cell_text(self, row: int, column: int) -> str | None:
        """The exact text of a cell (None for NULL), in view order."""
        assert self._frame is not None
        return self._frame.fields[column].text(self.source_row(row))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._frame is None or not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self.cell_text(index.row(), index.column())
            if text is None:
                return NULL_TEXT
            if role == Qt.ItemDataRole.DisplayRole and len(text) > MAX_CELL_CHARS:
                return text[:MAX_CELL_CHARS] + "…"
            return text.replace("\n", "⏎") if role == Qt.ItemDataRole.DisplayRole else text
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
            field = self._frame.fields[index.column()]
            if field.values[self.source_row(index.row())] is None:
                return NULL_COLOR if role == Qt.ItemDataRole.ForegroundRole else self._italic
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and self._frame.fields[index.column()].type == "number":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._frame is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            field = self._frame.fields[section]
            if self._grafana_types:
                return f"{field.display_name}\n{field.type} ({field.element})"
            return f"{field.name}\n{field.cql_type}"
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort a permutation of the row indexes by one column; NULLs go last."""
        if self._frame is None or not 0 <= column < len(self._frame.fields):
            return
        values = self._frame.fields[column].values
        present = [i for i in range(len(values)) if values[i] is not None]
        nulls = [i for i in range(len(values)) if values[i] is None]
        try:
            present.sort(key=values.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        except TypeError:  # values that do not compare (collections): sort by their text
            field = self._frame.fields[column]
            present.sort(key=lambda i: field.text(i) or "", reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        self._order = present + nulls
        self.layoutChanged.emit()


class ResultsTable(QWidget):
    """The table view with a notice line, copy (Ctrl+C) and CSV / JSON export."""

    exported = Signal(str)
    notified = Signal(str)  # a short confirmation for the status bar (copied, exported)
    failed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FrameTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.view.setWordWrap(False)
        self.notice = QLabel()
        self.notice.setStyleSheet("color: #7a4f01; background: #fef7e0; padding: 4px 8px; border-radius: 4px;")
        self.notice.hide()
        self.summary = QLabel("No result yet.")
        self.summary.setStyleSheet("color: #5f6368;")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the selected cells, or the whole table when nothing is selected, as "
                                    "tab-separated text with a header row; NULL is written as NULL, empty text "
                                    "as nothing (Ctrl+C).")
        self.copy_button.clicked.connect(self.copy_selection)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(lambda: self._export_dialog("csv"))
        self.json_button = QPushButton("Export JSON…")
        self.json_button.clicked.connect(lambda: self._export_dialog("json"))
        copy_action = QAction("Copy", self.view)
        copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy_action.triggered.connect(self.copy_selection)
        self.view.addAction(copy_action)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        for button in (self.copy_button, self.csv_button, self.json_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self._set_buttons(False)

    def _set_buttons(self, enabled: bool) -> None:
        for button in (self.copy_button, self.csv_button, self.json_button):
            button.setEnabled(enabled)

    def show_frame(self, frame: Frame | None, *, truncated: bool = False, cancelled: bool = False,
                   limit: int | None = None) -> None:
        """Show a result; the notice says when rows are missing (row limit reached or cancelled)."""
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_frame(frame)
        rows = frame.row_count if frame is not None else 0
        self.summary.setText(f"{plural(rows, 'row')} · {plural(len(frame.fields) if frame else 0, 'column')}")
        notices = []
        if truncated:
            notices.append(f"Truncated: only the first {plural(rows, 'row')} shown (row limit {limit or rows:,}).")
        if cancelled:
            notices.append(f"Cancelled: {plural(rows, 'row')} fetched before the query was stopped.")
        self.notice.setText(" ".join(notices))
        self.notice.setVisible(bool(notices))
        self._set_buttons(frame is not None)
        if frame is not None and frame.fields:
            self._size_columns()

    def _size_columns(self) -> None:
        """Columns wide enough for their header and the first rows (never a scan of every row)."""
        metrics = self.view.fontMetrics()
        for column in range(self.model.columnCount()):
            header = str(self.model.headerData(column, Qt.Orientation.Horizontal)).split("\n")
            width = max(metrics.horizontalAdvance(part) for part in header)
            for row in range(min(self.model.rowCount(), 50)):
                text = self.model.data(self.model.index(row, column))
                width = max(width, metrics.horizontalAdvance(str(text)[:80]))
            self.view.setColumnWidth(column, min(width + 24, 360))

    def selected_text(self) -> tuple[str, int]:
        """The selected cells (every cell when none is selected) as tab-separated rows under a header row of
        column names, exact values, NULL written as NULL and empty text as nothing; and the number of rows."""
        indexes = self.view.selectionModel().selectedIndexes()
        if indexes:
            rows = sorted({i.row() for i in indexes})
            columns = sorted({i.column() for i in indexes})
            chosen = {(i.row(), i.column()) for i in indexes}
        else:
            rows = list(range(self.model.rowCount()))
            columns = list(range(self.model.columnCount()))
            chosen = None
        if not rows or not columns:
            return "", 0
        frame = self.model.frame()
        assert frame is not None
        lines = ["\t".join(frame.fields[column].name for column in columns)]
        for row in rows:
            cells = []
            for column in columns:
                if chosen is not None and (row, column) not in chosen:
                    cells.append("")
                    continue
                text = self.model.cell_text(row, column)
                cells.append(NULL_TEXT if text is None else text)
            lines.append("\t".join(cells))
        return "\n".join(lines), len(rows)

    def copy_selection(self) -> None:
        text, rows = self.selected_text()
        if text:
            QApplication.clipboard().setText(text)
            self.notified.emit(f"Copied {plural(rows, 'row')} with the header row to the clipboard.")

    def export(self, path: Path, kind: str) -> None:
        """Write the whole frame (in its original order) as CSV or JSON rows."""
        frame = self.model.frame()
        if frame is None:
            return
        with path.open("w", encoding="utf-8", newline="") as out:
            if kind == "csv":
                write_csv(frame, out)
            else:
                write_json_rows(frame, out)
        self.exported.emit(str(path))
        self.notified.emit(f"Exported {plural(frame.row_count, 'row')} to {path}.")

    def _export_dialog(self, kind: str) -> None:
        name, _ = QFileDialog.getSaveFileName(self, f"Export {kind.upper()}", start_path(f"result.{kind}"),
                                              f"{kind.upper()} files (*.{kind})")
        remember(name)
        if name:
            try:
                self.export(Path(name), kind)
            except OSError as exc:
                self.failed.emit("Export failed", f"Cannot write {name}: {exc.strerror}")
