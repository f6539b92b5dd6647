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

from core.cql.column_text import column_texts
from core.grafana.columns import as_array
from core.grafana.frames import Field, Frame

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass
class Series:
    """One curve: its Grafana-style display name, its points (NaN at NULL) and how many times repeat in it."""

    name: str
    x: FloatArray
    y: FloatArray
    shared_times: int = 0  # rows whose time another row of this series already has
    ascending: bool = field(init=False)  # times never go back (the graph can then clip to the view)
    middle: float | None = field(init=False)  # the median time (where the graph takes its zone's offset)
    bounds: tuple[float, float, float, float] | None = field(init=False)  # finite x min, x max, y min, y max

    def __post_init__(self) -> None:
        # Computed where the series is built (a worker), not on the GUI thread that draws it.
        x = self.x
        self.ascending = bool(x.size < 2 or np.all(x[1:] >= x[:-1]))
        finite = x[np.isfinite(x)] if x.size else x
        if not finite.size:
            self.middle = None
        else:
            self.middle = float(finite[finite.size // 2] if self.ascending else np.median(finite))
        values = self.y[np.isfinite(self.y)] if self.y.size else self.y
        self.bounds = None
        if finite.size and values.size:
            self.bounds = (float(finite.min()), float(finite.max()), float(values.min()), float(values.max()))

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
    return SeriesGroups.of(frame).graph()


class SeriesGroups:
    """Rows grouped into series page by page, as they arrive: per label values (text columns, NULL as empty
    text), the rows' times (exact epoch ms) and, when `keep_values`, each numeric column's values as floats.
    The graph and the report's shared-timestamp check both read it, so neither takes a second pass.

    Each page only gives its rows their group ids (label values -> id, in order of first row); the rows are
    split into groups once, at the end, by one stable sort of all ids (splitting every page into its hundreds of
    groups cost more than converting the page)."""

    def __init__(self, keep_values: bool = True) -> None:
        self.keep_values = keep_values
        self.rows = 0
        self._shape: Frame | None = None
        self._time = -1
        self._labels: list[int] = []
        self._numbers: list[int] = []
        self._key_index: dict[tuple[str, ...], int] = {}  # label values -> group id, in order of first row
        self._single_index: dict[str, int] = {}  # with one label column: its value -> the same group id
        self._ids: list[IntArray] = []  # per page, the group id of each row that has a time
        self._page_times: list[IntArray] = []
        self._page_values: list[list[FloatArray]] = []  # per page, per numeric column
        self._grouped: tuple[list[IntArray], list[list[FloatArray]]] | None = None
        self._shared: list[tuple[dict[str, str], int]] | None = None  # set by `settle`

    @classmethod
    def of(cls, frame: Frame, keep_values: bool = True) -> SeriesGroups:
        groups = cls(keep_values)
        groups.add(frame)
        return groups

    def add(self, page: Frame) -> None:
        """Number one page's rows by group (rows without a time have no place on the time axis and are left
        out)."""
        if self._shared is not None:
            raise ValueError("the series were settled: they take no more rows")
        if self._shape is None:
            self._shape = page
            kinds = [f.type for f in page.fields]
            self._time = kinds.index("time") if "time" in kinds else -1
            self._labels = [i for i, kind in enumerate(kinds) if kind == "string"]
            self._numbers = [i for i, kind in enumerate(kinds) if kind == "number"]
        self.rows += page.row_count
        if self._time < 0 or not self._numbers or not page.row_count:
            return
        self._grouped = None
        times, no_time = as_array(page.fields[self._time].values, np.int64)
        present = ~no_time  # a row without a time has no place on the time axis
        everywhere = bool(present.all())
        if self._labels:
            texts = [column_texts(page.fields[i].values, page.fields[i].cql_type) for i in self._labels]
            labels = [["" if t is None else t for t in column] if None in column else column for column in texts]
            # One label column (the usual case) is looked up by its text, without a tuple for each row.
            keys: list[Any] = labels[0] if len(labels) == 1 else list(zip(*labels, strict=True))
            if not everywhere:
                keys = [k for k, here in zip(keys, present.tolist(), strict=True) if here]
            index: dict[Any, int] = self._single_index if len(labels) == 1 else self._key_index
            for key in dict.fromkeys(keys):  # new label values get ids in order of their first row
                if key not in index:
                    index[key] = len(self._key_index)
                    if index is self._single_index:
                        self._key_index[(key,)] = index[key]
            ids = np.fromiter(map(index.__getitem__, keys), dtype=np.int64, count=len(keys))
        else:
            self._key_index.setdefault((), 0)
            ids = np.zeros(int(present.sum()), dtype=np.int64)
        self._ids.append(ids)
        self._page_times.append(times if everywhere else times[present])
        if self.keep_values:
            values = [as_array(page.fields[i].values, np.float64) for i in self._numbers]
            columns = [np.where(mask, np.nan, data) if mask.any() else data for data, mask in values]
            self._page_values.append(columns if everywhere else [column[present] for column in columns])

    def _groups(self) -> tuple[list[IntArray], list[list[FloatArray]]]:
        """Per group id: its rows' times and (with `keep_values`) each numeric column's values, in row order."""
        if self._grouped is None:
            count = len(self._key_index)
            if not self._ids:
                self._grouped = ([np.zeros(0, np.int64)] * count, [[] for _ in range(count)])
                return self._grouped
            ids = np.concatenate(self._ids)
            order = np.argsort(ids, kind="stable")  # the rows of each group together, in row order
            bounds = np.cumsum(np.bincount(ids, minlength=count))[:-1]
            times = np.split(np.concatenate(self._page_times)[order], bounds)
            by_column = [np.split(np.concatenate([page[n] for page in self._page_values])[order], bounds)
                         for n in range(len(self._numbers))] if self.keep_values else []
            values = [[column[group] for column in by_column] for group in range(count)]
            self._grouped = (times, values)
        return self._grouped

    def _present_groups(self) -> list[tuple[tuple[str, ...], IntArray, list[FloatArray]]]:
        """(label values, times, values) of each group with rows, in order of first row."""
        times, values = self._groups()
        return [(key, times[i], values[i]) for key, i in self._key_index.items() if times[i].size]

    def settle(self) -> None:
        """Keep only what the report reads (`shared_times`) and drop the rows: once the graph is built, they
        would cost memory, and the time to send them from the process that fetched them."""
        self._shared = self.shared_times()
        self._ids, self._page_times, self._page_values, self._grouped = [], [], [], None
        if self._shape is not None:
            self._shape = Frame(self._shape.name, [Field(f.name, f.cql_type, f.type, f.element, [], dict(f.labels),
                                                         f.nullable) for f in self._shape.fields])

    def shared_times(self) -> list[tuple[dict[str, str], int]]:
        """Label values of each group in which rows share a timestamp, with the number of repeated rows."""
        if self._shared is not None:
            return self._shared
        found = []
        for key, times, _values in self._present_groups():
            repeated = repeats(times)
            if repeated:
                found.append((self._label_dict(key), repeated))
        return found

    def graph(self) -> GraphData:
        """One series per numeric column and label values; a message when there is nothing to plot."""
        shape = self._shape
        if shape is None or not shape.fields or self.rows == 0:
            return GraphData(message="No rows to graph.")
        if self._time < 0 or not self._numbers:
            missing = "no time column (timestamp)" if self._time < 0 else "no numeric column"
            return GraphData(message=f"Nothing to graph: the result has {missing}. A graph needs a timestamp column "
                                     "and a numeric column; text columns split the series.")
        if not self.keep_values or self._shared is not None:
            raise ValueError("the series were grouped without their values, or settled")
        series: list[Series] = []
        groups = self._present_groups()
        for position, index in enumerate(self._numbers):
            number = shape.fields[index]
            for key, times, values in groups:
                x = times.astype(np.float64) / 1000.0
                series.append(_series(number, self._label_dict(key), x, values[position]))
        return GraphData(series)

    def _label_dict(self, key: tuple[str, ...]) -> dict[str, str]:
        assert self._shape is not None
        return dict(zip((self._shape.fields[i].name for i in self._labels), key, strict=True))


def _series(number: Field, labels: dict[str, str], x: FloatArray, y: FloatArray) -> Series:
    if not _likely_ascending(x):
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
    shared = repeats(x)
    name = Field.of(number.name, number.cql_type, [], labels).display_name
    return Series(name, x, y, shared)


def repeats(values: npt.NDArray[Any]) -> int:
    """How many values equal another one before them: a sort (NumPy releases the GIL for it) and a comparison of
    neighbours. NumPy 2's np.unique hashes instead, holding the GIL for a second on a million values."""
    ordered = np.sort(values)
    return int(np.count_nonzero(ordered[1:] == ordered[:-1]))


def _likely_ascending(x: FloatArray) -> bool:
    """Grafana's quick test: the first two times ascend and the last is not before the first."""
    if x.size < 2:
        return True
    return bool(x[0] <= x[1] and x[0] <= x[-1])
