"""Grafana time handling: time expressions (`now-6h`, `now/d`, ISO, epoch ms), `$__interval` and moment.js formats.

Ported from Grafana's sources so that results match the browser to the millisecond:
`packages/grafana-data/src/datetime/datemath.ts` (parse, parseDateMath, roundToFiscal),
`rangeutil.ts` (calculateInterval, roundInterval, secondsToHms, describeInterval),
`moment_wrapper.ts` (setWeekStart: the moment locale week, Sunday for the default `en` locale),
grafana/scenes `utils/evaluateTimeRange.ts` (`to` always rounds up) and `querying/SceneQueryRunner.ts`
(500 data points when the panel width is unknown). Calendar arithmetic follows moment-timezone, whose
`updateOffset` keeps the wall time and looks up the new offset at the instant the old offset gives.
"""

from __future__ import annotations

import calendar
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import CqlscopeError

UTC_ZONE = "utc"  # Grafana's id for a UTC dashboard
BROWSER_ZONE = "browser"  # Grafana's id for "the viewer's local time zone"
DEFAULT_MAX_DATA_POINTS = 500  # SceneQueryRunner.getMaxDataPoints without a panel width
FULL_DATE_FORMAT = "YYYY-MM-DD HH:mm:ss"  # grafana-data formats.ts DEFAULT_SYSTEM_DATE_FORMAT
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")

_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_DATE_MATH_UNITS = frozenset("yMwdhmsQ")  # datemath.ts `units`
# JavaScript's \s (WhiteSpace and LineTerminator), which datemath strips; Python's \s differs.
_JS_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")
_EPOCH_MS = re.compile(r"-?\d+", re.ASCII)


class TimeExpressionError(CqlscopeError, ValueError):
    """A time expression, time zone or interval that Grafana would not accept."""

    title = "Invalid time expression"


# -- time zones ---------------------------------------------------------------------------------


def local_zone_name() -> str:
    """This machine's IANA zone name (what a browser here reports), or "UTC" when it cannot be told."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name and _zone_exists(name):
        return name
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        name = target.split("zoneinfo/", 1)[1]
        if _zone_exists(name):
            return name
    try:
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
    except OSError:
        name = ""
    return name if name and _zone_exists(name) else "UTC"


def zone_name(timezone: str, browser_timezone: str | None = None) -> str:
    """The zone Grafana puts in `$__timezone`: "utc" stays "utc", "browser" (or "") becomes the browser's zone."""
    if timezone in ("", BROWSER_ZONE):
        return browser_timezone or local_zone_name()
    return timezone


def resolve_zone(timezone: str, browser_timezone: str | None = None) -> tzinfo:
    """The tzinfo for a Grafana time zone id ("utc", "browser", "" or an IANA name)."""
    name = zone_name(timezone, browser_timezone)
    if name.lower() == UTC_ZONE:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeExpressionError(f"unknown time zone '{name}'") from None


def _zone_exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def week_start_index(week_start: str | None) -> int:
    """Day index (0 = Sunday) that starts a week; Grafana's default `en` moment locale starts on Sunday."""
    if week_start is None or week_start.lower() in ("", BROWSER_ZONE):
        return 0
    try:
        return WEEKDAYS.index(week_start.lower())
    except ValueError:
        raise TimeExpressionError(f"unknown week start '{week_start}' (use a weekday name)") from None


# -- a moment-timezone style clock ----------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    """An instant seen as moment-timezone holds it: naive wall time plus the offset in force."""

    wall: datetime
    offset: timedelta
    zone: tzinfo

    @classmethod
    def at(cls, ms: int, zone: tzinfo) -> _Clock:
        aware = (_EPOCH_UTC + timedelta(milliseconds=ms)).astimezone(zone)
        return cls(aware.replace(tzinfo=None), aware.utcoffset() or timedelta(0), zone)

    @property
    def ms(self) -> int:
        return (self.wall - self.offset - _EPOCH) // _MS

    def keep_wall(self, wall: datetime) -> _Clock:
        """moment-timezone updateOffset(keepTime): the new offset is the one in force at wall - old offset."""
        guess = (wall - self.offset).replace(tzinfo=UTC).astimezone(self.zone)
        return _Clock(wall, guess.utcoffset() or timedelta(0), self.zone)

    def add(self, amount: int, unit: str) -> _Clock:
        """moment `add`: h/m/s move the instant, d/w/M/Q/y move the wall calendar."""
        if unit in ("h", "m", "s"):
            seconds = amount * {"h": 3600, "m": 60, "s": 1}[unit]
            return _Clock.at(self.ms + seconds * 1000, self.zone)
        if unit in ("d", "w"):
            return self.keep_wall(self.wall + timedelta(days=amount * (7 if unit == "w" else 1)))
        months = amount * {"M": 1, "Q": 3, "y": 12}[unit]
        return self.keep_wall(_add_months(self.wall, months))

    def start_of(self, unit: str, week_start: int) -> _Clock:
        return self.keep_wall(_start_of(self.wall, unit, week_start))

    def end_of(self, unit: str, week_start: int) -> _Clock:
        """moment `endOf`: one millisecond before the start of the next unit, in wall time."""
        start = _start_of(self.wall, unit, week_start)
        if unit in ("h", "m", "s"):
            following = start + timedelta(seconds={"h": 3600, "m": 60, "s": 1}[unit])
        elif unit in ("d", "w"):
            following = start + timedelta(days=7 if unit == "w" else 1)
        else:
            following = _add_months(start, {"M": 1, "Q": 3, "y": 12}[unit])
        return self.keep_wall(following - _MS)

    def month_index(self) -> int:
        return self.wall.month - 1


def _add_months(wall: datetime, months: int) -> datetime:
    """moment setMonth: the day is clamped to the last day of the target month."""
    index = wall.year * 12 + wall.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise TimeExpressionError("the date leaves the supported years 1 to 9999")
    return wall.replace(year=year, month=month + 1, day=min(wall.day, calendar.monthrange(year, month + 1)[1]))


def _start_of(wall: datetime, unit: str, week_start: int) -> datetime:
    if unit == "s":
        return wall.replace(microsecond=0)
    if unit == "m":
        return wall.replace(second=0, microsecond=0)
    if unit == "h":
        return wall.replace(minute=0, second=0, microsecond=0)
    midnight = wall.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "d":
        return midnight
    if unit == "w":
        weekday = (wall.isoweekday() % 7 - week_start) % 7  # moment `weekday()` in the locale week
        return midnight - timedelta(days=weekday)
    if unit == "M":
        return midnight.replace(day=1)
    if unit == "Q":
        return midnight.replace(day=1, month=(wall.month - 1) // 3 * 3 + 1)
    return midnight.replace(day=1, month=1)  # "y"


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
) -> int:
    """Epoch ms of epoch ms, ISO-8601 (naive: in `timezone`), `now-6h`, `now-1d/d`, `now/fy` or `<ISO>||<math>`.

    Works like Grafana's datemath `parse(text, roundUp, timezone)`: `/unit` goes to the unit's start, or
    to its last millisecond when `round_up` (Grafana rounds `to` up and `from` down).
    """
    if isinstance(text, int):
        return text
    zone = resolve_zone(timezone, browser_timezone)
    if text == "":
        raise TimeExpressionError("empty time expression")
    try:
        return _evaluate(text, round_up, zone, now_ms, week_start_index(week_start), fiscal_year_start_month)
    except OverflowError:
        raise TimeExpressionError(f"'{text}' leaves the supported years 1 to 9999") from None


def _evaluate(text: str, round_up: bool, zone: tzinfo, now_ms: int | None, week_start: int, fiscal_start: int) -> int:
    if text[:3] == "now":  # datemath.ts: text.substring(0, 3) === 'now'
        clock = _Clock.at(_now_ms(now_ms), zone)
        math_text = text[3:]
    else:
        anchor, _, math_text = text.partition("||")
        clock = _Clock.at(_absolute_ms(anchor, zone), zone)
    if math_text:
        result = _apply_date_math(math_text, clock, round_up, week_start, fiscal_start)
        if result is None:
            raise TimeExpressionError(f"'{text}' is not a valid time expression")
        clock = result
    return clock.ms


def _now_ms(now_ms: int | None) -> int:
    if now_ms is not None:
        return now_ms
    return (datetime.now(UTC).replace(tzinfo=None) - _EPOCH) // _MS


def _absolute_ms(text: str, zone: tzinfo) -> int:
    if _EPOCH_MS.fullmatch(text):
        return int(text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise TimeExpressionError(f"'{text}' is neither a relative time, epoch ms nor ISO-8601") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)  # fold=0: moment-timezone's choice in overlaps and gaps
    return (parsed.astimezone(UTC).replace(tzinfo=None) - _EPOCH) // _MS


def _apply_date_math(
    math_text: str, clock: _Clock, round_up: bool, week_start: int, fiscal_start: int
) -> _Clock | None:
    """Port of datemath.ts parseDateMath, quirks included (numbers may not run past index 10)."""
    text = _JS_SPACE.sub("", math_text)
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
                if index > 10:
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


def _round_to_fiscal(start: int, clock: _Clock, unit: str, round_up: bool, week_start: int) -> _Clock:
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
) -> TimeRange:
    """Evaluate a range like scenes' evaluateTimeRange: one `now` for both ends, `to` rounded up."""
    now = _now_ms(now_ms)

    def evaluate(text: str | int, round_up: bool) -> int:
        return parse_time(text, round_up=round_up, timezone=timezone, now_ms=now, week_start=week_start,
                          fiscal_year_start_month=fiscal_year_start_month, browser_timezone=browser_timezone)

    to_ms = evaluate(raw_to, True)
    return TimeRange(evaluate(raw_from, False), to_ms, str(raw_from), str(raw_to), timezone)


# -- intervals -----------------------------------------------------------------------------------


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
    if _js_number_truthy(text):
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


# -- JavaScript number helpers --------------------------------------------------------------------

_PARSE_INT = re.compile(r"[+-]?\d+", re.ASCII)
_JS_DECIMAL = re.compile(r"[+-]?(?:Infinity|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)", re.ASCII)
_JS_RADIX = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+", re.ASCII)


def js_parse_int(text: str) -> int | None:
    """JavaScript `parseInt(text, 10)`; None stands for NaN."""
    match = _PARSE_INT.match(_strip_js_space(text, end=False))
    return int(match.group()) if match else None


def js_is_numeric(text: str) -> bool:
    """True when JavaScript `+text` is a number (not NaN); an empty or blank string counts as 0."""
    stripped = _strip_js_space(text)
    return stripped == "" or bool(_JS_DECIMAL.fullmatch(stripped) or _JS_RADIX.fullmatch(stripped))


def js_round(value: float) -> int:
    """JavaScript `Math.round`: halves go up, also for negatives."""
    return math.floor(value + 0.5)


def _strip_js_space(text: str, *, end: bool = True) -> str:
    first, last = 0, len(text)
    while first < last and _JS_SPACE.match(text[first]):
        first += 1
    while end and last > first and _JS_SPACE.match(text[last - 1]):
        last -= 1
    return text[first:last]


def _js_number_truthy(text: str) -> bool:
    """`if (Number(str))` in describeInterval: a non-zero number."""
    stripped = _strip_js_space(text)
    if not js_is_numeric(stripped) or stripped == "":
        return False
    if _JS_RADIX.fullmatch(stripped):
        return int(stripped, 0) != 0
    return float(stripped) != 0


# -- moment.js formatting --------------------------------------------------------------------------

# moment.js formattingTokens and localFormattingTokens, verbatim; JavaScript's "." skips line breaks.
_MOMENT_TOKENS = re.compile(
    r"(\[[^\[]*\])|(\\)?([Hh]mm(ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|Qo?|N{1,5}|YYYYYY|"
    r"YYYYY|YYYY|YY|y{2,4}|yo?|gg(ggg?)?|GG(GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|"
    "[^\n\r\u2028\u2029])"
)
_LONG_TOKENS = re.compile(r"(\[[^\[]*\])|(\\)?(LTS|LT|LL?L?L?|l{1,4})")
_LONG_FORMATS = {  # moment's built-in `en` locale
    "LTS": "h:mm:ss A", "LT": "h:mm A", "L": "MM/DD/YYYY", "LL": "MMMM D, YYYY",
    "LLL": "MMMM D, YYYY h:mm A", "LLLL": "dddd, MMMM D, YYYY h:mm A",
    "l": "M/D/YYYY", "ll": "MMM D, YYYY", "lll": "MMM D, YYYY h:mm A", "llll": "ddd, MMM D, YYYY h:mm A",
}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_DEFAULT_FORMAT = "YYYY-MM-DDTHH:mm:ssZ"  # moment.defaultFormat, used for an empty format string
_DEFAULT_FORMAT_UTC = "YYYY-MM-DDTHH:mm:ss[Z]"


def format_moment(
    ms: int,
    fmt: str,
    timezone: str = UTC_ZONE,
    *,
    browser_timezone: str | None = None,
    week_start: str | None = None,
) -> str:
    """`moment(ms).format(fmt)` (moment.js 2.x, `en` locale) in a Grafana time zone.

    "utc" acts like `moment.utc` (`z` is "UTC"), "browser" like a local moment (`z` is empty) and an
    IANA name like moment-timezone.
    """
    mode = "browser" if timezone in ("", BROWSER_ZONE) else ("utc" if timezone.lower() == UTC_ZONE else "tz")
    try:
        clock = _Clock.at(ms, resolve_zone(timezone, browser_timezone))
    except (OverflowError, ValueError, OSError):
        return "Invalid date"
    if not fmt:
        fmt = _DEFAULT_FORMAT_UTC if mode == "utc" else _DEFAULT_FORMAT
    for _ in range(6):  # moment expandFormat: at most six passes
        if not _LONG_TOKENS.search(fmt):
            break
        fmt = _LONG_TOKENS.sub(lambda m: _LONG_FORMATS.get(m.group(0), m.group(0)), fmt)
    view = _MomentView(clock, mode, week_start_index(week_start))
    parts: list[str] = []
    for match in _MOMENT_TOKENS.finditer(fmt):
        token = match.group(0)
        handler = _TOKEN_HANDLERS.get(token)
        if handler is not None:
            parts.append(handler(view))
        elif re.search(r"\[[\s\S]", token):  # moment removeFormattingTokens
            parts.append(re.sub(r"^\[|\]$", "", token))
        else:
            parts.append(token.replace("\\", ""))
    return "".join(parts)


def iso_string(ms: int) -> str:
    """moment `toISOString()`: UTC with milliseconds, e.g. 2020-07-13T20:19:09.254Z."""
    return format_moment(ms, "YYYY-MM-DD[T]HH:mm:ss.SSS[Z]", UTC_ZONE)


def _zero_fill(number: int, width: int, force_sign: bool = False) -> str:
    sign = ("+" if force_sign else "") if number >= 0 else "-"
    return sign + str(abs(number)).rjust(width, "0")


def _ordinal(number: int) -> str:
    last = number % 10
    suffix = "th" if number % 100 // 10 == 1 else {1: "st", 2: "nd", 3: "rd"}.get(last, "th")
    return f"{number}{suffix}"


class _MomentView:
    """The values moment's format tokens read from one instant."""

    def __init__(self, clock: _Clock, mode: str, week_start: int) -> None:
        self.clock = clock
        self.wall = clock.wall
        self.mode = mode
        self.dow = week_start

    # calendar helpers
    @property
    def weekday(self) -> int:
        return self.wall.isoweekday() % 7

    @property
    def day_of_year(self) -> int:
        return self.wall.timetuple().tm_yday

    def week(self, dow: int, doy: int) -> tuple[int, int]:
        """moment weekOfYear: (week, week-year) for a locale week (dow, doy)."""
        year = self.wall.year
        offset = _first_week_offset(year, dow, doy)
        week = (self.day_of_year - offset - 1) // 7 + 1
        if week < 1:
            return week + _weeks_in_year(year - 1, dow, doy), year - 1
        if week > _weeks_in_year(year, dow, doy):
            return week - _weeks_in_year(year, dow, doy), year + 1
        return week, year

    def offset_text(self, separator: str) -> str:
        minutes = int(self.clock.offset.total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        minutes = abs(minutes)
        return f"{sign}{minutes // 60:02d}{separator}{minutes % 60:02d}"

    def zone_abbr(self) -> str:
        if self.mode == "utc":
            return "UTC"
        if self.mode == "browser":
            return ""
        aware = (self.wall - self.clock.offset).replace(tzinfo=UTC).astimezone(self.clock.zone)
        return aware.tzname() or ""


def _first_week_offset(year: int, dow: int, doy: int) -> int:
    first_week_day = 7 + dow - doy
    weekday = datetime(year, 1, 1) + timedelta(days=first_week_day - 1)
    local_weekday = (7 + weekday.isoweekday() % 7 - dow) % 7
    return -local_weekday + first_week_day - 1


def _weeks_in_year(year: int, dow: int, doy: int) -> int:
    days = 366 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 365
    return (days - _first_week_offset(year, dow, doy) + _first_week_offset(year + 1, dow, doy)) // 7


_TokenHandler = Callable[["_MomentView"], str]


def _hour12(view: _MomentView) -> int:
    return view.wall.hour % 12 or 12


def _year_token(view: _MomentView) -> str:
    year = view.wall.year
    return _zero_fill(year, 4) if year <= 9999 else f"+{year}"


def _fraction(digits: int) -> _TokenHandler:
    def render(view: _MomentView) -> str:
        milliseconds = view.wall.microsecond // 1000
        if digits == 1:
            return str(milliseconds // 100)
        if digits == 2:
            return _zero_fill(milliseconds // 10, 2)
        return _zero_fill(milliseconds * 10 ** (digits - 3), digits)

    return render


_TOKEN_HANDLERS: dict[str, _TokenHandler] = {
    "M": lambda v: str(v.wall.month),
    "Mo": lambda v: _ordinal(v.wall.month),
    "MM": lambda v: _zero_fill(v.wall.month, 2),
    "MMM": lambda v: _MONTHS[v.wall.month - 1][:3],
    "MMMM": lambda v: _MONTHS[v.wall.month - 1],
    "Q": lambda v: str((v.wall.month - 1) // 3 + 1),
    "Qo": lambda v: _ordinal((v.wall.month - 1) // 3 + 1),
    "D": lambda v: str(v.wall.day),
    "Do": lambda v: _ordinal(v.wall.day),
    "DD": lambda v: _zero_fill(v.wall.day, 2),
    "DDD": lambda v: str(v.day_of_year),
    "DDDo": lambda v: _ordinal(v.day_of_year),
    "DDDD": lambda v: _zero_fill(v.day_of_year, 3),
    "d": lambda v: str(v.weekday),
    "do": lambda v: _ordinal(v.weekday),
    "dd": lambda v: _DAYS[v.weekday][:2],
    "ddd": lambda v: _DAYS[v.weekday][:3],
    "dddd": lambda v: _DAYS[v.weekday],
    "e": lambda v: str((v.weekday + 7 - v.dow) % 7),
    "E": lambda v: str(v.wall.isoweekday()),
    "w": lambda v: str(v.week(v.dow, 6)[0]),
    "wo": lambda v: _ordinal(v.week(v.dow, 6)[0]),
    "ww": lambda v: _zero_fill(v.week(v.dow, 6)[0], 2),
    "W": lambda v: str(v.week(1, 4)[0]),
    "Wo": lambda v: _ordinal(v.week(1, 4)[0]),
    "WW": lambda v: _zero_fill(v.week(1, 4)[0], 2),
    "gg": lambda v: _zero_fill(v.week(v.dow, 6)[1] % 100, 2),
    "gggg": lambda v: _zero_fill(v.week(v.dow, 6)[1], 4),
    "ggggg": lambda v: _zero_fill(v.week(v.dow, 6)[1], 5),
    "GG": lambda v: _zero_fill(v.week(1, 4)[1] % 100, 2),
    "GGGG": lambda v: _zero_fill(v.week(1, 4)[1], 4),
    "GGGGG": lambda v: _zero_fill(v.week(1, 4)[1], 5),
    "Y": _year_token,
    "YY": lambda v: _zero_fill(v.wall.year % 100, 2),
    "YYYY": lambda v: _zero_fill(v.wall.year, 4),
    "YYYYY": lambda v: _zero_fill(v.wall.year, 5),
    "YYYYYY": lambda v: _zero_fill(v.wall.year, 6, True),
    "y": lambda v: str(v.wall.year),  # era year; every supported date is AD
    "yo": lambda v: _ordinal(v.wall.year),
    "yy": lambda v: _zero_fill(v.wall.year, 2),
    "yyy": lambda v: _zero_fill(v.wall.year, 3),
    "yyyy": lambda v: _zero_fill(v.wall.year, 4),
    "N": lambda v: "AD",
    "NN": lambda v: "AD",
    "NNN": lambda v: "AD",
    "NNNN": lambda v: "Anno Domini",
    "NNNNN": lambda v: "AD",
    "a": lambda v: "pm" if v.wall.hour > 11 else "am",
    "A": lambda v: "PM" if v.wall.hour > 11 else "AM",
    "H": lambda v: str(v.wall.hour),
    "HH": lambda v: _zero_fill(v.wall.hour, 2),
    "h": lambda v: str(_hour12(v)),
    "hh": lambda v: _zero_fill(_hour12(v), 2),
    "k": lambda v: str(v.wall.hour or 24),
    "kk": lambda v: _zero_fill(v.wall.hour or 24, 2),
    "hmm": lambda v: f"{_hour12(v)}{v.wall.minute:02d}",
    "hmmss": lambda v: f"{_hour12(v)}{v.wall.minute:02d}{v.wall.second:02d}",
    "Hmm": lambda v: f"{v.wall.hour}{v.wall.minute:02d}",
    "Hmmss": lambda v: f"{v.wall.hour}{v.wall.minute:02d}{v.wall.second:02d}",
    "m": lambda v: str(v.wall.minute),
    "mm": lambda v: _zero_fill(v.wall.minute, 2),
    "s": lambda v: str(v.wall.second),
    "ss": lambda v: _zero_fill(v.wall.second, 2),
    **{"S" * digits: _fraction(digits) for digits in range(1, 10)},
    "x": lambda v: str(v.clock.ms),
    "X": lambda v: str(v.clock.ms // 1000),
    "z": lambda v: v.zone_abbr(),
    "zz": lambda v: v.zone_abbr(),
    "Z": lambda v: v.offset_text(":"),
    "ZZ": lambda v: v.offset_text(""),
}
