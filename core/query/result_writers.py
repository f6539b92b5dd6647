"""Write a result frame as a readable table, CSV, JSON rows or Grafana frame JSON, values exact.

CSV keeps NULL apart from empty text: NULL is an empty unquoted field, empty text is `""`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from core.cql.values import dumps
from core.grafana.frames import NULL_TEXT, Frame, frames_json

MAX_TABLE_WIDTH = 60


def write_csv(frame: Frame, out: TextIO) -> None:
    """RFC 4180 CSV with a header; exact values; NULL as an empty unquoted field."""
    out.write(",".join(_csv_cell(f.name) for f in frame.fields) + "\r\n")
    fields = frame.fields
    for row in range(frame.row_count):
        cells = []
        for item in fields:
            text = item.text(row)
            cells.append("" if text is None else _csv_cell(text))
        out.write(",".join(cells) + "\r\n")


def _csv_cell(text: str) -> str:
    if text == "" or any(c in text for c in ',"\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def write_json_rows(frame: Frame, out: TextIO) -> None:
    """A JSON list of row objects; decimals and varints as numbers with all digits, NULL as null."""
    fields = frame.fields
    rows = [{item.name: item.json(row) for item in fields} for row in range(frame.row_count)]
    out.write(dumps(rows, indent=2))
    out.write("\n")


def write_frames(frames: Sequence[Frame], out: TextIO) -> None:
    """Grafana data frame JSON, times as epoch ms."""
    out.write(frames_json(frames))
    out.write("\n")


def write_table(frame: Frame, out: TextIO, max_width: int = MAX_TABLE_WIDTH) -> None:
    """An aligned, readable table; long values are cut with an ellipsis (use csv or json for all of it)."""
    headers = [f"{f.name}" for f in frame.fields]
    types = [f.cql_type for f in frame.fields]
    body = [[_cut(f.text(row), max_width) for f in frame.fields] for row in range(frame.row_count)]
    widths = [max(len(h), len(t)) for h, t in zip(headers, types, strict=True)]
    for cells in body:
        widths = [max(w, len(c)) for w, c in zip(widths, cells, strict=True)]
    out.write(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    out.write(" | ".join(t.ljust(w) for t, w in zip(types, widths, strict=True)).rstrip() + "\n")
    out.write("-+-".join("-" * w for w in widths) + "\n")
    for cells in body:
        out.write(" | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n")
    out.write(f"({frame.row_count} row{'s' if frame.row_count != 1 else ''})\n")


def _cut(text: str | None, width: int) -> str:
    if text is None:
        return NULL_TEXT
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 1] + "…"
