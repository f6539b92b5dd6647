"""`cqlscope dashboard check` and the GUI's dashboard view on the same dashboards (and the plugin view's JSON
against `query --target --format plugin`), against the local cluster
loaded with the plugin vectors' data: they agree panel by panel, and each panel gets the status the plugin
would give it (rows, no data, the plugin's own error, skipped)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.grafana.dashboards.model import load_dashboard
from core.grafana.globals import GrafanaGlobals
from core.grafana.plugins.cassandra_query import apply_time_range
from core.query.dashboard_check import DashboardReport
from core.query.panel_tabs import tab_state_for
from gui.common.workers import TaskRunner
from gui.dashboards.view import DashboardView
from gui.query.grafana_context import GrafanaContext, GrafanaContextHolder
from gui.query.tab import QueryTab
from tests.support import REPO, LocalNode, run_cli

pytestmark = [pytest.mark.gui, pytest.mark.cassandra, pytest.mark.keyring]

DASHBOARDS = REPO / "tests" / "fixtures" / "dashboards"
SCYLLA_PANIC = "both response and error are nil, but one must be provided"


def cli_check(name: str) -> tuple[int, dict[str, Any]]:
    done = run_cli("dashboard", "check", str(DASHBOARDS / name), "--format", "json", timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def gui_check(qtbot: QtBot, workspace: Workspace, name: str | Path,
              context: GrafanaContextHolder | None = None) -> DashboardReport:
    view = DashboardView(workspace, load_dashboard(DASHBOARDS / name), context=context)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.finished, timeout=300_000) as blocker:
        view.run_button.click()
    report = blocker.args[0]
    assert isinstance(report, DashboardReport)
    assert view.table.rowCount() == len(report.checks)
    return report


def by_panel(panels: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["panel"], p["refId"]): p for p in panels}


@pytest.mark.parametrize("name", ["schema27_rows.json", "schema36_mixed.json", "schema39_builder.json"])
def test_cli_and_gui_agree(qtbot: QtBot, sources: Workspace, name: str) -> None:
    code, cli = cli_check(name)
    gui = gui_check(qtbot, sources, name)
    assert [c.to_dict() for c in gui.checks] == cli["panels"]
    assert code == (1 if gui.failed else 0)


def test_grafana_8_export_with_placeholders_and_a_collapsed_row(sources: Workspace) -> None:
    code, report = cli_check("schema27_rows.json")
    assert code == 0
    panels = by_panel(report["panels"])
    values = panels[("Values", "A")]
    assert (values["plugin"], values["datasource"], values["status"], values["rows"]) == ("cassandra", "cass", "ok", 10)
    assert "sensor IN ('a','b')" in values["cql"] and "ts >= 1704067200000" in values["cql"]
    assert panels[("Labels", "A")]["rows"] == 5, "the collapsed row's panel runs too"


def test_chained_query_variables_and_repeats(sources: Workspace) -> None:
    _code, report = cli_check("schema36_mixed.json")
    sensor = report["variables"]["sensor"]
    assert sensor["all"] and sensor["options"] == ["a", "b"], "the plugin's DISTINCT answer, regex and sort"
    assert report["variables"]["lab"]["value"] in ("lab-a", "lab-b"), "the chained variable ran with $sensor"
    panels = by_panel(report["panels"])
    assert panels[("Sensor a [sensor=a]", "A")]["rows"] == 5 and panels[("Sensor b [sensor=b]", "A")]["rows"] == 5
    assert "sensor = 'b'" in panels[("Sensor b [sensor=b]", "A")]["cql"]
    mixed = panels[("Mixed", "A")]
    assert (mixed["plugin"], mixed["datasource"], mixed["rows"]) == ("scylla", "scy", 5)
    assert panels[("Mixed", "B")]["status"] == "skipped" and "prometheus" in panels[("Mixed", "B")]["message"]


def test_builder_failures_and_old_variable_format(sources: Workspace) -> None:
    code, report = cli_check("schema39_builder.json")
    assert code == 1, "a panel fails"
    assert "empty query" in report["variables"]["old"]["notes"][0] and report["variables"]["old"]["options"] == []
    panels = by_panel(report["panels"])
    builder = panels[("Builder", "A")]
    assert (builder["status"], builder["rows"]) == ("ok", 10)
    assert builder["cql"].startswith("SELECT sensor, value, ts FROM oracle_ks.ts WHERE sensor IN ('a', 'b')")
    broken = panels[("Broken", "A")]
    assert broken["status"] == "error" and "no_such_table" in broken["message"]
    assert panels[("Notes", "-")]["status"] == "skipped"
    scylla = panels[("Scylla decimal", "A")]
    assert (scylla["status"], scylla["message"]) == ("error", SCYLLA_PANIC)


def test_the_dashboards_own_uid_and_title_and_the_viewers_user(qtbot: QtBot, sources: Workspace,
                                                                tmp_path: Path) -> None:
    """Grafana's DashboardMacro reads the dashboard's own uid and title (the checker used an unsaved dashboard's
    empty uid and "New dashboard"); the user and org are the viewer's, given by flags (default: a fresh Grafana's
    admin in Main Org.). The panel's title is interpolated the same way."""
    board = {"title": "Sensor board", "uid": "board-7", "schemaVersion": 39, "timezone": "utc",
             "fiscalYearStartMonth": 3, "time": {"from": "now/fy", "to": "now/fy"},
             "panels": [{"id": 1, "type": "table", "title": "$__dashboard for ${__user.login}",
                         "datasource": {"type": "scylladb-scylla-datasource", "uid": "scylla-uid"},
                         "targets": [{"refId": "A", "queryText": "SELECT sensor, ts, value FROM oracle_ks.ts WHERE "
                                      "sensor IN ('${__dashboard.uid}', '${__user.login}', '${__org.name}', 'a')"}]}]}
    path = tmp_path / "board.json"
    path.write_text(json.dumps(board))
    done = run_cli("dashboard", "check", str(path), "--format", "json", "--user-login", "bob", "--org-name", "Ops")
    assert done.returncode == 0, done.stderr
    cli = json.loads(done.stdout)
    [panel] = cli["panels"]
    assert panel["panel"] == "Sensor board for bob"
    start = dt.datetime.fromtimestamp(cli["from"] / 1000, dt.UTC)
    assert (start.month, start.day, start.hour) == (4, 1, 0), "the dashboard's fiscal year starts in April"
    assert panel["cql"] == ("SELECT sensor, ts, value FROM oracle_ks.ts WHERE sensor IN ('board-7', 'bob', 'Ops', "
                            "'a')")
    assert (panel["status"], panel["rows"]) == ("ok", 5)
    gui = gui_check(qtbot, sources, path)
    assert (gui.time_range.from_ms, gui.time_range.to_ms) == (cli["from"], cli["to"]), "the GUI reads it too"
    assert [(check.panel, check.cql) for check in gui.checks] == [
        ("Sensor board for admin", "SELECT sensor, ts, value FROM oracle_ks.ts WHERE sensor IN ('board-7', 'admin', "
                                   "'Main Org.', 'a')")]
    # The window's Grafana context gives the view its user and org; the dashboard keeps its own uid and title.
    context = GrafanaContextHolder()
    context.set(GrafanaContext(grafana_globals=GrafanaGlobals(user_login="carol", org_name="Lab",
                                                              dashboard_uid="typed-query", dashboard_title="T")))
    gui = gui_check(qtbot, sources, path, context)
    assert [(check.panel, check.cql) for check in gui.checks] == [
        ("Sensor board for carol", "SELECT sensor, ts, value FROM oracle_ks.ts WHERE sensor IN ('board-7', 'carol', "
                                   "'Lab', 'a')")]


def test_bad_input_is_explained(sources: Workspace, tmp_path: Path) -> None:
    not_board = tmp_path / "x.json"
    not_board.write_text('{"hello": 1}')
    done = run_cli("dashboard", "check", str(not_board))
    assert done.returncode == 2 and "not a Grafana dashboard" in done.stderr and "Traceback" not in done.stderr
    unknown = run_cli("dashboard", "check", str(DASHBOARDS / "schema27_rows.json"), "--var", "nope=1")
    assert unknown.returncode == 1 and "no variable nope" in unknown.stderr
    missing = run_cli("dashboard", "check", str(DASHBOARDS / "schema27_rows.json"), "--datasource", "ghost")
    assert missing.returncode == 1 and "ghost" in missing.stderr and "Traceback" not in missing.stderr


def test_open_dashboard_and_open_a_panel_in_a_query_tab(qtbot: QtBot, open_window: Any, sources: Workspace,
                                                        tmp_path: Path) -> None:
    from gui.dashboards.opener import open_dashboard

    window = open_window(sources)
    dashboard = json.loads((DASHBOARDS / "schema27_rows.json").read_text())
    dashboard["weekStart"] = "monday"  # the tab takes the dashboard's week start with its range
    (tmp_path / "rows.json").write_text(json.dumps(dashboard))
    view = open_dashboard(window, str(tmp_path / "rows.json"))
    assert view is not None
    assert view.time_picker.time_range().week_start == "monday", "the check runs with the dashboard's week start"
    qtbot.waitUntil(lambda: view.report is not None, timeout=300_000)
    assert view.report is not None
    row = next(i for i, c in enumerate(view.report.checks) if c.panel == "Values")
    view.table.selectRow(row)
    assert "sensor IN ('a','b')" in view.cql.toPlainText() and view.open_button.isEnabled()
    view.open_button.click()
    tab = window.query_area.current_tab()
    assert tab is not None and window.current_uid() == sources.store.get("cass").uid
    assert tab.editor.toPlainText() == ("SELECT sensor, value, ts FROM $ks.ts WHERE sensor IN (${sensor:sqlstring}) "
                                        "AND ts >= $__timeFrom AND ts <= $__timeTo"), "the query as written"
    assert sorted(tab.variables.variables()) == ["ks", "label", "sensor"]
    assert "sensor IN ('a','b')" in tab.prepare().text
    assert tab.flavor_combo.currentText() == "cassandra"
    assert tab.time_picker.week_start.currentText() == "Monday" and tab.state().week_start == "monday"


def test_the_plugin_view_shows_the_same_json_as_the_cli(qtbot: QtBot, open_window: Any, sources: Workspace,
                                                        tmp_path: Path) -> None:
    cql = ("SELECT sensor, value, ts FROM oracle_ks.ts WHERE sensor IN ('a', 'b') "
           "AND ts >= $__timeFrom AND ts <= $__timeTo")
    target = tmp_path / "target.json"
    target.write_text(json.dumps({"refId": "A", "rawQuery": True, "target": cql, "queryType": "query"}))
    cli = run_cli("query", "cass", "--target", str(target), "--format", "plugin",
                  "--from", "1704067200000", "--to", "1704067800000")
    assert cli.returncode == 0, cli.stderr
    window = open_window(sources)
    assert window.select_datasource(sources.store.get("cass").uid)
    window.tabs.setCurrentWidget(window.query_area)
    tab = window.query_area.current_tab()
    assert tab is not None
    tab.flavor_combo.setCurrentText("cassandra")
    tab.editor.setPlainText(cql)
    tab.time_picker.set_range("1704067200000", "1704067800000", "utc", 1000)
    box = tab.plugin_panel.answer
    box.ask_button.click()
    qtbot.waitUntil(lambda: box.copy_button.isEnabled(), timeout=120_000)
    assert box.text.toPlainText() == cli.stdout.strip()
    box.copy_button.click()
    assert QGuiApplication.clipboard().text() == cli.stdout.strip()


def test_builder_mode_and_alias_in_a_query_tab(qtbot: QtBot, open_window: Any, sources: Workspace,
                                               tmp_path: Path) -> None:
    fields = {"keyspace": "oracle_ks", "table": "ts", "columnId": "sensor", "columnTime": "ts",
              "columnValue": "value", "valueId": "a,b"}
    target = tmp_path / "builder.json"
    target.write_text(json.dumps({"refId": "A", "queryType": "query", "rawQuery": False, "target": "",
                                  "alias": "{{ sensor }} value", **fields, "filtering": False, "instant": False}))
    cli = run_cli("query", "cass", "--target", str(target), "--format", "plugin",
                  "--from", "1704067200000", "--to", "1704067800000")
    assert cli.returncode == 0, cli.stderr
    window = open_window(sources)
    assert window.select_datasource(sources.store.get("cass").uid)
    window.tabs.setCurrentWidget(window.query_area)
    tab = window.query_area.current_tab()
    assert tab is not None
    tab.flavor_combo.setCurrentText("cassandra")
    tab.time_picker.set_range("1704067200000", "1704067800000", "utc", 1000)
    assert tab.builder.isVisibleTo(tab)
    tab.builder.set_values("builder", fields, "{{ sensor }} value")
    assert tab.editor.isReadOnly()
    assert tab.editor.toPlainText().startswith("SELECT sensor, value, ts FROM oracle_ks.ts WHERE sensor IN ('a', 'b')")
    with qtbot.waitSignal(tab.finished, timeout=60_000) as blocker:
        tab.run()
    assert blocker.args[0].ok and blocker.args[0].rows == 10
    box = tab.plugin_panel.answer
    box.ask_button.click()
    qtbot.waitUntil(lambda: box.copy_button.isEnabled(), timeout=120_000)
    assert box.text.toPlainText() == cli.stdout.strip()
    state = tab.state()
    assert (state.mode, state.builder["valueId"], state.alias) == ("builder", "a,b", "{{ sensor }} value")
    tab.flavor_combo.setCurrentText("scylla")
    assert not tab.builder.isVisibleTo(tab) and not tab.editor.isReadOnly()


def test_cli_and_gui_agree_on_the_demo_dashboard(qtbot: QtBot, cassandra: LocalNode, admin_session: Any,
                                                 secret_service_env: dict[str, str], config_dir: Path,
                                                 real_secrets: SecretStore) -> None:
    import time as clock

    from core.demo.data import load_demo_data
    from core.demo.setup import DEMO_DASHBOARD, DEMO_SCYLLA_UID, DEMO_UID

    load_demo_data(admin_session)
    for name, uid, flavor, extra in (("demo", DEMO_UID, "cassandra", ["--keyspace", "cqlscope_demo",
                                                                      "--consistency", "LOCAL_ONE"]),
                                     ("demo scylla", DEMO_SCYLLA_UID, "scylla", [])):
        assert run_cli("datasource", "add", name, "--uid", uid, "--flavor", flavor, "--hosts", cassandra.host,
                       *extra).returncode == 0
        for field in ("user", "password"):
            assert run_cli("datasource", "set-secret", name, field, "--stdin", stdin="cassandra\n").returncode == 0
    now = int(clock.time() * 1000)
    span = (str(now - 86_400_000), str(now))
    done = run_cli("dashboard", "check", str(DEMO_DASHBOARD), "--format", "json", "--from", span[0], "--to", span[1],
                   timeout=300)
    cli = json.loads(done.stdout)
    workspace = Workspace(config_dir, real_secrets)
    workspace.store.load()
    try:
        view = DashboardView(workspace, load_dashboard(DEMO_DASHBOARD))
        qtbot.addWidget(view)
        view.time_picker.set_range(span[0], span[1], "utc", 1000)
        with qtbot.waitSignal(view.finished, timeout=300_000) as blocker:
            view.run_button.click()
        gui = blocker.args[0]
        # Every CQL panel opened in a query tab (query variables, a chained one, a multi-value IN, the builder)
        # previews the CQL the check ran.
        opened = []
        for check in gui.checks:
            if check.origin is None or check.status == "skipped":
                continue
            uid = workspace.store.get(check.datasource).uid
            tab = QueryTab(workspace, uid, TaskRunner(), tab_state_for(check, gui.time_range, view.dashboard),
                           check.plugin)
            qtbot.addWidget(tab)
            sent = tab.prepare().text
            if check.plugin == "cassandra":
                sent = apply_time_range(sent, gui.time_range.from_ms, gui.time_range.to_ms)
            assert sent == check.cql, check.panel
            opened.append(check.panel)
        assert "Builder: one sensor" in opened and len(opened) >= 4
    finally:
        workspace.close()
    assert [c.to_dict() for c in gui.checks] == cli["panels"]
    statuses = {p["panel"]: p["status"] for p in cli["panels"]}
    assert statuses["Sensors (ScyllaDB plugin)"] == "error", "the scylla plugin panics on the date column"
    assert statuses["Builder: one sensor"] == "ok" and done.returncode == 1


@pytest.mark.parametrize("zone", ["browser", ""])
def test_a_browser_zone_dashboard_reads_in_this_machines_zone(qtbot: QtBot, open_window: Any, sources: Workspace,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              zone: str) -> None:
    """Grafana reads a dashboard whose timezone is "browser" in the viewer's zone, and an empty one in the user's
    preferred zone, which is the browser's unless set (@grafana/scenes' SceneTimeRange.getTimeZone falls back to
    @grafana/data's default, "browser"); the CLI's check, with or without --from/--to, and the GUI's view read it
    in this machine's (both used UTC in some of these paths)."""
    from gui.dashboards.opener import open_dashboard

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    tokyo_midnight = 15 * 3_600_000  # 00:00 in Tokyo is 15:00 UTC (no daylight saving time there)
    path = tmp_path / "zones.json"
    path.write_text(json.dumps({"title": "zones", "schemaVersion": 39, "timezone": zone,
                                "time": {"from": "now/d", "to": "now"}, "panels": []}))
    for flags in ([], ["--from", "now/d", "--to", "now"]):
        done = run_cli("dashboard", "check", str(path), "--format", "json", *flags)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["from"] % 86_400_000 == tokyo_midnight, flags
    window = open_window(sources)
    view = open_dashboard(window, str(path))
    assert view is not None
    assert view.time_picker.raw()[2] == "browser"
    assert view.time_picker.time_range().from_ms % 86_400_000 == tokyo_midnight
