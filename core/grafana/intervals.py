"""`$__interval` as Grafana computes it: rangeutil.ts calculateInterval, roundInterval, secondsToHms, intervalToMs."""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from core.grafana.js_numbers import js_number_truthy, js_parse_int
from core.grafana.timezones import TimeExpressionError

DEFAULT_MAX_DATA_POINTS = 500  # SceneQueryRunner.getMaxDataPoints without a panel width


class Interval(NamedTuple):
    """`$__interval` and `$__interval_ms` of one query request."""

    text: str
    ms: int


# rangeutil.ts roundInterval: (upper bound exclusive, nice step) in ms.
_NICE_STEPS = (
    (10, 1), (15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1500, 1000),
    (3500, 2000), (7500, 5000), (12500, 10000), (17500, 15000), (25000, 20000), (45000, 30000),
    (90000, 60000), (210000, 120000), (450000, 300000), (750000, 600000), (1050000, 900000),
    (1500000, 1200000), (2700000, 1800000), (5400000, 3600000), (9000000, 7200000),
    (16200000, 10800000), (32400000, 21600000), (86400000, 43200000), (604800000, 86400000),
    (1814400000, 604800000), (3628800000, 2592000000),
)
_ONE_YEAR_MS = 31536000000
_INTERVAL_SECONDS = {"y": 31536000, "M": 2592000, "w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
_INTERVAL_RE = re.compile(r"^(-?\d+(?:\.\d+)?)(ms|[Mwdhmsy])", re.ASCII)


def round_interval(interval_ms: float) -> int:
    """rangeutil.ts roundInterval: the "nice" step Grafana picks for a raw interval."""
    for bound, step in _NICE_STEPS:
        if interval_ms < bound:
            return step
    return _ONE_YEAR_MS


def seconds_to_hms(seconds: float) -> str:
    """rangeutil.ts secondsToHms: the largest whole unit only ("1y", "7d", "30s", "20ms")."""
    in_year = math.fmod(seconds, 31536000)
    in_day = math.fmod(in_year, 86400)
    in_hour = math.fmod(in_day, 3600)
    for count, suffix in (
        (math.floor(seconds / 31536000), "y"),
        (math.floor(in_year / 86400), "d"),
        (math.floor(in_day / 3600), "h"),
        (math.floor(in_hour / 60), "m"),
        (math.floor(math.fmod(in_hour, 60)), "s"),
        (math.floor(seconds * 1000.0), "ms"),
    ):
        if count:
            return f"{count}{suffix}"
    return "less than a millisecond"


def interval_to_ms(text: str) -> int:
    """rangeutil.ts intervalToMs: "10s" → 10000; a bare number means seconds; counts are cut like parseInt."""
    if js_number_truthy(text):
        return 1000 * (js_parse_int(text) or 0)
    match = _INTERVAL_RE.match(text)
    if not match:
        raise TimeExpressionError(
            f"invalid interval '{text}': use a number of seconds or a unit of y, M, w, d, h, m, s, ms"
        )
    count = js_parse_int(match.group(1)) or 0
    return int(_INTERVAL_SECONDS[match.group(2)] * 1000 * count)


def calculate_interval(
    range_ms: float, max_data_points: int = DEFAULT_MAX_DATA_POINTS, min_interval: str | None = None
) -> Interval:
    """rangeutil.ts calculateInterval: range / data points rounded to a nice step, never below `min_interval`.

    `min_interval` is the panel's "Min interval", else the data source's; without either the limit is 1 ms.
    """
    low_limit = interval_to_ms(min_interval) if min_interval else 1
    interval_ms = max(round_interval(range_ms / max_data_points), low_limit)
    return Interval(seconds_to_hms(interval_ms / 1000), interval_ms)


