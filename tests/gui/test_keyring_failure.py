"""A keyring that cannot store secrets: the settings are still saved, the banner says what to fix."""

from __future__ import annotations

from pathlib import Path

import keyring.backends.fail
import pytest
from pytestqt.qtbot import QtBot

from core.config.profile_file import ProfileFile
from core.config.secrets import NO_BACKEND_HELP, SecretStore
from core.config.workspace import Workspace
from gui.common.banner import BannerKind
from gui.datasources.credentials_form import CONFIGURED_TEXT
from tests.gui.conftest import OpenWindow
from tests.gui.driving import click, fill_connection, save_screenshot, type_secret

pytestmark = pytest.mark.gui


def test_save_keeps_settings_and_shows_the_keyring_message(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path) -> None:
    workspace = Workspace(config_dir, SecretStore(keyring.backends.fail.Keyring()))
    window = open_window(workspace)
    click(qtbot, window.list_panel.add_button)
    assert window.credentials_form.keyring_label.text().startswith("⚠ The system keyring is unavailable")
    fill_connection(qtbot, window, name="no-keyring", hosts="127.0.0.1", keyspace="system")
    type_secret(qtbot, window, "password", "cassandra")

    click(qtbot, window.save_button)

    on_disk = ProfileFile(config_dir).load()
    assert [(ds.name, ds.hosts, ds.keyspace) for ds in on_disk] == [("no-keyring", ["127.0.0.1"], "system")]
    assert window.banner.kind == BannerKind.ERROR
    assert window.banner.title() == "Keyring unavailable"
    text = window.banner.plain_text()
    assert "The settings of 'no-keyring' were saved, but not its secrets." in text
    assert NO_BACKEND_HELP in text
    assert "Traceback" not in text
    # The typed password stays pending (not "configured"), so the data source is still marked unsaved.
    password = window.credentials_form.fields["password"]
    assert password.line_edit.text() == "cassandra" and password.line_edit.text() != CONFIGURED_TEXT
    assert window.isWindowModified()
    assert not window.is_new()
    save_screenshot(window, "main-window-keyring-failed.png")


def test_save_and_test_does_not_test_when_secrets_were_not_saved(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path) -> None:
    workspace = Workspace(config_dir, SecretStore(keyring.backends.fail.Keyring()))
    window = open_window(workspace)
    click(qtbot, window.list_panel.add_button)
    fill_connection(qtbot, window, name="no-keyring", hosts="127.0.0.1")
    type_secret(qtbot, window, "user", "cassandra")

    click(qtbot, window.test_button)

    assert not window.is_testing()
    assert window.banner.title() == "Keyring unavailable"
