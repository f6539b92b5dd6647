"""The graph draws what Grafana's time series panel draws: every row (no de-duplication), gaps at NULL, a legend
that stays readable with many series, and a report finding when rows share a timestamp inside one series."""

from __future__ import annotations

import math

import pytest
from PySide6.QtWidgets import QAbstractScrollArea
from pytestqt.qtbot import QtBot

from core.grafana.frames import Field, Frame
from core.grafana.report import WARNING, graph_findings
from core.grafana.series import graph_data
from gui.query.results_graph import PALETTE, ResultsGraph

pytestmark = pytest.mark.gui

T0 = 1_714_521_600_000  # 2024-05-01T00:00:00Z


def _two_partitions(with_label: bool) -> Frame:
    """Two partitions with the same three timestamps, as a query over two sensors returns them."""
    times = [T0, T0 + 60_000, T0 + 120_000] * 2
    values = [1.0, 2.0, 3.0, 10.0, 20.0, 30.0]
    fields = [Field.of("ts", "timestamp", times), Field.of("value", "double", values)]
    if with_label:
        fields.insert(0, Field.of("sensor", "text", ["a"] * 3 + ["b"] * 3))
    return Frame("response", fields)


def test_rows_sharing_a_time_are_all_drawn_in_one_series(qtbot: QtBot) -> None:
    data = graph_data(_two_partitions(with_label=False))
    assert len(data.series) == 1
    series = data.series[0]
    assert series.point_count == 6, "no row is dropped"
    # Grafana draws a single frame whose times look ascending (first two, last against first) as it comes:
    # the second partition starts again at the first time (joinDataFrames.ts, isLikelyAscendingVector).
    assert list(series.x) == [1_714_521_600.0, 1_714_521_660.0, 1_714_521_720.0,
                              1_714_521_600.0, 1_714_521_660.0, 1_714_521_720.0]
    assert list(series.y) == [1.0, 2.0, 3.0, 10.0, 20.0, 30.0], "the line goes back to the first time"
    assert series.shared_times == 3
    graph = ResultsGraph()
    qtbot.addWidget(graph)
    graph.show_data(data)
    x, y = graph.curves[0].getData()
    assert len(x) == 6 and list(y) == [1.0, 2.0, 3.0, 10.0, 20.0, 30.0]
    assert not graph.curves[0].opts["clipToView"], "a series going back in time is drawn whole"


def test_descending_times_are_sorted_like_grafana() -> None:
    frame = Frame("r", [Field.of("ts", "timestamp", [T0 + 2000, T0 + 1000, T0]), Field.of("v", "int", [3, 2, 1])])
    series = graph_data(frame).series[0]
    assert list(series.x) == [1_714_521_600.0, 1_714_521_601.0, 1_714_521_602.0]
    assert list(series.y) == [1.0, 2.0, 3.0]


def test_shared_timestamps_give_a_report_finding_and_a_label_column_splits_them() -> None:
    findings = graph_findings(_two_partitions(with_label=False))
    assert [(f.code, f.severity) for f in findings] == [("shared-timestamps", WARNING)]
    assert "3 rows share a timestamp" in findings[0].message
    split = graph_data(_two_partitions(with_label=True))
    assert [s.name for s in split.series] == ['value {sensor="a"}', 'value {sensor="b"}']
    assert [s.shared_times for s in split.series] == [0, 0]
    assert graph_findings(_two_partitions(with_label=True)) == []


def test_null_values_leave_a_gap(qtbot: QtBot) -> None:
    frame = Frame("r", [Field.of("ts", "timestamp", [T0, T0 + 1000, T0 + 2000, T0 + 3000]),
                        Field.of("v", "int", [1, None, 3, 4])])
    series = graph_data(frame).series[0]
    assert series.point_count == 4 and math.isnan(series.y[1]), "the NULL stays as a point without a value"
    graph = ResultsGraph()
    qtbot.addWidget(graph)
    graph.show_data(graph_data(frame))
    assert graph.curves[0].opts["connect"] == "finite", "pyqtgraph breaks the line at NaN"
    assert "v: NULL" in graph.readout_text((T0 + 1000) / 1000)


def test_many_series_get_distinct_colours_and_a_scrollable_legend(qtbot: QtBot) -> None:
    count = 25
    frame = Frame("r", [Field.of("id", "text", [f"s{n:02d}" for n in range(count)]),
                        Field.of("ts", "timestamp", [T0] * count), Field.of("v", "double", [float(n) for n in
                                                                                            range(count)])])
    graph = ResultsGraph()
    qtbot.addWidget(graph)
    graph.resize(900, 400)
    graph.show()
    graph.show_data(graph_data(frame))
    assert graph.legend.count() == count
    assert isinstance(graph.legend, QAbstractScrollArea)
    colours = [graph.curves[n].opts["pen"].color().name() for n in range(20)]
    assert len(set(colours)) == 20, "no colour repeats before the 21st series"
    assert len(set(PALETTE)) >= 20
    qtbot.waitUntil(lambda: graph.legend.verticalScrollBar().maximum() > 0)
    item = graph.legend.item(3)
    assert item.text() == 'v {id="s03"}'
    item.setCheckState(item.checkState().Unchecked)
    assert not graph.curves[3].isVisible()


def test_a_big_curve_is_never_prepared_whole_on_the_gui_thread(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The view takes the data's bounds (found where the series is built) before the curve comes, so pyqtgraph
    downsamples it as it is added: no step of showing it hands every point to the curve or measures them all."""
    import numpy as np
    import pyqtgraph as pg

    from core.grafana.series import GraphData, Series

    count = 200_000
    x = T0 / 1000 + np.arange(count, dtype=np.float64)
    y = np.sin(np.arange(count) / 500.0)
    y[7] = np.nan
    series = Series("s", x, y)
    assert series.bounds == (x[0], x[-1], float(np.nanmin(y)), float(np.nanmax(y)))
    graph = ResultsGraph()
    qtbot.addWidget(graph)
    graph.resize(900, 500)
    graph.show()
    qtbot.waitExposed(graph)
    prepared: list[int] = []
    original = pg.PlotDataItem._getDisplayDataset

    def noting(item: pg.PlotDataItem) -> object:
        shown = original(item)
        if shown is not None and item._dataset is not None:
            prepared.append(len(shown.x))
        return shown

    monkeypatch.setattr(pg.PlotDataItem, "_getDisplayDataset", noting)
    graph.show_data(GraphData(series=[series]))
    qtbot.wait(50)
    assert prepared and max(prepared) < count // 20, prepared
    (left, right), (bottom, top) = graph.plot.getPlotItem().getViewBox().viewRange()
    assert left <= x[0] and right >= x[-1] and bottom <= np.nanmin(y) and top >= np.nanmax(y)
    assert right - left < (x[-1] - x[0]) * 1.1, "the range fits the data"
