"""JavaScript number and whitespace semantics (parseInt, unary +, Math.round, \\s) that Grafana's code relies on."""

from __future__ import annotations

import math
import re

# JavaScript's \s (WhiteSpace and LineTerminator); Python's \s differs.
JS_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")
_PARSE_INT = re.compile(r"[+-]?\d+", re.ASCII)
_JS_DECIMAL = re.compile(r"[+-]?(?:Infinity|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)", re.ASCII)
_JS_RADIX = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+", re.ASCII)


def js_parse_int(text: str) -> int | None:
    """JavaScript `parseInt(text, 10)`; None stands for NaN."""
    match = _PARSE_INT.match(_strip_js_space(text, end=False))
    return int(match.group()) if match else None


def js_is_numeric(text: str) -> bool:
    """True when JavaScript `+text` is a number (not NaN); an empty or blank string counts as 0."""
    stripped = _strip_js_space(text)
    return stripped == "" or bool(_JS_DECIMAL.fullmatch(stripped) or _JS_RADIX.fullmatch(stripped))


def js_round(value: float) -> int:
    """JavaScript `Math.round`: halves go up, also for negatives."""
    return math.floor(value + 0.5)


def _strip_js_space(text: str, *, end: bool = True) -> str:
    first, last = 0, len(text)
    while first < last and JS_SPACE.match(text[first]):
        first += 1
    while end and last > first and JS_SPACE.match(text[last - 1]):
        last -= 1
    return text[first:last]


def js_number_truthy(text: str) -> bool:
    """`if (Number(str))` in describeInterval: a non-zero number."""
    stripped = _strip_js_space(text)
    if not js_is_numeric(stripped) or stripped == "":
        return False
    if _JS_RADIX.fullmatch(stripped):
        return int(stripped, 0) != 0
    return float(stripped) != 0


