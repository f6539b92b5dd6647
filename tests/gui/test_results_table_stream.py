"""Rows appear in the Query tab's table while the query runs (page by page, against the local Cassandra), and the
whole result then takes their place without moving the view or the selection."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QTimer
from pytestqt.qtbot import QtBot

from core.config.workspace import Workspace
from core.query.service import RunResult
from tests.gui.conftest import OpenWindow
from tests.gui.query_data import MINUTES, create_sensor_table

pytestmark = [pytest.mark.gui, pytest.mark.cassandra]

RUN_TIMEOUT_MS = 60_000
FETCH_SIZE = 10


def test_rows_appear_page_by_page_before_the_query_ends(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace,
                                                        admin_session: Any, scratch_keyspace: str) -> None:
    table_name = create_sensor_table(admin_session, scratch_keyspace)
    window = open_window(workspace)
    window.resize(1200, 800)
    with qtbot.waitSignal(window.query_area.schema_loaded, timeout=RUN_TIMEOUT_MS):
        window.tabs.setCurrentWidget(window.query_area)
    tab = window.query_area.current_tab()
    assert tab is not None
    tab.editor.setPlainText(f"SELECT ts, sensor, value FROM {table_name} WHERE sensor = 's2' AND day = '2024-05-01'")
    tab.fetch_spin.setValue(FETCH_SIZE)
    tab.limit_spin.setValue(0)
    table = tab.table
    tab.results.setCurrentWidget(table)  # the user watches the rows (an earlier test may have left the graph up)
    seen: list[tuple[int, bool, bool]] = []  # (rows in the model, query still running, whole frame shown)

    def on_rows(*_: Any) -> None:
        seen.append((table.model.rowCount(), tab.is_running(), table.model.frame() is not None))
        if len(seen) == 1 and tab.is_running():
            # A user selects a cell of the first page and scrolls while the rest arrives.
            table.view.selectionModel().select(table.model.index(5, 2), QItemSelectionModel.SelectionFlag.Select)
            # (NoUpdate: view.setCurrentIndex would read the keyboard modifiers, and a Ctrl an earlier test's
            # key press left behind toggles the selection off again.)
            table.view.selectionModel().setCurrentIndex(table.model.index(5, 2),
                                                        QItemSelectionModel.SelectionFlag.NoUpdate)

    table.model.rowsInserted.connect(on_rows)
    table.model.modelReset.connect(on_rows)
    resets: list[int] = []
    table.model.modelReset.connect(lambda: resets.append(table.model.rowCount()))
    with qtbot.waitSignal(tab.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        tab.run()
    result = blocker.args[0]
    assert isinstance(result, RunResult) and result.ok, result.error_message
    assert result.outcome is not None and result.outcome.pages >= MINUTES // FETCH_SIZE

    while_running = [rows for rows, running, whole in seen if running and not whole]
    assert while_running and while_running[0] == FETCH_SIZE, f"the first page was shown on its own: {seen}"
    assert table.model.rowCount() == MINUTES and table.model.frame() is result.outcome.frame
    assert not table.model.is_paged(), "the whole frame took the pages' place"
    # Swapping in the whole frame kept the user's selection and current cell (no reset after the first page).
    assert [(i.row(), i.column()) for i in table.view.selectionModel().selectedIndexes()] == [(5, 2)], (seen, resets)
    assert table.view.currentIndex() == table.model.index(5, 2) and table.view.currentIndex() != QModelIndex()
    assert resets == [FETCH_SIZE], f"one reset (the first page), then inserts only: {seen}"
    # Exact values, in clustering order: s2 reads 100 + minute at each minute.
    assert table.model.cell_text(5, 2) == "105.0" and table.model.cell_text(MINUTES - 1, 2) == "219.0"
    assert table.model.cell_text(0, 0) == "2024-05-01T00:00:00.000Z"
    assert table.summary.text() == f"{MINUTES} rows · 3 columns"
    assert table.csv_button.isEnabled() and table.filter_box.isEnabled()


def test_a_result_is_shown_in_steps_and_a_new_run_finishes_the_old_one_first(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, admin_session: Any, scratch_keyspace: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Table, plugin view, graph and history are shown one turn of the event loop apart (no single handler holds
    the GUI thread for all of a big result), `finished` comes last, and Run pressed between two steps first
    shows the rest of the previous result, so its graph and its history entry are never lost."""
    table_name = create_sensor_table(admin_session, scratch_keyspace)
    window = open_window(workspace)
    with qtbot.waitSignal(window.query_area.schema_loaded, timeout=RUN_TIMEOUT_MS):
        window.tabs.setCurrentWidget(window.query_area)
    tab = window.query_area.current_tab()
    assert tab is not None
    tab.editor.setPlainText(f"SELECT ts, sensor, value FROM {table_name} WHERE sensor = 's2' AND day = '2024-05-01'")
    events: list[str] = []
    turns: list[int] = []  # the event loop's turn at each step
    turn = [0]
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: turn.__setitem__(0, turn[0] + 1))
    ticker.start()
    for name, owner, method in (("table", tab.table, "show_frame"), ("graph", tab.graph, "show_data"),
                                ("plugin view", tab.plugin_panel, "show_view")):
        original = getattr(owner, method)

        def noted(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            events.append(_name)
            turns.append(turn[0])
            shown = _original(*args, **kwargs)
            if _name == "plugin view" and events.count("plugin view") == 1:
                # The user presses Run again while the first result's graph is still to come.
                events.append("run again")
                tab.run()
            return shown

        monkeypatch.setattr(owner, method, noted)
    tab.ran.connect(lambda _entry: events.append("history"))
    tab.finished.connect(lambda _result: events.append("finished"))
    with qtbot.waitSignal(tab.finished, timeout=RUN_TIMEOUT_MS):
        tab.run()
    qtbot.waitUntil(lambda: events.count("finished") == 2, timeout=RUN_TIMEOUT_MS)
    ticker.stop()
    assert events[:6] == ["table", "plugin view", "run again", "graph", "history", "finished"], events
    assert events[6:] == ["table", "plugin view", "graph", "history", "finished"], events
    assert turns[0] < turns[1], "the plugin view came a turn of the event loop after the table"
    assert turns[3] < turns[4] < turns[5], "the second result too: table, plugin view, graph one turn apart"
    assert tab.graph.curves and tab.table.model.rowCount() == MINUTES
