"""The questions the window asks the user, behind one object so tests can answer them without dialogs."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtWidgets import QMessageBox, QWidget


class UnsavedChoice(StrEnum):
    """What to do with unsaved changes before leaving a data source or closing the window."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Prompts:
    """Modal message boxes; tests pass a subclass that returns scripted answers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def unsaved_changes(self, name: str) -> UnsavedChoice:
        """Ask whether to save, discard or keep editing the unsaved changes of `name`."""
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"'{name}' has unsaved changes.")
        box.setInformativeText("Save them before leaving?")
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                               | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return UnsavedChoice.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return UnsavedChoice.DISCARD
        return UnsavedChoice.CANCEL

    def confirm_remove(self, name: str) -> bool:
        """Ask before removing a data source and its keyring entries."""
        answer = QMessageBox.question(
            self.parent, "Remove data source",
            f"Remove '{name}'? Its settings and its keyring entries (user, password) are deleted.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes
