"""The window's diagnoses with every node up: "Save & test" against an HTTP server on the data source's port
says "Not a CQL server" (not a timeout, not "set the protocol version to auto"), and a query pinned to a
host that is not a node of the cluster names the known nodes."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource
from core.config.saved_queries import QueryTabState
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from gui.common.banner import BannerKind
from tests.gui.conftest import OpenWindow
from tests.gui.driving import save_and_wait_for_check
from tests.support import LocalNode

pytestmark = [pytest.mark.gui, pytest.mark.cassandra]


@pytest.fixture
def http_port() -> Iterator[int]:
    """A real HTTP server (Python's http.server) on a free local port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_save_and_test_against_an_http_server_says_not_a_cql_server(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore,
        http_port: int) -> None:
    workspace = Workspace(config_dir, memory_secrets)
    workspace.store.load()
    workspace.store.add(DataSource(name="web", uid="web", hosts=["127.0.0.1"], port=http_port, connect_timeout=2))
    workspace.store.set_secret("web", "user", "cassandra")
    workspace.store.set_secret("web", "password", "hunter2")
    window = open_window(workspace)
    assert window.select_datasource("web")
    save_and_wait_for_check(qtbot, window)
    assert window.banner.kind == BannerKind.ERROR
    assert window.banner.title().startswith("Not a CQL server"), window.banner.title()
    text = window.banner.plain_text()
    assert f"127.0.0.1:{http_port}" in text and "port" in text
    assert "to auto" not in text, "the protocol version already is auto"
    workspace.close()


def test_a_query_pinned_to_a_stranger_names_the_known_nodes(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore,
        two_node_cluster: LocalNode) -> None:
    workspace = Workspace(config_dir, memory_secrets)
    workspace.store.load()
    workspace.store.add(DataSource(name="local", uid="local", hosts=["127.0.0.1"]))
    workspace.store.set_secret("local", "user", "cqlscope")
    workspace.store.set_secret("local", "password", "cqlscope")
    window = open_window(workspace)
    assert window.select_datasource("local")
    qtbot.waitUntil(lambda: window.query_area.uid == "local")
    tab = window.query_area.add_tab(QueryTabState(title="pin", text="SELECT key FROM system.local",
                                                  host="127.0.0.9"))
    assert tab is not None
    with qtbot.waitSignal(tab.finished, timeout=60_000) as run:
        tab.run()
    assert not run.args[0].ok
    assert window.banner.kind == BannerKind.ERROR
    text = window.banner.plain_text()
    assert "'127.0.0.9' is not a node of this cluster" in text
    assert "127.0.0.1 (up)" in text and "127.0.0.2 (up)" in text
    workspace.close()
