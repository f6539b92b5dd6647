"""Time series for the graph: a result frame turned wide (Grafana's long-to-wide), as numpy arrays.

Built on a worker thread so a million-row result never stalls the window; x values are epoch seconds
(what pyqtgraph's DateAxisItem expects); NULL and missing points are left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from core.grafana.frames import Frame, long_to_wide

FloatArray = npt.NDArray[np.float64]


@dataclass
class Series:
    """One curve: its Grafana-style display name and its points."""

    name: str
    x: FloatArray
    y: FloatArray

    @property
    def point_count(self) -> int:
        return int(self.x.size)


@dataclass
class GraphData:
    """The curves of a result, or why there are none."""

    series: list[Series] = field(default_factory=list)
    message: str | None = None  # set when the result cannot be graphed


def graph_data(frame: Frame) -> GraphData:
    """One series per numeric field and label combination; a message when there is nothing to plot."""
    if not frame.fields or frame.row_count == 0:
        return GraphData(message="No rows to graph.")
    try:
        wide = long_to_wide(frame)
    except ValueError as exc:
        return GraphData(message=f"Nothing to graph: {exc}. A graph needs a timestamp column and a numeric "
                                 "column; text columns split the series.")
    times = np.asarray(wide.fields[0].values, dtype=np.float64) / 1000.0
    series = []
    for item in wide.fields[1:]:
        y = np.fromiter((math.nan if v is None else float(v) for v in item.values), dtype=np.float64,
                        count=len(item.values))
        keep = ~np.isnan(y)
        # Points missing from a series (another series has that time) are dropped, not drawn as gaps.
        series.append(Series(item.display_name, times[keep], y[keep]))
    return GraphData(series)
