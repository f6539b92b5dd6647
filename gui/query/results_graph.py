"""The Graph results view: pyqtgraph time series with a date axis, a scrollable legend, crosshair, zoom and pan.

Curves break at NULL (NaN) points as Grafana leaves a gap, downsample by peak and clip to the view, so a million
points draw quickly. When the result has no time or no numeric column the view says so instead of an empty plot.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, tzinfo
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.DateAxisItem import HOUR_SPACING, ZoomLevel
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap, QShowEvent
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from core.cql.values import iso_utc
from core.errors import CqlscopeError
from core.grafana.series import GraphData
from core.grafana.timezones import BROWSER_ZONE, resolve_zone, zone_name

# 24 colours that stay apart from each other on white: no colour repeats before the 25th series.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#000075", "#800000", "#469990", "#f032e6", "#9a6324", "#3cb44b",
           "#4363d8", "#808000", "#e6194b", "#911eb4", "#42d4f4", "#f58231", "#000000", "#5e3c99")
BUILD_LATER_MS = 250  # a graph out of sight builds its curves this long after its data came (see show_data)
PAINT_FIRST_MS = 20  # a graph in sight builds them this long after: its axes (or the tab switch) paint first
BUILD_TURN_MS = 8  # curves are built on turns of the event loop of their own until one has taken this long
LINE_WIDTH = 1  # Grafana's default line width (a wider pen also draws a million points twice as slowly)


class _FixedOffsetZoomLevel(ZoomLevel):  # type: ignore[misc]
    """pyqtgraph's zoom level for an axis with a fixed UTC offset. For spacings of an hour (skipped) and more,
    pyqtgraph adds `applyOffsetToUtc(tick, offset)` to each tick, which is the offset itself once one is set: it
    asks Qt for this machine's zone first, some 0.7 ms a tick on the window's thread. Here the offset is added
    at once, to the same ticks."""

    def moveTicksToLocalTimeCoords(self, ticks: Any, spacing: int, skipFactor: int) -> Any:
        if self.utcOffset is not None and len(ticks) and (
                spacing > HOUR_SPACING or (spacing == HOUR_SPACING and skipFactor > 1)):
            return ticks + self.utcOffset
        return super().moveTicksToLocalTimeCoords(ticks, spacing, skipFactor)


class ZonedDateAxis(pg.DateAxisItem):  # type: ignore[misc]
    """A date axis labelled in a dashboard time zone, as Grafana draws a panel's time axis.

    pyqtgraph places ticks with one fixed UTC offset (the zone's at the middle of the data); the labels are
    each computed in the zone itself, so a daylight-saving change inside the range still reads right.
    """

    def __init__(self) -> None:
        self._fixed_levels: dict[int, _FixedOffsetZoomLevel] = {}  # pyqtgraph's zoom levels (shared), by id
        super().__init__(orientation="bottom", utcOffset=0)
        self.zone: tzinfo = UTC
        self.zone_label = "UTC"

    def set_zone(self, zone: tzinfo, label: str, around: float | None = None) -> None:
        """Label the ticks in `zone`; `around` (epoch seconds) is where its UTC offset places the ticks."""
        self.zone, self.zone_label = zone, label
        try:
            offset = datetime.fromtimestamp(around if around is not None else 0, zone).utcoffset()
        except (OverflowError, ValueError, OSError):  # beyond Python's years 1 to 9999: the offset at the epoch
            offset = datetime.fromtimestamp(0, zone).utcoffset()
        self.utcOffset = -offset.total_seconds() if offset is not None else 0  # seconds west, as time.timezone
        self.setLabel(f"Time ({label})")
        self.picture = None
        self.update()

    def setZoomLevelForDensity(self, density: float) -> None:
        super().setZoomLevelForDensity(density)
        level: ZoomLevel = self.zoomLevel  # type: ignore[has-type]
        fixed = self._fixed_levels.get(id(level))
        if fixed is None:
            fixed = self._fixed_levels[id(level)] = _FixedOffsetZoomLevel(level.tickSpecs, level.exampleText)
        fixed.utcOffset = level.utcOffset
        self.zoomLevel = fixed

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        spec = next((s for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        if spec is None:
            return [str(value) for value in values]
        strings = []
        for value in values:
            try:
                text = datetime.fromtimestamp(value, self.zone).strftime(spec.format)
            except (OverflowError, ValueError, OSError):
                strings.append("")
                continue
            strings.append(text[:-3] if "%f" in spec.format else text.lstrip("0") if "%Y" in spec.format else text)
        return strings

    def describe(self, seconds: float) -> str:
        """One instant as the readout shows it, in the axis zone (in UTC beyond Python's years 1 to 9999)."""
        try:
            return datetime.fromtimestamp(seconds, self.zone).strftime("%Y-%m-%d %H:%M:%S ") + self.zone_label
        except (OverflowError, ValueError, OSError):
            return iso_utc(math.floor(seconds * 1000)).replace("T", " ")[:-5] + " UTC"


class ResultsGraph(QWidget):
    """One curve per series; a label under the plot shows the values under the mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=False)
        self.axis = ZonedDateAxis()
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis}, background="w")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        item = self.plot.getPlotItem()
        # Every curve: peak-downsampled to two bins per pixel column (pyqtgraph's default is five), a min and a
        # max each, so the line looks the same and draws in half the time (pyqtgraph sizes the bins as if times
        # were evenly spaced; the second bin per pixel keeps the dense parts of an irregular series as sharp),
        # and clipped to the view. Set on the plot, which gives them to each curve it adds.
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen("#5f6368"))
            axis.setTextPen(pg.mkPen("#3c4043"))
        self.legend = QListWidget()
        self.legend.setToolTip("The series, in the colours of their curves. Untick one to hide its curve.")
        self.legend.setMinimumWidth(120)
        self.legend.itemChanged.connect(self._on_legend_item)
        self._curves: list[pg.PlotDataItem] = []
        self._unbuilt = False  # the data shown has curves still to build
        self._data = GraphData()
        self._vline = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#9aa0a6", style=Qt.PenStyle.DashLine))
        self._hline = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#9aa0a6", style=Qt.PenStyle.DashLine))
        self.plot.addItem(self._vline, ignoreBounds=True)
        self.plot.addItem(self._hline, ignoreBounds=True)
        self.readout = QLabel("Move the mouse over the graph to read values. Drag to pan, wheel to zoom, "
                              "right-click for more.")
        self.readout.setStyleSheet("color: #5f6368;")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel("Run a query to see its graph.")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #5f6368; font-size: 14px; padding: 24px;")
        plot_page = QWidget()
        plot_layout = QVBoxLayout(plot_page)
        plot_layout.setContentsMargins(0, 0, 0, 0)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.plot)
        self.split.addWidget(self.legend)
        self.split.setStretchFactor(0, 1)
        self.split.setSizes([700, 180])
        plot_layout.addWidget(self.split, 1)
        plot_layout.addWidget(self.readout)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(plot_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.stack)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

    @property
    def curves(self) -> list[pg.PlotDataItem]:
        """The curves of the data shown (those still to build are built now)."""
        while self._build_next_curve():
            pass
        return self._curves

    def show_data(self, data: GraphData, timezone: str = "utc") -> None:
        """Replace the curves with `data`'s, or show its message; times read in the dashboard `timezone`.

        The curves (for a million points some 25 ms of the window's thread) are built on turns of the event loop
        of their own, a few milliseconds' worth each: after the graph has painted its new axes when it is in
        sight; a little later, or when it is shown, when another results tab is in sight. Building and painting
        them in one turn held the thread for some 60 ms."""
        self._data = data
        self.set_time_zone(timezone)
        for curve in self._curves:
            self.plot.removeItem(curve)
        self._curves = []
        self._unbuilt = False
        self.legend.clear()
        if data.message is not None or not data.series:
            self.message.setText(data.message or "Nothing to graph.")
            self.stack.setCurrentWidget(self.message)
            return
        self.legend.blockSignals(True)
        for number, series in enumerate(data.series):
            self.legend.addItem(_legend_item(series.name, PALETTE[number % len(PALETTE)]))
        self.legend.blockSignals(False)
        self.stack.setCurrentIndex(1)
        self._set_range(data)
        self._unbuilt = True
        QTimer.singleShot(PAINT_FIRST_MS if self.isVisible() else BUILD_LATER_MS, self, self._build_some)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._unbuilt:  # the tab switch paints first
            QTimer.singleShot(PAINT_FIRST_MS, self, self._build_some)

    def _set_range(self, data: GraphData) -> None:
        # pyqtgraph's auto-range would measure every point on this thread, and curves added before the view has
        # its range are prepared whole: the view first takes the data's bounds (found on the worker), so each
        # curve is downsampled once, as it is added.
        view = self.plot.getPlotItem().getViewBox()
        view.disableAutoRange()
        bounds = [series.bounds for series in data.series if series.bounds is not None]
        if bounds:
            view.setRange(xRange=(min(b[0] for b in bounds), max(b[1] for b in bounds)),
                          yRange=(min(b[2] for b in bounds), max(b[3] for b in bounds)))
        else:
            view.enableAutoRange()  # no finite point: nothing to measure

    def _build_some(self) -> None:
        """One turn's share: build curves until one has taken BUILD_TURN_MS, and leave the rest to the next turn."""
        began = time.perf_counter()
        while self._build_next_curve():
            if (time.perf_counter() - began) * 1000 >= BUILD_TURN_MS:
                if self._unbuilt:
                    QTimer.singleShot(0, self, self._build_some)
                return

    def _build_next_curve(self) -> bool:
        """Build the next curve of the data shown; False when none was left to build."""
        if not self._unbuilt:
            return False
        number = len(self._curves)
        series = self._data.series[number]
        curve = self.plot.plot(pen=pg.mkPen(PALETTE[number % len(PALETTE)], width=LINE_WIDTH), connect="finite",
                               autoDownsampleFactor=2.0)
        if not series.ascending:
            # Clipping to the view looks points up by time, which needs ascending times; a series drawn in the
            # frame's order (going back in time) is drawn whole.
            curve.setClipToView(False)
        curve.setData(series.x, series.y)  # once the curve is in its view and set up: prepared once
        item = self.legend.item(number)
        curve.setVisible(item is None or item.checkState() == Qt.CheckState.Checked)
        self._curves.append(curve)
        self._unbuilt = len(self._curves) < len(self._data.series)
        return True

    def set_time_zone(self, timezone: str) -> None:
        """Label the time axis and the readout in a Grafana time zone ("utc", "browser" or an IANA name)."""
        try:
            zone = resolve_zone(timezone)
        except CqlscopeError:
            zone, timezone = UTC, "utc"
        name = zone_name(timezone, None)
        label = "UTC" if zone is UTC else (f"browser: {name}" if timezone in ("", BROWSER_ZONE) else name)
        middles = [series.middle for series in self._data.series if series.middle is not None]
        self.axis.set_zone(zone, label, middles[0] if middles else None)

    def _on_legend_item(self, item: QListWidgetItem) -> None:
        row = self.legend.row(item)
        if 0 <= row < len(self._curves):  # (curves still to build take the legend's ticks when built)
            self._curves[row].setVisible(item.checkState() == Qt.CheckState.Checked)

    def show_message(self, text: str) -> None:
        self.show_data(GraphData(message=text))

    def _on_mouse_moved(self, position: QPointF) -> None:
        if not self._curves or not self.plot.sceneBoundingRect().contains(position):
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(position)
        self._vline.setPos(point.x())
        self._hline.setPos(point.y())
        self.readout.setText(self.readout_text(point.x()))

    def readout_text(self, x: float) -> str:
        """The time under the crosshair and each series' value nearest to it (the first of equal times)."""
        try:
            parts = [self.axis.describe(x)]
        except (OverflowError, ValueError, OSError):
            parts = [f"{x:g}"]
        for series in self._data.series:
            if series.point_count == 0:
                continue
            i = int(np.argmin(np.abs(series.x - x)))  # points keep the frame's order, so no binary search
            value = float(series.y[i])
            parts.append(f"{series.name}: {'NULL' if np.isnan(value) else f'{value:g}'}")
        return "   ".join(parts)


def _legend_item(name: str, colour: str) -> QListWidgetItem:
    """A checkable legend entry with a swatch of the curve's colour."""
    swatch = QPixmap(14, 14)
    swatch.fill(QColor(colour))
    item = QListWidgetItem(QIcon(swatch), name)
    item.setToolTip(name)
    item.setData(Qt.ItemDataRole.UserRole, colour)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked)
    return item
