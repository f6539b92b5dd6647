"""Grafana's variable formats (`${var:csv}`, `:sqlstring`, `:queryparam`...), byte for byte.

Ported from grafana/scenes `variables/interpolation/formatRegistry.ts` and from grafana-data
`text/string.ts` (escapeRegex), `text/sanitize.ts` (escapeHtml) and `utils/url.ts` (toUrlParams,
encodeURIComponentAsAngularJS). A list item of None is JavaScript's `undefined` (a field path that found
no option property).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol
from urllib.parse import quote

from core.grafana.js_numbers import js_is_numeric, js_parse_int, js_round
from core.grafana.moment_format import format_moment, iso_string

FORMATS = (
    "lucene", "raw", "regex", "pipe", "distributed", "csv", "html", "json", "percentencode", "singlequote",
    "doublequote", "sqlstring", "join", "date", "glob", "text", "queryparam", "customqueryparam", "uriencode",
)

Item = str | None
FormatValue = str | tuple[Item, ...]
"""What a formatter gets: a string (numbers already in their JavaScript text) or a list."""

_LUCENE_SPECIAL = re.compile(
    "([!*+\\-=<>\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff&|()\\[\\]{}^~?:\\\\/\"])"
)
_REGEX_SPECIAL = re.compile(r"[\\^$*+?.()|[\]{}/]")


class FormatSource(Protocol):
    """What a format reads from the variable besides its value (formatRegistry's FormatVariable)."""

    name: str

    def value_text(self, field_path: str | None) -> str | None:
        """getValueText, or None when the Grafana object has none (the text format then uses the value)."""

    def url_params(self) -> list[tuple[str, str]] | None:
        """urlSync.getUrlState() as (key, value) pairs, or None for objects without URL sync."""


def js_string(value: FormatValue | int | None) -> str:
    """JavaScript String(value): arrays join with "," (undefined items as ""), null is "null"."""
    if value is None:
        return "null"
    if isinstance(value, tuple):
        return ",".join(_join_item(item) for item in value)
    return str(value)


def _join_item(item: Item) -> str:
    return "" if item is None else item


def _string_item(item: Item) -> str:
    """String(item): undefined is "undefined"."""
    return "undefined" if item is None else item


def encode_component_strict(value: str) -> str:
    """encodeURIComponent plus !'()* (RFC 3986)."""
    return quote(value, safe="")


def _encode_uri_strict(value: str) -> str:
    """encodeURI plus !'()*."""
    return quote(value, safe=";,/?:@&=+$#")


def encode_angular(value: str) -> str:
    """url.ts encodeURIComponentAsAngularJS with spaces as %20 (and !'()* encoded)."""
    return quote(value, safe="@:$,;")


def to_url_params(pairs: Sequence[tuple[str, str]]) -> str:
    """url.ts toUrlParams for string values and lists already flattened into pairs."""
    return "&".join(f"{encode_angular(key)}={encode_angular(value)}" for key, value in pairs)


def _lucene_escape(value: str) -> str:
    if js_is_numeric(value):
        return value
    return _LUCENE_SPECIAL.sub(r"\\\1", value)


def _escape_regex(value: str) -> str:
    return _REGEX_SPECIAL.sub(lambda match: "\\" + match.group(0), value)


def _escape_html(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&#39;").replace('"', "&quot;"))


Formatter = Callable[[FormatValue, list[str], FormatSource, str | None], str]


def _lucene(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    if isinstance(value, tuple):
        if not value:
            return "__empty__"
        return "(" + " OR ".join(f'"{_lucene_escape(_string_item(item))}"' for item in value) + ")"
    return _lucene_escape(value)


def _regex(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    if isinstance(value, tuple):
        escaped = [_escape_regex(_string_item(item)) for item in value]
        return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"
    return _escape_regex(value)


def _joiner(separator: str) -> Formatter:
    def join(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
        return separator.join(_join_item(item) for item in value) if isinstance(value, tuple) else value

    return join


def _distributed(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    if isinstance(value, tuple):
        return ",".join(_join_item(item) if index == 0 else f"{source.name}={_string_item(item)}"
                        for index, item in enumerate(value))
    return value


def _html(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    return _escape_html(", ".join(_join_item(item) for item in value) if isinstance(value, tuple) else value)


def _json(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(list(value), separators=(",", ":"), ensure_ascii=False)


def _percent_encode(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    return encode_component_strict("{" + js_string(value) + "}" if isinstance(value, tuple) else value)


def _uri_encode(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    return _encode_uri_strict("{" + js_string(value) + "}" if isinstance(value, tuple) else value)


def _quoter(quote_char: str, escapes: Mapping[str, str]) -> Formatter:
    def quoted(item: Item) -> str:
        return quote_char + "".join(escapes.get(char, char) for char in _join_item(item)) + quote_char

    def format_quoted(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
        if isinstance(value, tuple):
            return ",".join(quoted(item) for item in value)
        return quoted(value)

    return format_quoted


def _join(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    if isinstance(value, tuple):
        return (args[0] if args else ",").join(_join_item(item) for item in value)
    return value


def format_date(value: FormatValue, args: list[str], *, browser_timezone: str | None, week_start: str | None) -> str:
    """The date format: ms, seconds, iso (default) or a moment.js format in the browser's zone."""
    number = js_parse_int(value) if isinstance(value, str) else None
    if number is None:
        return "NaN"
    arg = args[0] if args else "iso"
    if arg == "ms":
        return value if isinstance(value, str) else js_string(value)
    if arg == "seconds":
        return str(js_round(number / 1000))
    if arg == "iso":
        return iso_string(number)
    return format_moment(number, ":".join(args), "browser", browser_timezone=browser_timezone,
                         week_start=week_start)


def _glob(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    if isinstance(value, tuple) and len(value) > 1:
        return "{" + js_string(value) + "}"
    return js_string(value)


def _text(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    text = source.value_text(field_path)
    return js_string(value) if text is None else text


def query_param(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    """queryparam: the variable's URL state when it has one (and no field path), else var-name=value."""
    params = source.url_params()
    if params is not None and not field_path:
        return to_url_params(params)
    items = value if isinstance(value, tuple) else (value,)
    return "&".join(f"var-{source.name}={encode_component_strict(_string_item(item))}" for item in items)


def _custom_query_param(value: FormatValue, args: list[str], source: FormatSource, field_path: str | None) -> str:
    name = encode_component_strict((args[0] if args else "") or source.name)
    prefix = encode_component_strict(args[1] if len(args) > 1 else "")
    items = value if isinstance(value, tuple) else (value,)
    return "&".join(f"{name}={prefix}{encode_component_strict(_string_item(item))}" for item in items)


FORMATTERS: dict[str, Formatter] = {
    "lucene": _lucene,
    "raw": lambda value, args, source, field_path: js_string(value),
    "regex": _regex,
    "pipe": _joiner("|"),
    "distributed": _distributed,
    "csv": _joiner(","),
    "html": _html,
    "json": _json,
    "percentencode": _percent_encode,
    "singlequote": _quoter("'", {"'": "\\'"}),
    "doublequote": _quoter('"', {'"': '\\"'}),
    "sqlstring": _quoter("'", {"'": "''", '"': '\\"'}),
    "join": _join,
    "glob": _glob,
    "text": _text,
    "queryparam": query_param,
    "customqueryparam": _custom_query_param,
    "uriencode": _uri_encode,
}
GLOB = _glob
