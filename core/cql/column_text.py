"""Exact text of a whole column at once: the converter is chosen once per column, not per cell, and
timestamps are formatted in bulk with NumPy. The texts are exactly those of `core.cql.values.value_text`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from core.cql.values import _TEXT, base_type, dumps, epoch_ms, json_value

# Grafana's ISO form needs four-digit years; outside them the per-value path formats (and reports) the value.
_MIN_MS = -62_135_596_800_000  # 0001-01-01T00:00:00Z
_MAX_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
# Text of these types never needs CSV quoting: digits, signs, dots, hex, colons, letters of NaN/Infinity.
UNQUOTED_TYPES = frozenset({"bigint", "int", "smallint", "tinyint", "counter", "varint", "decimal", "boolean",
                            "float", "double", "timestamp", "date", "time", "uuid", "timeuuid", "inet", "blob",
                            "duration"})


def column_texts(values: Sequence[Any], cql_type: str) -> list[str | None]:
    """The exact display text of every value (None for NULL), one converter for the column."""
    kind = base_type(cql_type)
    if kind == "timestamp":
        return timestamp_texts(values)
    converter: Callable[[Any], str] | None = _TEXT.get(kind)
    if converter is str:
        return [None if v is None else str(v) for v in values]
    if converter is not None:
        return [None if v is None else converter(v) for v in values]
    return [None if v is None else dumps(json_value(v, cql_type)) for v in values]


def timestamp_texts(values: Sequence[Any]) -> list[str | None]:
    """ISO-8601 UTC with milliseconds (`2020-07-13T20:19:09.254Z`) for epoch-ms ints or driver datetimes."""
    millis = [None if v is None else (v if isinstance(v, int) else epoch_ms(v)) for v in values]
    present = [m for m in millis if m is not None]
    if not present:
        return [None] * len(millis)
    if min(present) < _MIN_MS or max(present) > _MAX_MS:
        from core.cql.values import iso_utc

        return [None if m is None else iso_utc(m) for m in millis]
    array = np.array([0 if m is None else m for m in millis], dtype="int64").astype("datetime64[ms]")
    texts = np.datetime_as_string(array, unit="ms").tolist()
    return [None if m is None else f"{text}Z" for m, text in zip(millis, texts, strict=True)]
