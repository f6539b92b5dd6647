"""The time picker refuses a range whose From is after its To (at the field, and the run does not start) and rounds
`now/w` to the chosen week start; the graph's time axis and readout read in the dashboard time zone, as Grafana
draws a panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.config.workspace import Workspace
from core.errors import CqlscopeError
from core.grafana.series import GraphData, Series
from gui.query import results_graph
from gui.query.results_graph import ResultsGraph
from gui.query.time_range import RANGE_ERROR, TimeRangePicker
from tests.gui.conftest import OpenWindow
from tests.gui.query_data import create_sensor_table
from tests.gui.test_query_tab import RUN_TIMEOUT_MS, open_query_tab, run_with_ctrl_enter

pytestmark = pytest.mark.gui

MAY_1 = 1_714_521_600.0  # 2024-05-01T00:00:00Z: 02:00 in Berlin (summer time, UTC+2)
JAN_1 = 1_704_067_200.0  # 2024-01-01T00:00:00Z: 01:00 in Berlin (winter time, UTC+1)


def test_from_after_to_is_marked_at_the_from_field(qtbot: QtBot) -> None:
    picker = TimeRangePicker()
    qtbot.addWidget(picker)
    picker.set_range("2024-05-02 00:00:00", "2024-05-01 00:00:00", "utc", 100)
    assert RANGE_ERROR in picker.from_edit.toolTip() and picker.from_edit.styleSheet()
    assert picker.to_edit.styleSheet() == "" and RANGE_ERROR not in picker.to_edit.toolTip()
    with pytest.raises(CqlscopeError, match="can't be after"):
        picker.time_range()
    qtbot.keyClicks(picker.to_edit, "x")  # typed at the start: "x2024-…" no longer parses, the error moves to To
    assert picker.to_edit.styleSheet() and "'x2024-05-01 00:00:00'" in picker.to_edit.toolTip()
    assert picker.from_edit.styleSheet() == ""
    picker.set_range("now-1h", "now", "utc", 100)
    assert picker.from_edit.styleSheet() == "" and picker.to_edit.styleSheet() == ""
    picker.set_range("2024-05-01 00:00:00", "2024-05-01 00:00:00", "utc", 100)  # Grafana allows From == To
    assert picker.problems() == {} and picker.time_range().range_ms == 0


def _week_start_ms(weekday: int) -> list[int]:
    """Epoch ms of this week's first day at 00:00 UTC when weeks start on `weekday` (Monday 0 ... Sunday 6), for
    today and (should the test cross midnight) tomorrow."""
    starts = []
    for day in (dt.datetime.now(dt.UTC).date(), dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)):
        first = day - dt.timedelta(days=(day.weekday() - weekday) % 7)
        starts.append(int(dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC).timestamp() * 1000))
    return starts


def test_week_start_sets_where_now_w_begins(qtbot: QtBot) -> None:
    picker = TimeRangePicker()
    qtbot.addWidget(picker)
    picker.set_range("now/w", "now", "utc", 100)
    assert picker.week_start.currentText() == "Default"
    assert picker.time_range().from_ms in _week_start_ms(6), "Grafana's default (English) week starts on Sunday"
    with qtbot.waitSignal(picker.changed, timeout=1000):
        picker.week_start.setCurrentIndex(picker.week_start.findText("Monday"))
    assert picker.week_start_value() == "monday"
    assert picker.time_range().from_ms in _week_start_ms(0)
    picker.week_start.setCurrentIndex(picker.week_start.findText("Saturday"))
    assert picker.time_range().from_ms in _week_start_ms(5)
    picker.set_range("now/w", "now", "utc", 100, "Monday")  # as a dashboard's JSON may spell it
    assert picker.week_start.currentText() == "Monday"
    picker.set_range("now/w", "now", "utc", 100, "funday")
    assert picker.week_start.currentText() == "Default" and picker.problems() == {}


def test_week_start_is_sent_and_kept_with_the_tab(qtbot: QtBot, open_window: OpenWindow,
                                                  workspace: Workspace) -> None:
    window, tab = open_query_tab(qtbot, open_window, workspace)
    tab.flavor_combo.setCurrentText("generic")
    tab.editor.setPlainText("SELECT * FROM system.local WHERE ts >= ${__from}")
    tab.time_picker.set_range("now/w", "now", "utc", 100, "monday")
    sent = tab.prepare().text
    assert any(f">= {start}" in sent for start in _week_start_ms(0)), sent
    state = tab.state()
    assert state.week_start == "monday"
    again = window.query_area.add_tab(state, save=False)
    assert again is not None and again.time_picker.week_start.currentText() == "Monday"
    assert again.prepare().text == sent


def _graph(qtbot: QtBot, times: list[float], zone: str = "Europe/Berlin") -> ResultsGraph:
    graph = ResultsGraph()
    qtbot.addWidget(graph)
    x = np.array(times)
    graph.show_data(GraphData([Series("value", x, np.arange(x.size, dtype=float))]), zone)
    graph.resize(900, 400)
    graph.show()
    graph.plot.grab()  # one paint, which gives the axis its font metrics
    return graph


def _hour_labels(graph: ResultsGraph, start: float) -> list[str]:
    """The label of a tick at `start`, at the spacing the axis picks for six hours over 600 pixels."""
    axis = graph.axis
    levels = axis.tickValues(start, start + 6 * 3600, 600)
    spacing = min(spacing for spacing, values in levels if len(values))  # the finest: hours and minutes
    return list(axis.tickStrings([start], 1.0, spacing))


def test_the_time_axis_reads_in_the_dashboard_zone(qtbot: QtBot) -> None:
    graph = _graph(qtbot, [MAY_1, MAY_1 + 3600])
    assert graph.axis.labelText == "Time (Europe/Berlin)"
    assert _hour_labels(graph, MAY_1)[0] == "02:00"
    assert graph.readout_text(MAY_1).startswith("2024-05-01 02:00:00 Europe/Berlin")
    assert graph.readout_text(JAN_1).startswith("2024-01-01 01:00:00 Europe/Berlin"), "winter time: UTC+1"
    graph.show_data(graph._data, "utc")
    assert graph.axis.labelText == "Time (UTC)" and _hour_labels(graph, MAY_1)[0] == "00:00"
    assert graph.readout_text(MAY_1).startswith("2024-05-01 00:00:00 UTC")
    graph.show_data(graph._data, "Nowhere/Zone")
    assert graph.axis.labelText == "Time (UTC)", "a zone the picker would refuse falls back to UTC"


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kolkata", "America/New_York", "utc"])
def test_the_time_axis_places_its_ticks_where_pyqtgraph_does(qtbot: QtBot, zone: str) -> None:
    """The axis adds its fixed UTC offset to the ticks itself (pyqtgraph asks Qt for the local zone per tick
    first): the ticks are still pyqtgraph's own for the same offset, from minutes to years apart."""
    graph = _graph(qtbot, [MAY_1, MAY_1 + 3600], zone)
    reference = pg.DateAxisItem(orientation="bottom", utcOffset=graph.axis.utcOffset)
    reference.fontMetrics = graph.axis.fontMetrics  # (an axis takes them from its first paint)
    for span_s in (1_800, 5 * 3_600, 3 * 86_400, 11 * 86_400, 200 * 86_400, 12 * 365 * 86_400):
        for width_px in (300, 900):
            ours = graph.axis.tickValues(MAY_1, MAY_1 + span_s, width_px)
            assert isinstance(graph.axis.zoomLevel, results_graph._FixedOffsetZoomLevel), "placed by the axis's own"
            theirs = reference.tickValues(MAY_1, MAY_1 + span_s, width_px)
            assert [(spacing, list(ticks)) for spacing, ticks in ours] == \
                [(spacing, list(ticks)) for spacing, ticks in theirs], (span_s, width_px)


@pytest.mark.cassandra
def test_a_reversed_range_blocks_the_run_and_the_zone_labels_the_graph(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, admin_session: Any,
        scratch_keyspace: str) -> None:
    table = create_sensor_table(admin_session, scratch_keyspace)
    _window, tab = open_query_tab(qtbot, open_window, workspace)
    tab.flavor_combo.setCurrentText("generic")
    tab.editor.setPlainText(f"SELECT ts, value FROM {table} WHERE sensor = 's1' AND day = '2024-05-01' "
                            "AND ts >= '${__from:date:iso}' AND ts < '${__to:date:iso}'")
    tab.time_picker.set_range("2024-05-01 01:00:00", "2024-05-01 00:00:00", "utc", 100)
    assert RANGE_ERROR in tab.time_picker.from_edit.toolTip()
    runs: list[object] = []
    tab.finished.connect(runs.append)
    with qtbot.waitSignal(tab.error, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.keyClick(tab.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert RANGE_ERROR in str(blocker.args[1]) and runs == [] and not tab.is_running()

    tab.time_picker.set_range("2024-05-01 02:00:00", "2024-05-01 03:00:00", "Europe/Berlin", 100)
    result = run_with_ctrl_enter(qtbot, tab)
    assert result.ok, result.error_message
    assert tab.graph.axis.labelText == "Time (Europe/Berlin)"
    first = float(tab.graph.curves[0].getOriginalDataset()[0][0])
    assert first == MAY_1, "02:00 in Berlin is midnight UTC: the data is unchanged, only its labels move"
    assert tab.graph.readout_text(first).startswith("2024-05-01 02:00:00 Europe/Berlin")
