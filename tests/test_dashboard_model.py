"""Dashboard files in the shapes Grafana exports (schema 27, 36, 39), bad files, and variable resolution
by Grafana's rules (custom options, current values, All, chained query variables, the old query format)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import CqlscopeError
from core.grafana.dashboards.model import DashboardError, load_dashboard
from core.grafana.dashboards.variables import custom_options, parse_overrides, resolve_variables
from core.grafana.templating import Variable, interpolate
from core.query.dashboard_check import expand_repeats

DASHBOARDS = Path(__file__).parent / "fixtures" / "dashboards"
CASSANDRA = "hadesarchitect-cassandra-datasource"


def test_schema_27_export_with_inputs_and_a_collapsed_row() -> None:
    board = load_dashboard(DASHBOARDS / "schema27_rows.json")
    assert (board.schema_version, board.title, board.timezone) == (27, "Sensors (Grafana 8)", "utc")
    assert board.inputs == {"DS_CASSANDRA": CASSANDRA}
    assert [(p.title, p.row) for p in board.panels] == [("Values", ""), ("Labels", "Details")]
    ref = board.panels[1].targets[0].datasource
    assert (ref.input, ref.type) == ("DS_CASSANDRA", CASSANDRA)


def test_schema_36_mixed_panel_keeps_each_targets_data_source() -> None:
    board = load_dashboard(DASHBOARDS / "schema36_mixed.json")
    repeated, mixed = board.panels
    assert repeated.repeat == "sensor"
    assert [(t.ref_id, t.datasource.type) for t in mixed.targets] == [
        ("A", "scylladb-scylla-datasource"), ("B", "prometheus")]


def test_schema_39_panel_without_targets_is_kept() -> None:
    board = load_dashboard(DASHBOARDS / "schema39_builder.json")
    notes = next(p for p in board.panels if p.title == "Notes")
    assert notes.targets == [] and board.week_start == "monday"


@pytest.mark.parametrize(("content", "expected"), [
    (b"{not json", "is not JSON"),
    (b'{"title": "x"}', "not a Grafana dashboard"),
    (b"[1, 2]", "not a Grafana dashboard"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"panels": ' + b"[" * 200 + b"]" * 200 + b"}", "levels deep"),
])
def test_bad_files_are_explained(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "board.json"
    path.write_bytes(content)
    with pytest.raises(DashboardError) as caught:
        load_dashboard(path)
    assert expected in caught.value.message


def test_a_missing_file_and_a_directory_are_explained(tmp_path: Path) -> None:
    with pytest.raises(DashboardError, match="cannot read"):
        load_dashboard(tmp_path / "missing.json")
    with pytest.raises(DashboardError, match="is a directory"):
        load_dashboard(tmp_path)


def test_custom_options_follow_grafanas_syntax() -> None:
    # scenes CustomVariable: split on unescaped commas, `text : value` pairs, trimmed.
    assert custom_options("a, b : 2,c\\,d") == [("a", "a"), ("b", "2"), ("c,d", "c,d")]


def no_queries(*_args: object) -> list[tuple[str, str]]:
    raise AssertionError("no query variable here")


def test_current_values_overrides_and_all() -> None:
    definitions = load_dashboard(DASHBOARDS / "schema27_rows.json").variables
    states = resolve_variables(definitions, {}, no_queries)
    assert states["sensor"].variable.value == ("a", "b") and not states["sensor"].variable.all_selected
    assert states["ks"].variable.value == "oracle_ks" and states["label"].variable.value == "lab-a"
    chosen = resolve_variables(definitions, parse_overrides(["sensor=$__all", "label=x"]), no_queries)
    assert chosen["sensor"].variable.all_selected and chosen["sensor"].variable.options == ("a", "b")
    assert chosen["label"].variable.value == "x"
    missing = resolve_variables(definitions, parse_overrides(["sensor=zzz"]), no_queries)
    assert missing["sensor"].variable.value == ("a",), "a value that is not an option falls back to the first"
    with pytest.raises(CqlscopeError, match="no variable nope"):
        resolve_variables(definitions, parse_overrides(["nope=1"]), no_queries)
    with pytest.raises(CqlscopeError, match="not name=value"):
        parse_overrides(["novalue"])


def test_query_variables_run_in_order_so_chained_ones_see_the_ones_above() -> None:
    definitions = load_dashboard(DASHBOARDS / "schema36_mixed.json").variables
    sent: list[str] = []

    def runner(_ref: object, query: str, _above: object) -> list[tuple[str, str]]:
        sent.append(query)
        return [("c", "c"), ("b", "b"), ("a", "a"), ("d", "d")] if "DISTINCT" in query else [("lab-a", "lab-a")]

    def csv(text: str, above: dict[str, Variable]) -> str:
        return interpolate(text, above, default_format="csv").text

    states = resolve_variables(definitions, {}, runner, interpolate_query=csv)
    sensor = states["sensor"].variable
    assert sensor.all_selected and sensor.options == ("a", "b"), "regex /^[ab]$/ then alphabetical sort"
    assert sent[1] == "SELECT label FROM oracle_ks.ts WHERE sensor IN (a,b) LIMIT 1", "csv of the All values"
    assert states["lab"].variable.value == "lab-a"


def test_an_old_format_variable_sends_an_empty_query() -> None:
    definitions = load_dashboard(DASHBOARDS / "schema39_builder.json").variables
    sent: list[str] = []

    def runner(_ref: object, query: str, _above: object) -> list[tuple[str, str]]:
        sent.append(query)
        return []

    states = resolve_variables(definitions, {}, runner)
    assert sent == [""]
    assert states["old"].variable.value == "" and "empty query" in states["old"].notes[0]


def test_repeated_panels_get_one_scoped_value_each() -> None:
    board = load_dashboard(DASHBOARDS / "schema36_mixed.json")
    sensor = Variable("sensor", ("a", "b"), ("a", "b"), True, None, ("a", "b"))
    runs = expand_repeats(board.panels, {"sensor": sensor})
    assert [(title, {k: v.value for k, v in scope.items()}) for _p, title, scope in runs] == [
        ("Sensor a [sensor=a]", {"sensor": "a"}), ("Sensor b [sensor=b]", {"sensor": "b"}), ("Mixed", {})]
