"""scripts/local-cassandra: idempotent start, status, the two-node cluster and TLS material."""

from __future__ import annotations

import json
import ssl
import subprocess
import time

import pytest

from tests.support import LOCAL_CASSANDRA, RUN_DIR, LocalNode, run_cli

pytestmark = pytest.mark.cassandra


def script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LOCAL_CASSANDRA), *args], capture_output=True, text=True, timeout=600)


def test_starting_twice_is_safe_and_quick(cassandra: LocalNode) -> None:
    pid_before = (RUN_DIR / "node1" / "cassandra.pid").read_text()
    started = time.monotonic()
    again = script("start", "--node", "1", "--tls")
    assert again.returncode == 0, again.stderr
    assert "already running" in again.stdout
    assert time.monotonic() - started < 30
    assert (RUN_DIR / "node1" / "cassandra.pid").read_text() == pid_before
    status = script("status", "--node", "1")
    assert status.returncode == 0 and "CQL answers" in status.stdout and "TLS on" in status.stdout


def test_tls_material_was_made_with_keytool(cassandra: LocalNode) -> None:
    for name in ("ca.pem", "other-ca.pem", "node.p12", "client.pem", "client.key"):
        assert (cassandra.tls_dir / name).is_file(), name
    context = ssl.create_default_context(cafile=str(cassandra.tls_dir / "ca.pem"))
    import socket

    with socket.create_connection((cassandra.host, cassandra.port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname=cassandra.host) as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_bad_node_number_is_refused() -> None:
    result = script("start", "--node", "12")
    assert result.returncode == 1
    assert "--node must be between 1 and 9" in result.stderr


def test_node_two_joins_node_one(two_node_cluster: LocalNode, secret_service_env: dict[str, str]) -> None:
    assert run_cli("datasource", "add", "pair", "--hosts", "127.0.0.2").returncode == 0
    for field in ("user", "password"):
        run_cli("datasource", "set-secret", "pair", field, "--stdin", stdin="cassandra\n")
    report = json.loads(run_cli("check", "pair", "--json").stdout)
    assert report["ok"], report["failure"]
    assert report["contacted_host"].startswith("127.0.0.2")
    assert {(n["address"], n["up"]) for n in report["nodes"]} == {("127.0.0.1", True), ("127.0.0.2", True)}
