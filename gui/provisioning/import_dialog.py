"""The Import dialog: preview what a provisioning file adds or changes, choose what conflicts do, import.

Nothing changes until Import is clicked, and not at all when the file has errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
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
from gui.common.folders import remember, start_path

# Asks which file to import; None when cancelled. Tests inject a function returning a path.
OpenPathProvider = Callable[[QWidget | None], "Path | None"]

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
        layout.addWidget(self.messages)
        layout.addWidget(self.buttons)
        self.resize(720, 420)

        try:
            self.parsed = read_provisioning_file(path, environ)
        except CqlscopeError as exc:
            self._fail(f"{exc.title}: {exc.message}")
            return
        self.refresh()

    def choice(self) -> ConflictChoice:
        """The conflict choice selected in the dialog."""
        return ConflictChoice(self.conflict_combo.currentData())

    def set_choice(self, choice: ConflictChoice) -> None:
        self.conflict_combo.setCurrentIndex(self.conflict_combo.findData(choice.value))

    def refresh(self, *_: object) -> None:
        """Plan again with the current conflict choice and show it."""
        if self.parsed is None:
            return
        self.plan = plan_import(self.store, self.parsed, self.choice())
        self.table.setRowCount(0)
        for item in self.plan.items:
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = item.datasource.name if item.datasource is not None else item.source_name
            for column, text in enumerate((item.action.value, name, item.describe())):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.conflict_combo.setEnabled(bool(self.plan.conflicts))
        lines = [str(f) for f in self.plan.findings]
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
