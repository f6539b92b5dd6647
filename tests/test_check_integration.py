"""`cqlscope check` against the real local Cassandra, with secrets in a real Secret Service keyring."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import LocalNode, run_cli

pytestmark = [pytest.mark.cassandra, pytest.mark.keyring]


@pytest.fixture
def keyring_env(secret_service_env: dict[str, str]) -> dict[str, str]:
    return secret_service_env


def add_source(name: str, *flags: str, user: str = "cassandra", password: str = "cassandra") -> None:
    added = run_cli("datasource", "add", name, "--flavor", "cassandra", *flags)
    assert added.returncode == 0, added.stderr
    for field, value in (("user", user), ("password", password)):
        saved = run_cli("datasource", "set-secret", name, field, "--stdin", stdin=value + "\n")
        assert saved.returncode == 0, saved.stderr


def test_check_succeeds_and_prints_version_and_cluster(cassandra: LocalNode, keyring_env: dict[str, str]) -> None:
    add_source("local", "--hosts", cassandra.host, "--keyspace", "system_auth")
    result = run_cli("check", "local")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "version   5.0." in result.stdout
    assert "cluster   cqlscope-local" in result.stdout
    assert "keyspace  system_auth exists" in result.stdout
    assert "127.0.0.1" in result.stdout and "up" in result.stdout
    report = json.loads(run_cli("check", "local", "--json").stdout)
    assert report["ok"] is True and report["release_version"].startswith("5.0.")
    assert any(node["address"] == "127.0.0.1" and node["up"] for node in report["nodes"])
    assert report["latency_ms"] > 0


def test_wrong_password_fails_with_an_authentication_message(
    cassandra: LocalNode, keyring_env: dict[str, str], scratch_role: tuple[str, str]
) -> None:
    role, _password = scratch_role
    add_source("badpw", "--hosts", cassandra.host, user=role, password="not-the-password")
    result = run_cli("check", "badpw")
    assert result.returncode == 1
    assert "Authentication failed" in result.stdout
    assert "Check the user and password" in result.stdout
    # The user name is not secret (the cassandra plugin keeps it in jsonData): the server's words keep it whole.
    assert f"username {role} and/or password are incorrect" in result.stdout
    assert "not-the-password" not in result.stdout


def test_no_credentials_says_the_server_requires_them(cassandra: LocalNode, keyring_env: dict[str, str]) -> None:
    assert run_cli("datasource", "add", "anon", "--hosts", cassandra.host).returncode == 0
    result = run_cli("check", "anon")
    assert result.returncode == 1
    assert "requires authentication but no user and password are configured" in result.stdout


def test_closed_port_fails_fast_with_unreachable(cassandra: LocalNode, keyring_env: dict[str, str]) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    add_source("closed", "--hosts", f"127.0.0.1:{port}", "--connect-timeout", "3")
    started = time.monotonic()
    result = run_cli("check", "closed")
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert f"127.0.0.1:{port} refused the connection" in result.stdout
    assert "Host unreachable" in result.stdout
    assert elapsed < 3 + 10, "fails within the connect timeout (plus interpreter start-up)"


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on loopback that accepts connections and never answers (a hung node)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_silent_host_times_out_after_the_connect_timeout(keyring_env: dict[str, str], silent_server: int) -> None:
    add_source("silent", "--hosts", f"127.0.0.1:{silent_server}", "--connect-timeout", "2")
    started = time.monotonic()
    result = run_cli("check", "silent")
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "did not answer within the connect timeout of 2 s" in result.stdout
    assert 2 <= elapsed < 20


def test_missing_keyspace_is_named(cassandra: LocalNode, keyring_env: dict[str, str], scratch_keyspace: str) -> None:
    add_source("nokeyspace", "--hosts", cassandra.host, "--keyspace", "no_such_keyspace")
    result = run_cli("check", "nokeyspace")
    assert result.returncode == 1
    assert "Keyspace 'no_such_keyspace' does not exist" in result.stdout
    assert scratch_keyspace in result.stdout, "the message lists the keyspaces that do exist"


def test_tls_with_the_right_ca_connects(cassandra: LocalNode, keyring_env: dict[str, str]) -> None:
    add_source("tls", "--hosts", cassandra.host, "--tls", "--tls-ca", str(cassandra.tls_dir / "ca.pem"),
               "--tls-cert", str(cassandra.tls_dir / "client.pem"), "--tls-key", str(cassandra.tls_dir / "client.key"))
    result = run_cli("check", "tls")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cluster   cqlscope-local" in result.stdout


def test_tls_with_another_ca_fails_with_a_tls_message(cassandra: LocalNode, keyring_env: dict[str, str]) -> None:
    add_source("tls-other", "--hosts", cassandra.host, "--tls", "--tls-ca", str(cassandra.tls_dir / "other-ca.pem"))
    result = run_cli("check", "tls-other")
    assert result.returncode == 1
    assert "TLS handshake failed" in result.stdout
    assert "could not be verified" in result.stdout and "CA file" in result.stdout


def test_explicit_protocol_version_connects(cassandra: LocalNode, keyring_env: dict[str, str]) -> None:
    add_source("v4", "--hosts", cassandra.host, "--protocol-version", "4")
    assert run_cli("check", "v4").returncode == 0


def test_password_reaches_no_file_log_or_error_text(
    cassandra: LocalNode, keyring_env: dict[str, str], scratch_role: tuple[str, str], config_dir: Path
) -> None:
    role, password = scratch_role
    wrong = "wrong-" + password
    outputs: list[str] = []
    add_source("leak", "--hosts", cassandra.host, user=role, password=password)
    for args in (("--debug", "check", "leak"), ("--debug", "check", "leak", "--json"),
                 ("datasource", "show", "leak"), ("datasource", "list", "--json")):
        result = run_cli(*args)
        outputs += [result.stdout, result.stderr]
    assert "OK      leak" in outputs[0]
    saved = run_cli("datasource", "set-secret", "leak", "password", "--stdin", stdin=wrong + "\n")
    outputs += [saved.stdout, saved.stderr]
    failed = run_cli("--debug", "check", "leak")
    outputs += [failed.stdout, failed.stderr]
    assert "Authentication failed" in failed.stdout
    assert any("DEBUG" in text for text in outputs), "debug logging was on"
    for text in outputs:
        assert password not in text and wrong not in text
    files = [p for p in config_dir.rglob("*") if p.is_file()]
    assert files, "the profile was written"
    for path in files:
        data = path.read_bytes()
        assert password.encode() not in data and wrong.encode() not in data, path
