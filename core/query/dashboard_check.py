"""`cqlscope dashboard check`: every CQL panel of a dashboard run the way Grafana would run it.

The dashboard's variables are resolved first (query variables through the plugin's `variables` resource),
repeated panels and rows are expanded per value, and each target is interpolated as the plugin's front end
does, then answered by the emulated plugin instance of the configured data source it is bound to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from core.config.datasource import DataSource
from core.config.workspace import Workspace
from core.errors import CqlscopeError
from core.grafana.dashboards.model import CQL_PLUGINS, Dashboard, DataSourceRef, Panel, Target
from core.grafana.dashboards.variables import VariableState, parse_overrides, resolve_variables
from core.grafana.globals import GrafanaGlobals
from core.grafana.plugins import PluginInstance, instance_for
from core.grafana.templating import Variable, interpolate
from core.grafana.timerange import TimeRange
from core.query.plugin_answers import answer_summary
from core.query.targets import PreparedTarget, Viewer, front_end_variables, prepare_target

FLAVOR_OF = {"scylladb-scylla-datasource": "scylla", "hadesarchitect-cassandra-datasource": "cassandra"}


@dataclass(frozen=True)
class TargetOrigin:
    """The target as the dashboard stores it and what its front end interpolated it with, so that a query tab
    can hold the query as written and still run what the check ran."""

    model: Mapping[str, Any]
    variables: Mapping[str, Variable]  # the dashboard's, with the panel's repeat values where the front end uses them
    max_data_points: int | None
    min_interval: str


@dataclass
class PanelCheck:
    """One target of one (possibly repeated) panel and what Grafana would show for it."""

    panel: str
    ref_id: str
    plugin: str
    datasource: str = ""
    cql: str = ""
    rows: int = 0
    status: str = "ok"  # ok | no data | error | warning | skipped
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    origin: TargetOrigin | None = field(default=None, repr=False, compare=False)  # not in the JSON report

    def to_dict(self) -> dict[str, Any]:
        return {"panel": self.panel, "refId": self.ref_id, "plugin": self.plugin, "datasource": self.datasource,
                "cql": self.cql, "rows": self.rows, "status": self.status, "message": self.message,
                "warnings": self.warnings}


@dataclass
class DashboardReport:
    """The whole check: the time range, the variables as resolved, and one line per target."""

    title: str
    time_range: TimeRange
    variables: dict[str, VariableState]
    checks: list[PanelCheck]

    @property
    def failed(self) -> bool:
        return any(check.status == "error" for check in self.checks)


@dataclass
class CheckOptions:
    """What the user chose: data sources to bind, variable overrides, and the time settings."""

    datasources: Sequence[str] = ()
    overrides: Sequence[str] = ()
    time_range: TimeRange | None = None
    # the browser's zone, the user and the org (the dashboard's uid and title are its own)
    viewer: Viewer = field(default_factory=Viewer)
    # The panels' width in pixels: a dashboard's query runner takes it as max data points for a panel without its
    # own (SceneQueryRunner maxDataPointsFromWidth); None: 500, its value when no width is known.
    panel_width: int | None = None


class Binder:
    """Binds a panel's data source reference to a configured data source, and keeps one plugin instance each."""

    def __init__(self, workspace: Workspace, chosen: Sequence[str]) -> None:
        self.workspace = workspace
        self.all = workspace.store.list()
        self.chosen = [workspace.store.get(name) for name in chosen]
        self.instances: dict[str, PluginInstance] = {}

    def bind(self, ref: DataSourceRef) -> DataSource | str:
        """The configured data source for `ref`, or why there is none (a message)."""
        for ds in self.all:
            if (ref.uid and ds.uid == ref.uid) or (ref.name and ds.name == ref.name):
                return ds
        wanted = ref.type
        if ref.is_default:
            candidates = [ds for ds in self.chosen] or [ds for ds in self.all if ds.is_default]
        else:
            candidates = [ds for ds in self.chosen if not wanted or ds.flavor.plugin_id == wanted]
            if not candidates:
                of_type = [ds for ds in self.all if not wanted or ds.flavor.plugin_id == wanted]
                candidates = of_type if len(of_type) == 1 else [ds for ds in of_type if ds.is_default]
        if candidates:
            return candidates[0]
        return (f"{ref.describe()} is not configured in cqlscope: add it (cqlscope datasource add) or name one "
                "with --datasource")

    def instance(self, ds: DataSource) -> PluginInstance:
        """The emulated plugin instance of `ds` (one per data source for the whole check, as in Grafana)."""
        if ds.uid not in self.instances:
            from core.provisioning.mapping import instance_settings

            secrets = {field: value for field in ("user", "password")
                       if (value := self.workspace.secrets.get(ds.uid, field)) is not None}
            self.instances[ds.uid] = instance_for(ds.flavor.plugin_id, instance_settings(ds, secrets))
        return self.instances[ds.uid]

    def close(self) -> None:
        for instance in self.instances.values():
            instance.close()


def check_dashboard(workspace: Workspace, dashboard: Dashboard, options: CheckOptions,
                    progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] = lambda: False) -> DashboardReport:
    """Resolve the variables, expand repeats and run every target; each failure is a line of the report."""
    from core.grafana.timerange import time_range

    span = options.time_range or time_range(
        dashboard.time_from, dashboard.time_to, dashboard_zone(dashboard.timezone),
        week_start=dashboard.week_start or None, fiscal_year_start_month=dashboard.fiscal_year_start_month,
        browser_timezone=options.viewer.browser_timezone, source="dashboard")
    # Grafana's DashboardMacro: ${__dashboard.uid} and $__dashboard are the dashboard's own.
    viewer = Viewer(options.viewer.browser_timezone, replace(options.viewer.grafana_globals or GrafanaGlobals(),
                                                             dashboard_uid=dashboard.uid,
                                                             dashboard_title=dashboard.title))
    binder = Binder(workspace, options.datasources)
    try:
        states = resolve_variables(dashboard.variables, parse_overrides(options.overrides),
                                   _variable_runner(binder, span), dashboard.inputs,
                                   lambda text, above: interpolate(
                                       text, above, time_range=span, default_format="csv",
                                       browser_timezone=viewer.browser_timezone,
                                       grafana_globals=viewer.grafana_globals).text)
        variables = {name: state.variable for name, state in states.items()}
        panels = [replace(panel, max_data_points=options.panel_width)
                  if options.panel_width and not panel.max_data_points else panel for panel in dashboard.panels]
        runs = expand_repeats(panels, variables, viewer.grafana_globals)
        checks: list[PanelCheck] = []
        for index, (panel, title, scoped) in enumerate(runs):
            if cancelled():
                break
            if progress is not None:
                progress(index, len(runs))
            checks.extend(_check_panel(binder, panel, title, variables, scoped, span, viewer))
        return DashboardReport(dashboard.title, span, states, checks)
    finally:
        binder.close()


def dashboard_zone(timezone: str) -> str:
    """The zone a dashboard's `timezone` names: "browser" stays the viewer's zone (this machine's, as a browser here
    reports it), an IANA name stays itself, and an empty one is the user's preference, which is "browser" unless
    set (Grafana's default time zone)."""
    return timezone or "browser"


def _variable_runner(binder: Binder, span: TimeRange) -> Callable[[DataSourceRef, str, Mapping[str, Variable]],
                                                                   list[tuple[str, str]]]:
    def run(ref: DataSourceRef, query: str, _above: Mapping[str, Variable]) -> list[tuple[str, str]]:
        bound = binder.bind(ref)
        if isinstance(bound, str):
            raise CqlscopeError(bound)
        if bound.flavor.plugin_id != "hadesarchitect-cassandra-datasource":
            raise CqlscopeError(f"the {bound.flavor.value} plugin has no query variables: Grafana shows an error "
                                "and the variable gets no options")
        answer = binder.instance(bound).resource("variables", {"query": query})
        if answer.status != 200:
            return []  # the front end logs the failure and the variable gets no options
        import json

        items = json.loads(answer.body or b"[]") or []
        return [(str(item.get("text", item.get("value", ""))), str(item.get("value", item.get("text", ""))))
                for item in items if isinstance(item, dict)]

    return run


def expand_repeats(panels: Sequence[Panel], variables: Mapping[str, Variable],
                   grafana_globals: GrafanaGlobals | None = None) -> list[tuple[Panel, str, dict[str, Variable]]]:
    """Each panel once per value of its (row's) repeat variable, with that value as a scoped variable."""
    runs: list[tuple[Panel, str, dict[str, Variable]]] = []
    for panel in panels:
        scopes: list[dict[str, Variable]] = [{}]
        for name in (panel.row_repeat, panel.repeat):
            if not name or name not in variables:
                continue
            scopes = [{**scope, name: one} for scope in scopes for one in _each_value(variables[name])]
        for scope in scopes:
            title = interpolate(panel.title or f"panel {panel.id}", {**variables, **scope},
                                grafana_globals=grafana_globals).text
            if scope:
                suffix = ", ".join(f"{k}={v.value}" for k, v in scope.items())
                title = f"{title} [{suffix}]"
            runs.append((panel, title, scope))
    return runs


def _each_value(variable: Variable) -> list[Variable]:
    values = variable.value if isinstance(variable.value, tuple) else (variable.value or "",)
    texts = variable.text if isinstance(variable.text, tuple) else (variable.text or "",) * len(values)
    return [Variable(variable.name, value, text) for value, text in zip(values, texts, strict=False)]


def _check_panel(binder: Binder, panel: Panel, title: str, variables: Mapping[str, Variable],
                 scoped: Mapping[str, Variable], span: TimeRange, viewer: Viewer) -> list[PanelCheck]:
    """One check per target, in the panel's order; Grafana sends one request per data source plugin, whose
    first target decides the cassandra front end's mode."""
    if not panel.targets:
        return [PanelCheck(title, "-", "?", status="skipped", message="the panel has no queries")]
    plugins = [target.datasource.type or _bound_type(binder, target.datasource) for target in panel.targets]
    firsts: dict[str, Target] = {}
    for plugin, target in zip(plugins, panel.targets, strict=True):
        firsts.setdefault(plugin, target)
    checks: list[PanelCheck] = []
    for plugin, target in zip(plugins, panel.targets, strict=True):
        if plugin not in CQL_PLUGINS:
            checks.append(PanelCheck(title, target.ref_id, plugin or "?", status="skipped",
                                     message=f"not a CQL data source ({target.datasource.describe()})"))
        else:
            checks.append(_check_target(binder, plugin, panel, title, target, firsts[plugin], variables, scoped,
                                        span, viewer))
    return checks


def _bound_type(binder: Binder, ref: DataSourceRef) -> str:
    bound = binder.bind(ref)
    return bound.flavor.plugin_id if isinstance(bound, DataSource) else ""


def _check_target(binder: Binder, plugin: str, panel: Panel, title: str, target: Target, first: Target,
                  variables: Mapping[str, Variable], scoped: Mapping[str, Variable], span: TimeRange,
                  viewer: Viewer) -> PanelCheck:
    flavor = FLAVOR_OF[plugin]
    used = front_end_variables(flavor, target.model, variables, scoped)
    check = PanelCheck(title, target.ref_id, flavor,
                       origin=TargetOrigin(target.model, used, panel.max_data_points, panel.interval))
    if target.hidden:
        check.status, check.message = "skipped", "hidden: Grafana does not run it"
        return check
    bound = binder.bind(target.datasource)
    if isinstance(bound, str):
        check.status, check.message = "error", bound
        return check
    check.datasource = bound.name
    try:
        prepared: PreparedTarget = prepare_target(flavor, target.model, first.model, variables, scoped, span,
                                                  panel.max_data_points, panel.interval, viewer=viewer)
    except CqlscopeError as exc:
        check.status, check.message = "error", exc.message
        return check
    check.cql, check.warnings = prepared.cql, prepared.warnings
    if prepared.front_end_error:
        check.status, check.message = "error", prepared.front_end_error
        return check
    answer = binder.instance(bound).query(prepared.request)
    summary = answer_summary(answer, target.ref_id)
    check.rows, check.status, check.message = summary.rows, summary.status, summary.message
    if check.status == "ok" and check.warnings:
        check.status = "warning"
    return check
