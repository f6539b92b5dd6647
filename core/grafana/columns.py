"""A result column held as compact chunks, one per page: NumPy arrays with a NULL mask where NumPy holds the values
exactly (integers up to int64, doubles, epoch-ms timestamps, booleans), Python lists for everything else (text,
decimal, varint, uuid, collections...).

A Column is a read-only sequence of the exact Python values (None for NULL), so code that reads `Field.values`
works unchanged, while a million doubles cost 8 MB instead of 32. Pages share their chunks with the whole column.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from core.cql.values import base_type

# CQL type -> the NumPy dtype that holds every value of it exactly.
_DTYPES: dict[str, type[np.generic]] = {
    "bigint": np.int64, "counter": np.int64, "int": np.int64, "smallint": np.int64, "tinyint": np.int64,
    "timestamp": np.int64,  # epoch ms (core.grafana.frames stores timestamps so)
    "double": np.float64, "float": np.float64,
    "boolean": np.bool_,
}
INTERN_LIMIT = 65_536  # text values are shared while a column has at most this many distinct ones


def dtype_for(cql_type: str) -> type[np.generic] | None:
    """The NumPy dtype that holds this CQL type exactly, or None (the values stay Python objects)."""
    return _DTYPES.get(base_type(cql_type))


class Chunk:
    """One page of one column: an array and its NULL mask (None when no NULL), or a list of Python values."""

    __slots__ = ("data", "mask")

    def __init__(self, data: npt.NDArray[Any] | list[Any], mask: npt.NDArray[np.bool_] | None = None) -> None:
        self.data = data
        self.mask = mask

    def __len__(self) -> int:
        return len(self.data)

    def values(self, start: int = 0, stop: int | None = None) -> list[Any]:
        """The exact Python values of rows start..stop (None for NULL)."""
        if isinstance(self.data, list):
            return self.data[start:stop]
        out: list[Any] = self.data[start:stop].tolist()
        if self.mask is not None:
            for index in np.flatnonzero(self.mask[start:stop]).tolist():
                out[index] = None
        return out


def make_chunk(values: list[Any], dtype: type[np.generic] | None) -> Chunk:
    """A chunk of these values: an array when the dtype holds them exactly, else the list itself."""
    if dtype is None or not values:
        return Chunk(values)
    mask: npt.NDArray[np.bool_] | None = None
    if None in values:
        mask = np.fromiter((v is None for v in values), dtype=np.bool_, count=len(values))
        zero = False if dtype is np.bool_ else 0
        values = [zero if v is None else v for v in values]
    try:
        return Chunk(np.array(values, dtype=dtype), mask)
    except (OverflowError, TypeError, ValueError):  # a value the dtype cannot hold: keep them all exact
        return Chunk([None if mask is not None and mask[i] else v for i, v in enumerate(values)])


class Column(Sequence[Any]):
    """A column's values in chunks; reads return exact Python values, None for NULL."""

    __slots__ = ("_chunks", "_length", "_starts")

    def __init__(self, chunks: Sequence[Chunk] = ()) -> None:
        self._chunks: list[Chunk] = []
        self._starts: list[int] = []
        self._length = 0
        for chunk in chunks:
            self.append(chunk)

    def append(self, chunk: Chunk) -> None:
        """Add a page's chunk at the end (shared, not copied)."""
        if not len(chunk):
            return
        self._chunks.append(chunk)
        self._starts.append(self._length)
        self._length += len(chunk)

    @property
    def chunks(self) -> list[Chunk]:
        return list(self._chunks)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step != 1:
                return list(self)[index]
            return self._range(start, stop)
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("column index out of range")
        which = bisect_right(self._starts, index) - 1
        chunk, offset = self._chunks[which], index - self._starts[which]
        if isinstance(chunk.data, list):
            return chunk.data[offset]
        if chunk.mask is not None and chunk.mask[offset]:
            return None
        return chunk.data[offset].item()

    def _range(self, start: int, stop: int) -> list[Any]:
        out: list[Any] = []
        if start >= stop:
            return out
        first = bisect_right(self._starts, start) - 1
        for which in range(first, len(self._chunks)):
            begin = self._starts[which]
            if begin >= stop:
                break
            chunk = self._chunks[which]
            out.extend(chunk.values(max(start - begin, 0), min(stop - begin, len(chunk))))
        return out

    def __iter__(self) -> Iterator[Any]:
        if len(self._chunks) == 1:
            return iter(self._chunks[0].values())
        return chain.from_iterable(map(Chunk.values, self._chunks))

    def __contains__(self, value: object) -> bool:
        if value is None:
            return any(chunk.mask is not None and bool(chunk.mask.any()) if not isinstance(chunk.data, list)
                       else None in chunk.data for chunk in self._chunks)
        return any(value in chunk.values() for chunk in self._chunks)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Column | list | tuple):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Column({list(self)!r})"

    def arrays(self) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]] | None:
        """The whole column as one array (read-only) and its NULL mask, when every chunk is an array (None
        otherwise)."""
        if not self._chunks or any(isinstance(chunk.data, list) for chunk in self._chunks):
            return None
        if len(self._chunks) == 1:  # a page: its own array, not a copy
            only = self._chunks[0]
            data = np.asarray(only.data).view()
            data.flags.writeable = False
            return data, only.mask if only.mask is not None else np.zeros(len(data), dtype=np.bool_)
        data = np.concatenate([np.asarray(chunk.data) for chunk in self._chunks])
        mask = np.concatenate([chunk.mask if chunk.mask is not None else np.zeros(len(chunk), dtype=np.bool_)
                               for chunk in self._chunks])
        return data, mask


class TextInterner:
    """Shares equal text values of one column (a series id repeats on every row), while they are few."""

    def __init__(self) -> None:
        self._seen: dict[str, str] | None = {}

    def share(self, values: list[Any]) -> list[Any]:
        seen = self._seen
        if seen is None:
            return values
        shared = list(map(seen.setdefault, values, values))  # text or None: both hashable
        if len(seen) > INTERN_LIMIT:
            self._seen = None  # mostly distinct values: sharing saves nothing
        return shared


COMPACT_MIN = 1_000  # fewer values stay a list: a small array costs more than the Python objects it replaces


def compact(values: Sequence[Any]) -> Sequence[Any]:
    """The same values as a one-chunk Column when there are at least COMPACT_MIN and every one is a float, or every
    one an int within int64 (NULLs aside): one array, unpickled in one copy instead of an object a value. Any other
    values are returned as they are. The Python types decide, not a CQL type: a plugin's frames hold what the
    plugin converted the values to."""
    if isinstance(values, Column) or len(values) < COMPACT_MIN:
        return values
    kinds = set(map(type, values))
    kinds.discard(type(None))
    dtype = np.float64 if kinds == {float} else np.int64 if kinds == {int} else None
    if dtype is None:
        return values
    chunk = make_chunk(list(values), dtype)
    return values if isinstance(chunk.data, list) else Column([chunk])  # (a list: an int beyond int64)


def as_array(values: Sequence[Any], dtype: type[np.generic]) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """The values as one array of `dtype` (NULL as 0) and their NULL mask; straight from the chunks when they are
    arrays, else converted value by value (a float of a Decimal is correctly rounded)."""
    if isinstance(values, Column) and (arrays := values.arrays()) is not None:
        data, mask = arrays
        return data.astype(dtype, copy=False), mask
    items = list(values)
    mask = np.fromiter((v is None for v in items), dtype=np.bool_, count=len(items))
    return np.fromiter((0 if v is None else v for v in items), dtype=dtype, count=len(items)), mask
