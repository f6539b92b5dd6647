"""A timestamp's text against JavaScript's own `Date.toISOString` (conformance/vectors/iso_time.json, made by
conformance/js/isotime.js): years 0 to 9999 as four digits, any other as a signed six-digit year."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from core.cql.column_text import timestamp_texts
from core.cql.values import iso_utc

CASES = json.loads((Path(__file__).resolve().parents[2] / "conformance" / "vectors" / "iso_time.json")
                   .read_text())["cases"]


def test_the_vectors_reach_beyond_python_years() -> None:
    years = {case["expected"][0] for case in CASES}
    assert len(CASES) >= 400 and {"+", "-"} <= years


def test_each_instant_is_written_as_javascript_writes_it() -> None:
    wrong = [(case["ms"], iso_utc(case["ms"]), case["expected"]) for case in CASES
             if iso_utc(case["ms"]) != case["expected"]]
    assert not wrong, wrong[:5]


def test_a_whole_column_is_written_the_same_way() -> None:
    millis = [case["ms"] for case in CASES]
    assert timestamp_texts(millis) == [case["expected"] for case in CASES]
    assert timestamp_texts([None, *millis[:3]]) == [None, *(case["expected"] for case in CASES[:3])]


def test_beyond_the_javascript_range_the_same_rule_holds() -> None:
    """JavaScript's Date stops at 8.64e15 ms; Cassandra holds any int64. NumPy's calendar (another
    implementation) gives the same fields there."""
    for ms in (2**63 - 1, -(2**63) + 1, 9_000_000_000_000_000, -9_000_000_000_000_000):
        numpy_text = str(np.datetime64(ms, "ms"))  # e.g. '292278994-08-17T07:12:55.807'
        year, rest = numpy_text[:-19], numpy_text[-19:]
        assert iso_utc(ms) == f"{int(year):+07d}{rest}Z"
    assert iso_utc(-(2**63)) == "-292275055-05-16T16:47:04.192Z"
