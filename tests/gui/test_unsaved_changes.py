"""Unsaved changes: the '•' and window-modified marks, and the Save / Discard / Cancel question."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource
from core.config.workspace import Workspace
from gui.common.prompts import UnsavedChoice
from gui.datasources.list_panel import MODIFIED_MARK
from gui.main_window import MainWindow
from tests.gui.conftest import OpenWindow
from tests.gui.driving import click, option_edit, prompts_of, retype

pytestmark = pytest.mark.gui


@pytest.fixture
def two_sources(memory_workspace: Workspace) -> Workspace:
    memory_workspace.store.add(DataSource(name="alpha", hosts=["127.0.0.1"]))
    memory_workspace.store.add(DataSource(name="beta", hosts=["127.0.0.2"]))
    return memory_workspace


def _entry_text(window: MainWindow, name: str) -> str:
    uid = window.store.get(name).uid
    return window.list_panel.list_widget.item(window.list_panel.row_of(uid)).text()


def test_edit_marks_the_item_and_title_and_save_clears_them(
        qtbot: QtBot, open_window: OpenWindow, two_sources: Workspace) -> None:
    window = open_window(two_sources)
    assert window.store.get("alpha").uid == window.current_uid()
    assert not window.isWindowModified()
    assert _entry_text(window, "alpha") == "alpha"

    retype(qtbot, option_edit(window, "keyspace"), "metrics")

    assert window.isWindowModified()
    assert "[*]" in window.windowTitle()
    assert _entry_text(window, "alpha") == f"alpha {MODIFIED_MARK}"
    assert _entry_text(window, "beta") == "beta"

    retype(qtbot, option_edit(window, "keyspace"), "")  # back to the saved value: no longer modified
    assert not window.isWindowModified()
    assert _entry_text(window, "alpha") == "alpha"

    retype(qtbot, option_edit(window, "keyspace"), "metrics")
    click(qtbot, window.save_button)
    assert not window.isWindowModified()
    assert _entry_text(window, "alpha") == "alpha"
    assert two_sources.store.get("alpha").keyspace == "metrics"


def test_typed_secret_counts_as_unsaved(qtbot: QtBot, open_window: OpenWindow, two_sources: Workspace) -> None:
    window = open_window(two_sources)
    retype(qtbot, window.credentials_form.fields["password"].line_edit, "pw")
    assert window.isWindowModified()
    assert _entry_text(window, "alpha") == f"alpha {MODIFIED_MARK}"


def test_close_asks_cancel_keeps_the_window_and_discard_closes(
        qtbot: QtBot, open_window: OpenWindow, two_sources: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    closed_sessions: list[bool] = []
    monkeypatch.setattr(two_sources, "close", lambda: closed_sessions.append(True))
    window = open_window(two_sources)
    prompts = prompts_of(window)
    before = two_sources.store.profile.path.read_bytes()
    retype(qtbot, option_edit(window, "keyspace"), "metrics")

    prompts.unsaved_answers.append(UnsavedChoice.CANCEL)
    assert not window.close()
    assert prompts.unsaved_asked == ["alpha"]
    assert window.isVisible()
    assert closed_sessions == []
    assert window.isWindowModified()

    prompts.unsaved_answers.append(UnsavedChoice.DISCARD)
    assert window.close()
    assert prompts.unsaved_asked == ["alpha", "alpha"]
    assert not window.isVisible()
    assert closed_sessions == [True], "closing the window closes the driver sessions"
    assert two_sources.store.profile.path.read_bytes() == before


def test_close_with_save_answer_saves_first(qtbot: QtBot, open_window: OpenWindow, two_sources: Workspace) -> None:
    window = open_window(two_sources)
    retype(qtbot, option_edit(window, "keyspace"), "metrics")
    prompts_of(window).unsaved_answers.append(UnsavedChoice.SAVE)
    assert window.close()
    assert two_sources.store.get("alpha").keyspace == "metrics"


def test_close_with_save_answer_and_invalid_settings_stays_open(
        qtbot: QtBot, open_window: OpenWindow, two_sources: Workspace) -> None:
    window = open_window(two_sources)
    retype(qtbot, option_edit(window, "port"), "70000")
    prompts_of(window).unsaved_answers.append(UnsavedChoice.SAVE)
    assert not window.close()
    assert window.isVisible()
    assert "out of range" in window.connection_form.problem_text("port")


def test_close_without_changes_does_not_ask(qtbot: QtBot, open_window: OpenWindow, two_sources: Workspace) -> None:
    window = open_window(two_sources)
    assert window.close()
    assert prompts_of(window).unsaved_asked == []


def test_switching_data_source_asks_and_cancel_stays(
        qtbot: QtBot, open_window: OpenWindow, two_sources: Workspace) -> None:
    window = open_window(two_sources)
    prompts = prompts_of(window)
    alpha, beta = (two_sources.store.get(n).uid for n in ("alpha", "beta"))
    retype(qtbot, option_edit(window, "keyspace"), "metrics")

    prompts.unsaved_answers.append(UnsavedChoice.CANCEL)
    window.list_panel.list_widget.setCurrentRow(window.list_panel.row_of(beta))  # as a click would
    qtbot.waitUntil(lambda: prompts.unsaved_asked == ["alpha"])
    qtbot.waitUntil(lambda: window.list_panel.list_widget.currentRow() == window.list_panel.row_of(alpha))
    assert window.current_uid() == alpha
    assert option_edit(window, "keyspace").text() == "metrics"

    prompts.unsaved_answers.append(UnsavedChoice.SAVE)
    window.list_panel.list_widget.setCurrentRow(window.list_panel.row_of(beta))
    qtbot.waitUntil(lambda: window.current_uid() == beta)
    assert two_sources.store.get("alpha").keyspace == "metrics"
    assert window.connection_form.name_edit.text() == "beta"
    assert not window.isWindowModified()


def test_switching_with_discard_drops_the_edits(
        qtbot: QtBot, open_window: OpenWindow, two_sources: Workspace) -> None:
    window = open_window(two_sources)
    alpha, beta = (two_sources.store.get(n).uid for n in ("alpha", "beta"))
    retype(qtbot, option_edit(window, "keyspace"), "metrics")
    prompts_of(window).unsaved_answers.append(UnsavedChoice.DISCARD)
    assert window.select_datasource(beta)
    assert window.select_datasource(alpha)
    assert option_edit(window, "keyspace").text() == ""
    assert two_sources.store.get("alpha").keyspace == ""
