"""Startup with an unreadable profile, worker errors reaching the banner, and the app entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import gui.app
import gui.main_window
from core.config.datasource import DataSource
from core.config.profile_file import PROFILE_FILE
from core.config.workspace import Workspace
from core.cql.health import HealthReport
from gui.common.banner import BannerKind
from gui.common.workers import UNEXPECTED_TITLE
from gui.main_window import MainWindow
from tests.gui.conftest import OpenWindow
from tests.gui.driving import save_and_wait_for_check, save_screenshot

pytestmark = pytest.mark.gui


def test_unreadable_profile_is_reported_and_never_overwritten(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_workspace: Workspace) -> None:
    config_dir.mkdir(parents=True)
    profile = config_dir / PROFILE_FILE
    profile.write_text("schema_version: 1\ndatasources: [unclosed\n")
    before = profile.read_bytes()

    window = open_window(memory_workspace)

    assert window.banner.kind == BannerKind.ERROR
    assert window.banner.title() == "Profile file problem"
    assert "cannot be loaded" in window.banner.plain_text() and "will not overwrite it" in window.banner.plain_text()
    assert "(read-only)" in window.windowTitle()
    assert not window.list_panel.add_button.isEnabled()
    save_screenshot(window, "main-window-profile-error.png")
    window.add_datasource()
    assert window.current_uid() is None
    assert not window.save()
    window.close()
    assert profile.read_bytes() == before


def test_unexpected_worker_error_reaches_the_banner(
        qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_check(workspace: Workspace, ds: DataSource) -> HealthReport:
        raise RuntimeError("driver exploded")

    monkeypatch.setattr(gui.main_window, "check_health", broken_check)
    memory_workspace.store.add(DataSource(name="alpha", hosts=["127.0.0.1"]))
    window = open_window(memory_workspace)

    save_and_wait_for_check(qtbot, window)

    assert window.banner.kind == BannerKind.ERROR
    assert window.banner.plain_text() == f"{UNEXPECTED_TITLE}\nRuntimeError: driver exploded"
    assert not window.is_testing() and window.test_button.isEnabled()


def test_failing_result_callback_is_shown_not_raised(
        qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    memory_workspace.store.add(DataSource(name="alpha", hosts=["127.0.0.1"]))
    monkeypatch.setattr(gui.main_window, "check_health", lambda workspace, ds: "not a report")
    window = open_window(memory_workspace)

    save_and_wait_for_check(qtbot, window)

    assert window.banner.kind == BannerKind.ERROR
    assert window.banner.title() == UNEXPECTED_TITLE
    assert "AttributeError" in window.banner.plain_text()


def test_main_opens_the_window_on_the_configured_directory(
        qtbot: QtBot, config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[MainWindow] = []

    def fake_exec(*_: object) -> int:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        shown.append(window)
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert gui.app.main(["cqlscope-gui"]) == 0
    assert shown and shown[0].store.profile.path == config_dir / PROFILE_FILE
    assert not shown[0].isVisible(), "main closes the window (and its sessions) on the way out"
