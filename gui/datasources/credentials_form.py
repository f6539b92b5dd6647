"""The Credentials tab: user and password with Grafana's secret-field behaviour.

A secret that is not set is an editable field (the password masked). Once saved, the field shows
"configured", is read-only and offers Reset; the value is never shown again. Typed values and resets
are pending until Save, which applies them to the keyring.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.config.datasource import SECRET_FIELDS
from core.config.options import SECRET_LABELS
from core.config.secrets import SecretState

CONFIGURED_TEXT = "configured"
MASKED_FIELDS = {"password"}


@dataclass(frozen=True)
class SecretChange:
    """A pending change of one secret: a new value, or a reset (value None)."""

    value: str | None

    @property
    def is_reset(self) -> bool:
        return self.value is None


class SecretField(QWidget):
    """One secret: an input while not set, 'configured' plus Reset once it is in the keyring."""

    changed = Signal()

    def __init__(self, field: str, masked: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._masked = masked
        self._state = SecretState.NOT_SET
        self._reset_pending = False
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName(f"secret_{field}")
        self.line_edit.textChanged.connect(self.changed)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip(f"Clear the stored {field}; the keyring entry is removed when you save.")
        self.reset_button.clicked.connect(self.reset)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.line_edit, 1)
        row.addWidget(self.reset_button)
        editable = QPalette(self.line_edit.palette())
        configured = QPalette(editable)  # Grafana's look: a greyed box that reads "configured"
        configured.setColor(QPalette.ColorRole.Base, editable.color(QPalette.ColorRole.Window))
        configured.setColor(QPalette.ColorRole.Text, editable.color(QPalette.ColorRole.PlaceholderText))
        self._editable_palette, self._configured_palette = editable, configured
        self._render()

    @property
    def state(self) -> SecretState:
        return self._state

    def load(self, state: SecretState) -> None:
        """Show the keyring's state and drop anything typed or reset."""
        self._state = state
        self._reset_pending = False
        self._render()

    def reset(self) -> None:
        """Mark the secret to be cleared on Save; the field becomes empty and editable."""
        self._reset_pending = True
        self._render()
        self.line_edit.setFocus()
        self.changed.emit()

    def is_configured_shown(self) -> bool:
        """True while the field shows 'configured' (read-only, value hidden)."""
        return self._state == SecretState.CONFIGURED and not self._reset_pending

    def pending(self) -> SecretChange | None:
        """What Save must do with this secret, or None when nothing changed."""
        if self.is_configured_shown():
            return None
        text = self.line_edit.text()
        if text:
            return SecretChange(text)
        if self._reset_pending:
            return SecretChange(None)
        return None

    def _render(self) -> None:
        self.line_edit.blockSignals(True)
        try:
            self._render_state()
        finally:
            self.line_edit.blockSignals(False)

    def _render_state(self) -> None:
        configured = self.is_configured_shown()
        self.line_edit.setReadOnly(configured)
        self.line_edit.setPalette(self._configured_palette if configured else self._editable_palette)
        self.reset_button.setVisible(configured)
        if configured:
            self.line_edit.setEchoMode(QLineEdit.EchoMode.Normal)
            self.line_edit.setText(CONFIGURED_TEXT)
            self.line_edit.setPlaceholderText("")
            return
        self.line_edit.setEchoMode(QLineEdit.EchoMode.Password if self._masked else QLineEdit.EchoMode.Normal)
        self.line_edit.setText("")
        if self._reset_pending:
            self.line_edit.setPlaceholderText("cleared when you save")
        elif self._state == SecretState.UNAVAILABLE:
            self.line_edit.setPlaceholderText("keyring unavailable")
        else:
            self.line_edit.setPlaceholderText("not set")


class CredentialsForm(QWidget):
    """User and password of the selected data source, kept in the system keyring."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, SecretField] = {}
        box = QGroupBox("Authentication")
        form = QFormLayout(box)
        form.setContentsMargins(12, 10, 12, 10)
        form.setHorizontalSpacing(14)
        for name in SECRET_FIELDS:
            field = SecretField(name, masked=name in MASKED_FIELDS)
            field.changed.connect(self.edited)
            self.fields[name] = field
            form.addRow(SECRET_LABELS.get(name, name.capitalize()), field)
        note = QLabel("The user and password are kept in the system keyring, never in the profile file. Once "
                      "saved, a secret is never shown again: use Reset to replace or clear it. Changes here "
                      "are applied when you save.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6368;")
        self.keyring_label = QLabel()
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(note)
        form.addRow(self.keyring_label)
        box.setMaximumWidth(640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 8)
        layout.addWidget(box)
        layout.addStretch(1)

    def load(self, states: dict[str, SecretState], keep: set[str] | frozenset[str] = frozenset()) -> None:
        """Show the keyring states; fields named in `keep` keep their pending change."""
        for name, field in self.fields.items():
            if name not in keep:
                field.load(states.get(name, SecretState.NOT_SET))
        unavailable = any(state == SecretState.UNAVAILABLE for state in states.values())
        self.keyring_label.setText(
            "⚠ The system keyring is unavailable: secrets cannot be saved or read until it works again."
            if unavailable else "")
        self.keyring_label.setStyleSheet("color: #a50e0e;" if unavailable else "")
        self.keyring_label.setVisible(unavailable)

    def pending(self) -> dict[str, SecretChange]:
        """The changes Save must apply, by field."""
        changes = {}
        for name, field in self.fields.items():
            change = field.pending()
            if change is not None:
                changes[name] = change
        return changes

    def has_changes(self) -> bool:
        return bool(self.pending())
