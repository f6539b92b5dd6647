"""Query execution against the real local cluster: exact types, paging, limits, cancel, host pinning."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.config.datasource import ConnectionScope, DataSource, Flavor
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.cql.execution import CancelToken, QueryError, RunOptions, run_query
from tests.cql_types import EXPECTED_TEXT, EXPECTED_TYPES
from tests.support import LocalNode, new_keyspace

pytestmark = pytest.mark.cassandra

ROWS = 20_000


@pytest.fixture(scope="module")
def big_table(admin_session: Any) -> Iterator[str]:
    """A table of 20,000 rows whose values sum to a known checksum."""
    from cassandra.concurrent import execute_concurrent_with_args

    with new_keyspace(admin_session) as keyspace:
        admin_session.execute(f"CREATE TABLE {keyspace}.numbers (id int PRIMARY KEY, value bigint)")
        insert = admin_session.prepare(f"INSERT INTO {keyspace}.numbers (id, value) VALUES (?, ?)")
        results = execute_concurrent_with_args(admin_session, insert, [(i, i * 7) for i in range(ROWS)],
                                               concurrency=200, raise_on_first_error=True)
        assert all(ok for ok, _ in results)
        yield f"{keyspace}.numbers"


def test_paging_returns_every_row(workspace: Workspace, big_table: str) -> None:
    ds = workspace.store.get("local")
    pages: list[int] = []
    outcome = run_query(workspace, ds, f"SELECT id, value FROM {big_table}", RunOptions(fetch_size=1000),
                        progress=lambda rows, page, _elapsed: pages.append(page))
    assert outcome.row_count == ROWS
    assert not outcome.truncated
    ids = outcome.frame.field("id").values
    assert len(set(ids)) == ROWS
    assert sum(outcome.frame.field("value").values) == 7 * ROWS * (ROWS - 1) // 2
    assert outcome.pages >= ROWS // 1000
    assert pages[-1] == outcome.pages


def test_each_page_reaches_the_sink_as_it_arrives(workspace: Workspace, big_table: str) -> None:
    ds = workspace.store.get("local")
    events: list[tuple[str, int]] = []
    outcome = run_query(workspace, ds, f"SELECT id, value FROM {big_table}", RunOptions(fetch_size=1000, limit=4500),
                        progress=lambda rows, _page, _elapsed: events.append(("progress", rows)),
                        sink=lambda page: events.append(("page", page.row_count)))
    pages = [count for kind, count in events if kind == "page"]
    assert pages == [1000, 1000, 1000, 1000, 500], "one call per page, cut at the limit"
    # Each page is handed over before the next one is counted: the sink never receives the result at the end.
    assert [kind for kind, _ in events] == ["page", "progress"] * 5
    assert outcome.row_count == 4500 and outcome.truncated


def test_all_hosts_pages_carry_the_node(workspace: Workspace, big_table: str, two_node_cluster: LocalNode) -> None:
    ds = workspace.store.get("local")
    seen: list[list[str]] = []
    outcome = run_query(workspace, ds, f"SELECT id FROM {big_table} LIMIT 3", RunOptions(all_hosts=True),
                        sink=lambda page: seen.append([f.name for f in page.fields]))
    assert seen and all(names == ["id", "_host"] for names in seen)
    assert sorted(set(outcome.frame.field("_host").values)) == ["127.0.0.1", "127.0.0.2"]
    assert outcome.row_count == 6


def test_limit_truncates_and_says_so(workspace: Workspace, big_table: str) -> None:
    ds = workspace.store.get("local")
    outcome = run_query(workspace, ds, f"SELECT id FROM {big_table}", RunOptions(fetch_size=1000, limit=2500))
    assert outcome.row_count == 2500 and outcome.truncated
    exact = run_query(workspace, ds, f"SELECT id FROM {big_table} LIMIT 3000", RunOptions(fetch_size=1000, limit=3000))
    assert exact.row_count == 3000 and not exact.truncated, "the limit equal to the row count truncates nothing"


def test_cancel_stops_within_one_page(workspace: Workspace, big_table: str) -> None:
    ds = workspace.store.get("local")
    token = CancelToken()
    outcome = run_query(workspace, ds, f"SELECT id FROM {big_table}", RunOptions(fetch_size=1000), cancel=token,
                        progress=lambda rows, page, _elapsed: token.cancel() if page == 3 else None)
    assert outcome.cancelled
    assert outcome.pages == 3
    assert outcome.row_count == 3000


def test_every_cql_type_is_exact_and_nulls_stay_null(workspace: Workspace, every_type_table: str) -> None:
    ds = workspace.store.get("local")
    frame = run_query(workspace, ds, f"SELECT * FROM {every_type_table} WHERE k IN (1, 2)").frame
    assert frame.row_count == 2
    by_name = {f.name: f for f in frame.fields}
    for name, text in EXPECTED_TEXT.items():
        assert by_name[name].text(0) == text, name
        assert by_name[name].values[1] is None and by_name[name].text(1) is None, name
    assert by_name["de"].values[0] == Decimal("12345678901234567890.123456789012345")
    assert by_name["vi"].values[0] == 123456789012345678901234567890
    assert by_name["ts"].values[0] == 1704164645678
    for name, (grafana_type, element) in EXPECTED_TYPES.items():
        assert (by_name[name].type, by_name[name].element) == (grafana_type, element), name
    assert by_name["ve"].cql_type == "vector<float, 3>"
    assert by_name["m"].cql_type == "map<int, decimal>"


def test_errors_keep_the_server_message(workspace: Workspace) -> None:
    ds = workspace.store.get("local")
    with pytest.raises(QueryError) as syntax:
        run_query(workspace, ds, "SELEC * FROM system.local")
    assert syntax.value.title == "CQL syntax error" and "line 1:0" in syntax.value.message
    with pytest.raises(QueryError) as table:
        run_query(workspace, ds, "SELECT * FROM system.no_such_table")
    assert "no_such_table" in table.value.message and table.value.title == "Invalid query"
    with pytest.raises(QueryError) as keyspace:
        run_query(workspace, ds, "SELECT * FROM no_such_keyspace.t")
    assert "no_such_keyspace" in keyspace.value.message


def test_pinned_host_answers_and_all_hosts_tag_rows(workspace: Workspace, two_node_cluster: LocalNode) -> None:
    ds = workspace.store.get("local")
    for node in ("127.0.0.1", "127.0.0.2"):
        outcome = run_query(workspace, ds, "SELECT broadcast_address FROM system.local", RunOptions(host=node))
        assert outcome.frame.field("broadcast_address").values == [node]
        assert outcome.hosts == [node]
    both = run_query(workspace, ds, "SELECT broadcast_address FROM system.local", RunOptions(all_hosts=True))
    assert both.frame.field("_host").values == ["127.0.0.1", "127.0.0.2"]
    assert both.frame.field("broadcast_address").values == ["127.0.0.1", "127.0.0.2"]
    with pytest.raises(QueryError) as unknown:
        run_query(workspace, ds, "SELECT * FROM system.local", RunOptions(host="127.0.0.9"))
    assert "127.0.0.9" in unknown.value.message and "127.0.0.2 (up)" in unknown.value.message


def test_a_node_outside_the_scylla_host_list_is_named_as_such(workspace: Workspace,
                                                              two_node_cluster: LocalNode) -> None:
    """With the scylla plugin's 'specified list' scope the session connects only to the listed hosts: pinning
    another node says so at once (not 'down', not a timeout), and "all hosts" skips it with a warning."""
    workspace.store.add(DataSource(name="listed", hosts=["127.0.0.1"], flavor=Flavor.SCYLLA,
                                   scope=ConnectionScope.SPECIFIED_LIST))
    ds = workspace.store.get("listed")
    workspace.store.set_secret("listed", "user", "cassandra")
    workspace.store.set_secret("listed", "password", "cassandra")
    with pytest.raises(QueryError) as outside:
        run_query(workspace, ds, "SELECT key FROM system.local", RunOptions(host="127.0.0.2"))
    assert "127.0.0.2 (datacenter datacenter1) is not among the data source's hosts" in outside.value.message
    assert "127.0.0.2 (not connected)" in outside.value.message
    both = run_query(workspace, ds, "SELECT broadcast_address FROM system.local", RunOptions(all_hosts=True))
    assert both.frame.field("_host").values == ["127.0.0.1"]
    assert "Skipped nodes the data source does not connect to: 127.0.0.2 (outside its host list)." in both.warnings


def test_tracing_reports_coordinator_and_events(workspace: Workspace) -> None:
    ds = workspace.store.get("local")
    outcome = run_query(workspace, ds, "SELECT key FROM system.local", RunOptions(trace=True))
    assert len(outcome.traces) == 1
    trace = outcome.traces[0]
    assert trace.coordinator == outcome.hosts[0] and trace.events and trace.duration_us


def test_cancel_from_another_thread_stops_before_the_next_page(workspace: Workspace, big_table: str) -> None:
    import threading

    ds = workspace.store.get("local")
    token = CancelToken()
    first_page = threading.Event()
    results: list[Any] = []

    def progress(rows: int, page: int, _elapsed: float) -> None:
        first_page.set()

    worker = threading.Thread(target=lambda: results.append(run_query(
        workspace, ds, f"SELECT id FROM {big_table}", RunOptions(fetch_size=100), cancel=token, progress=progress)))
    worker.start()
    assert first_page.wait(30)
    token.cancel()
    worker.join(30)
    assert not worker.is_alive()
    outcome = results[0]
    assert outcome.cancelled and outcome.row_count < ROWS
    assert outcome.row_count == outcome.pages * 100


def test_request_timeout_is_explained(workspace: Workspace, big_table: str) -> None:
    ds = workspace.store.get("local")
    with pytest.raises(QueryError) as timed_out:
        run_query(workspace, ds, f"SELECT * FROM {big_table}", RunOptions(timeout=0.001, fetch_size=50_000))
    assert timed_out.value.title == "Timed out"
    assert "request timeout of 0.001 s" in timed_out.value.message


def test_unreachable_host_is_explained(config_dir: Path, memory_secrets: SecretStore) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ws = Workspace(config_dir, memory_secrets)
    ws.store.load()
    ds = ws.store.add(DataSource(name="gone", hosts=[f"127.0.0.1:{port}"], connect_timeout=2))
    try:
        with pytest.raises(QueryError) as unreachable:
            run_query(ws, ds, "SELECT key FROM system.local")
    finally:
        ws.close()
    assert unreachable.value.title == "Host unreachable"
    assert f"127.0.0.1:{port} refused the connection" in unreachable.value.message


def test_sessions_are_reused_rebuilt_on_change_and_closed_on_removal(workspace: Workspace) -> None:
    ds = workspace.store.get("local")
    first = workspace.sessions.session(ds)
    assert workspace.sessions.session(ds) is first, "reused while nothing changed"
    changed = workspace.store.update(ds.copy(request_timeout=30))
    rebuilt = workspace.sessions.session(changed)
    assert rebuilt is not first and first.cluster.is_shutdown
    workspace.store.set_secret("local", "password", "cassandra")  # same value: same fingerprint
    assert workspace.sessions.session(changed) is rebuilt
    workspace.store.remove("local")
    assert not workspace.sessions.has_session(ds.uid) and rebuilt.cluster.is_shutdown


def test_timestamps_beyond_python_years_are_read_exactly(workspace: Workspace, admin_session: Any,
                                                        scratch_keyspace: str) -> None:
    """Cassandra stores any int64 of milliseconds and the plugins (Go) read it: so does the query service, whose
    result columns decode timestamps to epoch ms. Text follows JavaScript's toISOString (signed six-digit years)."""
    admin_session.execute(f"CREATE TABLE {scratch_keyspace}.far (k int PRIMARY KEY, ts timestamp)")
    for k, ms in enumerate((253402300800000, -62198755200000, 0, 9223372036854775807)):
        admin_session.execute(f"INSERT INTO {scratch_keyspace}.far (k, ts) VALUES ({k}, {ms})")
    admin_session.execute(f"INSERT INTO {scratch_keyspace}.far (k) VALUES (4)")
    ds = workspace.store.get("local")
    result = run_query(workspace, ds, f"SELECT k, ts FROM {scratch_keyspace}.far")
    by_key = dict(zip(result.frame.field("k").values, range(result.frame.row_count), strict=True))
    ts = result.frame.field("ts")
    assert [ts.values[by_key[k]] for k in range(5)] == [253402300800000, -62198755200000, 0, 9223372036854775807,
                                                        None]
    assert [ts.text(by_key[k]) for k in range(5)] == ["+010000-01-01T00:00:00.000Z", "-000001-01-01T00:00:00.000Z",
                                                      "1970-01-01T00:00:00.000Z", "+292278994-08-17T07:12:55.807Z",
                                                      None]


def test_a_value_the_driver_cannot_decode_is_a_decoding_problem_not_a_server_error(
        workspace: Workspace, admin_session: Any, scratch_keyspace: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A value the Python driver fails to decode (here a timestamp in a list, made to fail as the driver's own
    datetime did beyond year 9999): the message says so instead of blaming the server, and the next query works
    at once."""
    from core.cql import exact_timestamps

    def no_datetime(ms: int) -> Any:
        raise OverflowError("date value out of range")

    admin_session.execute(f"CREATE TABLE {scratch_keyspace}.far_list (k int PRIMARY KEY, ts list<timestamp>)")
    admin_session.execute(f"INSERT INTO {scratch_keyspace}.far_list (k, ts) VALUES (1, [253402300800000])")
    ds = workspace.store.get("local")
    monkeypatch.setattr(exact_timestamps, "datetime_of_ms", no_datetime)
    with pytest.raises(QueryError) as failed:
        run_query(workspace, ds, f"SELECT k, ts FROM {scratch_keyspace}.far_list")
    assert failed.value.title == "Cannot decode the result"
    assert failed.value.message == ("The server answered, but the Python driver cannot decode column ts "
                                    "(list<timestamp>): date value out of range. Leave the column out, or select "
                                    "it converted to text.")
    # The driver closed its connection after the answer it could not decode: the session is dropped, so the next
    # query connects afresh and works at once (instead of "no node could run the query" until a reconnect).
    assert not workspace.sessions.has_session(ds.uid)
    monkeypatch.undo()
    seen = run_query(workspace, ds, f"SELECT k, ts FROM {scratch_keyspace}.far_list")
    assert seen.frame.field("ts").text(0) == '["+010000-01-01T00:00:00.000Z"]'
