"""YAML read and written the way Grafana's Go YAML library (gopkg.in/yaml.v3) sees it.

PyYAML resolves YAML 1.1 (`yes` is a boolean, `0777` is 511) whatever the target; Grafana decodes into
typed fields, so a `string` field keeps the source text while a `jsonData` value (interface{}) goes
through yaml.v3's own resolver. Here every scalar is kept as text (`GoScalar`), and the caller decides
which of the two readings applies.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from core.config.profile_file import yaml_error_where
from core.provisioning.model import ProvisioningFileError

_PLAIN = "!cqlscope-plain"
_STR_TAG = "tag:yaml.org,2002:str"
# yaml.v3 resolve.go: the lookup table of special plain scalars.
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}
_SPECIAL_FLOATS = {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
                   "-.INF"}
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TIMESTAMP_START = re.compile(r"^[0-9]{4}-")
_INT64 = (-(2 ** 63), 2 ** 63 - 1)


class GoScalar(str):
    """A scalar's source text; `plain` when unquoted and untagged, `tag` when tagged explicitly."""

    plain: bool
    tag: str

    def __new__(cls, text: str, plain: bool = False, tag: str = "") -> GoScalar:
        scalar = super().__new__(cls, text)
        scalar.plain = plain
        scalar.tag = tag
        return scalar


class _Loader(yaml.SafeLoader):
    """Composes nodes without resolving plain scalars (they get a marker tag instead)."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        resolved: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return resolved


def load(text: str, source: str = "<text>") -> Any:
    """The document as dicts, lists and GoScalar texts; ProvisioningFileError names `source` and the line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ProvisioningFileError(f"{source}{yaml_error_where(exc)}") from None
    return None if node is None else _convert(node, source)


def _convert(node: Node, source: str) -> Any:
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.tag == _PLAIN and key.value == "<<":
                # a merge key: yaml.v3 takes the keys of the mapping(s) that are not set here
                for part in value.value if isinstance(value, SequenceNode) else [value]:
                    converted = _convert(part, source)
                    if isinstance(converted, dict):
                        merged = {**converted, **merged}
                continue
            name = str(_convert(key, source))
            if name in lines:  # yaml.v3 refuses the document (decode.go)
                raise ProvisioningFileError(f'{source}, line {key.start_mark.line + 1}: mapping key "{name}" '
                                            f"already defined at line {lines[name]}")
            lines[name] = key.start_mark.line + 1
            result[name] = _convert(value, source)
        return {**merged, **result} if merged else result
    if isinstance(node, SequenceNode):
        return [_convert(child, source) for child in node.value]
    plain = node.tag == _PLAIN
    return GoScalar(str(node.value), plain, "" if plain else str(node.tag))


def is_null(value: Any) -> bool:
    """A plain null (`~`, `null`, nothing): Grafana leaves the field unset."""
    if value is None:
        return True
    return isinstance(value, GoScalar) and value.plain and str(value) in _NULLS


def resolve_plain(text: str) -> Any:
    """yaml.v3's `resolve()` for a plain scalar decoded into interface{} (timestamps stay text)."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _SPECIAL_FLOATS:
        return float(text.replace(".", "").replace("NAN", "nan").replace("NaN", "nan"))
    if not text or text[0] not in "+-0123456789.":
        return text
    if text[0] == ".":
        number = _go_float(text)
        return text if number is None else number
    if _TIMESTAMP_START.match(text):
        return text  # a timestamp decoded into interface{} stays a string in yaml.v3
    plain = text.replace("_", "")
    number = _go_int(plain)
    if number is not None:
        return number
    if _YAML_STYLE_FLOAT.match(plain):
        value = _go_float(plain)
        if value is not None:
            return value
    for prefix, base in (("0b", 2), ("-0b", 2), ("0o", 8), ("-0o", 8)):
        if plain.startswith(prefix):
            try:
                return int(("-" if prefix[0] == "-" else "") + plain[len(prefix):], base)
            except ValueError:
                return text
    return text


def _go_int(text: str) -> int | None:
    """Go's strconv.ParseInt(s, 0, 64), then ParseUint: sign, 0x/0o/0b prefixes, leading 0 is octal."""
    sign = ""
    body = text
    if body[:1] in "+-":
        sign, body = body[0], body[1:]
    if not body or not body.isascii() or not body[0].isdigit():
        return None
    lowered = body.lower()
    try:
        if lowered.startswith(("0x", "0o", "0b")):
            value = int(body[2:], {"x": 16, "o": 8, "b": 2}[lowered[1]]) if body[2:].isalnum() else None
        elif len(body) > 1 and body[0] == "0":
            value = int(body[1:], 8) if body[1:].isdigit() else None
        else:
            value = int(body) if body.isdigit() else None
    except ValueError:
        return None
    if value is None:
        return None
    value = -value if sign == "-" else value
    if _INT64[0] <= value <= _INT64[1] or (sign == "" and 0 <= value < 2 ** 64):
        return value
    return None


def _go_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def interface_value(value: Any) -> Any:
    """A value as yaml.v3 decodes it into interface{}: plain scalars resolved, quoted ones text."""
    if isinstance(value, dict):
        return {key: interface_value(child) for key, child in value.items()}
    if isinstance(value, list):
        return [interface_value(child) for child in value]
    if isinstance(value, GoScalar):
        if value.plain or value.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                                        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"):
            return resolve_plain(str(value))
        return str(value)
    return value


def needs_quotes(text: str) -> bool:
    """Would yaml.v3 read this text, written plain, as something other than the same string?"""
    return not isinstance(resolve_plain(text), str)


class _Dumper(yaml.SafeDumper):
    """Writes strings quoted whenever Go would otherwise read them as another type, keeps GoScalar texts."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> ScalarNode:
    if needs_quotes(text):
        return dumper.represent_scalar(_STR_TAG, text, style="'")
    return dumper.represent_str(text)


def _represent_go_scalar(dumper: yaml.SafeDumper, scalar: GoScalar) -> ScalarNode:
    if scalar.plain and not isinstance(resolve_plain(str(scalar)), str):
        # keep the source text and its Go meaning (an int stays an int, `0777` stays `0777`)
        resolver = yaml.resolver.Resolver()
        tag = resolver.resolve(ScalarNode, str(scalar), (True, False))  # type: ignore[no-untyped-call]
        return ScalarNode(tag, str(scalar), style=None)
    return _represent_str(dumper, str(scalar))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(GoScalar, _represent_go_scalar)


def dump(document: Any) -> str:
    """YAML text of `document` (key order kept) that yaml.v3 reads back as the same values."""
    text: str = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                          width=1000)
    return text
