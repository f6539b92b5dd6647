"""The Export tab and the Import action as wired into the main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from core.config.datasource import DataSource
from core.config.workspace import Workspace
from gui.provisioning import import_dialog


def test_export_tab_previews_the_data_sources(open_window: Any, memory_workspace: Workspace) -> None:
    memory_workspace.store.load()
    memory_workspace.store.add(DataSource(name="prod", hosts=["10.0.0.1"], keyspace="metrics"))
    window = open_window(memory_workspace)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Connection", "Credentials", "Query", "Export"]
    window.tabs.setCurrentWidget(window.export_panel)
    preview = window.export_panel.preview.toPlainText()
    document = yaml.safe_load(preview)
    assert document["datasources"][0]["name"] == "prod"
    assert document["datasources"][0]["type"] == "hadesarchitect-cassandra-datasource"


def test_import_action_adds_data_sources(open_window: Any, memory_workspace: Workspace, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    memory_workspace.store.load()
    window = open_window(memory_workspace)
    source = tmp_path / "datasources.yaml"
    source.write_text("apiVersion: 1\ndatasources:\n  - name: Imported\n    type: scylladb-scylla-datasource\n"
                      "    jsonData:\n      host: 10.9.9.9\n")

    def fake_run_import(store: Any, parent: Any = None, open_path: Any = None) -> list[str]:
        dialog = import_dialog.ImportDialog(store, source, parent)
        dialog.do_import()
        return list(dialog.imported_names)

    monkeypatch.setattr("gui.main_window.run_import", fake_run_import)
    window.import_action.trigger()
    assert "Imported" in memory_workspace.store.names()
    assert "Imported 1 data source" in window.banner.title() and "(s)" not in window.banner.title()
