"""core.query.table_ops: exact, stable sorting with NULLs last, the row filter, and chunked export with cancel."""

from __future__ import annotations

import io
import json
import math
import os
import random
import stat
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.grafana.frames import Field, Frame
from core.query import table_ops
from core.query.result_writers import write_csv, write_json_rows
from core.query.table_ops import Cancelled, export_file, filter_mask, shown_rows, sort_order, write_rows

BIG = 2**63 - 1


def order(cql_type: str, values: list[Any], descending: bool = False) -> list[int]:
    return sort_order(Field.of("c", cql_type, values), descending).tolist()


def assert_sorts_like_python(cql_type: str, column: list[Any]) -> None:
    """Both directions: Python's own stable sort of the present values (exact comparisons), then the NULLs."""
    present = [i for i, v in enumerate(column) if v is not None]
    nulls = [i for i, v in enumerate(column) if v is None]
    for descending in (False, True):
        expected = sorted(present, key=column.__getitem__, reverse=descending) + nulls
        assert order(cql_type, column, descending) == expected, (cql_type, descending)


@pytest.fixture(params=[50_000, 2], ids=["one-chunk", "tiny-chunks"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every sort test runs once in one chunk and once split into chunks of two rows (the merge path)."""
    monkeypatch.setattr(table_ops, "CHUNK_ROWS", request.param)
    monkeypatch.setattr(table_ops, "STEP_ROWS", request.param)
    return int(request.param)


def test_integers_sort_exactly_with_nulls_last_and_stable_ties(chunk: int) -> None:
    values = [5, None, -BIG - 1, BIG, 5, 0, None, BIG - 1, 5]
    assert order("bigint", values) == [2, 5, 0, 4, 8, 7, 3, 1, 6]
    assert order("bigint", values, descending=True) == [3, 7, 0, 4, 8, 5, 2, 1, 6], "ties keep their order"


def test_varints_beyond_int64_and_decimals_compare_exactly(chunk: int) -> None:
    # As floats, 2**70 and 2**70 + 1 would be equal and keep their order; exactly, they swap.
    assert order("varint", [2**70 + 1, 2**70, None, -(2**80), 3]) == [3, 4, 1, 0, 2]
    assert order("varint", [2**70, 2**70 + 1, 7], descending=True) == [1, 0, 2]
    decimals = [Decimal("0.30000000000000000001"), Decimal("0.3"), None, Decimal("-1"), Decimal("0.30")]
    assert order("decimal", decimals) == [3, 1, 4, 0, 2], "0.3 and 0.30 tie and keep their order"
    assert order("decimal", decimals, descending=True) == [0, 1, 4, 3, 2]


def test_doubles_put_nan_above_infinity_and_nulls_last(chunk: int) -> None:
    values = [1.5, math.nan, -math.inf, None, math.inf, 0.0, -0.0]
    assert order("double", values) == [2, 5, 6, 0, 4, 1, 3]
    assert order("double", values, descending=True) == [1, 4, 0, 5, 6, 2, 3]


def test_timestamps_sort_as_epoch_milliseconds(chunk: int) -> None:
    values = [1_714_521_660_000, None, -86_400_000, 1_714_521_600_000, 1_714_521_600_000]
    assert order("timestamp", values) == [2, 3, 4, 0, 1]
    assert order("timestamp", values, descending=True) == [0, 3, 4, 2, 1]


def test_text_sorts_by_code_point(chunk: int) -> None:
    values = ["b", "B", "a", "é", "", None, "Z", "a"]
    assert order("text", values) == [4, 1, 6, 2, 7, 0, 3, 5]
    assert order("text", values, descending=True) == [3, 0, 2, 7, 6, 1, 4, 5]


def test_timeuuids_sort_by_their_time_and_maps_by_their_text(chunk: int) -> None:
    early = uuid.UUID("ffffffff-0000-1000-8000-000000000000")  # time_low high, time_hi low: the earlier one
    late = uuid.UUID("00000000-0000-1001-8000-000000000000")
    assert early.int > late.int and early.time < late.time
    assert order("timeuuid", [late, None, early]) == [2, 0, 1]
    maps = [{"b": 1}, None, {"a": 2}]
    assert order("map<text, int>", maps) == [2, 0, 1], "dicts do not compare: sorted by their text"
    assert order("map<text, int>", maps, descending=True) == [0, 2, 1]


def test_decimals_and_varints_that_fit_int64_sort_in_numpy_exactly(chunk: int,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Decimals scaled to the column's smallest exponent (and varints within int64) take NumPy's argsort:
    the same stable order as Python's own comparison of the exact values, without the slow merge."""
    rng = random.Random(5)
    decimals: list[Any] = [None if rng.random() < 0.1 else
                           Decimal(rng.randrange(-10**6, 10**6)).scaleb(-rng.choice([0, 1, 2, 3])) for _ in range(400)]
    decimals += [Decimal("10.5"), Decimal("10.50"), Decimal("-0"), Decimal("0.000"), Decimal("1E+3")]
    varints: list[Any] = [None if rng.random() < 0.1 else rng.randrange(-BIG - 1, BIG) for _ in range(400)]

    def no_merge(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("took the merge path")

    monkeypatch.setattr(table_ops, "_merged_order", no_merge)
    for cql_type, column in (("decimal", decimals), ("varint", varints)):
        assert_sorts_like_python(cql_type, column)


def test_many_rows_match_pythons_own_stable_sort(chunk: int) -> None:
    rng = random.Random(12)
    values: list[Any] = [rng.choice([None, rng.randrange(-50, 50)]) for _ in range(301)]
    words: list[Any] = [None if v is None else f"w{v % 17}" for v in values]
    for cql_type, column in (("int", values), ("text", words)):
        assert_sorts_like_python(cql_type, column)


def test_a_cancelled_sort_raises_between_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_ops, "CHUNK_ROWS", 10)
    monkeypatch.setattr(table_ops, "STEP_ROWS", 10)
    checks: list[int] = []

    def cancel() -> bool:
        checks.append(1)
        return len(checks) > 2

    for cql_type, values in (("int", list(range(100))), ("text", [str(i) for i in range(100)])):
        checks.clear()
        with pytest.raises(Cancelled):
            sort_order(Field.of("c", cql_type, values), cancel=cancel)
        assert len(checks) == 3, "stopped at the first check after the cancel"


def _frame() -> Frame:
    return Frame("r", [
        Field.of("name", "text", ["Alpha", "", None, "nullable", "beta"]),
        Field.of("n", "varint", [2**70, 12, 3, None, 120]),
        Field.of("ts", "timestamp", [1_714_521_600_000, None, 0, 0, 0]),
    ])


def test_filter_keeps_rows_whose_text_contains_the_needle_ignoring_case() -> None:
    frame = _frame()
    assert filter_mask(frame, "") is None
    assert filter_mask(frame, "ALP").tolist() == [True, False, False, False, False]  # type: ignore[union-attr]
    assert filter_mask(frame, "12").tolist() == [False, True, False, False, True]  # type: ignore[union-attr]
    assert filter_mask(frame, str(2**70)).tolist() == [True, False, False, False, False]  # type: ignore[union-attr]
    assert filter_mask(frame, "2024-05-01T00").tolist() == [True, False, False, False, False]  # type: ignore[union-attr]
    assert filter_mask(frame, "1970").tolist() == [False, False, True, True, True]  # type: ignore[union-attr]
    # NULL cells match only the exact word NULL (which also finds "nullable"); "nul" finds the text only.
    assert filter_mask(frame, "NULL").tolist() == [False, True, True, True, False]  # type: ignore[union-attr]
    assert filter_mask(frame, "nul").tolist() == [False, False, False, True, False]  # type: ignore[union-attr]
    words = Frame("w", [Field.of("w", "text", ["STRASSE", "straße", "a-1", "Ǆ"])])
    assert filter_mask(words, "Straße").tolist() == [True, True, False, False]  # type: ignore[union-attr]
    assert filter_mask(words, "-1").tolist() == [False, False, True, False]  # type: ignore[union-attr]
    assert filter_mask(words, "ǆ").tolist() == [False, False, False, True]  # type: ignore[union-attr]


def test_shown_rows_combine_the_sort_and_the_filter() -> None:
    permutation = np.array([4, 2, 0, 1, 3], dtype=np.int64)
    mask = np.array([True, False, True, False, True])
    assert shown_rows(None, None) is None
    assert shown_rows(permutation, None) is permutation
    assert shown_rows(None, mask).tolist() == [0, 2, 4]  # type: ignore[union-attr]
    assert shown_rows(permutation, mask).tolist() == [4, 2, 0]  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_chunked_writes_are_byte_for_byte_the_writers_output(kind: str) -> None:
    frame = _frame()
    whole = io.StringIO()
    (write_csv if kind == "csv" else write_json_rows)(frame, whole)
    chunked = io.StringIO()
    assert write_rows(frame, kind, chunked, chunk_rows=2) == 5
    assert chunked.getvalue() == whole.getvalue()
    # Only some rows, in a given order: the same bytes as the writers give for a frame of those rows.
    picked = Frame("r", [Field.of("name", "text", ["beta", None]), Field.of("n", "varint", [120, 3]),
                         Field.of("ts", "timestamp", [0, 0])])
    expected = io.StringIO()
    (write_csv if kind == "csv" else write_json_rows)(picked, expected)
    some = io.StringIO()
    write_rows(frame, kind, some, np.array([4, 2], dtype=np.int64), chunk_rows=1)
    assert some.getvalue() == expected.getvalue()
    empty = io.StringIO()
    write_rows(frame, kind, empty, np.array([], dtype=np.int64))
    assert empty.getvalue() == ('name,n,ts\r\n' if kind == "csv" else "[]\n")


def test_export_replaces_the_file_at_the_end_and_a_cancel_leaves_it_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old contents\n")
    target.chmod(0o640)
    frame = _frame()
    calls: list[int] = []

    def cancel_after_first_chunk() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        export_file(frame, "csv", target, cancel=cancel_after_first_chunk)
    assert target.read_text() == "old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"], "the temporary file is removed"
    assert export_file(frame, "json", target) == 5
    assert json.loads(target.read_text())[0]["n"] == 2**70
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640, "a replaced file keeps its mode"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_query_results_compact_columns_sort_like_lists() -> None:
    """A result's columns (NumPy chunks with a NULL mask, core.grafana.columns) take the direct path and give
    the order a list of the same values gives, NULLs last both ways."""
    from core.grafana.frames import FrameBuilder

    builder = FrameBuilder(["v", "n"], ["double", "bigint"])
    builder.add([(2.5, 3), (None, 1), (-1.0, None)])
    builder.add([(2.5, -7), (0.0, 2**62)])
    result = builder.frame()
    assert sort_order(result.field("v")).tolist() == [2, 4, 0, 3, 1]
    assert sort_order(result.field("v"), descending=True).tolist() == [0, 3, 4, 2, 1]
    assert sort_order(result.field("n")).tolist() == [3, 1, 0, 4, 2]
    as_list = Field.of("n", "bigint", list(result.field("n").values))
    assert sort_order(as_list).tolist() == sort_order(result.field("n")).tolist()
