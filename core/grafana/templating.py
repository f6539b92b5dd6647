"""Grafana template-variable interpolation, byte for byte as dashboards (Grafana 11+, scenes) run it.

Ported from grafana/scenes `variables/interpolation/sceneInterpolator.ts` (lookup order, null → "",
custom values re-interpolated, unknown format → glob), `formatRegistry.ts` (every format),
`variables/constants.ts` (VARIABLE_REGEX), `variants/MultiValueVariable.ts` (All, custom all value,
`${name.0}`, texts joined by " + "), `macros/timeMacros.ts` and `contextMacros.ts` (built-ins), and from
grafana-data `text/string.ts` (escapeRegex), `text/sanitize.ts` (escapeHtml) and `utils/url.ts`
(toUrlParams). The variables file format is cqlscope's own (see `load_variables`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from core.errors import CqlscopeError
from core.grafana.timerange import (
    FULL_DATE_FORMAT,
    UTC_ZONE,
    Interval,
    TimeRange,
    format_moment,
    iso_string,
    js_is_numeric,
    js_parse_int,
    js_round,
    zone_name,
)

# constants.ts VARIABLE_REGEX; JavaScript's \w is ASCII-only, hence re.ASCII.
VARIABLE_PATTERN = re.compile(
    r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}", re.ASCII
)
ALL_TEXT = "All"  # ALL_VARIABLE_TEXT
ALL_VALUE = "$__all"  # ALL_VARIABLE_VALUE, what the URL carries for "All"
FORMATS = (
    "lucene", "raw", "regex", "pipe", "distributed", "csv", "html", "json", "percentencode", "singlequote",
    "doublequote", "sqlstring", "join", "date", "glob", "text", "queryparam", "customqueryparam", "uriencode",
)
RANGE_VARIABLES = ("__range", "__range_s", "__range_ms")

_NAME = re.compile(r"\w+", re.ASCII)
_LUCENE_SPECIAL = re.compile(
    "([!*+\\-=<>\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff&|()\\[\\]{}^~?:\\\\/\"])"
)
_REGEX_SPECIAL = re.compile(r"[\\^$*+?.()|[\]{}/]")

Scalar = str | int
"""A single value: dashboard variables hold strings, `$__from`/`$__to` epoch ms."""
Value = Scalar | tuple[str, ...]


# -- the variable model and its file ---------------------------------------------------------------


class VariablesFileError(CqlscopeError, ValueError):
    """A variables file (or dict) that cannot be read; the message names the variable at fault."""

    title = "Invalid variables file"


@dataclass(frozen=True)
class Variable:
    """One dashboard variable's current selection, as Grafana's MultiValueVariable holds it.

    With `all_selected` it stands for `all_value` when set, else for every value in `options`.
    """

    name: str
    value: str | tuple[str, ...] | None = None  # a tuple is a multi-value selection; None interpolates to ""
    text: str | tuple[str, ...] | None = None  # display texts; None: the values themselves
    all_selected: bool = False
    all_value: str | None = None
    options: tuple[str, ...] = ()

    @property
    def display_text(self) -> str | tuple[str, ...] | None:
        return self.value if self.text is None else self.text


_KEYS = frozenset({"value", "text", "all", "allValue", "options"})


def load_variables(source: str | Path | Mapping[str, Any]) -> dict[str, Variable]:
    """Variables by name from a JSON file or a parsed dict; VariablesFileError names the entry at fault.

    An entry is a string, a list of strings, null, `{"value", "text"?}` or `{"all": true, "allValue"?, "options"?}`.
    """
    if isinstance(source, Mapping):
        data: Any = source
    else:
        path = Path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise VariablesFileError(f"cannot read {path}: {error.strerror or error}") from None
        except json.JSONDecodeError as error:
            raise VariablesFileError(f"{path} is not valid JSON: {error.msg} (line {error.lineno})") from None
    if not isinstance(data, Mapping):
        raise VariablesFileError("the variables file must hold a JSON object of name: value")
    return {name: _parse_variable(name, entry) for name, entry in data.items()}


def _parse_variable(name: Any, entry: Any) -> Variable:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise VariablesFileError(f"variable name {name!r}: use letters, digits and _ only (Grafana's \\w)")
    if not isinstance(entry, Mapping):
        return Variable(name, _parse_value(name, "value", entry))
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise VariablesFileError(f"variable '{name}': unknown key(s) {', '.join(unknown)}; "
                                 f"expected value, text, all, allValue, options")
    selected = entry.get("all", False)
    if not isinstance(selected, bool):
        raise VariablesFileError(f"variable '{name}': 'all' must be true or false")
    all_value = entry.get("allValue")
    if all_value is not None and not isinstance(all_value, str):
        raise VariablesFileError(f"variable '{name}': 'allValue' must be a string")
    options = entry.get("options", [])
    if not isinstance(options, list) or not all(isinstance(option, str) for option in options):
        raise VariablesFileError(f"variable '{name}': 'options' must be a list of strings")
    if selected:
        if "value" in entry or "text" in entry:
            raise VariablesFileError(f"variable '{name}': with \"all\": true give options, not value/text")
        return Variable(name, ALL_VALUE, ALL_TEXT, True, all_value, tuple(options))
    if "value" not in entry:
        raise VariablesFileError(f"variable '{name}': an object needs 'value' (or \"all\": true)")
    value = _parse_value(name, "value", entry["value"])
    text = _parse_value(name, "text", entry["text"]) if entry.get("text") is not None else None
    if text is not None and (isinstance(text, tuple) != isinstance(value, tuple)
                             or (isinstance(text, tuple) and len(text) != len(value or ()))):
        raise VariablesFileError(f"variable '{name}': 'text' must match 'value' (one string, or a list as long)")
    return Variable(name, value, text, False, all_value, tuple(options))


def _parse_value(name: str, key: str, raw: Any) -> str | tuple[str, ...] | None:
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return tuple(raw)
    raise VariablesFileError(f"variable '{name}': '{key}' must be a string, a list of strings or null")


def dump_variables(variables: Mapping[str, Variable] | Iterable[Variable]) -> dict[str, Any]:
    """The JSON-ready dict that `load_variables` reads back to the same variables."""
    result: dict[str, Any] = {}
    for variable in _as_list(variables):
        extras: dict[str, Any] = {}
        if variable.all_value is not None:
            extras["allValue"] = variable.all_value
        if variable.options:
            extras["options"] = list(variable.options)
        if variable.all_selected:
            result[variable.name] = {"all": True, **extras}
            continue
        value = list(variable.value) if isinstance(variable.value, tuple) else variable.value
        if variable.text is None and not extras:
            result[variable.name] = value
            continue
        entry: dict[str, Any] = {"value": value}
        if variable.text is not None:
            entry["text"] = list(variable.text) if isinstance(variable.text, tuple) else variable.text
        result[variable.name] = {**entry, **extras}
    return result


def save_variables(variables: Mapping[str, Variable] | Iterable[Variable], path: str | Path) -> None:
    """Write variables as pretty JSON (UTF-8, trailing newline) in the `load_variables` format."""
    text = json.dumps(dump_variables(variables), indent=2, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def _as_list(variables: Mapping[str, Variable] | Iterable[Variable]) -> list[Variable]:
    return list(variables.values()) if isinstance(variables, Mapping) else list(variables)


# -- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One variable expression in the text and what replaced it, like Grafana's VariableInterpolation.

    `found` is Grafana's test (a known variable whose value differs from the expression); `note` says why not.
    """

    match: str
    name: str
    start: int
    end: int
    field_path: str | None
    format: str | None
    value: str
    found: bool
    source_value: Value | None = None
    format_fallback: bool = False
    note: str = ""


@dataclass(frozen=True)
class InterpolationResult:
    """The interpolated text and every expression met on the way, in order."""

    text: str
    references: tuple[Reference, ...] = field(default_factory=tuple)

    @property
    def found(self) -> tuple[Reference, ...]:
        return tuple(reference for reference in self.references if reference.found)

    @property
    def unresolved(self) -> tuple[Reference, ...]:
        return tuple(reference for reference in self.references if not reference.found)


# -- value sources ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CustomAllValue:
    """MultiValueVariable's CustomAllValue: skips formatting except for text, percentencode, queryparam."""

    value: str


_SourceValue = Value | _CustomAllValue | None


class _Source:
    """What a format needs from a variable (formatRegistry's FormatVariable)."""

    url_sync = False  # dashboard variables format `queryparam` from their URL state
    note = ""

    def __init__(self, name: str) -> None:
        self.name = name

    def get_value(self, field_path: str | None) -> _SourceValue:
        raise NotImplementedError

    def get_text(self) -> str | None:
        """getValueText, or None when the Grafana object has none (the text format then uses the value)."""
        return None

    def url_values(self) -> list[str]:
        return []


class _DashboardVariable(_Source):
    url_sync = True

    def __init__(self, variable: Variable) -> None:
        super().__init__(variable.name)
        self.variable = variable

    def get_value(self, field_path: str | None) -> _SourceValue:
        variable = self.variable
        value: str | tuple[str, ...] | None = variable.value
        if variable.all_selected:
            if variable.all_value:
                return _CustomAllValue(variable.all_value)
            value = variable.options
        if field_path is not None and isinstance(value, tuple):
            index = js_parse_int(field_path)
            if index is not None and 0 <= index < len(value):
                return value[index]
        return value

    def get_text(self) -> str:
        if self.variable.all_selected:
            return ALL_TEXT
        text = self.variable.display_text
        if isinstance(text, tuple):
            return " + ".join(text)
        return _js_string(text)

    def url_values(self) -> list[str]:
        if self.variable.all_selected:
            return [ALL_VALUE]
        value = self.variable.value
        return list(value) if isinstance(value, tuple) else [_js_string(value)]


class _ScopedVariable(_Source):
    """A request scoped var ({text, value}) such as `__interval`, read like ScopedVarsVariable."""

    def __init__(self, name: str, value: Scalar, text: str, note: str = "") -> None:
        super().__init__(name)
        self.value, self.text, self.note = value, text, note

    def get_value(self, field_path: str | None) -> _SourceValue:
        if field_path is None:
            return _js_string(self.value)
        return _js_property(self.value, field_path)

    def get_text(self) -> str:
        return self.text


class _TimeMacro(_Source):
    """TimeFromAndToMacro: epoch ms as a number; the text format gives the date in the dashboard zone."""

    def __init__(self, name: str, ms: int, text: str) -> None:
        super().__init__(name)
        self.ms, self.text = ms, text

    def get_value(self, field_path: str | None) -> _SourceValue:
        return self.ms

    def get_text(self) -> str:
        return self.text


class _ConstantMacro(_Source):
    """A macro with a fixed text: `$__timezone`, the unresolved `$__interval`, `${__user.login}`..."""

    def __init__(self, name: str, values: Mapping[str | None, str], *, with_text: bool, note: str = "") -> None:
        super().__init__(name)
        self.values, self.with_text, self.note = values, with_text, note

    def get_value(self, field_path: str | None) -> _SourceValue:
        return self.values.get(field_path, self.values[None])

    def get_text(self) -> str | None:
        return self.values[None] if self.with_text else None


# -- formats ---------------------------------------------------------------------------------------

_Formatter = Callable[[Value, list[str], _Source], str]


def _js_string(value: Value | None) -> str:
    """JavaScript String(value): arrays join with ",", null is "null"."""
    if value is None:
        return "null"
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def _js_property(value: Scalar, path: str) -> str:
    """lodash `property(path)` on a string or number, as ScopedVarsVariable stringifies it."""
    if isinstance(value, str):
        if path == "length":
            return str(len(value))
        if path.isdigit() and int(path) < len(value):
            return value[int(path)]
    return "undefined"


def _lucene_escape(value: str) -> str:
    if js_is_numeric(value):
        return value
    return _LUCENE_SPECIAL.sub(r"\\\1", value)


def _escape_regex(value: str) -> str:
    return _REGEX_SPECIAL.sub(lambda match: "\\" + match.group(0), value)


def _escape_html(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&#39;").replace('"', "&quot;"))


def _encode_component_strict(value: str) -> str:
    """encodeURIComponent plus !'()* (RFC 3986)."""
    return quote(value, safe="")


def _encode_uri_strict(value: str) -> str:
    """encodeURI plus !'()*."""
    return quote(value, safe=";,/?:@&=+$#")


def _encode_angular(value: str) -> str:
    """url.ts encodeURIComponentAsAngularJS with spaces as %20."""
    return quote(value, safe="!~*'()@:$,;")


def _lucene(value: Value, args: list[str], source: _Source) -> str:
    if isinstance(value, tuple):
        if not value:
            return "__empty__"
        return "(" + " OR ".join(f'"{_lucene_escape(item)}"' for item in value) + ")"
    return _lucene_escape(_js_string(value))


def _regex(value: Value, args: list[str], source: _Source) -> str:
    if isinstance(value, tuple):
        escaped = [_escape_regex(item) for item in value]
        return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"
    return _escape_regex(_js_string(value))


def _joiner(separator: str) -> _Formatter:
    def join(value: Value, args: list[str], source: _Source) -> str:
        return separator.join(value) if isinstance(value, tuple) else _js_string(value)

    return join


def _distributed(value: Value, args: list[str], source: _Source) -> str:
    if isinstance(value, tuple):
        return ",".join(item if index == 0 else f"{source.name}={item}" for index, item in enumerate(value))
    return _js_string(value)


def _html(value: Value, args: list[str], source: _Source) -> str:
    return _escape_html(", ".join(value) if isinstance(value, tuple) else _js_string(value))


def _json(value: Value, args: list[str], source: _Source) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(list(value) if isinstance(value, tuple) else value, separators=(",", ":"), ensure_ascii=False)


def _percent_encode(value: Value, args: list[str], source: _Source) -> str:
    if isinstance(value, tuple):
        return _encode_component_strict("{" + ",".join(value) + "}")
    return _encode_component_strict(_js_string(value))


def _uri_encode(value: Value, args: list[str], source: _Source) -> str:
    if isinstance(value, tuple):
        return _encode_uri_strict("{" + ",".join(value) + "}")
    return _encode_uri_strict(_js_string(value))


def _quoter(quote_char: str, escapes: Mapping[str, str]) -> _Formatter:
    def quoted(item: str) -> str:
        return quote_char + "".join(escapes.get(char, char) for char in item) + quote_char

    def format_quoted(value: Value, args: list[str], source: _Source) -> str:
        if isinstance(value, tuple):
            return ",".join(quoted(item) for item in value)
        return quoted(_js_string(value))

    return format_quoted


def _join(value: Value, args: list[str], source: _Source) -> str:
    if isinstance(value, tuple):
        return (args[0] if args else ",").join(value)
    return _js_string(value)


def _date(value: Value, args: list[str], source: _Source, *, browser_timezone: str | None,
          week_start: str | None) -> str:
    """The date format: ms, seconds, iso (default) or a moment.js format in the browser's zone."""
    number = value if isinstance(value, int) else js_parse_int(value) if isinstance(value, str) else None
    if number is None:
        return "NaN"
    arg = args[0] if args else "iso"
    if arg == "ms":
        return _js_string(value)
    if arg == "seconds":
        return str(js_round(number / 1000))
    if arg == "iso":
        return iso_string(number)
    return format_moment(number, ":".join(args), "browser", browser_timezone=browser_timezone,
                         week_start=week_start)


def _glob(value: Value, args: list[str], source: _Source) -> str:
    if isinstance(value, tuple) and len(value) > 1:
        return "{" + ",".join(value) + "}"
    return _js_string(value)


def _text(value: Value, args: list[str], source: _Source) -> str:
    text = source.get_text()
    return _js_string(value) if text is None else text


def _query_param(value: Value, args: list[str], source: _Source) -> str:
    if source.url_sync:  # urlUtil.toUrlParams(variable.urlSync.getUrlState())
        key = _encode_angular(f"var-{source.name}")
        return "&".join(f"{key}={_encode_angular(item)}" for item in source.url_values())
    items = value if isinstance(value, tuple) else (_js_string(value),)
    return "&".join(f"var-{source.name}={_encode_component_strict(item)}" for item in items)


def _custom_query_param(value: Value, args: list[str], source: _Source) -> str:
    name = _encode_component_strict((args[0] if args else "") or source.name)
    prefix = _encode_component_strict(args[1] if len(args) > 1 else "")
    items = value if isinstance(value, tuple) else (_js_string(value),)
    return "&".join(f"{name}={prefix}{_encode_component_strict(item)}" for item in items)


_FORMATTERS: dict[str, _Formatter] = {
    "lucene": _lucene,
    "raw": lambda value, args, source: _js_string(value),
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
    "queryparam": _query_param,
    "customqueryparam": _custom_query_param,
    "uriencode": _uri_encode,
}


# -- interpolation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    variables: Mapping[str, Variable]
    time_range: TimeRange | None
    interval: Interval | None
    timezone: str
    browser_timezone: str | None
    week_start: str | None
    range_variables: bool
    extra_builtins: Mapping[str, str]
    full_date_format: str

    def lookup(self, name: str, match: str) -> _Source | None:
        """sceneInterpolator lookupFormatVariable: request scoped vars, then variables, then macros."""
        scoped = self._scoped(name)
        if scoped is not None:
            return scoped
        if name in self.variables:
            return _DashboardVariable(self.variables[name])
        return self._macro(name, match)

    def _scoped(self, name: str) -> _Source | None:
        if self.interval is not None and name == "__interval":
            return _ScopedVariable(name, self.interval.text, self.interval.text)
        if self.interval is not None and name == "__interval_ms":
            return _ScopedVariable(name, self.interval.ms, str(self.interval.ms))
        if self.range_variables and self.time_range is not None and name in RANGE_VARIABLES:
            range_ms = self.time_range.range_ms
            seconds = js_round(range_ms / 1000)
            values: dict[str, Scalar] = {"__range": f"{seconds}s", "__range_s": seconds, "__range_ms": range_ms}
            value = values[name]
            note = "defined here as Prometheus and Loki do; other data sources leave it unchanged"
            return _ScopedVariable(name, value, str(value), note)
        return None

    def _macro(self, name: str, match: str) -> _Source | None:
        if name in ("__from", "__to") and self.time_range is not None:
            ms = self.time_range.from_ms if name == "__from" else self.time_range.to_ms
            text = format_moment(ms, self.full_date_format, self.timezone, browser_timezone=self.browser_timezone)
            return _TimeMacro(name, ms, text)
        if name == "__timezone":
            zone = zone_name(self.timezone, self.browser_timezone)
            return _ConstantMacro(name, {None: zone}, with_text=True)
        if name in ("__interval", "__interval_ms"):  # IntervalMacro without a request: the expression itself
            return _ConstantMacro(name, {None: match}, with_text=False,
                                  note="no query request: Grafana leaves it unchanged (give an interval)")
        values = {None if key == name else key[len(name) + 1:]: text
                  for key, text in self.extra_builtins.items() if key == name or key.startswith(name + ".")}
        if values:
            values.setdefault(None, next(iter(values.values())))
            return _ConstantMacro(name, values, with_text=False)
        return None


def interpolate(
    text: str,
    variables: Mapping[str, Variable] | Iterable[Variable] = (),
    *,
    time_range: TimeRange | None = None,
    default_format: str | None = "glob",
    interval: Interval | tuple[str, int] | None = None,
    timezone: str | None = None,
    browser_timezone: str | None = None,
    week_start: str | None = None,
    range_variables: bool = False,
    extra_builtins: Mapping[str, str] | None = None,
    full_date_format: str = FULL_DATE_FORMAT,
) -> InterpolationResult:
    """Replace every variable expression in `text` as Grafana's front end does before a query is sent.

    Built-ins Grafana would not define here (no `interval`, no `time_range`, `$__range*` unless
    `range_variables`) stay as written and are reported in `InterpolationResult.unresolved`.
    """
    # default_format: the data source's (None means glob; the Cassandra plugin uses "csv").
    # interval: the request's $__interval (see calculate_interval); the ScyllaDB plugin passes none.
    # timezone: the dashboard's (default: the range's, else "utc"); browser_timezone (default: this
    # machine's) renders custom date formats, which Grafana formats in browser time.
    # range_variables: $__range, $__range_s, $__range_ms as Prometheus and Loki define them.
    # extra_builtins: e.g. {"__dashboard": "Ops", "__user.login": "admin", "__org.name": "Main org"}.
    context = _Context(
        variables=_as_mapping(variables),
        time_range=time_range,
        interval=Interval(*interval) if interval is not None else None,
        timezone=timezone if timezone is not None else (time_range.timezone if time_range else UTC_ZONE),
        browser_timezone=browser_timezone,
        week_start=week_start,
        range_variables=range_variables,
        extra_builtins=dict(extra_builtins or {}),
        full_date_format=full_date_format,
    )
    references: list[Reference] = []
    result = _replace(context, text, default_format, references)
    return InterpolationResult(result, tuple(references))


def _as_mapping(variables: Mapping[str, Variable] | Iterable[Variable]) -> Mapping[str, Variable]:
    if isinstance(variables, Mapping):
        return variables
    return {variable.name: variable for variable in variables}


def _replace(context: _Context, text: str, default_format: str | None, references: list[Reference] | None) -> str:
    pieces: list[str] = []
    position = 0
    for match in VARIABLE_PATTERN.finditer(text):
        name = match.group(1) or match.group(2) or match.group(4)
        field_path = match.group(5)
        fmt = match.group(3) or match.group(6) or default_format
        source = context.lookup(name, match.group(0))
        if source is None:
            value, raw, fallback, note = match.group(0), None, False, _unknown_note(context, name)
        else:
            raw_value = source.get_value(field_path)
            value, fallback = _format_value(context, source, raw_value, fmt)
            raw = raw_value.value if isinstance(raw_value, _CustomAllValue) else raw_value
            note = source.note
        if references is not None:
            references.append(Reference(
                match=match.group(0), name=name, start=match.start(), end=match.end(), field_path=field_path,
                format=fmt, value=value, found=source is not None and value != match.group(0),
                source_value=raw, format_fallback=fallback, note=note,
            ))
        pieces.append(text[position:match.start()])
        pieces.append(value)
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _unknown_note(context: _Context, name: str) -> str:
    if name in RANGE_VARIABLES:
        return "Grafana defines $__range only for Prometheus and Loki; other data sources leave it unchanged"
    if name in ("__from", "__to") and context.time_range is None:
        return "no time range given"
    return "unknown variable: Grafana leaves it unchanged"


def _format_value(context: _Context, source: _Source, value: _SourceValue, fmt: str | None) -> tuple[str, bool]:
    """sceneInterpolator formatValue: (text, whether an unknown format fell back to glob)."""
    if value is None:
        return "", False
    if isinstance(value, _CustomAllValue):
        if fmt == "text":
            chosen = ALL_TEXT
        elif fmt == "percentencode":
            chosen = _encode_component_strict(value.value)
        elif fmt == "queryparam":
            chosen = _query_param(ALL_TEXT, [], source)
        else:
            chosen = value.value
        return _replace(context, chosen, None, None), False  # re-interpolated, without a format
    name, args = (fmt or "glob"), []
    parts = name.split(":")
    if len(parts) > 1:
        name, args = parts[0], parts[1:]
    if name == "date":
        return _date(value, args, source, browser_timezone=context.browser_timezone,
                     week_start=context.week_start), False
    formatter = _FORMATTERS.get(name)
    if formatter is None:
        return _glob(value, args, source), True
    return formatter(value, args, source), False
