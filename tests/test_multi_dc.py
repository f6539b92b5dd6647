"""Two datacenters, against the real cluster of node 5 (dc1) and node 6 (dc2): the local datacenter setting, host
pinning and "all hosts" across datacenters, deadlines of our own against a frozen node (SIGSTOP), and LOCAL_QUORUM
with dc2 stopped. Runs near the end (the `multi_dc` marker); node 6 is left stopped."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config.datasource import DataSource
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.cql.failures import FailureKind
from core.cql.health import check_health
from core.cql.schema import SchemaError, load_schema
from core.grafana.datemath import time_range
from core.query import service
from tests.support import LOCAL_CASSANDRA, RUN_DIR, LocalNode, run_cli

pytestmark = [pytest.mark.cassandra, pytest.mark.multi_dc]

KEYSPACE = "mdc_ks"
ROWS = 12
TABLE = f"{KEYSPACE}.rows"
# Our deadlines are the feature under test: a call that takes this long has hung.
HUNG_S = 30.0


@pytest.fixture(scope="module")
def mdc_table(two_dc_cluster: LocalNode) -> Iterator[str]:
    """A table with one replica in each datacenter ({'dc1': 1, 'dc2': 1}), written at ALL."""
    from cassandra import ConsistencyLevel
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster
    from cassandra.query import SimpleStatement

    cluster = Cluster([two_dc_cluster.host], auth_provider=PlainTextAuthProvider("cassandra", "cassandra"))
    session = cluster.connect()
    session.execute(f"CREATE KEYSPACE IF NOT EXISTS {KEYSPACE} WITH replication = "
                    "{'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}")
    session.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (p int, c int, v text, PRIMARY KEY (p, c))")
    cluster.control_connection.wait_for_schema_agreement(wait_time=30)
    insert = session.prepare(f"INSERT INTO {TABLE} (p, c, v) VALUES (?, ?, ?)")
    insert.consistency_level = ConsistencyLevel.ALL
    for n in range(ROWS):
        session.execute(insert, (n % 3, n, f"v{n}"))
    count = SimpleStatement(f"SELECT count(*) FROM {TABLE}", consistency_level=ConsistencyLevel.ALL)
    assert session.execute(count).one()[0] == ROWS
    cluster.shutdown()
    yield TABLE


@pytest.fixture
def workspace(config_dir: Path, memory_secrets: SecretStore, two_dc_cluster: LocalNode) -> Iterator[Workspace]:
    """Data sources on contact point 127.0.0.5 with each local datacenter, as the spare superuser (its login is
    read at LOCAL_ONE, so it works while a datacenter is down)."""
    ws = Workspace(config_dir, memory_secrets)
    ws.store.load()
    for name, local_dc in (("in-dc1", "dc1"), ("in-dc2", "dc2"), ("in-DC1", "DC1")):
        ws.store.add(DataSource(name=name, hosts=["127.0.0.5"], local_dc=local_dc, consistency="LOCAL_ONE",
                                request_timeout=5.0))
        ws.store.set_secret(name, "user", "cqlscope")
        ws.store.set_secret(name, "password", "cqlscope")
    yield ws
    ws.close()


def run(ws: Workspace, source: str, text: str, **request: Any) -> service.RunResult:
    """A query through the query service (prepare, route, run), as the CLI and the GUI send it."""
    req = service.QueryRequest(text, "cassandra", time_range("now-1h", "now"), **request)
    prepared = service.prepare(req)
    return service.run(ws, ws.store.get(source), prepared, service.route(prepared, req))


def test_the_local_datacenter_picks_the_coordinator(workspace: Workspace, mdc_table: str) -> None:
    for source, coordinator in (("in-dc2", "127.0.0.6"), ("in-dc1", "127.0.0.5")):
        for _ in range(3):  # not a lucky pick of a round robin
            result = run(workspace, source, f"SELECT * FROM {mdc_table}")
            assert result.ok, result.error_message
            assert result.outcome is not None and result.outcome.hosts == [coordinator], source
            assert result.rows == ROWS


def test_a_local_datacenter_the_cluster_lacks_lists_the_datacenters(workspace: Workspace, mdc_table: str) -> None:
    result = run(workspace, "in-DC1", f"SELECT * FROM {mdc_table}")
    assert not result.ok and result.error_kind == FailureKind.CONFIGURATION
    assert "The local datacenter 'DC1' is not a datacenter of this cluster" in result.error_message
    assert "The cluster's datacenters: dc1, dc2" in result.error_message
    assert "Set the local datacenter to one of them" in result.error_message
    report = check_health(workspace, workspace.store.get("in-DC1"))
    assert report.failure is not None and report.failure.kind == FailureKind.CONFIGURATION
    assert "dc1, dc2" in report.failure.message


def test_a_query_pinned_to_the_other_datacenter_runs_there(workspace: Workspace, mdc_table: str) -> None:
    for source in ("in-dc1", "in-dc2"):
        for node in ("127.0.0.6", "127.0.0.5"):
            result = run(workspace, source, f"SELECT * FROM {mdc_table} WHERE p = 1", host=node)
            assert result.ok, result.error_message
            assert result.outcome is not None and result.outcome.hosts == [node], (source, node)
            assert result.rows == ROWS // 3


def test_all_hosts_spans_both_datacenters_from_the_cli(two_dc_cluster: LocalNode, mdc_table: str,
                                                       secret_service_env: dict[str, str]) -> None:
    added = run_cli("datasource", "add", "two-dcs", "--hosts", "127.0.0.5", "--local-dc", "dc1")
    assert added.returncode == 0, added.stderr
    for field in ("user", "password"):
        assert run_cli("datasource", "set-secret", "two-dcs", field, "--stdin", stdin="cqlscope\n").returncode == 0
    result = run_cli("query", "two-dcs", "--all-hosts", "--format", "json", f"SELECT p, c FROM {mdc_table} WHERE p = 2")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    by_node: dict[str, set[int]] = {}
    for row in rows:
        by_node.setdefault(row["_host"], set()).add(row["c"])
    expected = {n for n in range(ROWS) if n % 3 == 2}
    assert by_node == {"127.0.0.5": expected, "127.0.0.6": expected}
    assert "Skipped" not in result.stderr


# -- a frozen node (SIGSTOP): our own deadlines -------------------------------------------------------------------


def node_pid(node: int) -> int:
    return int((RUN_DIR / f"node{node}" / "cassandra.pid").read_text().strip())


@pytest.fixture
def frozen_node6(two_dc_cluster: LocalNode, mdc_table: str) -> Iterator[int]:
    """Node 6 frozen with SIGSTOP for the test, and resumed with SIGCONT afterwards."""
    pid = node_pid(6)
    os.kill(pid, signal.SIGSTOP)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGCONT)


def test_health_check_and_schema_load_end_when_the_contact_point_is_frozen(
        config_dir: Path, memory_secrets: SecretStore, frozen_node6: int) -> None:
    ws = Workspace(config_dir, memory_secrets)
    ws.store.load()
    ds = ws.store.add(DataSource(name="frozen", hosts=["127.0.0.6"], connect_timeout=2.0, request_timeout=2.0))
    ws.store.set_secret("frozen", "user", "cqlscope")
    ws.store.set_secret("frozen", "password", "cqlscope")
    try:
        started = time.monotonic()
        report = check_health(ws, ds)
        checked = time.monotonic() - started
        assert report.failure is not None and report.failure.kind == FailureKind.TIMEOUT, report.failure
        assert "127.0.0.6" in report.failure.message
        started = time.monotonic()
        with pytest.raises(SchemaError) as caught:
            load_schema(ws, ds)
        loaded = time.monotonic() - started
        assert "127.0.0.6" in caught.value.message and "Timed out" in caught.value.title
        print(f"frozen contact point: health check failed after {checked:.1f} s, schema load after {loaded:.1f} s")
        assert checked < HUNG_S and loaded < HUNG_S
    finally:
        ws.close()


def test_a_query_pinned_to_a_frozen_node_fails_within_the_connect_timeout(workspace: Workspace,
                                                                         frozen_node6: int) -> None:
    ds = workspace.store.get("in-dc1")
    workspace.store.update(ds.copy(connect_timeout=2.0))
    result = run(workspace, "in-dc1", f"SELECT * FROM {TABLE} WHERE p = 0", host="127.0.0.6")
    assert result.error_kind in (FailureKind.TIMEOUT, FailureKind.UNREACHABLE), result.error_message
    assert "127.0.0.6" in result.error_message
    assert "scope or load balancing" not in result.error_message


# -- dc2 stopped (cleanly) for the rest of the session -------------------------------------------------------


@pytest.fixture(scope="class")
def dc2_down(two_dc_cluster: LocalNode, mdc_table: str) -> None:
    """Node 6, all of dc2, stopped for the rest of the session: this class is the module's last, the module runs
    after every other test that uses nodes 5 and 6, and the next session's `two_dc_cluster` starts node 6 again
    (restarting it here cost half a minute of the suite)."""
    import subprocess

    stopped = subprocess.run([str(LOCAL_CASSANDRA), "stop", "--node", "6"], capture_output=True, text=True,
                             timeout=600)
    assert stopped.returncode == 0, stopped.stderr


@pytest.mark.usefixtures("dc2_down")
class TestWithDc2Down:
    def test_local_quorum_in_dc1_still_reads(self, workspace: Workspace) -> None:
        result = run(workspace, "in-dc1", f"SELECT * FROM {TABLE}", consistency="LOCAL_QUORUM")
        assert result.ok, result.error_message
        assert result.rows == ROWS and result.outcome is not None and result.outcome.hosts == ["127.0.0.5"]

    def test_quorum_needs_the_other_datacenter(self, workspace: Workspace) -> None:
        result = run(workspace, "in-dc1", f"SELECT * FROM {TABLE} WHERE p = 1", consistency="QUORUM")
        assert result.error_kind == FailureKind.UNAVAILABLE, result.error_message
        assert "Not enough replicas are up for consistency QUORUM: 1 of the 2 required is alive" \
            in result.error_message
        assert "run the query at a lower consistency" in result.error_message

    def test_a_local_datacenter_that_is_down_says_so(self, workspace: Workspace) -> None:
        result = run(workspace, "in-dc2", f"SELECT * FROM {TABLE}")
        assert result.error_kind == FailureKind.UNREACHABLE, result.error_message
        message = result.error_message
        assert "Every node of the local datacenter 'dc2' is down (127.0.0.6)" in message
        assert "Bring a node of 'dc2' back up, or set the local datacenter to one whose nodes are up (dc1)" in message
        assert "NoHostAvailable" not in message
