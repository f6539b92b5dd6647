"""A dashboard panel in a query tab, and the panels' width: the tab holds the query as written with what the check
ran it with (variables, range, max data points, min interval, builder fields, host, the dashboard's uid and fiscal
year) and runs what the check ran; the width the viewer's browser gives panels is their max data points."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from core.config.workspace import Workspace
from core.errors import CqlscopeError
from core.grafana.dashboards.model import load_dashboard
from core.grafana.plugins.cassandra_query import apply_time_range
from core.grafana.templating import Variable
from gui.dashboards.view import DashboardView
from gui.query.panel_options import MIN_INTERVAL_HELP
from tests.support import run_cli

pytestmark = [pytest.mark.gui, pytest.mark.cassandra, pytest.mark.keyring]


def test_a_panel_opens_as_written_and_its_tab_runs_what_the_check_ran(qtbot: QtBot, open_window: Any,
                                                                      sources: Workspace, tmp_path: Path) -> None:
    """A panel opened in a query tab keeps its query as written, the variables (a repeat's own value where the
    cassandra front end uses it), max data points, min interval, builder fields, alias and host, and the dashboard's
    own uid: the tab's preview is the CQL the check ran, its run finds the check's rows, and a variable can be
    changed in the tab."""
    from gui.dashboards.opener import open_dashboard

    cass, scylla = ({"type": "hadesarchitect-cassandra-datasource", "uid": "cass-uid"},
                    {"type": "scylladb-scylla-datasource", "uid": "scylla-uid"})
    board = {
        "title": "Sensors", "uid": "sensors-1", "schemaVersion": 39, "timezone": "utc", "fiscalYearStartMonth": 6,
        "time": {"from": "1704067200000", "to": "1704153600000"},
        "templating": {"list": [
            {"name": "sensor", "type": "custom", "query": "a,b", "multi": True,
             "current": {"text": ["a", "b"], "value": ["a", "b"]}},
            {"name": "ks", "type": "constant", "query": "oracle_ks"},
            {"name": "iv", "type": "custom", "query": "2h,1d", "current": {"text": "2h", "value": "2h"}}]},
        "panels": [
            {"id": 1, "type": "timeseries", "title": "Per sensor", "repeat": "sensor", "datasource": cass,
             "maxDataPoints": 50, "interval": "$iv",
             "targets": [{"refId": "A", "rawQuery": True, "queryType": "query", "datasource": cass,
                          "target": "SELECT sensor, value, ts FROM $ks.ts WHERE sensor = '$sensor' AND ts >= "
                                    "$__timeFrom AND ts <= $__timeTo /* $__interval */"}]},
            {"id": 2, "type": "timeseries", "title": "Builder", "datasource": cass,
             "targets": [{"refId": "A", "rawQuery": False, "queryType": "query", "datasource": cass,
                          "keyspace": "oracle_ks", "table": "ts", "columnId": "sensor", "columnTime": "ts",
                          "columnValue": "value", "valueId": "${sensor}", "alias": "{{ sensor }}!"}]},
            {"id": 3, "type": "table", "title": "Scylla", "datasource": scylla,
             "targets": [{"refId": "A", "datasource": scylla, "queryHost": "127.0.0.1",
                          "queryText": "SELECT sensor, ts, value FROM $ks.ts WHERE sensor IN "
                                       "('${__dashboard.uid}', ${sensor:sqlstring})"}]},
            {"id": 4, "type": "table", "title": "Bad interval", "datasource": cass, "interval": "2 hours",
             "targets": [{"refId": "A", "rawQuery": True, "datasource": cass, "target": "SELECT * FROM $ks.ts"}]}]}
    path = tmp_path / "sensors.json"
    path.write_text(json.dumps(board))
    window = open_window(sources)
    view = open_dashboard(window, str(path))
    assert view is not None
    qtbot.waitUntil(lambda: view.report is not None, timeout=300_000)
    assert view.report is not None
    checks = view.report.checks
    assert [(c.panel, c.status) for c in checks] == [
        ("Per sensor [sensor=a]", "ok"), ("Per sensor [sensor=b]", "ok"), ("Builder", "ok"), ("Scylla", "ok"),
        ("Bad interval", "error")]
    # A min interval that does not parse fails the panel's whole request in Grafana's front end, with @grafana/data
    # rangeutil's own words.
    assert checks.pop().message == ('Invalid interval string, has to be either unit-less or end with one of the '
                                    'following units: "y, M, w, d, h, m, s, ms"')
    # What the check ran, written out here: the repeat's own value, the panel's min interval ($iv: 2h, interpolated
    # as SceneQueryRunner does) over 50 points.
    assert checks[1].cql == ("SELECT sensor, value, ts FROM oracle_ks.ts WHERE sensor = 'b' AND ts >= 1704067200000 "
                             "AND ts <= 1704153600000 /* 2h */")
    assert checks[3].cql == "SELECT sensor, ts, value FROM oracle_ks.ts WHERE sensor IN ('sensors-1', 'a','b')"
    span = view.report.time_range
    opened = []
    for row, check in enumerate(checks):
        view.table.selectRow(row)
        view.open_button.click()
        tab = window.query_area.current_tab()
        assert tab is not None and tab.title == f"{check.panel} / A"
        sent = tab.prepare().text
        if check.plugin == "cassandra":
            sent = apply_time_range(sent, span.from_ms, span.to_ms)
        assert sent == check.cql, check.panel
        with qtbot.waitSignal(tab.finished, timeout=120_000) as blocker:
            tab.run()
        assert blocker.args[0].ok and blocker.args[0].rows == check.rows, check.panel
        opened.append(tab)
    repeat_b, builder, scylla_tab = opened[1:]
    assert repeat_b.editor.toPlainText() == board["panels"][0]["targets"][0]["target"], "the query as written"
    state = repeat_b.state()
    assert (state.variables["sensor"], state.max_data_points, state.min_interval) == (
        {"value": "b", "text": "b"}, 50, "$iv")
    assert state.dashboard == {"uid": "sensors-1", "title": "Sensors", "fiscalYearStartMonth": 6}
    # The query options button shows the $__interval they make: a day over 50 points is 30m, raised to the 2h min.
    options = repeat_b.time_picker.panel_options
    assert options.text() == "Interval 2h ▾" and options.font().bold(), "bold: not a new panel's options"
    assert (builder.time_picker.panel_options.text(), builder.time_picker.panel_options.font().bold()) == (
        "Interval 2m ▾", False), "a day over the default 500 points is 2.88 min, rounded to 2m (below 3.5m)"
    assert (builder.state().mode, builder.state().alias, builder.state().builder["valueId"]) == (
        "builder", "{{ sensor }}!", "${sensor}")
    assert (scylla_tab.host_text(), scylla_tab.flavor_combo.currentText()) == ("127.0.0.1", "scylla")
    # The tab's dashboard is the panel's, over the window's context; its fiscal year is the dashboard's (July).
    assert scylla_tab.request().grafana_globals.dashboard_uid == "sensors-1"
    assert scylla_tab.time_picker.fiscal_year_start_month == 7
    # A variable changed in the tab changes what runs, as the dashboard's variable bar would.
    scylla_tab.variables.set_variables({"sensor": Variable("sensor", ("b",)), "ks": Variable("ks", "oracle_ks")})
    assert scylla_tab.prepare().text == "SELECT sensor, ts, value FROM oracle_ks.ts WHERE sensor IN ('sensors-1', 'b')"
    # The tab's $iv follows its variable; a min interval that does not parse is marked, and the tab says so
    # instead of running.
    repeat_b.variables.set_variables({**repeat_b.variables.variables(), "iv": Variable("iv", "1d")})
    assert options.text() == "Interval 1d ▾" and repeat_b.prepare().text.endswith("/* 1d */")
    assert repeat_b.time_picker.min_interval.toolTip() == MIN_INTERVAL_HELP, "$iv reads 1d: not marked"
    repeat_b.variables.set_variables({**repeat_b.variables.variables(), "iv": Variable("iv", "2 hours")})
    assert "invalid interval '2 hours'" in repeat_b.time_picker.min_interval.toolTip(), "marked through its variable"
    assert options.text() == "Interval ? ▾"
    repeat_b.time_picker.min_interval.setText("2 hours")
    repeat_b.time_picker.show_problems()
    assert "invalid interval" in repeat_b.time_picker.min_interval.toolTip()
    with pytest.raises(CqlscopeError, match="invalid interval"):
        repeat_b.prepare()


def test_the_panels_width_is_their_max_data_points(qtbot: QtBot, sources: Workspace, tmp_path: Path) -> None:
    """SceneQueryRunner (maxDataPointsFromWidth) waits for the panel's width in pixels and takes it as max data
    points when the panel has none of its own: a day over 1800 points is 48 s, which Grafana rounds to 1m; over 500
    (no width known, the default) 2.88 min, rounded to 2m. A panel's own max data points (50: 30m) stay."""
    cass = {"type": "hadesarchitect-cassandra-datasource", "uid": "cass-uid"}
    text = "SELECT sensor, value, ts FROM oracle_ks.ts WHERE sensor = 'a' AND ts >= $__timeFrom AND ts <= $__timeTo"
    board = {"title": "Widths", "uid": "w-1", "schemaVersion": 39, "timezone": "utc",
             "time": {"from": "1704067200000", "to": "1704153600000"},
             "panels": [{"id": 1, "type": "timeseries", "title": "Own width", "datasource": cass,
                         "targets": [{"refId": "A", "rawQuery": True, "target": text + " /* $__interval */"}]},
                        {"id": 2, "type": "timeseries", "title": "Own points", "datasource": cass,
                         "maxDataPoints": 50,
                         "targets": [{"refId": "A", "rawQuery": True, "target": text + " /* $__interval */"}]}]}
    path = tmp_path / "widths.json"
    path.write_text(json.dumps(board))

    def cli(*flags: str) -> list[str]:
        done = run_cli("dashboard", "check", str(path), "--format", "json", *flags)
        assert done.returncode == 0, done.stderr
        return [panel["cql"].rsplit("/* ", 1)[1] for panel in json.loads(done.stdout)["panels"]]

    assert cli() == ["2m */", "30m */"]
    assert cli("--panel-width", "1800") == ["1m */", "30m */"]
    bad = run_cli("dashboard", "check", str(path), "--panel-width", "0")
    assert bad.returncode == 2 and "--panel-width must be 1 or more" in bad.stderr and "Traceback" not in bad.stderr
    view = DashboardView(sources, load_dashboard(path))
    qtbot.addWidget(view)
    view.panel_width.setValue(1800)
    with qtbot.waitSignal(view.finished, timeout=300_000) as blocker:
        view.run_button.click()
    assert [check.cql.rsplit("/* ", 1)[1] for check in blocker.args[0].checks] == ["1m */", "30m */"]
