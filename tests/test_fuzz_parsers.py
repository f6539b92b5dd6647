"""Fuzzing every input parser: anything gives a result or the error the CLI explains (exit 2), never a crash.

Each parser is fed generated input (derandomized, so a run is reproducible) and may only return normally or
raise one of `core.cli.common.usage_errors()`, the documented user-facing input errors. The template scanner
is also checked against Grafana's own regex (VARIABLE_PATTERN, held to the recorded front-end vectors).
"""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.cli.common import usage_errors
from core.grafana.dashboards.model import load_dashboard, parse_dashboard
from core.grafana.datemath import parse_time, time_range
from core.grafana.template_scan import finditer_closed, scan_variables
from core.grafana.templating import FORMATS, VARIABLE_PATTERN, Variable, interpolate, load_variables
from core.provisioning import read_provisioning_file

FUZZ = settings(max_examples=100, deadline=timedelta(seconds=10), derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
INPUT_ERRORS = usage_errors()

# Pieces of every syntax the template grammar knows, so that generated texts are mostly near-misses.
_TEMPLATE_PIECES = ["$", "${", "}", "[[", "]]", "[", "]", ":", ".", "'", '"', "^", "{", "a", "b", "_x", "__from",
                    "__to", "__all_variables", "__interval", "__timezone", "csv", "json", "date:YYYY", "0", " ",
                    "\n", "é", "${a", "$a", "[[a", "${a.b}", "${a[\"k\"]}", "${a:", "${__from:date:iso}"]
_texts = st.lists(st.sampled_from(_TEMPLATE_PIECES) | st.text(max_size=3), max_size=40).map("".join)


@FUZZ
@given(_texts)
def test_scanner_finds_exactly_what_grafanas_regex_finds(text: str) -> None:
    expected = [(match.span(), match.groups()) for match in VARIABLE_PATTERN.finditer(text)]
    found = [(match.span(), tuple(match.group(index) for index in range(1, 7))) for match in scan_variables(text)]
    assert found == expected


@FUZZ
@given(_texts)
def test_closed_scans_find_what_the_plain_patterns_find(text: str) -> None:
    from core.grafana.report import _LEFTOVER_MACRO, _LEFTOVER_OPEN
    from gui.provisioning.export_panel import _PLACEHOLDER, _PLACEHOLDER_NAME

    for full, rest in ((_LEFTOVER_MACRO, _LEFTOVER_OPEN), (_PLACEHOLDER, _PLACEHOLDER_NAME)):
        assert [m.span() for m in finditer_closed(full, rest, text, "}")] == [m.span() for m in full.finditer(text)]


_names = st.sampled_from(["a", "b", "c", "x_1"])
_value = st.none() | st.text(max_size=6) | st.lists(st.text(max_size=4), max_size=3).map(tuple)
_variables = st.lists(st.builds(
    Variable, name=_names, value=_value, all_selected=st.booleans(),
    all_value=st.none() | st.sampled_from(["$a", "${b:csv}", "*", "[[c]]"]) | st.text(max_size=4),
    options=st.lists(st.text(max_size=3), max_size=3).map(tuple),
    kind=st.sampled_from(["custom", "constant", "textbox", "interval"])), max_size=4)
_formats = st.none() | st.sampled_from(FORMATS) | st.text(max_size=6)


@FUZZ
@given(_texts, _variables, _formats)
def test_interpolation_returns_text_or_explains_a_loop(text: str, variables: list[Variable],
                                                       fmt: str | None) -> None:
    span = time_range("now-6h", "now", now_ms=1_700_000_000_000)
    try:
        result = interpolate(text, variables, time_range=span, default_format=fmt)
    except INPUT_ERRORS as error:
        assert "refers to itself" in error.message
        return
    assert isinstance(result.text, str)
    for reference in result.references:  # every reference is a real span of the text, in order
        assert text[reference.start:reference.end] == reference.match


_UNITS = [*"smhdwMyY", "fy", "fQ", "Q"]
_time_pieces = st.sampled_from(["now", "-", "+", "/", "||", "1", "6", "0", "99999999999", "2024-01-31",
                                "2024-02-30", "T", "12:30", "Z", "+02:00", " ", ".", "e", "x", *_UNITS])
_times = st.lists(_time_pieces | st.text(max_size=2), max_size=12).map("".join)


@FUZZ
@given(_times, st.booleans(), st.sampled_from(["utc", "browser", "Europe/Berlin", "Nowhere/Zone", ""]))
def test_time_expressions_give_a_time_or_an_explained_error(text: str, round_up: bool, zone: str) -> None:
    try:
        value = parse_time(text, round_up=round_up, timezone=zone, now_ms=1_700_000_000_000, browser_timezone="UTC")
    except INPUT_ERRORS as error:
        assert error.message
        return
    assert isinstance(value, int)


@FUZZ
@given(_times, _times, st.sampled_from(["picker", "url", "dashboard"]))
def test_time_ranges_give_a_range_or_an_explained_error(start: str, end: str, source: str) -> None:
    try:
        span = time_range(start, end, now_ms=1_700_000_000_000, source=source, browser_timezone="UTC")
    except INPUT_ERRORS:
        return
    assert isinstance(span.from_ms, int) and isinstance(span.to_ms, int)


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6)
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=12)
_variable_entries = st.dictionaries(
    st.sampled_from(["a", "b", "", "1x", "a b", "__from"]) | st.text(max_size=4),
    _json | st.dictionaries(st.sampled_from(["value", "text", "all", "allValue", "options", "type",
                                             "autoStepCount", "autoMinInterval"]), _json, max_size=4),
    max_size=4)


@FUZZ
@given(_variable_entries)
def test_variables_documents_load_or_name_the_problem(document: dict[str, Any]) -> None:
    try:
        variables = load_variables(document)
    except INPUT_ERRORS as error:
        assert error.message
        return
    assert all(isinstance(variable, Variable) for variable in variables.values())


def _in_file(data: bytes, name: str) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="cqlscope-fuzz-"))
    path = directory / name
    path.write_bytes(data)
    return path


@FUZZ
@given(st.binary(max_size=512) | _variable_entries.map(lambda doc: json.dumps(doc).encode()))
def test_variables_files_load_or_name_the_problem(data: bytes) -> None:
    try:
        load_variables(_in_file(data, "vars.json"))
    except INPUT_ERRORS as error:
        assert error.message


_YAML_PIECES = ["apiVersion: 1\n", "apiVersion: 2\n", "datasources:\n", "deleteDatasources:\n", "  - ", "    ",
                "name: a\n", "type: hadesarchitect-cassandra-datasource\n", "type: scylladb-scylla-datasource\n",
                "url: 127.0.0.1:9042\n", "url: ':::'\n", "uid: u1\n", "orgId: x\n", "isDefault: yes\n",
                "jsonData:\n", "      keyspace: k\n", "      consistency: ONE\n", "      host: $HOST\n",
                "secureJsonData:\n", "      password: ${PW}\n", "$__file{/nonexistent}", "$__env{X}", "&a ", "*a",
                "[", "]", "{", "}", ": ", "- ", "\n", "'", '"', "~", "!!binary ", "0x1", "1e9", "---\n", "? "]


@FUZZ
@given(st.lists(st.sampled_from(_YAML_PIECES) | st.text(max_size=4), max_size=40).map("".join))
def test_provisioning_files_read_or_name_the_problem(text: str) -> None:
    path = _in_file(text.encode("utf-8", "surrogatepass"), "datasources.yaml")
    try:
        parsed = read_provisioning_file(path, environ={"HOST": "h", "PW": "p"})
    except INPUT_ERRORS as error:
        assert error.message
        return
    assert isinstance(parsed.entries, list)


_panel = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["timeseries", "table", "row"]) | _scalars,
    "datasource": st.sampled_from([{"uid": "u", "type": "hadesarchitect-cassandra-datasource"}, "${DS}", None])
    | _json,
    "targets": st.lists(st.dictionaries(st.sampled_from(["refId", "target", "queryText", "rawQuery", "datasource"]),
                                        _json, max_size=4), max_size=3) | _json,
    "panels": _json, "gridPos": _json, "title": _json,
})
_dashboards = st.fixed_dictionaries({}, optional={
    "panels": st.lists(_panel, max_size=3) | _json, "templating": st.fixed_dictionaries({"list": _json}) | _json,
    "time": st.fixed_dictionaries({"from": _times, "to": _times}) | _json, "timezone": _json,
    "weekStart": _json, "fiscalYearStartMonth": _json, "__inputs": _json, "dashboard": _json,
})


@FUZZ
@given(_dashboards | _json)
def test_dashboards_parse_or_name_the_problem(data: Any) -> None:
    try:
        parse_dashboard(data)
    except INPUT_ERRORS as error:
        assert error.message


@FUZZ
@given(st.binary(max_size=512) | _dashboards.map(lambda doc: json.dumps(doc).encode()))
def test_dashboard_files_load_or_name_the_problem(data: bytes) -> None:
    try:
        load_dashboard(_in_file(data, "dashboard.json"))
    except INPUT_ERRORS as error:
        assert error.message
