"""Big results in the Query tab: cancelling a long fetch, and a 1,000,000-row result in the table and graph."""

from __future__ import annotations

import time
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from core.config.workspace import Workspace
from core.query.service import RunResult
from tests.gui.conftest import OpenWindow
from tests.gui.driving import click, save_screenshot
from tests.gui.query_data import MILLION_TABLE, ensure_million_rows
from tests.gui.test_query_tab import open_query_tab

pytestmark = [pytest.mark.gui, pytest.mark.cassandra]

MILLION = 1_000_000


@pytest.fixture(scope="module")
def million_rows(admin_session: Any) -> str:
    seconds = ensure_million_rows(admin_session)
    print(f"\n1M-row table ready in {seconds:.1f} s")
    return MILLION_TABLE


def test_cancel_stops_a_long_fetch_at_once(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace,
                                           million_rows: str) -> None:
    _, tab = open_query_tab(qtbot, open_window, workspace)
    tab.editor.setPlainText(f"SELECT ts, value FROM {million_rows}")
    tab.fetch_spin.setValue(100)
    tab.limit_spin.setValue(0)
    with qtbot.waitSignal(tab._relay.progress, timeout=30_000):
        click(qtbot, tab.run_button)
    assert tab.is_running() and not tab.run_button.isEnabled()

    started = time.perf_counter()
    with qtbot.waitSignal(tab.finished, timeout=30_000) as blocker:
        click(qtbot, tab.cancel_button)
        # The window reacts at once, before the worker has noticed.
        assert not tab.cancel_button.isEnabled()
        assert tab.progress_label.text().startswith("Cancelling")
    stopped_s = time.perf_counter() - started
    result = blocker.args[0]
    assert isinstance(result, RunResult) and result.outcome is not None
    assert result.outcome.cancelled
    assert result.outcome.pages < 200, f"kept fetching: {result.outcome.pages} pages"
    assert result.outcome.row_count < 200 * 100
    assert stopped_s < 5, f"stopping took {stopped_s:.1f} s"
    assert tab.run_button.isEnabled()
    assert tab.table.notice.isVisibleTo(tab.table) and "Cancelled" in tab.table.notice.text()


def test_a_million_rows_in_the_table_and_the_graph(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace,
                                                   million_rows: str) -> None:
    window, tab = open_query_tab(qtbot, open_window, workspace)
    tab.editor.setPlainText(f"SELECT ts, value FROM {million_rows}")
    tab.limit_spin.setValue(0)
    tab.flavor_combo.setCurrentText("scylla")
    with qtbot.waitSignal(tab.finished, timeout=240_000) as blocker:
        click(qtbot, tab.run_button)
    result = blocker.args[0]
    assert isinstance(result, RunResult) and result.ok, result.error_message

    model = tab.table.model
    assert model.rowCount() == MILLION
    painted = tab.table.view.grab()
    assert not painted.isNull()
    tab.table.view.scrollToBottom()
    last = model.cell_text(MILLION - 1, 1)
    assert last is not None
    # Sorting a million rows permutes an index.
    model.sort(0)
    assert model.cell_text(0, 0) == "2024-01-01T00:00:00.000Z"

    tab.results.setCurrentWidget(tab.graph)
    qtbot.wait(200)
    assert len(tab.graph.curves) == 1
    curve = tab.graph.curves[0]
    x_all, _ = curve.getOriginalDataset()
    assert x_all is not None and len(x_all) == MILLION
    x_drawn, _ = curve.getData()
    assert x_drawn is not None and len(x_drawn) < MILLION / 10, "drawn with peak downsampling"
    assert result.plugin_view is not None and result.plugin_view.notes, "plugin view computed on the first rows"
    save_screenshot(window, "query-million-graph.png")
