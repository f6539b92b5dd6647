"""cqlscope's template interpolation and time handling against Grafana's own front-end code.

The vectors in conformance/vectors were produced by conformance/js/generate.js running the published
@grafana/scenes and @grafana/data packages; this test needs no Node: it reads the JSON only and requires
every case to come out byte for byte as Grafana's.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.frontend import load_cases, mismatches

INTERPOLATION = load_cases("interpolation.json")
TIMERANGE = load_cases("timerange.json")


def _report(failed: list[tuple[dict[str, Any], Any]]) -> str:
    lines = [f"{len(failed)} case(s) differ from Grafana; the first ones:"]
    for case, actual in failed[:5]:
        lines.append(json.dumps(case, ensure_ascii=False))
        lines.append(f"  cqlscope gave {json.dumps(actual, ensure_ascii=False)}")
    return "\n".join(lines)


def test_the_vectors_are_many_and_varied() -> None:
    assert len(INTERPOLATION) >= 1000 and len(TIMERANGE) >= 300
    zones = {case["browser_timezone"] for case in INTERPOLATION + TIMERANGE}
    assert len(zones) >= 6
    kinds = {case["kind"] for case in TIMERANGE}
    assert kinds == {"parse", "range", "interval", "format"}


@pytest.mark.parametrize("zone", sorted({case["browser_timezone"] for case in INTERPOLATION}))
def test_interpolation_matches_grafana(zone: str) -> None:
    failed = mismatches("interpolation.json", [case for case in INTERPOLATION if case["browser_timezone"] == zone])
    assert not failed, _report(failed)


@pytest.mark.parametrize("kind", ["parse", "range", "interval", "format"])
def test_time_handling_matches_grafana(kind: str) -> None:
    failed = mismatches("timerange.json", [case for case in TIMERANGE if case["kind"] == kind])
    assert not failed, _report(failed)
