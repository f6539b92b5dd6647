"""Every cassandra-plugin vector (tests/fixtures/plugins, see PROVENANCE.md) through the emulated
plugin instance against the local two-node cluster, compared with the real plugin's recorded answer.

The plugin ranges over Go maps, so the order of its frames (one per series id) and of variable
options across ids is random: those are compared sorted. Everything else is compared exactly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from core.grafana.plugins import PluginInstance, PluginRequest, instance_for
from tests.conformance.plugin_cases import cases_of, expected

PLUGIN_TYPE = "hadesarchitect-cassandra-datasource"
CASES = cases_of("cassandra")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _comparable_response(response: dict[str, Any] | None) -> Any:
    """The query response with each result's frames in a canonical order."""
    if response is None:
        return None
    results = {}
    for ref_id, result in response["results"].items():
        result = dict(result)
        result["frames"] = sorted(result.get("frames") or [], key=_canonical)
        results[ref_id] = result
    return {"results": results}


def _comparable_variables(body: bytes) -> list[str]:
    return sorted(_canonical(option) for option in json.loads(body))


def _request(case: dict[str, Any]) -> PluginRequest:
    """The request as the recorder sent it: queryType 'query', or 'alert' for alerting (FORMAT.md)."""
    target = dict(case["query"])
    if not case.get("verbatim"):
        target["queryType"] = "alert" if case.get("alerting") else "query"
    return PluginRequest(target=target, from_ms=case["from"], to_ms=case["to"],
                         max_data_points=case["maxDataPoints"], interval_ms=case["interval_ms"],
                         alerting=bool(case.get("alerting")))


def _check_query(instance: PluginInstance, case: dict[str, Any], answer: dict[str, Any]) -> None:
    got = instance.query(_request(case))
    if answer.get("error") is not None:
        assert got == {"error": answer["error"]}
        return
    assert "error" not in got, got
    assert _comparable_response(got) == _comparable_response(answer["response"])


def _check_resource(instance: PluginInstance, case: dict[str, Any], answer: dict[str, Any]) -> None:
    recorded = answer["resource"]
    got = instance.resource(case["resource"], case.get("params") or {})
    assert got.status == recorded["status"]
    assert dict(got.headers) == (recorded.get("headers") or {})
    if recorded["status"] != 200:
        assert got.body.decode() == recorded["body"]
        return
    assert _comparable_variables(got.body) == _comparable_variables(recorded["body"].encode())
    # the indented layout is the plugin's too: same bytes once the options are in the same order
    assert len(got.body) == len(recorded["body"].encode())


@pytest.fixture
def instances(oracle_keyspace: str) -> Iterator[list[PluginInstance]]:
    made: list[PluginInstance] = []
    yield made
    for instance in made:
        instance.close()


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_cassandra_vector(case: dict[str, Any], instances: list[PluginInstance]) -> None:
    instance = instance_for(PLUGIN_TYPE, case["settings"])
    instances.append(instance)
    answers = [expected()[case["id"]], *expected()[case["id"]].get("repeats", [])]
    for answer in answers:
        if "resource" in case:
            _check_resource(instance, case, answer)
        else:
            _check_query(instance, case, answer)


def test_every_cassandra_case_is_covered() -> None:
    assert len(CASES) == 108
    assert all(case["id"] in expected() for case in CASES)
