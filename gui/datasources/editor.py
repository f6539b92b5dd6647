"""The editor of one data source: header, Connection and Credentials tabs, Save and Save & test.

It keeps the saved version of what it shows, so it can tell whether there are unsaved changes and list
every problem; saving and testing are the window's job (it reacts to the button signals).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from core.config.datasource import DataSource
from core.config.secrets import SecretState
from gui.datasources.connection_form import ConnectionForm
from gui.datasources.credentials_form import CredentialsForm

Validator = Callable[[DataSource], list[tuple[str, str]]]
TEST_LABEL = "Save && test"
TESTING_LABEL = "Testing…"


class DataSourceEditor(QWidget):
    """Shows one data source for editing; `edited` fires on every change of a setting or a secret."""

    edited = Signal()
    save_clicked = Signal()
    test_clicked = Signal()

    def __init__(self, validate: Validator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._validate = validate
        self._loaded = False
        self._saved: DataSource | None = None  # None while the data source is new
        self.header_title = QLabel()
        font = self.header_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.header_title.setFont(font)
        self.header_detail = QLabel()
        self.header_detail.setStyleSheet("color: #5f6368;")
        self.header_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.connection_form = ConnectionForm()
        self.connection_form.edited.connect(self._on_settings_edited)
        self.credentials_form = CredentialsForm()
        self.credentials_form.edited.connect(self.edited)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.connection_form, "Connection")
        self.tabs.addTab(self.credentials_form, "Credentials")
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Save the settings to the profile file and the secrets to the keyring (Ctrl+S).")
        self.save_button.clicked.connect(self.save_clicked)
        self.test_button = QPushButton(TEST_LABEL)
        self.test_button.setToolTip("Save, then connect with these settings and report the cluster's health.")
        self.test_button.setDefault(True)
        self.test_button.clicked.connect(self.test_clicked)
        # One header row (title, detail, Save, Test) above the tabs, so the Query tab keeps the height.
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.header_title)
        titles.addWidget(self.header_detail)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        for button in (self.save_button, self.test_button):
            button.setMinimumWidth(90)
            header.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

    def load(self, ds: DataSource, states: dict[str, SecretState], *, is_new: bool,
             keep_secrets: set[str] | frozenset[str] = frozenset()) -> None:
        """Show a data source and its secret states; `is_new` when it was never saved.

        The secret fields in `keep_secrets` keep what was typed (their save failed).
        """
        self._loaded = True
        self._saved = None if is_new else ds.copy()
        self.connection_form.load(ds)
        self.credentials_form.load(states, keep=keep_secrets)
        self.refresh_problems()
        self._update_header()

    def accept_saved_field(self, saved: DataSource, name: str) -> None:
        """Take one field's new saved value (changed elsewhere, e.g. Mark default), keeping other edits."""
        self._saved = saved.copy()
        self.connection_form.show_field_value(saved, name)
        self.refresh_problems()

    def datasource(self) -> DataSource:
        """The data source as edited (fields that do not parse keep their loaded value)."""
        return self.connection_form.datasource()

    def is_new(self) -> bool:
        return self._loaded and self._saved is None

    def is_dirty(self) -> bool:
        """Whether Save would change anything: always for a new data source."""
        if not self._loaded:
            return False
        if self._saved is None:
            return True
        return (bool(self.connection_form.parse_errors()) or self.datasource() != self._saved
                or self.credentials_form.has_changes())

    def problems(self) -> list[tuple[str, str]]:
        """Every problem: text that does not parse, then the model's validation of the rest."""
        parse_errors = self.connection_form.parse_errors()
        unparsed = {name for name, _ in parse_errors}
        validated = self._validate(self.datasource())
        return parse_errors + [(name, message) for name, message in validated if name not in unparsed]

    def refresh_problems(self) -> None:
        self.connection_form.show_problems(self.problems())

    def set_actions(self, *, can_save: bool, testing: bool) -> None:
        """Enable Save and Save & test; while a test runs the latter reads 'Testing…'."""
        self.save_button.setEnabled(can_save)
        self.test_button.setEnabled(can_save and not testing)
        self.test_button.setText(TESTING_LABEL if testing else TEST_LABEL)

    def _on_settings_edited(self) -> None:
        self.refresh_problems()
        self._update_header()
        self.edited.emit()

    def _update_header(self) -> None:
        ds = self.datasource()
        self.header_title.setText(ds.name or "(unnamed)")
        state = "new, not saved yet" if self._saved is None else f"uid {ds.uid}"
        self.header_detail.setText(f"{ds.flavor.plugin_id} · {state}")
