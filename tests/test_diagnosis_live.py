"""Real failures with every node up: an HTTP server (and a server answering garbage) on the data source's
port is reported as "not a CQL server" by the health check and a query, and a protocol version the local
Cassandra refuses is a protocol mismatch."""

from __future__ import annotations

import http.server
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config.datasource import DataSource
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.cql.execution import QueryError, run_query
from core.cql.failures import FailureKind, classify_connect_error
from core.cql.health import check_health
from core.cql.probe import probe_native_protocol
from tests.support import LocalNode


class _Garbage(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.recv(64)
        self.request.sendall(b"garbage garbage garbage\n")


@pytest.fixture
def http_port() -> Iterator[int]:
    """A real HTTP server (Python's http.server) on a free local port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def garbage_port() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def workspace_for(config_dir: Path, secrets: SecretStore, port: int, password: str = "hunter2") -> Workspace:
    workspace = Workspace(config_dir, secrets)
    workspace.store.load()
    workspace.store.add(DataSource(name="web", hosts=["127.0.0.1"], port=port, connect_timeout=2))
    workspace.store.set_secret("web", "user", "cassandra")
    workspace.store.set_secret("web", "password", password)
    return workspace


def test_save_and_test_against_an_http_server_says_not_a_cql_server(
        config_dir: Path, memory_secrets: SecretStore, http_port: int) -> None:
    workspace = workspace_for(config_dir, memory_secrets, http_port)
    try:
        report = check_health(workspace, workspace.store.get("web"))
    finally:
        workspace.close()
    assert report.failure is not None
    assert report.failure.kind == FailureKind.NOT_CQL and report.failure.title == "Not a CQL server"
    message = report.failure.message
    assert f"127.0.0.1:{http_port} does not speak the CQL native protocol" in message
    assert "HTTP server" in message and "check the port" in message
    assert "auto" not in message, "the protocol version is auto already"


def test_a_query_against_a_garbage_server_says_not_a_cql_server(
        config_dir: Path, memory_secrets: SecretStore, garbage_port: int) -> None:
    workspace = workspace_for(config_dir, memory_secrets, garbage_port)
    try:
        with pytest.raises(QueryError) as caught:
            run_query(workspace, workspace.store.get("web"), "SELECT * FROM system.local")
    finally:
        workspace.close()
    assert caught.value.failure.kind == FailureKind.NOT_CQL
    assert f"127.0.0.1:{garbage_port} does not speak the CQL native protocol" in caught.value.failure.message
    assert "garbage" in caught.value.failure.message


@pytest.mark.cassandra
def test_the_probe_recognises_the_local_cassandra(cassandra: LocalNode) -> None:
    answer = probe_native_protocol(f"{cassandra.host}:{cassandra.port}", timeout=5)
    assert answer.speaks_cql is True


@pytest.mark.cassandra
def test_a_protocol_version_the_server_refuses_is_a_mismatch(cassandra: LocalNode) -> None:
    """Cassandra 5.0 takes protocol 6 only as a beta: set explicitly, the driver gives up with the server's words."""
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster

    cluster = Cluster([cassandra.host], port=cassandra.port, protocol_version=6, connect_timeout=5,
                      auth_provider=PlainTextAuthProvider(cassandra.user, cassandra.password))
    try:
        with pytest.raises(Exception) as caught:
            cluster.connect()
    finally:
        cluster.shutdown()
    failure = classify_connect_error(caught.value, connect_timeout=5, protocol_version=6)
    assert failure.kind == FailureKind.PROTOCOL and failure.title == "Protocol version mismatch"
    assert "version 6" in failure.message and "Beta version of the protocol" in failure.message
    assert "auto" in failure.message
