"""Sort, filter and export a result table in chunks, so a worker thread never holds the GIL for long.

Each operation checks a cancel callback between chunks (raising `Cancelled`) and reports progress. A column's
values are read as a plain `Sequence` (len, index, slice, iterate): the frame's storage is not assumed.
Ordering is exact (ints and decimals compare as numbers, never through floats; text by code point), stable,
and puts NULLs last in both directions; NaN sorts above every number, as Cassandra's double comparison does.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import operator
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from decimal import Context, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from core.config.file_safety import write_target
from core.cql.column_text import column_texts
from core.cql.values import base_type
from core.grafana.columns import Column
from core.grafana.frames import NULL_TEXT, Field, Frame
from core.query.result_writers import StreamingWriter

CHUNK_ROWS = 50_000  # rows per sorted run of the merge path (list.sort holds the GIL for one run)
STEP_ROWS = 10_000  # rows converted to NumPy per step: one C call stays within a few ms
# Rows turned into text per step (filter, export, copy). A C call such as `list(map(repr, floats))` never lets
# another thread take the GIL before it ends, and the GUI thread waits out one such call at each of its calls
# into Python: 10,000 rows made a repaint during an export take 80-250 ms.
TEXT_STEP_ROWS = 2_000

Rows = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
CancelCheck = Callable[[], bool]
ProgressReport = Callable[[int, int], None]  # (done, total)

# Column types whose values NumPy holds exactly: Python ints within int64, floats, epoch-ms timestamps, and text
# (NumPy's variable-width strings compare by UTF-8 bytes, which is code point order).
_TEXT_DTYPE = np.dtypes.StringDType()
_NUMPY_TYPES: dict[str, np.dtype[Any]] = {
    # varint too: a column whose values all fit in int64 sorts in NumPy, any other takes the exact merge path.
    **dict.fromkeys(("bigint", "counter", "int", "smallint", "tinyint", "timestamp", "varint"), np.dtype(np.int64)),
    **dict.fromkeys(("float", "double"), np.dtype(np.float64)),
    **dict.fromkeys(("ascii", "text", "varchar"), _TEXT_DTYPE),
}


class Cancelled(Exception):
    """The operation was cancelled between two chunks."""


def check_step(cancel: CancelCheck | None, progress: ProgressReport | None, done: int, total: int) -> None:
    """Between two chunks: raise Cancelled when asked to stop, else report progress."""
    if cancel is not None and cancel():
        raise Cancelled
    if progress is not None:
        progress(done, total)


# -- sorting ---------------------------------------------------------------------------------------


def sort_order(field: Field, descending: bool = False, *, cancel: CancelCheck | None = None,
               progress: ProgressReport | None = None) -> Rows:
    """The row indexes of `field` in sorted order: stable, NULLs last, exact comparisons."""
    kind = base_type(field.cql_type)
    dtype = _NUMPY_TYPES.get(kind)
    if dtype is not None:
        keys = _numpy_keys(field.values, dtype, cancel, progress)
        if keys is not None:
            return _numpy_order(*keys, descending)
    elif kind == "decimal":
        keys = _decimal_keys(field.values, cancel, progress)
        if keys is not None:
            return _numpy_order(*keys, descending)
    values, total = field.values, len(field.values)
    try:
        return _merged_order(total, lambda start, end: values[start:end], _sort_key(field.cql_type), descending,
                             cancel, progress)
    except TypeError:  # values that do not compare (collections, durations, mixed): their exact text
        return _merged_order(total, lambda start, end: column_texts(values[start:end], field.cql_type), None,
                             descending, cancel, progress)


def _numpy_keys(values: Sequence[Any], dtype: np.dtype[Any], cancel: CancelCheck | None,
                progress: ProgressReport | None) -> tuple[npt.NDArray[Any], Mask | None] | None:
    """The column as one NumPy array (NULL as a zero value) and its NULL mask, built chunk by chunk; None when
    NumPy cannot hold a value exactly (an int beyond int64, a value of another type, a lone surrogate)."""
    total = len(values)
    if isinstance(values, Column) and dtype is not _TEXT_DTYPE:
        arrays = values.arrays()  # a query result's compact chunks: no Python values at all
        if arrays is not None and arrays[0].dtype.kind == dtype.kind:
            data, mask = arrays
            return data.astype(dtype, copy=False), (mask if mask.any() else None)
    keys = np.empty(total, dtype=dtype)
    nulls: Mask | None = None
    zero = "" if dtype is _TEXT_DTYPE else 0
    for start in range(0, total, STEP_ROWS):
        check_step(cancel, progress, start // 2, total)
        chunk = list(values[start:start + STEP_ROWS])
        end = start + len(chunk)
        if any(v is None for v in chunk):
            if nulls is None:
                nulls = np.zeros(total, dtype=np.bool_)
            nulls[start:end] = np.fromiter((v is None for v in chunk), dtype=np.bool_, count=len(chunk))
            chunk = [zero if v is None else v for v in chunk]
        try:
            if dtype is _TEXT_DTYPE:
                if not all(type(v) is str for v in chunk):
                    return None  # NumPy would turn other values into their str(), not hold them
                keys[start:end] = chunk
                continue
            array = np.asarray(chunk)
        except (OverflowError, TypeError, ValueError):  # UnicodeEncodeError is a ValueError
            return None
        # Only a chunk NumPy itself types as signed ints (or floats) is exact: ints beyond int64 come back as
        # uint64 or objects, datetimes and decimals as objects, and those columns take the exact merge path.
        if array.dtype.kind != dtype.kind:
            return None
        keys[start:end] = array
    return keys, nulls


def _decimal_keys(values: Sequence[Any], cancel: CancelCheck | None,
                  progress: ProgressReport | None) -> tuple[npt.NDArray[Any], Mask | None] | None:
    """Decimals as exact int64 keys: each value scaled to the column's smallest exponent (10.5 and 10.50 both
    become 1050 at exponent -2); None when a scaled value does not fit in int64, and the exact merge path
    sorts the column instead. (Scaling only moves the exponent: with 40 digits of precision it is exact for
    every value that fits in int64's 19 digits, and any value it would round is far beyond int64.)"""
    total = len(values)
    smallest = 0
    for start in range(0, total, STEP_ROWS):
        check_step(cancel, progress, start // 4, total)
        present = [v for v in values[start:start + STEP_ROWS] if v is not None]
        if present:
            try:
                smallest = min(smallest, min(map(_EXPONENT, map(Decimal.as_tuple, present))))
            except TypeError:  # NaN or Infinity ('n', 'F'), or a value that is not a Decimal
                return None
    keys = np.empty(total, dtype=np.int64)
    nulls: Mask | None = None
    scale = functools.partial(Decimal.scaleb, other=-smallest, context=_WIDE)
    for start in range(0, total, STEP_ROWS):
        check_step(cancel, progress, (total + start) // 4, total)
        chunk = list(values[start:start + STEP_ROWS])
        end = start + len(chunk)
        if None in chunk:
            if nulls is None:
                nulls = np.zeros(total, dtype=np.bool_)
            nulls[start:end] = [v is None for v in chunk]
            chunk = [_ZERO if v is None else v for v in chunk]
        try:
            array = np.asarray(list(map(int, map(scale, chunk))))
        except OverflowError:
            return None
        if array.dtype.kind != "i":
            return None  # beyond int64 (uint64 or objects)
        keys[start:end] = array
    return keys, nulls


_EXPONENT = operator.attrgetter("exponent")
_WIDE = Context(prec=40)
_ZERO = Decimal(0)


def _numpy_order(keys: npt.NDArray[Any], nulls: Mask | None, descending: bool) -> Rows:
    """A stable argsort (NumPy releases the GIL for it); descending keeps ties in their original order."""
    present: Rows | None = None
    if nulls is not None:
        present = np.flatnonzero(~nulls).astype(np.int64)
        keys = keys[present]
    if descending:
        order = (len(keys) - 1 - np.argsort(keys[::-1], kind="stable")[::-1]).astype(np.int64)
    else:
        order = np.argsort(keys, kind="stable").astype(np.int64)
    if present is None or nulls is None:
        return order
    return np.concatenate([present[order], np.flatnonzero(nulls).astype(np.int64)])


def _sort_key(cql_type: str) -> Callable[[Any], Any] | None:
    """How values of a type compare: timeuuids by their time first (as Cassandra orders them)."""
    if base_type(cql_type) == "timeuuid":
        return lambda value: (value.time, value.int)
    return None


def _merged_order(total: int, chunk_of: Callable[[int, int], Sequence[Any]], key: Callable[[Any], Any] | None,
                  descending: bool, cancel: CancelCheck | None, progress: ProgressReport | None) -> Rows:
    """Sort chunks of rows one by one, then merge them lazily; checks `cancel` between chunks and while merging.

    Runs hold (key, row) pairs, or (key, -row) when descending, so plain tuple order is stable both ways.
    """
    sign = -1 if descending else 1
    runs: list[list[tuple[Any, int]]] = []
    nulls: list[int] = []
    for start in range(0, total, CHUNK_ROWS):
        check_step(cancel, progress, start // 2, total)
        run: list[tuple[Any, int]] = []
        for row, value in enumerate(chunk_of(start, start + CHUNK_ROWS), start):
            if value is None:
                nulls.append(row)
            else:
                run.append((value if key is None else key(value), sign * row))
        run.sort(reverse=descending)
        runs.append(run)
    merged = heapq.merge(*runs, reverse=descending)
    order = np.empty(total, dtype=np.int64)
    done = 0
    while batch := list(itertools.islice(merged, CHUNK_ROWS)):
        check_step(cancel, progress, (total + done) // 2, total)
        order[done:done + len(batch)] = [sign * row for _, row in batch]
        done += len(batch)
    order[done:] = nulls
    return order


# -- filtering -------------------------------------------------------------------------------------


def filter_mask(frame: Frame, text: str, *, cancel: CancelCheck | None = None,
                progress: ProgressReport | None = None) -> Mask | None:
    """Rows where any cell's exact text contains `text`, ignoring case; None when `text` is empty (every row).

    NULL cells have no text: they match only when the filter is exactly `NULL` (as the table shows them),
    which also keeps cells whose text contains "null" in any case.
    """
    if text == "":
        return None
    needle = text.casefold()
    nulls_match = text.strip() == NULL_TEXT
    # ASCII digits and punctuation have no case, and folding a text's case never makes them: no need to fold.
    caseless = needle.isascii() and not any(c.isalpha() for c in needle)
    total = frame.row_count
    mask = np.zeros(total, dtype=np.bool_)
    for start in range(0, total, TEXT_STEP_ROWS):
        check_step(cancel, progress, start, total)
        hits = mask[start:start + TEXT_STEP_ROWS]
        for field in frame.fields:
            texts = column_texts(field.values[start:start + TEXT_STEP_ROWS], field.cql_type)
            if caseless:
                found = np.fromiter((nulls_match if t is None else needle in t for t in texts),
                                    dtype=np.bool_, count=len(texts))
            else:
                found = np.fromiter((nulls_match if t is None else needle in t.casefold() for t in texts),
                                    dtype=np.bool_, count=len(texts))
            np.logical_or(hits, found, out=hits)
    return mask


def shown_rows(order: Rows | None, mask: Mask | None) -> Rows | None:
    """The source rows to show, in order: the sort permutation kept where the filter matches (None: all, as is)."""
    if mask is None:
        return order
    if order is None:
        return np.flatnonzero(mask).astype(np.int64)
    return order[mask[order]]


# -- export ----------------------------------------------------------------------------------------


def write_rows(frame: Frame, kind: str, out: Any, rows: Rows | None = None, *, cancel: CancelCheck | None = None,
               progress: ProgressReport | None = None, chunk_rows: int = 0) -> int:
    """Write the frame (or only `rows` of it, in that order) as CSV or JSON rows, a chunk at a time; the text is
    exactly what `write_csv` / `write_json_rows` write for the same rows. Returns the number of rows written."""
    writer = StreamingWriter(kind, out)
    total = frame.row_count if rows is None else len(rows)
    chunk_rows = chunk_rows or TEXT_STEP_ROWS
    for start in range(0, total, chunk_rows):
        check_step(cancel, progress, start, total)
        end = min(start + chunk_rows, total)
        if rows is None:
            columns = [f.values[start:end] for f in frame.fields]
        else:
            picked = rows[start:end].tolist()
            columns = [[f.values[i] for i in picked] for f in frame.fields]
        writer.page(Frame(frame.name, [Field(f.name, f.cql_type, f.type, f.element, values, dict(f.labels))
                                       for f, values in zip(frame.fields, columns, strict=True)]))
    check_step(cancel, progress, total, total)
    writer.finish(frame)
    return total


def export_file(frame: Frame, kind: str, path: Path, rows: Rows | None = None, *, cancel: CancelCheck | None = None,
                progress: ProgressReport | None = None) -> int:
    """Write a temporary file beside `path` and rename it over `path` at the end, so `path` is never partial.

    On cancel or error the temporary file is removed and an existing `path` is left as it was. A new file gets
    the usual mode (0666 less the umask); a replaced one keeps its mode.
    """
    target = write_target(path)  # through a symlink; directories and special files refused
    temp, fd = _create_beside(target)
    try:
        with contextlib.suppress(OSError):
            shutil.copymode(target, temp)
        with open(fd, "w", encoding="utf-8", newline="") as out:
            written = write_rows(frame, kind, out, rows, cancel=cancel, progress=progress)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return written


def _create_beside(target: Path) -> tuple[Path, int]:
    while True:
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
