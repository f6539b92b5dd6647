"""Every cassandra-plugin vector (tests/fixtures/plugins, see PROVENANCE.md) through the emulated
plugin instance against the local two-node cluster, compared with the real plugin's recorded answer.

The plugin ranges over Go maps, so the order of its frames (one per series id) and of variable
options across ids is random: those are compared sorted. Everything else is compared exactly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.grafana.plugins import PluginInstance, PluginRequest, instance_for
from core.grafana.plugins.cassandra import CassandraInstance
from tests.conformance.plugin_cases import cases_of, expected
from tests.support import LocalNode

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
        # the plugin's error log lines (where it logs the cause of a failure it does not return)
        assert isinstance(instance, CassandraInstance)
        assert instance.log == answer.get("plugin_log", [])


def test_every_cassandra_case_is_covered() -> None:
    assert len(CASES) == 108
    assert all(case["id"] in expected() for case in CASES)


# -- beyond the recorded sample: the plugin's and its libraries' documented behaviour ---------------

SETTINGS = {"url": "127.0.0.1:9042", "jsonData": {"keyspace": "oracle_ks", "user": "cassandra", "consistency": "ONE"},
            "secureJsonData": {"password": "cassandra"}}


def _query(instance: PluginInstance, target: dict[str, Any], from_ms: int, to_ms: int) -> dict[str, Any]:
    return instance.query(PluginRequest(target={"queryType": "query", **target}, from_ms=from_ms, to_ms=to_ms))


def test_go_text_forms() -> None:
    from core.grafana.plugins.gotext import go_float_v, go_json_float, go_time_string, go_trim_space

    # fmt's %v is strconv's shortest %g: exponent form below 1e-4 and from 1e+06 on
    assert [go_float_v(v) for v in (1e6, 123456.0, 1e-05, 0.0001, 2.5)] == ["1e+06", "123456", "1e-05", "0.0001", "2.5"]
    assert go_float_v(0.1, 32) == "0.1" and go_float_v(float("-inf")) == "-Inf" and go_float_v(float("nan")) == "NaN"
    # time.Time.String() trims the fraction's trailing zeros
    assert go_time_string(1500) == "1970-01-01 00:00:00.0000015 +0000 UTC"
    assert go_time_string(253402300800 * 10**9) == "10000-01-01 00:00:00 +0000 UTC"
    # jsoniter writes float64 plainly between 1e-6 and 1e21, with a trimmed exponent otherwise
    assert [go_json_float(v) for v in (10.0, 1e21, 1e-7, 0.5)] == ["10", "1e+21", "1e-7", "0.5"]
    # strings.TrimSpace trims unicode.IsSpace: U+00A0 and U+0085 are spaces, U+001C is not (unlike Python)
    assert go_trim_space("\x1c a \u00a0\x85") == "\x1c a"


def test_requests_answered_before_any_connection() -> None:
    instance = instance_for(PLUGIN_TYPE, {"url": "", "jsonData": {}})
    # the SDK's QueryTypeMux fallback for a query type the plugin did not register
    answer = instance.query(PluginRequest(target={"rawQuery": True, "target": "SELECT 1"}, from_ms=0, to_ms=1))
    assert answer == {"results": {"A": {"error": "no handler found for query type ''", "errorSource": "plugin",
                                        "status": 500, "frames": []}}}
    # net/http's ServeMux for an unknown resource
    missing = instance.resource("nothing", {})
    assert (missing.status, missing.body) == (404, b"404 page not found\n")


def test_settings_decode_like_encoding_json() -> None:
    from core.grafana.plugins.cassandra_settings import InstanceError, parse_settings

    # keys match the struct tags case-insensitively
    parsed = parse_settings({"url": "h1:9042;h2", "jsonData": {"KEYSPACE": "ks", "useCustomTLS": False}})
    assert parsed.keyspace == "ks" and parsed.hosts == ["h1:9042", "h2"]
    with pytest.raises(InstanceError) as failure:
        parse_settings({"url": "h", "jsonData": {"useCustomTLS": "true"}})
    assert failure.value.message == ("Failed to parse connection parameters: json: cannot unmarshal string into "
                                     "Go struct field dataSourceSettings.UseCustomTLS of type bool")


def test_builder_with_integer_ids(oracle_keyspace: str) -> None:
    instance = instance_for(PLUGIN_TYPE, SETTINGS)
    try:
        target = {"rawQuery": False, "keyspace": oracle_keyspace, "table": "all_types", "columnId": "pk",
                  "columnValue": "c_double", "columnTime": "c_timestamp", "valueId": "1, 2", "filtering": True}
        # pk 1's timestamp is 2024-01-15 10:30:00.123 UTC; pk 2's (1970) is outside the range
        answer = _query(instance, target, 1705314600000, 1705314601000)
        frames = answer["results"]["A"]["frames"]
        got = [(f["schema"]["name"], f["data"]["values"]) for f in frames]
        assert got == [("1", [[1], [3.14159], [1705314600123]])]
        # gocql marshals each id with strconv.ParseInt for an int column
        bad = _query(instance, {**target, "valueId": "1,x"}, 1705314600000, 1705314601000)
        assert bad["results"]["A"]["error"] == (
            "p.ExecQuery: query processing: repo.ExecStrictQuery: select query processing: can not marshal string "
            'to int: strconv.ParseInt: parsing "x": invalid syntax')
        # a raw query is prepared by gocql: a bind marker without a value fails
        marker = _query(instance, {"rawQuery": True, "target": "SELECT pk FROM oracle_ks.all_types WHERE pk = ?"}, 0, 1)
        assert marker["results"]["A"]["error"] == (
            "p.ExecQuery: query processing: repo.Select: select query processing: gocql: expected 1 values send got 0")
    finally:
        instance.close()


def test_schema_resources(oracle_keyspace: str) -> None:
    instance = instance_for(PLUGIN_TYPE, SETTINGS)
    try:
        keyspaces = instance.resource("keyspaces", {})
        assert keyspaces.status == 200 and {oracle_keyspace, "system"} <= set(json.loads(keyspaces.body))
        tables = json.loads(instance.resource("tables", {"keyspace": oracle_keyspace}).body)
        assert sorted(tables) == ["all_types", "counters", "scratch", "ts", "ts_epoch"]
        columns = instance.resource("columns", {"keyspace": oracle_keyspace, "table": "ts", "needType": "text"})
        assert sorted(json.loads(columns.body)) == ["label", "sensor"]
        assert instance.resource("tables", {"keyspace": "no_such_ks"}).status == 500
    finally:
        instance.close()


def test_timestamps_beyond_year_9999(admin_session: Any, scratch_keyspace: str) -> None:
    admin_session.execute(f"CREATE TABLE {scratch_keyspace}.t (k int PRIMARY KEY, ts timestamp)")
    admin_session.execute(f"INSERT INTO {scratch_keyspace}.t (k, ts) VALUES (1, 253402300800000)")
    instance = instance_for(PLUGIN_TYPE, {**SETTINGS, "jsonData": {**SETTINGS["jsonData"], "keyspace": ""}})
    try:
        by_ts = _query(instance, {"rawQuery": True, "target": f"SELECT ts, k FROM {scratch_keyspace}.t"}, 0, 1)
        frame = by_ts["results"]["A"]["frames"][0]
        # Go's Time.String() of 10000-01-01; the frame's int64 nanoseconds wrap around (2^64) like the
        # zero time's do in the recorded NULL cases: -4852116231933722624 ns = ms -4852116231934 + 277376 ns
        assert frame["schema"]["name"] == "10000-01-01 00:00:00 +0000 UTC"
        assert frame["data"] == {"values": [[-4852116231934], [1]], "nanos": [[277376], None]}
    finally:
        instance.close()


def test_custom_tls(cassandra: LocalNode, oracle_keyspace: str, tmp_path: Path) -> None:
    ts_query = {"rawQuery": True, "target": "SELECT sensor, value FROM oracle_ks.ts WHERE sensor = 'a'"}
    tls = {"UseCustomTLS": True, "caPath": str(cassandra.tls_dir / "ca.pem")}
    for extra in (tls, {**tls, "certPath": str(cassandra.tls_dir / "client.pem"),
                        "rootPath": str(cassandra.tls_dir / "client.key")}):
        instance = instance_for(PLUGIN_TYPE, {**SETTINGS, "jsonData": {**SETTINGS["jsonData"], **extra}})
        try:
            frames = _query(instance, ts_query, 0, 1)["results"]["A"]["frames"]
            assert [frame["data"]["values"][1] for frame in frames] == [[1.5, 2.5, 3.5, 4.5, 5.5]]
        finally:
            instance.close()
    # the server's certificate is not signed by this CA: gocql verifies it, so no session
    wrong_ca = instance_for(PLUGIN_TYPE, {**SETTINGS, "jsonData": {
        **SETTINGS["jsonData"], "UseCustomTLS": True, "caPath": str(cassandra.tls_dir / "other-ca.pem")}})
    assert wrong_ca.query(PluginRequest(target={"queryType": "query", **ts_query}, from_ms=0, to_ms=1)) == {
        "error": "failed to get plugin instance: instanceManager.Get: Failed to create Cassandra connection, "
                 "check Grafana logs for more details"}
    missing = tmp_path / "missing.pem"
    no_file = instance_for(PLUGIN_TYPE, {**SETTINGS, "jsonData": {**SETTINGS["jsonData"], "UseCustomTLS": True,
                                                                  "caPath": str(missing)}})
    assert no_file.query(PluginRequest(target={"queryType": "query", **ts_query}, from_ms=0, to_ms=1)) == {
        "error": "failed to get plugin instance: instanceManager.Get: Failed to create TLS config: failed to read "
                 f"CA certificate file: open {missing}: no such file or directory"}
