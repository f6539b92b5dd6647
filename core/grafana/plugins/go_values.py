"""CQL values as gocql 1.7's MapScan hands them to a Go plugin: a Go dynamic type and a payload.

The Grafana plugins are Go programs that scan rows with gocql. What they show depends on the Go type gocql picks
for each CQL type (its `goType`) and on how it decodes the bytes, NULL included (NULL becomes the type's zero
value, except for pointers and maps). These rules are written here from gocql's behaviour, in Python.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import struct
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.cql.values import TimestampMs

#: time.Time{} (0001-01-01T00:00:00Z) as Unix seconds.
GO_ZERO_TIME_SEC = -62135596800
ZERO_UUID = bytes(16)


@dataclass(frozen=True)
class CqlType:
    """A CQL type as a tree: `name` is gocql's type word (`int`, `list`, `map`, `udt`, `custom`...)."""

    name: str
    params: tuple[CqlType, ...] = ()
    fields: tuple[str, ...] = ()  # UDT field names, one per param
    custom: str = ""  # the class name of a custom type (vectors are custom types in protocol v4)

    def contains_custom(self) -> bool:
        return self.name == "custom" or any(p.contains_custom() for p in self.params)


@dataclass(frozen=True)
class GoTime:
    """A Go time.Time as Unix seconds and nanoseconds in [0, 1e9)."""

    sec: int
    nsec: int = 0


@dataclass(frozen=True)
class GoValue:
    """One Go value: its dynamic type name as Go prints it (`int64`, `*inf.Dec`, `[]string`) and a payload.

    Payloads: str, int, float, bool, Decimal or None (`*inf.Dec`), int or None (`*big.Int`), GoTime,
    (months, days, nanos) for gocql.Duration, 16 bytes for gocql.UUID, bytes or None for []uint8, a list of
    GoValue or None (nil) for slices, a list of (GoValue, GoValue) or None for maps, a list of (name, GoValue)
    or None for a UDT (map[string]interface {}).
    """

    gotype: str
    value: Any = field(default=None)


class GoTypeError(Exception):
    """gocql cannot create a Go type for the column (an unknown or custom type such as a vector)."""


class GoPanic(Exception):
    """A Go runtime panic; its message is the panic value as Go prints it."""


_SCALARS = {
    "ascii": "string", "text": "string", "varchar": "string", "inet": "string",
    "bigint": "int64", "counter": "int64", "time": "time.Duration", "timestamp": "time.Time",
    "blob": "[]uint8", "boolean": "bool", "float": "float32", "double": "float64", "int": "int",
    "smallint": "int16", "tinyint": "int8", "decimal": "*inf.Dec", "uuid": "gocql.UUID",
    "timeuuid": "gocql.UUID", "varint": "*big.Int", "date": "time.Time", "duration": "gocql.Duration",
}


def go_type(cql: CqlType) -> str:
    """gocql's goType: the Go type name; GoTypeError for unknown types, GoPanic for an invalid map key."""
    scalar = _SCALARS.get(cql.name)
    if scalar is not None:
        return scalar
    if len(cql.params) < {"list": 1, "set": 1, "map": 2}.get(cql.name, 0):
        raise GoTypeError(f"cannot create Go type for incomplete CQL type {cql.name}")
    if cql.name in ("list", "set"):
        return "[]" + go_type(cql.params[0])
    if cql.name == "map":
        key, value = go_type(cql.params[0]), go_type(cql.params[1])
        if key.startswith(("[]", "map[")):
            raise GoPanic(f"reflect.MapOf: invalid key type {key}")
        return f"map[{key}]{value}"
    if cql.name == "tuple":
        return "[]interface {}"
    if cql.name == "udt":
        return "map[string]interface {}"
    raise GoTypeError(f"cannot create Go type for unknown CQL type {cql.custom or cql.name}")


def zero_value(gotype: str) -> GoValue:
    """Go's zero value of the type (nil for pointers, slices and maps)."""
    zeros: dict[str, Any] = {
        "string": "", "int64": 0, "int": 0, "int16": 0, "int8": 0, "time.Duration": 0, "bool": False,
        "float32": 0.0, "float64": 0.0, "time.Time": GoTime(GO_ZERO_TIME_SEC), "gocql.UUID": ZERO_UUID,
        "gocql.Duration": (0, 0, 0),
    }
    return GoValue(gotype, zeros.get(gotype))


# -- decoding the native protocol's bytes -----------------------------------------------------------


def decode(cql: CqlType, data: bytes | None) -> GoValue:
    """The value gocql unmarshals from a column's bytes (None: NULL) into a new value of its Go type."""
    gotype = go_type(cql)
    if data is not None and len(data) == 0 and cql.name == "udt":
        return GoValue(gotype, [])  # gocql makes the map, then finds no field
    if data is None or (len(data) == 0 and cql.name not in ("ascii", "text", "varchar", "blob")):
        return _null(cql, gotype)
    name = cql.name
    if name in ("ascii", "text", "varchar"):
        return GoValue(gotype, data.decode("utf-8", errors="surrogateescape"))
    if name in ("int", "bigint", "counter", "smallint", "tinyint", "time"):
        return GoValue(gotype, int.from_bytes(data, "big", signed=True))
    if name == "boolean":
        return GoValue(gotype, data[0] != 0)
    if name == "float":
        return GoValue(gotype, struct.unpack(">f", data)[0])
    if name == "double":
        return GoValue(gotype, struct.unpack(">d", data)[0])
    if name == "decimal":
        scale = int.from_bytes(data[:4], "big", signed=True)
        unscaled = int.from_bytes(data[4:], "big", signed=True)
        digits = tuple(int(d) for d in str(abs(unscaled)))
        return GoValue(gotype, Decimal((1 if unscaled < 0 else 0, digits, -scale)))
    if name == "varint":
        return GoValue(gotype, int.from_bytes(data, "big", signed=True))
    if name == "timestamp":
        sec, ms = divmod(int.from_bytes(data, "big", signed=True), 1000)
        return GoValue(gotype, GoTime(sec, ms * 1_000_000))
    if name == "date":
        days = int.from_bytes(data, "big") - (1 << 31)
        return GoValue(gotype, GoTime(days * 86400))
    if name == "duration":
        return GoValue(gotype, _duration(data))
    if name in ("uuid", "timeuuid"):
        return GoValue(gotype, bytes(data))
    if name == "inet":
        return GoValue(gotype, inet_text(data))
    if name == "blob":
        return GoValue(gotype, bytes(data))
    if name in ("list", "set"):
        return GoValue(gotype, [decode(cql.params[0], item) for item in _items(data)])
    if name == "map":
        items = _items(data, pairs=True)
        return GoValue(gotype, [(decode(cql.params[0], items[i]), decode(cql.params[1], items[i + 1]))
                                for i in range(0, len(items), 2)])
    if name == "tuple":
        return GoValue(gotype, _members(cql, data))
    if name == "udt":
        return GoValue(gotype, list(zip(cql.fields, _members(cql, data), strict=False)))
    raise GoTypeError(f"cannot create Go type for unknown CQL type {name}")


def _null(cql: CqlType, gotype: str) -> GoValue:
    if cql.name in ("list", "set"):
        return GoValue(gotype, [])  # MapScan copies every slice: a NULL list is an empty, non-nil slice
    if cql.name == "blob":
        return GoValue(gotype, b"")
    return zero_value(gotype)


def _items(data: bytes, pairs: bool = False) -> list[bytes | None]:
    count = int.from_bytes(data[:4], "big", signed=True) * (2 if pairs else 1)
    return _sized(data[4:], count)


def _sized(data: bytes, count: int | None) -> list[bytes | None]:
    """`count` [int32 length][bytes] items (all of them when count is None); length < 0 is NULL."""
    items: list[bytes | None] = []
    pos = 0
    while (count is None or len(items) < count) and pos + 4 <= len(data):
        size = int.from_bytes(data[pos:pos + 4], "big", signed=True)
        pos += 4
        if size < 0:
            items.append(None)
        else:
            items.append(data[pos:pos + size])
            pos += size
    return items


def _members(cql: CqlType, data: bytes) -> list[GoValue]:
    """Tuple elements or UDT fields; a NULL member is its type's zero value, a missing one is left out."""
    raw = _sized(data, len(cql.params))
    return [zero_value(go_type(t)) if item is None else decode(t, item) for t, item in zip(cql.params, raw,
                                                                                             strict=False)]


def _duration(data: bytes) -> tuple[int, int, int]:
    values: list[int] = []
    pos = 0
    for _ in range(3):
        first = data[pos]
        extra = 0
        while extra < 8 and first & (0x80 >> extra):
            extra += 1
        number = first & (0xFF >> (extra + 1)) if extra < 8 else 0
        for byte in data[pos + 1:pos + 1 + extra]:
            number = (number << 8) | byte
        pos += 1 + extra
        values.append((number >> 1) ^ -(number & 1))  # zigzag
    return values[0], values[1], values[2]


def inet_text(data: bytes) -> str:
    """gocql's inet as a Go string: IPv4 (also IPv4-mapped IPv6) dotted, IPv6 in Go's net.IP form."""
    if len(data) == 16 and data[:12] == bytes(10) + b"\xff\xff":
        data = data[12:]
    if len(data) == 4:
        return str(ipaddress.IPv4Address(data))
    if len(data) == 16:
        return str(ipaddress.IPv6Address(data))
    return "?" + data.hex()  # Go's net.IP.String for an address of another length


# -- the same from the Python driver's values -------------------------------------------------------


def from_driver(cql: CqlType, value: Any) -> GoValue:
    """The gocql value for a value the Python driver decoded (used where only driver values exist)."""
    gotype = go_type(cql)
    if value is None:
        return _null(cql, gotype)
    name = cql.name
    if name in ("list", "set"):
        return GoValue(gotype, [from_driver(cql.params[0], v) for v in value])
    if name == "map":
        return GoValue(gotype, [(from_driver(cql.params[0], k), from_driver(cql.params[1], v))
                                for k, v in value.items()])
    if name == "tuple":
        return GoValue(gotype, [from_driver(t, v) for t, v in zip(cql.params, value, strict=False)])
    if name == "udt":
        if not cql.fields:  # the type text did not say: take the names and kinds from the value
            names = tuple(getattr(value, "_fields", ()) or vars(value))
            cql = CqlType("udt", tuple(_infer(getattr(value, n)) for n in names), names)
        return GoValue(gotype, [(n, from_driver(t, getattr(value, n, None)))
                                for n, t in zip(cql.fields, cql.params, strict=False)])
    return GoValue(gotype, _scalar_from_driver(name, value))


def _infer(value: Any) -> CqlType:
    """A likely CQL type for a driver value whose declared type is unknown (UDT fields from type text)."""
    if isinstance(value, bool):
        return CqlType("boolean")
    kinds: list[tuple[type, str]] = [(TimestampMs, "timestamp"), (int, "int"), (float, "double"),
                                     (Decimal, "decimal"), (bytes, "blob"), (dt.datetime, "timestamp")]
    for kind, name in kinds:
        if isinstance(value, kind):
            return CqlType(name)
    return CqlType("text")


def _scalar_from_driver(name: str, value: Any) -> Any:
    if name == "timestamp":
        ms = value if isinstance(value, int) else _datetime_ms(value)
        sec, rest = divmod(ms, 1000)
        return GoTime(sec, rest * 1_000_000)
    if name == "date":
        return GoTime(int(getattr(value, "days_from_epoch", value)) * 86400)
    if name == "time":
        return int(getattr(value, "nanosecond_time", value))
    if name == "duration":
        return (int(value.months), int(value.days), int(value.nanoseconds))
    if name in ("uuid", "timeuuid"):
        return bytes(value.bytes)
    if name == "inet":
        return inet_text(ipaddress.ip_address(str(value)).packed)
    if name == "blob":
        return bytes(value)
    if name in ("float", "double"):
        return float(value)
    if name == "boolean":
        return bool(value)
    if name in ("decimal",):
        return Decimal(value)
    if name in ("varint", "int", "bigint", "counter", "smallint", "tinyint"):
        return int(value)
    return str(value)


def _datetime_ms(value: dt.datetime) -> int:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return (value - dt.datetime(1970, 1, 1)) // dt.timedelta(milliseconds=1)


# -- CQL types from the driver's type classes and from type text -------------------------------------

def cql_type_of(driver_type: Any) -> CqlType:
    """The CqlType of a Python driver type class (result metadata)."""
    from cassandra.cqltypes import UserType

    typename = str(getattr(driver_type, "typename", ""))
    subtypes = tuple(getattr(driver_type, "subtypes", ()) or ())
    if typename == "frozen":
        return cql_type_of(subtypes[0])
    if isinstance(driver_type, type) and issubclass(driver_type, UserType):
        return CqlType("udt", tuple(cql_type_of(s) for s in subtypes), tuple(getattr(driver_type, "fieldnames", ())))
    if typename in ("list", "set", "map", "tuple"):
        return CqlType(typename, tuple(cql_type_of(s) for s in subtypes))
    if typename in _SCALARS:
        return CqlType(typename)
    return CqlType("custom", custom=typename)


def parse_cql_type(text: str) -> CqlType:
    """The CqlType of CQL type text (`map<text, int>`, `frozen<tuple<int, text>>`, `vector<float, 3>`).

    A UDT's field names are not in its text: such a type has no fields, and from_driver takes them from the value.
    """
    node, _rest = _parse(text.replace(" ", ""))
    return node


def _parse(text: str) -> tuple[CqlType, str]:
    """One type at the start of `text` (no spaces): the type and the text after it."""
    end = 0
    while end < len(text) and text[end] not in "<,>":
        end += 1
    word, rest = text[:end].lower().strip('"'), text[end:]
    if not rest.startswith("<"):
        if word in _SCALARS:
            return CqlType(word), rest
        if word.isdigit() or not word:  # a vector's dimension
            return CqlType("custom", custom=word), rest
        return CqlType("udt"), rest
    params: list[CqlType] = []
    rest = rest[1:]
    while rest:
        param, rest = _parse(rest)
        params.append(param)
        separator, rest = rest[:1], rest[1:]
        if separator != ",":
            break
    if word == "frozen" and params:
        return params[0], rest
    if word in ("list", "set", "map", "tuple"):
        return CqlType(word, tuple(params)), rest
    return CqlType("custom", custom=word), rest
