"""A bounded YAML loader for files users hand to cqlscope (the profile, provisioning files).

Input is refused, with a message naming the file, when it is larger than a cap, not UTF-8, nested
deeper than a cap, or when aliases expand into too many nodes or refer to themselves (billion laughs,
recursive aliases). It never hangs and never lets a parser exception through.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from core.errors import CqlscopeError

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000  # after alias expansion


class YamlInputError(CqlscopeError):
    """A YAML file cqlscope refuses to load; the message names the file and, when known, the line."""

    title = "Unreadable file"


@dataclass(frozen=True)
class YamlLimits:
    """Caps applied while reading and parsing."""

    max_bytes: int = MAX_BYTES
    max_depth: int = MAX_DEPTH
    max_nodes: int = MAX_NODES


@dataclass(frozen=True)
class LoadedYaml:
    """The constructed value and the node tree it came from (for line numbers)."""

    data: Any
    node: Node | None


def read_text(path: Path, limits: YamlLimits = YamlLimits()) -> str:
    """The UTF-8 text of a regular file of at most `limits.max_bytes` (FileNotFoundError passes through)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise YamlInputError(f"cannot read {path}: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise YamlInputError(f"{path} is a directory, not a file")
        raise YamlInputError(f"{path} is not a regular file (a FIFO, socket or device)")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limits.max_bytes + 1)
        except OSError as exc:
            raise YamlInputError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > limits.max_bytes:
        raise YamlInputError(f"{path} is larger than {limits.max_bytes // (1024 * 1024)} MB; cqlscope does not "
                             "read files that large")
    return decode_utf8(data, str(path))


def decode_utf8(data: bytes, source: str) -> str:
    """`data` as UTF-8 text (a leading BOM dropped); the error names the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlInputError(f"{source}, line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                             f"{exc.start}); save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


# libyaml when present (much faster on large files), else the pure-Python parser; both are the safe loader.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_depth(text: str, source: str, limits: YamlLimits) -> bool:
    """Refuse nesting deeper than the cap from the event stream, before any recursive composing; True when the
    text uses aliases (only then can the composed graph be larger than the text)."""
    depth = 0
    aliases = False
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            aliases = True
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > limits.max_depth:
                line = event.start_mark.line + 1 if event.start_mark is not None else "?"
                raise YamlInputError(f"{source}, line {line}: nested deeper than "
                                     f"{limits.max_depth} levels")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return aliases


def load(text: str, source: str, limits: YamlLimits = YamlLimits()) -> LoadedYaml:
    """Parse one YAML document within `limits`; YamlInputError names `source` and the line."""
    return _parse(text, source, limits, construct=True)


def check_bounds(text: str, source: str, limits: YamlLimits = YamlLimits()) -> None:
    """Refuse text whose YAML is too large, too deep or expands too far through aliases, without building it;
    for callers with a parser of their own (provisioning files keep their scalars as text)."""
    _parse(text, source, limits, construct=False)


def _parse(text: str, source: str, limits: YamlLimits, construct: bool) -> LoadedYaml:
    """Compose within `limits`, then build the value when asked; every YAML error becomes YamlInputError."""
    if len(text) > limits.max_bytes:
        raise YamlInputError(f"{source} is larger than {limits.max_bytes // (1024 * 1024)} MB")
    loader: Any = None
    try:
        aliases = _check_depth(text, source, limits)
        loader = _LOADER(text)
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(None, None)
        if aliases:
            _check_expansion(node, source, limits)
        data = loader.construct_document(node) if construct else None
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise YamlInputError(f"{source}, line {line}: the character {exc.character!r} is not allowed in YAML "
                             "(remove it)") from None
    except YamlInputError:
        raise
    except yaml.MarkedYAMLError as exc:
        raise YamlInputError(f"{source}{error_where(exc)}") from None
    except yaml.YAMLError as exc:
        raise YamlInputError(f"{source}: {exc}") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a timestamp like 2001-02-30
        raise YamlInputError(f"{source}: a value cannot be read ({exc})") from None
    except RecursionError:
        raise YamlInputError(f"{source}: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    return LoadedYaml(data, node)


def _check_expansion(root: Node, source: str, limits: YamlLimits) -> None:
    """Refuse alias cycles, and graphs that expand to more than `max_nodes` nodes or `max_depth` levels."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
            if size[key] > limits.max_nodes:
                raise YamlInputError(f"{source}, line {node.start_mark.line + 1}: aliases expand to more than "
                                     f"{limits.max_nodes} values; cqlscope refuses such files")
            if depth[key] > limits.max_depth:
                raise YamlInputError(f"{source}, line {node.start_mark.line + 1}: aliases nest deeper than "
                                     f"{limits.max_depth} levels")
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlInputError(f"{source}, line {node.start_mark.line + 1}: an alias refers to the value that "
                                 "contains it (a recursive alias)")
        on_path.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in on_path:
                raise YamlInputError(f"{source}, line {child.start_mark.line + 1}: an alias refers to the value "
                                     "that contains it (a recursive alias)")
            if id(child) not in size:
                stack.append((child, False))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def line_of(node: Node | None, *path: str | int) -> int | None:
    """The 1-based line of the value at `path` (mapping keys and sequence indexes) under `node`."""
    for step in path:
        node = _step(node, step)
    return None if node is None else int(node.start_mark.line) + 1


def key_line(node: Node | None, *path: str | int) -> int | None:
    """The 1-based line of the last key of `path` (the key itself, not its value)."""
    for step in path[:-1]:
        node = _step(node, step)
    if isinstance(node, MappingNode) and path and isinstance(path[-1], str):
        for key, _value in node.value:
            if isinstance(key, ScalarNode) and key.value == path[-1]:
                return int(key.start_mark.line) + 1
    return None


def _step(node: Node | None, step: str | int) -> Node | None:
    if isinstance(node, MappingNode) and isinstance(step, str):
        return next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == step), None)
    if isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        found: Node = node.value[step]
        return found
    return None


def error_where(exc: yaml.YAMLError) -> str:
    """`, line N: problem` for a YAML parse error, to follow the file's name in a message."""
    mark = getattr(exc, "problem_mark", None)
    where = f", line {mark.line + 1}" if mark is not None else ""
    return f"{where}: {getattr(exc, 'problem', None) or 'not valid YAML'}"
