"""Compact result columns (core.grafana.columns): exact Python values back, NULL apart, chunks shared by pages."""

from __future__ import annotations

import math
import pickle
import sys
from decimal import Decimal

import numpy as np
import pytest

from core.grafana.columns import (
    COMPACT_MIN,
    INTERN_LIMIT,
    Chunk,
    Column,
    TextInterner,
    compact,
    dtype_for,
    make_chunk,
)
from core.grafana.frames import FrameBuilder

BIG = 2**63 - 1


def test_exact_values_come_back_with_their_python_types() -> None:
    column = Column([make_chunk([BIG, -BIG - 1, 0, None], np.int64),
                     make_chunk([1.5, -0.0, math.inf, None, 0.1], np.float64),
                     make_chunk([True, None, False], np.bool_)])
    values = list(column)
    assert values[:4] == [BIG, -BIG - 1, 0, None]
    assert [type(v) for v in values[:3]] == [int, int, int]
    assert values[4] == 1.5 and math.copysign(1.0, values[5]) == -1.0 and values[6] == math.inf
    assert values[7] is None and values[8] == 0.1 and type(values[8]) is float
    assert values[9:] == [True, None, False] and type(values[9]) is bool
    assert math.isnan(Column([make_chunk([math.nan], np.float64)])[0]), "NaN stays NaN, not NULL"


def test_a_value_the_dtype_cannot_hold_keeps_the_whole_chunk_exact() -> None:
    chunk = make_chunk([1, 2**64, None], np.int64)  # out of int64: kept as Python values
    assert isinstance(chunk.data, list) and chunk.data == [1, 2**64, None]


def test_indexing_slicing_and_membership_across_chunks() -> None:
    column = Column([make_chunk([0, 1, 2], np.int64), make_chunk([3, None], np.int64), make_chunk([], np.int64),
                     make_chunk(["a", "b"], None)])
    assert len(column) == 7 and len(column.chunks) == 3, "an empty page adds no chunk"
    assert [column[i] for i in range(7)] == [0, 1, 2, 3, None, "a", "b"]
    assert column[-1] == "b" and column[-3] is None
    assert column[1:6] == [1, 2, 3, None, "a"] and column[::3] == [0, 3, "b"] and column[5:2] == []
    assert None in column and "b" in column and 7 not in column
    assert None not in Column([make_chunk([1, 2], np.int64)])
    assert column == [0, 1, 2, 3, None, "a", "b"] and column != [0, 1, 2]
    with pytest.raises(IndexError):
        column[7]


def test_arrays_give_the_numbers_and_the_null_mask() -> None:
    column = Column([make_chunk([5, None], np.int64), make_chunk([7], np.int64)])
    arrays = column.arrays()
    assert arrays is not None
    assert arrays[0].tolist()[0::2] == [5, 7] and arrays[1].tolist() == [False, True, False]
    assert Column([Chunk(["x"])]).arrays() is None


def test_dtypes_only_where_numpy_is_exact() -> None:
    assert dtype_for("bigint") is np.int64 and dtype_for("timestamp") is np.int64
    assert dtype_for("double") is np.float64 and dtype_for("boolean") is np.bool_
    for cql_type in ("decimal", "varint", "text", "uuid", "list<int>", "date", "time"):
        assert dtype_for(cql_type) is None, cql_type


def test_text_values_are_shared_while_few_and_left_alone_when_many() -> None:
    interner = TextInterner()
    first = interner.share(["".join(["sen", "sor"]), None])
    second = interner.share(["".join(["sens", "or"])])
    assert first[0] is second[0] and first[1] is None
    many = TextInterner()
    many.share([f"id-{n}" for n in range(INTERN_LIMIT + 1)])
    fresh = "".join(["id-", "0"])
    assert many.share([fresh])[0] is fresh, "past the limit, values are kept as they come"


def test_the_frame_builder_keeps_compact_columns_that_pages_share() -> None:
    builder = FrameBuilder(["ts", "v", "d", "s"], ["timestamp", "double", "decimal", "text"])
    import datetime as dt

    moment = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    page = builder.add([(moment, 1.25, Decimal("0.1"), "a"), (None, None, None, "")])
    builder.add([(moment, 2.5, Decimal("1E+400"), None)])
    whole = builder.frame()
    assert whole.field("ts").values == [1_704_067_200_000, None, 1_704_067_200_000]
    assert whole.field("v").values == [1.25, None, 2.5]
    assert whole.field("d").values == [Decimal("0.1"), None, Decimal("1E+400")]
    assert whole.field("s").values == ["a", "", None], "NULL apart from empty text"
    assert isinstance(whole.field("v").values, Column)
    assert page.field("v").values.chunks[0] is whole.field("v").values.chunks[0], "pages share their chunks"


def test_pages_only_written_as_text_keep_numbers_as_lists_and_times_as_arrays() -> None:
    builder = FrameBuilder(["ts", "v", "n"], ["timestamp", "double", "bigint"], keep=False, number_arrays=False)
    page = builder.add([(1_704_067_200_000, 0.1, 2**62), (None, None, -1)])
    kinds = {f.name: type(f.values.chunks[0].data) for f in page.fields}
    assert kinds == {"ts": np.ndarray, "v": list, "n": list}
    assert [list(f.values) for f in page.fields] == [[1_704_067_200_000, None], [0.1, None], [2**62, -1]]
    assert builder.frame().row_count == 0, "streamed: the rows are not kept"


def test_a_million_doubles_cost_numpy_bytes_not_python_objects() -> None:
    values = [n * 0.5 for n in range(1_000_000)]
    chunk = make_chunk(values, np.float64)
    assert isinstance(chunk.data, np.ndarray) and chunk.data.nbytes == 8_000_000 and chunk.mask is None
    as_objects = sys.getsizeof(values) + sum(sys.getsizeof(v) for v in values[:1000]) * 1000
    assert chunk.data.nbytes * 3 < as_objects


def test_compact_holds_floats_and_int64s_as_arrays_with_the_same_values() -> None:
    floats = [1.5, None, -0.0, float("nan"), float("inf"), 2.0**-1074] * (COMPACT_MIN // 6 + 1)
    held = compact(floats)
    assert isinstance(held, Column) and held.arrays() is not None
    assert [type(v) for v in held[:6]] == [float, type(None), float, float, float, float]
    assert held[0] == 1.5 and held[1] is None and math.copysign(1, held[2]) == -1 and math.isnan(held[3])
    assert held[4] == math.inf and held[5] == 2.0**-1074, "every double exactly"
    travelled = pickle.loads(pickle.dumps(held))
    assert len(travelled) == len(floats) and travelled[-1] == floats[-1] and travelled[1] is None
    ints = [2**63 - 1, None, -(2**63), 0] * COMPACT_MIN
    assert isinstance(compact(ints), Column) and list(compact(ints)) == ints
    assert compact(ints[:COMPACT_MIN - 1]) == ints[:COMPACT_MIN - 1] and \
        type(compact(ints[:COMPACT_MIN - 1])) is list, "a few values stay a list"


@pytest.mark.parametrize("values", [
    [2**63, 1],  # beyond int64
    [1, 2.5],  # a mix
    [True, False],  # bools are ints to Python, not to the frame
    ["a", None],
    [Decimal("1.5")],
    [None, None],
])
def test_compact_leaves_other_values_as_they_are(values: list[object]) -> None:
    many = values * COMPACT_MIN
    assert compact(many) is many
