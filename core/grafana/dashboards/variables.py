"""A dashboard's variables resolved in dashboard order, as Grafana's scenes do on load: custom, constant,
textbox, interval and query variables, their current values, multi-value, All and custom all values.

Query variables run through a `QueryRunner` (the checker asks the data source's plugin, as the cassandra
plugin's `variables` resource would answer), with the variables above them already resolved, so chained
variables work. `--var name=value` overrides win over the dashboard's current values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.errors import CqlscopeError
from core.grafana.dashboards.model import DataSourceRef, datasource_ref
from core.grafana.templating import Variable

ALL_VALUE = "$__all"
ALL_TEXT = "All"

#: (data source, query text already interpolated, the variables above) -> options as (text, value)
QueryRunner = Callable[[DataSourceRef, str, Mapping[str, Variable]], list[tuple[str, str]]]


@dataclass
class VariableState:
    """One resolved variable: what it interpolates to, and what the checker should tell the user."""

    variable: Variable
    kind: str
    options: list[tuple[str, str]] = field(default_factory=list)
    multi: bool = False
    include_all: bool = False
    notes: list[str] = field(default_factory=list)
    error: str = ""


def parse_overrides(items: Sequence[str]) -> dict[str, list[str]]:
    """`name=value` items (repeat a name for several values); CqlscopeError for an item without `=`."""
    overrides: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CqlscopeError(f"--var '{item}' is not name=value.", title="Invalid option")
        overrides.setdefault(name.strip(), []).append(value)
    return overrides


def resolve_variables(definitions: Sequence[Mapping[str, Any]], overrides: Mapping[str, list[str]],
                      run_query: QueryRunner, inputs: Mapping[str, str] | None = None,
                      interpolate_query: Callable[[str, Mapping[str, Variable]], str] | None = None,
                      ) -> dict[str, VariableState]:
    """Resolve every variable in order; an override naming no variable is an error that lists the names."""
    names = [str(d.get("name") or "") for d in definitions]
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        listed = ", ".join(n for n in names if n) or "none"
        raise CqlscopeError(f"The dashboard has no variable {', '.join(unknown)} (its variables: {listed}).",
                            title="Unknown variable")
    states: dict[str, VariableState] = {}
    resolved: dict[str, Variable] = {}
    for definition in definitions:
        name = str(definition.get("name") or "")
        if not name:
            continue
        state = _resolve_one(definition, overrides.get(name), run_query, dict(inputs or {}), resolved,
                             interpolate_query)
        states[name] = state
        resolved[name] = state.variable
    return states


def _resolve_one(definition: Mapping[str, Any], override: list[str] | None, run_query: QueryRunner,
                 inputs: dict[str, str], above: Mapping[str, Variable],
                 interpolate_query: Callable[[str, Mapping[str, Variable]], str] | None) -> VariableState:
    name = str(definition["name"])
    kind = str(definition.get("type") or "query")
    multi, include_all = bool(definition.get("multi")), bool(definition.get("includeAll"))
    all_value = definition.get("allValue") or None
    state = VariableState(Variable(name), kind, multi=multi, include_all=include_all)
    current = _current(definition.get("current"))
    if kind == "constant":
        value = str(definition.get("query") or "")
        state.variable = Variable(name, value)
        return state
    if kind == "textbox":
        text = override[0] if override else (current[0][0] if current and current[0] else
                                             str(definition.get("query") or ""))
        state.variable = Variable(name, text)
        return state
    if kind in ("custom", "interval"):
        state.options = custom_options(str(definition.get("query") or ""))
    elif kind == "query":
        state.options = _query_options(definition, run_query, inputs, above, state, interpolate_query)
    elif kind == "datasource":
        state.options = [(v, v) for v in (current[0] if current else [])]
    else:
        state.notes.append(f"variables of type '{kind}' are not resolved by cqlscope; '{name}' stays empty")
        return state
    wanted = override if override is not None else (current[0] if current else None)
    state.variable = _select(name, state.options, wanted, multi, include_all,
                             str(all_value) if all_value is not None else None, state)
    return state


def _current(raw: Any) -> tuple[list[str], list[str]] | None:
    """The stored current value(s) and text(s); None when there is none."""
    if not isinstance(raw, dict) or "value" not in raw:
        return None
    values, texts = raw.get("value"), raw.get("text")
    as_list = [str(v) for v in values] if isinstance(values, list) else [str(values)]
    text_list = [str(t) for t in texts] if isinstance(texts, list) else [str(texts if texts is not None else values)]
    return as_list, text_list


def custom_options(query: str) -> list[tuple[str, str]]:
    """A custom variable's options: comma-separated (`\\,` escapes a comma), each `text : value` or a value."""
    options = []
    for part in re.findall(r"(?:\\,|[^,])+", query):
        part = part.replace("\\,", ",")
        match = re.match(r"^\s*(.+)\s:\s(.+)$", part)
        if match:
            options.append((match.group(1).strip(), match.group(2).strip()))
        else:
            options.append((part.strip(), part.strip()))
    return options


def _query_options(definition: Mapping[str, Any], run_query: QueryRunner, inputs: dict[str, str],
                   above: Mapping[str, Variable], state: VariableState,
                   interpolate_query: Callable[[str, Mapping[str, Variable]], str] | None) -> list[tuple[str, str]]:
    source = datasource_ref(definition.get("datasource"), inputs)
    raw_query = definition.get("query")
    if isinstance(raw_query, dict) and isinstance(raw_query.get("query"), str):
        text = raw_query["query"]
    else:
        text = ""
        shape = "a plain string" if isinstance(raw_query, str) else f"an object with {sorted(raw_query or {})}"
        state.notes.append(f"its query is stored as {shape}, not {{\"query\": \"...\"}}: the cassandra plugin's "
                           "front end then sends an empty query, so the variable gets no options")
    if int(definition.get("refresh") or 0) == 0 and definition.get("options"):
        stored = [(str(o.get("text", "")), str(o.get("value", ""))) for o in definition["options"]
                  if isinstance(o, dict) and o.get("value") != ALL_VALUE]
        state.notes.append("refresh is 'never': the options saved in the dashboard are used")
        return stored
    if interpolate_query is not None:
        text = interpolate_query(text, above)
    try:
        options = run_query(source, text, above)
    except CqlscopeError as exc:
        state.error = exc.message
        return []
    unique: dict[str, tuple[str, str]] = {}
    for text, value in _regex_filter(options, str(definition.get("regex") or ""), state):
        unique.setdefault(value, (text, value))  # lodash uniqBy(options, "value"): the first one stays
    return _sort(list(unique.values()), int(definition.get("sort") or 0))


def _regex_filter(options: list[tuple[str, str]], regex: str, state: VariableState) -> list[tuple[str, str]]:
    """Grafana's variable regex `/pattern/flags`: keep matches; named groups `text`/`value` pick parts."""
    if not regex:
        return options
    match = re.fullmatch(r"/(.*)/([gimsuy]*)", regex, re.DOTALL)
    pattern, flags = (match.group(1), match.group(2)) if match else (regex, "")
    try:
        compiled = re.compile(pattern.replace("(?<", "(?P<").replace("(?P<=", "(?<=").replace("(?P<!", "(?<!"),
                              re.IGNORECASE if "i" in flags else 0)
    except re.error as error:
        state.error = f"its regex {regex} is invalid: {error}"
        return options
    kept: list[tuple[str, str]] = []
    for text, value in options:
        found = compiled.search(value)
        if not found:
            continue
        groups = found.groupdict()
        if groups.get("text") or groups.get("value"):
            kept.append((groups.get("text") or groups.get("value") or "", groups.get("value") or groups["text"]))
        elif found.groups():
            kept.append((found.group(1), found.group(1)))
        else:
            kept.append((text, value))
    return kept


def _sort(options: list[tuple[str, str]], sort: int) -> list[tuple[str, str]]:
    """scenes sortVariableValues by label: 1/2 alphabetical, 3/4 by the first integer in it (-1 without one),
    5/6 case-insensitive, 7/8 natural (numbers compared as numbers); even numbers reverse the order."""
    if sort in (1, 2):
        ordered = sorted(options, key=lambda o: o[0])
    elif sort in (3, 4):
        ordered = sorted(options, key=lambda o: _first_integer(o[0]))
    elif sort in (5, 6):
        ordered = sorted(options, key=lambda o: o[0].lower())
    elif sort in (7, 8):
        ordered = sorted(options, key=lambda o: _natural_key(o[0]))
    else:
        return options
    return ordered[::-1] if sort % 2 == 0 else ordered


def _first_integer(label: str) -> int:
    match = re.match(r".*?(\d+).*", label, re.DOTALL)
    return int(match.group(1)) if label and match else -1


def _natural_key(label: str) -> list[tuple[int, int | str]]:
    """Intl.Collator({numeric: true, sensitivity: "accent"}) approximated: digit runs as numbers, case folded."""
    return [(0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.split(r"(\d+)", label) if part]


def _select(name: str, options: list[tuple[str, str]], wanted: list[str] | None, multi: bool, include_all: bool,
            all_value: str | None, state: VariableState) -> Variable:
    """The selection Grafana keeps: wanted values that still exist, All when asked for, else the first option."""
    values = [value for _text, value in options]
    option_values = tuple(values)
    if wanted is not None and include_all and any(w in (ALL_VALUE, ALL_TEXT) for w in wanted):
        return Variable(name, option_values, tuple(t for t, _v in options), True, all_value, option_values)
    if wanted is not None:
        kept = [w for w in wanted if w in values]
        texts = {value: text for text, value in options}
        if kept:
            if multi:
                return Variable(name, tuple(kept), tuple(texts[k] for k in kept), options=option_values)
            return Variable(name, kept[0], texts[kept[0]], options=option_values)
        if wanted and any(wanted):
            state.notes.append(f"its value {', '.join(wanted)} is not among its options: Grafana picks "
                               + ("All" if include_all and not options else "the first option"))
    if not options:
        if include_all:
            return Variable(name, (), (), True, all_value, ())
        return Variable(name, "", "")
    text, value = options[0]
    return Variable(name, (value,) if multi else value, (text,) if multi else text, options=option_values)
