"""The Connection tab: the name and every non-secure option, generated from core.config.options.OPTIONS.

Options are grouped by their `group` in group boxes; each field shows its validation problems inline, in
red, right under it. Options the selected plugin cannot express have a dimmed label.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.config.datasource import DataSource, Flavor
from core.config.options import OPTIONS, OptionSpec
from gui.datasources.option_fields import OptionField, field_for

ERROR_COLOR = "#c5221f"
NAME_FIELD = "name"
GENERAL_GROUP = "General"
# A check box that switches the rest of its group on and off.
GROUP_SWITCHES = {"tls_enabled"}


def options_by_group(options: Iterable[OptionSpec] = OPTIONS) -> dict[str, list[OptionSpec]]:
    """The options grouped by `group`, groups in order of first appearance."""
    groups: dict[str, list[OptionSpec]] = {}
    for spec in options:
        groups.setdefault(spec.group, []).append(spec)
    return groups


class WrappingLabel(QLabel):
    """A word-wrapped label whose size hint follows its real width (QLabel's guess is too narrow and tall)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.wordWrap() and self.width() > 0:
            return QSize(hint.width(), self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()


def _error_label() -> QLabel:
    label = WrappingLabel()
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ConnectionForm(QWidget):
    """Edits a copy of a data source's non-secure settings; `datasource()` returns the edited copy."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: DataSource | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setToolTip("The data source name shown in Grafana (unique, at most 190 characters).")
        self.name_edit.textChanged.connect(self.edited)
        self.uid_label = QLabel()
        self.uid_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.uid_label.setToolTip("The stable Grafana uid; a rename keeps it, and the keyring entries with it.")
        self.fields: dict[str, OptionField] = {}
        self._labels: dict[str, QLabel] = {}
        self._errors: dict[str, QLabel] = {}
        self._forms: dict[str, QFormLayout] = {}
        self._other_errors = _error_label()  # problems of settings without a field (the uid)
        self._other_errors.hide()

        boxes = [self._group_box(group, specs) for group, specs in options_by_group().items()]
        columns = QHBoxLayout()
        columns.setSpacing(16)
        for column_boxes in _balance(boxes):
            column = QVBoxLayout()
            column.setSpacing(12)
            for box, _ in column_boxes:
                column.addWidget(box)
            column.addStretch(1)
            columns.addLayout(column, 1)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(4, 8, 4, 8)
        content_layout.addWidget(self._other_errors)
        content_layout.addLayout(columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        flavor = self.fields.get("flavor")
        if flavor is not None:
            flavor.changed.connect(self._update_dependent_state)
        for name in GROUP_SWITCHES & self.fields.keys():
            self.fields[name].changed.connect(self._update_dependent_state)

    # -- building ------------------------------------------------------------------------------

    def _group_box(self, group: str, specs: list[OptionSpec]) -> tuple[QGroupBox, int]:
        box = QGroupBox(group)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setContentsMargins(12, 10, 12, 10)
        form.setHorizontalSpacing(14)
        self._forms[group] = form
        rows = len(specs)
        if group == GENERAL_GROUP:
            self._add_row(form, NAME_FIELD, QLabel("Name"), self.name_edit)
            form.addRow("Uid", self.uid_label)
            rows += 2
        for spec in specs:
            field = field_for(spec)
            field.changed.connect(self.edited)
            self.fields[spec.name] = field
            label = QLabel(spec.label)
            label.setToolTip(field.toolTip())
            self._labels[spec.name] = label
            self._add_row(form, spec.name, label, field)
        return box, rows

    def _add_row(self, form: QFormLayout, name: str, label: QLabel, field: QWidget) -> None:
        form.addRow(label, field)
        error = _error_label()
        error.setObjectName(f"error_{name}")
        form.addRow("", error)
        form.setRowVisible(error, False)
        self._errors[name] = error

    # -- data ----------------------------------------------------------------------------------

    def load(self, ds: DataSource) -> None:
        """Show a data source; no `edited` signal is emitted and old problems are cleared."""
        self._base = ds.copy()
        self.name_edit.blockSignals(True)
        self.name_edit.setText(ds.name)
        self.name_edit.blockSignals(False)
        self.uid_label.setText(ds.uid)
        for field in self.fields.values():
            field.show_value(ds)
        self.show_problems([])
        self._update_dependent_state()

    def show_field_value(self, ds: DataSource, name: str) -> None:
        """Refresh one field from `ds` (after a change made elsewhere, such as Mark default)."""
        self.fields[name].show_value(ds)

    def datasource(self) -> DataSource:
        """The loaded data source with the form's values; fields that do not parse keep their old value."""
        if self._base is None:
            raise RuntimeError("no data source is loaded")
        values = {}
        for name, field in self.fields.items():
            try:
                values[name] = field.value()
            except ValueError:
                continue
        return self._base.copy(name=self.name_edit.text(), **values)

    def parse_errors(self) -> list[tuple[str, str]]:
        """Fields whose text is not a value at all (e.g. letters in the port), as (field, message)."""
        errors = []
        for name, field in self.fields.items():
            try:
                field.value()
            except ValueError as exc:
                errors.append((name, str(exc)))
        return errors

    # -- problems ------------------------------------------------------------------------------

    def show_problems(self, problems: Iterable[tuple[str, str]]) -> None:
        """Show each problem under its field (in red); problems of fields not on the form go on top."""
        by_field: dict[str, list[str]] = {}
        for name, message in problems:
            by_field.setdefault(name, []).append(message)
        for name, label in self._errors.items():
            messages = by_field.pop(name, [])
            label.setText("\n".join(_sentence(m) for m in messages))
            self._form_of(label).setRowVisible(label, bool(messages))
        other = [f"{name}: {_sentence(message)}" for name, messages in by_field.items() for message in messages]
        self._other_errors.setText("\n".join(other))
        self._other_errors.setVisible(bool(other))

    def label(self, name: str) -> QLabel:
        """The label of an option's row (dimmed when the selected plugin has no such setting)."""
        return self._labels[name]

    def problem_text(self, name: str) -> str:
        """The inline message shown under a field ('' when none is shown)."""
        label = self._errors.get(name)
        if label is not None:
            return label.text() if self._form_of(label).isRowVisible(label) else ""
        return self._other_errors.text() if self._other_errors.isVisible() else ""

    def _form_of(self, label: QLabel) -> QFormLayout:
        for form in self._forms.values():
            if form.indexOf(label) >= 0:
                return form
        raise LookupError(label.objectName())

    # -- flavor and switches -------------------------------------------------------------------

    def _update_dependent_state(self) -> None:
        flavor = self.datasource().flavor if self._base is not None else Flavor.CASSANDRA
        for name, label in self._labels.items():
            spec = self.fields[name].spec
            applies = not spec.flavors or flavor in spec.flavors
            label.setEnabled(applies)
            note = "" if applies else f" The {flavor.value} plugin has no such setting; cqlscope still uses it."
            label.setToolTip(self.fields[name].toolTip() + note)
        for switch in GROUP_SWITCHES & self.fields.keys():
            on = bool(self.fields[switch].value())
            group = self.fields[switch].spec.group
            for spec in options_by_group()[group]:
                if spec.name != switch:
                    self.fields[spec.name].setEnabled(on)
                    self._labels[spec.name].setEnabled(on)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "!", "?")) else ".")


def _balance(boxes: list[tuple[QGroupBox, int]], columns: int = 2) -> list[list[tuple[QGroupBox, int]]]:
    """Split the group boxes, in order, into columns of about the same number of rows."""
    total = sum(rows for _, rows in boxes)
    result: list[list[tuple[QGroupBox, int]]] = [[] for _ in range(columns)]
    filled, column = 0, 0
    for box, rows in boxes:
        if column < columns - 1 and filled >= total * (column + 1) / columns:
            column += 1
        result[column].append((box, rows))
        filled += rows
    return result
