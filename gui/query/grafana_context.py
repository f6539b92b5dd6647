"""The window's Grafana context: the viewer's browser zone, user and org, and for queries typed in a tab the
dashboard's uid, title and fiscal year start; what `--browser-timezone`, `--user-login`, `--dashboard-uid`,
`--fiscal-year-start-month` and the like give the CLI. One per window, kept in its settings file."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from core.grafana.globals import GrafanaGlobals
from core.query.targets import Viewer
from gui.common.window_state import read_int, read_text

_KEY = "grafana/"


@dataclass(frozen=True)
class GrafanaContext:
    """What Grafana would know that a query does not say: who views it, in which browser zone, on which dashboard."""

    browser_timezone: str = ""  # "" is this machine's zone, as a browser here reports it
    grafana_globals: GrafanaGlobals = field(default_factory=GrafanaGlobals)
    fiscal_year_start_month: int = 1  # 1 (January) to 12

    def viewer(self) -> Viewer:
        return Viewer(self.browser_timezone or None, self.grafana_globals)

    def with_dashboard(self, dashboard: Mapping[str, Any]) -> GrafanaContext:
        """This context on a dashboard as its JSON names it ("uid", "title", "fiscalYearStartMonth" 0-11); an
        empty one leaves it as it is."""
        if not dashboard:
            return self
        month = dashboard.get("fiscalYearStartMonth")
        globals_ = replace(self.grafana_globals, dashboard_uid=str(dashboard.get("uid") or ""),
                           dashboard_title=str(dashboard.get("title") or ""))
        if isinstance(month, int) and not isinstance(month, bool) and 0 <= month <= 11:
            return replace(self, grafana_globals=globals_, fiscal_year_start_month=month + 1)
        return replace(self, grafana_globals=globals_)

    def summary(self) -> list[str]:
        """What differs from a fresh Grafana's in this machine's zone, in a few words each."""
        default = GrafanaGlobals()
        ours = self.grafana_globals
        changed = [f"browser {self.browser_timezone}"] if self.browser_timezone else []
        if (ours.user_login, ours.user_email, ours.user_id) != (default.user_login, default.user_email,
                                                                 default.user_id):
            changed.append(f"user {ours.user_login}")
        if (ours.org_name, ours.org_id) != (default.org_name, default.org_id):
            changed.append(f"org {ours.org_name}")
        if (ours.dashboard_uid, ours.dashboard_title) != (default.dashboard_uid, default.dashboard_title):
            changed.append(f"dashboard {ours.dashboard_title or ours.dashboard_uid}")
        if self.fiscal_year_start_month != 1:
            changed.append(f"fiscal year from {calendar.month_name[self.fiscal_year_start_month]}")
        return changed


class GrafanaContextHolder(QObject):
    """The window's current context; `changed` when it is set to another one."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.value = GrafanaContext()

    def set(self, value: GrafanaContext) -> None:
        if value != self.value:
            self.value = value
            self.changed.emit()


def load_context(settings: QSettings) -> GrafanaContext:
    """The context kept in the window settings; a missing or unreadable value is the default's."""
    values: dict[str, str | int] = {}
    for item in fields(GrafanaGlobals):
        key, default = _KEY + item.name, getattr(GrafanaGlobals(), item.name)
        if not settings.contains(key):
            values[item.name] = default
        elif isinstance(default, int):
            values[item.name] = read_int(settings, key, default)
        else:
            values[item.name] = read_text(settings, key)
    month = read_int(settings, _KEY + "fiscal_year_start_month", 1)
    return GrafanaContext(read_text(settings, _KEY + "browser_timezone"), GrafanaGlobals(**values),  # type: ignore[arg-type]
                          month if 1 <= month <= 12 else 1)


def save_context(settings: QSettings, context: GrafanaContext) -> None:
    settings.setValue(_KEY + "browser_timezone", context.browser_timezone)
    settings.setValue(_KEY + "fiscal_year_start_month", context.fiscal_year_start_month)
    for item in fields(GrafanaGlobals):
        settings.setValue(_KEY + item.name, getattr(context.grafana_globals, item.name))
