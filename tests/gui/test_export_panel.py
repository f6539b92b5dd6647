"""The Export panel: the live preview follows settings changes, Save writes the file, Copy fills the clipboard."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource, Flavor
from core.config.workspace import Workspace
from gui.provisioning.export_panel import ExportPanel
from tests.gui.driving import click

pytestmark = pytest.mark.gui


def _panel(qtbot: QtBot, workspace: Workspace, target: Path | None = None) -> ExportPanel:
    panel = ExportPanel(workspace.store, save_path_provider=lambda parent: target)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_preview_follows_store_changes(qtbot: QtBot, memory_workspace: Workspace) -> None:
    store = memory_workspace.store
    store.add(DataSource(name="Cass", uid="cass", hosts=["c1"], keyspace="ks"))
    panel = _panel(qtbot, memory_workspace)
    assert "url: c1:9042" in panel.preview.toPlainText()
    ds = store.get("Cass")
    ds.hosts = ["c9", "c10"]
    ds.consistency = "QUORUM"
    store.update(ds)
    qtbot.waitUntil(lambda: "url: c9:9042;c10:9042" in panel.preview.toPlainText())
    assert "consistency: QUORUM" in panel.preview.toPlainText()
    store.add(DataSource(name="Scylla", uid="scy", flavor=Flavor.SCYLLA, hosts=["s1"], keyspace="nope"))
    qtbot.waitUntil(lambda: "type: scylladb-scylla-datasource" in panel.preview.toPlainText())
    assert "scylla 0.5.0 plugin cannot express keyspace" in panel.messages.text()
    assert panel.highlighter.document() is panel.preview.document()


def test_options_and_validation_messages(qtbot: QtBot, memory_workspace: Workspace) -> None:
    store = memory_workspace.store
    store.add(DataSource(name="A", uid="a", hosts=["a"], is_default=True))
    store.add(DataSource(name="B", uid="b", hosts=["b"], org_id=2, is_default=True))
    panel = _panel(qtbot, memory_workspace)
    panel.prune_check.setChecked(True)
    assert "prune: true" in panel.preview.toPlainText() and "11.1" in panel.messages.text()
    panel.secrets_combo.setCurrentIndex(1)
    assert "<from keyring>" in panel.preview.toPlainText()  # the preview never shows real secrets
    panel.secrets_combo.setCurrentIndex(0)
    store.add(DataSource(name="b", uid="b2", hosts=["b"]))  # B and b would share the variables B_USER...
    qtbot.waitUntil(lambda: "variable B_USER would also hold a secret of 'B'" in panel.messages.text())
    assert not panel.save_button.isEnabled()
    panel.all_check.setChecked(False)
    panel.source_list.item(2).setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: panel.save_button.isEnabled())
    assert "name: b\n" not in panel.preview.toPlainText() and "name: B\n" in panel.preview.toPlainText()


def test_save_writes_file_and_copy(qtbot: QtBot, memory_workspace: Workspace, tmp_path: Path) -> None:
    store = memory_workspace.store
    store.add(DataSource(name="Cass", uid="cass", hosts=["c1"]))
    store.set_secret("Cass", "password", "hunter2")
    target = tmp_path / "prov.yaml"
    panel = _panel(qtbot, memory_workspace, target)
    panel.env_check.setChecked(True)
    with qtbot.waitSignal(panel.saved, timeout=5000) as blocker:
        click(qtbot, panel.save_button)
    assert blocker.args == [str(target)]
    document = yaml.safe_load(target.read_text())
    # `$VAR`, expanded once by Grafana (pkg/services/provisioning/values/values.go interpolateValue)
    assert document["datasources"][0]["secureJsonData"] == {"password": "$CASS_PASSWORD"}
    assert (tmp_path / "prov.env").read_text().splitlines()[1:] == ["CASS_USER=", "CASS_PASSWORD="]
    QGuiApplication.clipboard().setText("before")
    panel.secrets_combo.setCurrentIndex(1)
    answers = [False, True]
    panel.confirm_secrets = lambda: answers.pop(0)
    click(qtbot, panel.copy_button)
    assert QGuiApplication.clipboard().text() == "before", "declined: the secrets stay off the clipboard"
    assert panel.messages.text() == "Not copied: the text holds real secrets."
    with qtbot.waitSignal(panel.copied, timeout=5000):
        click(qtbot, panel.copy_button)
    assert answers == [], "asked before each copy with inline secrets"
    assert "password: hunter2" in QGuiApplication.clipboard().text()
    assert "hunter2" not in panel.preview.toPlainText()
    assert panel.messages.text() == "Copied the provisioning file (1 data source) to the clipboard."


def test_save_checks_the_other_files_of_the_directory(qtbot: QtBot, memory_workspace: Workspace,
                                                     tmp_path: Path) -> None:
    # Grafana counts defaults over every file of the provisioning directory (config_reader.go readConfig)
    store = memory_workspace.store
    store.add(DataSource(name="Cass", uid="cass", hosts=["c1"], is_default=True))
    sibling = tmp_path / "prometheus.yaml"
    sibling.write_text("apiVersion: 1\ndatasources:\n  - name: Prom\n    type: prometheus\n    isDefault: true\n")
    target = tmp_path / "cql.yaml"
    panel = _panel(qtbot, memory_workspace, target)
    assert panel.options(target).sibling_files == [sibling]
    assert panel.save() is None and not target.exists()
    assert f"'Prom' in {sibling}" in panel.messages.text()


def test_saving_to_a_bad_place_is_explained_in_the_panel(qtbot: QtBot, memory_workspace: Workspace,
                                                         tmp_path: Path) -> None:
    memory_workspace.store.add(DataSource(name="A", uid="a", hosts=["a"]))
    folder = tmp_path / "exports"
    folder.mkdir()
    for target, reason in ((folder, "Is a directory"), (Path("/proc/cqlscope.yaml"), "No such file or directory")):
        panel = _panel(qtbot, memory_workspace, target)
        assert panel.save() is None
        assert f"cannot write {target}: {reason}" in panel.messages.text()
    assert list(folder.iterdir()) == [], "no temporary file is left behind"
