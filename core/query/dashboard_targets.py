"""A dashboard panel's target turned into the request the plugin's backend receives, as each plugin's front
end builds it: which fields are interpolated, with which default format and scoped variables, and what the
front end refuses before anything is sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.grafana.flavors import prepare_query
from core.grafana.plugins import PluginRequest
from core.grafana.report import query_findings
from core.grafana.templating import Variable
from core.grafana.timerange import DEFAULT_MAX_DATA_POINTS, TimeRange, calculate_interval

# The cassandra plugin's front end (src/datasource.ts, 3.3.0) throws these for the whole request, judging by
# the request's first target; its "editor" is the builder.
BUILDER_INCOMPLETE = "Skipping query execution while not all editor fields are filled"
RAW_INCOMPLETE = "Skipping query execution while not all configurator fields are filled"
BUILDER_FIELDS = ("keyspace", "table", "columnTime", "columnValue", "columnId", "valueId")
PLACEHOLDER_TARGET = "select metric"  # removed by the cassandra front end before sending


@dataclass
class PreparedTarget:
    """The backend request, the CQL as far as cqlscope can show it, and front-end findings."""

    request: PluginRequest
    cql: str
    warnings: list[str] = field(default_factory=list)
    front_end_error: str = ""


def prepare_target(flavor: str, model: Mapping[str, Any], first: Mapping[str, Any],
                   variables: Mapping[str, Variable], scoped: Mapping[str, Variable], span: TimeRange,
                   max_data_points: int | None = None, min_interval: str = "") -> PreparedTarget:
    """Interpolate `model` as the flavor's front end does; `first` is the request's first target."""
    points = max_data_points or DEFAULT_MAX_DATA_POINTS
    interval = calculate_interval(span.range_ms, points, min_interval or None)
    ref_id = str(model.get("refId") or "A")
    if flavor == "scylla":
        return _scylla(model, variables, span, ref_id, points, interval.ms)
    return _cassandra(model, first, {**variables, **scoped}, span, ref_id, points, interval)


def _scylla(model: Mapping[str, Any], variables: Mapping[str, Variable], span: TimeRange, ref_id: str,
            points: int, interval_ms: int) -> PreparedTarget:
    """The scylla front end interpolates queryText and queryHost with no format and no scoped variables."""
    text = str(model.get("queryText") or "")
    host = str(model.get("queryHost") or "")
    all_hosts = bool(model.get("allHosts"))
    prepared = prepare_query("scylla", text, variables, span, host=host or None, all_hosts=all_hosts)
    host_text = prepared.host_interpolation.text if prepared.host_interpolation is not None else host
    target = {**model, "queryText": prepared.text, "queryHost": host_text, "allHosts": all_hosts}
    request = PluginRequest(target, span.from_ms, span.to_ms, ref_id, points, interval_ms)
    warnings = [f.message for f in query_findings(prepared) if f.severity in ("error", "warning")]
    return PreparedTarget(request, prepared.text, warnings)


def _cassandra(model: Mapping[str, Any], first: Mapping[str, Any], variables: Mapping[str, Variable],
               span: TimeRange, ref_id: str, points: int, interval: Any) -> PreparedTarget:
    """The cassandra front end checks the first target's mode, then interpolates `target` and `valueId` with
    csv as the default format, the panel's scoped variables and the request's interval."""
    error = ""
    if not first.get("rawQuery"):
        if not all(first.get(name) for name in BUILDER_FIELDS):
            error = BUILDER_INCOMPLETE
    elif not first.get("target"):
        error = RAW_INCOMPLETE
    raw = bool(model.get("rawQuery"))
    text = str(model.get("target") or "")
    warnings: list[str] = []
    cql = ""
    if raw:
        prepared = prepare_query("cassandra", text, variables, span, interval=interval, max_data_points=points)
        target_text = prepared.interpolation.text
        cql = prepared.text
        warnings = [f.message for f in query_findings(prepared) if f.severity in ("error", "warning")]
    else:
        target_text = _csv(text, variables, span, interval)
    value_id = _csv(str(model.get("valueId") or ""), variables, span, interval)
    target = {**model, "target": target_text, "valueId": value_id, "queryType": "query"}
    if not raw:
        cql = builder_cql(target, span)
    request = PluginRequest(target, span.from_ms, span.to_ms, ref_id, points, interval.ms)
    return PreparedTarget(request, cql, warnings, error)


def _csv(text: str, variables: Mapping[str, Variable], span: TimeRange, interval: Any) -> str:
    from core.grafana.templating import interpolate

    return interpolate(text, variables, time_range=span, default_format="csv", interval=interval).text


def builder_cql(target: Mapping[str, Any], span: TimeRange) -> str:
    """The CQL the cassandra plugin's backend builds from the builder fields (core.grafana.plugins)."""
    try:
        from core.grafana.plugins.cassandra_builder import build_cql  # type: ignore[import-not-found]
    except ImportError:
        return f"(built by the plugin from {target.get('keyspace')}.{target.get('table')})"
    text: str = build_cql(target, span.from_ms, span.to_ms)
    return text
