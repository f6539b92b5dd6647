"""The window and a CLI writing the same profile: CLI edits show up, GUI saves merge with them, conflicts ask."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource
from core.config.merge import ConflictError, Preference
from core.config.profile_file import ProfileFile
from core.config.workspace import Workspace
from gui.main_window import MainWindow
from tests.gui.conftest import OpenWindow
from tests.gui.driving import option_edit, retype
from tests.support import run_cli

NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
RELOAD_TIMEOUT_MS = 15_000


def _cli(*args: str) -> None:
    result = run_cli(*args, env=NO_KEYRING)
    assert result.returncode == 0, result.stderr


def _window(open_window: OpenWindow, workspace: Workspace) -> MainWindow:
    workspace.store.load()
    workspace.store.add(DataSource(name="alpha", hosts=["127.0.0.1"]))
    workspace.store.add(DataSource(name="beta", hosts=["127.0.0.2"]))
    window = open_window(workspace)
    assert window.editor.datasource().name == "alpha"
    return window


def _on_disk() -> dict[str, DataSource]:
    return {ds.name: ds for ds in ProfileFile().load()}


def test_a_cli_edit_shows_up_and_a_gui_save_keeps_it(qtbot: QtBot, open_window: OpenWindow,
                                                     memory_workspace: Workspace) -> None:
    window = _window(open_window, memory_workspace)
    _cli("datasource", "add", "gamma", "--hosts", "10.0.0.3")
    _cli("datasource", "edit", "beta", "--keyspace", "from_cli")
    qtbot.waitUntil(lambda: [e.name for e in window.list_panel.entries()] == ["alpha", "beta", "gamma"],
                    timeout=RELOAD_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.store.get("beta").keyspace == "from_cli", timeout=RELOAD_TIMEOUT_MS)
    retype(qtbot, option_edit(window, "keyspace"), "from_gui")
    assert window.save()
    stored = _on_disk()
    assert (stored["alpha"].keyspace, stored["beta"].keyspace) == ("from_gui", "from_cli")
    assert stored["gamma"].hosts == ["10.0.0.3"]


def test_an_unsaved_edit_survives_a_reload_and_merges_on_save(qtbot: QtBot, open_window: OpenWindow,
                                                              memory_workspace: Workspace) -> None:
    window = _window(open_window, memory_workspace)
    retype(qtbot, option_edit(window, "keyspace"), "gui_ks")
    assert window.is_dirty()
    _cli("datasource", "edit", "alpha", "--port", "9043")
    qtbot.waitUntil(lambda: window.store.get("alpha").port == 9043, timeout=RELOAD_TIMEOUT_MS)
    assert window.is_dirty() and option_edit(window, "keyspace").text() == "gui_ks"
    assert window.save()
    assert (_on_disk()["alpha"].port, _on_disk()["alpha"].keyspace) == (9043, "gui_ks")
    assert option_edit(window, "port").text() == "9043", "the saved, merged version is shown"


@pytest.mark.parametrize(("choice", "expected"), [(Preference.MINE, "mine"), (Preference.THEIRS, "theirs")])
def test_a_conflict_asks_keep_mine_or_take_theirs(qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace,
                                                  choice: Preference, expected: str) -> None:
    window = _window(open_window, memory_workspace)
    asked: list[list[str]] = []

    def answer(conflict: ConflictError) -> Preference:
        asked.append(conflict.fields)
        return choice

    window.profile_sync.ask_conflict = answer
    retype(qtbot, option_edit(window, "keyspace"), "mine")
    _cli("datasource", "edit", "alpha", "--keyspace", "theirs", "--port", "9050")
    qtbot.waitUntil(lambda: window.store.get("alpha").keyspace == "theirs", timeout=RELOAD_TIMEOUT_MS)
    assert window.save()
    assert asked == [["keyspace"]]
    assert (_on_disk()["alpha"].keyspace, _on_disk()["alpha"].port) == (expected, 9050)


def test_cancelling_the_conflict_saves_nothing_and_keeps_the_edit(qtbot: QtBot, open_window: OpenWindow,
                                                                  memory_workspace: Workspace) -> None:
    window = _window(open_window, memory_workspace)
    window.profile_sync.ask_conflict = lambda conflict: None
    retype(qtbot, option_edit(window, "keyspace"), "mine")
    _cli("datasource", "edit", "alpha", "--keyspace", "theirs")
    qtbot.waitUntil(lambda: window.store.get("alpha").keyspace == "theirs", timeout=RELOAD_TIMEOUT_MS)
    before = (ProfileFile().path).read_bytes()
    assert not window.save()
    assert ProfileFile().path.read_bytes() == before
    assert window.is_dirty() and option_edit(window, "keyspace").text() == "mine"
    assert window.banner.title() == "Not saved"
