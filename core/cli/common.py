"""What every command shares: exit codes, and printing tables and compatibility findings."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TextIO

from core.errors import CqlscopeError
from core.findings import Finding

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3  # part of a change was made; the message says exactly which part


class UsageError(CqlscopeError):
    """A bad option value or argument (exit code 2, like argparse's own usage errors)."""

    title = "Invalid option"


def usage_errors() -> tuple[type[CqlscopeError], ...]:
    """The errors about what the user gave (option values and the files they name): these exit with EXIT_USAGE.

    Errors raised outside the CLI with the title "Invalid option" count too (see `is_usage_error`)."""
    from core.config.safe_yaml import YamlInputError
    from core.errors import ValidationError
    from core.grafana.dashboards.model import DashboardError
    from core.grafana.templating import TemplateRecursionError, VariablesFileError
    from core.grafana.timezones import TimeExpressionError
    from core.provisioning.envexpand import ExpansionError
    from core.provisioning.model import ProvisioningFileError

    return (UsageError, ValidationError, VariablesFileError, TemplateRecursionError, TimeExpressionError,
            DashboardError, ProvisioningFileError, YamlInputError, ExpansionError)


def is_usage_error(error: CqlscopeError) -> bool:
    """Whether `error` is about the user's input (exit code 2) rather than a failure (exit code 1)."""
    return isinstance(error, usage_errors()) or error.title == UsageError.title


def terminal_safe(text: object) -> str:
    """`text` with control characters, line separators and bidirectional overrides escaped (\\x1b), newlines and
    backslashes kept: names read from files cannot rewrite the terminal."""
    from core.config.datasource import is_unprintable

    shown = str(text)
    if not any(is_unprintable(char) for char in shown):
        return shown
    return "".join(char if char in "\n\t" or not is_unprintable(char)
                   else (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}") for char in shown)


def print_findings(findings: list[Finding], as_json: bool) -> None:
    """Findings on standard error, as text lines or one JSON list."""
    if as_json:
        print(json.dumps([f.to_dict() for f in findings], indent=2), file=sys.stderr)  # JSON escapes them
        return
    for finding in findings:
        print(terminal_safe(f"{finding.severity}: {finding.message}\n  suggestion: {finding.suggestion}"),
              file=sys.stderr)


def print_table(rows: Sequence[tuple[str, ...]], out: TextIO) -> None:
    """Rows as left-aligned columns, the first row being the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)
