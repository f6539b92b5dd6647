"""The frames each Grafana plugin would build from a result ("as the plugin sees it").

Both plugins scan rows with gocql's MapScan, which turns NULL into the type's zero value, and then map
Go values to frame fields. The mappings follow the plugins' sources (scylla: pkg/plugin/datasource.go
getTypeArray/toValue; cassandra: pkg/cassandra/row.go normalize, session.go toString,
pkg/plugin/plugin.go makeDataFrames). cqlscope's own frames (core.grafana.frames) stay exact; these show the loss.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.cql.values import base_type, iso_utc, json_value
from core.grafana.frames import Field, Frame

GO_ZERO_TIME_MS = -62135596800000  # time.Time{}: 0001-01-01T00:00:00Z
ZERO_UUID = "00000000-0000-0000-0000-000000000000"

SCYLLA_FAILING_TYPES = ("date", "counter")
CASSANDRA_FAILING_TYPES = ("decimal", "duration", "time", "list", "set", "map", "tuple", "frozen", "vector")
# The cassandra plugin names its series by the first column's Go value (toString): only these CQL types work.
CASSANDRA_ID_TYPES = ("ascii", "text", "varchar", "uuid", "timeuuid", "tinyint", "int", "bigint", "counter", "float",
                      "double", "timestamp", "date", "boolean")
# The Go types gocql gives other first columns, as the plugin's "unsupported type: %T" prints them.
CASSANDRA_ID_GO_TYPES = {"smallint": "int16", "blob": "[]uint8", "varint": "*big.Int", "decimal": "*inf.Dec",
                         "inet": "net.IP", "time": "time.Duration", "duration": "gocql.Duration"}


@dataclass
class PluginView:
    """What the plugin returns for a result: its frames, or the error that replaces them."""

    flavor: str
    frames: list[Frame] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)


# -- scylla ------------------------------------------------------------------------------------------

_SCYLLA_ARRAYS = {
    "timestamp": ("time", "time.Time"),
    "bigint": ("number", "int64"), "int": ("number", "int64"),
    "smallint": ("number", "int16"), "tinyint": ("number", "int8"),
    "boolean": ("boolean", "bool"),
    "double": ("number", "float64"), "varint": ("number", "float64"), "decimal": ("number", "float64"),
    "float": ("number", "float32"),
}


def scylla_view(frame: Frame) -> PluginView:
    """One `response` frame with the scylla plugin's type mapping, or its failure."""
    view = PluginView("scylla")
    failing = [f for f in frame.fields if base_type(f.cql_type) in SCYLLA_FAILING_TYPES]
    if failing:
        names = ", ".join(f"{f.name} ({f.cql_type})" for f in failing)
        view.error = (f"The scylla plugin cannot put {names} into its frame: the query fails and the panel "
                      "shows no data (the error only reaches Grafana's server log).")
        return view
    fields = []
    for item in frame.fields:
        grafana_type, element = _SCYLLA_ARRAYS.get(base_type(item.cql_type), ("string", "string"))
        values = [_scylla_value(v, item.cql_type) for v in item.values]
        fields.append(Field(item.name, item.cql_type, grafana_type, element, values, nullable=False))
    view.frames = [Frame("response", fields, dict(frame.meta))]
    if any(None in f.values for f in frame.fields):
        view.notes.append("NULL values become the type's zero value (0, false, empty text, 0001-01-01).")
    return view


def _scylla_value(value: Any, cql_type: str) -> Any:
    kind = base_type(cql_type)
    if kind == "blob":
        return "Blob"
    if kind in ("bigint", "int", "smallint", "tinyint"):
        return 0 if value is None else int(value)
    if kind in ("double", "varint", "decimal"):
        return 0.0 if value is None else float(value)
    if kind == "float":
        return 0.0 if value is None else value
    if kind == "boolean":
        return bool(value)
    if kind == "timestamp":
        return GO_ZERO_TIME_MS if value is None else value
    if kind in ("uuid", "timeuuid"):
        return ZERO_UUID if value is None else str(value)
    if kind in ("text", "ascii", "varchar"):
        return "" if value is None else value
    return _go_json(value, cql_type)


def _go_json(value: Any, cql_type: str) -> str:
    """Roughly what Go's json.Marshal prints for the gocql value of this type."""
    kind = base_type(cql_type)
    if value is None:
        return {"inet": '""', "time": "0", "duration": '{"Months":0,"Days":0,"Nanoseconds":0}'}.get(kind, "null")
    if kind == "inet":
        return json.dumps(str(value))
    if kind == "time":
        return str(int(value.nanosecond_time))
    if kind == "duration":
        return json.dumps({"Months": value.months, "Days": value.days, "Nanoseconds": value.nanoseconds},
                          separators=(",", ":"))
    tree = json_value(value, cql_type)
    return json.dumps(_plain(tree), separators=(",", ":"), sort_keys=isinstance(tree, dict), ensure_ascii=False)


def _plain(tree: Any) -> Any:
    """Turn exact RawNumbers into Go-like float64/int numbers (what the plugin keeps)."""
    from core.cql.values import RawNumber

    if isinstance(tree, RawNumber):
        text = str.__str__(tree)
        return int(text) if text.lstrip("-").isdigit() else float(Decimal(text))
    if isinstance(tree, dict):
        return {k: _plain(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_plain(v) for v in tree]
    return tree


# -- cassandra -----------------------------------------------------------------------------------

_CASSANDRA_TYPES = {
    "timestamp": ("time", "time.Time"), "date": ("time", "time.Time"),
    "bigint": ("number", "int64"), "counter": ("number", "int64"), "int": ("number", "int64"),
    "smallint": ("number", "int16"), "tinyint": ("number", "int8"),
    "float": ("number", "float32"), "double": ("number", "float64"),
    "boolean": ("boolean", "bool"),
}


def cassandra_id_problem(frame: Frame) -> str | None:
    """Why the first column cannot name the cassandra plugin's series (None when it can, or without rows)."""
    if not frame.fields or frame.row_count == 0:
        return None
    first = frame.fields[0]
    kind = base_type(first.cql_type)
    if kind in CASSANDRA_ID_TYPES:
        return None
    go_type = CASSANDRA_ID_GO_TYPES.get(kind, f"a Go {kind}")
    return f"unsupported type: {go_type}"


def cassandra_failing_fields(frame: Frame) -> list[Field]:
    """Columns whose type makes the cassandra plugin fail the whole query ("unsupported type")."""
    return [f for f in frame.fields if base_type(f.cql_type) in CASSANDRA_FAILING_TYPES
            or (f.type == "other")]


def cassandra_view(frame: Frame, alert: bool = False) -> PluginView:
    """One frame per distinct first-column value, named by it, as the cassandra plugin builds them."""
    view = PluginView("cassandra")
    id_problem = cassandra_id_problem(frame)
    if id_problem is not None:
        view.error = (f"The cassandra plugin fails the whole query: its first column {frame.fields[0].name} "
                      f"({frame.fields[0].cql_type}) names the series, and it says \"{id_problem}\".")
        return view
    failing = cassandra_failing_fields(frame)
    if failing:
        first = failing[0]
        view.error = (f"The cassandra plugin fails the whole query: field {first.name} has unsupported type "
                      f"({first.cql_type}).")
        return view
    if not frame.fields:
        return view
    converted = [(item, [_cassandra_value(v, item.cql_type) for v in item.values]) for item in frame.fields]
    id_field, id_values = converted[0]
    groups: dict[str, list[int]] = {}
    for row, value in enumerate(id_values):
        groups.setdefault(_go_string(value, id_field.cql_type), []).append(row)
    for series_id, rows in groups.items():
        fields = []
        for item, values in converted:
            grafana_type, element = _CASSANDRA_TYPES.get(base_type(item.cql_type), ("string", "string"))
            fields.append(Field(item.name, item.cql_type, grafana_type, element, [values[r] for r in rows],
                                nullable=False))
        built = Frame(series_id, fields, dict(frame.meta))
        view.frames.append(_narrow_to_wide(built) if alert else built)
    if len(groups) > 1:
        view.notes.append("Grafana receives these frames in random order (the plugin groups rows in a Go map).")
    if any(None in f.values for f in frame.fields):
        view.notes.append("NULL is not supported: gocql hands the plugin the type's zero value instead.")
    return view


def _cassandra_value(value: Any, cql_type: str) -> Any:
    kind = base_type(cql_type)
    if kind in ("timestamp",):
        return GO_ZERO_TIME_MS if value is None else value
    if kind == "date":
        return GO_ZERO_TIME_MS if value is None else int(value.days_from_epoch) * 86_400_000
    if kind in ("bigint", "counter", "int", "smallint", "tinyint"):
        return 0 if value is None else int(value)
    if kind in ("float", "double"):
        return 0.0 if value is None else value
    if kind == "boolean":
        return bool(value)
    if kind == "blob":
        return "" if value is None else bytes(value).decode("utf-8", errors="replace")
    if kind in ("uuid", "timeuuid"):
        return ZERO_UUID if value is None else str(value)
    if kind == "varint":
        return "0" if value is None else str(value)
    return "" if value is None else str(value)


def _go_string(value: Any, cql_type: str) -> str:
    """The plugin's toString of the first column (the series id)."""
    kind = base_type(cql_type)
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind in ("float", "double"):
        return f"{value:f}"  # Go's %f: six decimals
    if kind in ("timestamp", "date"):
        return iso_utc(int(value)).replace("T", " ").replace("Z", " +0000 UTC")
    return str(value)


def _narrow_to_wide(frame: Frame) -> Frame:
    """The plugin's alert conversion: non-numeric, non-time fields become labels of numeric fields."""
    labels = {f.name: str(f.values[0]) for f in frame.fields
              if f.type not in ("number", "time") and f.values}
    kept = []
    for item in frame.fields:
        if item.type == "number":
            item.labels = {**item.labels, **labels}
        if item.type in ("number", "time"):
            kept.append(item)
    return Frame(frame.name, kept, frame.meta)
