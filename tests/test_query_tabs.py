"""Saved query tabs and history: round trip, atomic writes, a corrupted file kept aside, search."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.config.saved_queries import (
    MAX_HISTORY,
    HistoryEntry,
    QueryFileState,
    QueryTabsFile,
    QueryTabState,
    search_history,
)


def _state() -> QueryFileState:
    tabs = [QueryTabState(title="Query 1", text="SELECT * FROM ks.t WHERE s IN (${s:sqlstring})", flavor="scylla",
                          host="127.0.0.2", variables={"s": ["a", "b"]}, raw_from="now-1h", timezone="Europe/Berlin",
                          max_data_points=500, consistency="QUORUM", limit=10, fetch_size=100, timeout=2.5,
                          trace=True, min_interval="1m",
                          dashboard={"uid": "d-1", "title": "Board", "fiscalYearStartMonth": 3}),
            QueryTabState(title="Query 2", all_hosts=True)]
    history = [HistoryEntry(text="SELECT 1", rows=1, duration_ms=12.5, timestamp=1.0, max_data_points=50,
                            min_interval="$iv"),
               HistoryEntry(text="SELECT nope FROM t", ok=False, error="Undefined column name nope", timestamp=2.0)]
    return QueryFileState(tabs, history)


def test_round_trip_under_the_config_dir(config_dir: Path) -> None:
    file = QueryTabsFile("cqls-abc")
    file.save(_state())
    assert file.path == config_dir / "queries" / "cqls-abc.json"
    loaded = QueryTabsFile("cqls-abc").load()
    assert loaded == _state()
    assert oct(file.path.stat().st_mode & 0o777) == "0o600"


def test_absent_file_is_empty(config_dir: Path) -> None:
    file = QueryTabsFile("cqls-none")
    assert file.load() == QueryFileState() and file.problem is None


def test_write_is_atomic(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = QueryTabsFile("cqls-abc")
    file.save(_state())
    before = file.path.read_text()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        file.save(QueryFileState())
    assert file.path.read_text() == before, "the old file is intact"
    leftovers = [p.name for p in file.path.parent.iterdir() if not p.name.endswith(".lock")]
    assert leftovers == ["cqls-abc.json"], "no temporary file left behind (the lock file stays, by design)"


def test_corrupted_file_is_kept_and_reported(config_dir: Path) -> None:
    file = QueryTabsFile("cqls-bad")
    file.path.parent.mkdir(parents=True)
    file.path.write_text('{"tabs": [ {"title": "x"', encoding="utf-8")
    assert file.load() == QueryFileState()
    assert file.problem is not None and "could not be read" in file.problem
    backup = file.path.with_name("cqls-bad.json.bak")
    assert backup.read_text() == '{"tabs": [ {"title": "x"'
    file.save(_state())  # the next save replaces the broken file; the copy stays
    assert backup.exists() and QueryTabsFile("cqls-bad").load() == _state()


def test_wrong_types_fall_back_to_defaults(config_dir: Path) -> None:
    file = QueryTabsFile("cqls-types")
    file.path.parent.mkdir(parents=True)
    file.path.write_text(json.dumps({"tabs": [{"title": "t", "limit": "lots", "timeout": 3, "extra": 1,
                                               "dashboard": "board", "min_interval": 60}]}))
    (tab,) = file.load().tabs
    assert tab.title == "t" and tab.limit == QueryTabState().limit and tab.timeout == 3.0
    assert (tab.dashboard, tab.min_interval) == ({}, "")


def test_history_fields_of_the_wrong_type_fall_back_to_defaults(config_dir: Path) -> None:
    """As for tabs: an entry keeps what is readable (a bool is not a count); one without its text makes the file
    unreadable, which is reported and kept aside, never silently dropped."""
    file = QueryTabsFile("cqls-history")
    file.path.parent.mkdir(parents=True)
    file.path.write_text(json.dumps({"history": [{"text": "SELECT 1", "rows": True, "ok": "yes",
                                                  "duration_ms": 7, "max_data_points": "50", "timestamp": 3}]}))
    (entry,) = file.load().history
    assert (entry.text, entry.rows, entry.ok, entry.duration_ms, entry.max_data_points, entry.timestamp) == (
        "SELECT 1", 0, True, 7.0, 0, 3.0)
    file.path.write_text(json.dumps({"history": [{"rows": 1}]}))
    assert file.load().history == [] and file.problem is not None and "could not be read" in file.problem


def test_history_is_capped_and_searchable(config_dir: Path) -> None:
    state = QueryFileState([], [HistoryEntry(text=f"SELECT {i}", timestamp=float(i)) for i in range(MAX_HISTORY + 5)])
    file = QueryTabsFile("cqls-h")
    file.save(state)
    history = file.load().history
    assert len(history) == MAX_HISTORY and history[-1].text == f"SELECT {MAX_HISTORY + 4}"
    entries = _state().history
    assert [e.text for e in search_history(entries, "")] == ["SELECT nope FROM t", "SELECT 1"], "newest first"
    assert [e.text for e in search_history(entries, "undefined COLUMN")] == ["SELECT nope FROM t"]
    assert search_history(entries, "zzz") == []
