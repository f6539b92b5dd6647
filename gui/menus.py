"""The main window's menus and shortcuts: File (import, quit) and the window-wide Save."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from gui.main_window import MainWindow


@dataclass
class Menus:
    """The actions the window and the tests reach."""

    save_action: QAction
    import_action: QAction
    quit_action: QAction


def build_menus(window: MainWindow) -> Menus:
    """Create the menu bar and the window-wide shortcuts on `window`."""
    save_action = QAction("Save", window)
    save_action.setShortcut(QKeySequence.StandardKey.Save)
    save_action.triggered.connect(window.save)
    window.addAction(save_action)
    file_menu = window.menuBar().addMenu("&File")
    import_action = QAction("&Import provisioning file…", window)
    import_action.setShortcut(QKeySequence("Ctrl+I"))
    import_action.triggered.connect(window.import_provisioning)
    file_menu.addAction(import_action)
    file_menu.addSeparator()
    quit_action = QAction("&Quit", window)
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.close)
    file_menu.addAction(quit_action)
    return Menus(save_action, import_action, quit_action)
