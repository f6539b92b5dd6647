"""scripts/local-cassandra: idempotent start, status, the two-node cluster and TLS material."""

from __future__ import annotations

import importlib.machinery
import json
import os
import ssl
import subprocess
import time
from pathlib import Path
from types import ModuleType

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


# -- datacenters and seeds (--dc, --seed): argument handling and the generated configuration, no JVM --------------


def load_script(run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The script as a module, with its run directory pointed at `run_dir`."""
    loader = importlib.machinery.SourceFileLoader("local_cassandra_under_test", str(LOCAL_CASSANDRA))
    module = ModuleType(loader.name)
    module.__file__ = str(LOCAL_CASSANDRA)
    loader.exec_module(module)
    monkeypatch.setattr(module, "RUN", run_dir)
    return module


def fake_node(run_dir: Path, node: int, settings: dict[str, object] | None, data: bool = True) -> None:
    """A node directory as a former start left it: settings.json and, when `data`, a non-empty data folder."""
    base = run_dir / f"node{node}"
    (base / "data" / "system").mkdir(parents=True)
    if not data:
        (base / "data" / "system").rmdir()
    if settings is not None:
        (base / "settings.json").write_text(json.dumps(settings))


def script_in(run_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CQLSCOPE_CASSANDRA_RUN": str(run_dir)}
    return subprocess.run([str(LOCAL_CASSANDRA), *args], capture_output=True, text=True, timeout=60, env=env)


def test_a_node_joins_the_cluster_of_its_seed_in_its_datacenter(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    lc = load_script(tmp_path, monkeypatch)
    conf = lc.write_config(6, False, "dc2", 5)
    yaml = (conf / "cassandra.yaml").read_text()
    assert "cluster_name: cqlscope-local-5\n" in yaml
    assert 'seeds: "127.0.0.5:7000"' in yaml and "listen_address: 127.0.0.6\n" in yaml
    assert (conf / "cassandra-rackdc.properties").read_text() == "dc=dc2\nrack=rack1\n"
    assert json.loads((tmp_path / "node6" / "settings.json").read_text()) == {
        "tls": False, "version": lc.CASSANDRA_VERSION, "dc": "dc2", "seed": 5}


def test_the_defaults_keep_the_existing_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lc = load_script(tmp_path, monkeypatch)
    yaml = lc.cassandra_yaml(2, False)
    assert "cluster_name: cqlscope-local\n" in yaml and 'seeds: "127.0.0.1:7000"' in yaml
    assert lc.placement(3, None, None) == ("datacenter1", 1)
    # A run directory from before --dc existed: its settings have neither, so the defaults hold.
    fake_node(tmp_path, 2, {"tls": True, "version": "5.0.9"})
    assert lc.placement(2, None, None) == ("datacenter1", 1)
    assert lc.placement(2, "datacenter1", 1) == ("datacenter1", 1)


def test_a_node_with_data_keeps_its_datacenter_and_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lc = load_script(tmp_path, monkeypatch)
    fake_node(tmp_path, 6, {"tls": False, "version": "5.0.9", "dc": "dc2", "seed": 5})
    assert lc.placement(6, None, None) == ("dc2", 5)  # a restart without the options keeps them
    with pytest.raises(lc.LocalCassandraError, match=r"already has data in datacenter 'dc2'.*Start it with --dc dc2"):
        lc.placement(6, "dc1", None)
    with pytest.raises(lc.LocalCassandraError, match=r"seed is node 5.*Start it with --seed 5"):
        lc.placement(6, None, 1)
    # A node without data yet can take any datacenter.
    fake_node(tmp_path, 7, {"tls": False, "version": "5.0.9", "dc": "dc2", "seed": 5}, data=False)
    assert lc.placement(7, "dc3", 5) == ("dc3", 5)


def test_system_auth_is_replicated_to_every_datacenter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lc = load_script(tmp_path, monkeypatch)
    fake_node(tmp_path, 1, {"dc": "datacenter1", "seed": 1})
    fake_node(tmp_path, 2, {"dc": "datacenter1", "seed": 1})
    fake_node(tmp_path, 5, {"dc": "dc1", "seed": 5})
    fake_node(tmp_path, 6, {"dc": "dc2", "seed": 5})
    monkeypatch.setattr(lc, "running_pid", lambda node: 1000 + node)
    assert lc.cluster_nodes(5) == [5, 6] and lc.cluster_nodes(1) == [1, 2]
    assert lc.auth_replication(5) == "{'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}"
    assert lc.auth_replication(1) == "{'class': 'NetworkTopologyStrategy', 'datacenter1': 2}"


def test_dc_and_seed_arguments_are_checked_before_anything_starts(tmp_path: Path) -> None:
    fake_node(tmp_path, 6, {"tls": False, "version": "5.0.9", "dc": "dc2", "seed": 5})
    moved = script_in(tmp_path, "start", "--node", "6", "--dc", "dc1", "--seed", "5")
    assert moved.returncode == 1 and "Cassandra refuses to start a node in another datacenter" in moved.stderr
    assert "Traceback" not in moved.stderr
    bad_seed = script_in(tmp_path, "start", "--node", "6", "--seed", "12")
    assert bad_seed.returncode == 1 and "--seed must be between 1 and 9" in bad_seed.stderr
    bad_dc = script_in(tmp_path, "start", "--node", "7", "--dc", "dc 2")
    assert bad_dc.returncode == 1 and "a datacenter name is letters, digits" in bad_dc.stderr
    assert not (tmp_path / "node5").exists(), "nothing was started"


def test_status_shows_each_nodes_datacenter(tmp_path: Path) -> None:
    fake_node(tmp_path, 1, {"dc": "datacenter1", "seed": 1})
    fake_node(tmp_path, 5, {"dc": "dc1", "seed": 5})
    fake_node(tmp_path, 6, {"dc": "dc2", "seed": 5})
    everything = script_in(tmp_path, "status")
    assert everything.returncode == 3
    assert everything.stdout.splitlines() == ["node 1: stopped (dc datacenter1)", "node 5: stopped (dc dc1)",
                                              "node 6: stopped (dc dc2)"]
    one_cluster = script_in(tmp_path, "status", "--seed", "5")
    assert one_cluster.stdout.splitlines() == ["node 5: stopped (dc dc1)", "node 6: stopped (dc dc2)"]
