"""A Grafana dashboard JSON file read the way Grafana 8 to 12 store it: panels (nested in rows, collapsed or
not), their targets with the data source each one uses, the variables, the time range and the time settings.

Exports with `__inputs` and `${DS_...}` placeholders are read too: a placeholder keeps the plugin type that
`__inputs` names, so it can be bound to a configured data source later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import CqlscopeError

MAX_DASHBOARD_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
CQL_PLUGINS = ("scylladb-scylla-datasource", "hadesarchitect-cassandra-datasource")
MIXED = "-- Mixed --"
SPECIAL_SOURCES = (MIXED, "-- Grafana --", "-- Dashboard --")


class DashboardError(CqlscopeError):
    """A file that cannot be read as a dashboard; the message says what to fix."""

    title = "Invalid dashboard"


@dataclass(frozen=True)
class DataSourceRef:
    """What a panel or target names: a uid, a name (older schemas) or a `${DS_...}` input, and the plugin type
    when known. Every field may be empty: `DataSourceRef()` is the dashboard's default data source."""

    uid: str = ""
    name: str = ""
    type: str = ""
    input: str = ""  # the `DS_...` input name of an export placeholder

    @property
    def is_default(self) -> bool:
        return not (self.uid or self.name or self.input)

    @property
    def is_mixed(self) -> bool:
        return MIXED in (self.uid, self.name)

    def describe(self) -> str:
        label = self.name or self.uid or (f"${{{self.input}}}" if self.input else "the default data source")
        return f"{label} ({self.type})" if self.type else label


@dataclass
class Target:
    """One query of a panel, as Grafana stores it, and the data source it runs on."""

    ref_id: str
    datasource: DataSourceRef
    model: dict[str, Any]
    hidden: bool = False


@dataclass
class Panel:
    """One panel (rows flattened); `row` names the row it sits in, `row_repeat` that row's repeat variable."""

    id: int | None
    title: str
    type: str
    datasource: DataSourceRef
    targets: list[Target]
    repeat: str = ""
    row: str = ""
    row_repeat: str = ""
    max_data_points: int | None = None
    interval: str = ""


@dataclass
class Dashboard:
    """What the checker needs from a dashboard file."""

    title: str
    uid: str
    schema_version: int
    time_from: str
    time_to: str
    timezone: str
    week_start: str
    fiscal_year_start_month: int
    variables: list[dict[str, Any]]
    panels: list[Panel]
    inputs: dict[str, str] = field(default_factory=dict)  # DS_... input name -> plugin type


def load_dashboard(path: str | Path) -> Dashboard:
    """Read a dashboard JSON file; DashboardError with a clear message for anything else."""
    path = Path(path)
    try:
        if path.is_dir():
            raise DashboardError(f"{path} is a directory: give the dashboard's JSON file.")
        with path.open("rb") as handle:
            raw = handle.read(MAX_DASHBOARD_BYTES + 1)
    except OSError as error:
        raise DashboardError(f"cannot read {path}: {error.strerror or error}") from None
    if len(raw) > MAX_DASHBOARD_BYTES:
        raise DashboardError(f"{path} is larger than {MAX_DASHBOARD_BYTES // (1024 * 1024)} MB: not a dashboard.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DashboardError(f"{path} is not UTF-8 text (byte {error.start}): save the dashboard as JSON.") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise DashboardError(f"{path} nests JSON deeper than a dashboard can.") from None
    except json.JSONDecodeError as error:
        raise DashboardError(f"{path} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
    return parse_dashboard(data, str(path))


def parse_dashboard(data: Any, where: str = "the dashboard") -> Dashboard:
    """A Dashboard from parsed JSON: a dashboard object, or the `{"dashboard": ...}` wrapper of Grafana's API."""
    if isinstance(data, dict) and isinstance(data.get("dashboard"), dict) and "panels" not in data:
        data = data["dashboard"]
    if not isinstance(data, dict) or not isinstance(data.get("panels", []), list) or \
            not ("panels" in data or "rows" in data):
        raise DashboardError(f"{where} is not a Grafana dashboard: it has no 'panels' list.")
    _check_depth(data, where)
    inputs = {str(item.get("name")): str(item.get("pluginId", "")) for item in _list(data.get("__inputs"))
              if isinstance(item, dict) and item.get("type") == "datasource"}
    time: dict[str, Any] = data["time"] if isinstance(data.get("time"), dict) else {}
    templating: dict[str, Any] = data["templating"] if isinstance(data.get("templating"), dict) else {}
    variables = [v for v in _list(templating.get("list")) if isinstance(v, dict)]
    panels: list[Panel] = []
    for item in _panel_list(data):
        _collect(item, inputs, panels, row="", row_repeat="")
    return Dashboard(
        title=str(data.get("title") or "untitled"), uid=str(data.get("uid") or ""),
        schema_version=_int(data.get("schemaVersion"), 0), time_from=str(time.get("from") or "now-6h"),
        time_to=str(time.get("to") or "now"), timezone=str(data.get("timezone") or "browser"),
        week_start=str(data.get("weekStart") or ""),
        fiscal_year_start_month=_int(data.get("fiscalYearStartMonth"), 0), variables=variables, panels=panels,
        inputs=inputs)


def _panel_list(data: dict[str, Any]) -> list[Any]:
    """Panels of schema >= 16, or the `rows[].panels` of older files."""
    if isinstance(data.get("panels"), list):
        return list(data["panels"])
    panels: list[Any] = []
    for row in _list(data.get("rows")):
        if isinstance(row, dict):
            panels.append({"type": "row", "title": row.get("title", ""), "repeat": row.get("repeat", ""),
                           "panels": row.get("panels", [])})
    return panels


def _collect(item: Any, inputs: dict[str, str], out: list[Panel], row: str, row_repeat: str) -> None:
    if not isinstance(item, dict):
        return
    if item.get("type") == "row":
        title, repeat = str(item.get("title") or ""), str(item.get("repeat") or "")
        for child in _list(item.get("panels")):  # a collapsed row keeps its panels inside
            _collect(child, inputs, out, title, repeat)
        return
    panel_source = datasource_ref(item.get("datasource"), inputs)
    targets = []
    for index, raw in enumerate(_list(item.get("targets"))):
        if not isinstance(raw, dict):
            continue
        own = datasource_ref(raw.get("datasource"), inputs) if "datasource" in raw else DataSourceRef()
        source = own if (panel_source.is_mixed or panel_source.is_default) and not own.is_default else panel_source
        if not own.is_default and not panel_source.is_mixed and own.uid and own.uid != panel_source.uid:
            source = own  # Grafana 10+: the target's own data source wins
        ref_id = str(raw.get("refId") or chr(ord("A") + index % 26))
        targets.append(Target(ref_id, source, dict(raw), bool(raw.get("hide"))))
    out.append(Panel(
        id=item["id"] if isinstance(item.get("id"), int) else None, title=str(item.get("title") or ""),
        type=str(item.get("type") or ""), datasource=panel_source, targets=targets,
        repeat=str(item.get("repeat") or ""), row=row, row_repeat=row_repeat,
        max_data_points=item["maxDataPoints"] if isinstance(item.get("maxDataPoints"), int) else None,
        interval=str(item.get("interval") or "")))
    for child in _list(item.get("panels")):
        _collect(child, inputs, out, row, row_repeat)


def datasource_ref(raw: Any, inputs: dict[str, str]) -> DataSourceRef:
    """A panel's or target's `datasource`: null, a name or `${DS_X}` string (older schemas), or `{type, uid}`."""
    if raw is None:
        return DataSourceRef()
    if isinstance(raw, str):
        placeholder = _placeholder(raw)
        if placeholder:
            return DataSourceRef(input=placeholder, type=inputs.get(placeholder, ""))
        return DataSourceRef(name=raw)
    if isinstance(raw, dict):
        uid, kind = str(raw.get("uid") or ""), str(raw.get("type") or "")
        placeholder = _placeholder(uid)
        if placeholder:
            return DataSourceRef(input=placeholder, type=kind or inputs.get(placeholder, ""))
        if kind == "datasource" and uid in SPECIAL_SOURCES:
            return DataSourceRef(uid=uid, type=kind)
        return DataSourceRef(uid=uid, type=kind)
    return DataSourceRef()


def _placeholder(text: str) -> str:
    if text.startswith("${") and text.endswith("}"):
        return text[2:-1]
    if text.startswith("$") and text[1:].replace("_", "").isalnum():
        return text[1:]
    return ""


def _list(value: Any) -> list[Any]:
    """A list field; anything else (a number, a string, an object) holds no items."""
    return value if isinstance(value, list) else []


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _check_depth(data: Any, where: str) -> None:
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise DashboardError(f"{where} nests objects {MAX_DEPTH} levels deep or more: not a dashboard.")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
