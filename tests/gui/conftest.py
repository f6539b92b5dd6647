"""GUI fixtures: a factory that opens the main window on a workspace, with scripted prompts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from gui.main_window import MainWindow
from tests.gui.driving import ScriptedPrompts

OpenWindow = Callable[[Workspace], MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot) -> OpenWindow:
    """Open a MainWindow on a workspace and wait until it is exposed; it is closed after the test."""

    def opener(workspace: Workspace) -> MainWindow:
        window = MainWindow(workspace, prompts=ScriptedPrompts())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return opener


@pytest.fixture
def memory_workspace(config_dir: Path, memory_secrets: SecretStore) -> Workspace:
    """A workspace on the test's config directory with an in-memory keyring."""
    return Workspace(config_dir, memory_secrets)
