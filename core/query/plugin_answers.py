"""The emulated plugin of a configured data source, and what a panel shows for its answer (the JSON Grafana
receives): its rows, or no data, or the error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.config.datasource import DataSource
    from core.config.workspace import Workspace
    from core.grafana.plugins import PluginInstance
    from core.query.service import QueryRequest


@dataclass(frozen=True)
class AnswerSummary:
    """The panel's state: ok with a row count, "no data", or "error" with the message Grafana shows."""

    status: str
    rows: int
    message: str = ""


def answer_summary(answer: Mapping[str, Any], ref_id: str = "A") -> AnswerSummary:
    """Summarise a QueryData answer for one refId, as the panel would show it."""
    if answer.get("error"):
        return AnswerSummary("error", 0, str(answer["error"]))
    result = (answer.get("results") or {}).get(ref_id) or {}
    if result.get("error"):
        return AnswerSummary("error", 0, str(result["error"]))
    rows = sum(frame_rows(frame) for frame in result.get("frames") or [])
    if rows == 0:
        return AnswerSummary("no data", 0, "the panel shows \"No data\"")
    return AnswerSummary("ok", rows)


def frame_rows(frame: Mapping[str, Any]) -> int:
    """Rows of one frame in data frame JSON (the length of its first column)."""
    values = (frame.get("data") or {}).get("values") or []
    return len(values[0]) if values and isinstance(values[0], list) else 0


def grafana_settings(ws: Workspace, ds: DataSource) -> dict[str, Any]:
    """DataSourceInstanceSettings as Grafana would pass them for this data source once provisioned."""
    from core.provisioning.mapping import instance_settings

    credentials = ws.credentials(ds)
    secrets = {name: value for name, value in (("user", credentials.user), ("password", credentials.password))
               if value is not None}
    return {"user": "", "database": "", **instance_settings(ds, secrets)}


def plugin_instance(ws: Workspace, ds: DataSource) -> PluginInstance:
    """A new emulated instance of the data source's plugin release (close it when done)."""
    from core.grafana.plugins import instance_for

    return instance_for(ds.flavor.plugin_id, grafana_settings(ws, ds))


def answer_for(ws: Workspace, ds: DataSource, request: QueryRequest) -> dict[str, Any]:
    """The JSON Grafana would receive from the data source's plugin for this query as a panel's raw target
    (cqlscope's own host override is not part of it: the plugin's fields are the target's)."""
    from core.query.service import request_interval
    from core.query.targets import Viewer, prepare_target

    flavor = request.flavor if request.flavor in ("scylla", "cassandra") else ds.flavor.value
    model: dict[str, Any] = ({"refId": "A", "queryText": request.text, "queryHost": "", "allHosts": False}
                             if flavor == "scylla" else
                             {"refId": "A", "rawQuery": True, "target": request.text, "queryType": "query"})
    if request.target_model is not None:
        model = {"refId": "A", **request.target_model}
    prepared = prepare_target(flavor, model, None, request.variables, {}, request.time_range,
                              request.max_data_points, interval=request_interval(request),
                              viewer=Viewer(request.browser_timezone, request.grafana_globals))
    if prepared.front_end_error:
        return {"error": prepared.front_end_error}
    if flavor != ds.flavor.value:
        return {"error": f"the data source is configured for the {ds.flavor.value} plugin, not {flavor}"}
    instance = plugin_instance(ws, ds)
    try:
        return instance.query(prepared.request)
    finally:
        instance.close()


def answer_json(answer: Mapping[str, Any]) -> str:
    """The answer as Grafana's JSON text (Go's float and string forms), byte for byte what
    `cqlscope query --target FILE --format plugin` prints."""
    from core.grafana.plugins.gotext import go_json_dumps

    return go_json_dumps(dict(answer))
