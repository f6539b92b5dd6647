"""Write a result frame as a readable table, CSV, JSON rows or Grafana frame JSON, values exact.

CSV keeps NULL apart from empty text: NULL is an empty unquoted field, empty text is `""`. Each column is
converted once with one converter (core.cql.column_text), then rows are joined: no per-cell type dispatch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from operator import itemgetter
from typing import Any, TextIO, cast

from core.cql.column_text import UNQUOTED_TYPES, column_texts
from core.cql.values import base_type, dumps_at, json_value
from core.grafana.frames import NULL_TEXT, Frame, frames_json

MAX_TABLE_WIDTH = 60


def write_csv(frame: Frame, out: TextIO, chunk_rows: int = 50_000) -> None:
    """RFC 4180 CSV with a header; exact values; NULL as an empty unquoted field."""
    out.write(",".join(_csv_cell(f.name) for f in frame.fields) + "\r\n")
    _write_csv_rows(frame, out, chunk_rows)


def _write_csv_rows(frame: Frame, out: TextIO, chunk_rows: int = 50_000) -> None:
    for start in range(0, frame.row_count, chunk_rows):
        whole = frame.row_count <= chunk_rows  # a page: its columns as they are (arrays stay arrays)
        columns = [_csv_column(f.values if whole else f.values[start:start + chunk_rows], f.cql_type)
                   for f in frame.fields]
        if columns and columns[0]:
            out.write("\r\n".join(map(",".join, zip(*columns, strict=True))) + "\r\n")


def _csv_column(values: Sequence[Any], cql_type: str) -> list[str]:
    texts = column_texts(values, cql_type)
    if None not in texts:  # no NULL: the texts are the cells, unless some need quotes
        cells = cast(list[str], texts)
        if base_type(cql_type) in UNQUOTED_TYPES or not _any_needs_quotes(cells):
            return cells
        return list(map(_csv_cell, cells))
    present = [t for t in texts if t is not None]
    if base_type(cql_type) in UNQUOTED_TYPES or not _any_needs_quotes(present):
        return ["" if t is None else t for t in texts]  # NULL: an empty unquoted field
    return ["" if t is None else _csv_cell(t) for t in texts]


_NEEDS_QUOTES = re.compile(r'[,"\r\n]|^\s|\s$')
_QUOTE_CHARS = re.compile(r'[,"\r\n]')
_SPACE = re.compile(r"\s")


def _any_needs_quotes(cells: list[str]) -> bool:
    """Whether any non-NULL cell needs quotes, checked for the whole column at once: empty text (written `""` to
    stay apart from NULL), a quote-worthy character, or whitespace at either end."""
    if not cells:
        return False
    if "" in cells:
        return True
    return bool(_QUOTE_CHARS.search("".join(cells)) or _SPACE.search("".join(map(itemgetter(0), cells)))
                or _SPACE.search("".join(map(itemgetter(-1), cells))))


def _csv_cell(text: str) -> str:
    if text == "" or _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_json_rows(frame: Frame, out: TextIO, chunk_rows: int = 50_000) -> None:
    """A JSON list of row objects; decimals and varints as numbers with all digits, NULL as null.

    The text is the same as `core.cql.values.dumps(rows, indent=2)`, built column by column.
    """
    if frame.row_count == 0:
        out.write("[]\n")
        return
    out.write("[\n")
    _write_json_rows(frame, out, chunk_rows)
    out.write("\n]\n")


def _write_json_rows(frame: Frame, out: TextIO, chunk_rows: int = 50_000) -> None:
    """The row objects of the list, separated by commas, without the brackets."""
    prefixes = [f"    {json.dumps(f.name, ensure_ascii=False)}: " for f in frame.fields]
    for start in range(0, frame.row_count, chunk_rows):
        columns = [[prefix + text for text in _json_column(f.values[start:start + chunk_rows], f.cql_type)]
                   for prefix, f in zip(prefixes, frame.fields, strict=True)]
        rows = ("  {\n" + ",\n".join(cells) + "\n  }" if cells else "  {}" for cells in zip(*columns, strict=True))
        out.write((",\n" if start else "") + ",\n".join(rows))


class StreamingWriter:
    """Writes CSV or JSON rows page by page, as the query's pages arrive, with the same text as `write_csv` and
    `write_json_rows` write for the whole result; `finish` ends the output once the query is done."""

    FORMATS = ("csv", "json")

    def __init__(self, fmt: str, out: TextIO) -> None:
        if fmt not in self.FORMATS:
            raise ValueError(f"cannot stream {fmt}")
        self.fmt = fmt
        self.out = out
        self.rows = 0
        self._header_written = False

    def page(self, frame: Frame) -> None:
        """Write one page's rows (the CSV header before the first)."""
        if self.fmt == "csv":
            if not self._header_written:
                self.out.write(",".join(_csv_cell(f.name) for f in frame.fields) + "\r\n")
                self._header_written = True
            _write_csv_rows(frame, self.out)
        elif frame.row_count:
            self.out.write("[\n" if self.rows == 0 else ",\n")
            _write_json_rows(frame, self.out)
        self.rows += frame.row_count
        self.out.flush()

    def finish(self, frame: Frame) -> None:
        """Close the output; `frame` (the whole result) gives the CSV header when no page came."""
        if self.fmt == "csv":
            if not self._header_written:
                self.out.write(",".join(_csv_cell(f.name) for f in frame.fields) + "\r\n")
                self._header_written = True
        else:
            self.out.write("\n]\n" if self.rows else "[]\n")
        self.out.flush()


def _json_column(values: Sequence[Any], cql_type: str) -> list[str]:
    """JSON text of each value at the depth of a row member (collections are indented for that depth)."""
    kind = base_type(cql_type)
    if kind in ("ascii", "text", "varchar"):
        return ["null" if v is None else json.dumps(v, ensure_ascii=False) for v in values]
    if kind in ("bigint", "int", "smallint", "tinyint", "counter", "varint"):
        return ["null" if v is None else str(v) for v in values]
    if kind == "timestamp":
        return ["null" if t is None else f'"{t}"' for t in column_texts(values, cql_type)]
    return [dumps_at(json_value(v, cql_type), 2, 2) for v in values]


def write_frames(frames: Sequence[Frame], out: TextIO) -> None:
    """Grafana data frame JSON, times as epoch ms."""
    out.write(frames_json(frames))
    out.write("\n")


def write_table(frame: Frame, out: TextIO, max_width: int = MAX_TABLE_WIDTH) -> None:
    """An aligned, readable table; long values are cut with an ellipsis (use csv or json for all of it)."""
    headers = [f"{f.name}" for f in frame.fields]
    types = [f.cql_type for f in frame.fields]
    columns = [[_cut(t, max_width) for t in column_texts(f.values, f.cql_type)] for f in frame.fields]
    body = [list(cells) for cells in zip(*columns, strict=True)] if columns else []
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
