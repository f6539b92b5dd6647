"""Grafana's global variables that come from the signed-in user, the org and the dashboard.

Grafana fills `${__user.login}`, `$__org`, `${__dashboard.uid}` and the like from its boot data and the
dashboard (scenes `macros/contextMacros.ts`, Grafana's `DashboardMacro.ts`); cqlscope lets the user say
what they are. The defaults are those of a fresh Grafana: user 1 "admin" in org 1 "Main Org.".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GrafanaGlobals:
    """Who runs the dashboard and which dashboard it is, as Grafana's global variables report them."""

    user_login: str = "admin"
    user_email: str = "admin@localhost"
    user_id: int = 1
    org_name: str = "Main Org."
    org_id: int = 1
    dashboard_uid: str = ""  # a dashboard not saved yet has none
    dashboard_title: str = "New dashboard"

    def user(self, field_path: str | None) -> str:
        """UserMacro.getValue: login, email, else the id."""
        if field_path == "login":
            return self.user_login
        if field_path == "email":
            return self.user_email
        return str(self.user_id)

    def org(self, field_path: str | None) -> str:
        """OrgMacro.getValue: name, else the id."""
        return self.org_name if field_path == "name" else str(self.org_id)

    def dashboard(self, field_path: str | None) -> str:
        """DashboardMacro.getValue: uid for `.uid`, else the title (`.name`, `.title`, `.id` included)."""
        first = field_path.split(".")[0] if field_path is not None else None
        return self.dashboard_uid if first == "uid" else self.dashboard_title
