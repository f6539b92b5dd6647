"""Deadlines of our own (core.cql.deadline) around driver calls that hang: the call returns with a classified
TIMEOUT while the driver call is still blocked, and the abandoned work is cleaned up when it ends. The driver
call is made to hang by blocking it on an Event; no server is needed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from core.config.datasource import DataSource
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.cql import health
from core.cql.deadline import DeadlineExceeded, call_within
from core.cql.execution import QueryError, run_query
from core.cql.failures import FailureKind, connect_failure
from core.cql.health import check_health
from core.cql.localdc import pool_failure
from core.cql.schema import SchemaError, load_schema
from core.cql.sessions import connect_deadline

WAIT_S = 30.0  # how long a test waits for something that should happen at once; never reached when it works


def test_a_call_that_ends_in_time_gives_its_result_or_its_error() -> None:
    cleaned: list[str] = []
    assert call_within(5, lambda: 42, what="x", advice="", cleanup=lambda: cleaned.append("x")) == 42

    def fail() -> None:
        raise KeyError("from the driver")

    with pytest.raises(KeyError, match="from the driver"):
        call_within(5, fail, what="x", advice="", cleanup=lambda: cleaned.append("x"))
    assert cleaned == [], "cleanup is for abandoned calls only"


def test_a_hung_call_is_abandoned_and_cleaned_up_when_it_ends() -> None:
    release = threading.Event()
    cleaned = threading.Event()
    with pytest.raises(DeadlineExceeded) as caught:
        call_within(0.2, lambda: release.wait(), what="10.0.0.9:9042 (connecting)", advice="Check the node.",
                    cleanup=cleaned.set)
    assert not release.is_set(), "returned while the call was still blocked"
    failure = caught.value.failure
    assert failure.kind == FailureKind.TIMEOUT
    assert failure.message == "No answer from 10.0.0.9:9042 (connecting) within 0.2 s. Check the node."
    assert not cleaned.is_set(), "the abandoned call is still running: nothing to clean up yet"
    release.set()
    assert cleaned.wait(WAIT_S), "cleanup ran once the abandoned call ended"


def test_an_abandoned_call_that_fails_later_is_cleaned_up_too() -> None:
    release = threading.Event()
    cleaned = threading.Event()

    def hang_then_fail() -> None:
        release.wait()
        raise OSError("late")

    with pytest.raises(DeadlineExceeded):
        call_within(0.1, hang_then_fail, what="x", advice="", cleanup=cleaned.set)
    release.set()
    assert cleaned.wait(WAIT_S)


# -- the places that use it -------------------------------------------------------------------------------------


@pytest.fixture
def hung_connect(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list[Any]]]:
    """The driver's Cluster.connect blocks until the event is set (then fails, as a lost node would); every
    Cluster.shutdown is recorded. The event is set at the end so no thread is left blocked."""
    from cassandra.cluster import Cluster, NoHostAvailable

    release = threading.Event()
    shut: list[Any] = []
    original_shutdown = Cluster.shutdown

    def connect(self: Any, *args: Any, **kwargs: Any) -> Any:
        release.wait()
        raise NoHostAvailable("Unable to connect to any servers", {})

    def shutdown(self: Any) -> None:
        shut.append(self)
        original_shutdown(self)

    monkeypatch.setattr(Cluster, "connect", connect)
    monkeypatch.setattr(Cluster, "shutdown", shutdown)
    yield release, shut
    release.set()


@pytest.fixture
def workspace(config_dir: Path, memory_secrets: SecretStore) -> Iterator[Workspace]:
    ws = Workspace(config_dir, memory_secrets)
    ws.store.load()
    ws.store.add(DataSource(name="d", hosts=["10.255.255.1"], connect_timeout=0.3, request_timeout=0.3))
    yield ws
    ws.close()


def wait_for(condition: Any) -> bool:
    done = threading.Event()
    for _ in range(int(WAIT_S / 0.05)):
        if condition():
            return True
        done.wait(0.05)
    return False


def test_the_connect_deadline_covers_each_contact_point_and_a_grace() -> None:
    assert connect_deadline(DataSource(name="one", hosts=["a"], connect_timeout=2)) == 3.0
    assert connect_deadline(DataSource(name="two", hosts=["a", "b"], connect_timeout=2)) == 5.0


def test_a_hung_session_connect_fails_the_query_with_a_timeout(
        workspace: Workspace, hung_connect: tuple[threading.Event, list[Any]]) -> None:
    release, shut = hung_connect
    ds = workspace.store.get("d")
    with pytest.raises(QueryError) as caught:
        run_query(workspace, ds, "SELECT * FROM system.local")
    assert not release.is_set()
    failure = caught.value.failure
    assert failure.kind == FailureKind.TIMEOUT
    assert failure.message.startswith(
        f"No answer from 10.255.255.1:9042 (connecting) within {connect_deadline(ds):g} s.")
    assert not workspace.sessions.has_session(ds.uid), "no half-made session is kept"
    assert shut == []
    release.set()
    assert wait_for(lambda: len(shut) == 1), "the abandoned cluster is shut down once its connect ends"


def test_a_hung_connect_makes_the_health_check_time_out(workspace: Workspace,
                                                        hung_connect: tuple[threading.Event, list[Any]]) -> None:
    release, shut = hung_connect
    report = check_health(workspace, workspace.store.get("d"))
    assert not release.is_set()
    assert report.failure is not None and report.failure.kind == FailureKind.TIMEOUT
    assert "10.255.255.1:9042 (connecting)" in report.failure.message
    release.set()
    assert wait_for(lambda: len(shut) == 1)


def test_hung_health_queries_time_out_after_a_good_connect(workspace: Workspace,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    endpoint = SimpleNamespace(endpoint="10.255.255.1:9042")
    session = SimpleNamespace(cluster=SimpleNamespace(control_connection=SimpleNamespace(_connection=endpoint),
                                                      metadata=SimpleNamespace(all_hosts=list)))
    monkeypatch.setattr(workspace.sessions, "session", lambda ds, credentials=None: session)
    monkeypatch.setattr(health, "_describe", lambda session, report: release.wait())
    try:
        report = check_health(workspace, workspace.store.get("d"))
    finally:
        release.set()
    assert report.failure is not None and report.failure.kind == FailureKind.TIMEOUT
    assert report.failure.message.startswith(
        "No answer from 10.255.255.1:9042 (the health check's queries) within 0.8 s.")
    assert report.release_version is None and report.latency_ms is None


def test_a_hung_schema_load_fails_with_a_timeout(workspace: Workspace,
                                                 hung_connect: tuple[threading.Event, list[Any]]) -> None:
    release, shut = hung_connect
    with pytest.raises(SchemaError) as caught:
        load_schema(workspace, workspace.store.get("d"))
    assert not release.is_set()
    assert caught.value.title == "Schema not loaded: Timed out"
    assert "10.255.255.1:9042 (connecting)" in caught.value.message
    release.set()
    assert wait_for(lambda: len(shut) == 1)


def test_a_deadline_failure_passes_the_classifier_unchanged(workspace: Workspace) -> None:
    with pytest.raises(DeadlineExceeded) as caught:
        call_within(0.05, lambda: threading.Event().wait(1), what="node x", advice="Do y.")
    failure = connect_failure(caught.value, workspace.store.get("d"))
    assert failure == caught.value.failure


# -- the pinned pool wait -----------------------------------------------------------------------------------------


def fake_session(host: Any, distance: Any) -> Any:
    return SimpleNamespace(
        get_pool_state=dict,
        cluster=SimpleNamespace(profile_manager=SimpleNamespace(distance=lambda h: distance),
                                metadata=SimpleNamespace(all_hosts=lambda: [host])))


def fake_host(up: bool | None) -> Any:
    """A real driver Host of datacenter dc2 (no connection behind it)."""
    from cassandra.connection import DefaultEndPoint
    from cassandra.policies import SimpleConvictionPolicy
    from cassandra.pool import Host

    host = Host(DefaultEndPoint("10.0.0.7"), SimpleConvictionPolicy, datacenter="dc2", rack="r1")
    host.is_up = up
    return host


def test_a_pool_that_never_comes_ends_within_the_timeout() -> None:
    from cassandra.policies import HostDistance

    host = fake_host(True)
    failure = pool_failure(fake_session(host, HostDistance.REMOTE), host, 0.2)
    assert failure is not None and failure.kind == FailureKind.TIMEOUT
    assert failure.message.startswith("No connection to 10.0.0.7 (datacenter dc2) within 0.2 s")


def test_a_pool_that_cannot_come_fails_at_once() -> None:
    from cassandra.policies import HostDistance

    down = fake_host(False)
    failure = pool_failure(fake_session(down, HostDistance.REMOTE), down, WAIT_S)
    assert failure is not None and failure.kind == FailureKind.UNREACHABLE
    assert failure.message.startswith("10.0.0.7 (datacenter dc2) went down")
    unlisted = fake_host(True)
    failure = pool_failure(fake_session(unlisted, HostDistance.IGNORED), unlisted, WAIT_S)
    assert failure is not None and failure.kind == FailureKind.CONFIGURATION
    assert "'specified list' scope" in failure.message and "Add it to the hosts" in failure.message
