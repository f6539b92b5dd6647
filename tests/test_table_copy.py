"""The text the results table copies (core.query.table_copy): header row, exact values, NULL apart from empty
text, the table's order, and cells outside a non-rectangular selection left empty."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from core.cql.values import value_text
from core.grafana.frames import Field, Frame
from core.query.table_copy import copied_text
from core.query.table_ops import TEXT_STEP_ROWS, Cancelled


def _frame() -> Frame:
    return Frame("response", [
        Field.of("name", "text", ["a", "", None]),
        Field.of("value", "decimal", [Decimal("1.10"), None, Decimal("-3")]),
        Field.of("n", "varint", [2**70, 5, None]),
    ])


def test_every_cell_in_the_frame_order() -> None:
    assert copied_text(_frame()) == ("name\tvalue\tn\na\t1.10\t1180591620717411303424\n\tNULL\t5\nNULL\t-3\tNULL", 3)


def test_a_rectangle_of_the_shown_rows() -> None:
    shown = np.array([2, 0, 1], dtype=np.int64)  # the table is sorted: frame rows 2, 0, 1
    assert copied_text(_frame(), shown, [(0, 1, 0, 1)]) == ("name\tvalue\nNULL\t-3\na\t1.10", 2)


def test_cells_outside_a_ragged_selection_are_empty() -> None:
    # Row 0 column 0, and rows 1-2 of column 2: the copy spans rows 0-2 and columns 0 and 2.
    text, rows = copied_text(_frame(), None, [(0, 0, 0, 0), (1, 2, 2, 2)])
    assert (text, rows) == ("name\tn\na\t\n\t5\n\tNULL", 3)


def test_a_selection_past_the_last_row_is_clipped() -> None:
    assert copied_text(_frame(), None, [(2, 9, 1, 1)]) == ("value\n-3", 1)
    assert copied_text(_frame(), None, [(5, 9, 1, 1)]) == ("", 0)


def test_many_rows_are_built_in_steps_and_can_be_cancelled() -> None:
    count = TEXT_STEP_ROWS * 2 + 7
    times = [1_700_000_000_000 + 1000 * i for i in range(count)]
    doubles = [i / 3 for i in range(count)]
    frame = Frame("response", [Field.of("ts", "timestamp", times), Field.of("v", "double", doubles)])
    reports: list[tuple[int, int]] = []
    text, rows = copied_text(frame, progress=lambda done, total: reports.append((done, total)))
    expected = ["ts\tv"] + [f"{value_text(t, 'timestamp')}\t{value_text(d, 'double')}"
                            for t, d in zip(times, doubles, strict=True)]
    assert rows == count and text.split("\n") == expected
    assert reports == [(0, count), (TEXT_STEP_ROWS, count), (2 * TEXT_STEP_ROWS, count), (count, count)]
    with pytest.raises(Cancelled):
        copied_text(frame, cancel=lambda: True)
