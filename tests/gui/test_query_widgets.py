"""The query tester's widgets without a database: table model (NULL vs empty, sort, copy, export),
graph messages, variables panel, time range picker and the editor's keys."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from core.grafana.frames import Field, Frame
from core.grafana.series import graph_data
from core.grafana.templating import Variable
from gui.query import results_graph
from gui.query.editor import CqlEditor
from gui.query.results_graph import BUILD_LATER_MS, ResultsGraph
from gui.query.results_table import NULL_COLOR, ResultsTable
from gui.query.time_range import TimeRangePicker
from gui.query.variables import VariablesPanel

pytestmark = pytest.mark.gui


def _frame() -> Frame:
    return Frame("response", [
        Field.of("ts", "timestamp", [1_714_521_600_000, None, 1_714_521_660_000]),
        Field.of("name", "text", ["", None, "b"]),
        Field.of("value", "decimal", [Decimal("1.10"), Decimal("-3"), None]),
    ])


def test_model_shows_null_apart_from_empty_text_and_exact_values(qtbot: QtBot, qtmodeltester: Any) -> None:
    table = ResultsTable()
    qtbot.addWidget(table)
    table.show_frame(_frame(), truncated=True, limit=3)
    model = table.model
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "" and model.data(model.index(0, 1), Qt.ItemDataRole.FontRole) is None
    assert model.data(model.index(1, 1)) == "NULL"
    assert model.data(model.index(1, 1), Qt.ItemDataRole.ForegroundRole) == NULL_COLOR
    assert model.data(model.index(1, 1), Qt.ItemDataRole.FontRole).italic()
    assert model.data(model.index(0, 2)) == "1.10", "decimals keep their digits"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "value\ndecimal"
    assert "Truncated" in table.notice.text()
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert [model.cell_text(r, 2) for r in range(3)] == ["-3", "1.10", None], "NULLs sort last"


def test_copy_and_export(qtbot: QtBot, tmp_path: Path) -> None:
    table = ResultsTable()
    qtbot.addWidget(table)
    table.show_frame(_frame())
    selection = table.view.selectionModel()
    for row, column in ((0, 1), (0, 2), (1, 1), (1, 2)):
        selection.select(table.model.index(row, column), QItemSelectionModel.SelectionFlag.Select)
    with qtbot.waitSignal(table.notified) as copied:
        table.copy_selection()
    assert QApplication.clipboard().text() == "name\tvalue\n\t1.10\nNULL\t-3", "a header row; NULL apart from ''"
    assert copied.args == ["Copied 2 rows with the header row to the clipboard."]
    table.view.clearSelection()
    table.copy_selection()
    assert QApplication.clipboard().text().splitlines() == [
        "ts\tname\tvalue", "2024-05-01T00:00:00.000Z\t\t1.10", "NULL\tNULL\t-3",
        "2024-05-01T00:01:00.000Z\tb\tNULL"], "nothing selected: the whole table"
    table.export(tmp_path / "r.csv", "csv")
    assert (tmp_path / "r.csv").read_text().splitlines()[1] == '2024-05-01T00:00:00.000Z,"",1.10'
    table.export(tmp_path / "r.json", "json")
    rows = json.loads((tmp_path / "r.json").read_text())
    assert rows[1] == {"ts": None, "name": None, "value": -3}


def test_graph_explains_when_there_is_nothing_to_plot(qtbot: QtBot) -> None:
    graph = ResultsGraph()
    qtbot.addWidget(graph)
    graph.show_data(graph_data(Frame("r", [Field.of("name", "text", ["a"])])))
    assert graph.stack.currentWidget() is graph.message
    assert "no time column" in graph.message.text()
    graph.show_data(graph_data(Frame("r", [Field.of("ts", "timestamp", [0]), Field.of("n", "text", ["a"])])))
    assert "no numeric column" in graph.message.text()
    graph.show_data(graph_data(_frame()))
    assert len(graph.curves) == 2 and graph.stack.currentIndex() == 1, "split by the text column"
    assert "value" in graph.readout_text(1_714_521_600.0)


def test_curves_are_built_a_few_milliseconds_per_turn(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = ResultsGraph()
    qtbot.addWidget(graph)
    graph.show_data(graph_data(_frame()))
    monkeypatch.setattr(results_graph, "BUILD_TURN_MS", 0)  # every curve takes a turn's share
    graph._build_some()
    assert len(graph.plot.listDataItems()) == 1, "one curve in this turn"
    qtbot.waitUntil(lambda: len(graph.plot.listDataItems()) == 2, timeout=1000)
    graph.show_data(graph_data(_frame()))
    monkeypatch.setattr(results_graph, "BUILD_TURN_MS", 10_000)
    graph._build_some()
    assert len(graph.plot.listDataItems()) == 2, "both within one turn's share"


def test_a_graph_out_of_sight_builds_its_curves_when_shown(qtbot: QtBot) -> None:
    tabs = QTabWidget()
    graph = ResultsGraph()
    tabs.addTab(QWidget(), "Table")
    tabs.addTab(graph, "Graph")
    qtbot.addWidget(tabs)
    tabs.show()
    qtbot.waitExposed(tabs)
    graph.show_data(graph_data(_frame()))
    assert graph.plot.listDataItems() == [], "no curve prepared in the turn that shows the result"
    assert [graph.legend.item(i).text() for i in range(graph.legend.count())] == \
        ['value {name=""}', 'value {name="b"}'], "the legend is there at once"
    graph.legend.item(1).setCheckState(Qt.CheckState.Unchecked)  # unticked before the curves exist
    tabs.setCurrentWidget(graph)
    assert graph.plot.listDataItems() == [], "the tab paints first"
    qtbot.waitUntil(lambda: len(graph.plot.listDataItems()) == 2, timeout=1000)
    assert [curve.isVisible() for curve in graph.curves] == [True, False]
    tabs.setCurrentIndex(0)
    graph.show_data(graph_data(_frame()))
    assert graph.plot.listDataItems() == []
    qtbot.waitUntil(lambda: len(graph.plot.listDataItems()) == 2, timeout=BUILD_LATER_MS * 4)
    assert graph.isHidden() or not graph.isVisible(), "built a little later, out of sight"
    graph.show_data(graph_data(Frame("r", [Field.of("name", "text", ["a"])])))
    assert graph.plot.listDataItems() == [] and "no time column" in graph.message.text()
    graph.show_data(graph_data(_frame()))
    assert len(graph.curves) == 2, "asked for, the curves are built at once"


def test_variables_panel_round_trips_multi_values_texts_and_all(qtbot: QtBot, tmp_path: Path) -> None:
    panel = VariablesPanel()
    qtbot.addWidget(panel)
    variables = {
        "host": Variable("host", "a"),
        "sensors": Variable("sensors", ("s1", "s2"), ("Sensor 1", "Sensor 2")),
        "dc": Variable("dc", "$__all", "All", True, ".*", ("eu", "us")),
    }
    panel.set_variables(variables)
    assert panel.variables() == variables
    panel.save_file(tmp_path / "vars.json")
    other = VariablesPanel()
    qtbot.addWidget(other)
    other.load_file(tmp_path / "vars.json")
    assert other.variables() == variables
    with qtbot.waitSignal(other.failed):
        (tmp_path / "bad.json").write_text("{")
        other.load_file(tmp_path / "bad.json")


def test_time_range_picker_quick_ranges_and_errors(qtbot: QtBot) -> None:
    picker = TimeRangePicker()
    qtbot.addWidget(picker)
    picker.quick.setCurrentIndex(picker.quick.findText("Last 30 days"))
    assert picker.raw() == ("now-30d", "now", "utc")
    evaluated = picker.time_range()
    assert evaluated.range_ms == 30 * 86_400_000
    picker.set_range("2024-05-01T00:00:00", "2024-05-01T01:00:00", "Europe/Berlin", 100)
    assert picker.quick.currentText() == "Custom range"
    assert picker.time_range().from_ms == 1_714_514_400_000
    picker.from_edit.setText("yesterday-ish")
    assert "yesterday-ish" in picker.describe()


def test_editor_keys_and_completion(qtbot: QtBot) -> None:
    editor = CqlEditor()
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.run_requested):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(editor.cancel_requested):
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    editor.setPlainText("SEL")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    assert editor.word_before_cursor() == "SEL"
    editor.insert_completion("SELECT")
    assert editor.toPlainText() == "SELECT"


def test_query_tab_can_be_renamed_and_the_title_is_saved(qtbot: Any, config_dir: Any, memory_secrets: Any) -> None:
    from core.config.datasource import DataSource
    from core.config.saved_queries import QueryTabsFile
    from core.config.workspace import Workspace
    from gui.query.area import QueryArea

    workspace = Workspace(config_dir, memory_secrets)
    workspace.store.load()
    ds = workspace.store.add(DataSource(name="r", hosts=["127.0.0.1"]))
    area = QueryArea(workspace)
    qtbot.addWidget(area)
    area.set_datasource(ds.uid)
    area.ask_title = lambda current: "Daily temperatures"
    area.rename_tab(0)
    assert area.tabs.tabText(0) == "Daily temperatures"
    assert QueryTabsFile(ds.uid).load().tabs[0].title == "Daily temperatures"
    area.ask_title = lambda current: None  # cancelled
    area.rename_tab(0)
    assert area.tabs.tabText(0) == "Daily temperatures"
    area.shutdown(1000)


def test_variable_values_may_hold_commas_in_quotes() -> None:
    from gui.query.variables import _join, _split

    assert _split('a, "b, c", d') == ("a", "b, c", "d")
    assert _split("x") == "x" and _split("  ") is None
    for value in (("a", "b, c", 'say "hi"'), "plain", ("1", "2")):
        assert _split(_join(value)) == value


def test_completion_knows_columns_of_tables_in_the_default_keyspace() -> None:
    from core.cql.schema import Schema
    from gui.query.editor import CqlEditor

    schema = Schema(keyspaces={"metrics": {"readings": [("sensor", "text"), ("ts", "timestamp")]}})
    editor = CqlEditor()
    editor.set_schema(schema)
    editor.setPlainText("SELECT  FROM readings")
    assert "sensor" not in editor.candidates("se")
    editor.default_keyspace = "metrics"
    assert {"sensor", "ts"} <= set(editor.candidates("se"))
