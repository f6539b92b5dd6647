"""One input widget per option kind (line edit, combo box, check box, path with Browse), all alike to the form."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from core.config.datasource import DataSource
from core.config.options import OptionKind, OptionSpec
from gui.common.folders import remember, start_path

_PLACEHOLDERS = {
    OptionKind.HOSTS: "host or host:port, comma separated",
    OptionKind.PATH: "PEM file",
}


class OptionField(QWidget):
    """The editor of one option: shows a data source's value and parses the user's input back."""

    changed = Signal()

    def __init__(self, spec: OptionSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setToolTip(spec.help[:1].upper() + spec.help[1:] + ".")

    def show_value(self, ds: DataSource) -> None:
        """Display the data source's value (without emitting `changed`)."""
        raise NotImplementedError

    def value(self) -> Any:
        """The model value of the current input; ValueError with a message when it is not valid."""
        raise NotImplementedError

    def _row(self, widget: QWidget, stretch: int = 1) -> QHBoxLayout:
        """Lay the widget out alone in a row; the row is returned for extra buttons."""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(widget, stretch)
        return row


class LineField(OptionField):
    """Text, numbers and host lists: a line edit parsed with the option's own parser."""

    def __init__(self, spec: OptionSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.line_edit = QLineEdit()
        self.line_edit.setPlaceholderText(_PLACEHOLDERS.get(spec.kind, ""))
        self.line_edit.textChanged.connect(self.changed)
        numeric = spec.kind in (OptionKind.INT, OptionKind.FLOAT)
        self.row = self._row(self.line_edit, 0 if numeric else 1)
        if numeric:
            self.line_edit.setFixedWidth(120)
            self.row.addStretch(1)

    def show_value(self, ds: DataSource) -> None:
        self.line_edit.blockSignals(True)
        self.line_edit.setText(self.spec.format(ds))
        self.line_edit.blockSignals(False)

    def value(self) -> Any:
        return self.spec.parse(self.line_edit.text())


class PathField(LineField):
    """A file path with a Browse button."""

    def __init__(self, spec: OptionSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._browse)
        self.row.addWidget(self.browse_button)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Choose the {self.spec.label.lower()}",
                                              self.line_edit.text() or start_path(),
                                              "PEM files (*.pem *.crt *.key);;All files (*)")
        remember(path)
        if path:
            self.line_edit.setText(path)


class ChoiceField(OptionField):
    """A fixed list of values in a combo box; an unknown value read from a file is kept and shown."""

    def __init__(self, spec: OptionSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox()
        self.combo.addItems(list(spec.choices))
        self.combo.currentTextChanged.connect(self.changed)
        self.combo.setMinimumWidth(160)
        self._row(self.combo, 0).addStretch(1)

    def show_value(self, ds: DataSource) -> None:
        text = self.spec.format(ds)
        self.combo.blockSignals(True)
        for index in range(self.combo.count() - 1, len(self.spec.choices) - 1, -1):
            self.combo.removeItem(index)  # drop an unknown value shown for a previous data source
        if self.combo.findText(text) < 0:
            self.combo.addItem(text)
        self.combo.setCurrentText(text)
        self.combo.blockSignals(False)

    def value(self) -> Any:
        return self.spec.parse(self.combo.currentText())


class BoolField(OptionField):
    """A yes/no option as a check box."""

    def __init__(self, spec: OptionSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.check_box = QCheckBox()
        self.check_box.toggled.connect(self.changed)
        self._row(self.check_box)

    def show_value(self, ds: DataSource) -> None:
        self.check_box.blockSignals(True)
        self.check_box.setChecked(bool(getattr(ds, self.spec.name)))
        self.check_box.blockSignals(False)

    def value(self) -> Any:
        return self.check_box.isChecked()


_FIELD_CLASSES: dict[OptionKind, type[OptionField]] = {
    OptionKind.TEXT: LineField,
    OptionKind.INT: LineField,
    OptionKind.FLOAT: LineField,
    OptionKind.HOSTS: LineField,
    OptionKind.PATH: PathField,
    OptionKind.CHOICE: ChoiceField,
    OptionKind.BOOL: BoolField,
}


def field_for(spec: OptionSpec) -> OptionField:
    """The input widget for an option, chosen by its kind."""
    return _FIELD_CLASSES[spec.kind](spec)
