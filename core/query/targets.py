"""A panel target (as Grafana stores it) turned into the request the plugin's backend receives, as each
plugin's front end builds it: which fields are sent and interpolated, with which default format and scoped
variables, and what the front end refuses before anything is sent. `cqlscope query --target` and the
dashboard checker both use it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.grafana.flavors import prepare_query
from core.grafana.globals import GrafanaGlobals
from core.grafana.plugins import PluginRequest
from core.grafana.plugins.cassandra_query import apply_time_range, split_ids
from core.grafana.report import query_findings
from core.grafana.templating import Variable, interpolate
from core.grafana.timerange import DEFAULT_MAX_DATA_POINTS, Interval, TimeRange, calculate_interval
from core.grafana.timezones import TimeExpressionError

# The cassandra plugin's front end (src/datasource.ts, 3.3.0) throws these for the whole request, judging by
# the request's first target; its "editor" is the builder.
BUILDER_INCOMPLETE = "Skipping query execution while not all editor fields are filled"
RAW_INCOMPLETE = "Skipping query execution while not all configurator fields are filled"
# @grafana/data rangeutil describeInterval's error, for a panel's min interval that does not parse.
INVALID_INTERVAL = ('Invalid interval string, has to be either unit-less or end with one of the following units: '
                    '"y, M, w, d, h, m, s, ms"')
BUILDER_FIELDS = ("keyspace", "table", "columnTime", "columnValue", "columnId", "valueId")
# The fields the cassandra front end sends (datasource.ts buildQueryParameters).
CASSANDRA_FIELDS = ("datasourceId", "queryType", "target", "refId", "hide", "rawQuery", "filtering", "keyspace",
                    "table", "columnTime", "columnValue", "columnId", "valueId", "alias", "instant")


@dataclass
class PreparedTarget:
    """The backend request, the CQL as far as cqlscope can show it, and front-end findings."""

    request: PluginRequest
    cql: str
    warnings: list[str] = field(default_factory=list)
    front_end_error: str = ""


@dataclass(frozen=True)
class Viewer:
    """Who looks at the panel and where it is: the browser's zone (None: this machine's) and Grafana's global
    variables (user, org and dashboard; None: a fresh Grafana's and an unsaved dashboard)."""

    browser_timezone: str | None = None
    grafana_globals: GrafanaGlobals | None = None


def prepare_target(flavor: str, model: Mapping[str, Any], first: Mapping[str, Any] | None,
                   variables: Mapping[str, Variable], scoped: Mapping[str, Variable], span: TimeRange,
                   max_data_points: int | None = None, min_interval: str = "",
                   interval: Interval | None = None, viewer: Viewer = Viewer()) -> PreparedTarget:
    """Interpolate `model` as the flavor's front end does; `first` is the request's first target (None: this
    one). Alert queries run on the Grafana server, which never substitutes dashboard variables."""
    points = max_data_points or DEFAULT_MAX_DATA_POINTS
    ref_id = str(model["refId"]) if isinstance(model.get("refId"), str) and model["refId"] else "A"
    alert = model.get("queryType") == "alert"
    if interval is None:
        try:
            # the query runner's scope: a repeat's own value, even for the scylla plugin
            interval = panel_interval(span, points, min_interval, {} if alert else {**variables, **scoped}, viewer)
        except TimeExpressionError:  # thrown for the whole request: the panel shows Grafana's own text
            return PreparedTarget(PluginRequest(dict(model), span.from_ms, span.to_ms, ref_id, points, 0, alert), "",
                                  front_end_error=INVALID_INTERVAL)
    used = front_end_variables(flavor, model, variables, scoped)
    if flavor == "scylla":
        return _scylla(model, used, span, ref_id, points, interval.ms, alert, viewer)
    return _cassandra(model, first if first is not None else model, used, span, ref_id, points, interval, alert,
                      viewer)


def front_end_variables(flavor: str, model: Mapping[str, Any], variables: Mapping[str, Variable],
                        scoped: Mapping[str, Variable]) -> Mapping[str, Variable]:
    """The variables the flavor's front end interpolates the target with: none for an alert query, the dashboard's
    for the scylla plugin (no scoped variables), the dashboard's and the panel's repeat values for the cassandra
    plugin."""
    if model.get("queryType") == "alert":
        return {}
    return variables if flavor == "scylla" else {**variables, **scoped}


def panel_interval(span: TimeRange, max_data_points: int, min_interval: str, variables: Mapping[str, Variable],
                   viewer: Viewer = Viewer()) -> Interval:
    """$__interval as SceneQueryRunner computes it: the range over max data points, rounded, and never below the
    panel's min interval, which is interpolated first (the panel's repeat value included); TimeExpressionError when
    that does not parse."""
    lower = None
    if min_interval:
        lower = interpolate(min_interval, variables, time_range=span, browser_timezone=viewer.browser_timezone,
                            grafana_globals=viewer.grafana_globals).text
    return calculate_interval(span.range_ms, max_data_points, lower or None)


def _scylla(model: Mapping[str, Any], variables: Mapping[str, Variable], span: TimeRange, ref_id: str,
            points: int, interval_ms: int, alert: bool, viewer: Viewer) -> PreparedTarget:
    """The scylla front end interpolates queryText and queryHost with no format and no scoped variables."""
    text = model.get("queryText") if isinstance(model.get("queryText"), str) else ""
    host = model.get("queryHost") if isinstance(model.get("queryHost"), str) else ""
    all_hosts = model.get("allHosts") is True
    prepared = prepare_query("scylla", str(text), variables, span, host=str(host) or None, all_hosts=all_hosts,
                             browser_timezone=viewer.browser_timezone, grafana_globals=viewer.grafana_globals)
    host_text = prepared.host_interpolation.text if prepared.host_interpolation is not None else host
    target = dict(model)
    if not alert:
        target.update(queryText=prepared.text, queryHost=host_text)
    request = PluginRequest(target, span.from_ms, span.to_ms, ref_id, points, interval_ms, alert)
    warnings = [f.message for f in query_findings(prepared) if f.severity in ("error", "warning")]
    return PreparedTarget(request, prepared.text, warnings)


def _cassandra(model: Mapping[str, Any], first: Mapping[str, Any], variables: Mapping[str, Variable],
               span: TimeRange, ref_id: str, points: int, interval: Interval, alert: bool,
               viewer: Viewer) -> PreparedTarget:
    """The cassandra front end checks the first target's mode, then interpolates `target` and `valueId` with
    csv as the default format, the panel's scoped variables and the request's interval."""
    error = ""
    if not first.get("rawQuery"):
        if not all(first.get(name) for name in BUILDER_FIELDS):
            error = BUILDER_INCOMPLETE
    elif not first.get("target"):
        error = RAW_INCOMPLETE
    raw = model.get("rawQuery") is True
    text = model.get("target") if isinstance(model.get("target"), str) else ""
    warnings: list[str] = []
    prepared = prepare_query("cassandra", str(text), variables, span, interval=interval, max_data_points=points,
                             browser_timezone=viewer.browser_timezone, grafana_globals=viewer.grafana_globals)
    if raw:
        warnings = [f.message for f in query_findings(prepared) if f.severity in ("error", "warning")]
    value_id = model.get("valueId") if isinstance(model.get("valueId"), str) else ""
    target = {key: model[key] for key in CASSANDRA_FIELDS if key in model}
    target["target"] = str(text) if alert else prepared.interpolation.text
    target["valueId"] = str(value_id) if alert else _csv(str(value_id), variables, span, interval, viewer)
    target.setdefault("queryType", "query")
    cql = apply_time_range(target["target"] if raw else builder_cql(target), span.from_ms, span.to_ms)
    request = PluginRequest(target, span.from_ms, span.to_ms, ref_id, points, interval.ms, alert)
    return PreparedTarget(request, cql, warnings, error)


def _csv(text: str, variables: Mapping[str, Variable], span: TimeRange, interval: Interval, viewer: Viewer) -> str:
    return interpolate(text, variables, time_range=span, default_format="csv", interval=interval,
                       browser_timezone=viewer.browser_timezone, grafana_globals=viewer.grafana_globals).text


def builder_cql(target: Mapping[str, Any]) -> str:
    """A builder target as plain CQL: the plugin's statement (BuildStatement) with its bound values written in
    (ids as text literals, integers as numbers) and the time macros left for the range."""
    missing = [name for name in BUILDER_FIELDS if not isinstance(target.get(name), str) or not target.get(name)]
    if missing:
        return ""
    ids = ", ".join(part if part.lstrip("-").isdigit() else "'" + part.replace("'", "''") + "'"
                    for part in split_ids(str(target["valueId"])))
    column_id, column_time = target["columnId"], target["columnTime"]
    text = (f"SELECT {column_id}, {target['columnValue']}, {column_time} FROM {target['keyspace']}.{target['table']} "
            f"WHERE {column_id} IN ({ids}) AND {column_time} >= $__timeFrom AND {column_time} <= $__timeTo")
    if target.get("instant"):
        text += " PER PARTITION LIMIT 1"
    if target.get("filtering"):
        text += " ALLOW FILTERING"
    return text


def builder_text(fields: Mapping[str, Any], variables: Mapping[str, Variable], span: TimeRange,
                 max_data_points: int, viewer: Viewer = Viewer(), min_interval: str = "") -> str:
    """The CQL of a builder target as the plugin would run it: `valueId` interpolated by the front end (csv),
    then split into ids; the time macros stay for the cassandra flavor's preparation."""
    interval = panel_interval(span, max_data_points, min_interval, variables, viewer)
    value_id = str(fields.get("valueId") or "")
    return builder_cql({**fields, "valueId": _csv(value_id, variables, span, interval, viewer)})
