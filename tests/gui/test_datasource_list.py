"""The list's Add, Duplicate, Remove (with confirmation) and Mark default."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource
from core.config.secrets import SecretState
from core.config.workspace import Workspace
from gui.common.banner import BannerKind
from tests.gui.conftest import OpenWindow
from tests.gui.driving import click, prompts_of, save_screenshot

pytestmark = pytest.mark.gui


@pytest.fixture
def with_secrets(memory_workspace: Workspace) -> Workspace:
    store = memory_workspace.store
    store.add(DataSource(name="alpha", hosts=["127.0.0.1"]))
    store.add(DataSource(name="beta", hosts=["127.0.0.2"]))
    store.set_secret("alpha", "user", "u")
    store.set_secret("alpha", "password", "p")
    return memory_workspace


def test_add_shows_a_new_unsaved_entry(qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace) -> None:
    window = open_window(memory_workspace)
    assert window.stack.currentWidget() is window.placeholder
    assert not window.save_button.isEnabled()

    click(qtbot, window.list_panel.add_button)

    assert window.is_new()
    [entry] = window.list_panel.entries()
    assert entry.is_new and entry.name == "New data source" and entry.text().endswith("•")
    assert not window.list_panel.duplicate_button.isEnabled()
    assert not window.list_panel.default_button.isEnabled()
    save_screenshot(window, "main-window-default-marked.png")
    assert window.isWindowModified()


def test_duplicate_copies_settings_and_secrets(qtbot: QtBot, open_window: OpenWindow, with_secrets: Workspace) -> None:
    window = open_window(with_secrets)
    click(qtbot, window.list_panel.duplicate_button)

    assert with_secrets.store.names() == ["alpha", "beta", "alpha (copy)"]
    copy = with_secrets.store.get("alpha (copy)")
    assert window.current_uid() == copy.uid
    assert copy.hosts == ["127.0.0.1"]
    assert with_secrets.store.secret_states("alpha (copy)")["password"] == SecretState.CONFIGURED
    assert window.banner.kind == BannerKind.SUCCESS


def test_remove_asks_and_cancel_keeps(qtbot: QtBot, open_window: OpenWindow, with_secrets: Workspace) -> None:
    window = open_window(with_secrets)
    prompts_of(window).remove_answers.append(False)
    click(qtbot, window.list_panel.remove_button)
    assert prompts_of(window).remove_asked == ["alpha"]
    assert with_secrets.store.names() == ["alpha", "beta"]


def test_remove_deletes_settings_and_keyring_entries(
        qtbot: QtBot, open_window: OpenWindow, with_secrets: Workspace) -> None:
    window = open_window(with_secrets)
    uid = with_secrets.store.get("alpha").uid
    click(qtbot, window.list_panel.remove_button)

    assert with_secrets.store.names() == ["beta"]
    assert with_secrets.secrets.states(uid) == {"user": SecretState.NOT_SET, "password": SecretState.NOT_SET}
    assert window.current_uid() == with_secrets.store.get("beta").uid
    assert [e.name for e in window.list_panel.entries()] == ["beta"]


def test_remove_the_last_one_shows_the_placeholder(
        qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace) -> None:
    memory_workspace.store.add(DataSource(name="only", hosts=["h"]))
    window = open_window(memory_workspace)
    click(qtbot, window.list_panel.remove_button)
    assert window.current_uid() is None
    assert window.stack.currentWidget() is window.placeholder
    assert window.windowTitle() == "cqlscope[*]"


def test_mark_default_stars_the_entry_and_unmarks_the_other(
        qtbot: QtBot, open_window: OpenWindow, with_secrets: Workspace) -> None:
    with_secrets.store.set_default("alpha")
    window = open_window(with_secrets)
    beta = with_secrets.store.get("beta").uid
    assert window.select_datasource(beta)

    click(qtbot, window.list_panel.default_button)

    assert with_secrets.store.get("beta").is_default and not with_secrets.store.get("alpha").is_default
    entries = {e.name: e for e in window.list_panel.entries()}
    assert entries["beta"].is_default and not entries["alpha"].is_default
    item = window.list_panel.list_widget.item(window.list_panel.row_of(beta))
    assert item.font().bold()
    assert window.connection_form.fields["is_default"].check_box.isChecked()  # type: ignore[attr-defined]
    assert not window.isWindowModified()
    assert not window.list_panel.default_button.isEnabled()
    save_screenshot(window, "main-window-default-marked.png")
