"""Saved query tabs and query history of each data source, in one JSON file per data source uid.

The file lives under the config directory (`queries/<uid>.json`). Saving takes the file's lock, re-reads
it and keeps history entries another process added meanwhile, then writes atomically. A file that cannot
be read is copied aside (`.bak`) and reported; the tabs then start empty, and it is not overwritten.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config.file_safety import atomic_write, backup_copy, exclusive_lock
from core.config.profile_file import config_dir
from core.config.safe_yaml import YamlInputError, YamlLimits, read_text
from core.grafana.timerange import DEFAULT_MAX_DATA_POINTS

SCHEMA_VERSION = 1
QUERIES_DIR = "queries"
MAX_HISTORY = 500
QUERY_FILE_LIMITS = YamlLimits(max_bytes=50 * 1024 * 1024)


@dataclass
class QueryTabState:
    """Everything one query tab shows: the text, flavor, host, variables, time range and run options."""

    title: str = "Query 1"
    text: str = ""
    flavor: str = ""  # empty: the data source's flavor
    host: str = ""
    all_hosts: bool = False
    variables: dict[str, Any] = field(default_factory=dict)  # core.grafana.templating.dump_variables format
    raw_from: str = "now-6h"
    raw_to: str = "now"
    timezone: str = "utc"
    week_start: str = ""  # the dashboard's week start (a weekday name); empty: Grafana's default
    max_data_points: int = DEFAULT_MAX_DATA_POINTS
    min_interval: str = ""  # the panel's Min interval (the lowest $__interval); empty: none
    # The dashboard a panel was opened from, as its JSON names them ("uid", "title", "fiscalYearStartMonth"):
    # its ${__dashboard.uid}, $__dashboard and now/fy; empty: the window's Grafana context.
    dashboard: dict[str, Any] = field(default_factory=dict)
    consistency: str = ""  # empty: the data source's consistency
    limit: int = 100_000
    fetch_size: int = 5000
    timeout: float = 0.0  # 0: the data source's request timeout
    trace: bool = False
    mode: str = "raw"  # the cassandra plugin's query mode: "raw" or "builder"
    builder: dict[str, Any] = field(default_factory=dict)  # keyspace, table, columnTime, ... (builder mode)
    alias: str = ""  # the cassandra plugin's series alias


@dataclass
class HistoryEntry:
    """One run: what was run, how long it took, how many rows and whether it worked."""

    text: str
    variables: dict[str, Any] = field(default_factory=dict)
    raw_from: str = "now-6h"
    raw_to: str = "now"
    timezone: str = "utc"
    flavor: str = ""
    host: str = ""
    # With the range, the run's $__interval; 0 in entries written before they were kept (a rerun keeps the tab's).
    max_data_points: int = 0
    min_interval: str = ""
    duration_ms: float = 0.0
    rows: int = 0
    ok: bool = True
    error: str = ""
    timestamp: float = field(default_factory=time.time)

    def matches(self, needle: str) -> bool:
        """Case-insensitive search over the text, the error and the variables."""
        needle = needle.strip().lower()
        if not needle:
            return True
        haystack = " ".join([self.text, self.error, json.dumps(self.variables), self.host, self.flavor])
        return needle in haystack.lower()


@dataclass
class QueryFileState:
    """What one data source's file holds."""

    tabs: list[QueryTabState] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)


_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool, "dict[str, Any]": dict}


def _from_dict(cls: type[Any], data: Any) -> Any:
    """Build a dataclass from a dict, ignoring unknown keys and values of the wrong type (TypeError when a field
    without a default is missing or of the wrong type: the caller reports the file)."""
    if not isinstance(data, dict):
        raise ValueError(f"expected an object for {cls.__name__}")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        expected = _TYPES[str(f.type)]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            continue
        values[f.name] = value
    return cls(**values)


class QueryTabsFile:
    """The saved tabs and the history of one data source."""

    def __init__(self, uid: str, directory: Path | None = None) -> None:
        base = directory if directory is not None else config_dir()
        self.path = base / QUERIES_DIR / f"{uid}.json"
        self.problem: str | None = None  # set when the file could not be read (a copy was kept)

    def load(self) -> QueryFileState:
        """The saved state; an absent file is empty, an unreadable one is backed up and reported."""
        self.problem = None
        try:
            state = self._read()
        except ValueError as exc:
            self.problem = str(exc)
            return QueryFileState()
        return state if state is not None else QueryFileState()

    def _read(self) -> QueryFileState | None:
        """The file's state (None when absent); ValueError, with a `.bak` kept, when it cannot be used."""
        try:
            text = read_text(self.path, QUERY_FILE_LIMITS)
        except FileNotFoundError:
            return None
        except YamlInputError as exc:
            raise ValueError(exc.message) from None
        try:
            document = json.loads(text)
            if not isinstance(document, dict):
                raise ValueError("expected a JSON object")
            tabs = [_from_dict(QueryTabState, t) for t in document.get("tabs", [])]
            history = [_from_dict(HistoryEntry, h) for h in document.get("history", [])]
        except (ValueError, TypeError, RecursionError) as exc:
            backup = backup_copy(self.path)
            raise ValueError(f"{self.path} could not be read ({exc}); a copy was kept as {backup}") from None
        return QueryFileState(tabs, history)

    def save(self, state: QueryFileState) -> None:
        """Write tabs and history atomically under the file's lock (history capped at MAX_HISTORY runs).

        History entries another process saved meanwhile are kept; the tabs are this writer's. A file on
        disk that cannot be read is replaced only after its `.bak` copy was made (as `load` reports).
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(self.path):
            try:
                on_disk = self._read()
            except ValueError:
                on_disk = None  # _read kept a .bak copy of it
            history = _merge_history(on_disk.history if on_disk is not None else [], state.history)
            document = {
                "schema_version": SCHEMA_VERSION,
                "tabs": [dataclasses.asdict(t) for t in state.tabs],
                "history": [dataclasses.asdict(h) for h in history[-MAX_HISTORY:]],
            }
            atomic_write(self.path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _merge_history(on_disk: list[HistoryEntry], mine: list[HistoryEntry]) -> list[HistoryEntry]:
    """Both lists' runs once each, oldest first (a run is known by its time and text)."""
    merged = {(entry.timestamp, entry.text): entry for entry in on_disk}
    merged.update({(entry.timestamp, entry.text): entry for entry in mine})
    return sorted(merged.values(), key=lambda entry: entry.timestamp)


def search_history(history: list[HistoryEntry], needle: str) -> list[HistoryEntry]:
    """The entries matching `needle`, newest first."""
    return [entry for entry in reversed(history) if entry.matches(needle)]
