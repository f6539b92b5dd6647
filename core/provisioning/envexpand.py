"""Environment expansion of provisioning values, the way Grafana does it when it reads a v1 file.

Grafana splits a value on `$$` (a literal `$`), expands `${VAR}`, `$__env{VAR}` and `$__file{path}`
(file content, trimmed) with its expanders, then runs Go's `os.ExpandEnv` (`$VAR`, `${VAR}`).
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from core.errors import CqlscopeError
from core.grafana.template_scan import NextFinder, finditer_closed

# Grafana's expander pattern (pkg/setting/expanders.go): `${x}` and `$__name{x}`.
_EXPANDER_RE = re.compile(r"\$(|__[A-Za-z0-9_]+)\{([^}]+)\}")
_NEVER = re.compile(r"(?!)")
_NAME_RUN = re.compile(r"[_0-9a-zA-Z]+")
_SHELL_SPECIAL = set("*#$@!?-0123456789")

FileReader = Callable[[str], str]


class ExpansionError(CqlscopeError):
    """A `$__file{}` reference that cannot be read (Grafana refuses the whole file then)."""

    title = "Cannot expand a value"


MAX_FILE_BYTES = 1024 * 1024  # a secret in a file is small; devices and huge files are refused


def _read_file(path: str) -> str:
    """A `$__file{}` file: regular, at most 1 MiB, UTF-8; the errors never quote its contents."""
    import stat

    file = Path(path)
    mode = file.stat().st_mode
    if not stat.S_ISREG(mode):
        raise ExpansionError(f"$__file{{{path}}} is not a regular file (a directory or a device): refused")
    with file.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ExpansionError(f"$__file{{{path}}} is larger than 1 MiB: refused")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExpansionError(f"$__file{{{path}}} is not UTF-8 text: refused") from None


class Expander:
    """Expands values against one environment (os.environ unless given) and file reader."""

    def __init__(self, environ: Mapping[str, str] | None = None, read_file: FileReader | None = None) -> None:
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.read_file = read_file or _read_file
        self.unset_variables: set[str] = set()

    def env(self, name: str, hostname_fallback: bool = False) -> str:
        """One variable; unset gives "". Only Grafana's env expander (`${HOSTNAME}`, `$__env{HOSTNAME}`)
        falls back to the machine's name (pkg/setting/expanders.go); os.ExpandEnv's `$HOSTNAME` does not."""
        value = self.environ.get(name)
        if name == "HOSTNAME" and not value and hostname_fallback:
            return socket.gethostname()
        if value is None:
            self.unset_variables.add(name)
            value = ""
        return value

    def value(self, text: str) -> str:
        """The expanded form of one string value."""
        parts = text.split("$$")
        return "$".join(self._go_expand_env(self._expanders(part, text)) if "$" in part else part for part in parts)

    def tree(self, node: Any) -> Any:
        """Expand every string inside nested mappings and lists (keys are left alone); others unchanged."""
        if isinstance(node, str):
            return self.value(node)
        if isinstance(node, Mapping):
            return {key: self.tree(child) for key, child in node.items()}
        if isinstance(node, list):
            return [self.tree(child) for child in node]
        return node

    def _expanders(self, part: str, whole: str) -> str:
        # Grafana applies the env expander to every match, then the file expander (priority order).
        for expander in ("env", "file"):
            for match in list(finditer_closed(_EXPANDER_RE, _NEVER, part, "}")):  # linear when left open
                kind, argument = match.group(1), match.group(2)
                if kind == f"__{expander}" or (kind == "" and expander == "env"):
                    if expander == "env":
                        updated = self.env(argument, hostname_fallback=True)
                    else:
                        try:
                            updated = self.read_file(argument).strip()
                        except OSError as exc:
                            # Grafana's wording: values.go wraps the file expander's os.Stat error
                            reason = (exc.strerror or str(exc)).lower()
                            raise ExpansionError(
                                f"failed to interpolate value '{whole}': got error while expanding expander "
                                f"file: stat {argument}: {reason}") from None
                    part = part.replace(match.group(0), updated, 1)
        return part

    def _go_expand_env(self, s: str) -> str:
        """Go's os.ExpandEnv: `$NAME`, `${NAME}`, shell special one-character names; bad syntax eaten."""
        out: list[str] = []
        closing = NextFinder(s, "}")  # each `${` looks for its `}` without scanning the rest again
        i = 0
        j = 0
        while (j := s.find("$", j)) != -1:  # only a `$` starts anything; the rest is copied as it is
            if j + 1 < len(s):
                out.append(s[i:j])
                name, width = _shell_name(s, j + 1, closing)
                if name == "" and width > 0:
                    pass  # invalid syntax: eaten
                elif name == "":
                    out.append("$")
                else:
                    out.append(self.env(name))
                j += width
                i = j + 1
            j += 1
        out.append(s[i:])
        return "".join(out)


def _shell_name(s: str, start: int, closing: NextFinder) -> tuple[str, int]:
    """Go's getShellName on s[start:]: the name and how many bytes it takes."""
    first = s[start]
    if first == "{":
        if start + 2 < len(s) and s[start + 1] in _SHELL_SPECIAL and s[start + 2] == "}":
            return s[start + 1], 3
        close = closing.find(start + 1)
        if close == len(s):
            return "", 1
        if close == start + 1:
            return "", 2
        return s[start + 1:close], close - start + 1
    if first in _SHELL_SPECIAL:
        return first, 1
    match = _NAME_RUN.match(s, start)
    name = match.group(0) if match else ""
    return name, len(name)


def expand(text: str, environ: Mapping[str, str] | None = None, read_file: FileReader | None = None) -> str:
    """Expand one value like Grafana's provisioning (see `Expander.value`)."""
    return Expander(environ, read_file).value(text)
