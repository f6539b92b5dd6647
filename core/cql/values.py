"""Exact text and JSON for every CQL value the driver returns, and CQL type names.

Nothing is rounded: decimals and varints keep all their digits, floats print their shortest exact
form, timestamps are UTC instants with milliseconds, blobs are hex, and collections, tuples, UDTs and
vectors become JSON whose members follow the same rules (as Cassandra's own `SELECT JSON` does).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from ipaddress import IPv4Address, IPv6Address
from typing import Any

import numpy as np

EPOCH = dt.datetime(1970, 1, 1)
ONE_MS = dt.timedelta(milliseconds=1)

_ALIASES = {"varchar": "text"}


def cql_type_name(cqltype: Any) -> str:
    """The CQL spelling of a driver type class (`map<int, decimal>`, `vector<float, 3>`, `frozen<addr>`)."""
    typename = getattr(cqltype, "typename", "")
    if typename.endswith("VectorType"):
        return f"vector<{cql_type_name(cqltype.subtype)}, {cqltype.vector_size}>"
    subtypes: list[Any] = list(getattr(cqltype, "subtypes", ()))
    if typename in ("list", "set", "map"):
        inner = ", ".join(cql_type_name(sub) for sub in subtypes)
        return f"{typename}<{inner}>"
    if typename == "tuple":
        inner = ", ".join(cql_type_name(sub) for sub in subtypes)
        return f"frozen<tuple<{inner}>>"
    if typename == "frozen":
        return f"frozen<{cql_type_name(subtypes[0])}>"
    if hasattr(cqltype, "fieldnames") and hasattr(cqltype, "keyspace"):  # a UDT
        return f"frozen<{typename}>"
    return _ALIASES.get(typename, typename) or str(cqltype.cql_parameterized_type())


def base_type(cql_type: str) -> str:
    """The outer type word: `map<int, text>` -> `map`, `frozen<addr>` -> `frozen`."""
    return cql_type.split("<", 1)[0].strip()


# -- timestamps ---------------------------------------------------------------------------------


def epoch_ms(value: dt.datetime) -> int:
    """Exact epoch milliseconds of a driver timestamp (naive UTC, or aware)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return (value - EPOCH) // ONE_MS


DATETIME_MIN_MS = -62_135_596_800_000  # 0001-01-01T00:00:00.000Z: Python's datetime holds years 1 to 9999
DATETIME_MAX_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z


class TimestampMs(int):
    """A timestamp inside a collection, tuple, UDT or vector that no datetime holds (outside the years 1 to 9999): its
    exact epoch milliseconds, typed so that text and JSON still write it as a time (core.cql.exact_timestamps)."""


def datetime_of_ms(ms: int) -> dt.datetime | TimestampMs:
    """The exact naive-UTC datetime of epoch `ms`, or `TimestampMs` outside the years 1 to 9999."""
    if DATETIME_MIN_MS <= ms <= DATETIME_MAX_MS:
        return EPOCH + dt.timedelta(milliseconds=ms)
    return TimestampMs(ms)


def civil_from_days(days: int) -> tuple[int, int, int]:
    """Proleptic Gregorian (year, month, day) of a day count from 1970-01-01, for any year."""
    days += 719_468
    era = days // 146_097
    day_of_era = days - era * 146_097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = month_index + 3 if month_index < 10 else month_index - 9
    year = year_of_era + era * 400 + (1 if month <= 2 else 0)
    return year, month, day


def iso_utc(ms: int) -> str:
    """ISO-8601 UTC with milliseconds, as JavaScript's `Date.toISOString` writes it: `2020-07-13T20:19:09.254Z`,
    and outside the years 0 to 9999 a signed six-digit year, `+010000-01-01T00:00:00.000Z` (any int64)."""
    if DATETIME_MIN_MS <= ms <= DATETIME_MAX_MS:
        moment = EPOCH + dt.timedelta(milliseconds=ms)
        return f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    days, rest = divmod(ms, 86_400_000)
    year, month, day = civil_from_days(days)
    seconds, millis = divmod(rest, 1000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    year_text = f"{year:04d}" if 0 <= year <= 9999 else f"{year:+07d}"
    return f"{year_text}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}Z"


# -- scalar text ---------------------------------------------------------------------------------


def float32_text(value: float) -> str:
    """Shortest text that reads back as the same 32-bit float (`1.1`, not `1.100000023841858`)."""
    if math.isnan(value) or math.isinf(value):
        return _special_float(value)
    return str(np.float32(value))


def float64_text(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        return _special_float(value)
    return repr(value)


def _special_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def duration_text(value: Any) -> str:
    """A CQL duration literal, e.g. `1mo2d3h4m5s6ms7us8ns` (`0s` for zero), sign first."""
    months, days, nanos = int(value.months), int(value.days), int(value.nanoseconds)
    negative = months < 0 or days < 0 or nanos < 0
    months, days, nanos = abs(months), abs(days), abs(nanos)
    parts: list[str] = []
    years, months = divmod(months, 12)
    weeks = 0
    for amount, unit in ((years, "y"), (months, "mo"), (weeks, "w"), (days, "d")):
        if amount:
            parts.append(f"{amount}{unit}")
    for size, unit in ((3_600_000_000_000, "h"), (60_000_000_000, "m"), (1_000_000_000, "s"),
                       (1_000_000, "ms"), (1_000, "us"), (1, "ns")):
        amount, nanos = divmod(nanos, size)
        if amount:
            parts.append(f"{amount}{unit}")
    text = "".join(parts) or "0s"
    return "-" + text if negative else text


def value_text(value: Any, cql_type: str) -> str:
    """Exact display text of one non-null value of the given CQL type (collections as JSON)."""
    kind = base_type(cql_type)
    converter = _TEXT.get(kind)
    if converter is not None:
        return converter(value)
    return dumps(json_value(value, cql_type))


def _bytes_text(value: Any) -> str:
    return "0x" + bytes(value).hex()


def _timestamp_text(value: Any) -> str:
    return iso_utc(value if isinstance(value, int) else epoch_ms(value))


_TEXT: dict[str, Callable[[Any], str]] = {
    "ascii": str, "text": str, "varchar": str,
    "bigint": str, "int": str, "smallint": str, "tinyint": str, "counter": str, "varint": str,
    "decimal": str,
    "boolean": lambda v: "true" if v else "false",
    "float": float32_text, "double": float64_text,
    "timestamp": _timestamp_text,
    "date": str, "time": str,
    "duration": duration_text,
    "uuid": str, "timeuuid": str, "inet": str,
    "blob": _bytes_text,
}


# -- JSON ------------------------------------------------------------------------------------------


class RawNumber(str):
    """A JSON number kept as its exact text (decimals, varints, floats)."""


def json_value(value: Any, cql_type: str = "") -> Any:
    """A JSON-ready tree of a CQL value: numbers stay exact (RawNumber), the rest as Cassandra's JSON."""
    if value is None:
        return None
    kind = base_type(cql_type) if cql_type else ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if kind == "timestamp" or isinstance(value, TimestampMs):
            return iso_utc(value)
        return RawNumber(str(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        return RawNumber(_decimal_json(value))
    if isinstance(value, float):
        text = float32_text(value) if kind == "float" else float64_text(value)
        return text if text in ("NaN", "Infinity", "-Infinity") else RawNumber(_json_float(text))
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return _bytes_text(value)
    if isinstance(value, dt.datetime):
        return iso_utc(epoch_ms(value))
    if isinstance(value, uuid.UUID | IPv4Address | IPv6Address):
        return str(value)
    type_name = type(value).__name__
    if type_name in ("Date", "Time"):
        return str(value)
    if type_name == "Duration":
        return duration_text(value)
    subtypes = _subtypes(cql_type)
    if isinstance(value, Mapping) or (hasattr(value, "items") and type_name.endswith("MapSerializedKey")):
        key_type, val_type = [*subtypes, "", ""][:2]
        return {_json_key(k, key_type): json_value(v, val_type) for k, v in value.items()}
    if hasattr(value, "_fields"):  # a UDT (named tuple)
        return {name: json_value(getattr(value, name)) for name in value._fields}
    if isinstance(value, tuple):
        if len(subtypes) == len(value):
            return [json_value(item, sub) for item, sub in zip(value, subtypes, strict=True)]
        return [json_value(item) for item in value]
    if isinstance(value, list | set | frozenset) or type_name == "SortedSet":
        sub = subtypes[0] if subtypes else ""
        return [json_value(item, sub) for item in value]
    return str(value)


def _decimal_json(value: Decimal) -> str:
    """A Decimal as a JSON number with every digit (JSON has no `1E+3` without a mantissa digit issue)."""
    text = str(value)
    if "E" in text:
        text = text.replace("E", "e")
    return text


def _json_float(text: str) -> str:
    return text if any(c in text for c in ".e") else text + ".0"


def _json_key(key: Any, key_type: str) -> str:
    converted = json_value(key, key_type)
    if isinstance(converted, str):
        return str(converted)
    return dumps(converted)


def _subtypes(cql_type: str) -> list[str]:
    """Top-level type arguments: `map<int, list<text>>` -> [`int`, `list<text>`]."""
    if "<" not in cql_type:
        return []
    inner = cql_type[cql_type.index("<") + 1: cql_type.rindex(">")]
    if cql_type.startswith("frozen<"):
        return _subtypes(inner) if "<" in inner and base_type(inner) in ("tuple", "list", "set", "map") else []
    if cql_type.startswith("vector<"):
        return [inner.rsplit(",", 1)[0].strip()]
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(inner):
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(inner[start:index].strip())
            start = index + 1
    parts.append(inner[start:].strip())
    return parts


def dumps(tree: Any, indent: int | None = None) -> str:
    """JSON text of a `json_value` tree; RawNumber members are written as bare numbers."""
    return _Encoder(indent).encode(tree)


def dumps_at(tree: Any, indent: int, level: int) -> str:
    """JSON text of a tree that sits `level` deep inside an indented document."""
    return _Encoder(indent).encode(tree, level)


class _Encoder:
    """A small JSON writer that can emit exact numbers, which json.dumps cannot."""

    def __init__(self, indent: int | None) -> None:
        self.indent = indent

    def encode(self, tree: Any, level: int = 0) -> str:
        if isinstance(tree, RawNumber):
            return str.__str__(tree)
        if tree is None or isinstance(tree, bool | int | float | str):
            return json.dumps(tree, ensure_ascii=False)
        if isinstance(tree, Mapping):
            items = [f"{json.dumps(str(k), ensure_ascii=False)}:{' ' if self.indent is not None else ''}"
                     f"{self.encode(v, level + 1)}" for k, v in tree.items()]
            return self._wrap("{", "}", items, level)
        if isinstance(tree, list | tuple):
            return self._wrap("[", "]", [self.encode(v, level + 1) for v in tree], level)
        return json.dumps(str(tree), ensure_ascii=False)

    def _wrap(self, opening: str, closing: str, items: list[str], level: int) -> str:
        if not items:
            return opening + closing
        if self.indent is None:
            return opening + ",".join(items) + closing
        pad = " " * (self.indent * (level + 1))
        end = " " * (self.indent * level)
        return opening + "\n" + ",\n".join(pad + item for item in items) + "\n" + end + closing
