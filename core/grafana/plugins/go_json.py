"""Go's encoding/json Marshal (Go 1.24) of gocql values, and Go's float formatting.

The scylla plugin shows every column it has no typed field for as `json.Marshal` text, so its exact bytes are
what a panel displays: keys sorted, `<>&` escaped, blobs in base64, floats in Go's shortest form.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import uuid
from decimal import Decimal

import numpy as np

from core.grafana.plugins.go_values import GoTime, GoValue


class GoJsonError(Exception):
    """json.Marshal failed; the message is Go's error text."""


def marshal(value: GoValue) -> str:
    """json.Marshal of one Go value; GoJsonError where Go returns an error (NaN, a year past 9999...)."""
    return "".join(_encode(value))


def _encode(value: GoValue) -> list[str]:
    gotype, payload = value.gotype, value.value
    if gotype == "string":
        return [quote(payload)]
    if gotype in ("int", "int64", "int16", "int8", "time.Duration"):
        return [str(payload)]
    if gotype in ("float32", "float64"):
        return [format_float(payload, 32 if gotype == "float32" else 64)]
    if gotype == "bool":
        return ["true" if payload else "false"]
    if gotype == "*inf.Dec":
        return ["null"] if payload is None else [quote(dec_string(payload))]
    if gotype == "*big.Int":
        return ["null"] if payload is None else [str(payload)]
    if gotype == "time.Time":
        try:
            return [quote(time_text(payload))]
        except GoJsonError as error:  # encoding/json's MarshalerError
            raise GoJsonError(f"json: error calling MarshalJSON for type time.Time: {error}") from None
    if gotype == "gocql.UUID":
        return [quote(str(uuid.UUID(bytes=payload)))]
    if gotype == "gocql.Duration":
        months, days, nanos = payload
        return [f'{{"Months":{months},"Days":{days},"Nanoseconds":{nanos}}}']
    if gotype == "[]uint8":
        return ["null"] if payload is None else [quote(base64.b64encode(payload).decode("ascii"))]
    if gotype.startswith("map["):
        return _encode_map(value)
    if gotype.startswith("[]"):
        if payload is None:
            return ["null"]
        parts = [",".join(marshal(item) for item in payload)]
        return ["[", *parts, "]"]
    raise GoJsonError(f"json: unsupported type: {gotype}")


def _encode_map(value: GoValue) -> list[str]:
    gotype, payload = value.gotype, value.value
    if gotype == "map[string]interface {}":
        entries = None if payload is None else [(name, member) for name, member in payload]
    else:
        key_type = gotype[4:_key_end(gotype)]
        if key_type not in _KEY_TYPES:
            raise GoJsonError(f"json: unsupported type: {gotype}")
        try:
            entries = None if payload is None else [(map_key(k), v) for k, v in payload]
        except GoJsonError as error:  # encoding/json's mapEncoder: fmt.Errorf("...%q: %q", ...)
            raise GoJsonError(f'json: encoding error for type "{gotype}": "{error}"') from None
    if entries is None:
        return ["null"]
    entries.sort(key=lambda item: item[0])
    return ["{", ",".join(f"{quote(k)}:{marshal(v)}" for k, v in entries), "}"]


_KEY_TYPES = {"string", "int", "int64", "int16", "int8", "time.Duration", "time.Time", "gocql.UUID",
              "*inf.Dec", "*big.Int"}


def _key_end(gotype: str) -> int:
    """Index of the `]` that closes a map type's key (`map[[16]uint8]int` style nesting included)."""
    depth = 0
    for index, char in enumerate(gotype[3:], start=3):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0:
            return index
    return len(gotype)


def map_key(key: GoValue) -> str:
    """A map key as encoding/json writes it: strings as they are, integers in decimal, others as text."""
    if key.gotype in ("int", "int64", "int16", "int8", "time.Duration", "string"):
        return str(key.value)
    if key.gotype in ("*inf.Dec", "*big.Int"):
        if key.value is None:
            return ""
        return dec_string(key.value) if key.gotype == "*inf.Dec" else str(key.value)
    if key.gotype == "gocql.UUID":
        return str(uuid.UUID(bytes=key.value))
    return time_text(key.value, error_prefix="Time.MarshalText")


# -- strings ------------------------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def quote(text: str) -> str:
    """A JSON string as encoding/json writes it (HTML-safe; bytes that are not UTF-8 become \\ufffd)."""
    out = ['"']
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char < " ":
            out.append(f"\\u00{ord(char):02x}")
        elif "\udc80" <= char <= "\udcff":  # an undecodable byte kept by surrogateescape
            out.append("\\ufffd")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


# -- numbers ------------------------------------------------------------------------------------------


def shortest_digits(value: float, bits: int) -> tuple[str, int]:
    """The shortest decimal digits that read back as `value` at this size, and the decimal exponent of the
    first digit (`1.5` -> ("15", 0)). Requires a finite, non-zero value."""
    if bits == 32:
        text = np.format_float_scientific(np.float32(value), unique=True)
    else:
        text = f"{value!r}" if "e" in repr(value) else f"{Decimal(repr(value)):e}"
    mantissa, _, exponent = text.lower().partition("e")
    digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    lead = len(mantissa.lstrip("-").split(".")[0].lstrip("0") or "0") - 1
    return digits, int(exponent or 0) + lead


def format_float(value: float, bits: int) -> str:
    """A float as encoding/json writes it: shortest digits, `e` notation below 1e-6 and from 1e21."""
    if math.isnan(value) or math.isinf(value):
        raise GoJsonError(f"json: unsupported value: {go_float_name(value)}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    digits, exp = shortest_digits(abs(value), bits)
    magnitude = abs(value) if bits == 64 else float(np.float32(abs(value)))
    if magnitude < 1e-6 or magnitude >= 1e21:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}".replace("e-0", "e-")
    if exp < 0:
        return f"{sign}0.{'0' * (-exp - 1)}{digits}"
    if exp + 1 >= len(digits):
        return sign + digits + "0" * (exp + 1 - len(digits))
    return f"{sign}{digits[:exp + 1]}.{digits[exp + 1:]}"


def go_float_name(value: float) -> str:
    """Go's %v of a special float: NaN, +Inf, -Inf."""
    if math.isnan(value):
        return "NaN"
    return "+Inf" if value > 0 else "-Inf"


def dec_string(value: Decimal) -> str:
    """inf.Dec's String: the unscaled digits with the point placed by the scale, never an exponent."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(str(d) for d in digits).lstrip("0") or "0"
    if exponent >= 0:
        body = text + "0" * exponent if text != "0" else "0"
    else:
        scale = -exponent
        text = text.rjust(scale + 1, "0")
        body = f"{text[:-scale]}.{text[-scale:]}"
    return ("-" if sign and body.strip("0.") else "") + body


def time_text(moment: GoTime, error_prefix: str = "Time.MarshalJSON") -> str:
    """time.Time's RFC 3339 text with nanoseconds, in UTC (`2024-01-15T10:30:00.123Z`)."""
    days, secs = divmod(moment.sec - GO_EPOCH_SEC, 86400)
    date = dt.date(1, 1, 1) + dt.timedelta(days=days) if 0 <= days < _MAX_DAYS else None
    if date is None or date.year > 9999:
        raise GoJsonError(f"{error_prefix}: year outside of range [0,9999]")
    hours, rest = divmod(secs, 3600)
    fraction = f".{moment.nsec:09d}".rstrip("0") if moment.nsec else ""
    return f"{date.isoformat()}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}{fraction.rstrip('.')}Z"


GO_EPOCH_SEC = -62135596800  # 0001-01-01T00:00:00Z
_MAX_DAYS = (dt.date(9999, 12, 31) - dt.date(1, 1, 1)).days + 1
