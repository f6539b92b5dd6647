"""The views built page by page (core.query.views): the report, the graph and the plugin view see every page, find
what only a later page holds, and agree with the whole-frame answers however the rows are split into pages."""

from __future__ import annotations

import pickle
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from core.grafana.columns import Column
from core.grafana.flavors import prepare_query
from core.grafana.frames import Field, Frame, concat_frames
from core.grafana.report import compatibility_report
from core.grafana.result_facts import DISTINCT_CAP
from core.grafana.templating import load_variables
from core.grafana.timerange import time_range
from core.query.views import PLUGIN_VIEW_ROWS, ViewBuilder, plugin_view_for

RANGE = time_range("1594671549254", "1594675149254")
QUERY = "SELECT sensor, ts, v FROM ks.t"
T0 = 1_704_067_200_000


def _frame(**columns: tuple[str, list[Any]]) -> Frame:
    return Frame("response", [Field.of(name, cql_type, values) for name, (cql_type, values) in columns.items()])


def _pages(frame: Frame, sizes: list[int]) -> list[Frame]:
    pages, start = [], 0
    for size in sizes:
        pages.append(Frame(frame.name, [Field(f.name, f.cql_type, f.type, f.element, f.values[start:start + size])
                                        for f in frame.fields]))
        start += size
    assert start == frame.row_count
    return pages


def _built(flavor: str, pages: list[Frame], views: set[str]) -> ViewBuilder:
    builder = ViewBuilder(flavor, views)
    for page in pages:
        builder.add(page)
    builder.finish(Frame(pages[0].name, [Field(f.name, f.cql_type, f.type, f.element, []) for f in pages[0].fields]))
    return builder


def _report(flavor: str, builder: ViewBuilder) -> dict[str, str]:
    prepared = prepare_query(flavor, QUERY, load_variables({}), RANGE)
    return {f.code: f.message for f in compatibility_report(prepared, facts=builder.facts, groups=builder.groups)}


def test_a_null_in_the_last_page_only_is_reported() -> None:
    frame = _frame(sensor=("text", ["a", "b", "c"]), ts=("timestamp", [T0, T0 + 1, T0 + 2]),
                   v=("double", [1.0, 2.0, None]))
    found = _report("scylla", _built("scylla", _pages(frame, [2, 1]), {"report"}))
    assert found["null-as-zero"].startswith("NULL values in v become the type's zero value")


def test_a_shared_timestamp_across_two_pages_is_reported() -> None:
    # sensor a at T0 in page 1 and again at T0 in page 2: the panel's line goes back at T0.
    frame = _frame(sensor=("text", ["a", "b", "a"]), ts=("timestamp", [T0, T0, T0]), v=("double", [1.0, 2.0, 3.0]))
    found = _report("scylla", _built("scylla", _pages(frame, [2, 1]), {"report"}))
    assert found["shared-timestamps"].startswith("1 row shares a timestamp with another row of the same series "
                                                 "(sensor='a')")


def test_a_scylla_panic_on_a_later_page_fails_the_query() -> None:
    # A NULL decimal reaches the plugin's float64 field as a Go int: it panics on that value only.
    frame = _frame(ts=("timestamp", [T0, T0 + 1, T0 + 2]), d=("decimal", [Decimal("1.5"), Decimal("2"), None]))
    assert "type-fails-query" not in _report("scylla", _built("scylla", _pages(frame, [1, 1, 1])[:2], {"report"}))
    found = _report("scylla", _built("scylla", _pages(frame, [1, 1, 1]), {"report"}))
    assert ("panics on its NULL values (interface conversion: interface {} is int, not float64)"
            in found["type-fails-query"])


def test_decimal_digits_lost_on_the_second_page() -> None:
    frame = _frame(ts=("timestamp", [T0, T0 + 1]), d=("decimal", [Decimal("0.5"), Decimal("0.1")]))
    assert "number-precision" not in _report("scylla", _built("scylla", _pages(frame, [1, 1])[:1], {"report"}))
    assert "cannot hold exactly" in _report("scylla", _built("scylla", _pages(frame, [1, 1]), {"report"}))[
        "number-precision"]


def test_cassandra_series_count_spans_pages_and_is_capped() -> None:
    frame = _frame(sensor=("text", ["a", "b", "a", "c"]), ts=("timestamp", [T0, T0, T0 + 1, T0]),
                   v=("int", [1, 2, 3, 4]))
    found = _report("cassandra", _built("cassandra", _pages(frame, [1, 1, 2]), {"report"}))
    assert "3 frame(s), one per distinct value" in found["first-column-series"]
    many = DISTINCT_CAP + 1
    wide = _frame(id=("bigint", list(range(many))), ts=("timestamp", [T0] * many), v=("int", [0] * many))
    found = _report("cassandra", _built("cassandra", _pages(wide, [many // 2, many - many // 2]), {"report"}))
    assert f"more than {DISTINCT_CAP:,} frame(s)" in found["first-column-series"]


@pytest.mark.parametrize("sizes", [[7], [1, 6], [3, 0, 4], [2, 2, 2, 1]])
@pytest.mark.parametrize("flavor", ["scylla", "cassandra"])
def test_any_split_into_pages_gives_the_whole_frame_answers(flavor: str, sizes: list[int]) -> None:
    frame = _frame(sensor=("text", ["a", "b", None, "a", "b", "a", ""]),
                   ts=("timestamp", [T0 + 2, T0 + 1, T0, T0 + 2, None, T0 + 3, T0]),
                   v=("double", [1.5, None, 3.0, 4.0, 5.0, 6.0, 7.0]), n=("bigint", [1, 2, 3, 4, 5, 6, None]))
    prepared = prepare_query(flavor, QUERY, load_variables({}), RANGE)
    builder = _built(flavor, _pages(frame, sizes), {"report", "graph", "plugin"})
    assert compatibility_report(prepared, facts=builder.facts, groups=builder.groups) == \
        compatibility_report(prepared, frame)
    whole = _built(flavor, [frame], {"graph"}).graph()
    paged = builder.graph()
    assert [s.name for s in paged.series] == [s.name for s in whole.series]
    for mine, theirs in zip(paged.series, whole.series, strict=True):
        assert np.array_equal(mine.x, theirs.x) and np.array_equal(mine.y, theirs.y, equal_nan=True)
    assert builder.plugin_view is not None
    assert builder.plugin_view == _built(flavor, [frame], {"plugin"}).plugin_view


def test_finished_views_keep_the_series_but_drop_the_rows_they_grouped() -> None:
    # What the fetch process sends back: the graph's series and the report's facts, not the grouping's row arrays.
    rows = 30_000
    frame = _frame(sensor=("text", [f"s{i % 3}" for i in range(rows)]),
                   ts=("timestamp", [T0 + (i // 3) * 1000 if i < rows - 3 else T0 for i in range(rows)]),
                   v=("double", [i / 4 for i in range(rows)]))
    builder = _built("scylla", _pages(frame, [10_000] * 3), {"report", "graph"})
    travelled = pickle.loads(pickle.dumps(builder))
    assert len(pickle.dumps(builder.groups)) < 2_000, "the grouping no longer holds a row"
    assert _report("scylla", travelled) == _report("scylla", _built("scylla", [frame], {"report"}))
    assert "shared-timestamps" in _report("scylla", travelled), "the last rows repeat T0 in every series"
    series = travelled.graph().series
    assert [s.point_count for s in series] == [rows // 3] * 3
    assert series[0].y[:2].tolist() == [0.0, 0.75], "s0's rows: 0, 3, 6…, each value i / 4"
    with pytest.raises(ValueError, match="settled"):
        builder.groups.add(frame)  # type: ignore[union-attr]


def test_the_graph_series_by_hand() -> None:
    # Two sensors over two pages; b's times descend, so its series is sorted by time (Grafana's join).
    frame = _frame(sensor=("text", ["a", "b", "a", "b"]), ts=("timestamp", [T0, T0 + 2000, T0 + 1000, T0]),
                   v=("int", [1, 2, None, 4]))
    graph = _built("scylla", _pages(frame, [2, 2]), {"graph"}).graph()
    assert [s.name for s in graph.series] == ['v {sensor="a"}', 'v {sensor="b"}']
    a, b = graph.series
    assert a.x.tolist() == [T0 / 1000, T0 / 1000 + 1] and a.y[0] == 1 and np.isnan(a.y[1])
    assert b.x.tolist() == [T0 / 1000, T0 / 1000 + 2] and b.y.tolist() == [4.0, 2.0]


def test_two_label_columns_split_the_series_by_their_pair() -> None:
    # (a, x) twice, then (a, y) and (b, x) only on the second page; a NULL room groups with empty text.
    frame = _frame(site=("text", ["a", "a", "a", "b", "a"]), room=("text", ["x", None, "y", "x", ""]),
                   ts=("timestamp", [T0, T0 + 1000, T0, T0, T0 + 2000]), v=("double", [1.0, 2.0, 3.0, 4.0, 5.0]))
    graph = _built("scylla", _pages(frame, [2, 3]), {"graph"}).graph()
    # Grafana's formatLabels keeps the labels in the order of the columns.
    assert [s.name for s in graph.series] == ['v {site="a", room="x"}', 'v {site="a", room=""}',
                                              'v {site="a", room="y"}', 'v {site="b", room="x"}']
    assert [s.y.tolist() for s in graph.series] == [[1.0], [2.0, 5.0], [3.0], [4.0]]


def test_the_plugin_view_is_built_from_the_first_rows_while_pages_still_come() -> None:
    rows = PLUGIN_VIEW_ROWS + 10
    frame = _frame(ts=("timestamp", [T0 + i for i in range(rows)]), v=("int", list(range(rows))))
    builder = ViewBuilder("scylla", {"plugin"})
    pages = _pages(frame, [PLUGIN_VIEW_ROWS // 2, PLUGIN_VIEW_ROWS // 2, 10])
    builder.add(pages[0])
    assert builder.plugin_view is None
    builder.add(pages[1])
    assert builder.plugin_view is not None, "built once the first rows are in, before the last page"
    assert builder.plugin_view.frames[0].row_count == PLUGIN_VIEW_ROWS
    builder.add(pages[2])
    builder.finish(concat_frames(pages))
    assert builder.plugin_view.notes[-1] == f"Computed on the first {PLUGIN_VIEW_ROWS:,} of {rows:,} rows."


@pytest.mark.parametrize("flavor", ["scylla", "cassandra"])
def test_the_plugin_view_travels_as_arrays_with_the_plugins_values(flavor: str) -> None:
    rows = 20_000
    frame = _frame(ts=("timestamp", [T0 + i for i in range(rows)]), v=("double", [i / 8 for i in range(rows)]),
                   n=("bigint", [None if i % 7 == 0 else i for i in range(rows)]), s=("text", ["x"] * rows))
    view = _built(flavor, _pages(frame, [5_000] * 4), {"plugin"}).plugin_view
    plain = plugin_view_for(flavor, frame)  # as the plugin's emulation builds it: Python values in lists
    assert view is not None and plain is not None and view.error == plain.error and plain.frames
    assert [[list(f.values) for f in fr.fields] for fr in view.frames] == \
        [[list(f.values) for f in fr.fields] for fr in plain.frames]
    assert [[type(v) for v in f.values[:8]] for fr in view.frames for f in fr.fields] == \
        [[type(v) for v in f.values[:8]] for fr in plain.frames for f in fr.fields], "the same Python types"
    held = [isinstance(f.values, Column) and f.values.arrays() is not None for fr in view.frames for f in fr.fields]
    if flavor == "scylla":  # one frame of 20,000 rows: its time and numbers as arrays, its text a list
        assert held == [True, True, True, False]
    else:  # a frame a row (the plugin's grouping): lists, smaller than arrays of one value
        assert not any(held)


def test_a_failing_view_records_its_error_and_the_others_go_on() -> None:
    frame = _frame(ts=("timestamp", [T0]), v=("int", [1]))
    builder = ViewBuilder("cassandra", {"report", "graph"})
    broken = Frame("response", [Field("ts", "timestamp", "time", "time.Time", ["not a time"]),
                                Field("v", "int", "number", "int32", [1])])
    builder.add(broken)
    builder.add(frame)
    assert builder.view_errors["graph"].startswith("ValueError")
    assert builder.facts is not None and builder.facts.row_count == 2


def test_repeated_times_are_counted_by_sorting() -> None:
    from core.grafana.series import repeats

    assert repeats(np.array([3, 1, 2, 2, 3, 3], dtype=np.int64)) == 3
    assert repeats(np.array([0.5, 0.25, 0.5], dtype=np.float64)) == 1
    assert repeats(np.array([], dtype=np.int64)) == 0 and repeats(np.array([7], dtype=np.int64)) == 0


def test_a_series_knows_whether_its_times_ascend_and_its_middle_time() -> None:
    """Worked out on the worker, so the graph does not scan a million times on the GUI thread."""
    from core.grafana.series import Series

    ones = np.ones(5)
    steady = Series("a", np.array([1.0, 2.0, 2.0, 5.0, 9.0]), ones)
    assert steady.ascending and steady.middle == 2.0
    back = Series("b", np.array([3.0, 1.0, 2.0, 10.0, 4.0]), ones)
    assert not back.ascending and back.middle == 3.0  # the median of 1, 2, 3, 4, 10
    assert Series("c", np.array([]), np.array([])).middle is None
    one = Series("d", np.array([7.0]), np.array([1.0]))
    assert one.ascending and one.middle == 7.0
