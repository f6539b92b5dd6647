"""Grafana time handling in one import: time expressions, time ranges, `$__interval` and moment.js formats.

The code lives in `timezones`, `datemath`, `intervals`, `moment_format` and `js_numbers`; callers may import
the public names from here.
"""

from __future__ import annotations

from core.grafana.datemath import TimeRange, parse_time, parse_url_time, time_range
from core.grafana.intervals import (
    DEFAULT_MAX_DATA_POINTS,
    Interval,
    calculate_interval,
    interval_to_ms,
    round_interval,
    seconds_to_hms,
)
from core.grafana.js_numbers import js_is_numeric, js_parse_int, js_round
from core.grafana.moment_format import FULL_DATE_FORMAT, format_moment, iso_string
from core.grafana.timezones import (
    BROWSER_ZONE,
    UTC_ZONE,
    WEEKDAYS,
    TimeExpressionError,
    local_zone_name,
    resolve_zone,
    week_start_index,
    zone_name,
)

__all__ = [
    "BROWSER_ZONE", "DEFAULT_MAX_DATA_POINTS", "FULL_DATE_FORMAT", "UTC_ZONE", "WEEKDAYS", "Interval",
    "TimeExpressionError", "TimeRange", "calculate_interval", "format_moment", "interval_to_ms", "iso_string",
    "js_is_numeric", "js_parse_int", "js_round", "local_zone_name", "parse_time", "parse_url_time",
    "resolve_zone", "round_interval", "seconds_to_hms", "time_range", "week_start_index", "zone_name",
]
