"""The CLI (`cqlscope query` in a subprocess) and the GUI's Query tab go through one query service: on the
two-node cluster they return the same rows, the same answering hosts, the same errors and the same report,
whatever the routing (default, one host, a host list, all hosts) and the flavor."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.query.result_writers import write_json_rows
from core.query.service import RunResult
from gui.query.tab import ALL_HOSTS, QueryTab
from tests.gui.conftest import OpenWindow
from tests.support import LocalNode, run_cli

pytestmark = [pytest.mark.gui, pytest.mark.cassandra, pytest.mark.keyring]

NODES = "SELECT key, broadcast_address FROM system.local"
# (flavor, host override, all hosts, CQL)
CASES = [
    ("scylla", "127.0.0.2", False, NODES),
    ("scylla", "127.0.0.2,127.0.0.1", False, NODES),
    ("scylla", "", True, NODES),
    ("cassandra", "127.0.0.2", False, NODES),
    ("generic", "127.0.0.1", False, NODES),
    ("cassandra", "127.0.0.1", False, "SELECT k FROM system.no_such_table"),
    ("scylla", "127.0.0.9", False, NODES),
]


@pytest.fixture
def shared_source(two_node_cluster: LocalNode, secret_service_env: dict[str, str], config_dir: Path,
                  real_secrets: SecretStore) -> Iterator[Workspace]:
    """One data source in the test's profile and the real keyring, seen by the CLI and by the GUI."""
    assert run_cli("datasource", "add", "both", "--hosts", "127.0.0.1").returncode == 0
    for field in ("user", "password"):
        assert run_cli("datasource", "set-secret", "both", field, "--stdin", stdin="cassandra\n").returncode == 0
    workspace = Workspace(config_dir, real_secrets)
    workspace.store.load()
    yield workspace
    workspace.close()


def cli_run(flavor: str, host: str, all_hosts: bool, cql: str) -> dict[str, Any]:
    args = ["query", "both", "--flavor", flavor, "--format", "json", "--report", "json"]
    if all_hosts:
        args.append("--all-hosts")
    if host:
        args += ["--host", host]
    done = run_cli(*args, cql)
    lines = done.stderr.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("["))
    findings, _end = json.JSONDecoder().raw_decode("".join(lines[start:]))
    return {"ok": done.returncode == 0, "rows": json.loads(done.stdout) if done.returncode == 0 else None,
            "findings": [f["code"] for f in findings],
            "stderr": done.stderr}


def gui_run(qtbot: QtBot, tab: QueryTab, flavor: str, host: str, all_hosts: bool, cql: str) -> dict[str, Any]:
    tab.flavor_combo.setCurrentText(flavor)
    tab.host_combo.setCurrentText(ALL_HOSTS if all_hosts else host)
    tab.editor.setPlainText(cql)
    with qtbot.waitSignal(tab.finished, timeout=60_000) as blocker:
        tab.run()
    result = blocker.args[0]
    assert isinstance(result, RunResult)
    rows = None
    if result.outcome is not None:
        out = io.StringIO()
        write_json_rows(result.outcome.frame, out)
        rows = json.loads(out.getvalue())
    return {"ok": result.ok and not result.view_errors, "rows": rows, "findings": [f.code for f in result.findings],
            "error": result.error_message}


@pytest.mark.parametrize(("flavor", "host", "all_hosts", "cql"), CASES)
def test_cli_and_gui_agree(qtbot: QtBot, open_window: OpenWindow, shared_source: Workspace, flavor: str, host: str,
                           all_hosts: bool, cql: str) -> None:
    window = open_window(shared_source)
    window.tabs.setCurrentWidget(window.query_area)
    tab = window.query_area.current_tab()
    assert tab is not None
    cli = cli_run(flavor, host, all_hosts, cql)
    gui = gui_run(qtbot, tab, flavor, host, all_hosts, cql)
    assert gui["ok"] == cli["ok"], (gui, cli)
    assert gui["findings"] == cli["findings"]
    if not cli["ok"]:
        assert gui["error"] and gui["error"] in cli["stderr"], "the same error, word for word"
        return
    assert sorted(gui["rows"], key=json.dumps) == sorted(cli["rows"], key=json.dumps)
    addresses = sorted(row["broadcast_address"] for row in cli["rows"]) if cql == NODES else None
    if cql == NODES and all_hosts:
        assert addresses == ["127.0.0.1", "127.0.0.2"], "every node answered once"
    elif cql == NODES and host:
        assert addresses == [host.split(",")[0]], "pinned to the (first) host"

