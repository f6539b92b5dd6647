"""The cassandra plugin's frames (pkg/plugin/plugin.go): one frame per series id, legend aliases from
`{{ column }}` templates, the narrow-to-wide rewrite of alert queries, and variable options."""

from __future__ import annotations

import re
from typing import Any

from core.grafana.plugins.cassandra_rows import Row, go_v_text
from core.grafana.plugins.gotext import go_float_f, go_time_string, go_trim_space
from core.grafana.plugins.sdk_frames import FIELD_TYPES, SdkField, SdkFrame, is_numeric

# Go's RE2 `\s` is ASCII whitespace only.
_ALIAS = re.compile(r"\{\{[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\}\}")


def format_alias(alias: str, fields: dict[str, tuple[str, Any]]) -> str:
    """formatAlias: each `{{ name }}` becomes the column's value in the given row, or nothing."""

    def replace(match: re.Match[str]) -> str:
        name = go_trim_space(match.group(0).replace("{{", "", 1).replace("}}", "", 1))
        if name not in fields:
            return ""
        go_type, value = fields[name]
        if go_type == "string":
            return str(value)
        if go_type in ("int8", "int32", "int64", "int"):
            return str(value)
        if go_type in ("float32", "float64"):
            return go_float_f(value)
        if go_type == "bool":
            return "true" if value else "false"
        if go_type == "time.Time":
            return go_time_string(value)
        return ""  # int16 and every other type: no text

    return _ALIAS.sub(replace, alias)


def frame_from_rows(series_id: str, alias: str, rows: list[Row]) -> SdkFrame:
    """makeDataFrameFromRows: field types from the first row, the alias on numeric fields."""
    first = rows[0]
    legend = format_alias(alias, first.fields)
    fields: list[SdkField] = []
    for name in first.columns:
        go_type = first.fields[name][0]
        if go_type not in FIELD_TYPES:
            raise ValueError(f"no frame field type for Go type {go_type}")
        item = SdkField(name, go_type)
        if legend and is_numeric(go_type):
            item.config = {"displayNameFromDS": legend}
        fields.append(item)
    for row in rows:
        for item, name in zip(fields, row.columns, strict=True):
            item.values.append(row.fields[name][1])
    return SdkFrame(series_id, fields)


def narrow_to_wide(frame: SdkFrame) -> SdkFrame:
    """narrowFrameToWideFrame: text and bool fields become labels (first row's values) of the numeric
    fields and are dropped by the plugin's in-place swap, which reorders the fields it keeps."""
    if not frame.fields:
        return frame
    labels: dict[str, str] = {}
    if frame.fields[0].values:
        for item in frame.fields:
            if not is_numeric(item.go_type) and item.go_type != "time.Time":
                labels[item.name] = go_v_text(item.go_type, item.values[0])
    for item in frame.fields:
        if is_numeric(item.go_type):
            item.labels = {**(item.labels or {}), **labels}
    fields = list(frame.fields)
    i, j = 0, len(fields) - 1
    while i <= j:
        if is_numeric(fields[i].go_type) or fields[i].go_type == "time.Time":
            i += 1
            continue
        fields[i], fields[j] = fields[j], fields[i]
        j -= 1
    frame.fields = fields[:i]
    return frame


def make_frames(grouped: dict[str, list[Row]], alias: str, alert: bool) -> list[SdkFrame]:
    """makeDataFrames: one frame per id, made wide for alert queries."""
    frames = []
    for series_id, rows in grouped.items():
        frame = frame_from_rows(series_id, alias, rows)
        frames.append(narrow_to_wide(frame) if alert else frame)
    return frames


def variables(grouped: dict[str, list[Row]]) -> list[dict[str, str]]:
    """GetVariables: `value` from the first column, `text` from the second when there is one."""
    options = []
    for rows in grouped.values():
        for row in rows:
            value = go_v_text(*row.fields[row.columns[0]])
            text = go_v_text(*row.fields[row.columns[1]]) if len(row.columns) > 1 else value
            options.append({"value": value, "text": text})
    return options
