"""Save & test against the real local Cassandra node, a closed port and a host that never answers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from keyring.backends.SecretService import Keyring as SecretServiceKeyring
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

import core.cql.health
import gui.main_window
from core.config.datasource import DataSource
from core.config.secrets import SecretState, SecretStore
from core.config.workspace import Workspace
from core.cql.health import HealthReport
from gui.common.banner import BannerKind
from gui.datasources.credentials_form import CONFIGURED_TEXT
from gui.datasources.editor import TEST_LABEL, TESTING_LABEL
from tests.gui.conftest import OpenWindow
from tests.gui.driving import (
    HangingServer,
    click,
    fill_connection,
    save_and_wait_for_check,
    save_screenshot,
    type_secret,
    unused_port,
)
from tests.support import ARTIFACTS, LocalNode

pytestmark = pytest.mark.gui


@pytest.mark.cassandra
@pytest.mark.keyring
def test_new_data_source_saved_and_tested_against_the_local_node(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, real_secrets: SecretStore,
        cassandra: LocalNode) -> None:
    workspace = Workspace(config_dir, real_secrets)
    window = open_window(workspace)
    click(qtbot, window.list_panel.add_button)
    fill_connection(qtbot, window, name="local", flavor="cassandra", hosts=cassandra.host, keyspace="system")
    type_secret(qtbot, window, "user", cassandra.user)
    type_secret(qtbot, window, "password", cassandra.password)
    password = window.credentials_form.fields["password"]
    assert password.line_edit.echoMode() == QLineEdit.EchoMode.Password
    assert window.isWindowModified()

    save_and_wait_for_check(qtbot, window)

    assert window.banner.kind == BannerKind.SUCCESS, window.banner.plain_text()
    text = window.banner.plain_text()
    assert "'local' is working" in text
    assert "Version 5.0" in text
    assert "cluster cqlscope-local" in text
    assert "127.0.0.1" in text and "datacenter1" in text and "rack1" in text and "up" in text
    assert "Keyspace system exists" in text
    # The password is now only "configured": read-only, never shown again, with Reset.
    assert password.line_edit.text() == CONFIGURED_TEXT
    assert password.line_edit.isReadOnly()
    assert password.line_edit.echoMode() == QLineEdit.EchoMode.Normal
    assert password.reset_button.isVisible()
    assert window.credentials_form.fields["user"].line_edit.text() == CONFIGURED_TEXT
    # The secrets are in the Secret Service (read through a fresh backend), not in the profile file.
    uid = workspace.store.get("local").uid
    assert workspace.store.secret_states("local") == {"user": SecretState.CONFIGURED,
                                                      "password": SecretState.CONFIGURED}
    assert SecretStore(SecretServiceKeyring()).get(uid, "password") == cassandra.password
    profile_text = workspace.store.profile.path.read_text()
    assert "password" not in profile_text and "hosts:\n  - 127.0.0.1" in profile_text
    assert not window.isWindowModified()
    assert window.test_button.isEnabled()
    window.tabs.setCurrentWidget(window.connection_form)
    save_screenshot(window, "main-window-healthy.png")
    window.tabs.setCurrentWidget(window.credentials_form)
    save_screenshot(window, "main-window-credentials-configured.png")


@pytest.mark.keyring
def test_reset_password_clears_the_keyring_entry_on_save(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, real_secrets: SecretStore) -> None:
    workspace = Workspace(config_dir, real_secrets)
    workspace.store.add(DataSource(name="prod", hosts=["127.0.0.1"]))
    workspace.store.set_secret("prod", "user", "grafana")
    workspace.store.set_secret("prod", "password", "s3cret")
    uid = workspace.store.get("prod").uid
    window = open_window(workspace)
    window.tabs.setCurrentWidget(window.credentials_form)
    password = window.credentials_form.fields["password"]
    assert password.line_edit.text() == CONFIGURED_TEXT and password.line_edit.isReadOnly()

    click(qtbot, password.reset_button)

    assert password.line_edit.text() == ""
    assert not password.line_edit.isReadOnly()
    assert password.line_edit.echoMode() == QLineEdit.EchoMode.Password
    assert not password.reset_button.isVisible()
    assert window.isWindowModified()
    assert real_secrets.get(uid, "password") == "s3cret", "a reset is applied on Save, not before"

    click(qtbot, window.save_button)

    assert window.banner.kind == BannerKind.SUCCESS, window.banner.plain_text()
    assert workspace.store.secret_states("prod") == {"user": SecretState.CONFIGURED,
                                                     "password": SecretState.NOT_SET}
    assert SecretStore(SecretServiceKeyring()).get(uid, "password") is None
    assert password.line_edit.text() == "" and not password.line_edit.isReadOnly()
    assert password.line_edit.placeholderText() == "not set"
    assert window.credentials_form.fields["user"].line_edit.text() == CONFIGURED_TEXT
    assert not window.isWindowModified()


def _datasource_window(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, host: str,
                       connect_timeout: str = "5") -> gui.main_window.MainWindow:
    window = open_window(workspace)
    click(qtbot, window.list_panel.add_button)
    fill_connection(qtbot, window, name="broken", hosts=host, connect_timeout=connect_timeout)
    return window


def test_closed_port_shows_unreachable_from_a_worker_thread(
        qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    real_check = core.cql.health.check_health

    def recording_check(workspace: Workspace, ds: DataSource) -> HealthReport:
        threads.append(threading.get_ident())
        return real_check(workspace, ds)

    monkeypatch.setattr(gui.main_window, "check_health", recording_check)
    port = unused_port()
    window = _datasource_window(qtbot, open_window, memory_workspace, f"127.0.0.1:{port}")
    seen_busy: list[bool] = []

    with qtbot.waitSignal(window.tasks.busy_changed, timeout=30_000, check_params_cb=lambda busy: not busy):
        click(qtbot, window.test_button)
        # The click returned before the check finished: the window shows progress and stays usable.
        seen_busy.append(window.banner.is_busy())
        assert window.banner.title() == "Testing 'broken'…"
        assert window.test_button.text() == TESTING_LABEL and not window.test_button.isEnabled()

    assert seen_busy == [True]
    assert threads and threads[0] != threading.get_ident(), "the check must run off the GUI thread"
    assert window.banner.kind == BannerKind.ERROR
    text = window.banner.plain_text()
    assert text.startswith("Host unreachable")
    assert f"127.0.0.1:{port} refused the connection" in text
    assert window.test_button.isEnabled() and window.test_button.text() == TEST_LABEL
    save_screenshot(window, "main-window-unreachable.png")


def test_hanging_host_times_out_while_the_window_stays_responsive(
        qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace) -> None:
    ticks_while_testing: list[bool] = []
    with HangingServer() as server:
        window = _datasource_window(qtbot, open_window, memory_workspace, f"127.0.0.1:{server.port}",
                                    connect_timeout="2")
        timer = QTimer(window)
        timer.setInterval(50)

        def tick() -> None:
            ticks_while_testing.append(window.is_testing())
            if ticks_while_testing.count(True) == 5:  # mid-check: the busy banner
                save_screenshot(window, "main-window-testing.png")

        timer.timeout.connect(tick)
        timer.start()
        save_and_wait_for_check(qtbot, window, timeout_ms=30_000)
        timer.stop()

    # About 40 ticks in 2 s; far fewer would mean the GUI thread was blocked by the connect.
    assert ticks_while_testing.count(True) >= 15, ticks_while_testing
    assert (ARTIFACTS / "main-window-testing.png").exists()
    assert window.banner.kind == BannerKind.ERROR
    text = window.banner.plain_text()
    assert text.startswith("Timed out")
    assert "did not answer within the connect timeout of 2 s" in text
    save_screenshot(window, "main-window-timeout.png")


def test_closing_during_a_check_waits_for_it_and_closes_the_sessions(
        qtbot: QtBot, open_window: OpenWindow, memory_workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    check_ended = threading.Event()
    check_ended_before_close: list[bool] = []
    real_check, real_close = core.cql.health.check_health, memory_workspace.close

    def recording_check(workspace: Workspace, ds: DataSource) -> HealthReport:
        try:
            return real_check(workspace, ds)
        finally:
            check_ended.set()

    def recording_close() -> None:
        check_ended_before_close.append(check_ended.is_set())
        real_close()

    monkeypatch.setattr(gui.main_window, "check_health", recording_check)
    monkeypatch.setattr(memory_workspace, "close", recording_close)
    with HangingServer() as server:
        window = _datasource_window(qtbot, open_window, memory_workspace, f"127.0.0.1:{server.port}",
                                    connect_timeout="2")
        click(qtbot, window.test_button)
        assert window.is_testing() and not check_ended.is_set()
        assert window.close()
    assert not window.isVisible()
    assert check_ended_before_close == [True], "sessions are closed once, after the running check ended"
    qtbot.waitUntil(lambda: not window.is_testing())  # its late result is delivered without error
