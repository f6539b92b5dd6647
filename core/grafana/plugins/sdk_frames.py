"""Data frames as a Go plugin builds them with the Grafana plugin SDK, and their JSON as Grafana
receives it (non-nullable fields; times in epoch ms with `nanos`; NaN and infinities as `entities`).

Times are exact nanoseconds since the Unix epoch. The frame travels to Grafana as Arrow, in int64
nanoseconds, so times outside 1677..2262 wrap around exactly as they do for the real plugin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.grafana.plugins.gotext import NS_PER_MS, wrap_int64

#: Go element type of a field -> Grafana's field type.
FIELD_TYPES = {
    "string": "string", "bool": "boolean", "time.Time": "time",
    "int8": "number", "int16": "number", "int32": "number", "int64": "number",
    "uint8": "number", "uint16": "number", "uint32": "number", "uint64": "number",
    "float32": "number", "float64": "number",
}


def is_numeric(go_type: str) -> bool:
    """`data.FieldType.Numeric()`: the integer and float element types."""
    return FIELD_TYPES.get(go_type) == "number"


@dataclass
class SdkField:
    """One `data.Field`: name, Go element type, values (times as nanoseconds), labels and config."""

    name: str
    go_type: str
    values: list[Any] = field(default_factory=list)
    labels: dict[str, str] | None = None
    config: dict[str, Any] | None = None


@dataclass
class SdkFrame:
    """One `data.Frame`: a name and its fields."""

    name: str
    fields: list[SdkField]


def frame_json(frame: SdkFrame, ref_id: str) -> dict[str, Any]:
    """The frame's data frame JSON, as Grafana writes it for the query response."""
    schema_fields: list[dict[str, Any]] = []
    values: list[list[Any]] = []
    entities: list[dict[str, list[int]] | None] = []
    nanos: list[list[int] | None] = []
    for item in frame.fields:
        entry: dict[str, Any] = {"name": item.name, "type": FIELD_TYPES[item.go_type],
                                 "typeInfo": {"frame": item.go_type}}
        if item.labels:
            entry["labels"] = dict(sorted(item.labels.items()))
        if item.config:
            entry["config"] = dict(item.config)
        schema_fields.append(entry)
        column, field_entities, field_nanos = _column_json(item)
        values.append(column)
        entities.append(field_entities)
        nanos.append(field_nanos)
    schema: dict[str, Any] = {}
    if frame.name:
        schema["name"] = frame.name
    schema["refId"] = ref_id
    schema["fields"] = schema_fields
    data: dict[str, Any] = {"values": values}
    if any(item is not None for item in entities):
        data["entities"] = entities
    if any(item is not None for item in nanos):
        data["nanos"] = nanos
    return {"schema": schema, "data": data}


def _column_json(item: SdkField) -> tuple[list[Any], dict[str, list[int]] | None, list[int] | None]:
    if item.go_type == "time.Time":
        millis: list[Any] = []
        offsets: list[int] = []
        for ns in item.values:
            ms, offset = divmod(wrap_int64(ns), NS_PER_MS)
            millis.append(ms)
            offsets.append(offset)
        return millis, None, (offsets if any(offsets) else None)
    if item.go_type in ("float32", "float64"):
        column: list[Any] = []
        found: dict[str, list[int]] = {}
        for index, number in enumerate(item.values):
            if math.isnan(number) or math.isinf(number):
                key = "NaN" if math.isnan(number) else ("Inf" if number > 0 else "NegInf")
                found.setdefault(key, []).append(index)
                column.append(None)
            elif item.go_type == "float32":
                column.append(float(str(np.float32(number))))  # Go writes float32's shortest digits
            else:
                column.append(float(number))
        return column, (found or None), None
    return list(item.values), None, None


def frames_result(frames: list[SdkFrame], ref_id: str) -> dict[str, Any]:
    """A successful `DataResponse` as Grafana receives it."""
    return {"status": 200, "frames": [frame_json(frame, ref_id) for frame in frames]}


def error_result(message: str, error_source: str = "") -> dict[str, Any]:
    """A `DataResponse` carrying an error (status 500, no frames)."""
    return {"error": message, "errorSource": error_source, "status": 500, "frames": []}
