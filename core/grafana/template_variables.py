"""Dashboard template variables as cqlscope holds them, and their JSON file (cqlscope's own format).

A variable is one MultiValueVariable's current selection (grafana/scenes `variants/MultiValueVariable.ts`):
a value or list of values, display texts, "All" with an optional custom all value, and the options.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import CqlscopeError

ALL_TEXT = "All"  # ALL_VARIABLE_TEXT
ALL_VALUE = "$__all"  # ALL_VARIABLE_VALUE, what the URL carries for "All"

_NAME = re.compile(r"\w+", re.ASCII)


#: Variables files larger than this are refused: even thousands of values take far less.
MAX_VARIABLES_BYTES = 4 * 1024 * 1024


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
    kind: str = "custom"  # "custom" (any selection), "constant", "textbox" or "interval" (one string)
    auto_step_count: int = 30  # interval variables with the value "$__auto": IntervalVariable's defaults
    auto_min_interval: str = "10s"

    @property
    def display_text(self) -> str | tuple[str, ...] | None:
        return self.value if self.text is None else self.text


_KEYS = frozenset({"value", "text", "all", "allValue", "options", "type", "autoStepCount", "autoMinInterval"})
KINDS = ("custom", "constant", "textbox", "interval")
AUTO_VALUE = "$__auto"  # AUTO_VARIABLE_VALUE


def load_variables(source: str | Path | Mapping[str, Any]) -> dict[str, Variable]:
    """Variables by name from a JSON file or a parsed dict; VariablesFileError names the entry at fault.

    An entry is a string, a list of strings, null, `{"value", "text"?}`, `{"all": true, "allValue"?, "options"?}`
    or `{"type": "constant" | "textbox" | "interval", "value": "..."}` (Grafana's constant, text box and
    interval variables; an interval's "$__auto" takes "autoStepCount" and "autoMinInterval").
    """
    if isinstance(source, Mapping):
        data: Any = source
    else:
        data = _read_json(Path(source))
    if not isinstance(data, Mapping):
        raise VariablesFileError("the variables file must hold a JSON object of name: value")
    return {name: _parse_variable(name, entry) for name, entry in data.items()}


def _read_json(path: Path) -> Any:
    """The JSON in a variables file of at most MAX_VARIABLES_BYTES of UTF-8; VariablesFileError otherwise."""
    from core.config.safe_yaml import YamlInputError, YamlLimits, read_text

    try:
        text = read_text(path, YamlLimits(max_bytes=MAX_VARIABLES_BYTES))  # no devices, directories or huge files
    except OSError as error:
        raise VariablesFileError(f"cannot read {path}: {error.strerror or error}") from None
    except YamlInputError as error:
        raise VariablesFileError(error.message) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise VariablesFileError(f"{path} is not valid JSON: {error.msg} (line {error.lineno})") from None
    except RecursionError:
        raise VariablesFileError(f"{path} nests JSON deeper than a variables file can") from None


def _parse_variable(name: Any, entry: Any) -> Variable:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise VariablesFileError(f"variable name {name!r}: use letters, digits and _ only (Grafana's \\w)")
    if not isinstance(entry, Mapping):
        return Variable(name, _parse_value(name, "value", entry))
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise VariablesFileError(f"variable '{name}': unknown key(s) {', '.join(unknown)}; "
                                 f"expected value, text, all, allValue, options, type")
    kind = entry.get("type", "custom")
    if kind not in KINDS:
        raise VariablesFileError(f"variable '{name}': 'type' must be one of {', '.join(KINDS)}")
    if kind != "custom":
        return _parse_single(name, kind, entry)
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


def _parse_single(name: str, kind: str, entry: Mapping[str, Any]) -> Variable:
    """A constant, text box or interval variable: one string value (and the interval's auto settings)."""
    value = entry.get("value")
    allowed = {"type", "value"} | ({"autoStepCount", "autoMinInterval"} if kind == "interval" else set())
    if not isinstance(value, str) or set(entry) - allowed:
        extra = " (and autoStepCount, autoMinInterval)" if kind == "interval" else " and nothing else"
        raise VariablesFileError(f"variable '{name}': a {kind} variable needs one string 'value'{extra}")
    steps = entry.get("autoStepCount", 30)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise VariablesFileError(f"variable '{name}': 'autoStepCount' must be a whole number of 1 or more")
    minimum = entry.get("autoMinInterval", "10s")
    if not isinstance(minimum, str):
        raise VariablesFileError(f"variable '{name}': 'autoMinInterval' must be a string such as \"10s\"")
    return Variable(name, value, kind=kind, auto_step_count=steps, auto_min_interval=minimum)


def _parse_value(name: str, key: str, raw: Any) -> str | tuple[str, ...] | None:
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return tuple(raw)
    raise VariablesFileError(f"variable '{name}': '{key}' must be a string, a list of strings or null")


def dump_variables(variables: Mapping[str, Variable] | Iterable[Variable]) -> dict[str, Any]:
    """The JSON-ready dict that `load_variables` reads back to the same variables."""
    result: dict[str, Any] = {}
    for variable in as_list(variables):
        if variable.kind != "custom":
            single: dict[str, Any] = {"type": variable.kind, "value": variable.value}
            if variable.kind == "interval" and (variable.auto_step_count, variable.auto_min_interval) != (30, "10s"):
                single.update(autoStepCount=variable.auto_step_count, autoMinInterval=variable.auto_min_interval)
            result[variable.name] = single
            continue
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


def as_list(variables: Mapping[str, Variable] | Iterable[Variable]) -> list[Variable]:
    return list(variables.values()) if isinstance(variables, Mapping) else list(variables)

