"""The ScyllaDB plugin 0.5.0's frame rules (pkg/plugin/datasource.go getTypeArray, toValue, AppendRow) and
the data frame JSON Grafana receives for them.

One frame `response`, one non-nullable field per column in select order. A value whose Go type differs from its
field's element type makes the SDK panic; the plugin recovers and Grafana gets no answer at all. These rules are
the one implementation of the scylla frames in cqlscope (the emulated plugin and the GUI's plugin view use them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.grafana.plugins.go_json import GoJsonError, marshal
from core.grafana.plugins.go_values import CqlType, GoPanic, GoTime, GoTypeError, GoValue, go_type

#: getTypeArray: gocql's type word -> the field's Go element type (every other type: string).
ELEMENT_TYPES = {
    "timestamp": "time.Time", "bigint": "int64", "int": "int64", "smallint": "int16", "boolean": "bool",
    "double": "float64", "varint": "float64", "decimal": "float64", "float": "float32", "tinyint": "int8",
}
#: The field type Grafana's JSON names for each element type.
GRAFANA_TYPES = {
    "time.Time": "time", "int64": "number", "int16": "number", "int8": "number", "float64": "number",
    "float32": "number", "bool": "boolean", "string": "string",
}
#: Types whose every value fails the frame (so the query fails as soon as there is one row).
PANIC_TYPES = ("date", "counter", "tuple")
#: Types whose NULL fails the frame (gocql leaves a nil pointer, the plugin turns it into int 0).
PANIC_ON_NULL_TYPES = ("decimal", "varint")
#: The message Grafana shows when the plugin recovered from its own panic.
NIL_RESPONSE = "both response and error are nil, but one must be provided"


def element_type(cql: CqlType) -> str:
    return ELEMENT_TYPES.get(cql.name, "string")


def to_value(value: GoValue | None, cql: CqlType, log: list[str]) -> tuple[str, Any]:
    """The plugin's toValue: the Go type name of the result and its payload (`nil` for a missing value)."""
    if value is None:
        return "nil", None
    if cql.name == "blob":
        return "string", "Blob"
    gotype, payload = value.gotype, value.value
    if gotype in ("float32", "time.Time", "string", "int64", "float64", "bool", "int16", "int8"):
        return gotype, payload
    if gotype == "gocql.UUID":
        import uuid

        return "string", str(uuid.UUID(bytes=payload))
    if gotype == "int":
        return "int64", payload
    if gotype in ("*inf.Dec", "*big.Int"):
        number = _parse_float(payload)
        return ("int", 0) if number is None else ("float64", number)
    try:
        return "string", marshal(value)
    except GoJsonError as error:
        log.append(f"INFO Marsheling failed  err={error}")
        return "string", ""


def _parse_float(payload: Any) -> float | None:
    """strconv.ParseFloat of the value's text: None for a nil pointer or a value beyond float64."""
    if payload is None:
        return None
    try:
        number = float(payload)
    except OverflowError:
        return None
    return None if math.isinf(number) else number


def check_append(element: str, gotype: str) -> None:
    """The SDK's non-nullable vector Append: a value of another Go type panics."""
    if gotype != element:
        raise GoPanic(f"interface conversion: interface {{}} is {gotype}, not {element}")


def scan_slots(columns: list[CqlType]) -> int:
    """How many values gocql scans per row: a tuple column counts one per element."""
    return sum(len(c.params) if c.name == "tuple" else 1 for c in columns)


def row_data_ok(columns: list[CqlType]) -> bool:
    """gocql's RowData: False when a column has no Go type (the scan then fails); GoPanic for an invalid map key."""
    for cql in columns:
        members = cql.params if cql.name == "tuple" else (cql,)
        for member in members:
            try:
                go_type(member)
            except GoTypeError:
                return False
    return True


@dataclass
class ScyllaFrame:
    """The frame `response` as the plugin builds it: (name, element type) per field and Go values per row."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    columns: list[Any] = field(default_factory=list)  # one list of payloads per field

    def add_field(self, name: str, element: str) -> None:
        self.fields.append((name, element))
        self.columns.append([])

    def append_row(self, values: list[tuple[str, Any]]) -> None:
        """frame.AppendRow: every value must have its field's element type (GoPanic otherwise)."""
        if len(values) != len(self.fields):
            raise GoPanic(f"failed to append vals to frame. Frame has {len(self.fields)} fields, "
                          f"but {len(values)} vals were given")
        for (_name, element), (gotype, _payload) in zip(self.fields, values, strict=True):
            check_append(element, gotype)
        for column, (_gotype, payload) in zip(self.columns, values, strict=True):
            column.append(payload)

    @property
    def row_count(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def to_json(self, ref_id: str) -> dict[str, Any]:
        """Data frame JSON as Grafana receives it (after the Arrow round trip)."""
        schema_fields = [{"name": name, "type": GRAFANA_TYPES[element], "typeInfo": {"frame": element}}
                         for name, element in self.fields]
        values: list[list[Any]] = []
        entities: list[dict[str, list[int]] | None] = []
        nanos: list[list[int] | None] = []
        for (_name, element), column in zip(self.fields, self.columns, strict=True):
            encoded, special, sub_ms = _encode_column(element, column)
            values.append(encoded)
            entities.append(special)
            nanos.append(sub_ms)
        data: dict[str, Any] = {"values": values}
        if any(e is not None for e in entities):
            data["entities"] = entities
        if any(n is not None for n in nanos):
            data["nanos"] = nanos
        return {"schema": {"name": "response", "refId": ref_id, "fields": schema_fields}, "data": data}


def _encode_column(element: str, column: list[Any]) -> tuple[list[Any], dict[str, list[int]] | None,
                                                             list[int] | None]:
    values: list[Any] = []
    special: dict[str, list[int]] = {}
    sub_ms: list[int] = []
    for index, payload in enumerate(column):
        if element == "time.Time":
            ms, rest = time_ms(payload)
            values.append(ms)
            sub_ms.append(rest)
        elif element in ("float32", "float64"):
            if math.isnan(payload) or math.isinf(payload):
                name = "NaN" if math.isnan(payload) else ("Inf" if payload > 0 else "NegInf")
                special.setdefault(name, []).append(index)
                values.append(None)
            else:
                values.append(panel_value(element, payload))
        else:
            values.append(payload)
    return values, special or None, sub_ms if any(sub_ms) else None


def panel_value(element: str, payload: Any) -> Any:
    """One value as the panel receives it: times as (wrapped) epoch ms, float32 in its shortest form."""
    if element == "time.Time":
        return time_ms(payload)[0]
    if element == "float32" and math.isfinite(payload):
        return float(str(np.float32(payload)))
    return payload


def time_ms(moment: GoTime) -> tuple[int, int]:
    """A time.Time after Grafana's Arrow round trip: UnixNano (wrapping like Go's int64) back to
    (epoch ms, sub-millisecond nanoseconds)."""
    nanos = moment.sec * 1_000_000_000 + moment.nsec
    nanos = (nanos + (1 << 63)) % (1 << 64) - (1 << 63)
    return nanos // 1_000_000, nanos % 1_000_000
