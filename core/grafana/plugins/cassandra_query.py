"""The cassandra plugin's query model (pkg/handler/data_query.go, pkg/plugin/query.go): the target's
JSON decoded into its `dataQuery`, the backend's time macros, the builder's statement, and gocql's
marshalling of the builder's bound values (ids as strings, the range as times)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.grafana.plugins.cassandra_rows import SelectError
from core.grafana.plugins.gotext import decode_struct, go_trim_space

_DATA_QUERY = (
    ("datasourceId", "int"), ("queryType", "string"), ("rawQuery", "bool"), ("refId", "string"),
    ("target", "string"), ("columnTime", "string"), ("columnValue", "string"), ("keyspace", "string"),
    ("table", "string"), ("columnId", "string"), ("valueId", "string"), ("alias", "string"),
    ("filtering", "bool"), ("instant", "bool"),
)


@dataclass(frozen=True)
class CassandraQuery:
    """plugin.Query: what the backend runs for one target."""

    raw: bool
    target: str
    keyspace: str
    table: str
    column_value: str
    column_id: str
    value_id: str
    alias: str
    column_time: str
    from_ms: int
    to_ms: int
    filtering: bool
    instant: bool
    alert: bool


def parse_query(target: Mapping[str, Any], from_ms: int, to_ms: int) -> CassandraQuery:
    """parseDataQuery; ValueError with the plugin's message when the JSON does not fit its struct."""
    values, error = decode_struct(dict(target), _DATA_QUERY, "dataQuery", package="handler")
    if error is not None:
        raise ValueError(f"json.Unmarshal: {error}")
    text: str = values["target"]
    if values["rawQuery"]:
        text = apply_time_range(text, from_ms, to_ms)
    return CassandraQuery(
        raw=values["rawQuery"], target=text, keyspace=values["keyspace"], table=values["table"],
        column_value=values["columnValue"], column_id=values["columnId"], value_id=values["valueId"],
        alias=values["alias"], column_time=values["columnTime"], from_ms=from_ms, to_ms=to_ms,
        filtering=values["filtering"], instant=values["instant"], alert=values["queryType"] == "alert")


def apply_time_range(text: str, from_ms: int, to_ms: int) -> str:
    """applyTimeRange: `$__timeFrom`, `$__timeTo` (ms), `$__unixEpochFrom`, `$__unixEpochTo` (s), in order."""
    for macro, value in (("$__timeFrom", from_ms), ("$__timeTo", to_ms),
                         ("$__unixEpochFrom", from_ms // 1000), ("$__unixEpochTo", to_ms // 1000)):
        text = text.replace(macro, str(value))
    return text


def build_statement(query: CassandraQuery) -> str:
    """BuildStatement: the builder's CQL with three bound values (ids, from, to)."""
    limit = " PER PARTITION LIMIT 1" if query.instant else ""
    filtering = " ALLOW FILTERING" if query.filtering else ""
    q = query
    return (f"SELECT {q.column_id}, {q.column_value}, {q.column_time} FROM {q.keyspace}.{q.table} "
            f"WHERE {q.column_id} IN ? AND {q.column_time} >= ? AND {q.column_time} <= ?{limit}{filtering}")


def split_ids(text: str) -> list[str]:
    """splitIDs: comma-separated, each trimmed (empty parts kept)."""
    return [go_trim_space(part) for part in text.split(",")]


@dataclass(frozen=True)
class GoTime:
    """A Go time.Time bound value, in epoch milliseconds."""

    ms: int


_INT_BITS = {"int": 32, "bigint": 64, "counter": 64, "smallint": 16, "tinyint": 8}
_GO_INT = re.compile(r"[+-]?[0-9]+")


def marshal(cqltype: Any, value: Any) -> Any:
    """gocql's Marshal of a builder value into the bind marker's type, as a Python driver value;
    SelectError with gocql's message when gocql would refuse it."""
    typename = str(getattr(cqltype, "typename", ""))
    subtypes = list(getattr(cqltype, "subtypes", ()) or ())
    if isinstance(value, list):
        if typename not in ("list", "set"):
            raise SelectError("select query processing: can not marshal []string into " + _type_text(cqltype))
        return [marshal(subtypes[0], item) for item in value]
    if isinstance(value, GoTime):
        if typename == "timestamp":
            return value.ms
        if typename == "date":
            from cassandra.util import Date

            return Date(int(value.ms / 86_400_000))
        raise SelectError(f"select query processing: can not marshal time.Time into {_type_text(cqltype)}")
    text = str(value)
    if typename in ("ascii", "text", "varchar"):
        return text
    if typename == "blob":
        return text.encode()
    if typename in _INT_BITS:
        bits = _INT_BITS[typename]
        cql = "bigint" if typename == "counter" else typename
        if not _GO_INT.fullmatch(text):
            raise SelectError(f'select query processing: can not marshal string to {cql}: '
                              f'strconv.ParseInt: parsing "{text}": invalid syntax')
        number = int(text)
        if not -(1 << (bits - 1)) <= number < 1 << (bits - 1):
            raise SelectError(f'select query processing: can not marshal string to {cql}: '
                              f'strconv.ParseInt: parsing "{text}": value out of range')
        return number
    if typename == "varint" and _GO_INT.fullmatch(text):
        return int(text)
    if typename == "inet":
        return text
    if typename in ("uuid", "timeuuid"):
        import uuid

        try:
            return uuid.UUID(text)
        except ValueError:
            raise SelectError(f"select query processing: can not marshal string into {typename}") from None
    raise SelectError(f"select query processing: can not marshal string into {_type_text(cqltype)}")


def _type_text(cqltype: Any) -> str:
    typename = str(getattr(cqltype, "typename", ""))
    subtypes = list(getattr(cqltype, "subtypes", ()) or ())
    if typename in ("list", "set") and subtypes:
        return f"{typename}({_type_text(subtypes[0])})"
    return typename
