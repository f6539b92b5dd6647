"""The question asked when a save meets another process's change to the same fields: keep mine or take theirs."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from core.config.merge import ConflictError, Preference

KEEP_MINE = "Keep mine"
TAKE_THEIRS = "Take theirs"


def ask_keep_mine_or_theirs(parent: QWidget | None, conflict: ConflictError) -> Preference | None:
    """Ask which side wins the conflicting fields; None when the user cancels (nothing is saved)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Changed by another cqlscope")
    box.setText(conflict.message)
    box.setInformativeText("Keep your values for these fields, or take the other process's values? "
                           "Other fields are merged either way.")
    mine = box.addButton(KEEP_MINE, QMessageBox.ButtonRole.AcceptRole)
    theirs = box.addButton(TAKE_THEIRS, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(mine)
    box.exec()
    clicked = box.clickedButton()
    if clicked is mine:
        return Preference.MINE
    if clicked is theirs:
        return Preference.THEIRS
    return None
