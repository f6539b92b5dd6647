"""Flavor emulation and the compatibility report: one test per finding, plus the plugins' frames."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from core.grafana.flavors import prepare_query, split_host_field
from core.grafana.frames import Field, Frame, frame_from_rows, long_to_wide
from core.grafana.plugin_response import cassandra_view, scylla_view
from core.grafana.report import compatibility_report, query_findings, result_findings
from core.grafana.templating import load_variables
from core.grafana.timerange import time_range

RANGE = time_range("1594671549254", "1594675149254")  # 2020-07-13T20:19:09.254Z, one hour
VARIABLES = load_variables({
    "ids": ["a", "b"], "one": "x",
    "env": {"all": True, "allValue": ".*", "options": ["x", "y"]},
    "svc": {"all": True, "options": ["api", "db"]},
})


def codes(flavor: str, text: str, host: str | None = None, all_hosts: bool = False) -> dict[str, str]:
    prepared = prepare_query(flavor, text, VARIABLES, RANGE, host=host, all_hosts=all_hosts)
    return {f.code: f.message + " | " + f.suggestion for f in query_findings(prepared)}


def test_scylla_default_glob_and_host_field() -> None:
    prepared = prepare_query("scylla", "SELECT * FROM ks.t WHERE id IN ($ids) AND ts > $__from", VARIABLES, RANGE,
                             host="$ids", all_hosts=True)
    assert prepared.text == "SELECT * FROM ks.t WHERE id IN ({a,b}) AND ts > 1594671549254"
    assert prepared.hosts == ["a", "b"], "braces stripped from the glob host list"
    assert prepared.interval is None, "the scylla plugin passes no request interval"
    assert split_host_field(" {10.0.0.1, 10.0.0.2} ") == ["10.0.0.1", "10.0.0.2"]


def test_cassandra_csv_default_and_backend_macros() -> None:
    text = ("SELECT id, v, ts FROM ks.t WHERE id IN ($ids) AND ts >= $__timeFrom AND ts <= $__timeTo "
            "AND s >= $__unixEpochFrom AND s <= $__unixEpochTo LIMIT $__interval_ms")
    prepared = prepare_query("cassandra", text, VARIABLES, RANGE)
    assert prepared.text == ("SELECT id, v, ts FROM ks.t WHERE id IN (a,b) AND ts >= 1594671549254 AND ts <= "
                             "1594675149254 AND s >= 1594671549 AND s <= 1594675149 LIMIT 5000")
    assert [m for m, _ in prepared.macros] == ["$__timeFrom", "$__timeTo", "$__unixEpochFrom", "$__unixEpochTo"]


def test_finding_unresolved_variable_mentions_alert_rules() -> None:
    found = codes("scylla", "SELECT * FROM ks.t WHERE id = '$nope'")
    assert "'$nope'" in found["unresolved-variable"]
    assert "Alert rules" in found["unresolved-variable"]


def test_finding_unknown_macro() -> None:
    assert "no time macros" in codes("scylla", "SELECT * FROM ks.t WHERE ts > $__timeFrom")["unknown-macro"]
    assert "$__timeFilter" in codes("cassandra", "SELECT * FROM ks.t WHERE $__timeFilter(ts)")["unknown-macro"]
    assert "passes no request interval" in codes("scylla", "SELECT * FROM ks.t LIMIT $__interval_ms")["unknown-macro"]
    assert "unknown-macro" not in codes("cassandra", "SELECT * FROM ks.t WHERE ts > $__timeFrom")


def test_finding_glob_multi_value_in_cql() -> None:
    found = codes("scylla", "SELECT * FROM ks.t WHERE id IN ($ids)")
    assert "{a,b}" in found["glob-multi-value"] and "${ids:sqlstring}" in found["glob-multi-value"]
    assert "glob-multi-value" not in codes("scylla", "SELECT * FROM ks.t WHERE id IN (${ids:sqlstring})")
    assert "glob-multi-value" not in codes("cassandra", "SELECT * FROM ks.t WHERE id IN ($ids)"), "csv default"
    assert "glob-multi-value" not in codes("scylla", "SELECT * FROM ks.t WHERE id = '$one'"), "single value"


def test_finding_singlequote() -> None:
    assert "sqlstring" in codes("scylla", "SELECT * FROM ks.t WHERE id IN (${ids:singlequote})")["singlequote"]


def test_finding_custom_all_value_inserted_raw() -> None:
    found = codes("scylla", "SELECT * FROM ks.t WHERE e = ${env:sqlstring}")
    assert "'.*'" in found["custom-all-value"] and "raw" in found["custom-all-value"]
    prepared = prepare_query("scylla", "e IN (${svc:sqlstring})", VARIABLES, RANGE)
    assert prepared.text == "e IN ('api','db')", "All without a custom value expands to every option"


def test_finding_statement_rejected_by_cassandra_plugin() -> None:
    assert "SELECT " in codes("cassandra", "UPDATE ks.t SET v = 1 WHERE id = 'a'")["statement-rejected"]
    assert "statement-rejected" not in codes("cassandra", "select * from ks.t")
    assert "statement-rejected" in codes("cassandra", "SELECT\n* FROM ks.t"), "the space after SELECT is required"
    assert "statement-rejected" not in codes("scylla", "UPDATE ks.t SET v = 1 WHERE id = 'a'")


def test_finding_first_host_only() -> None:
    assert "10.0.0.1" in codes("scylla", "SELECT 1", host="10.0.0.1,10.0.0.2")["host-list-first-only"]


def _frame(**columns: tuple[str, list[object]]) -> Frame:
    names = list(columns)
    types = [columns[n][0] for n in names]
    rows = list(zip(*(columns[n][1] for n in names), strict=True))
    return frame_from_rows(names, types, rows)


def result_codes(flavor: str, frame: Frame) -> dict[str, str]:
    return {f.code: f.message for f in result_findings(flavor, frame)}


def test_finding_scylla_date_and_counter_fail_the_query() -> None:
    from cassandra.util import Date

    frame = _frame(d=("date", [Date(19782)]), c=("counter", [5]))
    assert "fails the whole query" in result_codes("scylla", frame)["type-fails-query"]
    view = scylla_view(frame)
    assert view.error and not view.frames


def test_finding_scylla_blob_and_null_as_zero() -> None:
    frame = _frame(ts=("timestamp", [dt.datetime(2024, 1, 1), None]), v=("bigint", [None, 3]),
                   b=("blob", [b"\x01", None]), de=("decimal", [Decimal("0.1"), Decimal("1")]))
    found = result_codes("scylla", frame)
    assert "'Blob'" in found["blob-as-text"]
    assert "zero value" in found["null-as-zero"]
    assert "float64" in found["number-precision"]
    view = scylla_view(frame)
    response = view.frames[0]
    assert response.name == "response"
    assert response.field("b").values == ["Blob", "Blob"]
    assert response.field("v").values == [0, 3] and response.field("v").element == "int64"
    # time.Time{} wraps in UnixNano on its way to Grafana: the panel gets 1754-08-30 (vector scylla_null_timestamp)
    assert response.field("ts").values[1] == -6795364578872
    assert response.field("de").values == [0.1, 1.0] and response.field("de").element == "float64"


@pytest.mark.parametrize("cql_type, value", [
    ("decimal", Decimal("1.5")), ("duration", None), ("time", None), ("list<int>", [1]), ("frozen<addr>", None),
])
def test_finding_cassandra_unsupported_types_fail_the_query(cql_type: str, value: object) -> None:
    frame = _frame(id=("text", ["a"]), x=(cql_type, [value]))
    assert "unsupported type" in result_codes("cassandra", frame)["type-fails-query"]
    assert cassandra_view(frame).error


def test_finding_cassandra_null_and_first_column_series() -> None:
    frame = _frame(sensor=("text", ["a", "b", "a"]), v=("double", [1.0, None, 3.0]),
                   ts=("timestamp", [dt.datetime(2024, 1, 1, 0, i) for i in range(3)]))
    found = result_codes("cassandra", frame)
    assert "does not support NULL" in found["null-unsupported"]
    assert "2 frame(s)" in found["first-column-series"]
    view = cassandra_view(frame)
    assert [f.name for f in view.frames] == ["a", "b"]
    assert view.frames[0].field("v").values == [1.0, 3.0]
    assert view.frames[1].field("v").values == [0.0]
    alert = cassandra_view(frame, alert=True)
    assert [f.name for f in alert.frames[0].fields] == ["v", "ts"]
    assert alert.frames[0].field("v").labels == {"sensor": "a"}


def test_finding_alert_shape_needs_time_and_numbers() -> None:
    assert "alert-shape" in result_codes("scylla", _frame(name=("text", ["a"])))
    assert "alert-shape" not in result_codes(
        "scylla", _frame(ts=("timestamp", [dt.datetime(2024, 1, 1)]), v=("int", [1])))


def test_report_combines_query_and_result_findings() -> None:
    prepared = prepare_query("scylla", "SELECT * FROM ks.t WHERE id IN ($ids)", VARIABLES, RANGE)
    report = compatibility_report(prepared, _frame(b=("blob", [b"x"])))
    assert [f.severity for f in report] == sorted((f.severity for f in report),
                                                 key=["error", "warning", "info"].index)
    assert {"glob-multi-value", "blob-as-text"} <= {f.code for f in report}


def test_long_to_wide_splits_series_by_string_columns() -> None:
    t0 = dt.datetime(2024, 1, 1)
    frame = _frame(ts=("timestamp", [t0, t0, t0 + dt.timedelta(minutes=1)]), site=("text", ["a", "b", "a"]),
                   v=("double", [1.0, 2.0, 3.0]))
    wide = long_to_wide(frame)
    assert [f.display_name for f in wide.fields] == ["ts", 'v {site="a"}', 'v {site="b"}']
    assert wide.fields[1].values == [1.0, 3.0] and wide.fields[2].values == [2.0, None]
    with pytest.raises(ValueError, match="no time column"):
        long_to_wide(_frame(v=("int", [1])))
    assert isinstance(Field.of("u", "uuid", [uuid.uuid4()]).text(0), str)


# -- the scylla plugin 0.5.0 as emulated (expected panic texts are the recorded ones, tests/fixtures/plugins) ----

NIL_ANSWER = "both response and error are nil, but one must be provided"


@pytest.mark.parametrize("cql_type, values, panic", [
    ("frozen<tuple<int, text>>", [(1, "one")], "interface conversion: interface {} is nil, not string"),
    ("decimal", [Decimal("1.5"), None], "interface conversion: interface {} is int, not float64"),
    ("varint", [None], "interface conversion: interface {} is int, not float64"),
    ("counter", [42], "interface conversion: interface {} is int64, not string"),
])
def test_scylla_panic_types_fail_with_the_nil_answer(cql_type: str, values: list[object], panic: str) -> None:
    frame = _frame(pk=("int", list(range(len(values)))), x=(cql_type, values))
    view = scylla_view(frame)
    assert view.error is not None and panic in view.error and NIL_ANSWER in view.error and not view.frames
    finding = result_codes("scylla", frame)["type-fails-query"]
    assert panic in finding and NIL_ANSWER in finding


def test_scylla_panic_types_pass_with_zero_rows_and_plain_decimals_pass() -> None:
    for cql_type in ("date", "counter", "frozen<tuple<int, text>>", "decimal"):
        frame = _frame(pk=("int", []), x=(cql_type, []))
        assert scylla_view(frame).error is None
        assert "type-fails-query" not in result_codes("scylla", frame)
    view = scylla_view(_frame(x=("decimal", [Decimal("123.456")])))
    assert view.frames[0].field("x").values == [123.456]


def test_scylla_vector_gives_fields_without_rows() -> None:
    frame = _frame(pk=("int", [1]), v=("vector<float, 3>", [[1.0, 2.5, -3.0]]))
    view = scylla_view(frame)
    assert view.error is None
    assert [(f.name, f.element, f.values) for f in view.frames[0].fields] == [("pk", "int64", []),
                                                                              ("v", "string", [])]
    assert "no data" in result_codes("scylla", frame)["no-data-unreadable-type"]


def test_scylla_collections_as_go_json_text() -> None:
    import ipaddress

    frame = _frame(m=("map<text, int>", [{"b": 2, "a": 1}]), s=("set<text>", [["<x&y>"]]),
                   bl=("list<blob>", [[b"\xca\xfe"]]), i=("inet", [ipaddress.ip_address("::1")]),
                   u=("frozen<addr>", [None]), d=("duration", [None]))
    fields = scylla_view(frame).frames[0].fields
    assert [f.values[0] for f in fields] == ['{"a":1,"b":2}', '["\\u003cx\\u0026y\\u003e"]', '["yv4="]', "::1",
                                             "null", '{"Months":0,"Days":0,"Nanoseconds":0}']


def test_scylla_report_hidden_errors_hosts_and_pinning() -> None:
    from core.grafana.scylla_findings import scylla_settings_findings

    prepared = prepare_query("scylla", "SELEC 1", VARIABLES, RANGE, host="10.0.0.2")
    report = {f.code: f.message for f in compatibility_report(prepared, error="line 1:0 no viable alternative",
                                                              datasource_host="10.0.0.1,10.0.0.2")}
    assert "no data" in report["error-hidden"] and "no viable alternative" in report["error-hidden"]
    assert "one host name" in report["host-list-fails"]
    assert "does not pin the query to 10.0.0.2" in report["host-not-pinned"]
    assert [f.code for f in scylla_settings_findings("[::1]")] == ["host-brackets-need-port"]
    assert [f.code for f in scylla_settings_findings("")] == ["no-host"]
    assert scylla_settings_findings("[::1]:9042") == [] and scylla_settings_findings("db1.example") == []


def test_scylla_vector_rows_hide_the_null_and_panic_findings() -> None:
    from cassandra.util import Date

    frame = _frame(d=("date", [Date(19782)]), v=("double", [None]), ve=("vector<float, 3>", [[1.0, 2.0, 3.0]]))
    assert set(result_codes("scylla", frame)) == {"no-data-unreadable-type", "alert-shape"}
    assert len(scylla_view(frame).notes) == 1


def test_cassandra_series_named_by_time_and_float_ids_as_the_plugin_names_them() -> None:
    """Go's time.Time.String() trims a zero fraction and %f writes NaN and +Inf: the names below are the ones
    the released cassandra plugin gave (tests/fixtures/plugins/expected.json holds the two time names)."""
    frame = _frame(ts=("timestamp", [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 15, 10, 30, 0, 123_000)]),
                   v=("double", [1.0, 2.0]))
    assert [f.name for f in cassandra_view(frame).frames] == ["2024-01-01 00:00:00 +0000 UTC",
                                                              "2024-01-15 10:30:00.123 +0000 UTC"]
    floats = _frame(x=("double", [float("nan"), float("inf"), 0.5]), v=("int", [1, 2, 3]))
    assert [f.name for f in cassandra_view(floats).frames] == ["NaN", "+Inf", "0.500000"]


def test_a_cassandra_view_keeps_its_first_frames_and_counts_them_all() -> None:
    # A timestamp first makes one frame per row: the view keeps the first ones, in the order of first rows.
    frame = _frame(site=("text", ["c", "a", "c", "b", "d"]), v=("int", [1, 2, 3, 4, 5]))
    view = cassandra_view(frame, max_frames=2)
    assert [(f.name, f.fields[1].values) for f in view.frames] == [("c", [1, 3]), ("a", [2])]
    assert view.total_frames == 4 and cassandra_view(frame).total_frames == 4
    assert "The plugin returns 4 frames, one per distinct site: the first 2 are listed here." in view.notes
