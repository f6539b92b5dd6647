"""Go's text forms, for emulating Go plugin backends byte for byte.

`fmt` verbs (`%d`, `%f`, `%v` of floats), `time.Time.String()`, `encoding/json` string escaping and
`json.MarshalIndent`, and the int64 wrap-around of `Time.UnixNano()`. Times are held as exact
nanoseconds since the Unix epoch (a Python int of any size, so Go's zero time fits too).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from core.cql.values import civil_from_days

NS_PER_SECOND = 1_000_000_000
NS_PER_MS = 1_000_000
#: time.Time{} (0001-01-01 00:00:00 UTC) as nanoseconds since the Unix epoch.
GO_ZERO_TIME_NS = -62_135_596_800 * NS_PER_SECOND

_INT64_SPAN = 1 << 64


#: unicode.IsSpace: what Go's strings.TrimSpace removes.
GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
            "\u2028\u2029\u202f\u205f\u3000")


def go_trim_space(text: str) -> str:
    """strings.TrimSpace."""
    return text.strip(GO_SPACE)


def wrap_int64(value: int) -> int:
    """The int64 that Go's arithmetic leaves of `value` (two's complement wrap-around)."""
    value %= _INT64_SPAN
    return value - _INT64_SPAN if value >= 1 << 63 else value


def go_float_f(value: float) -> str:
    """`fmt.Sprintf("%f", v)`: six decimals; `NaN`, `+Inf`, `-Inf` for the special values."""
    special = _special(value)
    return special if special is not None else f"{value:.6f}"


def go_float_v(value: float, bits: int = 64) -> str:
    """`fmt.Sprintf("%v", v)` of a float32 (bits=32) or float64: shortest digits, `%e` form when the
    exponent is below -4 or at least 6 (`1e+06`, `1.5e-05`), as strconv's shortest `%g` does."""
    special = _special(value)
    if special is not None:
        return special
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    number = np.float32(value) if bits == 32 else np.float64(value)
    mantissa, _, exponent_text = np.format_float_scientific(number, unique=True, trim="-").partition("e")
    sign = ""
    if mantissa.startswith("-"):
        sign, mantissa = "-", mantissa[1:]
    digits = mantissa.replace(".", "")
    exponent = int(exponent_text)
    if exponent < -4 or exponent >= 6:
        fraction = "." + digits[1:] if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{fraction}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    whole, fraction = digits[:exponent + 1], digits[exponent + 1:]
    whole = whole + "0" * (exponent + 1 - len(whole))
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def _special(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return None


def go_quote(text: str) -> str:
    """`%q` of a string: a double-quoted Go literal (printable Unicode kept, controls escaped)."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif not char.isprintable() and code > 0x7F:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_SHORT_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


# -- time.Time ---------------------------------------------------------------------------------------


def go_time_string(ns: int) -> str:
    """`time.Time.String()` of a UTC time: `2024-01-15 10:30:00.123 +0000 UTC` (fraction trimmed)."""
    seconds, nanos = divmod(ns, NS_PER_SECOND)
    days, second_of_day = divmod(seconds, 86_400)
    year, month, day = civil_from_days(days)
    hour, rest = divmod(second_of_day, 3600)
    minute, second = divmod(rest, 60)
    fraction = f".{nanos:09d}".rstrip("0") if nanos else ""
    year_text = f"{year:04d}" if year >= 0 else f"-{-year:04d}"
    return f"{year_text}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}{fraction} +0000 UTC"


# -- encoding/json -------------------------------------------------------------------------------------

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_json_marshal_indent(value: Any, indent: str = "    ") -> str:
    """`json.MarshalIndent(value, "", indent)` of plain JSON data with string keys in insertion order
    (Go structs keep field order) and Go's HTML-safe escaping of `<`, `>`, `&`, U+2028 and U+2029."""
    text = json.dumps(value, ensure_ascii=False, indent=len(indent))
    for char, escaped in _HTML_ESCAPES.items():
        text = text.replace(char, escaped)
    return text


_INT_RANGES = {"int": (-(1 << 63), (1 << 63) - 1), "int64": (-(1 << 63), (1 << 63) - 1),
               "int32": (-(1 << 31), (1 << 31) - 1)}


def decode_struct(data: Any, fields: tuple[tuple[str, str], ...], struct: str,
                  package: str = "main") -> tuple[dict[str, Any], str | None]:
    """`json.Unmarshal` of JSON data into a Go struct of string, bool and int fields (tag, Go type).

    Keys match tags exactly, else case-insensitively; unknown keys and nulls are skipped; a value of
    the wrong kind leaves the zero value and the first such error is returned, in Go's words."""
    values: dict[str, Any] = {tag: {"string": "", "bool": False}.get(go_type) for tag, go_type in fields}
    if not isinstance(data, dict):
        kind = json_kind(data, number_text=True)
        return values, f"json: cannot unmarshal {kind} into Go value of type {package}.{struct}"
    first_error: str | None = None
    for key, raw in data.items():
        match = next((f for f in fields if f[0] == key), None) or next(
            (f for f in fields if f[0].casefold() == str(key).casefold()), None)
        if match is None or raw is None:
            continue
        tag, go_type = match
        low, high = _INT_RANGES.get(go_type, (0, -1))
        if ((go_type == "string" and isinstance(raw, str)) or (go_type == "bool" and isinstance(raw, bool))
                or (go_type in _INT_RANGES and type(raw) is int and low <= raw <= high)):
            values[tag] = raw
        elif first_error is None:
            kind = json_kind(raw, number_text=True)
            first_error = f"json: cannot unmarshal {kind} into Go struct field {struct}.{tag} of type {go_type}"
    return values, first_error


def json_kind(value: Any, *, number_text: bool = False) -> str:
    """How Go's encoding/json names a JSON value in an UnmarshalTypeError; a number into an integer field
    carries its text (`number 1.5`), into any other type only `number`."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return f"number {value!r}" if number_text else "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, Mapping) else "array"


def go_json_float(value: float) -> str:
    """A float64 as the SDK's JSON writer (jsoniter) writes it: shortest digits, plain form for
    1e-6 <= |v| < 1e21, else exponent form (`1e+21`, `1.5e-7`)."""
    special = _special(value)
    if special is not None:
        raise ValueError(f"JSON has no {special}")
    magnitude = abs(value)
    if magnitude == 0 or 1e-6 <= magnitude < 1e21:
        return str(np.format_float_positional(np.float64(value), unique=True, trim="-"))
    text = str(np.format_float_scientific(np.float64(value), unique=True, trim="-"))
    mantissa, _, exponent = text.partition("e")
    if exponent.startswith("-"):
        return f"{mantissa}e-{int(exponent[1:])}"
    return f"{mantissa}e+{int(exponent[1:]):02d}"


def go_json_dumps(value: Any) -> str:
    """Compact JSON of plain data, floats written the way the Go SDK writes them (`10`, not `10.0`)."""
    if isinstance(value, float):
        return go_json_float(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{go_json_dumps(v)}"
                              for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(go_json_dumps(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
