"""Timestamps inside collections, tuples and UDTs are read exactly (core.cql.exact_timestamps): the Python driver
stops at years 1 to 9999 and can be a millisecond early before about 1697 and after about 2242, while Cassandra
and the plugins (gocql) hold any int64 of milliseconds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.config.workspace import Workspace
from core.cql.execution import RunOptions
from core.grafana.flavors import prepare_query
from core.grafana.timerange import time_range
from core.query import service

YEAR_10000 = 253_402_300_800_000
YEAR_1565 = -12_751_056_761_787  # 1565-12-08T07:47:18.213Z (GNU date): the driver's datetime says .212999
YEAR_8142 = 194_792_871_470_590  # 8142-09-28T02:57:50.590Z: the driver's datetime says .589996

# Each row's cells as cqlscope shows them (JavaScript's toISOString for each time, as for top-level columns).
EXPECTED = {
    1: ['["+010000-01-01T00:00:00.000Z","8142-09-28T02:57:50.590Z"]', '{"+010000-01-01T00:00:00.000Z":1}',
        '["+010000-01-01T00:00:00.000Z",2]', '{"at":"+010000-01-01T00:00:00.000Z","n":3}',
        '[["1565-12-08T07:47:18.213Z"]]', '["+010000-01-01T00:00:00.000Z","1565-12-08T07:47:18.213Z"]'],
    2: ['["1565-12-08T07:47:18.213Z"]', '{"8142-09-28T02:57:50.590Z":1}', '["1565-12-08T07:47:18.213Z",2]',
        '{"at":"8142-09-28T02:57:50.590Z","n":null}', None, None],
}


@pytest.fixture
def nested_table(admin_session: Any, scratch_keyspace: str) -> Iterator[str]:
    ks = scratch_keyspace
    admin_session.execute(f"CREATE TYPE {ks}.moment (at timestamp, n int)")
    admin_session.execute(f"CREATE TABLE {ks}.nested (k int PRIMARY KEY, l list<timestamp>, m map<timestamp, int>, "
                          f"t tuple<timestamp, int>, u frozen<moment>, s set<frozen<list<timestamp>>>, "
                          f"v vector<timestamp, 2>)")
    admin_session.execute(f"INSERT INTO {ks}.nested (k, l, m, t, u, s, v) VALUES (1, [{YEAR_10000}, {YEAR_8142}], "
                          f"{{{YEAR_10000}: 1}}, ({YEAR_10000}, 2), {{at: {YEAR_10000}, n: 3}}, {{[{YEAR_1565}]}}, "
                          f"[{YEAR_10000}, {YEAR_1565}])")
    admin_session.execute(f"INSERT INTO {ks}.nested (k, l, m, t, u) VALUES (2, [{YEAR_1565}], {{{YEAR_8142}: 1}}, "
                          f"({YEAR_1565}, 2), {{at: {YEAR_8142}}})")
    yield f"{ks}.nested"


@pytest.mark.parametrize("isolated", [False, True], ids=["in process", "in the fetch process"])
def test_nested_timestamps_show_exactly(workspace: Workspace, nested_table: str, isolated: bool) -> None:
    prepared = prepare_query("generic", f"SELECT k, l, m, t, u, s, v FROM {nested_table}", {},
                             time_range("now-1h", "now"))
    result = service.run(workspace, workspace.store.get("local"), prepared, RunOptions(), isolated=isolated)
    assert result.ok, result.error_message
    frame = result.outcome.frame if result.outcome else None
    assert frame is not None
    shown = {frame.field("k").values[row]: [item.text(row) for item in frame.fields[1:]]
             for row in range(frame.row_count)}
    assert shown == EXPECTED


def test_the_scylla_plugin_view_shows_what_the_plugin_does(workspace: Workspace, nested_table: str) -> None:
    """The scylla plugin writes a collection or UDT as Go's json.Marshal text: a time.Time beyond year 9999 makes
    Marshal fail, and the plugin shows empty text; other times are Go's RFC 3339 text (trailing zeros cut)."""
    prepared = prepare_query("scylla", f"SELECT k, l, m, u, s FROM {nested_table}", {},
                             time_range("now-1h", "now"))
    result = service.run(workspace, workspace.store.get("local"), prepared, RunOptions())
    assert result.ok and result.plugin_view is not None and result.plugin_view.error is None
    [frame] = result.plugin_view.frames
    rows = {frame.fields[0].values[row]: [list(item.values)[row] for item in frame.fields[1:]]
            for row in range(len(frame.fields[0].values))}
    assert rows[1] == ["", "", "", '[["1565-12-08T07:47:18.213Z"]]']
    assert rows[2][:2] == ['["1565-12-08T07:47:18.213Z"]', '{"8142-09-28T02:57:50.59Z":1}']
    notes = [note for note in result.plugin_view.notes if note.startswith("Some values")]
    assert notes == [  # Go's own error texts (go run of json.Marshal with Go 1.26)
        "Some values cannot be written as JSON (json: encoding error for type \"map[time.Time]int\": "
        "\"Time.MarshalText: year outside of range [0,9999]\"): the plugin shows empty text instead.",
        "Some values cannot be written as JSON (json: error calling MarshalJSON for type time.Time: "
        "Time.MarshalJSON: year outside of range [0,9999]): the plugin shows empty text instead."]
