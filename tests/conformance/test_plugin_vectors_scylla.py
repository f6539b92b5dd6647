"""Every recorded ScyllaDB plugin 0.5.0 case (tests/fixtures/plugins, see PROVENANCE.md) through the emulated
instance, against the local two-node cluster: the answer must equal the released plugin's own answer exactly.

The data of setup.cql is loaded into a keyspace of this module's own (the cases' `oracle_ks` renamed), so that
other test sessions reloading `oracle_ks` on the shared cluster cannot change what these cases read.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.grafana.plugins import PluginRequest, instance_for
from tests.conformance.plugin_cases import cases_of, expected, setup_statements

SCYLLA_CASES = cases_of("scylla")
KEYSPACE = "oracle_ks_scylla"
GRAFANA_LOG = "ERROR Plugin Request Completed"  # written by the SDK's logging middleware, not by the plugin


def _private(text: str) -> str:
    return re.sub(r"\boracle_ks\b", KEYSPACE, text)


@pytest.fixture(scope="module")
def scylla_keyspace(two_node_cluster: Any, admin_session: Any) -> str:
    """setup.cql in this module's keyspace, at consistency ALL (both replicas hold every row)."""
    from cassandra import ConsistencyLevel
    from cassandra.query import SimpleStatement

    for statement in setup_statements():
        admin_session.execute(SimpleStatement(_private(statement), consistency_level=ConsistencyLevel.ALL),
                              timeout=120)
    return KEYSPACE


def _request(case: dict[str, Any]) -> PluginRequest:
    target = dict(case["query"])
    if isinstance(target.get("queryText"), str):
        target["queryText"] = _private(target["queryText"])
    return PluginRequest(target=target, from_ms=int(case["from"]), to_ms=int(case["to"]), ref_id="A",
                         max_data_points=int(case.get("maxDataPoints", 1000)),
                         interval_ms=int(case.get("interval_ms", 1000)), alerting=bool(case.get("alerting")))


def _check(instance: Any, answer: dict[str, Any], recorded: dict[str, Any]) -> None:
    """The whole-call error and the response exactly as recorded, and the same panic value."""
    log = getattr(instance, "log", [])
    if recorded.get("error") is not None:
        assert answer == {"error": recorded["error"]}, log
    else:
        assert answer == recorded["response"], log
    assert getattr(instance, "last_panic", None) == recorded.get("panic")
    plugin_lines = [line for line in recorded.get("plugin_log") or [] if not line.startswith(GRAFANA_LOG)]
    assert log == plugin_lines


def test_every_scylla_case_is_covered() -> None:
    assert len(SCYLLA_CASES) == 90
    assert all(case["id"] in expected() for case in SCYLLA_CASES)


@pytest.mark.parametrize("case", SCYLLA_CASES, ids=[c["id"] for c in SCYLLA_CASES])
def test_scylla_case(case: dict[str, Any], scylla_keyspace: str) -> None:
    recorded = expected()[case["id"]]
    instance = instance_for("scylladb-scylla-datasource", case["settings"])
    try:
        answer = instance.query(_request(case))
        _check(instance, answer, recorded)
        repeats = recorded.get("repeats") or []
        assert len(repeats) == int(case.get("repeat", 0))
        for again in repeats:
            answer = instance.query(_request(case))
            _check(instance, answer, again)
    finally:
        instance.close()


# -- the GUI's "as the plugin sees it" view, from cqlscope's own frames, against the same answers ------------

DEFAULT_SETTINGS = {"jsonData": {"host": "127.0.0.1"}, "secureJsonData": {"user": "cassandra", "password": "cassandra"}}
VIEW_CASES = [c for c in SCYLLA_CASES if c["settings"] == DEFAULT_SETTINGS and not c["query"].get("queryHost")
              and c["query"].get("allHosts") is False and "oracle_ks." in c["query"].get("queryText", "")
              and (expected()[c["id"]].get("panic") or (expected()[c["id"]]["response"] or {}).get("results", {})
                   .get("A", {}).get("frames", [{}])[0].get("schema", {}).get("fields"))]


def _panel(values: list[Any]) -> list[Any]:
    """Frame JSON values: NaN and infinities travel as null (with entities)."""
    return [None if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))) else v for v in values]


@pytest.mark.parametrize("case", VIEW_CASES, ids=[c["id"] for c in VIEW_CASES])
def test_plugin_view_agrees_with_the_recorded_answer(case: dict[str, Any], scylla_keyspace: str,
                                                     admin_session: Any) -> None:
    from core.cql.values import cql_type_name
    from core.grafana.frames import frame_from_rows
    from core.grafana.plugin_response import scylla_view

    result = admin_session.execute(_private(case["query"]["queryText"]))
    rows = [tuple(row) for row in result]
    frame = frame_from_rows(list(result.column_names), [cql_type_name(t) for t in result.column_types], rows)
    view = scylla_view(frame)
    recorded = expected()[case["id"]]
    if recorded.get("panic"):
        assert view.error is not None and recorded["panic"] in view.error and recorded["error"] in view.error
        return
    want = recorded["response"]["results"]["A"]["frames"][0]
    got = view.frames[0]
    assert [(f.name, f.type, f.element) for f in got.fields] == [
        (f["name"], f["type"], f["typeInfo"]["frame"]) for f in want["schema"]["fields"]]
    assert [_panel(f.values) for f in got.fields] == want["data"]["values"]
