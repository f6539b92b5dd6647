"""A panel's min interval as SceneQueryRunner (@grafana/scenes 9.2.2, `prepareRequests`) applies it: interpolated
with the variables in the panel's scope (a repeat's own value included), then the lowest the computed interval may
be; one that does not parse fails the panel's whole request with @grafana/data rangeutil's own words."""

from __future__ import annotations

from core.grafana.templating import Variable
from core.grafana.timerange import time_range
from core.query.targets import prepare_target

DAY = time_range("1704067200000", "1704153600000", "utc")
INVALID = ('Invalid interval string, has to be either unit-less or end with one of the following units: '
           '"y, M, w, d, h, m, s, ms"')


def test_a_day_over_50_points_and_the_min_interval() -> None:
    model = {"refId": "A", "rawQuery": True, "target": "SELECT $__interval, $__interval_ms FROM t"}
    plain = prepare_target("cassandra", model, None, {}, {}, DAY, 50)
    assert (plain.cql, plain.request.interval_ms) == ("SELECT 30m, 1800000 FROM t", 1_800_000)
    raised = prepare_target("cassandra", model, None, {"iv": Variable("iv", "2h")}, {}, DAY, 50, "$iv")
    assert (raised.cql, raised.request.interval_ms) == ("SELECT 2h, 7200000 FROM t", 7_200_000)
    lower = prepare_target("cassandra", model, None, {}, {}, DAY, 50, "10s")
    assert lower.request.interval_ms == 1_800_000, "a min interval below the computed one changes nothing"


def test_a_repeats_own_value_even_for_the_scylla_plugin() -> None:
    """The scylla front end interpolates its query without the repeat's value, but the runner that computes the
    interval sees it: with both values the min interval would read {1h,2h} and fail."""
    model = {"refId": "A", "queryText": "SELECT 1"}
    both = {"iv": Variable("iv", ("1h", "2h"))}
    scoped = prepare_target("scylla", model, None, both, {"iv": Variable("iv", "2h")}, DAY, 50, "$iv")
    assert (scoped.front_end_error, scoped.request.interval_ms) == ("", 7_200_000)
    unscoped = prepare_target("scylla", model, None, both, {}, DAY, 50, "$iv")
    assert unscoped.front_end_error == INVALID


def test_a_min_interval_that_does_not_parse_fails_the_request() -> None:
    model = {"refId": "A", "rawQuery": True, "target": "SELECT * FROM t"}
    for text in ("2 hours", "$missing", "0"):
        assert prepare_target("cassandra", model, None, {}, {}, DAY, 50, text).front_end_error == INVALID, text
