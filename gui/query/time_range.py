"""A time range picker like Grafana's: quick ranges, from/to (relative or absolute), time zone, the
dashboard's week start (what `now/w` rounds to), and the panel's max data points and min interval (which set
$__interval); the fiscal year start and the browser's zone come from the window's Grafana context or the
dashboard."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from core.errors import CqlscopeError
from core.grafana.datemath import parse_time
from core.grafana.templating import Variable
from core.grafana.timerange import TimeRange, local_zone_name, time_range
from core.grafana.timezones import TimeExpressionError
from core.query.targets import Viewer, panel_interval
from gui.query.panel_options import MIN_INTERVAL_HELP, PanelOptionsButton

QUICK_RANGES = (
    ("Last 5 minutes", "now-5m", "now"), ("Last 15 minutes", "now-15m", "now"),
    ("Last 30 minutes", "now-30m", "now"), ("Last 1 hour", "now-1h", "now"), ("Last 3 hours", "now-3h", "now"),
    ("Last 6 hours", "now-6h", "now"), ("Last 12 hours", "now-12h", "now"), ("Last 24 hours", "now-24h", "now"),
    ("Last 2 days", "now-2d", "now"), ("Last 7 days", "now-7d", "now"), ("Last 30 days", "now-30d", "now"),
    ("Today so far", "now/d", "now"), ("Yesterday", "now-1d/d", "now-1d/d"),
)
CUSTOM = "Custom range"
RANGE_ERROR = '"From" can\'t be after "To"'  # Grafana's time picker (TimeRangeContent), shown at the From field
_INVALID_STYLE = "QLineEdit { border: 1px solid #d93025; background: #fce8e6; }"
_FIELD_HELP = "now-6h, now-1d/d, 2024-05-01 00:00:00 (in the time zone) or epoch ms"
# The dashboard settings' "Week start" choices; "" is Grafana's default, the browser locale's (Sunday for `en`).
WEEK_STARTS = (("Default", ""), ("Monday", "monday"), ("Saturday", "saturday"), ("Sunday", "sunday"))
ZONES = ("utc", "browser", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
         "Asia/Tokyo", "Australia/Sydney")


class TimeRangePicker(QWidget):
    """Quick range combo, From and To fields, time zone, week start, and (with `panel_fields`) the panel's max
    data points and min interval; `changed` on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, panel_fields: bool = True) -> None:
        super().__init__(parent)
        self.quick = QComboBox()
        self.quick.addItem(CUSTOM, "")
        for label, raw_from, raw_to in QUICK_RANGES:
            self.quick.addItem(label, f"{raw_from}|{raw_to}")
        self.quick.setToolTip("Quick ranges, as Grafana's time picker offers them.")
        self.from_edit = QLineEdit("now-6h")
        self.from_edit.setToolTip(_FIELD_HELP)
        self.to_edit = QLineEdit("now")
        self.to_edit.setToolTip(self.from_edit.toolTip())
        for edit in (self.from_edit, self.to_edit):
            edit.setMinimumWidth(80)
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.addItems(ZONES)
        self.zone.setToolTip(f"The dashboard time zone ('browser' is this machine's: {local_zone_name()}).")
        self.week_start = QComboBox()
        for label, value in WEEK_STARTS:
            self.week_start.addItem(label, value)
        self.week_start.setToolTip("The dashboard's week start: where now/w and week ranges begin. Default is "
                                   "Grafana's (the browser locale's: Sunday for English).")
        self.panel_options = PanelOptionsButton(self)
        self.max_points, self.min_interval = self.panel_options.max_points, self.panel_options.min_interval
        # Shrink on a small window instead of widening it; "Custom range" stays whole, zones are short or typed.
        for combo, characters in ((self.quick, 12), (self.zone, 6), (self.week_start, 3)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(characters)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.quick)  # its entries ("Last 6 hours", "Custom range") say what it is
        for label, widget in (("From", self.from_edit), ("To", self.to_edit), ("Zone", self.zone),
                              ("Week", self.week_start)):
            layout.addWidget(QLabel(label))
            layout.addWidget(widget)
        if panel_fields:  # a dashboard's panels have their own
            layout.addWidget(self.panel_options)
        else:
            self.panel_options.hide()
        self.quick.currentIndexChanged.connect(self._on_quick)
        self.from_edit.textEdited.connect(self._on_typed)
        self.to_edit.textEdited.connect(self._on_typed)
        self.zone.currentTextChanged.connect(lambda _text: self._on_zone())
        self.week_start.currentIndexChanged.connect(lambda _index: self._on_zone())
        self.max_points.valueChanged.connect(lambda _value: self.changed.emit())
        self.min_interval.textEdited.connect(self._on_typed)
        # The variables a min interval such as $iv reads (the tab's).
        self.interval_variables: Callable[[], Mapping[str, Variable]] = dict
        self.changed.connect(self.show_interval)
        # The dashboard's fiscal year start (1-12, now/fy) and the viewer's browser zone (None: this machine's).
        self.fiscal_year_start_month = 1
        self.browser_timezone: str | None = None
        self._sync_quick()
        self.show_interval()

    def variables_changed(self) -> None:
        """The tab's variables changed: a min interval such as $iv is checked and shown again."""
        self.show_problems()
        self.show_interval()

    def show_interval(self) -> None:
        """Show on the options button the interval the range, options and variables make."""
        try:
            interval = panel_interval(self.time_range(), self.max_points.value(), self.min_interval_value(),
                                      self.interval_variables(), Viewer(self.browser_timezone))
        except CqlscopeError:
            self.panel_options.show_interval("?")
            return
        self.panel_options.show_interval(interval.text)

    def set_context(self, fiscal_year_start_month: int, browser_timezone: str | None) -> None:
        """The dashboard's fiscal year start month (1-12) and the viewer's browser zone, which the range uses."""
        if (fiscal_year_start_month, browser_timezone) == (self.fiscal_year_start_month, self.browser_timezone):
            return
        self.fiscal_year_start_month, self.browser_timezone = fiscal_year_start_month, browser_timezone
        self.show_problems()
        self.changed.emit()

    def _on_zone(self) -> None:
        self.show_problems()
        self.changed.emit()

    def _on_quick(self, index: int) -> None:
        raw = self.quick.itemData(index)
        if raw:
            raw_from, raw_to = str(raw).split("|")
            self.from_edit.setText(raw_from)
            self.to_edit.setText(raw_to)
            self.show_problems()
            self.changed.emit()

    def _on_typed(self, _text: str) -> None:
        self._sync_quick()
        self.show_problems()
        self.changed.emit()

    def _sync_quick(self) -> None:
        raw_from, raw_to = self.from_edit.text().strip(), self.to_edit.text().strip()
        index = self.quick.findData(f"{raw_from}|{raw_to}")
        self.quick.blockSignals(True)
        self.quick.setCurrentIndex(index if index > 0 else 0)
        self.quick.blockSignals(False)

    def set_range(self, raw_from: str, raw_to: str, timezone: str, max_points: int, week_start: str = "",
                  min_interval: str = "") -> None:
        """Show a range; a week start that is not a weekday Grafana offers shows as Default."""
        for widget, text in ((self.from_edit, raw_from), (self.to_edit, raw_to)):
            widget.setText(text)
            widget.setCursorPosition(0)  # a narrow field shows the start of a long date, not its seconds
        self.zone.setCurrentText(timezone)
        self.week_start.blockSignals(True)
        self.week_start.setCurrentIndex(max(self.week_start.findData(week_start.lower()), 0))
        self.week_start.blockSignals(False)
        self.max_points.setValue(max_points)
        self.min_interval.setText(min_interval)
        self._sync_quick()
        self.show_problems()
        self.changed.emit()

    def raw(self) -> tuple[str, str, str]:
        return self.from_edit.text().strip(), self.to_edit.text().strip(), self.zone.currentText().strip() or "utc"

    def min_interval_value(self) -> str:
        """The panel's min interval as typed ("" for none)."""
        return self.panel_options.min_interval_value()

    def week_start_value(self) -> str:
        """The chosen week start as the dashboard JSON names it ("" for Grafana's default)."""
        return str(self.week_start.currentData() or "")

    def time_range(self) -> TimeRange:
        """The evaluated range; TimeExpressionError (a CqlscopeError) when a field does not parse or, as
        Grafana's picker refuses it, when From is after To."""
        raw_from, raw_to, zone = self.raw()
        evaluated = time_range(raw_from, raw_to, zone, week_start=self.week_start_value() or None,
                               fiscal_year_start_month=self.fiscal_year_start_month - 1,
                               browser_timezone=self.browser_timezone)
        if evaluated.from_ms > evaluated.to_ms:
            raise TimeExpressionError(f"{RANGE_ERROR}: {raw_from} is later than {raw_to}. Swap them, or make To "
                                      "later.")
        return evaluated

    def problems(self) -> dict[QLineEdit, str]:
        """The invalid fields and why: a field that does not parse, or From (after To), as Grafana marks it."""
        raw_from, raw_to, zone = self.raw()
        found: dict[QLineEdit, str] = {}
        for edit, text, round_up in ((self.from_edit, raw_from, False), (self.to_edit, raw_to, True)):
            try:
                parse_time(text, round_up=round_up, timezone=zone, plain_in_dashboard_zone=True,
                           week_start=self.week_start_value() or None,
                           fiscal_year_start_month=self.fiscal_year_start_month - 1,
                           browser_timezone=self.browser_timezone)
            except CqlscopeError as exc:
                found[edit] = exc.message
        if not found:
            try:
                self.time_range()
            except CqlscopeError as exc:
                found[self.from_edit] = exc.message
        if self.min_interval_value() and not found:  # interpolated with the variables first, as the run does
            try:
                panel_interval(self.time_range(), self.max_points.value(), self.min_interval_value(),
                               self.interval_variables(), Viewer(self.browser_timezone))
            except CqlscopeError as exc:
                found[self.min_interval] = exc.message
        return found

    def show_problems(self) -> None:
        """Mark each invalid field in red with its error as the tooltip; valid fields get their help back."""
        found = self.problems()
        for edit, help_text in ((self.from_edit, _FIELD_HELP), (self.to_edit, _FIELD_HELP),
                                (self.min_interval, MIN_INTERVAL_HELP)):
            message = found.get(edit)
            edit.setStyleSheet(_INVALID_STYLE if message else "")
            edit.setToolTip(message or help_text)

    def describe(self) -> str:
        """'from → to' in the time zone, or the error."""
        try:
            evaluated = self.time_range()
        except CqlscopeError as exc:
            return exc.message
        from core.grafana.timerange import iso_string

        return f"{iso_string(evaluated.from_ms)} → {iso_string(evaluated.to_ms)}"
