"""File → Open dashboard…: pick a dashboard file, show it in a dashboard view of its own, and open a panel's
query in a query tab of its data source."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from core.errors import CqlscopeError
from core.grafana.dashboards.model import load_dashboard
from core.query.dashboard_check import PanelCheck
from core.query.panel_tabs import tab_state_for
from gui.dashboards.view import DashboardView

if TYPE_CHECKING:
    from gui.main_window import MainWindow


def open_dashboard(window: MainWindow, path: str | None = None) -> DashboardView | None:
    """Ask for a dashboard file (unless `path` is given), open its view and run every panel."""
    if path is None:
        path, _filter = QFileDialog.getOpenFileName(window, "Open dashboard", str(Path.home()),
                                                    "Grafana dashboards (*.json);;All files (*)")
        if not path:
            return None
    try:
        dashboard = load_dashboard(path)
    except CqlscopeError as exc:
        window.show_error(exc.title, exc.message)
        return None
    view = DashboardView(window.workspace, dashboard, parent=window, context=window.query_area.grafana_context)
    view.setWindowFlag(Qt.WindowType.Window)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.open_panel.connect(lambda check: open_in_query_tab(window, view, check))
    view.resize(1100, 700)
    view.show()
    view.run()
    return view


def open_in_query_tab(window: MainWindow, view: DashboardView, check: Any) -> None:
    """Show the panel's query, as written, in a new query tab of its data source, with the variables, range and
    dashboard it was checked with (the tab's preview is the CQL the check ran)."""
    assert isinstance(check, PanelCheck)
    try:
        ds = window.store.get(check.datasource)
    except CqlscopeError as exc:
        window.show_error(exc.title, exc.message)
        return
    if not window.select_datasource(ds.uid):
        return
    window.tabs.setCurrentWidget(window.query_area)
    span = view.report.time_range if view.report is not None else None
    window.query_area.add_tab(tab_state_for(check, span, view.dashboard))
    window.raise_()
    window.activateWindow()
