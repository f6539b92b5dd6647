"""Grafana's datemath (`now-6h`, `now-1d/d`, `now/fy`, ISO, `<ISO>||<math>`) and dashboard time ranges.

Ported from `packages/grafana-data/src/datetime/datemath.ts` (toDateTime, parseDateMath, roundToFiscal) and
grafana/scenes `utils/evaluateTimeRange.ts` (one `now`, `to` rounded up) and `utils/parseUrlParam.ts`
(how a `from`/`to` given in a URL, as on cqlscope's command line, is read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from core.grafana.js_numbers import JS_SPACE, js_parse_int
from core.grafana.timezones import (
    BROWSER_ZONE,
    EPOCH,
    MS,
    UTC_ZONE,
    Clock,
    TimeExpressionError,
    resolve_zone,
    week_start_index,
)

_DATE_MATH_UNITS = frozenset("yMwdhmsQ")  # datemath.ts `units`
_MAX_MATH_TOKEN_DIGITS = 5  # datemath.ts
_EPOCH_MS = re.compile(r"-?\d+", re.ASCII)


# -- datemath ------------------------------------------------------------------------------------


def parse_time(
    text: str | int,
    *,
    round_up: bool = False,
    timezone: str = UTC_ZONE,
    now_ms: int | None = None,
    week_start: str | None = None,
    fiscal_year_start_month: int = 0,
    browser_timezone: str | None = None,
    plain_in_dashboard_zone: bool = False,
) -> int:
    """Epoch ms of `now-6h`, `now-1d/d`, `now/fy`, ISO-8601 or `<ISO>||<math>`, like datemath.ts toDateTime.

    `now` is taken in the dashboard `timezone`; an ISO text without a zone is read in the browser's zone
    (moment's local time), as Grafana does. `/unit` goes to the unit's start, or to its last millisecond
    when `round_up`. An int, or a text of digits only, is epoch ms (cqlscope's shortcut).
    `plain_in_dashboard_zone` reads a date without `||` math in the dashboard zone, as the time picker does.
    """
    if isinstance(text, int):
        return text
    if text == "":
        raise TimeExpressionError("empty time expression: give now-6h, an ISO-8601 date or epoch ms")
    zone = resolve_zone(timezone, browser_timezone)
    browser = resolve_zone(BROWSER_ZONE, browser_timezone)
    try:
        if plain_in_dashboard_zone and text[:3] != "now" and "||" not in text:
            return _absolute_ms(text, zone)
        return _evaluate(text, round_up, zone, browser, now_ms, week_start_index(week_start),
                         fiscal_year_start_month)
    except OverflowError:
        raise TimeExpressionError(f"'{text}' leaves the supported years 1 to 9999") from None


def _evaluate(text: str, round_up: bool, zone: tzinfo, browser: tzinfo, now_ms: int | None, week_start: int,
              fiscal_start: int) -> int:
    if text[:3] == "now":  # datemath.ts: text.substring(0, 3) === 'now'
        clock = Clock.at(_now_ms(now_ms), zone)
        math_text = text[3:]
    else:  # dateTime(parseString, ISO_8601): a local (browser) moment
        anchor, _, math_text = text.partition("||")
        clock = Clock.at(_absolute_ms(anchor, browser), browser)
    if math_text:
        result = _apply_date_math(math_text, clock, round_up, week_start, fiscal_start)
        if result is None:
            raise TimeExpressionError(
                f"'{text}' is not a valid time expression: use now, now-6h, now-1d/d or <ISO date>||+1d style math")
        clock = result
    return clock.ms


def _now_ms(now_ms: int | None) -> int:
    if now_ms is not None:
        return now_ms
    return (datetime.now(UTC).replace(tzinfo=None) - EPOCH) // MS


def _absolute_ms(text: str, zone: tzinfo) -> int:
    if _EPOCH_MS.fullmatch(text):
        return int(text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise TimeExpressionError(
            f"'{text}' is neither a relative time (now-6h), epoch ms nor an ISO-8601 date") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)  # fold=0: the JavaScript Date choice in overlaps and gaps
    return (parsed.astimezone(UTC).replace(tzinfo=None) - EPOCH) // MS


def _apply_date_math(
    math_text: str, clock: Clock, round_up: bool, week_start: int, fiscal_start: int
) -> Clock | None:
    """Port of datemath.ts parseDateMath, quirks included (at most five digits in a number)."""
    text = JS_SPACE.sub("", math_text)
    length = len(text)
    index = 0
    while index < length:
        operator = text[index]
        index += 1
        if operator not in "/+-":
            return None
        if not _digit_at(text, index):
            amount = 1
        elif length == 2:
            amount = int(text[index])  # Grafana does not advance here, so the unit check fails next
        else:
            first = index
            while _digit_at(text, index):
                index += 1
                if index - first > _MAX_MATH_TOKEN_DIGITS:
                    return None
            amount = int(text[first:index])
        if operator == "/" and amount != 1:
            return None  # rounding is only allowed on whole, single units
        unit = text[index] if index < length else ""
        index += 1
        fiscal = unit == "f"
        if fiscal:
            unit = text[index] if index < length else ""
            index += 1
        if unit not in _DATE_MATH_UNITS:
            return None
        if operator == "/":
            if fiscal:
                clock = _round_to_fiscal(fiscal_start, clock, unit, round_up, week_start)
            elif round_up:
                clock = clock.end_of(unit, week_start)
            else:
                clock = clock.start_of(unit, week_start)
        else:
            clock = clock.add(amount if operator == "+" else -amount, unit)
    return clock


def _digit_at(text: str, index: int) -> bool:
    return index < len(text) and text[index] in "0123456789"


def _round_to_fiscal(start: int, clock: Clock, unit: str, round_up: bool, week_start: int) -> Clock:
    """datemath.ts roundToFiscal; units other than y and Q leave the time as it is."""
    if unit not in ("y", "Q"):
        return clock
    if round_up:
        begin = _round_to_fiscal(start, clock, unit, False, week_start)
        return begin.add(11 if unit == "y" else 2, "M").end_of("M", week_start)
    back = (clock.month_index() - start + 12) % (12 if unit == "y" else 3)
    return clock.add(-back, "M").start_of("M", week_start)


# -- time ranges ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeRange:
    """A dashboard time range: both ends in epoch ms, the texts they came from and the dashboard time zone."""

    from_ms: int
    to_ms: int
    raw_from: str
    raw_to: str
    timezone: str = UTC_ZONE
    week_start: str | None = None
    fiscal_year_start_month: int = 0

    @property
    def range_ms(self) -> int:
        return self.to_ms - self.from_ms


def time_range(
    raw_from: str | int,
    raw_to: str | int,
    timezone: str = UTC_ZONE,
    *,
    now_ms: int | None = None,
    week_start: str | None = None,
    fiscal_year_start_month: int = 0,
    browser_timezone: str | None = None,
    source: str = "picker",
) -> TimeRange:
    """Evaluate a dashboard time range like scenes' evaluateTimeRange: one `now`, `to` rounded up.

    `source` says where the texts come from, as Grafana reads each differently: "picker" (typed into the
    time picker: a plain date is in the dashboard zone, TimeRangeContent's dateTimeParse), "url" (the
    `from`/`to` URL parameters, read like scenes' parseUrlParam: `20230523` is a UTC date, digits are epoch
    ms) or "dashboard" (the saved dashboard JSON: a plain date is in the browser's zone, datemath.ts).
    An end Grafana would ignore raises TimeExpressionError.
    """
    now = _now_ms(now_ms)

    if source not in ("picker", "url", "dashboard"):
        raise ValueError(f"unknown time range source {source!r}")
    picker = source == "picker"

    def evaluate(text: str, round_up: bool) -> int:
        return parse_time(text, round_up=round_up, timezone=timezone, now_ms=now, week_start=week_start,
                          fiscal_year_start_month=fiscal_year_start_month, browser_timezone=browser_timezone,
                          plain_in_dashboard_zone=picker)

    if source == "url":
        from_text, to_text = parse_url_time(raw_from), parse_url_time(raw_to)
    else:
        from_text, to_text = str(raw_from), str(raw_to)
    to_ms = evaluate(to_text, True)
    return TimeRange(evaluate(from_text, False), to_ms, from_text, to_text, timezone, week_start,
                     fiscal_year_start_month)


_INTERVAL_STRING = re.compile(r"\d+[yYmMsSwWhHdD]", re.ASCII)
_URL_DATE_FORMATS = {8: "%Y%m%d", 15: "%Y%m%dT%H%M%S"}


def parse_url_time(raw: str | int) -> str:
    """scenes parseUrlParam: the time text Grafana keeps for a URL `from`/`to` value."""
    if isinstance(raw, int):
        return _utc_iso(raw)
    if "now" in raw or _INTERVAL_STRING.fullmatch(raw):
        return raw
    parsed: datetime | None = None
    if len(raw) in _URL_DATE_FORMATS:
        parsed = _strptime(raw, _URL_DATE_FORMATS[len(raw)])
    elif len(raw) == 19:  # "YYYY-MM-DD HH:mm:ss" in UTC; moment's loose parsing takes any separator
        parsed = _strptime(raw[:10] + " " + raw[11:], "%Y-%m-%d %H:%M:%S")
    elif len(raw) == 24:  # toUtc(value).toISOString()
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise TimeExpressionError(f"'{raw}' is not a valid ISO-8601 time") from None
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    if parsed is not None:
        return _utc_iso((parsed - EPOCH) // MS)
    epoch = js_parse_int(raw)
    if epoch is None:
        raise TimeExpressionError(
            f"'{raw}' is not a time Grafana reads: give now-6h, now/d, an ISO-8601 date, YYYYMMDD or epoch ms")
    return _utc_iso(epoch)


def _strptime(text: str, fmt: str) -> datetime | None:
    try:
        return datetime.strptime(text, fmt)
    except ValueError:
        return None


def _utc_iso(ms: int) -> str:
    try:
        moment = EPOCH + ms * MS
    except OverflowError:
        raise TimeExpressionError(f"epoch ms {ms} leaves the supported years 1 to 9999") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
