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

    def confirm_change(self, datasource: str, what: str) -> bool:
        """Ask before running a statement that changes data, schema or permissions (`what` says which)."""
        answer = QMessageBox.question(
            self.parent, "Run a statement that changes something?",
            f"This statement {what} on '{datasource}'. Run it?\n\n"
            "Mark the data source as a test data source (Connection tab, General) to stop this question.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def confirm_copy_secrets(self) -> bool:
        """Ask before putting real secrets on the clipboard, where other programs can read them."""
        answer = QMessageBox.question(
            self.parent, "Copy secrets to the clipboard?",
            "The copied text contains the real passwords of these data sources. Any program can read the "
            "clipboard. Copy anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes
