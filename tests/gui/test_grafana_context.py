"""The window's Grafana context (Query > Grafana context…, or the button in the run options): the viewer's browser
zone, user and org, and a typed query's dashboard uid, title and fiscal year start, as the CLI's flags give
them. Every tab follows it, the Options button names it, and it is kept for the next start."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from core.config.workspace import Workspace
from core.grafana.globals import GrafanaGlobals
from gui.main_window import MainWindow
from gui.query.grafana_context import GrafanaContext
from gui.query.grafana_dialog import GrafanaContextDialog
from gui.query.tab import QueryTab
from tests.gui.conftest import OpenWindow
from tests.gui.driving import save_screenshot

pytestmark = [pytest.mark.gui, pytest.mark.cassandra]

QUERY = ("SELECT * FROM t WHERE u = '${__user.login}' AND e = '${__user.email}' AND o = '${__org.name}' "
         "AND d = '${__dashboard.uid}' AND n = '$__dashboard' AND z = '$__timezone' AND f = ${__from}")


def _open(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace) -> tuple[MainWindow, QueryTab]:
    window = open_window(workspace)
    window.resize(1440, 960)
    with qtbot.waitSignal(window.query_area.schema_loaded, timeout=60_000):
        window.tabs.setCurrentWidget(window.query_area)
    tab = window.query_area.current_tab()
    assert tab is not None
    return window, tab


def _dialog(qtbot: QtBot) -> GrafanaContextDialog:
    dialog = next((w for w in QApplication.topLevelWidgets()
                   if isinstance(w, GrafanaContextDialog) and w.isVisible()), None)
    assert dialog is not None, "the dialog opened"
    qtbot.waitExposed(dialog)
    return dialog


def test_the_context_reaches_every_tab_and_is_kept(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace,
                                                    tmp_path: Path) -> None:
    window, tab = _open(qtbot, open_window, workspace)
    tab.flavor_combo.setCurrentText("scylla")
    tab.editor.setPlainText(QUERY)
    tab.time_picker.set_range("now/fy", "now/fy", "browser", 1000)
    before = tab.prepare().text
    assert "u = 'admin' AND e = 'admin@localhost' AND o = 'Main Org.' AND d = '' AND n = 'New dashboard'" in before
    tab.controls.set_options_visible(True)
    tab.controls.grafana_button.click()
    dialog = _dialog(qtbot)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.zone.setCurrentText("Mars/Olympus")
    assert not ok.isEnabled() and "Unknown time zone 'Mars/Olympus'" in dialog.problem.text()
    dialog.zone.setCurrentText("Asia/Tokyo")
    assert ok.isEnabled() and not dialog.problem.isVisible()
    dialog.user_login.setText("bob")
    dialog.user_email.setText("bob@example.com")
    dialog.org_name.setText("Ops")
    dialog.dashboard_uid.setText("d-1")
    dialog.dashboard_title.setText("Plant")
    dialog.fiscal.setCurrentIndex(3)  # April
    save_screenshot(dialog, "grafana-context-dialog.png")
    edited = dialog.context()
    dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.context() == GrafanaContext(), "Restore Defaults shows a fresh Grafana's context"
    dialog.show_context(edited)
    ok.click()
    after = tab.prepare().text
    # Grafana's now/fy in Asia/Tokyo with the fiscal year from April: April 1st, 00:00 in Tokyo (UTC+9), which is
    # 15:00 UTC on March 31st.
    from_ms = tab.request().time_range.from_ms
    assert after.endswith(f"AND z = 'Asia/Tokyo' AND f = {from_ms}")
    assert "u = 'bob' AND e = 'bob@example.com' AND o = 'Ops' AND d = 'd-1' AND n = 'Plant'" in after
    start = dt.datetime.fromtimestamp(from_ms / 1000, dt.UTC)
    assert (start.month, start.day, start.hour, start.minute) == (3, 31, 15, 0)
    # The Options button names what differs as far as its bounded width goes; its tooltip names it all.
    assert tab.controls.options_button.text().startswith("Options ▾ (browser")
    assert tab.controls.options_button.text().endswith("…") and tab.controls.options_button.width() <= 220
    assert "Now: browser Asia/Tokyo, user bob, org Ops, dashboard Plant, fiscal year from April" in \
        tab.controls.options_button.toolTip()
    window.new_query_tab()
    other = window.query_area.current_tab()
    assert other is not None and other is not tab
    assert other.request().grafana_globals == GrafanaGlobals(user_login="bob", user_email="bob@example.com",
                                                             org_name="Ops", dashboard_uid="d-1",
                                                             dashboard_title="Plant")
    save_screenshot(window, "grafana-context-tab.png")
    window.close()
    again = open_window(workspace)
    assert again.query_area.grafana_context.value == GrafanaContext(
        "Asia/Tokyo", GrafanaGlobals(user_login="bob", user_email="bob@example.com", org_name="Ops",
                                     dashboard_uid="d-1", dashboard_title="Plant"), 4)


def test_a_kept_context_that_is_damaged_reads_as_the_defaults(tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from gui.query.grafana_context import load_context, save_context

    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    assert load_context(settings) == GrafanaContext(), "nothing kept: a fresh Grafana's"
    kept = GrafanaContext("Europe/Berlin", GrafanaGlobals(user_login="ann", user_id=7, org_id=2), 10)
    save_context(settings, kept)
    settings.sync()
    assert load_context(QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)) == kept
    settings.setValue("grafana/user_id", "seven")
    settings.setValue("grafana/fiscal_year_start_month", 13)
    damaged = load_context(settings)
    assert (damaged.grafana_globals.user_id, damaged.fiscal_year_start_month) == (1, 1)
    assert damaged.grafana_globals.user_login == "ann" and damaged.browser_timezone == "Europe/Berlin"


def test_a_tab_opened_from_a_dashboard_uses_that_dashboards_uid_title_and_fiscal_year() -> None:
    """The window's user, org and browser zone stay; the dashboard's JSON fields (fiscal month 0-11) replace the
    window's dashboard; a month out of range, or of the wrong type, leaves the window's fiscal year."""
    globals_ = GrafanaGlobals(user_login="carol", dashboard_uid="typed", dashboard_title="T")
    window = GrafanaContext("Asia/Tokyo", globals_, fiscal_year_start_month=4)
    assert window.with_dashboard({}) is window
    on_board = window.with_dashboard({"uid": "board-7", "title": "Sensors", "fiscalYearStartMonth": 0})
    assert (on_board.browser_timezone, on_board.grafana_globals.user_login) == ("Asia/Tokyo", "carol")
    assert (on_board.grafana_globals.dashboard_uid, on_board.grafana_globals.dashboard_title) == ("board-7", "Sensors")
    assert on_board.fiscal_year_start_month == 1
    for month in (12, -1, "3", None, True):
        assert window.with_dashboard({"uid": "b", "fiscalYearStartMonth": month}).fiscal_year_start_month == 4
    assert window.with_dashboard({"title": "Untitled"}).grafana_globals.dashboard_uid == "", "unsaved: no uid"
