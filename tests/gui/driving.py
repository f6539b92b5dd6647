"""Helpers that drive the main window like a user (typing, clicking) and local network stand-ins."""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from gui.common.prompts import Prompts, UnsavedChoice
from gui.main_window import MainWindow
from tests.support import ARTIFACTS

CHECK_TIMEOUT_MS = 60_000


class EventCounter(QObject):
    """An event filter counting the events of one type its widgets receive (paints, layout requests)."""

    def __init__(self, kind: QEvent.Type) -> None:
        super().__init__()
        self.kind = kind
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self.kind:
            self.count += 1
        return False


class ScriptedPrompts(Prompts):
    """Answers the window's questions from lists and records what was asked (Discard / Yes by default)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.unsaved_answers: list[UnsavedChoice] = []
        self.unsaved_asked: list[str] = []
        self.remove_answers: list[bool] = []
        self.remove_asked: list[str] = []

    def unsaved_changes(self, name: str) -> UnsavedChoice:
        self.unsaved_asked.append(name)
        return self.unsaved_answers.pop(0) if self.unsaved_answers else UnsavedChoice.DISCARD

    def confirm_remove(self, name: str) -> bool:
        self.remove_asked.append(name)
        return self.remove_answers.pop(0) if self.remove_answers else True


def prompts_of(window: MainWindow) -> ScriptedPrompts:
    assert isinstance(window.prompts, ScriptedPrompts)
    return window.prompts


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def retype(qtbot: QtBot, line_edit: QLineEdit, text: str) -> None:
    """Select everything in a line edit and type `text` over it, key by key."""
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(line_edit, text)


def option_edit(window: MainWindow, name: str) -> QLineEdit:
    """The line edit of a text, number, hosts or path option on the Connection tab."""
    edit = getattr(window.connection_form.fields[name], "line_edit", None)
    assert isinstance(edit, QLineEdit), f"{name} is not a line-edit option"
    return edit


def fill_connection(qtbot: QtBot, window: MainWindow, *, name: str, hosts: str, flavor: str = "cassandra",
                    keyspace: str = "", connect_timeout: str | None = None) -> None:
    """Fill the Connection tab of the shown data source."""
    window.tabs.setCurrentWidget(window.connection_form)
    retype(qtbot, window.connection_form.name_edit, name)
    combo = window.connection_form.fields["flavor"].combo  # type: ignore[attr-defined]
    combo.setCurrentText(flavor)
    retype(qtbot, option_edit(window, "hosts"), hosts)
    retype(qtbot, option_edit(window, "keyspace"), keyspace)
    if connect_timeout is not None:
        retype(qtbot, option_edit(window, "connect_timeout"), connect_timeout)


def type_secret(qtbot: QtBot, window: MainWindow, field: str, value: str) -> None:
    """Type a user or password on the Credentials tab."""
    window.tabs.setCurrentWidget(window.credentials_form)
    secret = window.credentials_form.fields[field]
    assert not secret.line_edit.isReadOnly(), f"{field} is not editable"
    retype(qtbot, secret.line_edit, value)


def save_and_wait_for_check(qtbot: QtBot, window: MainWindow, timeout_ms: int = CHECK_TIMEOUT_MS) -> None:
    """Click Save & test and wait until the health check has reported back."""
    with qtbot.waitSignal(window.tasks.busy_changed, timeout=timeout_ms,
                          check_params_cb=lambda busy: not busy):
        click(qtbot, window.test_button)
        assert window.is_testing(), f"the check did not start: {window.banner.plain_text()}"


def save_screenshot(window: QWidget, name: str) -> Path:
    """Save a PNG of the window under test-artifacts/ for review."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    for _ in range(3):  # let pending layout requests (banner shown, rows added) settle before grabbing
        QApplication.sendPostedEvents()
        QApplication.processEvents()
    assert window.grab().save(str(path)), f"could not write {path}"
    return path


def unused_port() -> int:
    """A loopback TCP port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class HangingServer:
    """A loopback TCP server that accepts connections and never answers (a host that hangs)."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = int(self._listener.getsockname()[1])
        self._accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name="hanging-server", daemon=True)

    def __enter__(self) -> HangingServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
        self._listener.close()
        for connection in self._accepted:
            connection.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._accepted.append(connection)
