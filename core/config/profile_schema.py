"""The strict schema of the profile file: what a complete, valid `datasources.yaml` looks like.

Version 2 (written now) ends with a top-level `count:` and the line `# end of cqlscope profile: N data
sources`, both written last, so a file cut anywhere is refused instead of loading with entries missing.
Version 1 files (written before, without the marker) still load when every entry is complete; they are
upgraded to version 2 on the next save. A version 1 file cut exactly between two entries cannot be told
from a complete one; that is the gap the marker closes.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from core.config.datasource import ConnectionScope, DataSource, Flavor, printable
from core.config.safe_yaml import key_line, line_of

SCHEMA_VERSION = 2
LEGACY_VERSION = 1
HEADER = "# cqlscope data sources (secrets are in the system keyring, not here)\n"
_UID_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_TOP_KEYS = {LEGACY_VERSION: ("schema_version", "datasources"),
             SCHEMA_VERSION: ("schema_version", "datasources", "count")}
FIELDS = tuple(f.name for f in dataclasses.fields(DataSource))
_TYPES = {f.name: str(f.type) for f in dataclasses.fields(DataSource)}


class SchemaError(ValueError):
    """The document breaks the schema; `line` is 1-based when known. `newer` marks a newer cqlscope's file."""

    def __init__(self, message: str, line: int | None = None, *, newer: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.newer = newer


def end_marker(count: int) -> str:
    """The last line of a complete version 2 file."""
    return f"# end of cqlscope profile: {count} data source{'' if count == 1 else 's'}"


# libyaml's emitter when present (a few times faster, the same text), else the pure-Python one.
class _NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(datasources: list[DataSource]) -> str:
    """The text of a version 2 file: header, entries, then `count:` and the end marker, in that order."""
    document = {"schema_version": SCHEMA_VERSION, "datasources": [ds.to_dict() for ds in datasources],
                "count": len(datasources)}
    body = yaml.dump(document, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True)
    return f"{HEADER}{body}{end_marker(len(datasources))}\n"


def parse(text: str, data: Any, root: Node | None) -> tuple[list[DataSource], int]:
    """The data sources of a loaded document and its schema version; SchemaError names the line."""
    if data is None:
        raise SchemaError("the file is empty (it may have been cut short); restore it from a backup, or delete "
                          "it to start with no data sources")
    if not isinstance(data, dict):
        raise SchemaError("expected a mapping with 'schema_version', 'datasources' and 'count'", 1)
    _refuse_duplicate_keys(root)
    version = data.get("schema_version")
    if version is None or isinstance(version, bool) or not isinstance(version, int):
        raise SchemaError("'schema_version' is missing or not a number", line_of(root, "schema_version"))
    if version > SCHEMA_VERSION:
        raise SchemaError(f"schema version {version} is newer than this cqlscope understands ({SCHEMA_VERSION}); "
                          "upgrade cqlscope", line_of(root, "schema_version"), newer=True)
    if version not in _TOP_KEYS:
        raise SchemaError(f"schema version {version} is unknown (use {SCHEMA_VERSION})",
                          line_of(root, "schema_version"))
    allowed = _TOP_KEYS[version]
    for key in data:
        if key not in allowed:
            raise SchemaError(f"unknown field '{key}' (allowed: {', '.join(allowed)})", key_line(root, str(key)))
    entries = data.get("datasources")
    if not isinstance(entries, list):
        raise SchemaError("'datasources' is missing or not a list", line_of(root, "datasources"))
    if version == SCHEMA_VERSION:
        _check_completeness(text, data, root, len(entries))
    result = [_entry(entry, index, root) for index, entry in enumerate(entries)]
    _refuse_duplicates(result, root)
    return result, version


def _check_completeness(text: str, data: dict[str, Any], root: Node | None, entries: int) -> None:
    count = data.get("count")
    if count is None:
        raise SchemaError("'count' is missing: the file was cut short or edited by hand; restore it from a "
                          f"backup, or add 'count: {entries}' and the line '{end_marker(entries)}' at the end")
    if isinstance(count, bool) or not isinstance(count, int) or count != entries:
        raise SchemaError(f"'count' says {count!r} but the file has {entries} data sources (a cut or an edit); "
                          "check the entries, then correct the count", line_of(root, "count"))
    lines = text.rstrip("\n").splitlines()
    last = lines[-1].strip() if lines else ""
    if last != end_marker(entries):
        raise SchemaError(f"the last line is not '{end_marker(entries)}': the file was cut short or edited; "
                          "restore it from a backup, or check it and add that line", len(lines))


def _refuse_duplicate_keys(node: Node | None) -> None:
    """YAML keeps the last of two equal keys silently; the profile refuses them."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if isinstance(key, ScalarNode):
                    if key.value in seen:
                        raise SchemaError(f"the field '{key.value}' appears twice", key.start_mark.line + 1)
                    seen.add(key.value)
                stack.append(value)
        elif current is not None and isinstance(current.value, list):
            stack.extend(current.value)


#: Fields added after version 2 files were first written: absent means their default (the count and the end
#: marker still catch a cut file).
LATER_FIELDS = frozenset({"test_datasource"})


def _entry(entry: Any, index: int, root: Node | None) -> DataSource:
    where = f"data source #{index + 1}"
    line = line_of(root, "datasources", index)
    if not isinstance(entry, dict):
        raise SchemaError(f"{where} is not a mapping", line)
    for key in entry:
        if key not in FIELDS:
            raise SchemaError(f"{where}: unknown field '{key}'", key_line(root, "datasources", index, str(key)))
    values: dict[str, Any] = {}
    for key, value in entry.items():
        try:
            values[key] = strict_value(key, value)
        except ValueError as exc:
            raise SchemaError(f"{where}: {key}: {exc}", line_of(root, "datasources", index, key)) from None
    missing = [name for name in FIELDS if name not in entry and name not in LATER_FIELDS]
    if missing:
        label = printable(str(entry.get("name", "?")))
        raise SchemaError(f"{where} ('{label}') lacks the field(s) {', '.join(missing)}: the file was cut short or "
                          "edited by hand", line)
    return DataSource(**values)


def strict_value(name: str, value: Any) -> Any:
    """The value of field `name` as read from the file, checked for its exact type (ValueError otherwise)."""
    kind = _TYPES[name]
    if name == "flavor":
        return Flavor(_text(value))
    if name == "scope":
        return ConnectionScope(_text(value))
    if name == "uid":
        if not isinstance(value, str) or not _UID_RE.match(value):
            raise ValueError("expected 1-40 characters of letters, digits, '-' or '_'")
        return value
    if name == "hosts":
        if not isinstance(value, list) or not all(isinstance(host, str) for host in value):
            raise ValueError("expected a list of host names in quotes or plain text")
        return list(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if kind in ("int", "int | None"):
        if value is None and kind == "int | None":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("expected a whole number")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("expected a number")
        return float(value)
    if name == "name" and (not isinstance(value, str) or not value):
        raise ValueError("expected a non-empty text")
    return _text(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__} {value!r}")
    return value


def _refuse_duplicates(datasources: list[DataSource], root: Node | None) -> None:
    uids: dict[str, int] = {}
    names: dict[str, int] = {}
    for index, ds in enumerate(datasources):
        if ds.uid in uids:
            raise SchemaError(f"data sources #{uids[ds.uid] + 1} and #{index + 1} have the same uid '{ds.uid}'; "
                              "give one of them a new uid", key_line(root, "datasources", index, "uid"))
        if ds.name in names:
            raise SchemaError(f"data sources #{names[ds.name] + 1} and #{index + 1} have the same name "
                              f"'{printable(ds.name)}'; rename one of them",
                              key_line(root, "datasources", index, "name"))
        uids[ds.uid] = index
        names[ds.name] = index
