"""Column-oriented result frames with exact, nullable values, and Grafana's frame JSON.

A Frame holds one Field per column: its name, CQL type, Grafana field type, element type and values.
Values are the driver's exact Python values (int, Decimal, float, str, bool, UUID, ...; None for
NULL), except timestamps, which are stored as exact epoch milliseconds (UTC instants).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from core.cql.values import EPOCH, ONE_MS, base_type, dumps, epoch_ms, json_value, value_text
from core.grafana.columns import Chunk, Column, TextInterner, dtype_for, make_chunk

NULL_TEXT = "NULL"

# CQL type -> (Grafana field type, Go element type) for cqlscope's own, exact frames.
_FIELD_TYPES: dict[str, tuple[str, str]] = {
    "timestamp": ("time", "time.Time"),
    "bigint": ("number", "int64"), "counter": ("number", "int64"), "int": ("number", "int32"),
    "smallint": ("number", "int16"), "tinyint": ("number", "int8"),
    "varint": ("number", "float64"), "decimal": ("number", "float64"),  # values stay exact
    "float": ("number", "float32"), "double": ("number", "float64"),
    "boolean": ("boolean", "bool"),
    "ascii": ("string", "string"), "text": ("string", "string"), "varchar": ("string", "string"),
    "uuid": ("string", "string"), "timeuuid": ("string", "string"), "inet": ("string", "string"),
    "date": ("string", "string"), "time": ("string", "string"), "duration": ("string", "string"),
    "blob": ("string", "string"),
}


def field_types(cql_type: str) -> tuple[str, str]:
    """Grafana field type and element type of a CQL type (collections, tuples, UDTs: `other`)."""
    return _FIELD_TYPES.get(base_type(cql_type), ("other", "json.RawMessage"))


@dataclass
class Field:
    """One column: name, CQL type, Grafana type and element type, exact values (None is NULL)."""

    name: str
    cql_type: str
    type: str
    element: str
    values: Sequence[Any]  # a list, or a Column of compact chunks (query results)
    labels: dict[str, str] = field(default_factory=dict)
    nullable: bool = True

    @classmethod
    def of(cls, name: str, cql_type: str, values: Sequence[Any], labels: dict[str, str] | None = None) -> Field:
        grafana_type, element = field_types(cql_type)
        return cls(name, cql_type, grafana_type, element, values, dict(labels or {}))

    def text(self, index: int) -> str | None:
        """Exact display text of one value; None for NULL (shown distinctly from empty text)."""
        value = self.values[index]
        if value is None:
            return None
        return value_text(value, self.cql_type)

    def json(self, index: int) -> Any:
        """A JSON-ready exact value (see core.cql.values.json_value)."""
        return json_value(self.values[index], self.cql_type)

    @property
    def display_name(self) -> str:
        """Grafana-style series name: `value {host="a", dc="b"}`."""
        if not self.labels:
            return self.name
        inner = ", ".join(f'{key}="{value}"' for key, value in self.labels.items())
        return f"{self.name} {{{inner}}}"


@dataclass
class Frame:
    """A named list of equally long fields, with free-form metadata (the CQL sent, truncation...)."""

    name: str
    fields: list[Field]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return len(self.fields[0].values) if self.fields else 0

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    def rows(self) -> Iterable[tuple[Any, ...]]:
        return zip(*(f.values for f in self.fields), strict=True)

    def time_fields(self) -> list[Field]:
        return [f for f in self.fields if f.type == "time"]

    def number_fields(self) -> list[Field]:
        return [f for f in self.fields if f.type == "number"]


def frame_from_rows(names: Sequence[str], cql_types: Sequence[str], rows: Sequence[Sequence[Any]],
                    name: str = "response") -> Frame:
    """Build a frame from driver rows (tuples), turning columns around in one pass per column."""
    columns = _columns(len(names), cql_types, rows)
    return Frame(name, [Field.of(n, t, values) for n, t, values in zip(names, cql_types, columns, strict=True)])


TRANSPOSE_ROWS = 10_000  # rows turned around in one C call: a huge page never holds the GIL for long


def _columns(width: int, cql_types: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    columns: list[list[Any]] = [[] for _ in range(width)]
    for start in range(0, len(rows), TRANSPOSE_ROWS):
        for column, part in zip(columns, zip(*rows[start:start + TRANSPOSE_ROWS], strict=True), strict=True):
            column.extend(part)
    for index, cql_type in enumerate(cql_types):
        if base_type(cql_type) == "timestamp":
            columns[index] = epoch_ms_list(columns[index])
    return columns


def epoch_ms_list(values: list[Any]) -> list[Any]:
    """Exact epoch ms of driver timestamps: naive UTC datetimes mapped in C (the same arithmetic as `epoch_ms`),
    anything else (NULL, aware datetimes) value by value. A column the query service decoded is already ints
    (core.cql.exact_timestamps): one decoder reads a whole column, so its first value tells."""
    first = next((v for v in values if v is not None), None)
    if first is None or type(first) is int:
        return values
    try:
        return list(map(operator.floordiv, map(operator.sub, values, repeat(EPOCH)), repeat(ONE_MS)))
    except TypeError:
        return [v if v is None or isinstance(v, int) else epoch_ms(v) for v in values]


class FrameBuilder:
    """Builds a frame page by page: each page's rows are turned into compact columns once (core.grafana.columns)
    and appended, so a result is held once, as columns, never also as a list of rows."""

    def __init__(self, names: Sequence[str], cql_types: Sequence[str], name: str = "response", *,
                 keep: bool = True, number_arrays: bool = True) -> None:
        self.names = list(names)
        self.cql_types = list(cql_types)
        self.name = name
        self.keep = keep  # False: each page is handed on and dropped (streamed output keeps no rows)
        # number_arrays=False: pages only written as text keep numbers as the driver's lists (str and repr read
        # them as they are, where an array would be built and read back); times are arrays, for the text and
        # the report's series.
        self._dtypes = [dtype_for(t) if number_arrays or base_type(t) == "timestamp" else None
                        for t in self.cql_types]
        # Shared text saves memory only in rows that are kept.
        self._interners = [TextInterner() if keep and base_type(t) in ("ascii", "text", "varchar") else None
                           for t in self.cql_types]
        self._columns = [Column() for _ in self.names]

    def add(self, rows: Sequence[Sequence[Any]]) -> Frame:
        """Append one page; returns the page alone as a frame (its columns share the page's chunks)."""
        chunks = []
        for values, dtype, interner in zip(_columns(len(self.names), self.cql_types, rows), self._dtypes,
                                           self._interners, strict=True):
            chunks.append(make_chunk(interner.share(values) if interner is not None else values, dtype))
        return self._append(chunks)

    def add_page(self, page: Frame) -> Frame:
        """Append a page another builder made (core.query.fetch_process: a child's page, unpickled here), its text
        shared as `add` shares it; returns the page as `add` does."""
        chunks = []
        for item, interner in zip(page.fields, self._interners, strict=True):
            column = item.values
            assert isinstance(column, Column) and len(column.chunks) <= 1, "a page holds one chunk a column"
            chunk = column.chunks[0] if column.chunks else Chunk([])  # a Column holds no empty chunk
            if interner is not None and isinstance(chunk.data, list):
                chunk = Chunk(interner.share(chunk.data), chunk.mask)
            chunks.append(chunk)
        return self._append(chunks)

    def _append(self, chunks: list[Chunk]) -> Frame:
        """Keep a page's chunks (when rows are kept) and return the page alone, sharing them."""
        if self.keep:
            for column, chunk in zip(self._columns, chunks, strict=True):
                column.append(chunk)
        return Frame(self.name, [Field.of(n, t, Column([chunk]))
                                 for n, t, chunk in zip(self.names, self.cql_types, chunks, strict=True)])

    def frame(self) -> Frame:
        """Every page so far, as one frame (its columns are the builder's own, not copies)."""
        return Frame(self.name, [Field.of(n, t, values)
                                 for n, t, values in zip(self.names, self.cql_types, self._columns, strict=True)])


# -- Grafana data frame JSON -----------------------------------------------------------------------


def frame_to_grafana(frame: Frame) -> dict[str, Any]:
    """Grafana's data frame JSON (`schema` + `data.values`), times as epoch ms, numbers exact."""
    schema_fields = []
    for item in frame.fields:
        entry: dict[str, Any] = {
            "name": item.name,
            "type": item.type,
            "typeInfo": {"frame": item.element, "nullable": item.nullable},
        }
        if item.labels:
            entry["labels"] = dict(item.labels)
        schema_fields.append(entry)
    values = []
    for item in frame.fields:
        if item.type == "time":
            values.append([None if v is None else json_value(v) for v in item.values])
        else:
            values.append([json_value(v, item.cql_type) for v in item.values])
    schema: dict[str, Any] = {"name": frame.name, "fields": schema_fields}
    if frame.meta:
        schema["meta"] = frame.meta
    return {"schema": schema, "data": {"values": values}}


def frames_json(frames: Sequence[Frame], indent: int | None = 2) -> str:
    """JSON text of several frames, with exact numbers."""
    return dumps([frame_to_grafana(f) for f in frames], indent=indent)


# -- long to wide ----------------------------------------------------------------------------------


def long_to_wide(frame: Frame) -> Frame:
    """Grafana's long-to-wide: one time field, one numeric field per (column, label values) series.

    String fields become labels; rows sharing a time are joined on it; missing points are None.
    Raises ValueError when the frame has no time field or no numeric field.
    """
    times = frame.time_fields()
    numbers = frame.number_fields()
    if not times:
        raise ValueError("the result has no time column (timestamp)")
    if not numbers:
        raise ValueError("the result has no numeric column")
    time_field = times[0]
    label_fields = [f for f in frame.fields if f.type == "string"]
    unique_times = sorted({t for t in time_field.values if t is not None})
    position = {t: i for i, t in enumerate(unique_times)}
    series: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
    for row in range(frame.row_count):
        moment = time_field.values[row]
        if moment is None:
            continue
        key_labels = tuple("" if f.values[row] is None else str(f.text(row)) for f in label_fields)
        for number in numbers:
            key = (number.name, key_labels)
            column = series.get(key)
            if column is None:
                column = series[key] = [None] * len(unique_times)
            column[position[moment]] = number.values[row]
    wide_fields = [Field.of(time_field.name, time_field.cql_type, list(unique_times))]
    types = {n.name: n.cql_type for n in numbers}
    for (number_name, key_labels), values in series.items():
        labels = {f.name: value for f, value in zip(label_fields, key_labels, strict=True)}
        wide_fields.append(Field.of(number_name, types[number_name], values, labels))
    return Frame(frame.name, wide_fields, dict(frame.meta))


def concat_frames(pages: Sequence[Frame], limit: int | None = None) -> Frame:
    """The rows of several pages of one result as one frame (at most `limit` rows), named and typed as the first."""
    first = pages[0] if pages else Frame("response", [])
    columns: list[list[Any]] = [[] for _ in first.fields]
    room = limit
    for page in pages:
        take = page.row_count if room is None else min(room, page.row_count)
        for column, item in zip(columns, page.fields, strict=True):
            column.extend(item.values[:take] if take < page.row_count else item.values)
        if room is not None:
            room -= take
            if room <= 0:
                break
    return Frame(first.name, [Field(f.name, f.cql_type, f.type, f.element, column, dict(f.labels), f.nullable)
                              for f, column in zip(first.fields, columns, strict=True)], dict(first.meta))
