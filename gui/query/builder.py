"""The cassandra plugin's query model in a query tab: raw or builder mode, the builder's fields, and the series
alias. Shown only for the cassandra flavor; in builder mode the editor shows the CQL the plugin builds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from core.errors import CqlscopeError
from core.query.targets import builder_text

if TYPE_CHECKING:
    from gui.query.tab import QueryTab

# (target key, label, placeholder) of the builder's text fields, as the plugin's query editor names them.
FIELDS = (
    ("keyspace", "Keyspace", "metrics"), ("table", "Table", "readings"), ("columnId", "ID column", "sensor_id"),
    ("valueId", "ID value", "a, b or $var"), ("columnTime", "Time column", "ts"),
    ("columnValue", "Value column", "value"),
)
RAW, BUILDER = "raw", "builder"


class BuilderPanel(QWidget):
    """Mode (raw or builder), the builder's fields, filtering, instant and the alias; `changed` on edits."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode_combo = QComboBox()
        self.mode_combo.addItem("Raw CQL", RAW)
        self.mode_combo.addItem("Query builder", BUILDER)
        self.mode_combo.setToolTip("The cassandra plugin's two query modes: raw CQL, or a statement its backend "
                                   "builds from these fields.")
        self.mode_combo.currentIndexChanged.connect(self._on_mode)
        self.edits: dict[str, QLineEdit] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Mode"), 0, 0)
        layout.addWidget(self.mode_combo, 0, 1)
        self.alias_edit = QLineEdit()
        self.alias_edit.setPlaceholderText("{{ sensor_id }}")
        self.alias_edit.setToolTip("Series names from {{ column }} templates, as the plugin builds them.")
        self.alias_edit.textChanged.connect(self.changed)
        layout.addWidget(QLabel("Alias"), 0, 2)
        layout.addWidget(self.alias_edit, 0, 3)
        self.builder_widgets: list[QWidget] = []
        for index, (key, label, placeholder) in enumerate(FIELDS):
            edit = QLineEdit()
            edit.setPlaceholderText(placeholder)
            edit.textChanged.connect(self.changed)
            self.edits[key] = edit
            caption = QLabel(label)
            row, column = 1 + index // 3, (index % 3) * 2
            layout.addWidget(caption, row, column)
            layout.addWidget(edit, row, column + 1)
            self.builder_widgets += [caption, edit]
        self.filtering_check = QCheckBox("Allow filtering")
        self.instant_check = QCheckBox("Instant (latest value per ID)")
        for check in (self.filtering_check, self.instant_check):
            check.toggled.connect(self.changed)
        layout.addWidget(self.filtering_check, 3, 1)
        layout.addWidget(self.instant_check, 3, 3)
        self.builder_widgets += [self.filtering_check, self.instant_check]
        self._on_mode()

    def _on_mode(self) -> None:
        for widget in self.builder_widgets:
            widget.setVisible(self.is_builder())
        self.changed.emit()

    def is_builder(self) -> bool:
        return bool(self.mode_combo.currentData() == BUILDER)

    def set_values(self, mode: str, fields: dict[str, Any], alias: str) -> None:
        """Show a saved mode, builder fields and alias."""
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(mode), 0))
        for key, edit in self.edits.items():
            edit.setText(str(fields.get(key) or ""))
        self.filtering_check.setChecked(bool(fields.get("filtering")))
        self.instant_check.setChecked(bool(fields.get("instant")))
        self.alias_edit.setText(alias)
        self._on_mode()

    def fields(self) -> dict[str, Any]:
        """The builder's fields as the plugin's target holds them."""
        values: dict[str, Any] = {key: edit.text() for key, edit in self.edits.items()}
        values["filtering"] = self.filtering_check.isChecked()
        values["instant"] = self.instant_check.isChecked()
        return values

    def target_model(self, text: str) -> dict[str, Any]:
        """The panel target the plugin's front end starts from: raw text or builder fields, plus the alias."""
        model: dict[str, Any] = {"queryType": "query", "rawQuery": not self.is_builder(),
                                 "target": "" if self.is_builder() else text, "alias": self.alias_edit.text()}
        if self.is_builder():
            model.update(self.fields())
        return model


def sync_builder(tab: QueryTab) -> None:
    """Show the plugin's query model for the cassandra flavor only; in builder mode the editor is read-only and
    shows the CQL the plugin builds (its ID value interpolated as the front end does)."""
    cassandra = tab.flavor_combo.currentText() == "cassandra"
    tab.builder.setVisible(cassandra)
    builder = cassandra and tab.builder.is_builder()
    tab.editor.setReadOnly(builder)
    if builder:
        try:  # the picker marks a range or min interval that does not parse
            text = builder_text(tab.builder.fields(), tab.variables.variables(), tab.time_picker.time_range(),
                                tab.time_picker.max_points.value(), tab.grafana_context().viewer(),
                                tab.time_picker.min_interval_value())
        except CqlscopeError:
            return
        tab.editor.setPlainText(text)
