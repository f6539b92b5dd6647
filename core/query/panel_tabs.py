"""A checked panel's target as a query tab holds it: the query as written (not as interpolated), the variables,
range, max data points and min interval it was checked with, and the dashboard's own uid, title and fiscal year,
so that the tab previews and runs exactly what the check ran and the user can change any of them."""

from __future__ import annotations

from typing import Any

from core.config.saved_queries import QueryTabState
from core.grafana.dashboards.model import Dashboard
from core.grafana.template_variables import dump_variables
from core.grafana.timerange import DEFAULT_MAX_DATA_POINTS, TimeRange
from core.query.dashboard_check import PanelCheck
from core.query.targets import BUILDER_FIELDS

TITLE_LIMIT = 60


def tab_state_for(check: PanelCheck, span: TimeRange | None, dashboard: Dashboard) -> QueryTabState:
    """The query tab of `check`, checked over `span` (None: the tab's default range) on `dashboard`."""
    state = QueryTabState(title=f"{check.panel} / {check.ref_id}"[:TITLE_LIMIT], text=check.cql, flavor=check.plugin)
    if span is not None:
        state.raw_from, state.raw_to, state.timezone = str(span.from_ms), str(span.to_ms), span.timezone
        state.week_start = span.week_start or ""
    state.dashboard = {"uid": dashboard.uid, "title": dashboard.title,
                       "fiscalYearStartMonth": dashboard.fiscal_year_start_month}
    origin = check.origin
    if origin is None:  # not a CQL target: the tab shows what the check showed
        return state
    model = origin.model
    state.variables = dump_variables(origin.variables)
    state.max_data_points = origin.max_data_points or DEFAULT_MAX_DATA_POINTS
    state.min_interval = origin.min_interval
    if check.plugin == "scylla":
        state.text = _text(model, "queryText")
        state.host = _text(model, "queryHost")
        state.all_hosts = model.get("allHosts") is True
    else:
        state.text = _text(model, "target")
        state.mode = "raw" if model.get("rawQuery") is True else "builder"
        state.builder = _builder(model)
        state.alias = _text(model, "alias")
    return state


def _text(model: Any, key: str) -> str:
    value = model.get(key)
    return value if isinstance(value, str) else ""


def _builder(model: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {name: _text(model, name) for name in BUILDER_FIELDS}
    fields["filtering"] = model.get("filtering") is True
    fields["instant"] = model.get("instant") is True
    return fields
