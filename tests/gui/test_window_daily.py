"""The main window as a daily tool, without a database: tabs kept per data source, Ctrl+T / Ctrl+W / undo, F5,
folded run options, the About dialog, the layout restored on restart, the status bar of the current tab only,
the confirmation before a changing statement, the export preview with unsaved edits and the Inspector's macros."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource, Flavor
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from gui.common.about import AboutDialog
from gui.main_window import MainWindow
from gui.query.inspector import InspectorData, inspector_html
from tests.gui.conftest import OpenWindow
from tests.gui.driving import option_edit, retype

pytestmark = pytest.mark.gui


def _workspace(config_dir: Path, secrets: SecretStore) -> Workspace:
    workspace = Workspace(config_dir, secrets)
    workspace.store.load()
    workspace.store.add(DataSource(name="alpha", uid="alpha", hosts=["127.0.0.1"], is_default=True))
    workspace.store.add(DataSource(name="beta", uid="beta", hosts=["127.0.0.2"], flavor=Flavor.SCYLLA))
    return workspace


def _show(qtbot: QtBot, window: MainWindow, uid: str) -> None:
    assert window.select_datasource(uid)
    qtbot.waitUntil(lambda: window.query_area.uid == uid)


def test_tabs_survive_switching_data_sources_and_shortcuts_work(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    window = open_window(_workspace(config_dir, memory_secrets))
    menus = window.menus
    assert menus.new_tab_action.shortcut() == QKeySequence("Ctrl+T")
    assert menus.close_tab_action.shortcut() == QKeySequence("Ctrl+W")
    assert menus.reopen_tab_action.shortcut() == QKeySequence("Ctrl+Shift+T")
    assert menus.run_action.shortcut() == QKeySequence("F5")
    area = window.query_area
    first = area.current_tab()
    assert first is not None
    first.editor.setPlainText("SELECT * FROM ks.alpha_table")
    menus.new_tab_action.trigger()
    assert window.tabs.currentWidget() is area, "Ctrl+T brings the Query tab forward"
    second = area.current_tab()
    assert second is not None and second is not first and area.tabs.count() == 2
    second.editor.setPlainText("SELECT 2 FROM ks.t")
    _show(qtbot, window, "beta")
    assert area.tabs.count() == 1 and area.current_tab() not in (first, second)
    _show(qtbot, window, "alpha")
    assert area.query_tabs() == [first, second], "the same tabs, as they were left"
    assert area.current_tab() is second
    assert first.editor.toPlainText() == "SELECT * FROM ks.alpha_table"

    menus.close_tab_action.trigger()
    assert area.query_tabs() == [first]
    assert "Ctrl+Shift+T" in window.statusBar().currentMessage()
    menus.reopen_tab_action.trigger()
    reopened = area.current_tab()
    assert reopened is not None and area.tabs.count() == 2 and area.tabs.indexOf(reopened) == 1
    assert reopened.editor.toPlainText() == "SELECT 2 FROM ks.t", "undo brings the query back"


def test_status_bar_shows_only_the_current_tab(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    window = open_window(_workspace(config_dir, memory_secrets))
    area = window.query_area
    first = area.current_tab()
    second = area.add_tab()
    assert first is not None and second is not None
    second.say("second says hello")
    assert window.statusBar().currentMessage() == "second says hello"
    first.say("first is busy")
    assert window.statusBar().currentMessage() == "second says hello", "a background tab stays quiet"
    area.tabs.setCurrentWidget(first)
    assert window.statusBar().currentMessage() == "first is busy", "switching shows the tab's own status"


def test_run_options_fold_away_and_name_what_is_set(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    window = open_window(_workspace(config_dir, memory_secrets))
    tab = window.query_area.current_tab()
    assert tab is not None
    controls = tab.controls
    assert not controls.options_row.isVisible(), "folded by default"
    assert controls.options_button.text() == "Options ▸"
    window.menus.options_action.trigger()
    assert controls.options_row.isVisible() and controls.options_button.text() == "Options ▾"
    controls.limit_spin.setValue(1000)  # the default is 100,000
    controls.trace_check.setChecked(True)
    controls.options_button.click()
    assert not controls.options_row.isVisible()
    assert controls.options_button.text() == "Options ▸ (limit 1,000, tracing)", "a folded row hides no setting"


def test_about_names_version_plugins_config_file_and_keyring(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    window = open_window(_workspace(config_dir, memory_secrets))
    assert window.menus.about_action in window.menuBar().actions()[-1].menu().actions()
    dialog = AboutDialog(str(window.store.profile.path), memory_secrets.backend_name(), window)
    qtbot.addWidget(dialog)
    text = dialog.text.text()
    for expected in ("cqlscope 0.1.0", "scylladb-scylla-datasource <b>0.5.0</b>",
                     "hadesarchitect-cassandra-datasource <b>3.3.0</b>", str(config_dir / "datasources.yaml"),
                     memory_secrets.backend_name()):
        assert expected in text


def test_layout_is_restored_on_restart(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    window = open_window(_workspace(config_dir, memory_secrets))
    window.resize(760, 560)  # the offscreen screen is 800x600: geometry is kept inside it
    _show(qtbot, window, "beta")
    area = window.query_area
    area.add_tab()
    area.tabs.setCurrentIndex(1)
    window.tabs.setCurrentWidget(area)
    window.splitter.setSizes([260, 480])
    left = window.splitter.sizes()[0]
    window.close()
    settings = QSettings(str(config_dir / "window.ini"), QSettings.Format.IniFormat)
    assert settings.value("window/datasource") == "beta", "kept in the config directory (CQLSCOPE_CONFIG_DIR)"

    again = open_window(Workspace(config_dir, memory_secrets))
    assert again.current_uid() == "beta"
    assert again.tabs.currentWidget() is again.query_area
    assert again.query_area.tabs.currentIndex() == 1
    assert (again.width(), again.height()) == (760, 560)
    assert abs(again.splitter.sizes()[0] - left) <= 2, "the list width comes back (to a pixel of rounding)"


def test_changing_statements_ask_first(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    window = open_window(_workspace(config_dir, memory_secrets))
    _show(qtbot, window, "beta")  # scylla: the flavor that ran DELETE and DROP TABLE silently
    tab = window.query_area.current_tab()
    assert tab is not None
    asked: list[tuple[str, str]] = []
    tab.confirm_change = lambda name, what: asked.append((name, what)) is not None
    tab.editor.setPlainText("DROP TABLE ks.readings")
    window.menus.run_action.trigger()
    assert asked == [("beta", "changes the schema (DROP)")]
    assert not tab.is_running(), "declined: nothing runs"
    assert window.statusBar().currentMessage() == "Not run: the statement changes the schema (DROP)."


def test_test_data_source_option_loads_from_old_profiles_and_is_edited(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    assert DataSource.from_dict({"name": "old", "hosts": ["h"]}).test_datasource is False
    window = open_window(_workspace(config_dir, memory_secrets))
    field = window.connection_form.fields["test_datasource"]
    assert field is not None
    edited = window.editor.datasource().copy(test_datasource=True)
    window.editor.load(edited, {}, is_new=False)
    assert window.save()
    reloaded = Workspace(config_dir, memory_secrets)
    reloaded.store.load()
    assert reloaded.store.by_uid("alpha").test_datasource is True


def test_export_preview_follows_unsaved_edits(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    window = open_window(_workspace(config_dir, memory_secrets))
    window.tabs.setCurrentWidget(window.connection_form)
    retype(qtbot, option_edit(window, "hosts"), "10.9.9.9")
    window.tabs.setCurrentWidget(window.export_panel)
    assert "10.9.9.9" in window.export_panel.preview.toPlainText()
    assert "Includes the unsaved edits of 'alpha'." in window.export_panel.messages.text()


def test_inspector_shows_time_macros_as_macros() -> None:
    from core.grafana.flavors import prepare_query
    from core.grafana.timerange import time_range

    span = time_range("2024-05-01T00:00:00Z", "2024-05-01T01:00:00Z")
    prepared = prepare_query("cassandra", "SELECT * FROM t WHERE ts > $__timeFrom", {}, span)
    text = inspector_html(InspectorData(prepared))
    assert "<b>missing</b>" not in text, "the cassandra plugin expands $__timeFrom: not an unknown variable"
    assert "<td>backend macro</td>" in text


def test_counts_use_the_right_plural_form(qtbot: QtBot) -> None:
    from core.grafana.frames import Field, Frame
    from gui.common.text import plural
    from gui.query.results_table import ResultsTable

    assert [plural(n, "row") for n in (0, 1, 2, 1000)] == ["0 rows", "1 row", "2 rows", "1,000 rows"]
    table = ResultsTable()
    qtbot.addWidget(table)
    table.show_frame(Frame("r", [Field.of("v", "int", [7])]))
    assert table.summary.text() == "1 row · 1 column"


def test_tab_close_button_is_a_plain_cross(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    from PySide6.QtWidgets import QTabBar, QToolButton

    window = open_window(_workspace(config_dir, memory_secrets))
    area = window.query_area
    second = area.add_tab()
    assert second is not None
    button = area.tabs.tabBar().tabButton(1, QTabBar.ButtonPosition.RightSide)
    assert isinstance(button, QToolButton) and button.text() == "×" and "red" not in button.styleSheet()
    button.click()
    assert area.query_tabs() == [area.current_tab()] and second not in area.query_tabs()


def test_file_dialogs_start_at_home_then_at_the_last_folder(tmp_path: Path) -> None:
    from gui.common import folders

    folders._last_folder.clear()
    assert folders.start_path("result.csv") == str(Path.home() / "result.csv"), "not the working directory"
    folders.remember(str(tmp_path / "out" / "x.csv"))
    assert folders.start_path("result.csv") == str((tmp_path / "out").resolve() / "result.csv")
    folders.remember("")  # a cancelled dialog changes nothing
    assert folders.start_path() == str((tmp_path / "out").resolve())
    folders._last_folder.clear()
