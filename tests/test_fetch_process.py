"""A query fetched in a child process (core.query.fetch_process, the GUI's path) against the real local cluster:
the same pages, exact values and views as a run in process; cancel, errors, a child killed mid-query, a child
that cannot start; the child runs in a session of its own at a lower CPU priority."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.config.workspace import Workspace
from core.cql.execution import CancelToken, QueryError, RunOptions
from core.cql.failures import FailureKind
from core.grafana.flavors import prepare_query
from core.grafana.frames import Frame
from core.grafana.timerange import time_range
from core.query import fetch_process, service
from core.query.views import ViewBuilder
from tests.cql_types import EXPECTED_TEXT
from tests.support import LocalNode, new_keyspace

pytestmark = pytest.mark.cassandra

ROWS = 12_000


@pytest.fixture(scope="module")
def series_table(admin_session: Any) -> Iterator[str]:
    """12,000 rows of three series: (sensor text, ts timestamp, value double, note text with NULLs and '')."""
    from cassandra.concurrent import execute_concurrent_with_args

    rows = [(f"s{i % 3}", 1_704_067_200_000 + i * 1000, i / 4, None if i % 5 == 0 else ("" if i % 5 == 1 else
                                                                                     f"n{i}")) for i in range(ROWS)]
    with new_keyspace(admin_session) as keyspace:
        admin_session.execute(f"CREATE TABLE {keyspace}.readings (sensor text, ts timestamp, value double, "
                              "note text, PRIMARY KEY (sensor, ts))")
        insert = admin_session.prepare(f"INSERT INTO {keyspace}.readings (sensor, ts, value, note) VALUES (?, ?, ?, "
                                       "?)")
        results = execute_concurrent_with_args(admin_session, insert, rows, concurrency=200,
                                               raise_on_first_error=True)
        assert all(ok for ok, _ in results)
        yield f"{keyspace}.readings"


def _prepared(flavor: str, text: str) -> Any:
    return prepare_query(flavor, text, {}, time_range("now-1h", "now"))


def _no_views() -> ViewBuilder:
    return ViewBuilder("generic", set())


def _rows(frame: Frame) -> list[tuple[Any, ...]]:
    return list(zip(*(list(item.values) for item in frame.fields), strict=True))


@pytest.mark.parametrize("flavor", ["scylla", "cassandra"])
def test_isolated_run_gives_the_same_pages_values_and_views(workspace: Workspace, series_table: str,
                                                            flavor: str) -> None:
    ds = workspace.store.get("local")
    prepared = _prepared(flavor, f"SELECT sensor, ts, value, note FROM {series_table}")
    here: list[Frame] = []
    there: list[Frame] = []
    options = RunOptions(fetch_size=1000)
    expected = service.run(workspace, ds, prepared, options, sink=here.append)
    _no_idle_children()
    got = service.run(workspace, ds, prepared, options, sink=there.append, isolated=True)
    assert len(_children()) == 1, "a child fetched it (it is back in the pool), not this process"
    assert got.ok and expected.ok, (got.error_message, expected.error_message)
    assert got.rows == expected.rows == ROWS
    assert [page.row_count for page in there] == [page.row_count for page in here]
    assert [_rows(page) for page in there] == [_rows(page) for page in here]
    frame = got.outcome.frame if got.outcome else None
    assert frame is not None and _rows(frame) == _rows(expected.outcome.frame)  # type: ignore[union-attr]
    assert frame.meta == {"executedQueryString": prepared.text}
    notes = [row[3] for row in _rows(frame)]
    assert notes.count(None) == ROWS // 5 and notes.count("") == ROWS // 5, "NULL and empty text arrive apart"
    assert sorted(_rows(frame))[0] == ("s0", 1_704_067_200_000, 0.0, None)
    assert [f.message for f in got.findings] == [f.message for f in expected.findings]
    assert got.graph is not None and expected.graph is not None
    assert [s.name for s in got.graph.series] == [s.name for s in expected.graph.series]
    assert [s.y.tolist() for s in got.graph.series] == [s.y.tolist() for s in expected.graph.series]
    assert got.plugin_view is not None and expected.plugin_view is not None
    assert got.plugin_view.error == expected.plugin_view.error
    assert [[list(f.values) for f in view.fields] for view in got.plugin_view.frames] == \
        [[list(f.values) for f in view.fields] for view in expected.plugin_view.frames]
    assert got.view_errors == expected.view_errors == {}


def test_every_cql_type_arrives_exact_from_the_child(workspace: Workspace, every_type_table: str) -> None:
    ds = workspace.store.get("local")
    result = service.run(workspace, ds, _prepared("generic", f"SELECT * FROM {every_type_table} WHERE k IN (1, 2)"),
                         RunOptions(), isolated=True)
    assert result.ok, result.error_message
    assert result.outcome is not None
    by_name = {f.name: f for f in result.outcome.frame.fields}
    for name, text in EXPECTED_TEXT.items():
        assert by_name[name].text(0) == text, name
        assert by_name[name].values[1] is None, name
    assert by_name["de"].values[0] == Decimal("12345678901234567890.123456789012345")
    assert by_name["vi"].values[0] == 123456789012345678901234567890


def test_maps_keyed_by_collections_and_udts_arrive_from_the_child(workspace: Workspace, admin_session: Any,
                                                                 scratch_keyspace: str) -> None:
    """The driver's map keeps its key's type class, made up for the result (frozen<list<int>>, a UDT): it cannot
    be imported in the window's process, so such maps travel as plain maps of the same items."""
    ks = scratch_keyspace
    admin_session.execute(f"CREATE TYPE {ks}.spot (x int, y int)")
    admin_session.execute(f"CREATE TABLE {ks}.keyed (k int PRIMARY KEY, by_list map<frozen<list<int>>, text>, "
                          f"by_spot map<frozen<spot>, int>, by_time map<timestamp, int>)")
    admin_session.execute(f"INSERT INTO {ks}.keyed (k, by_list, by_spot, by_time) VALUES (1, "
                          f"{{[1, 2]: 'a', [3]: 'b'}}, {{{{x: 1, y: 2}}: 7}}, {{253402300800000: 1, 0: 2}})")
    ds = workspace.store.get("local")
    prepared = _prepared("generic", f"SELECT by_list, by_spot, by_time FROM {ks}.keyed")
    here = service.run(workspace, ds, prepared, RunOptions())
    there = service.run(workspace, ds, prepared, RunOptions(), isolated=True)
    assert here.ok and there.ok, there.error_message
    assert here.outcome is not None and there.outcome is not None
    texts = [[f.text(0) for f in result.outcome.frame.fields] for result in (here, there)]  # type: ignore[union-attr]
    assert texts[0] == texts[1] == ['{"[1,2]":"a","[3]":"b"}', '{"{\\"x\\":1,\\"y\\":2}":7}',
                                    '{"1970-01-01T00:00:00.000Z":2,"+010000-01-01T00:00:00.000Z":1}']
    by_list = there.outcome.frame.field("by_list").values[0]
    assert list(by_list.items()) == [([1, 2], "a"), ([3], "b")] and by_list[[3]] == "b"


def test_cancel_stops_the_child_and_it_serves_the_next_run(workspace: Workspace, series_table: str) -> None:
    ds = workspace.store.get("local")
    token = CancelToken()
    run = fetch_process.run_query_isolated(
        workspace, ds, f"SELECT sensor, ts FROM {series_table}", RunOptions(fetch_size=500), _no_views(), token,
        progress=lambda _rows, pages, _elapsed: token.cancel() if pages == 2 else None)
    assert run.outcome.cancelled
    assert run.outcome.frame.row_count < ROWS
    again = fetch_process.run_query_isolated(workspace, ds, f"SELECT sensor FROM {series_table}", RunOptions(),
                                             _no_views())
    assert not again.outcome.cancelled and again.outcome.frame.row_count == ROWS


def test_errors_are_those_of_a_run_in_process(workspace: Workspace, series_table: str) -> None:
    ds = workspace.store.get("local")
    _no_idle_children()
    children = []
    for text in (f"SELEC * FROM {series_table}", f"SELECT nope FROM {series_table}", "SELECT * FROM no_ks.no_table"):
        expected = service.run(workspace, ds, _prepared("generic", text), RunOptions())
        got = service.run(workspace, ds, _prepared("generic", text), RunOptions(), isolated=True)
        assert not got.ok and got.error_kind == expected.error_kind
        assert (got.error_title, got.error_message) == (expected.error_title, expected.error_message)
        children.append(_children())
    assert len(children[0]) == 1 and children.count(children[0]) == 3, "one child ran them all: an error is no crash"


def test_a_child_killed_mid_query_is_reported_and_replaced(workspace: Workspace, series_table: str) -> None:
    ds = workspace.store.get("local")
    _no_idle_children()  # the child that runs this query is then the only one
    killed: list[int] = []

    def kill_the_child(_rows: int, pages: int, _elapsed: float) -> None:
        if pages == 2 and not killed:
            child = next(p for p in _children() if p != os.getpid())
            os.kill(child, signal.SIGKILL)
            killed.append(child)

    with pytest.raises(QueryError) as caught:
        fetch_process.run_query_isolated(workspace, ds, f"SELECT sensor, ts FROM {series_table}",
                                         RunOptions(fetch_size=500), _no_views(), progress=kill_the_child)
    assert killed
    assert caught.value.failure.kind == FailureKind.OTHER
    assert "ended unexpectedly (signal 9)" in caught.value.message and "may have run" in caught.value.message
    result = service.run(workspace, ds, _prepared("generic", f"SELECT sensor FROM {series_table}"), RunOptions(),
                         isolated=True)
    assert result.ok and result.rows == ROWS
    assert killed[0] not in _children()


def test_without_a_child_the_run_stays_in_this_process(workspace: Workspace, series_table: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ds = workspace.store.get("local")
    _no_idle_children()

    def cannot_start() -> None:
        raise OSError("no processes left")

    monkeypatch.setattr(fetch_process, "FetchProcess", cannot_start)
    before = set(_children())
    result = service.run(workspace, ds, _prepared("scylla", f"SELECT sensor, value FROM {series_table}"),
                         RunOptions(), isolated=True)
    assert result.ok and result.rows == ROWS and result.plugin_view is not None and result.plugin_view.frames
    assert set(_children()) == before


def test_the_child_has_its_own_session_and_a_lower_priority(cassandra: LocalNode) -> None:
    child = fetch_process.FetchProcess()
    try:
        assert child.wait_ready(30)
        pid = child.process.pid
        assert os.getsid(pid) == pid != os.getsid(0), "a session (and scheduling group) of its own"
        assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + fetch_process.CHILD_NICE
        group = Path(f"/proc/{pid}/autogroup")
        if group.exists():  # Linux's autogroup scheduling: the group's weight is lowered too, not only the threads'
            assert group.read_text().split()[-1] == str(fetch_process.CHILD_NICE)
        assert cassandra.password not in " ".join(map(str, child.process.args)), "no secret on its command line"
    finally:
        child.close()
    assert child.process.returncode == 0, "asked to exit, it ends by itself"


def _no_idle_children() -> None:
    """End the idle children (a window of an earlier test may be starting one ahead: wait for that first)."""
    for thread in threading.enumerate():
        if thread.name == "cqlscope-fetch-process-start":
            thread.join(60)
    fetch_process.close_all()


def _children() -> list[int]:
    """Our fetch processes now running (their command line names the module)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and b"core.query.fetch_child" in command:
            found.append(int(entry.name))
    return found


def test_large_arrays_cross_the_pipe_as_messages_of_their_own() -> None:
    """A graph's arrays travel out of band and are rebuilt on the bytes read (no copy under the GIL); small ones
    stay inside the pickle; either way the values come back equal, a NaN and -0.0 included."""
    from multiprocessing.connection import Connection

    import numpy as np

    large = np.linspace(-1.0, 1.0, fetch_process.OUT_OF_BAND_MIN // 8 + 1)
    large[3], large[4] = np.nan, -0.0
    small = np.arange(10, dtype=np.int64)
    message = ("done", {"x": large, "n": small}, "text")
    parts = fetch_process.encode(message)
    assert len(parts) == 2, "the pickle, then the one large array"
    assert len(fetch_process.encode(("page", small))) == 1
    read, write = os.pipe()
    receiver, sender = Connection(read, writable=False), Connection(write, readable=False)
    try:
        writer = threading.Thread(target=fetch_process.send_parts, args=(sender, parts))
        writer.start()
        kind, arrays, text = fetch_process.receive(receiver)
        writer.join()
    finally:
        receiver.close()
        sender.close()
    assert (kind, text) == ("done", "text")
    assert np.array_equal(arrays["x"], large, equal_nan=True) and np.signbit(arrays["x"][4])
    assert arrays["n"].tolist() == list(range(10)) and arrays["n"].flags.writeable
    assert not arrays["x"].flags.writeable, "built on the bytes read, not copied"
