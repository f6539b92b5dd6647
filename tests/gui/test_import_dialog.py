"""The Import dialog: it previews additions and conflicts, follows the conflict choice, and imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource, Flavor
from core.config.workspace import Workspace
from core.provisioning.model import ConflictChoice
from gui.provisioning.import_dialog import ImportDialog, run_import
from tests.gui.driving import click

pytestmark = pytest.mark.gui

FILE = """\
apiVersion: 1
datasources:
  - name: Scylla prod
    type: scylladb-scylla-datasource
    uid: scylla-prod
    jsonData:
      host: s1,s2
    secureJsonData:
      user: grafana
      password: ${SCYLLA_PW}
  - name: Cass
    type: hadesarchitect-cassandra-datasource
    uid: cass
    url: c1:9042
    jsonData:
      consistency: ONE
  - name: Prom
    type: prometheus
"""


@pytest.fixture
def provisioning_file(tmp_path: Path) -> Path:
    path = tmp_path / "datasources.yaml"
    path.write_text(FILE)
    return path


def _dialog(qtbot: QtBot, workspace: Workspace, path: Path) -> ImportDialog:
    dialog = ImportDialog(workspace.store, path, environ={"SCYLLA_PW": "pw"})
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _rows(dialog: ImportDialog) -> list[tuple[str, str]]:
    return [(dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text()) for r in range(dialog.table.rowCount())]


def test_import_adds_data_sources(qtbot: QtBot, memory_workspace: Workspace, provisioning_file: Path) -> None:
    dialog = _dialog(qtbot, memory_workspace, provisioning_file)
    assert _rows(dialog) == [("add", "Scylla prod"), ("add", "Cass"), ("unsupported", "Prom")]
    assert not dialog.conflict_combo.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=5000) as blocker:
        click(qtbot, dialog.import_button)
    assert blocker.args == [["Scylla prod", "Cass"]]
    store = memory_workspace.store
    assert store.names() == ["Scylla prod", "Cass"]
    assert store.secrets.get("scylla-prod", "password") == "pw"
    assert store.secrets.get("scylla-prod", "user") == "grafana"


def test_conflict_choice_changes_the_preview(qtbot: QtBot, memory_workspace: Workspace,
                                             provisioning_file: Path) -> None:
    store = memory_workspace.store
    store.add(DataSource(name="Scylla prod", uid="mine", flavor=Flavor.SCYLLA, hosts=["old"]))
    dialog = _dialog(qtbot, memory_workspace, provisioning_file)
    assert dialog.conflict_combo.isEnabled() and "Conflicts:" in dialog.messages.text()
    assert _rows(dialog)[0] == ("skip", "Scylla prod")
    dialog.set_choice(ConflictChoice.RENAME)
    assert _rows(dialog)[0] == ("rename", "Scylla prod (imported)")
    dialog.set_choice(ConflictChoice.REPLACE)
    assert _rows(dialog)[0] == ("replace", "Scylla prod")
    click(qtbot, dialog.import_button)
    assert store.get("Scylla prod").uid == "scylla-prod"


def test_bad_file_disables_import(qtbot: QtBot, memory_workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("apiVersion: 1\ndatasources:\n  - name: [x\n")
    dialog = _dialog(qtbot, memory_workspace, path)
    assert "bad.yaml, line" in dialog.messages.text()
    assert not dialog.import_button.isEnabled()


def test_run_import_cancelled(memory_workspace: Workspace) -> None:
    assert run_import(memory_workspace.store, None, lambda parent: None) == []


PARTLY_BROKEN = """\
apiVersion: 1
datasources:
  - name: Good
    type: hadesarchitect-cassandra-datasource
    uid: good
    url: c1:9042
    jsonData:
      consistency: ONE
    secureJsonData:
      password: ${GOOD_PASSWORD}
  - name: Broken
    type: hadesarchitect-cassandra-datasource
    uid: broken
    url: ${CASS_URL}
    jsonData:
      consistency: ONE
"""


def test_partly_broken_file_imports_the_valid_entries_and_takes_variables(
        qtbot: QtBot, memory_workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "partly.yaml"
    path.write_text(PARTLY_BROKEN)
    dialog = ImportDialog(memory_workspace.store, path, environ={"GOOD_PASSWORD": "s3cret"})
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert _rows(dialog) == [("add", "Good")], "the broken entry is left out, not the whole file"
    assert dialog.import_button.isEnabled()
    text = dialog.messages.text()
    assert "Not imported" in text and "skipped 'Broken': url is empty" in text
    names = [dialog.env_table.item(r, 0).text() for r in range(dialog.env_table.rowCount())]
    assert names == ["GOOD_PASSWORD", "CASS_URL"]
    password = dialog.env_values["GOOD_PASSWORD"]
    assert password.text() == "s3cret" and password.echoMode() == password.EchoMode.Password, "secrets masked"
    assert dialog.env_values["CASS_URL"].echoMode() == password.EchoMode.Normal
    dialog.env_values["CASS_URL"].setText("c2:9042")
    dialog.env_values["CASS_URL"].editingFinished.emit()
    assert _rows(dialog) == [("add", "Good"), ("add", "Broken")], "the value entered here fixes the entry"
    with qtbot.waitSignal(dialog.imported, timeout=5000) as blocker:
        click(qtbot, dialog.import_button)
    assert blocker.args == [["Good", "Broken"]]
    broken = memory_workspace.store.get("Broken")
    assert (broken.hosts, broken.port) == (["c2"], 9042)
    assert memory_workspace.store.secrets.get("good", "password") == "s3cret"
