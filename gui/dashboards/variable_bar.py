"""The dashboard's variables as Grafana shows them: a dropdown per variable with its options, multi-select
with checkable items, All when the variable includes it, and a text field for textbox variables."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QToolButton, QWidget

from core.grafana.dashboards.variables import ALL_TEXT, ALL_VALUE, VariableState

HIDDEN_KINDS = ("constant",)


class _MultiSelect(QToolButton):
    """A dropdown of checkable options; All unchecks the others and the others uncheck All."""

    def __init__(self, options: list[tuple[str, str]], include_all: bool, selected: set[str], all_on: bool) -> None:
        super().__init__()
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        self.all_action = menu.addAction(ALL_TEXT) if include_all else None
        if self.all_action is not None:
            self.all_action.setCheckable(True)
            self.all_action.setChecked(all_on)
            self.all_action.toggled.connect(self._all_toggled)
        self.actions_by_value = {}
        for text, value in options:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(not all_on and value in selected)
            action.toggled.connect(self._option_toggled)
            self.actions_by_value[value] = action
        self.setMenu(menu)
        self._label()

    def _all_toggled(self, on: bool) -> None:
        if on:
            for action in self.actions_by_value.values():
                action.setChecked(False)
        self._label()

    def _option_toggled(self, on: bool) -> None:
        if on and self.all_action is not None:
            self.all_action.setChecked(False)
        self._label()

    def selection(self) -> list[str]:
        if self.all_action is not None and self.all_action.isChecked():
            return [ALL_VALUE]
        return [value for value, action in self.actions_by_value.items() if action.isChecked()]

    def _label(self) -> None:
        chosen = self.selection()
        self.setText(ALL_TEXT if chosen == [ALL_VALUE] else " + ".join(chosen) or "(none)")


class VariableBar(QWidget):
    """One control per shown variable; `overrides()` gives the selection as `name=value` items."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.controls: dict[str, QWidget] = {}
        self.notes = QLabel("Variables appear after the first run.")
        self.notes.setStyleSheet("color: #5f6368;")
        self._layout.addWidget(self.notes)
        self._layout.addStretch(1)

    def show_states(self, states: Mapping[str, VariableState]) -> None:
        """Rebuild the controls for the variables as the last run resolved them."""
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.controls.clear()
        problems: list[str] = []
        for name, state in states.items():
            if state.kind in HIDDEN_KINDS:
                continue
            self._layout.addWidget(QLabel(name))
            control = self._control(state)
            self.controls[name] = control
            self._layout.addWidget(control)
            problems += [f"${name}: {state.error}"] if state.error else []
            problems += [f"${name}: {note}" for note in state.notes]
        self.notes = QLabel("\n".join(problems))
        self.notes.setStyleSheet("color: #7a4f01;")
        self.notes.setWordWrap(True)
        self._layout.addWidget(self.notes, 1)

    def _control(self, state: VariableState) -> QWidget:
        variable = state.variable
        if state.kind == "textbox":
            edit = QLineEdit(str(variable.value or ""))
            edit.setMinimumWidth(120)
            return edit
        selected = set(variable.value) if isinstance(variable.value, tuple) else {str(variable.value or "")}
        if state.multi:
            return _MultiSelect(state.options, state.include_all, selected, variable.all_selected)
        combo = QComboBox()
        if state.include_all:
            combo.addItem(ALL_TEXT, ALL_VALUE)
        for text, value in state.options:
            combo.addItem(text, value)
        index = 0 if variable.all_selected else max(combo.findData(str(variable.value or "")), 0)
        combo.setCurrentIndex(index)
        return combo

    def overrides(self) -> list[str]:
        """The shown selection as `--var`-style items (empty before the first run: the dashboard's values)."""
        items: list[str] = []
        for name, control in self.controls.items():
            if isinstance(control, QLineEdit):
                items.append(f"{name}={control.text()}")
            elif isinstance(control, _MultiSelect):
                items += [f"{name}={value}" for value in control.selection()]
            elif isinstance(control, QComboBox) and control.count():
                items.append(f"{name}={control.currentData()}")
        return items
