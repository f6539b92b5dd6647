"""GUI fixtures: a factory that opens the main window on a workspace, with scripted prompts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource, Flavor
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from gui.common.main_thread_gc import collect_now, collect_on_the_gui_thread
from gui.main_window import MainWindow
from tests.gui.driving import ScriptedPrompts
from tests.support import LocalNode

OpenWindow = Callable[[Workspace], MainWindow]


@pytest.fixture(autouse=True)
def gc_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app: cyclic garbage collection only on the GUI thread (see gui/common/main_thread_gc.py);
    a collection step after each test keeps garbage from piling up between timer ticks."""
    collect_on_the_gui_thread()
    yield
    collect_now()


class ModalDialogOpened(AssertionError):
    """A modal dialog was opened where a test cannot answer it (offscreen, it would wait forever)."""


@pytest.fixture(autouse=True)
def no_unanswered_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail at once, naming the dialog, when code under test opens a modal dialog with exec() or a
    QMessageBox static call; tests answer questions through ScriptedPrompts instead."""

    def refuse_exec(dialog: QDialog) -> int:
        text = dialog.text() if isinstance(dialog, QMessageBox) else ""
        raise ModalDialogOpened(f"modal dialog {dialog.windowTitle()!r} opened: {text}")

    def refuse_static(*args: object, **_: object) -> int:
        raise ModalDialogOpened(f"QMessageBox opened: {args[1:3]!r}")

    monkeypatch.setattr(QDialog, "exec", refuse_exec)
    monkeypatch.setattr(QMessageBox, "exec", refuse_exec)
    for name in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse_static))


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


@pytest.fixture
def sources(oracle_keyspace: str, secret_service_env: dict[str, str], config_dir: Path,
            real_secrets: SecretStore, two_node_cluster: LocalNode) -> Iterator[Workspace]:
    """A cassandra and a scylla data source with the uids the test dashboards name, secrets in the keyring (the
    CLI's own `datasource add` is tested elsewhere; here the store adds them, as that command does)."""
    workspace = Workspace(config_dir, real_secrets)
    workspace.store.load()
    workspace.store.add(DataSource(name="cass", uid="cass-uid", flavor=Flavor.CASSANDRA, hosts=["127.0.0.1"],
                                   keyspace=oracle_keyspace, consistency="ONE"))
    workspace.store.add(DataSource(name="scy", uid="scylla-uid", flavor=Flavor.SCYLLA, hosts=["127.0.0.1"]))
    for name in ("cass", "scy"):
        for field in ("user", "password"):
            workspace.store.set_secret(name, field, "cassandra")
    yield workspace
    workspace.close()
