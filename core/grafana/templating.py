"""Grafana template-variable interpolation, byte for byte as dashboards (Grafana 11+, scenes) run it.

Ported from grafana/scenes `variables/interpolation/sceneInterpolator.ts` (lookup order: request scoped
vars, then variables, then macros; null → ""; custom values interpolated again) and
`variables/constants.ts` (VARIABLE_REGEX with field paths). Formats live in `template_formats`, value
sources in `template_sources`, the variable model and its file in `template_variables`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from core.errors import CqlscopeError
from core.grafana.browser_zone_ids import browser_zone_id
from core.grafana.globals import GrafanaGlobals
from core.grafana.js_numbers import js_round
from core.grafana.moment_format import FULL_DATE_FORMAT, format_moment
from core.grafana.template_formats import FORMATS, FORMATTERS, GLOB, format_date, to_url_params
from core.grafana.template_scan import ExpressionMatch, scan_variables
from core.grafana.template_sources import (
    Macro,
    Reinterpolated,
    Scalar,
    ScopedVariable,
    Source,
    SourceValue,
    Value,
    as_format_value,
    skip_formatting,
    variable_source,
)
from core.grafana.template_variables import (
    ALL_TEXT,
    ALL_VALUE,
    AUTO_VALUE,
    Variable,
    VariablesFileError,
    dump_variables,
    load_variables,
    save_variables,
)
from core.grafana.timerange import BROWSER_ZONE, UTC_ZONE, Interval, TimeRange, calculate_interval, zone_name

__all__ = [
    "ALL_TEXT", "ALL_VALUE", "FORMATS", "RANGE_VARIABLES", "VARIABLE_PATTERN", "InterpolationResult",
    "Reference", "TemplateRecursionError", "Variable", "VariablesFileError", "dump_variables", "interpolate",
    "load_variables", "save_variables",
]

# constants.ts VARIABLE_REGEX (scenes 8+: field paths with dots and brackets); JavaScript's \w is ASCII-only.
# The reference grammar: interpolation runs template_scan.scan_variables, which finds the same matches linearly.
VARIABLE_PATTERN = re.compile(
    r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]"
    r"|\$\{(\w+)((?:\.[^:^{}\[\]]+|\[\"[^\"]*\"\]|\['[^']*'\]|\[[^\]\"']*\])*)(?::([^}]+))?\}",
    re.ASCII,
)
RANGE_VARIABLES = ("__range", "__range_s", "__range_ms")
_MAX_DEPTH = 20  # custom all values nested deeper than this refer to themselves


class TemplateRecursionError(CqlscopeError, ValueError):
    """A custom all value (or macro) that refers back to itself; Grafana's browser runs out of stack."""

    title = "Variable refers to itself"


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


@dataclass(frozen=True)
class _Context:
    variables: Mapping[str, Variable]
    time_range: TimeRange | None
    interval: Interval | None
    timezone: str
    browser_timezone: str | None
    week_start: str | None
    range_variables: bool
    grafana_globals: GrafanaGlobals
    full_date_format: str

    def lookup(self, name: str, match: str, scoped: bool, chain: tuple[str, ...]) -> Source | None:
        """sceneInterpolator lookupFormatVariable: request scoped vars, then variables, then macros."""
        source = self._scoped(name) if scoped else None
        if source is not None:
            return source
        if name in self.variables:
            return variable_source(self.variables[name], lambda text: _expand(self, text, (*chain, name)),
                                   self._auto_interval)
        return self._macro(name, match)

    def _auto_interval(self, steps: int, minimum: str) -> str:
        """IntervalVariable getAutoRefreshInteval: the range in `steps`, never below `minimum`."""
        if self.time_range is None:
            return AUTO_VALUE
        return calculate_interval(self.time_range.range_ms, steps, minimum).text

    def _scoped(self, name: str) -> Source | None:
        if self.interval is not None and name == "__interval":
            return ScopedVariable(name, self.interval.text, self.interval.text)
        if self.interval is not None and name == "__interval_ms":
            return ScopedVariable(name, self.interval.ms, str(self.interval.ms))
        if self.range_variables and self.time_range is not None and name in RANGE_VARIABLES:
            range_ms = self.time_range.range_ms
            seconds = js_round(range_ms / 1000)
            values: dict[str, Scalar] = {"__range": f"{seconds}s", "__range_s": seconds, "__range_ms": range_ms}
            value = values[name]
            note = "defined here as Prometheus and Loki do; other data sources leave it unchanged"
            return ScopedVariable(name, value, str(value), note)
        return None

    def _macro(self, name: str, match: str) -> Source | None:
        span = self.time_range
        if name in ("__from", "__to") and span is not None:
            ms = span.from_ms if name == "__from" else span.to_ms
            text = format_moment(ms, self.full_date_format, self.timezone, browser_timezone=self.browser_timezone)
            return Macro(name, lambda path: ms, text)
        if name == "__timezone":  # TimezoneMacro: a "browser" zone as Intl reports it
            zone = zone_name(self.timezone, self.browser_timezone)
            if self.timezone in ("", BROWSER_ZONE):
                zone = browser_zone_id(zone)
            return Macro(name, lambda path: zone, zone)
        if name in ("__interval", "__interval_ms"):  # IntervalMacro without a request: the expression itself
            return Macro(name, lambda path: match, note="no query request: Grafana leaves it unchanged")
        if name == "__all_variables":
            params = [pair for variable in self.variables.values() if _in_all_variables(variable)
                      for pair in variable_source(variable, str).url_params() or ()]
            return Macro(name, lambda path: skip_formatting(to_url_params(params)), "")
        if name == "__url_time_range" and span is not None:
            params = [("from", span.raw_from), ("to", span.raw_to), ("timezone", self.timezone)]
            return Macro(name, lambda path: skip_formatting(to_url_params(params)), "")
        grafana = self.grafana_globals
        if name == "__user":
            return Macro(name, grafana.user)
        if name == "__org":
            return Macro(name, grafana.org)
        if name == "__dashboard":
            return Macro(name, grafana.dashboard, "")
        return None


def _in_all_variables(variable: Variable) -> bool:
    """AllVariablesMacro skips constants (no URL sync) and variables whose getValue() is falsy (null or "")."""
    if variable.kind == "constant":
        return False
    return variable.all_selected or isinstance(variable.value, tuple) or bool(variable.value)


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
    grafana_globals: GrafanaGlobals | None = None,
    full_date_format: str = FULL_DATE_FORMAT,
) -> InterpolationResult:
    """Replace every variable expression in `text` as Grafana's front end does before a query is sent.

    Built-ins Grafana would not define here (no `interval`, no `time_range`, `$__range*` unless
    `range_variables`) stay as written and are reported in `InterpolationResult.unresolved`.
    """
    # default_format: the data source's (None means glob; the Cassandra plugin uses "csv").
    # interval: the request's $__interval (see calculate_interval); the ScyllaDB plugin passes none.
    # timezone: the dashboard's (default: the range's, else "utc"); browser_timezone: the zone of the
    # browser ("browser" dashboards, custom date formats; default this machine's).
    # week_start: the dashboard's (default: the range's). range_variables: $__range, $__range_s and
    # $__range_ms as Prometheus and Loki define them. grafana_globals: user, org and dashboard.
    if browser_timezone in ("", "browser"):
        browser_timezone = None
    context = _Context(
        variables=_as_mapping(variables),
        time_range=time_range,
        interval=Interval(*interval) if interval is not None else None,
        timezone=timezone if timezone is not None else (time_range.timezone if time_range else UTC_ZONE),
        browser_timezone=browser_timezone,
        week_start=week_start if week_start is not None else (time_range.week_start if time_range else None),
        range_variables=range_variables,
        grafana_globals=grafana_globals or GrafanaGlobals(),
        full_date_format=full_date_format,
    )
    references: list[Reference] = []
    result = _replace(context, text, default_format, references, (), True)
    return InterpolationResult(result, tuple(references))


def _as_mapping(variables: Mapping[str, Variable] | Iterable[Variable]) -> Mapping[str, Variable]:
    if isinstance(variables, Mapping):
        return variables
    return {variable.name: variable for variable in variables}


_Resolved = tuple[str, str | None, str | None, str, bool, "Value | None", bool, str]
_FIELDS = ("name", "field_path", "format", "value", "found", "source_value", "format_fallback", "note")


def _replace(context: _Context, text: str, default_format: str | None, references: list[Reference] | None,
             chain: tuple[str, ...], scoped: bool) -> str:
    pieces: list[str] = []
    position = 0
    # The same expression always gives the same value within one text: each is resolved once, and its
    # references share one set of fields (a text may hold a hundred thousand of them).
    resolved: dict[str, tuple[str, dict[str, object]]] = {}
    for match in scan_variables(text):  # VARIABLE_PATTERN's matches, in linear time
        start, end = match.span()
        expression = text[start:end]
        known = resolved.get(expression)
        if known is None:
            fields = _resolve(context, match, default_format, chain, scoped)
            known = resolved[expression] = (fields[3], {"match": expression, **dict(zip(_FIELDS, fields, strict=True))})
        value, shared = known
        if references is not None:
            references.append(_reference(shared, start, end))
        pieces.append(text[position:start])
        pieces.append(value)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _reference(shared: dict[str, object], start: int, end: int) -> Reference:
    """A Reference built without the frozen dataclass's per-field checks (equal to one built normally)."""
    reference: Reference = object.__new__(Reference)
    reference.__dict__.update(shared, start=start, end=end)
    return reference


def _resolve(context: _Context, match: ExpressionMatch, default_format: str | None, chain: tuple[str, ...],
             scoped: bool) -> _Resolved:
    """One expression's name, field path, format, value, whether found, source value, fallback and note."""
    expression = match.group(0) or ""
    name = match.group(1) or match.group(2) or match.group(4) or ""
    raw_path = match.group(5)
    field_path = raw_path[1:] if raw_path and raw_path[0] == "." else (raw_path or None)
    fmt = match.group(3) or match.group(6) or default_format
    source = context.lookup(name, expression, scoped, chain)
    raw: Value | None = None
    fallback = False
    if source is None:
        return name, field_path, fmt, expression, False, None, False, _unknown_note(context, name)
    raw_value = source.get_value(field_path)
    if isinstance(raw_value, Reinterpolated):
        value = _reinterpolate(context, raw_value, fmt, (*chain, name))
        raw = raw_value.raw
    else:
        value, fallback = _format_value(context, source, raw_value, fmt, field_path)
        raw = raw_value
    return name, field_path, fmt, value, value != expression, raw, fallback, source.note


def _reinterpolate(context: _Context, value: Reinterpolated, fmt: str | None, chain: tuple[str, ...]) -> str:
    """sceneInterpolator(context, value.formatter(format)): again, with no format and no scoped variables.

    cqlscope keeps `$__range*` and `$__interval` for data sources that define them (range_variables),
    as the Prometheus backend replaces them in the text it receives.
    """
    return _expand(context, value.choose(fmt), chain)


def _expand(context: _Context, text: str, chain: tuple[str, ...]) -> str:
    """Interpolate a variable's own text again (custom all value, constant, macro text)."""
    if len(chain) > _MAX_DEPTH:
        loop = " -> ".join(dict.fromkeys(chain))
        raise TemplateRecursionError(
            f"variable '{chain[0]}' refers to itself through its custom all value or constant ({loop}); Grafana "
            f"cannot interpolate it (the browser runs out of stack). Change the value so it does not use "
            f"${chain[0]}.")
    return _replace(context, text, None, None, chain, context.range_variables)


def _unknown_note(context: _Context, name: str) -> str:
    if name in RANGE_VARIABLES:
        return "Grafana defines $__range only for Prometheus and Loki; other data sources leave it unchanged"
    if name in ("__from", "__to", "__url_time_range") and context.time_range is None:
        return "no time range given"
    return "unknown variable: Grafana leaves it unchanged"


def _format_value(context: _Context, source: Source, value: SourceValue, fmt: str | None,
                  field_path: str | None) -> tuple[str, bool]:
    """sceneInterpolator formatValue: (text, whether an unknown format fell back to glob)."""
    if value is None or isinstance(value, Reinterpolated):
        return "", False
    formatted = as_format_value(value)
    name, args = (fmt or "glob"), []
    parts = name.split(":")
    if len(parts) > 1:
        name, args = parts[0], parts[1:]
    if name == "date":
        return format_date(formatted, args, browser_timezone=context.browser_timezone,
                           week_start=context.week_start), False
    formatter = FORMATTERS.get(name)
    if formatter is None:
        return GLOB(formatted, args, source, field_path), True
    return formatter(formatted, args, source, field_path), False
