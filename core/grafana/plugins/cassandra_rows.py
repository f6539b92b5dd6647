"""The cassandra plugin's row handling (pkg/cassandra/session.go Select, row.go normalize) on top of
gocql 1.7's MapScan, emulated on the Python driver's results.

gocql scans each column into the Go type its `goType` picks (NULL becomes that type's zero value);
the first column must convert to a string series id (`toString`), and `normalize` accepts only the
types Grafana frames hold. A column gocql cannot type (a vector) makes every row fail to scan.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.grafana.plugins.gotext import GO_ZERO_TIME_NS, NS_PER_MS, go_float_f, go_float_v, go_time_string

ZERO_UUID = "00000000-0000-0000-0000-000000000000"
_EPOCH = dt.datetime(1970, 1, 1)
_ONE_US = dt.timedelta(microseconds=1)

# CQL type name -> the Go type gocql's goType scans it into.
_GO_SCALARS = {
    "ascii": "string", "text": "string", "varchar": "string", "inet": "string",
    "bigint": "int64", "counter": "int64", "time": "time.Duration", "timestamp": "time.Time",
    "blob": "[]uint8", "boolean": "bool", "float": "float32", "double": "float64", "int": "int",
    "smallint": "int16", "tinyint": "int8", "decimal": "*inf.Dec", "uuid": "gocql.UUID",
    "timeuuid": "gocql.UUID", "varint": "*big.Int", "date": "time.Time", "duration": "gocql.Duration",
}
# Go types session.go toString turns into a series id.
_ID_TYPES = frozenset({"string", "gocql.UUID", "int8", "int", "int64", "float32", "float64", "time.Time", "bool"})


class SelectError(Exception):
    """Session.Select failed; the text is the plugin's (e.g. `row processing: unsupported type: int16`)."""


def go_type_of(cqltype: Any) -> str | None:
    """The Go type gocql scans a column of this driver type into; None when gocql has none (vectors,
    custom types), which fails the scan of every row."""
    typename = str(getattr(cqltype, "typename", ""))
    subtypes = list(getattr(cqltype, "subtypes", ()) or ())
    if typename in _GO_SCALARS:
        return _GO_SCALARS[typename]
    if typename in ("list", "set"):
        inner = go_type_of(subtypes[0])
        return None if inner is None else "[]" + inner
    if typename == "map":
        key, value = go_type_of(subtypes[0]), go_type_of(subtypes[1])
        return None if key is None or value is None else f"map[{key}]{value}"
    if typename == "frozen":
        return go_type_of(subtypes[0])
    if typename == "tuple":
        return None if any(go_type_of(sub) is None for sub in subtypes) else "[]interface {}"
    if hasattr(cqltype, "fieldnames") and hasattr(cqltype, "keyspace"):
        return "map[string]interface {}"
    return None


@dataclass
class Row:
    """One scanned row: the selected column names (duplicates kept) and the normalized values by name,
    each as (Go type, value); times are nanoseconds since the epoch."""

    columns: list[str]
    fields: dict[str, tuple[str, Any]]


def _timestamp_ns(value: Any) -> int:
    if value is None:
        return GO_ZERO_TIME_NS
    if isinstance(value, int):
        return int(value) * NS_PER_MS
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    micros: int = (value - _EPOCH) // _ONE_US  # a datetime (the emulation's sessions decode exact ms ints)
    return ((micros + 500) // 1000) * NS_PER_MS  # the driver's float seconds are exact to the ms


def _date_ns(value: Any) -> int:
    if value is None:
        return GO_ZERO_TIME_NS
    days = getattr(value, "days_from_epoch", None)
    if days is None:
        days = (value - dt.date(1970, 1, 1)).days
    return int(days) * 86_400 * 1_000_000_000


def _inet(value: Any) -> str:
    if value is None:
        return ""
    address = ipaddress.ip_address(str(value))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)  # Go prints a v4-in-v6 address as IPv4
    return str(address)


def _blob(value: Any) -> str:
    return bytes(value or b"").decode("utf-8", errors="replace")


# CQL type name -> (normalized Go type, converter from the driver value, NULL included).
_NORMALIZE: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "ascii": ("string", lambda v: v or ""), "text": ("string", lambda v: v or ""),
    "varchar": ("string", lambda v: v or ""), "inet": ("string", _inet),
    "bigint": ("int64", lambda v: int(v or 0)), "counter": ("int64", lambda v: int(v or 0)),
    "int": ("int64", lambda v: int(v or 0)), "smallint": ("int16", lambda v: int(v or 0)),
    "tinyint": ("int8", lambda v: int(v or 0)),
    "float": ("float32", lambda v: 0.0 if v is None else float(v)),
    "double": ("float64", lambda v: 0.0 if v is None else float(v)),
    "boolean": ("bool", lambda v: bool(v)),
    "timestamp": ("time.Time", _timestamp_ns), "date": ("time.Time", _date_ns),
    "uuid": ("string", lambda v: ZERO_UUID if v is None else str(v)),
    "timeuuid": ("string", lambda v: ZERO_UUID if v is None else str(v)),
    "blob": ("string", _blob),
    "varint": ("string", lambda v: "" if v is None else str(v)),
}


@dataclass
class _Column:
    name: str
    go_type: str | None
    width: int  # a tuple is scanned as one column per element
    normalize: tuple[str, Callable[[Any], Any]] | None


def _columns(names: Sequence[str], types: Sequence[Any]) -> list[_Column]:
    columns = []
    for name, cqltype in zip(names, types, strict=True):
        typename = str(getattr(cqltype, "typename", ""))
        width = len(getattr(cqltype, "subtypes", ()) or ()) if typename == "tuple" else 1
        go_type = go_type_of(cqltype)
        if typename == "tuple" and go_type is not None:
            go_type = "<nil>"  # MapScan stores the elements as `name[i]`; the column itself is nil
        columns.append(_Column(name, go_type, width, _NORMALIZE.get(typename)))
    return columns


def id_text(go_type: str, value: Any) -> str:
    """session.go toString of an id value (its Go type before normalize)."""
    if go_type == "time.Time":
        return go_time_string(value)
    if go_type in ("float32", "float64"):
        return go_float_f(value)
    if go_type == "bool":
        return "true" if value else "false"
    return str(value)


def scan_rows(names: Sequence[str], types: Sequence[Any], rows: Iterable[Sequence[Any]]) -> dict[str, list[Row]]:
    """Select's loop: rows grouped by series id (ids in first-seen order; the plugin's map order is
    random), or SelectError with the plugin's message."""
    columns = _columns(names, types)
    grouped: dict[str, list[Row]] = {}
    for raw in rows:
        if any(column.go_type is None for column in columns):
            want = sum(column.width for column in columns)
            raise SelectError(f"select query processing: gocql: not enough columns to scan into: have 0 want {want}")
        fields: dict[str, tuple[str, Any]] = {}
        for column, value in zip(columns, raw, strict=True):
            fields.pop(column.name, None)  # a repeated name keeps the last value (MapScan)
            if column.normalize is not None:
                go_type, convert = column.normalize
                fields[column.name] = (go_type, convert(value))
        first = columns[0]
        if first.go_type not in _ID_TYPES:
            raise SelectError(f"row processing: unsupported type: {first.go_type}")
        series_id = id_text(first.go_type, fields[first.name][1])
        for column in columns:
            if column.name not in fields:
                raise SelectError(f"row.normalize: field {column.name} has unsupported type {column.go_type}")
        grouped.setdefault(series_id, []).append(Row([c.name for c in columns], fields))
    return grouped


def go_v_text(go_type: str, value: Any) -> str:
    """`fmt.Sprintf("%v", v)` of a normalized value (variables, alert labels)."""
    if go_type == "time.Time":
        return go_time_string(value)
    if go_type in ("float32", "float64"):
        return go_float_v(value, 32 if go_type == "float32" else 64)
    if go_type == "bool":
        return "true" if value else "false"
    return str(value)
