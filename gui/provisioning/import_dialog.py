"""The Import dialog: preview what a provisioning file adds or changes, choose what conflicts do, import.

Entries with errors (an unset ${VAR}, a bad field) are skipped with the reason listed; the valid ones import. The
variables the file references can be given values in the dialog (secrets masked). Nothing changes until Import.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.config.store import DataSourceStore
from core.errors import CqlscopeError
from core.provisioning import (
    ConflictChoice,
    ImportPlan,
    ParsedFile,
    apply_import,
    plan_import,
    read_provisioning_file,
)
from core.provisioning.importer import usable_part
from gui.common.folders import remember, start_path

# Asks which file to import; None when cancelled. Tests inject a function returning a path.
OpenPathProvider = Callable[[QWidget | None], "Path | None"]

_SECRET_NAME = re.compile(r"PASS|SECRET|TOKEN|KEY|PW", re.IGNORECASE)


class _RecordingEnviron(Mapping[str, str]):
    """An environment that remembers every variable name the file asks for."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._data = values
        self.asked: list[str] = []

    def __getitem__(self, name: str) -> str:
        if name not in self.asked:
            self.asked.append(name)
        return self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


CONFLICT_LABELS = {
    ConflictChoice.SKIP: "Skip them (keep what is configured)",
    ConflictChoice.RENAME: "Import them under a new name",
    ConflictChoice.REPLACE: "Replace the configured ones",
}


def ask_open_path(parent: QWidget | None) -> Path | None:
    """A native open dialog for YAML files."""
    name, _ = QFileDialog.getOpenFileName(parent, "Import provisioning file", start_path(),
                                          "YAML files (*.yaml *.yml)")
    remember(name)
    return Path(name) if name else None


class ImportDialog(QDialog):
    """Shows the plan for one provisioning file and imports it on request."""

    imported = Signal(list)  # names of the data sources added or replaced

    def __init__(self, store: DataSourceStore, path: Path, parent: QWidget | None = None, *,
                 environ: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {path.name}")
        self.store = store
        self.path = path
        self.plan: ImportPlan | None = None
        self.parsed: ParsedFile | None = None
        self.imported_names: list[str] = []
        self.skipped: list[str] = []
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.env_values: dict[str, QLineEdit] = {}
        self.env_table = QTableWidget(0, 2)
        self.env_table.setHorizontalHeaderLabels(["Variable", "Value"])
        self.env_table.horizontalHeader().setStretchLastSection(True)
        self.env_table.verticalHeader().hide()
        self.env_table.setMaximumHeight(130)
        self.env_label = QLabel("Variables the file uses (their values here apply to this import only):")

        self.conflict_combo = QComboBox()
        for choice, label in CONFLICT_LABELS.items():
            self.conflict_combo.addItem(label, choice.value)
        self.conflict_combo.currentIndexChanged.connect(self.refresh)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Action", "Data source", "Details"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.messages = QLabel()
        self.messages.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("Import")
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.clicked.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Existing names or uids", self.conflict_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(str(path)))
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.env_label)
        layout.addWidget(self.env_table)
        layout.addWidget(self.messages)
        layout.addWidget(self.buttons)
        self.resize(720, 420)

        self.read_file()

    def read_file(self) -> None:
        """Read the file with the environment and the values entered here, then plan again."""
        values = dict(self.environ)
        values.update({name: edit.text() for name, edit in self.env_values.items() if edit.text()})
        recording = _RecordingEnviron(values)
        try:
            self.parsed = read_provisioning_file(self.path, recording)
        except CqlscopeError as exc:
            self._fail(f"{exc.title}: {exc.message}")
            return
        for name in recording.asked:
            if name not in self.env_values:
                self._add_variable(name, values.get(name, ""))
        has_variables = bool(self.env_values)
        self.env_label.setVisible(has_variables)
        self.env_table.setVisible(has_variables)
        self.refresh()

    def _add_variable(self, name: str, value: str) -> None:
        row = self.env_table.rowCount()
        self.env_table.insertRow(row)
        self.env_table.setItem(row, 0, QTableWidgetItem(name))
        edit = QLineEdit(value)
        edit.setPlaceholderText("not set: empty in Grafana")
        if _SECRET_NAME.search(name):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.editingFinished.connect(self.read_file)
        self.env_values[name] = edit
        self.env_table.setCellWidget(row, 1, edit)

    def choice(self) -> ConflictChoice:
        """The conflict choice selected in the dialog."""
        return ConflictChoice(self.conflict_combo.currentData())

    def set_choice(self, choice: ConflictChoice) -> None:
        self.conflict_combo.setCurrentIndex(self.conflict_combo.findData(choice.value))

    def refresh(self, *_: object) -> None:
        """Plan again with the current conflict choice and show it."""
        if self.parsed is None:
            return
        self.plan, self.skipped = usable_part(plan_import(self.store, self.parsed, self.choice()))
        self.table.setRowCount(0)
        for item in self.plan.items:
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = item.datasource.name if item.datasource is not None else item.source_name
            for column, text in enumerate((item.action.value, name, item.describe())):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.conflict_combo.setEnabled(bool(self.plan.conflicts))
        lines = [str(f) for f in self.plan.findings if not f.message.startswith("skipped (not imported)")]
        if self.skipped:
            lines.insert(0, "Not imported (fix the file or enter the variables below): " + "; ".join(self.skipped))
        if self.plan.conflicts:
            lines.insert(0, "Conflicts: " + "; ".join(self.plan.conflicts))
        self.messages.setText("\n".join(lines) or "Ready to import.")
        self.messages.setStyleSheet("color: #b22222;" if self.plan.errors else "")
        self.import_button.setEnabled(not self.plan.errors and bool(self.plan.changes))

    def do_import(self) -> None:
        """Apply the plan; the dialog closes on success and shows the error otherwise."""
        if self.plan is None:
            return
        try:
            self.imported_names = apply_import(self.store, self.plan)
        except CqlscopeError as exc:
            self._fail(f"{exc.title}: {exc.message}")
            return
        self.imported.emit(self.imported_names)
        self.accept()

    def _fail(self, text: str) -> None:
        self.messages.setText(text)
        self.messages.setStyleSheet("color: #b22222;")
        self.import_button.setEnabled(False)
        self.conflict_combo.setEnabled(False)


def run_import(store: DataSourceStore, parent: QWidget | None = None,
               open_path: OpenPathProvider | None = None) -> list[str]:
    """The Import action: choose a file, show the dialog; returns the names imported (empty when cancelled)."""
    path = (open_path or ask_open_path)(parent)
    if path is None:
        return []
    dialog = ImportDialog(store, path, parent)
    dialog.exec()
    return dialog.imported_names
