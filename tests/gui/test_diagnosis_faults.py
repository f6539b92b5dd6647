"""Real failures of the local two-node cluster named for what they are: a frozen node 2 times out by name,
and with node 2 stopped (once, for the whole module) a QUORUM/ALL read is "Not enough replicas", the default
superuser's login and permission checks blame the down node (not the credentials or a grant), in the core
and in the window's banner. Node 2 is started again at the end; these tests run with the other fault tests."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from core.config.datasource import DataSource
from core.config.saved_queries import QueryTabState
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.cql.execution import QueryError, RunOptions, run_query
from core.cql.failures import FailureKind
from core.cql.health import HealthReport, check_health
from gui.common.banner import BannerKind
from tests.gui.conftest import OpenWindow
from tests.gui.driving import save_and_wait_for_check
from tests.support import RUN_DIR, LocalNode

pytestmark = [pytest.mark.cassandra, pytest.mark.faults, pytest.mark.gui]

LOOKUP = "SELECT k, v FROM diag_ks.t WHERE k = 1"
AUTH_RF = {"class": "org.apache.cassandra.locator.NetworkTopologyStrategy", "datacenter1": "2"}
DEADLINE_S = 90.0  # waits for the cluster to notice; each ends by itself well before the test timeout


def node2_pid() -> int:
    return int((RUN_DIR / "node2" / "cassandra.pid").read_text().strip())


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}", pytrace=False)
        time.sleep(0.25)


@pytest.fixture(scope="module")
def diag_table(two_node_cluster: LocalNode, admin_session: Any) -> Iterator[str]:
    """diag_ks.t (RF 2, written at ALL), and system_auth at RF 2 so that the superuser's login needs node 2."""
    from cassandra import ConsistencyLevel
    from cassandra.query import SimpleStatement

    auth = admin_session.execute("SELECT replication FROM system_schema.keyspaces "
                                 "WHERE keyspace_name = 'system_auth'").one()[0]
    before = dict(auth)
    if before != AUTH_RF:
        admin_session.execute("ALTER KEYSPACE system_auth WITH replication = "
                              "{'class': 'NetworkTopologyStrategy', 'datacenter1': 2}")
    admin_session.execute("CREATE KEYSPACE IF NOT EXISTS diag_ks WITH replication = "
                          "{'class': 'SimpleStrategy', 'replication_factor': 2}")
    admin_session.execute("CREATE TABLE IF NOT EXISTS diag_ks.t (k int PRIMARY KEY, v text)")
    admin_session.cluster.control_connection.wait_for_schema_agreement(wait_time=60)
    for k in (1, 2, 3):
        admin_session.execute(SimpleStatement(f"INSERT INTO diag_ks.t (k, v) VALUES ({k}, 'v{k}')",
                                              consistency_level=ConsistencyLevel.ALL))
    yield "diag_ks.t"
    if before != AUTH_RF:
        options = ", ".join(f"'{key.rsplit('.', 1)[-1]}': '{value}'" for key, value in before.items())
        admin_session.execute(f"ALTER KEYSPACE system_auth WITH replication = {{{options}}}")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, diag_table: str) -> Iterator[Workspace]:
    """Data sources as the default superuser and as the spare one (whose login reads at LOCAL_ONE)."""
    from tests.support import MemoryKeyring

    ws = Workspace(tmp_path_factory.mktemp("diag-config"), SecretStore(MemoryKeyring()))
    ws.store.load()
    for name, user in (("su", "cassandra"), ("spare", "cqlscope")):
        ws.store.add(DataSource(name=name, hosts=["127.0.0.1"], consistency="ONE", request_timeout=2.0))
        ws.store.set_secret(name, "user", user)
        ws.store.set_secret(name, "password", user)
    for name in ("su", "spare"):  # sessions opened while every node is up, each connected to node 2 too
        run_query(ws, ws.store.get(name), LOOKUP)
        session = ws.sessions.session(ws.store.get(name))
        # The driver opens its pool to the second node in the background: a node frozen before that connection
        # is up gives "No connection … within 5 s" (the connect timeout), not the request timeout tested here.
        wait_until(lambda session=session: _connected_to(session, "127.0.0.2"), f"{name}'s connection to node 2")
    yield ws
    ws.close()


def _connected_to(session: Any, address: str) -> bool:
    return any(host.address == address and state["open_count"] > 0 for host, state in
               session.get_pool_state().items())


def test_a_frozen_node_times_out_by_name_without_limit_advice(workspace: Workspace) -> None:
    pid = node2_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        with pytest.raises(QueryError) as caught:
            run_query(workspace, workspace.store.get("spare"), LOOKUP, RunOptions(host="127.0.0.2"))
    finally:
        os.kill(pid, signal.SIGCONT)
    failure = caught.value.failure
    assert failure.kind == FailureKind.TIMEOUT and failure.title == "Timed out"
    assert "No answer from 127.0.0.2 within the request timeout of 2 s at consistency ONE" in failure.message
    assert "LIMIT" not in failure.message


@pytest.fixture(scope="module")
def node2_stopped(workspace: Workspace) -> Iterator[None]:
    """Node 2 stopped (SIGTERM, as a clean shutdown) until the module ends, then started again."""
    from tests.conftest import _start_node

    pid = node2_pid()
    os.kill(pid, signal.SIGTERM)
    try:
        wait_until(lambda: not _alive(pid), "node 2 to stop")
        for name in ("su", "spare"):
            cluster = workspace.sessions.session(workspace.store.get(name)).cluster
            wait_until(lambda cluster=cluster: _sees_down(cluster), "the driver to see node 2 down")
        time.sleep(2.5)  # Cassandra's role, permission and credentials caches hold entries for 2 s
        yield
    finally:
        _start_node(2)


@pytest.mark.usefixtures("node2_stopped")
def test_pinning_a_node_that_is_down_names_it_and_the_known_nodes(workspace: Workspace) -> None:
    ds = workspace.store.get("spare")
    with pytest.raises(QueryError) as down:
        run_query(workspace, ds, "SELECT key FROM system.local", RunOptions(host="127.0.0.2"))
    assert "Host 127.0.0.2 is down" in down.value.message
    assert "127.0.0.1 (up), 127.0.0.2 (down)" in down.value.message
    partial = run_query(workspace, ds, "SELECT broadcast_address FROM system.local", RunOptions(all_hosts=True))
    assert partial.frame.field("_host").values == ["127.0.0.1"]
    assert any("127.0.0.2" in w for w in partial.warnings)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _sees_down(cluster: Any) -> bool:
    return any(host.address == "127.0.0.2" and host.is_up is False for host in cluster.metadata.all_hosts())


@pytest.mark.usefixtures("node2_stopped")
@pytest.mark.parametrize("consistency", ["QUORUM", "ALL"])
def test_unavailable_names_consistency_counts_and_the_down_node(workspace: Workspace, consistency: str) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(workspace, workspace.store.get("spare"), LOOKUP, RunOptions(consistency=consistency))
    failure = caught.value.failure
    assert failure.kind == FailureKind.UNAVAILABLE and failure.title == "Not enough replicas"
    assert f"consistency {consistency}: 1 of the 2 required is alive" in failure.message
    assert "coordinator 127.0.0.1" in failure.message and "down: 127.0.0.2" in failure.message


def _health_until_checked(workspace: Workspace, name: str) -> HealthReport:
    """The health check of a fresh data source (no cached session); repeated while a warm server cache
    still lets the login through."""
    for attempt in range(10):
        fresh = f"{name}-{attempt}"
        source = workspace.store.get(name)
        workspace.store.add(source.copy(name=fresh, uid=f"{source.uid}-{attempt}"))
        user = "cassandra" if name == "su" else "cqlscope"
        workspace.store.set_secret(fresh, "user", user)
        workspace.store.set_secret(fresh, "password", user)
        report = check_health(workspace, workspace.store.get(fresh))
        if not report.ok or name == "spare":
            return report
        time.sleep(1)
    return report


@pytest.mark.usefixtures("node2_stopped")
def test_the_default_superusers_login_blames_the_down_node(workspace: Workspace) -> None:
    report = _health_until_checked(workspace, "su")
    assert report.failure is not None
    assert report.failure.kind == FailureKind.AUTH_UNAVAILABLE
    assert report.failure.title == "Login not checked: not enough replicas"
    message = report.failure.message
    assert "could not check the login of 'cassandra'" in message and "a node is down" in message
    assert "Cannot achieve consistency level QUORUM" in message and "LOCAL_ONE" in message
    assert "Check the user and password" not in message


@pytest.mark.usefixtures("node2_stopped")
def test_the_advised_role_logs_in_while_the_node_is_down(workspace: Workspace) -> None:
    report = _health_until_checked(workspace, "spare")
    assert report.ok, report.summary()
    assert [(node.address, node.up) for node in report.nodes] == [("127.0.0.1", True), ("127.0.0.2", False)]


@pytest.mark.usefixtures("node2_stopped")
def test_the_superusers_query_is_not_told_to_grant_access(workspace: Workspace) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(workspace, workspace.store.get("su"), LOOKUP)
    failure = caught.value.failure
    assert failure.kind == FailureKind.AUTH_UNAVAILABLE, failure.message
    assert "could not check the permissions of 'cassandra'" in failure.message
    assert "Grant the role access" not in failure.message


@pytest.mark.usefixtures("node2_stopped")
def test_save_and_test_and_a_query_banner_name_the_cause(
        qtbot: QtBot, open_window: OpenWindow, config_dir: Path, memory_secrets: SecretStore) -> None:
    gui_workspace = Workspace(config_dir, memory_secrets)
    gui_workspace.store.load()
    for name, user in (("gui-su", "cassandra"), ("gui-spare", "cqlscope")):
        gui_workspace.store.add(DataSource(name=name, uid=name, hosts=["127.0.0.1"], consistency="ONE"))
        gui_workspace.store.set_secret(name, "user", user)
        gui_workspace.store.set_secret(name, "password", user)
    window = open_window(gui_workspace)
    assert window.select_datasource("gui-su")
    save_and_wait_for_check(qtbot, window)
    assert window.banner.kind == BannerKind.ERROR
    assert window.banner.title() == "Login not checked: not enough replicas — 'gui-su'"
    assert "a node is down" in window.banner.plain_text() and "Check the user" not in window.banner.plain_text()

    assert window.select_datasource("gui-spare")
    qtbot.waitUntil(lambda: window.query_area.uid == "gui-spare")
    tab = window.query_area.add_tab(QueryTabState(title="quorum", text=LOOKUP, consistency="QUORUM"))
    assert tab is not None
    with qtbot.waitSignal(tab.finished, timeout=60_000) as run:
        tab.run()
    assert not run.args[0].ok
    assert window.banner.kind == BannerKind.ERROR and window.banner.title() == "Not enough replicas"
    assert "consistency QUORUM: 1 of the 2 required is alive" in window.banner.plain_text()
    gui_workspace.close()
