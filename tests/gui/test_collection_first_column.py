"""A list, set, map, tuple or UDT first column gives a correct compatibility report in the CLI and the GUI:
the cassandra plugin names its series by the first column and fails the query for these types, and no view
of the result fails or hides that behind "no problems"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.query.service import RunResult
from gui.query.plugin_view import findings_html
from tests.gui.conftest import OpenWindow
from tests.support import LocalNode, run_cli

pytestmark = [pytest.mark.gui, pytest.mark.cassandra, pytest.mark.keyring]

COLUMNS = ["l", "st", "m", "tup", "ud", "fl"]


@pytest.fixture
def source(cassandra: LocalNode, secret_service_env: dict[str, str], config_dir: Path,
           real_secrets: SecretStore) -> Iterator[Workspace]:
    assert run_cli("datasource", "add", "c", "--hosts", cassandra.host, "--flavor", "cassandra").returncode == 0
    for field in ("user", "password"):
        assert run_cli("datasource", "set-secret", "c", field, "--stdin", stdin="cassandra\n").returncode == 0
    workspace = Workspace(config_dir, real_secrets)
    workspace.store.load()
    yield workspace
    workspace.close()


def test_cli_reports_the_failing_first_column(source: Workspace, every_type_table: str) -> None:
    for column in COLUMNS:
        done = run_cli("query", "c", "--report", "json",
                       f"SELECT {column}, ts, do FROM {every_type_table} WHERE k = 1")
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        start = done.stderr.index("[\n")
        findings = json.loads(done.stderr[start:])
        first = findings[0]
        assert (first["code"], first["severity"]) == ("first-column-type", "error")
        assert column in first["message"] and "unsupported type" in first["message"]


def test_gui_reports_the_failing_first_column(qtbot: QtBot, open_window: OpenWindow, source: Workspace,
                                              every_type_table: str) -> None:
    window = open_window(source)
    window.tabs.setCurrentWidget(window.query_area)
    tab = window.query_area.current_tab()
    assert tab is not None
    for column in COLUMNS:
        tab.editor.setPlainText(f"SELECT {column}, ts, do FROM {every_type_table} WHERE k = 1")
        with qtbot.waitSignal(tab.finished, timeout=60_000) as blocker:
            tab.run()
        result = blocker.args[0]
        assert isinstance(result, RunResult) and result.ok, result.error_message
        assert result.view_errors == {}
        assert [f.code for f in result.findings][:1] == ["first-column-type"]
        shown = tab.plugin_panel.report.toPlainText()
        assert "No compatibility problems" not in shown and "first-column-type" in shown
        assert "fails the whole query" in tab.plugin_panel.summary.text()


def test_a_view_that_cannot_be_built_is_shown_as_an_error() -> None:
    html = findings_html([], "TypeError: unhashable type: 'list'")
    assert "could not be built" in html and "No compatibility problems" not in html
