"""The Query tab on the real local Cassandra as a daily tool: results kept per data source, the error banner
cleared by the next success, one duration in toolbar and history, a cancel before the first rows honoured and
recorded as cancelled, a test data source runs changes without asking, and the window at laptop sizes (the
screenshots under docs/screenshots/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource, Flavor
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.query.service import RunResult
from gui.common.banner import BannerKind
from gui.common.eliding_label import ElidingLabel
from gui.main_window import MainWindow
from gui.query.history import CANCELLED_TEXT
from gui.query.tab import QueryTab
from tests.gui.conftest import OpenWindow
from tests.gui.query_data import create_sensor_table, local_workspace
from tests.support import LocalNode

pytestmark = [pytest.mark.gui, pytest.mark.cassandra]

RUN_TIMEOUT_MS = 60_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def workspace(config_dir: Path, memory_secrets: SecretStore, cassandra: LocalNode) -> Iterator[Workspace]:
    ws = local_workspace(config_dir, memory_secrets, cassandra)
    ws.store.add(DataSource(name="second", hosts=[cassandra.host], flavor=Flavor.SCYLLA))
    ws.store.set_secret("second", "user", cassandra.user)
    ws.store.set_secret("second", "password", cassandra.password)
    yield ws
    ws.close()


@pytest.fixture
def sensor_table(admin_session: Any, scratch_keyspace: str) -> str:
    return create_sensor_table(admin_session, scratch_keyspace)


def _open(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace) -> tuple[MainWindow, QueryTab]:
    window = open_window(workspace)
    window.resize(1280, 720)
    with qtbot.waitSignal(window.query_area.schema_loaded, timeout=RUN_TIMEOUT_MS):
        window.tabs.setCurrentWidget(window.query_area)
    tab = window.query_area.current_tab()
    assert tab is not None
    return window, tab


def _run(qtbot: QtBot, window: MainWindow, tab: QueryTab, text: str) -> RunResult:
    tab.editor.setPlainText(text)
    with qtbot.waitSignal(tab.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_F5)
    result = blocker.args[0]
    assert isinstance(result, RunResult)
    return result


def _sensor_query(table: str) -> str:
    return f"SELECT sensor, ts, value FROM {table} WHERE sensor = 's2' AND day = '2024-05-01'"


def test_results_survive_switching_and_errors_clear_on_success(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, sensor_table: str) -> None:
    window, tab = _open(qtbot, open_window, workspace)
    failed = _run(qtbot, window, tab, "SELECT nope FROM system.local")
    assert not failed.ok and window.banner.isVisible() and window.banner.kind == BannerKind.ERROR
    result = _run(qtbot, window, tab, _sensor_query(sensor_table))
    assert result.ok, result.error_message
    assert not window.banner.isVisible(), "the success clears the red banner"
    assert tab.table.model.rowCount() == 120 and tab.table.summary.text() == "120 rows · 3 columns"
    toolbar = tab.progress_label.text()
    entry = window.query_area.history[-1]
    assert entry.ok and entry.duration_ms == result.duration_ms
    assert f"in {result.duration_ms:.0f} ms" in toolbar, "the toolbar and the history show one duration"

    second = next(ds.uid for ds in workspace.store.list() if ds.name == "second")
    first = window.current_uid()
    assert window.select_datasource(second)
    assert window.query_area.current_tab() is not tab
    assert window.select_datasource(first)
    assert window.query_area.current_tab() is tab
    assert tab.last_result is result and tab.table.model.rowCount() == 120, "the result is still shown"
    assert len(tab.graph.curves) == 1 and tab.graph.legend.item(0).text() == 'value {sensor="s2"}'


def test_cancel_before_the_first_rows_is_honoured_and_recorded(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, sensor_table: str) -> None:
    window, tab = _open(qtbot, open_window, workspace)
    tab.editor.setPlainText(_sensor_query(sensor_table))
    tab.run()
    assert tab.is_running()
    qtbot.keyClick(tab.editor, Qt.Key.Key_Escape)
    assert not tab.is_running() and tab.run_button.isEnabled(), "free at once"
    entry = window.query_area.history[-1]
    assert not entry.ok and entry.error == CANCELLED_TEXT and entry.rows == 0
    assert tab.history.table.item(0, 1).text() == "cancelled"
    qtbot.wait(1500)  # the abandoned run's late result must not replace anything
    assert tab.last_result is None and tab.table.model.rowCount() == 0
    assert len(window.query_area.history) == 1


def test_a_test_data_source_runs_changes_without_asking(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, sensor_table: str) -> None:
    window, tab = _open(qtbot, open_window, workspace)
    tab.flavor_combo.setCurrentText("scylla")  # the cassandra plugin rejects anything but SELECT before it runs
    asked: list[str] = []
    tab.confirm_change = lambda name, what: asked.append(what) is None  # Yes
    insert = f"INSERT INTO {sensor_table} (sensor, day, ts, value) VALUES ('s9', '2024-05-01', 0, 1.5)"
    assert _run(qtbot, window, tab, insert).ok
    assert asked == ["changes data (INSERT)"]
    saved = window.saved_datasource()
    assert saved is not None
    workspace.store.update(saved.copy(test_datasource=True))
    tab.confirm_change = lambda name, what: pytest.fail("a test data source must not ask")
    delete = f"DELETE FROM {sensor_table} WHERE sensor = 's9' AND day = '2024-05-01'"
    assert _run(qtbot, window, tab, delete).ok
    check = _run(qtbot, window, tab, f"SELECT * FROM {sensor_table} WHERE sensor = 's9' AND day = '2024-05-01'")
    assert check.rows == 0, "the DELETE ran"


def _clipped(root: QWidget) -> list[str]:
    """Visible labels, buttons and combos of `root` narrower than their minimum size hint."""
    clipped = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, QLabel | QAbstractButton | QComboBox) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, ElidingLabel) or (isinstance(widget, QLabel) and widget.wordWrap()):
            continue  # these fit any width by design
        if widget.width() < widget.minimumSizeHint().width():
            text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else widget.currentText()
            clipped.append(f"{type(widget).__name__} {text!r}: {widget.width()} < {widget.minimumSizeHint().width()}")
    return clipped


@pytest.mark.parametrize(("width", "height"), [(1024, 640), (1280, 720), (1920, 1080)])
def test_window_sizes_give_results_half_the_height(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, sensor_table: str, width: int,
        height: int) -> None:
    window, tab = _open(qtbot, open_window, workspace)
    window.resize(width, height)
    tab.time_picker.set_range("2024-05-01T00:00:00", "2024-05-01T02:00:00", "utc", 500)
    query = (f"SELECT sensor, ts, value FROM {sensor_table} WHERE sensor IN ('s1', 's2', 's3') "
             "AND day = '2024-05-01' AND ts >= $__timeFrom AND ts < $__timeTo")
    assert _run(qtbot, window, tab, query).ok
    tab.results.setCurrentWidget(tab.graph)
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()
    assert (window.width(), window.height()) == (width, height)
    assert tab.results.height() >= tab.main_split.height() // 2, "the results get at least half the height"
    assert _clipped(tab.controls) == [] and _clipped(tab.time_picker) == []
    progress = tab.progress_label
    assert progress.toolTip() == progress.text() and progress.text().startswith("360 rows in ")
    assert progress.width() >= 60, "room for at least the end of the run summary"
    assert tab.time_picker.from_edit.cursorPosition() == 0, "a narrow field shows where the date starts"
    # The committed screenshots show the usual profile location, not this test's temporary directory.
    window.profile_label.setText("Profile: ~/.config/cqlscope/datasources.yaml")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = window.grab().toImage()
    assert image.save(str(SCREENSHOTS / f"query-{width}x{height}.png"), "PNG", 9)
