"""Exact text of a whole column at once: the converter is chosen once per column, not per cell, and
timestamps are formatted in bulk with NumPy. The texts are exactly those of `core.cql.values.value_text`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from core.cql.values import _TEXT, DATETIME_MAX_MS, DATETIME_MIN_MS, base_type, dumps, epoch_ms, json_value
from core.grafana.columns import Column

# Text of these types never needs CSV quoting: digits, signs, dots, hex, colons, letters of NaN/Infinity.
UNQUOTED_TYPES = frozenset({"bigint", "int", "smallint", "tinyint", "counter", "varint", "decimal", "boolean",
                            "float", "double", "timestamp", "date", "time", "uuid", "timeuuid", "inet", "blob",
                            "duration"})

_TEXT_KINDS = frozenset({"ascii", "text", "varchar"})


def column_texts(values: Sequence[Any], cql_type: str) -> list[str | None]:
    """The exact display text of every value (None for NULL), one converter for the column, mapped in C where
    the converter is a builtin."""
    kind = base_type(cql_type)
    if kind == "timestamp":
        return timestamp_texts(values)
    items = values if isinstance(values, list) else list(values)
    if kind == "double":
        return _float64_texts(items)
    if kind in _TEXT_KINDS:  # the driver's str is the text already, and None stays None
        return items.copy() if items is values else items
    converter: Callable[[Any], str] | None = _TEXT.get(kind)
    if converter is not None:
        return _mapped(items, converter)
    return [None if v is None else dumps(json_value(v, cql_type)) for v in items]


def _mapped(items: list[Any], converter: Callable[[Any], str]) -> list[str | None]:
    if None in items:
        return [None if v is None else converter(v) for v in items]
    return list(map(converter, items))


_FLOAT_SPECIALS = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _float64_texts(items: list[Any]) -> list[str | None]:
    """`float64_text` of each value: Python's shortest round-trip repr, with JavaScript's NaN and Infinity."""
    texts = _mapped(items, repr)
    if "nan" in texts or "inf" in texts or "-inf" in texts:
        return [_FLOAT_SPECIALS.get(t, t) if t is not None else None for t in texts]
    return texts


def timestamp_texts(values: Sequence[Any]) -> list[str | None]:
    """ISO-8601 UTC with milliseconds (`2020-07-13T20:19:09.254Z`) for epoch-ms ints or driver datetimes."""
    arrays = values.arrays() if isinstance(values, Column) else None  # epoch ms, as frames hold them
    items: list[Any] = [] if arrays is not None and not arrays[1].any() else list(values)
    if arrays is not None or (items and None not in items):
        try:
            ms = arrays[0] if arrays is not None and not items else np.array(items, dtype=np.int64)
        except (TypeError, ValueError, OverflowError):
            ms = None
        if ms is not None and int(ms.min()) >= DATETIME_MIN_MS and int(ms.max()) <= DATETIME_MAX_MS:
            # NumPy writes the "Z" itself for UTC, in the same pass (np.char.add took as long again).
            result: list[str | None] = np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms",
                                                             timezone="UTC").tolist()
            return result
    items = items or list(values)
    millis = [None if v is None else (v if isinstance(v, int) else epoch_ms(v)) for v in items]
    present = [m for m in millis if m is not None]
    if not present:
        return [None] * len(millis)
    if min(present) < DATETIME_MIN_MS or max(present) > DATETIME_MAX_MS:
        from core.cql.values import iso_utc

        return [None if m is None else iso_utc(m) for m in millis]
    array = np.array([0 if m is None else m for m in millis], dtype="int64").astype("datetime64[ms]")
    texts = np.datetime_as_string(array, unit="ms").tolist()
    return [None if m is None else f"{text}Z" for m, text in zip(millis, texts, strict=True)]
