"""Runs the front-end conformance cases (conformance/vectors/*.json) through cqlscope's port.

Each case holds the inputs and Grafana's output; `run_interpolation` and `run_time` compute cqlscope's
output for the same inputs, so a test or the differential driver can compare the two byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.grafana.globals import GrafanaGlobals
from core.grafana.templating import interpolate, load_variables
from core.grafana.timerange import (
    Interval,
    TimeExpressionError,
    calculate_interval,
    format_moment,
    parse_time,
    time_range,
)

VECTORS = Path(__file__).resolve().parent / "vectors"


def load_cases(name: str, directory: Path = VECTORS) -> list[dict[str, Any]]:
    """The cases of one vector file (`interpolation.json` or `timerange.json`)."""
    document = json.loads((directory / name).read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = document["cases"]
    return cases


def run_interpolation(case: Mapping[str, Any]) -> str:
    """cqlscope's interpolation of one case, with its time range, globals and browser zone."""
    time = case["time"]
    browser = case["browser_timezone"]
    span = time_range(time["from"], time["to"], time["timezone"], now_ms=time["now"],
                      week_start=time["week_start"], fiscal_year_start_month=time["fiscal_year_start_month"],
                      browser_timezone=browser, source="dashboard")
    values = case["globals"]
    grafana_globals = GrafanaGlobals(
        user_login=values["user_login"], user_email=values["user_email"], user_id=values["user_id"],
        org_name=values["org_name"], org_id=values["org_id"],
    )
    interval = Interval(*case["interval"]) if case["interval"] else None
    result = interpolate(case["text"], load_variables(case["variables"]), time_range=span,
                         default_format=case["format"], interval=interval, browser_timezone=browser,
                         grafana_globals=grafana_globals)
    return result.text


def run_time(case: Mapping[str, Any]) -> Any:
    """cqlscope's answer to one time case, in the shape of the vector's `expected` (None: Grafana rejects it)."""
    browser = case["browser_timezone"]
    options: dict[str, Any] = {"week_start": case["week_start"], "browser_timezone": browser,
                               "fiscal_year_start_month": case["fiscal_year_start_month"]}
    kind = case["kind"]
    try:
        if kind == "parse":
            return parse_time(case["text"], round_up=case["round_up"], timezone=case["timezone"],
                              now_ms=case["now"], **options)
        if kind == "range":
            span = time_range(case["from"], case["to"], case["timezone"], now_ms=case["now"], source="url",
                              **options)
            return [span.from_ms, span.to_ms]
    except TimeExpressionError:
        return None
    if kind == "interval":
        interval = calculate_interval(case["range_ms"], case["max_data_points"], case["min_interval"])
        return [interval.text, interval.ms]
    if kind == "format":
        return format_moment(case["ms"], case["format"], case["timezone"], browser_timezone=browser,
                             week_start=case["week_start"])
    raise ValueError(f"unknown time case kind {kind!r}")


def mismatches(name: str, cases: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    """The cases where cqlscope's output differs from Grafana's, each with cqlscope's output."""
    runner = run_interpolation if name == "interpolation.json" else run_time
    failed: list[tuple[dict[str, Any], Any]] = []
    for case in cases:
        try:
            actual: Any = runner(case)
        except Exception as error:
            actual = f"<{type(error).__name__}: {error}>"
        if actual != case["expected"]:
            failed.append((case, actual))
    return failed
