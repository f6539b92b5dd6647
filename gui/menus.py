"""The main window's menus and shortcuts: File (import, open dashboard, quit), Query (tabs, run, run options, the
Grafana context), Help (About), and the window-wide Save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from gui.main_window import MainWindow


@dataclass
class Menus:
    """The actions the window and the tests reach."""

    save_action: QAction
    import_action: QAction
    dashboard_action: QAction
    quit_action: QAction
    new_tab_action: QAction
    close_tab_action: QAction
    reopen_tab_action: QAction
    run_action: QAction
    options_action: QAction
    grafana_action: QAction
    about_action: QAction


def _action(window: MainWindow, menu: QMenu | None, text: str, shortcut: str | QKeySequence.StandardKey,
            slot: Callable[[], object]) -> QAction:
    action = QAction(text, window)
    action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    if menu is not None:
        menu.addAction(action)
    return action


def build_menus(window: MainWindow) -> Menus:
    """Create the menu bar and the window-wide shortcuts on `window`."""
    save_action = _action(window, None, "Save", QKeySequence.StandardKey.Save, window.save)
    file_menu = window.menuBar().addMenu("&File")
    import_action = _action(window, file_menu, "&Import provisioning file…", "Ctrl+I", window.import_provisioning)
    dashboard_action = _action(window, file_menu, "Open &dashboard…", "Ctrl+D", lambda: _open_dashboard(window))
    file_menu.addSeparator()
    quit_action = _action(window, file_menu, "&Quit", QKeySequence.StandardKey.Quit, window.close)
    query_menu = window.menuBar().addMenu("&Query")
    run_action = _action(window, query_menu, "&Run query", "F5", window.run_current_query)
    run_action.setToolTip("Run the query of the current tab (F5 or Ctrl+Enter in the editor).")
    query_menu.addSeparator()
    new_tab_action = _action(window, query_menu, "&New tab", "Ctrl+T", window.new_query_tab)
    close_tab_action = _action(window, query_menu, "&Close tab", "Ctrl+W", window.close_query_tab)
    reopen_tab_action = _action(window, query_menu, "Re&open closed tab", "Ctrl+Shift+T", window.reopen_query_tab)
    query_menu.addSeparator()
    options_action = _action(window, query_menu, "Show run &options", "Ctrl+Shift+O", window.toggle_run_options)
    options_action.setCheckable(True)
    grafana_action = _action(window, query_menu, "&Grafana context…", "", window.edit_grafana_context)
    grafana_action.setToolTip("The viewer's browser zone, user and org, and a typed query's dashboard.")
    help_menu = window.menuBar().addMenu("&Help")
    about_action = _action(window, help_menu, "&About cqlscope", "", window.show_about)
    return Menus(save_action, import_action, dashboard_action, quit_action, new_tab_action, close_tab_action,
                 reopen_tab_action, run_action, options_action, grafana_action, about_action)


def _open_dashboard(window: MainWindow) -> None:
    from gui.dashboards.opener import open_dashboard

    open_dashboard(window)
