"""The panel's query options, as Grafana's query editor folds them: max data points and min interval, which with
the range make the interval ($__interval). One button on the time range row shows that interval (bold when an
option differs from a new panel's) and opens a small form with both."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QMenu, QSpinBox, QToolButton, QWidget, QWidgetAction

from core.grafana.timerange import DEFAULT_MAX_DATA_POINTS

MIN_INTERVAL_HELP = ("The panel's Min interval: the lowest $__interval, such as 1m or 30s (empty: none, as in a "
                     "panel without one).")


class PanelOptionsButton(QToolButton):
    """`Interval 20s ▾`; its menu holds the max data points and min interval fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")  # the text has its arrow
        self.max_points = QSpinBox()
        self.max_points.setRange(1, 1_000_000)
        self.max_points.setValue(DEFAULT_MAX_DATA_POINTS)
        self.max_points.setToolTip("Max data points of the panel: $__interval = range / max data points, rounded.")
        self.min_interval = QLineEdit()
        self.min_interval.setPlaceholderText("none")
        self.min_interval.setToolTip(MIN_INTERVAL_HELP)
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        form.addRow(QLabel("<b>Query options</b> (the panel's)"))
        form.addRow("Max data points", self.max_points)
        form.addRow("Min interval", self.min_interval)
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(form_widget)
        menu.addAction(action)
        self.setMenu(menu)
        self.show_interval("?")

    def min_interval_value(self) -> str:
        return self.min_interval.text().strip()

    def show_interval(self, interval: str) -> None:
        """Show the interval the options make with the range ("?" when they or the range do not parse)."""
        points, minimum = self.max_points.value(), self.min_interval_value()
        font = QFont(self.font())
        font.setBold((points, minimum) != (DEFAULT_MAX_DATA_POINTS, ""))
        self.setFont(font)
        self.setText("")  # the size hint is measured again, in the new font, when the text is set
        self.setText(f"Interval {interval} ▾")
        self.setToolTip(f"Max data points {points}, min interval {minimum or 'none'}: the interval ($__interval, "
                        "and the request's intervalMs) is the range divided by max data points, rounded, and never "
                        "below the min interval. Click to change.")
