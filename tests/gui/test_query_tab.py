"""The Query tab against the real local Cassandra: a templated time-series query run with Ctrl+Enter,
host pinning on the two-node cluster, errors, saved tabs and history, and screenshots."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.config.saved_queries import QueryTabsFile
from core.config.workspace import Workspace
from core.grafana.templating import Variable
from core.query.service import RunResult
from gui.common.banner import BannerKind
from gui.main_window import MainWindow
from gui.query.tab import QueryTab
from tests.gui.conftest import OpenWindow
from tests.gui.driving import save_screenshot
from tests.gui.query_data import create_sensor_table

pytestmark = [pytest.mark.gui, pytest.mark.cassandra]

RUN_TIMEOUT_MS = 60_000
QUERY = ("SELECT ts, sensor, value FROM {table} WHERE sensor IN (${{sensors:sqlstring}}) AND day = '2024-05-01' "
         "AND ts >= '${{__from:date:iso}}' AND ts < '${{__to:date:iso}}'")


@pytest.fixture
def sensor_table(admin_session: Any, scratch_keyspace: str) -> str:
    return create_sensor_table(admin_session, scratch_keyspace)


def open_query_tab(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace) -> tuple[MainWindow, QueryTab]:
    """Open the window, show the Query tab and wait for the schema and nodes to load."""
    window = open_window(workspace)
    window.resize(1440, 960)
    with qtbot.waitSignal(window.query_area.schema_loaded, timeout=RUN_TIMEOUT_MS):
        window.tabs.setCurrentWidget(window.query_area)
    tab = window.query_area.current_tab()
    assert tab is not None
    return window, tab


def run_with_ctrl_enter(qtbot: QtBot, tab: QueryTab) -> RunResult:
    with qtbot.waitSignal(tab.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.keyClick(tab.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    result = blocker.args[0]
    assert isinstance(result, RunResult)
    return result


def test_templated_time_series_query_fills_table_graph_and_inspector(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, sensor_table: str) -> None:
    window, tab = open_query_tab(qtbot, open_window, workspace)
    assert tab.flavor_combo.currentText() == "cassandra", "defaults to the data source's flavor"
    keyspace = sensor_table.split(".")[0]
    assert "readings" in tab.editor.schema.tables(keyspace), "the schema of the new keyspace was loaded"
    tab.variables.add_variable(Variable("sensors", ("s1", "s2")))
    tab.time_picker.set_range("2024-05-01T00:00:00", "2024-05-01T01:00:00", "utc", 500)
    tab.editor.setFocus()
    qtbot.keyClicks(tab.editor, QUERY.format(table=sensor_table))
    # Completion offers the keyspace's tables after "ks.".
    assert f"{keyspace}.readings" in tab.editor.candidates(f"{keyspace}.")
    assert "sensor" in tab.editor.candidates("se"), "columns of tables named in the text"

    result = run_with_ctrl_enter(qtbot, tab)

    assert result.ok, result.error_message
    model = tab.table.model
    assert model.rowCount() == 2 * 60
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["ts\ntimestamp", "sensor\ntext", "value\ndouble"]
    sensors = {model.cell_text(r, 1) for r in range(model.rowCount())}
    assert sensors == {"s1", "s2"}
    assert model.cell_text(0, 0) is not None and model.cell_text(0, 0).startswith("2024-05-01")  # type: ignore[union-attr]
    # Graph: one curve per sensor, 60 points each (00:00 to 00:59).
    assert [s.name for s in result.graph.series] == ['value {sensor="s1"}', 'value {sensor="s2"}']
    assert len(tab.graph.curves) == 2
    for curve in tab.graph.curves:
        x, _ = curve.getOriginalDataset()
        assert x is not None and len(x) == 60
    # Inspector: the interpolated CQL as sent.
    text = tab.inspector.plain_text()
    assert "sensor IN ('s1','s2')" in text
    assert "ts >= '2024-05-01T00:00:00.000Z' AND ts < '2024-05-01T01:00:00.000Z'" in text
    assert "Answered by\n127.0.0." in text
    assert "sensor IN ('s1','s2')" in tab.preview.toPlainText(), "the live preview shows the interpolation"
    # Sorting permutes rows without touching the frame; NULL-free values stay exact.
    frame = model.frame()
    assert frame is not None
    before = list(frame.field("value").values)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert float(model.cell_text(0, 2) or "nan") == 159.0 and float(model.cell_text(119, 2) or "nan") == 0.0
    assert frame.field("value").values == before, "sorting permutes an index, never the data"
    # History recorded with the run's facts.
    entry = window.query_area.history[-1]
    assert entry.ok and entry.rows == 120 and "sensors" in entry.variables
    assert tab.history.table.rowCount() == 1

    tab.results.setCurrentWidget(tab.graph)
    qtbot.wait(200)
    save_screenshot(window, "query-graph.png")
    tab.results.setCurrentWidget(tab.table)
    save_screenshot(window, "query-table.png")
    tab.results.setCurrentWidget(tab.plugin_panel)
    save_screenshot(window, "query-plugin-view.png")
    tab.results.setCurrentWidget(tab.inspector)
    save_screenshot(window, "query-inspector.png")


def test_unresolved_variable_is_highlighted_and_server_error_reaches_inspector_and_banner(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace) -> None:
    window, tab = open_query_tab(qtbot, open_window, workspace)
    tab.editor.setPlainText("SELECT nope FROM system.local WHERE key = '$missing'")
    tab.update_preview()
    assert "1 unresolved" in tab.preview_title.text()
    assert "$missing" in tab.preview.toPlainText()
    assert "#dc2626" in tab.preview.toHtml(), "the unresolved reference is highlighted in red"

    result = run_with_ctrl_enter(qtbot, tab)

    assert not result.ok
    assert "nope" in result.error_message, "the server's message is kept"
    assert "nope" in tab.inspector.plain_text()
    assert window.banner.isVisible() and window.banner.kind == BannerKind.ERROR
    assert not window.query_area.history[-1].ok
    save_screenshot(window, "query-error.png")


def test_tabs_and_history_are_restored_after_a_restart(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace) -> None:
    window, tab = open_query_tab(qtbot, open_window, workspace)
    tab.editor.setPlainText("SELECT release_version FROM system.local")
    tab.time_picker.max_points.setValue(50)
    tab.time_picker.min_interval.setText("2h")  # what the run's $__interval was made of is kept with it
    run_with_ctrl_enter(qtbot, tab)
    second = window.query_area.add_tab()
    assert second is not None
    second.editor.setPlainText("SELECT cluster_name FROM system.local")
    second.flavor_combo.setCurrentText("scylla")
    second.time_picker.quick.setCurrentIndex(second.time_picker.quick.findText("Last 7 days"))
    window.close()
    uid = workspace.store.get("local").uid
    assert QueryTabsFile(uid).path.exists()

    restarted = Workspace(workspace.store.profile.directory, workspace.secrets)
    window2, _ = open_query_tab(qtbot, open_window, restarted)
    tabs = window2.query_area.query_tabs()
    assert [t.editor.toPlainText() for t in tabs] == ["SELECT release_version FROM system.local",
                                                      "SELECT cluster_name FROM system.local"]
    assert tabs[1].flavor_combo.currentText() == "scylla"
    assert tabs[1].time_picker.raw()[:2] == ("now-7d", "now")
    history = tabs[0].history
    assert history.table.rowCount() == 1
    history.search.setText("cluster_name")
    assert history.table.rowCount() == 0
    history.search.setText("release")
    assert history.table.rowCount() == 1
    # Re-run from the history, in the second tab.
    window2.query_area.tabs.setCurrentWidget(tabs[1])
    with qtbot.waitSignal(tabs[1].finished, timeout=RUN_TIMEOUT_MS) as blocker:
        tabs[1].history.rerun(0)
    assert blocker.args[0].ok
    assert tabs[1].editor.toPlainText() == "SELECT release_version FROM system.local"
    assert (tabs[1].time_picker.max_points.value(), tabs[1].time_picker.min_interval_value()) == (50, "2h")
    assert tabs[1].table.model.cell_text(0, 0) is not None
    restarted.close()


@pytest.mark.usefixtures("two_node_cluster")
def test_pinning_a_node_from_the_host_combo(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace) -> None:
    _, tab = open_query_tab(qtbot, open_window, workspace)
    labels = [tab.host_combo.itemText(i) for i in range(tab.host_combo.count())]
    assert "All hosts" in labels
    assert any(label.startswith("127.0.0.2 (datacenter1, up)") for label in labels), labels
    tab.host_combo.setCurrentIndex(next(i for i, label in enumerate(labels) if label.startswith("127.0.0.2")))
    tab.editor.setPlainText("SELECT key, broadcast_address FROM system.local")

    result = run_with_ctrl_enter(qtbot, tab)

    assert result.ok, result.error_message
    assert result.options.host == "127.0.0.2"
    assert tab.table.model.cell_text(0, 1) == "127.0.0.2"
    assert "Answered by 127.0.0.2" in tab.inspector.plain_text().replace("\t", " ").replace("\n", " ")
    # "All hosts" fans out and tags each row with the node.
    tab.host_combo.setCurrentText("All hosts")
    result = run_with_ctrl_enter(qtbot, tab)
    assert result.ok, result.error_message
    assert sorted(tab.table.model.cell_text(r, 2) or "" for r in range(2)) == ["127.0.0.1", "127.0.0.2"]


def test_tracing_shows_the_trace_in_the_inspector(qtbot: QtBot, open_window: OpenWindow,
                                                  workspace: Workspace) -> None:
    _window, tab = open_query_tab(qtbot, open_window, workspace)
    tab.editor.setPlainText("SELECT key FROM system.local")
    tab.trace_check.setChecked(True)
    result = run_with_ctrl_enter(qtbot, tab)
    assert result.ok and result.outcome is not None and result.outcome.traces
    coordinator = result.outcome.traces[0].coordinator
    text = tab.inspector.plain_text()
    assert f"Trace (coordinator {coordinator}" in text
    assert result.outcome.traces[0].events[0].description in text
