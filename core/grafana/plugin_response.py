"""The frames each Grafana plugin would build from a result ("as the plugin sees it").

Both plugins scan rows with gocql's MapScan, which turns NULL into the type's zero value, and then map
Go values to frame fields. The mappings follow the plugins' sources (scylla: the emulation in
core.grafana.plugins.scylla_frames, from pkg/plugin/datasource.go getTypeArray/toValue; cassandra:
pkg/cassandra/row.go normalize, session.go toString, pkg/plugin/plugin.go makeDataFrames).
cqlscope's own frames (core.grafana.frames) stay exact; these show the loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.cql.values import base_type
from core.grafana.frames import Field, Frame
from core.grafana.plugins.go_values import GoPanic, from_driver, parse_cql_type
from core.grafana.plugins.gotext import go_float_f, go_time_string
from core.grafana.plugins.scylla_frames import (
    GRAFANA_TYPES,
    NIL_RESPONSE,
    PANIC_ON_NULL_TYPES,
    PANIC_TYPES,
    ScyllaFrame,
    element_type,
    panel_value,
    row_data_ok,
    to_value,
)

GO_ZERO_TIME_MS = -62135596800000  # time.Time{}: 0001-01-01T00:00:00Z
ZERO_UUID = "00000000-0000-0000-0000-000000000000"

SCYLLA_FAILING_TYPES = PANIC_TYPES  # any value of these fails the scylla plugin's frame
SCYLLA_NULL_FAILING_TYPES = PANIC_ON_NULL_TYPES  # a NULL of these fails it
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
    frame_count: int | None = None  # how many frames the plugin returns, when only the first ones are kept

    @property
    def total_frames(self) -> int:
        return len(self.frames) if self.frame_count is None else self.frame_count


# -- scylla ------------------------------------------------------------------------------------------
# Derived from the emulation of the plugin (core.grafana.plugins.scylla_frames): one implementation of its rules.


def scylla_view(frame: Frame) -> PluginView:
    """The `response` frame the scylla plugin 0.5.0 builds from this result, or the failure Grafana shows."""
    view = PluginView("scylla")
    log: list[str] = []
    cqls = [parse_cql_type(item.cql_type) for item in frame.fields]
    built = ScyllaFrame()
    for item, cql in zip(frame.fields, cqls, strict=True):
        built.add_field(item.name, element_type(cql))
    try:
        scannable = row_data_ok(cqls)
        if scannable:
            for row in range(frame.row_count):
                built.append_row([to_value(None if cql.name == "tuple" else from_driver(cql, item.values[row]),
                                           cql, log) for item, cql in zip(frame.fields, cqls, strict=True)])
    except GoPanic as panic:
        view.error = (f"the plugin panics ({panic}) and recovers without an answer: Grafana shows "
                      f"'{NIL_RESPONSE}' instead of the panel.")
        return view
    fields = [Field(name, item.cql_type, GRAFANA_TYPES[element], element,
                    [panel_value(element, payload) for payload in column], nullable=False)
              for (name, element), item, column in zip(built.fields, frame.fields, built.columns, strict=True)]
    view.frames = [Frame("response", fields, dict(frame.meta))]
    if not scannable and frame.row_count:
        unreadable = ", ".join(f"{f.name} ({f.cql_type})" for f, c in zip(frame.fields, cqls, strict=True)
                               if c.contains_custom())
        view.notes.append(f"gocql 1.7 cannot read {unreadable}: the plugin returns the fields with no rows and no "
                          "error, so the panel shows no data.")
    if scannable and any(None in f.values for f in frame.fields):
        view.notes.append("NULL values become the type's zero value (0, false, empty text, 0001-01-01, which the "
                          "panel shows as 1754-08-30 after Grafana's nanosecond conversion wraps).")
    for error in sorted({line.split("err=", 1)[-1] for line in log}):
        view.notes.append(f"Some values cannot be written as JSON ({error}): the plugin shows empty text instead.")
    return view


# -- cassandra -----------------------------------------------------------------------------------

_CASSANDRA_TYPES = {
    "timestamp": ("time", "time.Time"), "date": ("time", "time.Time"),
    "bigint": ("number", "int64"), "counter": ("number", "int64"), "int": ("number", "int64"),
    "smallint": ("number", "int16"), "tinyint": ("number", "int8"),
    "float": ("number", "float32"), "double": ("number", "float64"),
    "boolean": ("boolean", "bool"),
}


def cassandra_id_problem(frame: Frame, rows: int | None = None) -> str | None:
    """Why the first column cannot name the cassandra plugin's series (None when it can, or without rows);
    `rows` counts the rows when `frame` holds only the columns."""
    if not frame.fields or (frame.row_count if rows is None else rows) == 0:
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


def cassandra_view(frame: Frame, alert: bool = False, max_frames: int | None = None) -> PluginView:
    """One frame per distinct first-column value, named by it, as the cassandra plugin builds them; with
    `max_frames`, only the first ones are built (a timestamp first makes a frame of every row) and counted all."""
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
    kept = list(groups.items())
    if max_frames is not None and len(kept) > max_frames:
        kept = kept[:max_frames]
        view.frame_count = len(groups)
        view.notes.append(f"The plugin returns {len(groups):,} frames, one per distinct {id_field.name}: the first "
                          f"{max_frames:,} are listed here.")
    for series_id, rows in kept:
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
    """The plugin's toString of the first column (the series id): Go's `%f` for floats and `time.Time.String()`
    (fraction trimmed, `2024-01-01 00:00:00 +0000 UTC`) for timestamps and dates, which arrive here as epoch ms."""
    kind = base_type(cql_type)
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind in ("float", "double"):
        return go_float_f(value)
    if kind in ("timestamp", "date"):
        return go_time_string(int(value) * 1_000_000)
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
