"""The variables panel: dashboard variables with one or several values, display texts, All and a custom
all value, loaded from and saved to the JSON variables file that `cqlscope query --vars` reads."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.config.naming import free_name
from core.errors import CqlscopeError
from core.grafana.templating import ALL_TEXT, ALL_VALUE, Variable, load_variables, save_variables
from gui.common.folders import remember, start_path

NAME, VALUES, TEXTS, ALL, ALL_CUSTOM = range(5)
HEADERS = ("Name", "Values (a, b, …)", "Texts", "All", "Custom all")


def _split(text: str) -> str | tuple[str, ...] | None:
    """Comma-separated values; a value holding a comma or quote is written in double quotes, CSV-style."""
    if not text.strip():
        return None
    parts = [part.strip() for part in next(csv.reader([text], skipinitialspace=True))]
    return parts[0] if len(parts) == 1 else tuple(parts)


def _quote(item: str) -> str:
    return '"' + item.replace('"', '""') + '"' if any(c in item for c in ',"') or item != item.strip() else item


def _join(value: str | tuple[str, ...] | None) -> str:
    if value is None:
        return ""
    return ", ".join(_quote(v) for v in value) if isinstance(value, tuple) else _quote(value)


class VariablesPanel(QWidget):
    """A table of variables; `changed` fires on every edit, `failed(title, message)` on file errors."""

    changed = Signal()
    failed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        for column, tip in ((VALUES, "One value, or several separated by commas (a multi-value selection)."),
                            (TEXTS, "Display texts, one per value (optional)."),
                            (ALL_CUSTOM, "Custom all value: inserted as is, unformatted, when All is selected.")):
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Values take the width they need (the table scrolls sideways) instead of being cut to "...".
        header.setSectionResizeMode(VALUES, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(30)
        for column, width in ((NAME, 80), (TEXTS, 80), (ALL, 30), (ALL_CUSTOM, 90)):
            self.table.setColumnWidth(column, width)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(lambda: self.add_variable(Variable(self._free_name())))
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.load_button = QPushButton("Load…")
        self.load_button.setToolTip("Load a JSON variables file (the format of `cqlscope query --vars`).")
        self.load_button.clicked.connect(self._load_dialog)
        self.save_button = QPushButton("Save…")
        self.save_button.clicked.connect(self._save_dialog)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.load_button, self.save_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def _free_name(self) -> str:
        return free_name(set(self.variables()), "var1", lambda n: f"var{n}")

    def add_variable(self, variable: Variable) -> None:
        """Append a row showing `variable` (with All: its options in the Values column)."""
        self.table.blockSignals(True)
        row = self.table.rowCount()
        self.table.insertRow(row)
        values = variable.options if variable.all_selected else variable.value
        texts = None if variable.all_selected else variable.text
        self.table.setItem(row, NAME, QTableWidgetItem(variable.name))
        self.table.setItem(row, VALUES, QTableWidgetItem(_join(values)))
        self.table.setItem(row, TEXTS, QTableWidgetItem(_join(texts)))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        check.setCheckState(Qt.CheckState.Checked if variable.all_selected else Qt.CheckState.Unchecked)
        check.setToolTip("All selected: every value in the Values column, or the custom all value when set.")
        self.table.setItem(row, ALL, check)
        self.table.setItem(row, ALL_CUSTOM, QTableWidgetItem(variable.all_value or ""))
        self.table.blockSignals(False)
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def set_variables(self, variables: dict[str, Variable]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        for variable in variables.values():
            self.add_variable(variable)
        self.changed.emit()

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def variables(self) -> dict[str, Variable]:
        """The variables as typed; rows without a name are skipped."""
        result: dict[str, Variable] = {}
        for row in range(self.table.rowCount()):
            name = self._text(row, NAME).strip()
            if not name:
                continue
            check = self.table.item(row, ALL)
            all_selected = check is not None and check.checkState() == Qt.CheckState.Checked
            values = _split(self._text(row, VALUES))
            all_value = self._text(row, ALL_CUSTOM) or None
            if all_selected:
                options = values if isinstance(values, tuple) else ((values,) if values else ())
                result[name] = Variable(name, ALL_VALUE, ALL_TEXT, True, all_value, options)
                continue
            texts = _split(self._text(row, TEXTS))
            if texts is not None and (isinstance(texts, tuple) != isinstance(values, tuple)
                                      or (isinstance(texts, tuple) and len(texts) != len(values or ()))):
                texts = None  # display texts must match the values one to one
            result[name] = Variable(name, values, texts, False, all_value)
        return result

    def load_file(self, path: Path) -> None:
        try:
            self.set_variables(load_variables(path))
        except CqlscopeError as exc:
            self.failed.emit(exc.title, exc.message)

    def save_file(self, path: Path) -> None:
        try:
            save_variables(self.variables(), path)
        except OSError as exc:
            self.failed.emit("Variables not saved", f"Cannot write {path}: {exc.strerror}")

    def _load_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Load variables", start_path(), "JSON files (*.json)")
        remember(name)
        if name:
            self.load_file(Path(name))

    def _save_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save variables", start_path("variables.json"),
                                              "JSON files (*.json)")
        remember(name)
        if name:
            self.save_file(Path(name))
