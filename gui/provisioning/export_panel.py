"""The Export panel: pick data sources and options, watch the provisioning YAML update live, Save or Copy.

The preview never shows real secrets: inline mode masks them, and the keyring is read only when the
file is saved or copied.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.config.datasource import DataSource
from core.config.store import DataSourceStore
from core.errors import CqlscopeError
from core.grafana.template_scan import finditer_closed
from core.provisioning import ExportOptions, ExportResult, SecretsMode, build_export, export_options_for, write_export
from gui.common.folders import remember, start_path
from gui.common.prompts import Prompts

UID_ROLE = Qt.ItemDataRole.UserRole
MASK = "<from keyring>"

# Asks the user where to save; returns None when cancelled. Tests inject a function returning a path.
SavePathProvider = Callable[[QWidget], "Path | None"]


def ask_save_path(parent: QWidget) -> Path | None:
    """A native save dialog for YAML files."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save provisioning file", start_path("cqlscope-datasources.yaml"),
                                          "YAML files (*.yaml *.yml)")
    remember(name)
    return Path(name) if name else None

_PLACEHOLDER = re.compile(r"\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")
_PLACEHOLDER_NAME = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")


class YamlHighlighter(QSyntaxHighlighter):
    """Keys, comments, booleans/numbers and $VAR placeholders in different colors."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._rules: list[tuple[re.Pattern[str], QTextCharFormat]] = []
        for pattern, color, bold in (
            (r"^\s*(- )?[A-Za-z_][\w]*:", "#1f5fa8", True),
            (r"(?<=: )(true|false|\d+)\s*$", "#a0522d", False),  # a whole scalar value, not "10.0.0.2"
            (r"<from keyring>", "#b22222", True),
            (r"#.*$", "#808080", False),
        ):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(color))
            if bold:
                fmt.setFontWeight(QFont.Weight.Bold)
            self._rules.append((re.compile(pattern), fmt))
        self._placeholder = QTextCharFormat()
        self._placeholder.setForeground(QColor("#2e8b57"))
        self._placeholder.setFontWeight(QFont.Weight.Bold)

    def highlightBlock(self, text: str) -> None:
        # placeholders first: keys and scalars never hold a `$`, the keyring mark and comments go over them
        for match in finditer_closed(_PLACEHOLDER, _PLACEHOLDER_NAME, text, "}"):  # linear, unlike [^}]* alone
            self.setFormat(match.start(), match.end() - match.start(), self._placeholder)
        for pattern, fmt in self._rules:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)


class ExportPanel(QWidget):
    """Export data sources to a Grafana provisioning file, following every change of the store."""

    saved = Signal(str)  # the path written
    copied = Signal()

    def __init__(self, store: DataSourceStore, parent: QWidget | None = None, *,
                 save_path_provider: SavePathProvider | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.save_path_provider = save_path_provider or ask_save_path
        self.result: ExportResult | None = None
        # The shown data source with its unsaved edits (set by the window), so preview and file follow the form.
        self.draft: Callable[[], DataSource | None] = lambda: None
        self.confirm_secrets: Callable[[], bool] = Prompts(self).confirm_copy_secrets

        self.source_list = QListWidget()
        self.source_list.itemChanged.connect(self._on_option_changed)
        self.all_check = QCheckBox("All data sources")
        self.all_check.setChecked(True)
        self.all_check.toggled.connect(self._on_all_toggled)
        self.secrets_combo = QComboBox()
        self.secrets_combo.addItem("$VAR placeholders", SecretsMode.PLACEHOLDERS.value)
        self.secrets_combo.addItem("Inline (plain text!)", SecretsMode.INLINE.value)
        self.secrets_combo.currentIndexChanged.connect(self._on_option_changed)
        self.env_check = QCheckBox("Also write an env file listing the variables (FILE.env)")
        self.env_check.toggled.connect(self._on_option_changed)
        self.env_values_check = QCheckBox("Put the real secret values into the env file (mode 0600)")
        self.env_values_check.toggled.connect(self._on_option_changed)
        self.prune_check = QCheckBox("prune: true (Grafana 11.1+)")
        self.prune_check.toggled.connect(self._on_option_changed)
        self.merge_check = QCheckBox("Merge into the file when it exists")
        self.merge_check.toggled.connect(self._on_option_changed)
        self.delete_edit = QLineEdit()
        self.delete_edit.setPlaceholderText("names to delete in Grafana, comma separated")
        self.delete_edit.textChanged.connect(self._on_option_changed)

        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.highlighter = YamlHighlighter(self.preview.document())
        self.messages = QLabel()
        self.messages.setWordWrap(True)
        self.messages.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton("Save…")
        self.save_button.clicked.connect(self.save)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy)

        options = QFormLayout()
        options.addRow("Secrets", self.secrets_combo)
        options.addRow(self.env_check)
        options.addRow(self.env_values_check)
        options.addRow(self.prune_check)
        options.addRow(self.merge_check)
        options.addRow("Delete", self.delete_edit)
        left = QVBoxLayout()
        left.addWidget(self.all_check)
        left.addWidget(self.source_list)
        left.addLayout(options)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.messages)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)

        unsubscribe = store.subscribe(self._on_store_changed)
        self._unsubscribe: Callable[[], None] | None = unsubscribe
        self.destroyed.connect(lambda *_: unsubscribe())
        self._on_store_changed()

    # -- public ------------------------------------------------------------------------------

    def detach(self) -> None:
        """Stop following the store (called automatically when the widget is destroyed)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def selected(self) -> list[DataSource]:
        """The data sources to export, in store order, the shown one with its unsaved edits."""
        draft = self.draft()
        items = [draft if draft is not None and ds.uid == draft.uid else ds for ds in self.store.list()]
        if self.all_check.isChecked():
            return items
        checked = {self.source_list.item(i).data(UID_ROLE) for i in range(self.source_list.count())
                   if self.source_list.item(i).checkState() == Qt.CheckState.Checked}
        return [ds for ds in items if ds.uid in checked]

    def options(self, target: Path | None = None) -> ExportOptions:
        """The export options shown in the panel; `target` decides the env file and the merge base."""
        deletes = [(n.strip(), 1) for n in self.delete_edit.text().split(",") if n.strip()]
        inline = self.secrets_combo.currentData() == SecretsMode.INLINE.value
        env_file = None
        if self.env_check.isChecked() and not inline:
            env_file = (target or Path("provisioning.yaml")).with_suffix(".env")
        return export_options_for(
            target, secrets=SecretsMode.INLINE if inline else SecretsMode.PLACEHOLDERS,
            env_file=env_file, write_secrets_to_env_file=env_file is not None and self.env_values_check.isChecked(),
            delete=deletes, prune=self.prune_check.isChecked(),
            merge_into=target if self.merge_check.isChecked() and target is not None else None)

    def refresh(self) -> None:
        """Rebuild the preview and the messages (secrets masked)."""
        self.result = build_export(self.selected(), self.options(), lambda ds, field: MASK)
        self.preview.setPlainText(self.result.text)
        lines = [str(f) for f in self.result.findings]
        draft = self.draft()
        if draft is not None and any(ds.uid == draft.uid for ds in self.selected()):
            lines.append(f"Includes the unsaved edits of '{draft.name}'.")
        self.messages.setText("\n".join(lines) if lines else "Ready to export.")
        has_errors = bool(self.result.errors)
        self.messages.setStyleSheet("color: #b22222;" if has_errors else "")
        self.save_button.setEnabled(not has_errors)
        self.copy_button.setEnabled(not has_errors)

    def save(self) -> Path | None:
        """Ask for a path and write the file (and env file); returns the path, None when cancelled or refused."""
        path = self.save_path_provider(self)
        if path is None:
            return None
        options = self.options(path)
        try:
            result = build_export(self.selected(), options, self._lookup)
            write_export(result, path, options.env_file)
        except CqlscopeError as exc:
            self._show_error(exc)
            return None
        self.messages.setText(f"Saved {path}" + (f" and {options.env_file}" if options.env_file else ""))
        self.saved.emit(str(path))
        return path

    def copy(self) -> str | None:
        """Put the file text on the clipboard (real secrets only in inline mode)."""
        try:
            result = build_export(self.selected(), self.options(), self._lookup)
        except CqlscopeError as exc:
            self._show_error(exc)
            return None
        if result.errors:
            self.refresh()
            return None
        if result.has_inline_secrets and not self.confirm_secrets():
            self.messages.setText("Not copied: the text holds real secrets.")
            return None
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(result.text)
        count = len(self.selected())
        self.messages.setText(f"Copied the provisioning file ({count} data source{'s' if count != 1 else ''}) "
                              "to the clipboard.")
        self.copied.emit()
        return result.text

    # -- internals ---------------------------------------------------------------------------

    def _lookup(self, ds: DataSource, field: str) -> str | None:
        return self.store.secrets.get(ds.uid, field)

    def _show_error(self, exc: CqlscopeError) -> None:
        self.messages.setStyleSheet("color: #b22222;")
        self.messages.setText(f"{exc.title}: {exc.message}")

    def _on_store_changed(self) -> None:
        checked = {self.source_list.item(i).data(UID_ROLE): self.source_list.item(i).checkState()
                   for i in range(self.source_list.count())}
        self.source_list.blockSignals(True)
        self.source_list.clear()
        for ds in self.store.list():
            item = QListWidgetItem(f"{ds.name}  ({ds.flavor.value})")
            item.setData(UID_ROLE, ds.uid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(checked.get(ds.uid, Qt.CheckState.Checked))
            self.source_list.addItem(item)
        self.source_list.setEnabled(not self.all_check.isChecked())
        self.source_list.blockSignals(False)
        self.refresh()

    def _on_all_toggled(self, checked: bool) -> None:
        self.source_list.setEnabled(not checked)
        self.refresh()

    def _on_option_changed(self, *_: object) -> None:
        self.env_values_check.setEnabled(self.env_check.isChecked())
        self.refresh()

