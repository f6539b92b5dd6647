"""The column-wise writers: literal expected CSV and JSON for every kind of cell (NULL apart from empty text,
quotes, commas, exact numbers, timestamps before year 1000), and the same bytes as the per-value texts on
large random columns."""

from __future__ import annotations

import io
import random
from decimal import Decimal

from core.cql.column_text import column_texts
from core.cql.values import value_text
from core.grafana.columns import Column, dtype_for, make_chunk
from core.grafana.frames import Field, Frame
from core.query.result_writers import StreamingWriter, write_csv, write_json_rows, write_table


def small_frame() -> Frame:
    return Frame("r", [
        Field.of("t", "text", ["plain", "", None, 'a "q", b', " pad"]),
        Field.of("ts", "timestamp", [1594671549254, -59001059085170, None, 0, -1]),
        Field.of("d", "decimal", [Decimal("12345678901234567890.123456789012345"), None, Decimal("1.50"),
                                  Decimal("-0"), Decimal("1E+3")]),
        Field.of("i", "varint", [123456789012345678901234567890, None, 0, -1, 7]),
    ])


def test_csv_cells() -> None:
    out = io.StringIO()
    write_csv(small_frame(), out, chunk_rows=2)
    assert out.getvalue().split("\r\n") == [
        "t,ts,d,i",
        "plain,2020-07-13T20:19:09.254Z,12345678901234567890.123456789012345,123456789012345678901234567890",
        '"",0100-05-01T08:55:14.830Z,,',
        ",,1.50,0",
        '"a ""q"", b",1970-01-01T00:00:00.000Z,-0,-1',
        '" pad",1969-12-31T23:59:59.999Z,1E+3,7',
        "",
    ]


def test_json_rows() -> None:
    out = io.StringIO()
    frame = Frame("r", [Field.of("t", "text", ["é", None]), Field.of("l", "list<int>", [[1, 2], None]),
                        Field.of("ts", "timestamp", [0, None])])
    write_json_rows(frame, out, chunk_rows=1)
    assert out.getvalue() == ('[\n  {\n    "t": "é",\n    "l": [\n      1,\n      2\n    ],\n'
                              '    "ts": "1970-01-01T00:00:00.000Z"\n  },\n'
                              '  {\n    "t": null,\n    "l": null,\n    "ts": null\n  }\n]\n')


def test_table_marks_null() -> None:
    out = io.StringIO()
    write_table(small_frame(), out)
    lines = out.getvalue().splitlines()
    assert lines[0].split(" | ")[0].strip() == "t" and lines[-1] == "(5 rows)"
    assert "NULL" in lines[5]


def test_column_texts_equal_the_per_value_texts() -> None:
    rng = random.Random(7)
    cases = {
        "timestamp": [rng.randint(-62_135_596_800_000, 253_402_300_799_999) for _ in range(5000)],
        "double": [rng.uniform(-1e300, 1e300) for _ in range(5000)] + [float("nan"), float("inf")],
        "float": [rng.uniform(-1e6, 1e6) for _ in range(5000)],
        "int": [rng.randint(-(2**31), 2**31 - 1) for _ in range(5000)],
        "boolean": [rng.random() < 0.5 for _ in range(100)],
        "blob": [bytes(rng.randrange(256) for _ in range(8)) for _ in range(100)],
        "list<int>": [[rng.randint(0, 9) for _ in range(3)] for _ in range(100)],
    }
    for cql_type, values in cases.items():
        for column in (values, [*values, None]):  # without a NULL, timestamps take NumPy's bulk path
            expected = [None if v is None else value_text(v, cql_type) for v in column]
            assert column_texts(column, cql_type) == expected, cql_type
    times = cases["timestamp"]
    assert column_texts(Column([make_chunk(times, dtype_for("timestamp"))]), "timestamp") == [
        value_text(v, "timestamp") for v in times], "a frame's int64 chunk, formatted in bulk"


def _pages(frame: Frame, sizes: list[int]) -> list[Frame]:
    pages, start = [], 0
    for size in sizes:
        pages.append(Frame(frame.name, [Field.of(f.name, f.cql_type, f.values[start:start + size])
                                        for f in frame.fields]))
        start += size
    return pages


def test_streamed_pages_write_the_same_text_as_the_whole_result() -> None:
    frame = small_frame()
    for sizes in ([5], [0, 2, 0, 3], [1, 1, 1, 1, 1], [0]):
        for fmt, whole_writer in (("csv", write_csv), ("json", write_json_rows)):
            whole = io.StringIO()
            if sum(sizes) == frame.row_count:
                whole_writer(frame, whole)
            else:
                whole_writer(_pages(frame, [0])[0], whole)
            streamed = io.StringIO()
            writer = StreamingWriter(fmt, streamed)
            for page in _pages(frame, sizes):
                writer.page(page)
            writer.finish(frame if sum(sizes) == frame.row_count else _pages(frame, [0])[0])
            assert streamed.getvalue() == whole.getvalue(), (fmt, sizes)
            assert writer.rows == sum(sizes)


def test_a_result_without_pages_still_gets_its_csv_header_and_an_empty_json_list() -> None:
    empty = _pages(small_frame(), [0])[0]
    csv_out, json_out = io.StringIO(), io.StringIO()
    StreamingWriter("csv", csv_out).finish(empty)
    StreamingWriter("json", json_out).finish(empty)
    assert csv_out.getvalue() == "t,ts,d,i\r\n"
    assert json_out.getvalue() == "[]\n"


def test_the_whole_column_quote_check_agrees_with_the_per_cell_rule() -> None:
    """The CSV writer decides for a whole column at once whether any cell needs quotes; on random cells of the
    characters that matter it must agree with RFC 4180's per-cell rule (quote, comma, CR, LF, edge whitespace, or
    empty text kept apart from NULL)."""
    import random
    import re

    from core.query.result_writers import _any_needs_quotes

    per_cell = re.compile(r'[,"\r\n]|^\s|\s$')
    rng = random.Random(20261130)
    alphabet = ["a", " ", ",", '"', "\r", "\n", "\t", "\x00", "é", "\u2003", "b"]
    for _ in range(5000):
        cells = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(1, 4))]
        assert _any_needs_quotes(cells) == any(c == "" or per_cell.search(c) for c in cells), cells
