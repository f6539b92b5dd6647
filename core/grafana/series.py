"""Time series for the graph, drawn as Grafana's time series panel draws a frame: every row, no de-duplication.

Rows are grouped into series by their text (label) columns, one series per numeric column and label values. Like
Grafana's join of a single frame (outerJoinDataFrames with enforceSort), a series is drawn in row order unless its
times look descending (the first two times, or the last against the first), and only then sorted by time, stably:
two partitions with the same times are drawn as they come, the line going back to the first time. A NULL value is a
NaN point: the curve breaks there, as Grafana leaves a gap. x values are epoch seconds (pyqtgraph's DateAxisItem).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from core.grafana.frames import Field, Frame

FloatArray = npt.NDArray[np.float64]


@dataclass
class Series:
    """One curve: its Grafana-style display name, its points (NaN at NULL) and how many times repeat in it."""

    name: str
    x: FloatArray
    y: FloatArray
    shared_times: int = 0  # rows whose time another row of this series already has

    @property
    def point_count(self) -> int:
        return int(self.x.size)


@dataclass
class GraphData:
    """The curves of a result, or why there are none."""

    series: list[Series] = field(default_factory=list)
    message: str | None = None  # set when the result cannot be graphed

    def series_with_shared_times(self) -> list[Series]:
        """The series in which several rows share a timestamp (the line goes back and forth there)."""
        return [s for s in self.series if s.shared_times]


def graph_data(frame: Frame) -> GraphData:
    """One series per numeric column and label values, every row kept; a message when there is nothing to plot."""
    if not frame.fields or frame.row_count == 0:
        return GraphData(message="No rows to graph.")
    times = frame.time_fields()
    numbers = frame.number_fields()
    if not times or not numbers:
        missing = "no time column (timestamp)" if not times else "no numeric column"
        return GraphData(message=f"Nothing to graph: the result has {missing}. A graph needs a timestamp column and "
                                 "a numeric column; text columns split the series.")
    time_field = times[0]
    label_fields = [f for f in frame.fields if f.type == "string"]
    groups = _row_groups(time_field, label_fields)
    series: list[Series] = []
    for number in numbers:
        for key, rows in groups.items():
            labels = dict(zip((f.name for f in label_fields), key, strict=True))
            series.append(_series(number, labels, rows, time_field))
    return GraphData(series)


def shared_times(frame: Frame) -> list[tuple[dict[str, str], int]]:
    """Label values of each series group in which rows share a timestamp, with the number of repeated rows.

    Grafana's time series panel draws such rows as they come (a vertical back-and-forth line), which usually
    means a label column is missing from the SELECT.
    """
    times, numbers = frame.time_fields(), frame.number_fields()
    if not times or not numbers:
        return []
    label_fields = [f for f in frame.fields if f.type == "string"]
    found = []
    for key, rows in _row_groups(times[0], label_fields).items():
        repeated = len(rows) - len({times[0].values[r] for r in rows})
        if repeated:
            found.append((dict(zip((f.name for f in label_fields), key, strict=True)), repeated))
    return found


def _row_groups(time_field: Field, label_fields: list[Field]) -> dict[tuple[str, ...], list[int]]:
    """Row numbers by label values (text columns, NULL as empty text), rows without a time left out."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for row, moment in enumerate(time_field.values):
        if moment is None:
            continue  # a row without a time has no place on the time axis
        key = tuple("" if f.values[row] is None else str(f.text(row)) for f in label_fields)
        groups.setdefault(key, []).append(row)
    return groups


def _series(number: Field, labels: dict[str, str], rows: list[int], time_field: Field) -> Series:
    x = np.fromiter((time_field.values[r] for r in rows), dtype=np.float64, count=len(rows)) / 1000.0
    y = np.fromiter((_as_float(number.values[r]) for r in rows), dtype=np.float64, count=len(rows))
    if not _likely_ascending(x):
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
    shared = len(rows) - int(np.unique(x).size)
    name = Field.of(number.name, number.cql_type, [], labels).display_name
    return Series(name, x, y, shared)


def _likely_ascending(x: FloatArray) -> bool:
    """Grafana's quick test: the first two times ascend and the last is not before the first."""
    if x.size < 2:
        return True
    return bool(x[0] <= x[1] and x[0] <= x[-1])


def _as_float(value: Any) -> float:
    return float("nan") if value is None else float(value)
