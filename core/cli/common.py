"""What every command shares: exit codes, and printing tables and compatibility findings."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TextIO

from core.grafana.report import Finding

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3  # part of a change was made; the message says exactly which part


def print_findings(findings: list[Finding], as_json: bool) -> None:
    """Findings on standard error, as text lines or one JSON list."""
    if as_json:
        print(json.dumps([f.to_dict() for f in findings], indent=2), file=sys.stderr)
        return
    for finding in findings:
        print(f"{finding.severity}: {finding.message}\n  suggestion: {finding.suggestion}", file=sys.stderr)


def print_table(rows: Sequence[tuple[str, ...]], out: TextIO) -> None:
    """Rows as left-aligned columns, the first row being the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)
