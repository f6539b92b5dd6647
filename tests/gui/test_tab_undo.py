"""Ctrl+W closes the current query tab and a notice offers Undo, which brings the tab back whole: its text,
variables, run options and last result (from the real local node)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource
from core.config.saved_queries import QueryTabState
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from gui.query.area import UNDO_KEPT
from tests.gui.conftest import OpenWindow
from tests.gui.driving import click

pytestmark = pytest.mark.gui
RUN_TIMEOUT_MS = 60_000


@pytest.mark.cassandra
def test_ctrl_w_then_undo_restores_text_variables_options_and_result(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, admin_session: Any) -> None:
    version = admin_session.execute("SELECT release_version FROM system.local").one()[0]
    window = open_window(workspace)
    with qtbot.waitSignal(window.query_area.schema_loaded, timeout=RUN_TIMEOUT_MS):
        window.tabs.setCurrentWidget(window.query_area)
    area = window.query_area
    state = QueryTabState(title="Versions", text="SELECT key, release_version FROM system.local WHERE key = '$k'",
                          variables={"k": "local"}, consistency="ONE", limit=7, fetch_size=11)
    tab = area.add_tab(state)
    assert tab is not None and area.tabs.count() == 2
    with qtbot.waitSignal(tab.finished, timeout=RUN_TIMEOUT_MS) as run:
        tab.run()
    assert run.args[0].ok, run.args[0].error_message
    assert tab.table.model.cell_text(0, 1) == version

    window.activateWindow()
    tab.editor.setFocus()
    qtbot.keyClick(tab.editor, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)

    assert tab not in area.query_tabs() and area.tabs.count() == 1
    assert area.undo_notice.isVisible()
    assert area.undo_notice.text() == "Closed tab 'Versions' — Undo"

    click(qtbot, area.undo_notice.undo_button)

    restored = area.current_tab()
    assert restored is not None and area.tabs.indexOf(restored) == 1 and area.tabs.tabText(1) == "Versions"
    assert not area.undo_notice.isVisible()
    assert restored.editor.toPlainText() == state.text
    again = restored.state()
    assert again.variables == {"k": "local"}
    assert (again.consistency, again.limit, again.fetch_size) == ("ONE", 7, 11)
    assert restored.last_result is not None and restored.last_result.ok
    assert restored.table.model.cell_text(0, 0) == "local" and restored.table.model.cell_text(0, 1) == version


def test_older_closed_tabs_come_back_with_their_query(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    workspace = Workspace(config_dir, memory_secrets)
    workspace.store.load()
    workspace.store.add(DataSource(name="alpha", uid="alpha", hosts=["127.0.0.1"]))
    window = open_window(workspace)
    assert window.select_datasource("alpha")
    qtbot.waitUntil(lambda: window.query_area.uid == "alpha")
    area = window.query_area
    texts = [f"SELECT {n} FROM ks.t" for n in range(UNDO_KEPT + 1)]
    tabs = []
    for text in texts:
        tab = area.add_tab(QueryTabState(title=f"T{text[7]}", text=text))
        assert tab is not None
        tabs.append(tab)
    for _ in texts:
        window.menus.close_tab_action.trigger()
    assert area.undo_notice.text() == "Closed tab 'T0' — Undo"
    reopened = [area.reopen_closed_tab() for _ in texts]
    assert [tab.editor.toPlainText() for tab in reopened if tab is not None] == texts
    assert reopened[:UNDO_KEPT] == tabs[:UNDO_KEPT], "the last closed come back as the same tabs"
    assert reopened[UNDO_KEPT] is not tabs[UNDO_KEPT], "an older one is rebuilt from its saved state"
    assert area.reopen_closed_tab() is None
