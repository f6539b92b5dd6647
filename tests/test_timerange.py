"""Time expressions, intervals and moment.js formats, checked against Grafana's own test cases.

Sources: grafana-data `datetime/datemath.test.ts` and `rangeutil.test.ts`, moment.js documentation
examples for `format`. "now" is always injected; the clock is never read.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from core.grafana.timerange import (
    TimeExpressionError,
    calculate_interval,
    format_moment,
    interval_to_ms,
    iso_string,
    parse_time,
    round_interval,
    seconds_to_hms,
    time_range,
    zone_name,
)


def ms(text: str) -> int:
    """Epoch ms of an ISO-8601 text with a zone."""
    return int(datetime.fromisoformat(text).timestamp() * 1000)


ANCHOR = ms("2014-01-01T06:06:06.666+00:00")  # datemath.test.ts anchor
NOW = ms("2020-07-13T20:19:09.254+00:00")  # a Monday; Grafana docs' $__from example


# -- datemath --------------------------------------------------------------------------------------

# datemath.test.ts "subtraction": now-5<unit> equals moment().subtract(5, unit) (here in UTC).
@pytest.mark.parametrize(("expression", "expected"), [
    ("now-5s", "2014-01-01T06:06:01.666Z"),
    ("now-5m", "2014-01-01T06:01:06.666Z"),
    ("now-5h", "2014-01-01T01:06:06.666Z"),
    ("now-5d", "2013-12-27T06:06:06.666Z"),
    ("now-5w", "2013-11-27T06:06:06.666Z"),
    ("now-5M", "2013-08-01T06:06:06.666Z"),
    ("now-5y", "2009-01-01T06:06:06.666Z"),
    ("2014-01-01T06:06:06.666Z||-5d", "2013-12-27T06:06:06.666Z"),  # "5d before <anchor>"
    ("now+1h", "2014-01-01T07:06:06.666Z"),
    ("now", "2014-01-01T06:06:06.666Z"),
])
def test_subtraction_and_addition(expression: str, expected: str) -> None:
    assert iso_string(parse_time(expression, now_ms=ANCHOR)) == expected


# datemath.test.ts "rounding": now/<unit> is startOf(unit), and with roundUp endOf(unit).
@pytest.mark.parametrize(("unit", "start", "end"), [
    ("s", "2014-01-01T06:06:06.000Z", "2014-01-01T06:06:06.999Z"),
    ("m", "2014-01-01T06:06:00.000Z", "2014-01-01T06:06:59.999Z"),
    ("h", "2014-01-01T06:00:00.000Z", "2014-01-01T06:59:59.999Z"),
    ("d", "2014-01-01T00:00:00.000Z", "2014-01-01T23:59:59.999Z"),
    ("w", "2013-12-29T00:00:00.000Z", "2014-01-04T23:59:59.999Z"),  # moment's en locale: Sunday
    ("M", "2014-01-01T00:00:00.000Z", "2014-01-31T23:59:59.999Z"),
    ("Q", "2014-01-01T00:00:00.000Z", "2014-03-31T23:59:59.999Z"),
    ("y", "2014-01-01T00:00:00.000Z", "2014-12-31T23:59:59.999Z"),
])
def test_rounding(unit: str, start: str, end: str) -> None:
    assert iso_string(parse_time(f"now/{unit}", now_ms=ANCHOR)) == start
    assert iso_string(parse_time(f"now/{unit}", round_up=True, now_ms=ANCHOR)) == end


# datemath.test.ts "errors": all return undefined in Grafana.
@pytest.mark.parametrize("expression", [
    "", "now&1d", "now+5f", "now/2y", "now/0.5y", "now-0", "now-00", "nowish", "now-1d-12345678h",
    "2014-02-05T00:00:00Z||2", "yesterday",
])
def test_invalid_expressions(expression: str) -> None:
    with pytest.raises(TimeExpressionError):
        parse_time(expression, now_ms=ANCHOR)


# datemath.test.ts "relative time to date parsing" (anchored instead of dateTime([2014, 1, 5])).
@pytest.mark.parametrize(("expression", "expected"), [
    ("2014-02-05T00:00:00Z||-2d", "2014-02-03T00:00:00.000Z"),
    ("2014-02-05T00:00:00Z||-2d-6h", "2014-02-02T18:00:00.000Z"),
    ("2014-02-05T00:00:00Z|| - 2d", "2014-02-03T00:00:00.000Z"),  # whitespace is stripped
])
def test_anchored_math(expression: str, expected: str) -> None:
    assert iso_string(parse_time(expression)) == expected


FISCAL_NOW = ms("2023-07-05T06:06:06.666+00:00")  # datemath.test.ts "with fiscal quarters"


@pytest.mark.parametrize(("expression", "start_month", "expected"), [
    ("now/fQ", 0, "2023-07-01T00:00:00.000Z"),
    ("now-1Q/fQ", 0, "2023-04-01T00:00:00.000Z"),
    ("now/fQ", 7, "2023-05-01T00:00:00.000Z"),  # fiscal year starting in August
    ("now-1Q/fQ", 7, "2023-02-01T00:00:00.000Z"),
])
def test_fiscal_quarters(expression: str, start_month: int, expected: str) -> None:
    found = parse_time(expression, now_ms=FISCAL_NOW, fiscal_year_start_month=start_month)
    assert iso_string(found) == expected


# datemath.test.ts "Round to fiscal start/end" with fyStartMonth 1 (February).
@pytest.mark.parametrize(("anchor", "expression", "round_up", "expected"), [
    ("2021-04-05", "/fy", False, "2021-02-01T00:00:00.000Z"),
    ("2022-01-02", "/fy", False, "2021-02-01T00:00:00.000Z"),
    ("2020-02-29", "/fy", False, "2020-02-01T00:00:00.000Z"),
    ("2021-06-02", "/fy", True, "2022-01-31T23:59:59.999Z"),
    ("2022-01-01", "/fy", True, "2022-01-31T23:59:59.999Z"),
    ("2020-02-29", "/fy", True, "2021-01-31T23:59:59.999Z"),
    ("2021-07-01", "/fQ", False, "2021-05-01T00:00:00.000Z"),
    ("2022-01-01", "/fQ", False, "2021-11-01T00:00:00.000Z"),
    ("2021-07-01", "/fQ", True, "2021-07-31T23:59:59.999Z"),
    ("2022-01-01", "/fQ", True, "2022-01-31T23:59:59.999Z"),
])
def test_round_to_fiscal(anchor: str, expression: str, round_up: bool, expected: str) -> None:
    found = parse_time(f"{anchor}T00:00:00Z||{expression}", round_up=round_up, fiscal_year_start_month=1)
    assert iso_string(found) == expected


def test_fiscal_rounding_of_other_units_is_ignored() -> None:
    # roundToFiscal returns undefined for units other than y and Q, and parseDateMath moves on.
    assert parse_time("now/fd", now_ms=ANCHOR) == ANCHOR


@pytest.mark.parametrize(("timezone", "expression", "round_up", "expected"), [
    ("Europe/Paris", "now/d", False, "2020-07-12T22:00:00.000Z"),
    ("Europe/Paris", "now/d", True, "2020-07-13T21:59:59.999Z"),
    ("America/New_York", "now-1d/d", False, "2020-07-12T04:00:00.000Z"),
    ("America/New_York", "now-1d/d", True, "2020-07-13T03:59:59.999Z"),
    ("Asia/Kolkata", "now/h", False, "2020-07-13T19:30:00.000Z"),
    ("utc", "now/w", False, "2020-07-12T00:00:00.000Z"),
    ("UTC", "now/M", False, "2020-07-01T00:00:00.000Z"),
])
def test_rounding_in_a_time_zone(timezone: str, expression: str, round_up: bool, expected: str) -> None:
    assert iso_string(parse_time(expression, round_up=round_up, timezone=timezone, now_ms=NOW)) == expected


DST_NOW = ms("2020-03-29T12:00:00+02:00")  # Paris switched to summer time that morning


@pytest.mark.parametrize(("expression", "expected"), [
    ("now-1d", "2020-03-28T11:00:00.000Z"),  # calendar day: same wall time (12:00 CET)
    ("now-24h", "2020-03-28T10:00:00.000Z"),  # absolute hours
    ("now/d", "2020-03-28T23:00:00.000Z"),  # midnight was still CET
    ("now-1M", "2020-02-29T11:00:00.000Z"),  # month arithmetic clamps to the last day
])
def test_calendar_units_keep_the_wall_time_across_dst(expression: str, expected: str) -> None:
    assert iso_string(parse_time(expression, timezone="Europe/Paris", now_ms=DST_NOW)) == expected


@pytest.mark.parametrize(("week_start", "expected"), [
    (None, "2020-07-12T00:00:00.000Z"),
    ("sunday", "2020-07-12T00:00:00.000Z"),
    ("monday", "2020-07-13T00:00:00.000Z"),
    ("Saturday", "2020-07-11T00:00:00.000Z"),
])
def test_week_start(week_start: str | None, expected: str) -> None:
    assert iso_string(parse_time("now/w", now_ms=NOW, week_start=week_start)) == expected


@pytest.mark.parametrize(("text", "browser", "expected"), [
    ("1594671549254", "UTC", "2020-07-13T20:19:09.254Z"),
    ("2020-07-13T20:19:09.254Z", "Europe/Paris", "2020-07-13T20:19:09.254Z"),
    ("2020-07-13T22:19:09+02:00", "UTC", "2020-07-13T20:19:09.000Z"),
    ("2020-07-13 22:19:09", "Europe/Paris", "2020-07-13T20:19:09.000Z"),  # naive: the browser's zone
    ("2020-07-13", "America/New_York", "2020-07-13T04:00:00.000Z"),
])
def test_absolute_times(text: str, browser: str, expected: str) -> None:
    # datemath.ts toDateTime reads an absolute time with dateTime(text, ISO_8601): moment's local time,
    # whatever the dashboard zone (an earlier version of this test used the dashboard zone).
    for dashboard_zone in ("utc", "Asia/Tokyo"):
        assert iso_string(parse_time(text, timezone=dashboard_zone, browser_timezone=browser)) == expected


@pytest.mark.parametrize("expression", ["now+9000y", "now-3000y", "99999999999999999", "now+99999999d"])
def test_dates_beyond_python_years_are_errors(expression: str) -> None:
    with pytest.raises(TimeExpressionError):
        parse_time(expression, now_ms=NOW)


def test_epoch_ms_as_int() -> None:
    assert parse_time(1594671549254) == 1594671549254


def test_unknown_zone_and_week_start_are_errors() -> None:
    with pytest.raises(TimeExpressionError, match="Mars/Olympus"):
        parse_time("now", timezone="Mars/Olympus", now_ms=NOW)
    with pytest.raises(TimeExpressionError, match="someday"):
        parse_time("now/w", week_start="someday", now_ms=NOW)


def test_time_range_rounds_to_up_and_shares_now() -> None:
    found = time_range("now-1d/d", "now-1d/d", "utc", now_ms=NOW)  # Grafana's "Yesterday"
    assert iso_string(found.from_ms) == "2020-07-12T00:00:00.000Z"
    assert iso_string(found.to_ms) == "2020-07-12T23:59:59.999Z"
    assert (found.raw_from, found.raw_to, found.timezone) == ("now-1d/d", "now-1d/d", "utc")
    last_6h = time_range("now-6h", "now", now_ms=NOW)
    assert last_6h.range_ms == 6 * 3600 * 1000


def test_zone_name_resolves_browser() -> None:
    assert zone_name("utc") == "utc"
    assert zone_name("browser", "Asia/Tokyo") == "Asia/Tokyo"
    assert zone_name("", "Asia/Tokyo") == "Asia/Tokyo"


# -- intervals -------------------------------------------------------------------------------------

# rangeutil.test.ts "roundInterval"
@pytest.mark.parametrize(("raw", "nice"), [
    (9, 1), (14, 10), (34, 20), (74, 50), (149, 100), (349, 200), (749, 500), (1499, 1000), (3499, 2000),
    (7499, 5000), (12499, 10000), (17499, 15000), (24999, 20000), (44999, 30000), (89999, 60000),
    (209999, 120000), (449999, 300000), (749999, 600000), (1049999, 900000), (1499999, 1200000),
    (2699999, 1800000), (5399999, 3600000), (8999999, 7200000), (16199999, 10800000), (32399999, 21600000),
    (86399999, 43200000), (604799999, 86400000), (1814399999, 604800000), (3628799999, 2592000000),
    (3628800000, 31536000000),
])
def test_round_interval(raw: int, nice: int) -> None:
    assert round_interval(raw) == nice


# rangeutil.test.ts "describe_interval" (through intervalToMs)
@pytest.mark.parametrize(("text", "expected"), [
    ("123", 123000), ("123h", 123 * 3600 * 1000), ("-50ms", -50), ("10s", 10000), ("1.5h", 3600000),
])
def test_interval_to_ms(text: str, expected: int) -> None:
    assert interval_to_ms(text) == expected


@pytest.mark.parametrize("text", ["123xyz", "xyz", "0", ""])
def test_invalid_intervals(text: str) -> None:
    with pytest.raises(TimeExpressionError):
        interval_to_ms(text)


@pytest.mark.parametrize(("seconds", "text"), [
    (31536000, "1y"), (604800, "7d"), (7200, "2h"), (300, "5m"), (30, "30s"), (0.02, "20ms"), (0.001, "1ms"),
    (0, "less than a millisecond"),
])
def test_seconds_to_hms(seconds: float, text: str) -> None:
    assert seconds_to_hms(seconds) == text


@pytest.mark.parametrize(("range_ms", "points", "min_interval", "expected"), [
    (6 * 3600 * 1000, 1000, None, ("20s", 20000)),
    (3600 * 1000, 500, None, ("5s", 5000)),  # 500: SceneQueryRunner's default without a panel width
    (7 * 86400 * 1000, 500, None, ("20m", 1200000)),
    (10_000, 1000, None, ("10ms", 10)),
    (1000, 1000, None, ("1ms", 1)),
    (3600 * 1000, 500, "1m", ("1m", 60000)),  # the data source / panel minimum wins
    (30 * 86400 * 1000, 100, "1m", ("6h", 21600000)),
])
def test_calculate_interval(range_ms: int, points: int, min_interval: str | None, expected: tuple[str, int]) -> None:
    assert calculate_interval(range_ms, points, min_interval) == expected


def test_calculate_interval_defaults_to_500_points() -> None:
    assert calculate_interval(3600 * 1000) == ("5s", 5000)


# -- moment.js formats -------------------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "expected"), [
    ("YYYY-MM", "2020-07"),  # Grafana docs and formatRegistry.test.ts
    ("YYYY YY Y M MM MMM MMMM Mo", "2020 20 2020 7 07 Jul July 7th"),
    ("D DD Do DDD DDDD DDDo", "13 13 13th 195 195 195th"),
    ("d do dd ddd dddd e E", "1 1st Mo Mon Monday 1 1"),
    ("H HH h hh k kk a A", "20 20 8 08 20 20 pm PM"),
    ("m mm s ss S SS SSS SSSS", "19 19 9 09 2 25 254 2540"),
    ("w ww wo W WW Wo gggg GGGG Q Qo", "29 29 29th 29 29 29th 2020 2020 3 3rd"),
    ("X x", "1594671549 1594671549254"),
    ("Z ZZ z", "+00:00 +0000 UTC"),
    ("hmm hmmss Hmm Hmmss", "819 81909 2019 201909"),
    ("N NNNN y", "AD Anno Domini 2020"),
    ("[Today is] dddd", "Today is Monday"),
    ("YYYY [escaped] YYYY", "2020 escaped 2020"),
    ("\\YYYY-MM", "YYYY-07"),
    ("[unclosed", "[unc7/13/2020o911"),  # no closing bracket: moment formats "l", "s", "e", "d"
    ("YYYY\nMM", "202007"),  # moment's token regex skips line breaks, so they vanish
    ("L LL", "07/13/2020 July 13, 2020"),
    ("LLL", "July 13, 2020 8:19 PM"),
    ("LLLL", "Monday, July 13, 2020 8:19 PM"),
    ("LT LTS", "8:19 PM 8:19:09 PM"),
    ("l ll lll llll", "7/13/2020 Jul 13, 2020 Jul 13, 2020 8:19 PM Mon, Jul 13, 2020 8:19 PM"),
    ("", "2020-07-13T20:19:09Z"),  # moment.defaultFormatUtc
])
def test_moment_tokens_in_utc(fmt: str, expected: str) -> None:
    assert format_moment(NOW, fmt, "utc") == expected


def test_moment_documentation_examples() -> None:
    # https://momentjs.com/docs/#/displaying/format/
    sunday = ms("2010-02-14T15:25:50+00:00")
    assert format_moment(sunday, "dddd, MMMM Do YYYY, h:mm:ss a") == "Sunday, February 14th 2010, 3:25:50 pm"
    assert format_moment(sunday, "ddd, hA") == "Sun, 3PM"
    assert format_moment(sunday, "[Today is] dddd") == "Today is Sunday"


@pytest.mark.parametrize(("timezone", "fmt", "expected"), [
    ("Europe/Paris", "YYYY-MM-DD HH:mm:ss Z ZZ z", "2020-07-13 22:19:09 +02:00 +0200 CEST"),
    ("America/New_York", "YYYY-MM-DD HH:mm z", "2020-07-13 16:19 EDT"),
    ("Asia/Kolkata", "HH:mm Z", "01:49 +05:30"),
])
def test_moment_in_named_zones(timezone: str, fmt: str, expected: str) -> None:
    assert format_moment(NOW, fmt, timezone) == expected


def test_moment_in_browser_time_has_no_zone_abbreviation() -> None:
    assert format_moment(NOW, "HH:mm z|Z", "browser", browser_timezone="Europe/Paris") == "22:19 |+02:00"
    assert format_moment(NOW, "", "browser", browser_timezone="Asia/Kolkata") == "2020-07-14T01:49:09+05:30"


def test_moment_locale_week_follows_week_start() -> None:
    sunday = ms("2020-07-12T12:00:00+00:00")
    assert format_moment(sunday, "w e", "utc") == "29 0"
    assert format_moment(sunday, "w e", "utc", week_start="monday") == "28 6"


def test_iso_string() -> None:
    assert iso_string(1594671549254) == "2020-07-13T20:19:09.254Z"
    assert iso_string(0) == "1970-01-01T00:00:00.000Z"
