"""Grafana time zone ids ("utc", "browser", IANA names), week starts and a moment-timezone style clock.

The clock follows moment-timezone, whose `updateOffset` keeps the wall time and looks up the new offset at
the instant the old offset gives; `moment_wrapper.ts` setWeekStart sets the locale week (Sunday for `en`).
"""

from __future__ import annotations

import calendar
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import CqlscopeError

UTC_ZONE = "utc"  # Grafana's id for a UTC dashboard
BROWSER_ZONE = "browser"  # Grafana's id for "the viewer's local time zone"
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")

EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = EPOCH.replace(tzinfo=UTC)
MS = timedelta(milliseconds=1)



class TimeExpressionError(CqlscopeError, ValueError):
    """A time expression, time zone or interval that Grafana would not accept."""

    title = "Invalid time expression"



# -- time zones ---------------------------------------------------------------------------------


def local_zone_name() -> str:
    """This machine's IANA zone name (what a browser here reports), or "UTC" when it cannot be told: TZ first,
    then tzlocal, which reads /etc/localtime on Linux, the system settings on macOS and the registry on Windows
    (mapping Windows zone names to IANA ones, as browsers do)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name and _zone_exists(name):
        return name
    try:
        import warnings

        from tzlocal import get_localzone_name

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tzlocal warns about a TZ it cannot use; ours was checked above
            name = get_localzone_name() or ""
    except Exception:  # no zone configured, or a configuration tzlocal cannot read
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
class Clock:
    """An instant seen as moment-timezone holds it: naive wall time plus the offset in force."""

    wall: datetime
    offset: timedelta
    zone: tzinfo

    @classmethod
    def at(cls, ms: int, zone: tzinfo) -> Clock:
        aware = (_EPOCH_UTC + timedelta(milliseconds=ms)).astimezone(zone)
        return cls(aware.replace(tzinfo=None), aware.utcoffset() or timedelta(0), zone)

    @property
    def ms(self) -> int:
        return (self.wall - self.offset - EPOCH) // MS

    def keep_wall(self, wall: datetime) -> Clock:
        """moment-timezone updateOffset(keepTime): the new offset is the one in force at wall - old offset."""
        guess = (wall - self.offset).replace(tzinfo=UTC).astimezone(self.zone)
        return Clock(wall, guess.utcoffset() or timedelta(0), self.zone)

    def add(self, amount: int, unit: str) -> Clock:
        """moment `add`: h/m/s move the instant, d/w/M/Q/y move the wall calendar."""
        if unit in ("h", "m", "s"):
            seconds = amount * {"h": 3600, "m": 60, "s": 1}[unit]
            return Clock.at(self.ms + seconds * 1000, self.zone)
        if unit in ("d", "w"):
            return self.keep_wall(self.wall + timedelta(days=amount * (7 if unit == "w" else 1)))
        months = amount * {"M": 1, "Q": 3, "y": 12}[unit]
        return self.keep_wall(_add_months(self.wall, months))

    def start_of(self, unit: str, week_start: int) -> Clock:
        return self.keep_wall(_start_of(self.wall, unit, week_start))

    def end_of(self, unit: str, week_start: int) -> Clock:
        """moment `endOf`: one millisecond before the start of the next unit, in wall time."""
        start = _start_of(self.wall, unit, week_start)
        if unit in ("h", "m", "s"):
            following = start + timedelta(seconds={"h": 3600, "m": 60, "s": 1}[unit])
        elif unit in ("d", "w"):
            following = start + timedelta(days=7 if unit == "w" else 1)
        else:
            following = _add_months(start, {"M": 1, "Q": 3, "y": 12}[unit])
        return self.keep_wall(following - MS)

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


