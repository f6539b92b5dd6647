"""moment.js 2.x `format()` (the `en` locale) in a Grafana time zone, as the date format and `__from` text use it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from core.grafana.timezones import BROWSER_ZONE, UTC_ZONE, WEEKDAYS, Clock, resolve_zone, week_start_index

FULL_DATE_FORMAT = "YYYY-MM-DD HH:mm:ss"  # grafana-data formats.ts DEFAULT_SYSTEM_DATE_FORMAT

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
        clock = Clock.at(ms, resolve_zone(timezone, browser_timezone))
    except (OverflowError, ValueError, OSError):
        return "Invalid date"
    if not fmt:
        fmt = _DEFAULT_FORMAT_UTC if mode == "utc" else _DEFAULT_FORMAT
    for _ in range(6):  # moment expandFormat: at most six passes
        if not _LONG_TOKENS.search(fmt):
            break
        fmt = _LONG_TOKENS.sub(lambda m: _LONG_FORMATS.get(m.group(0), m.group(0)), fmt)
    # setWeekStart switches moment to an "en-weekStart" locale made by updateLocale, which starts from
    # moment's base config, not from `en`: its ordinals are plain numbers ("1", not "1st").
    plain_ordinals = week_start is not None and week_start.lower() in WEEKDAYS
    view = _MomentView(clock, mode, week_start_index(week_start), plain_ordinals)
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

    def __init__(self, clock: Clock, mode: str, week_start: int, plain_ordinals: bool = False) -> None:
        self.plain_ordinals = plain_ordinals
        self.clock = clock
        self.wall = clock.wall
        self.mode = mode
        self.dow = week_start

    def ordinal(self, number: int) -> str:
        return str(number) if self.plain_ordinals else _ordinal(number)

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
    "Mo": lambda v: v.ordinal(v.wall.month),
    "MM": lambda v: _zero_fill(v.wall.month, 2),
    "MMM": lambda v: _MONTHS[v.wall.month - 1][:3],
    "MMMM": lambda v: _MONTHS[v.wall.month - 1],
    "Q": lambda v: str((v.wall.month - 1) // 3 + 1),
    "Qo": lambda v: v.ordinal((v.wall.month - 1) // 3 + 1),
    "D": lambda v: str(v.wall.day),
    "Do": lambda v: v.ordinal(v.wall.day),
    "DD": lambda v: _zero_fill(v.wall.day, 2),
    "DDD": lambda v: str(v.day_of_year),
    "DDDo": lambda v: v.ordinal(v.day_of_year),
    "DDDD": lambda v: _zero_fill(v.day_of_year, 3),
    "d": lambda v: str(v.weekday),
    "do": lambda v: v.ordinal(v.weekday),
    "dd": lambda v: _DAYS[v.weekday][:2],
    "ddd": lambda v: _DAYS[v.weekday][:3],
    "dddd": lambda v: _DAYS[v.weekday],
    "e": lambda v: str((v.weekday + 7 - v.dow) % 7),
    "E": lambda v: str(v.wall.isoweekday()),
    "w": lambda v: str(v.week(v.dow, 6)[0]),
    "wo": lambda v: v.ordinal(v.week(v.dow, 6)[0]),
    "ww": lambda v: _zero_fill(v.week(v.dow, 6)[0], 2),
    "W": lambda v: str(v.week(1, 4)[0]),
    "Wo": lambda v: v.ordinal(v.week(1, 4)[0]),
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
    "yo": lambda v: v.ordinal(v.wall.year),
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

