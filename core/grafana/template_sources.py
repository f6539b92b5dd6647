"""Where an interpolated value comes from: dashboard variables, request scoped variables and Grafana's macros.

Ported from grafana/scenes `variants/MultiValueVariable.ts` (getValue, getValueText, getFieldAtPath, the
URL state, CustomAllValue), `interpolation/ScopedVarsVariable.ts`, `macros/timeMacros.ts`,
`macros/contextMacros.ts`, `macros/AllVariablesMacro.ts` and Grafana's `DashboardMacro.ts`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.grafana.js_numbers import js_parse_int
from core.grafana.template_formats import FormatValue, encode_component_strict, js_string, query_param
from core.grafana.template_variables import ALL_TEXT, ALL_VALUE, AUTO_VALUE, Variable

Scalar = str | int
"""A single value: dashboard variables hold strings, `$__from`/`$__to` epoch ms."""
Value = Scalar | tuple[str | None, ...]

# lodash stringToPath: names, [0], ["key"] or ['key']
_PATH_PART = re.compile(r"""[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]""")


@dataclass(frozen=True)
class Reinterpolated:
    """A value Grafana formats itself and then interpolates again, with no format and no scoped variables.

    MultiValueVariable's CustomAllValue (`text` and the format's choice) and the macros' SkipFormattingValue.
    """

    choose: Callable[[str | None], str]
    raw: str


SourceValue = Value | Reinterpolated | None


class Source:
    """What a format needs from a variable (formatRegistry's FormatVariable)."""

    note = ""

    def __init__(self, name: str) -> None:
        self.name = name

    def get_value(self, field_path: str | None) -> SourceValue:
        raise NotImplementedError

    def value_text(self, field_path: str | None) -> str | None:
        return None

    def url_params(self) -> list[tuple[str, str]] | None:
        return None


def lodash_get(value: Scalar, path: str) -> Scalar | None:
    """lodash `property(path)(value)` on a string or number; None stands for undefined."""
    parts = [path] if not re.search(r"[.[\]]", path) else [
        match.group(1) or match.group(3) or match.group(0) for match in _PATH_PART.finditer(path)]
    current: Scalar | None = value
    for part in parts:
        if not isinstance(current, str):
            return None
        if part == "length":
            current = len(current.encode("utf-16-le")) // 2
        elif part.isascii() and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


class DashboardVariable(Source):
    """A dashboard variable: MultiValueVariable with options that carry no properties."""

    def __init__(self, variable: Variable) -> None:
        super().__init__(variable.name)
        self.variable = variable

    @property
    def has_all_value(self) -> bool:
        """hasAllValue: "All" chosen, or a value of `$__all` (first in a list) that Grafana reads as All."""
        value = self.variable.value
        return self.variable.all_selected or value == ALL_VALUE or (
            isinstance(value, tuple) and bool(value) and value[0] == ALL_VALUE)

    def get_value(self, field_path: str | None) -> SourceValue:
        variable = self.variable
        value: str | tuple[str, ...] | None = variable.value
        if self.has_all_value:
            if variable.all_value:
                return Reinterpolated(self._custom_all, variable.all_value)
            value = variable.options
        if field_path is not None:
            return self._field_at_path(value, field_path, text=False)
        return value

    def _custom_all(self, fmt: str | None) -> str:
        """CustomAllValue.formatter: only text, percentencode and queryparam change the custom all value."""
        all_value = self.variable.all_value or ""
        if fmt == "text":
            return ALL_TEXT
        if fmt == "percentencode":
            return encode_component_strict(all_value)
        if fmt == "queryparam":
            return query_param(ALL_TEXT, [], self, None)
        return all_value

    def _field_at_path(self, value: str | tuple[str, ...] | None, path: str, *, text: bool) -> Value | None:
        """getFieldAtPath: an index into a list, else the option's property (always undefined here)."""
        options = self.variable.options
        if isinstance(value, tuple):
            index = js_parse_int(path)
            if index is not None and 0 <= index < len(value):
                return value[index]
            return tuple(None if item in options else item for item in value)
        if value is not None and value in options:
            return None
        if text:
            return self.variable.display_text
        return value

    def value_text(self, field_path: str | None) -> str:
        if self.has_all_value:
            return ALL_TEXT
        if field_path is not None:
            text = self._field_at_path(self.variable.value, field_path, text=True)
        else:
            text = self.variable.display_text
        if isinstance(text, tuple):
            return " + ".join("" if item is None else item for item in text)
        return "undefined" if text is None and field_path is not None else js_string(text)

    def url_params(self) -> list[tuple[str, str]]:
        key = f"var-{self.name}"
        if self.variable.all_selected:  # the state value of "All" is "$__all", whatever the model holds
            return [(key, ALL_VALUE)]
        value = self.variable.value
        if isinstance(value, tuple) and len(value) > 1:
            return [(key, item) for item in value]
        return [(key, js_string(value))]


class TextBoxVariable(Source):
    """TextBoxVariable: one string, field paths ignored, no text of its own, synced to the URL."""

    def __init__(self, variable: Variable) -> None:
        super().__init__(variable.name)
        self.value = variable.value if isinstance(variable.value, str) else ""

    def get_value(self, field_path: str | None) -> SourceValue:
        return self.value

    def url_params(self) -> list[tuple[str, str]]:
        return [(f"var-{self.name}", self.value)]


class IntervalVariable(TextBoxVariable):
    """IntervalVariable: like a text box, but "$__auto" is calculateInterval(range, autoStepCount, autoMinInterval)."""

    def __init__(self, variable: Variable, auto: Callable[[int, str], str]) -> None:
        super().__init__(variable)
        self.variable, self._auto = variable, auto

    def get_value(self, field_path: str | None) -> SourceValue:
        if self.value == AUTO_VALUE:
            return self._auto(self.variable.auto_step_count, self.variable.auto_min_interval)
        return self.value


class ConstantVariable(Source):
    """ConstantVariable: its value is interpolated (glob, no scoped variables) each time it is read.

    It skips URL sync, so `queryparam` gives var-name=value and `$__all_variables` leaves it out.
    """

    def __init__(self, variable: Variable, expand: Callable[[str], str]) -> None:
        super().__init__(variable.name)
        self.template = variable.value if isinstance(variable.value, str) else ""
        self._expand = expand

    def get_value(self, field_path: str | None) -> SourceValue:
        return self._expand(self.template)


def variable_source(variable: Variable, expand: Callable[[str], str],
                    auto: Callable[[int, str], str] = lambda steps, minimum: AUTO_VALUE) -> Source:
    """The scenes object a dashboard builds for this variable (`auto`: an interval's "$__auto" value)."""
    if variable.kind == "interval":
        return IntervalVariable(variable, auto)
    if variable.kind == "constant":
        return ConstantVariable(variable, expand)
    if variable.kind == "textbox":
        return TextBoxVariable(variable)
    return DashboardVariable(variable)


class ScopedVariable(Source):
    """A request scoped var ({text, value}) such as `__interval`, read like ScopedVarsVariable."""

    def __init__(self, name: str, value: Scalar, text: str, note: str = "") -> None:
        super().__init__(name)
        self.value, self.text, self.note = value, text, note

    def get_value(self, field_path: str | None) -> SourceValue:
        return lodash_get(self.value, field_path) if field_path else self.value

    def value_text(self, field_path: str | None) -> str:
        return self.text


class Macro(Source):
    """A Grafana macro: a value by field path, and a text when the Grafana class has getValueText."""

    def __init__(self, name: str, value: Callable[[str | None], SourceValue], text: str | None = None,
                 note: str = "") -> None:
        super().__init__(name)
        self._value, self._text, self.note = value, text, note

    def get_value(self, field_path: str | None) -> SourceValue:
        return self._value(field_path)

    def value_text(self, field_path: str | None) -> str | None:
        return self._text


def skip_formatting(text: str) -> Reinterpolated:
    """SkipFormattingValue: every format gives the text as it is, and it is interpolated again."""
    return Reinterpolated(lambda fmt: text, text)


def as_format_value(value: Value) -> FormatValue:
    """Numbers become their JavaScript text; lists and strings stay."""
    return str(value) if isinstance(value, int) else value
