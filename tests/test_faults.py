"""Faults of node 2 of the real two-node cluster during paged queries and between them: SIGSTOP (a hung
node) and SIGCONT, kill -9 and a restart. Every wait ends within its own deadline, cancel returns at once,
and "all hosts" skips a node that does not answer. These tests run last (conftest orders the `faults`
marker after everything else) and leave node 2 running."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config.datasource import DataSource
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.cql.execution import CancelToken, QueryError, RunOptions, run_query
from core.cql.failures import FailureKind
from tests.support import RUN_DIR, LocalNode

pytestmark = [pytest.mark.cassandra, pytest.mark.faults]

ROWS = 20_000
TIMEOUT_S = 3.0
# A deadline is the feature under test: a wait that takes this long has hung (the driver alone took 87 s).
HUNG_S = 30.0


def node2_pid() -> int:
    return int((RUN_DIR / "node2" / "cassandra.pid").read_text().strip())


@pytest.fixture(scope="module")
def fault_table(two_node_cluster: LocalNode, admin_session: Any) -> str:
    """A table of 20,000 rows replicated on both nodes (RF 2), written at ALL."""
    from cassandra import ConsistencyLevel
    from cassandra.concurrent import execute_concurrent_with_args
    from cassandra.query import SimpleStatement

    admin_session.execute("CREATE KEYSPACE IF NOT EXISTS faults_ks WITH replication = "
                          "{'class': 'SimpleStrategy', 'replication_factor': 2}")
    admin_session.execute("CREATE TABLE IF NOT EXISTS faults_ks.rows (p int, c int, v text, PRIMARY KEY (p, c))")
    count = admin_session.execute("SELECT count(*) FROM faults_ks.rows", timeout=60).one()[0]
    if count != ROWS:
        # Node 2 may have just been restarted by an earlier fault test: its schema can lag for a while
        # (INCOMPATIBLE_SCHEMA), so the load is retried until both replicas take the writes.
        for attempt in range(30):
            admin_session.cluster.control_connection.wait_for_schema_agreement(wait_time=30)
            try:
                insert = admin_session.prepare("INSERT INTO faults_ks.rows (p, c, v) VALUES (?, ?, ?)")
                insert.consistency_level = ConsistencyLevel.ALL
                execute_concurrent_with_args(admin_session, insert, [(n % 50, n, f"v{n}") for n in range(ROWS)],
                                             concurrency=64)
                break
            except Exception:
                if attempt == 29:
                    raise
                time.sleep(2)
    assert admin_session.execute(SimpleStatement("SELECT count(*) FROM faults_ks.rows",
                                                 consistency_level=ConsistencyLevel.ALL), timeout=60).one()[0] == ROWS
    return "faults_ks.rows"


@pytest.fixture
def workspace(config_dir: Path, memory_secrets: SecretStore, two_node_cluster: LocalNode) -> Iterator[Workspace]:
    ws = Workspace(config_dir, memory_secrets)
    ws.store.load()
    ws.store.add(DataSource(name="f", hosts=["127.0.0.1"], consistency="ONE", request_timeout=TIMEOUT_S))
    # The spare superuser: the default one is read at QUORUM, which fails with a node down.
    ws.store.set_secret("f", "user", "cqlscope")
    ws.store.set_secret("f", "password", "cqlscope")
    yield ws
    ws.close()


@pytest.fixture
def stopped_node2(two_node_cluster: LocalNode) -> Iterator[int]:
    """Node 2 frozen with SIGSTOP for the test, and resumed with SIGCONT afterwards."""
    pid = node2_pid()
    yield pid
    os.kill(pid, signal.SIGCONT)


def freeze_after_first_page(pid: int) -> Any:
    """A progress callback that SIGSTOPs node 2 once the first page arrived (a fault mid-query)."""
    def progress(rows: int, pages: int, _elapsed: float) -> None:
        if pages == 1:
            os.kill(pid, signal.SIGSTOP)

    return progress


def test_a_hung_node_mid_query_ends_within_the_timeout(workspace: Workspace, fault_table: str,
                                                       stopped_node2: int) -> None:
    ds = workspace.store.get("f")
    started = time.monotonic()
    with pytest.raises(QueryError) as caught:
        run_query(workspace, ds, f"SELECT * FROM {fault_table}", RunOptions(host="127.0.0.2", fetch_size=500),
                  progress=freeze_after_first_page(stopped_node2))
    elapsed = time.monotonic() - started
    print(f"SIGSTOP of the pinned node mid-query: error after {elapsed:.1f} s")
    assert caught.value.failure.kind == FailureKind.TIMEOUT
    assert "127.0.0.2" in caught.value.failure.message and f"{TIMEOUT_S:g} s" in caught.value.failure.message
    assert elapsed < HUNG_S


def test_cancel_returns_at_once_while_a_page_hangs(workspace: Workspace, fault_table: str,
                                                   stopped_node2: int) -> None:
    ds = workspace.store.get("f")
    cancel = CancelToken()
    outcome: list[Any] = []
    frozen = threading.Event()
    freeze = freeze_after_first_page(stopped_node2)

    def progress(rows: int, pages: int, elapsed: float) -> None:
        freeze(rows, pages, elapsed)
        if pages == 1:
            frozen.set()

    def run() -> None:
        outcome.append(run_query(workspace, ds, f"SELECT * FROM {fault_table}",
                                 RunOptions(host="127.0.0.2", fetch_size=500, timeout=600), cancel=cancel,
                                 progress=progress))

    worker = threading.Thread(target=run)
    worker.start()
    assert frozen.wait(HUNG_S), "the first page arrived"
    time.sleep(0.5)  # node 2 is frozen: the second page hangs
    asked = time.monotonic()
    cancel.cancel()
    worker.join(HUNG_S)
    print(f"cancel while a page hangs: returned after {time.monotonic() - asked:.2f} s")
    assert not worker.is_alive() and outcome and outcome[0].cancelled
    assert 0 < outcome[0].row_count < ROWS


def test_all_hosts_skips_a_hung_node_with_a_warning(workspace: Workspace, fault_table: str,
                                                    stopped_node2: int) -> None:
    os.kill(stopped_node2, signal.SIGSTOP)
    started = time.monotonic()
    outcome = run_query(workspace, workspace.store.get("f"), f"SELECT * FROM {fault_table} WHERE p = 7",
                        RunOptions(all_hosts=True))
    print(f"all hosts with node 2 frozen: {time.monotonic() - started:.1f} s")
    assert outcome.row_count == ROWS // 50
    assert {row for row in outcome.frame.fields[-1].values} == {"127.0.0.1"}
    assert any("Skipped 127.0.0.2" in warning for warning in outcome.warnings)


# gocql's startupCoordinator, when a connection opens but OPTIONS gets no answer within ConnectTimeout (11 s).
STARTUP_TIMEOUT = ("gocql: unable to create session: unable to discover protocol version: gocql: no response to "
                   "connection startup within timeout")


def test_the_scylla_plugin_gives_up_on_a_hung_node_after_gocqls_connect_timeout(stopped_node2: int) -> None:
    """The panel shows no frames and Grafana's log holds gocql's words, after 11 s, as the released plugin does."""
    from core.grafana.plugins import PluginRequest, instance_for

    os.kill(stopped_node2, signal.SIGSTOP)
    instance = instance_for("scylladb-scylla-datasource", {
        "jsonData": {"host": "127.0.0.2"}, "secureJsonData": {"user": "cqlscope", "password": "cqlscope"}})
    started = time.monotonic()
    try:
        answer = instance.query(PluginRequest(target={"queryText": "SELECT key FROM system.local", "queryHost": "",
                                                      "allHosts": False}, from_ms=0, to_ms=1))
        elapsed = time.monotonic() - started
    finally:
        instance.close()
    print(f"ScyllaDB plugin, data source host frozen: no frames after {elapsed:.1f} s")
    assert answer == {"results": {"A": {"status": 200, "frames": []}}}
    assert instance.log == [f"WARN Failed getting session err={STARTUP_TIMEOUT} host="]
    assert 10.5 < elapsed < HUNG_S


def test_the_cassandra_plugin_gives_up_on_a_hung_node_after_gocqls_connect_timeout(stopped_node2: int) -> None:
    from core.grafana.plugins import PluginRequest, instance_for

    os.kill(stopped_node2, signal.SIGSTOP)
    instance = instance_for("hadesarchitect-cassandra-datasource", {
        "url": "127.0.0.2:9042", "jsonData": {"user": "cqlscope", "consistency": "ONE"},
        "secureJsonData": {"password": "cqlscope"}})
    started = time.monotonic()
    try:
        answer = instance.query(PluginRequest(target={"queryType": "query", "rawQuery": True,
                                                      "target": "SELECT key FROM system.local"}, from_ms=0, to_ms=1))
        elapsed = time.monotonic() - started
    finally:
        instance.close()
    print(f"Cassandra plugin, its only host frozen: an error after {elapsed:.1f} s")
    refused = "Failed to create Cassandra connection, check Grafana logs for more details"
    assert answer == {"error": f"failed to get plugin instance: instanceManager.Get: {refused}"}
    assert instance.log == [f"ERROR Failed to create Cassandra connection Message=cluster.CreateSession: "
                            f"{STARTUP_TIMEOUT}",
                            f"ERROR Failed to get plugin instance Message=instanceManager.Get: {refused}"]
    assert 10.5 < elapsed < HUNG_S


def test_queries_work_again_after_sigcont(workspace: Workspace, fault_table: str, stopped_node2: int) -> None:
    os.kill(stopped_node2, signal.SIGSTOP)
    time.sleep(1)
    os.kill(stopped_node2, signal.SIGCONT)
    outcome = run_query(workspace, workspace.store.get("f"), f"SELECT * FROM {fault_table} WHERE p = 3",
                        RunOptions(host="127.0.0.2"))
    assert outcome.row_count == ROWS // 50 and outcome.hosts == ["127.0.0.2"]


def test_kill_9_mid_query_then_restart(workspace: Workspace, fault_table: str, two_node_cluster: LocalNode) -> None:
    from tests.conftest import _start_node

    pid = node2_pid()
    ds = workspace.store.get("f")

    def kill(rows: int, pages: int, _elapsed: float) -> None:
        if pages == 1:
            os.kill(pid, signal.SIGKILL)

    started = time.monotonic()
    try:
        outcome = run_query(workspace, ds, f"SELECT * FROM {fault_table}", RunOptions(fetch_size=500),
                            progress=kill)
        print(f"kill -9 mid-query: complete after {time.monotonic() - started:.1f} s")
        assert outcome.row_count == ROWS, "RF 2 at ONE: the other replica answers the remaining pages"
    except QueryError as exc:
        print(f"kill -9 mid-query: {exc.failure.kind} after {time.monotonic() - started:.1f} s")
        assert exc.failure.kind in (FailureKind.TIMEOUT, FailureKind.UNAVAILABLE, FailureKind.UNREACHABLE)
    finally:
        _start_node(2)
    restarted = run_query(workspace, ds, f"SELECT * FROM {fault_table} WHERE p = 1", RunOptions(all_hosts=True))
    assert restarted.row_count in (ROWS // 50, 2 * ROWS // 50)
