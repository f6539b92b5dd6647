"""The Grafana context dialog: the viewer's browser zone, user and org, and the dashboard a typed query belongs to
(its uid, title and fiscal year start), as Grafana's global variables and time settings would report them."""

from __future__ import annotations

import calendar

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import CqlscopeError
from core.grafana.globals import GrafanaGlobals
from core.grafana.timerange import local_zone_name, resolve_zone
from gui.query.grafana_context import GrafanaContext, GrafanaContextHolder
from gui.query.time_range import ZONES

THIS_MACHINE = "This machine's"


class GrafanaContextDialog(QDialog):
    """Edits a GrafanaContext; `context()` is the edited one (OK stays disabled while the zone is unknown)."""

    def __init__(self, context: GrafanaContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Grafana context")
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.addItem(f"{THIS_MACHINE} ({local_zone_name()})", "")
        for name in ZONES[2:]:  # IANA names (utc and browser are dashboard zones, not a browser's)
            self.zone.addItem(name, name)
        self.zone.setToolTip("The viewer's browser zone: 'browser' dashboards, $__timezone and date formats.")
        self.user_login, self.user_email, self.org_name = QLineEdit(), QLineEdit(), QLineEdit()
        self.dashboard_uid, self.dashboard_title = QLineEdit(), QLineEdit()
        self.dashboard_uid.setPlaceholderText("none (an unsaved dashboard)")
        self.user_id, self.org_id = QSpinBox(), QSpinBox()
        for spin in (self.user_id, self.org_id):
            spin.setRange(0, 2**31 - 1)
        self.fiscal = QComboBox()
        for month in range(1, 13):
            self.fiscal.addItem(calendar.month_name[month], month)
        self.fiscal.setToolTip("The dashboard's fiscal year start: where now/fy and now/fQ begin.")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a50e0e;")
        viewer = QGroupBox("Viewer: Grafana's signed-in user and org, and the browser")
        viewer_form = QFormLayout(viewer)
        for label, widget in (("Browser time zone", self.zone), ("User login (${__user.login})", self.user_login),
                              ("User email (${__user.email})", self.user_email), ("User id ($__user)", self.user_id),
                              ("Org name (${__org.name})", self.org_name), ("Org id ($__org)", self.org_id)):
            viewer_form.addRow(label, widget)
        dashboard = QGroupBox("Dashboard of a typed query (a checked dashboard uses its own)")
        dashboard_form = QFormLayout(dashboard)
        for label, widget in (("Dashboard uid (${__dashboard.uid})", self.dashboard_uid),
                              ("Dashboard title ($__dashboard)", self.dashboard_title),
                              ("Fiscal year starts in", self.fiscal)):
            dashboard_form.addRow(label, widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.setToolTip("A fresh Grafana's admin user in Main Org., an unsaved dashboard, this machine's zone.")
        restore.clicked.connect(lambda: self.show_context(GrafanaContext()))
        layout = QVBoxLayout(self)
        layout.addWidget(viewer)
        layout.addWidget(dashboard)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.zone.currentTextChanged.connect(lambda _text: self._check())
        self.show_context(context)

    def show_context(self, context: GrafanaContext) -> None:
        index = self.zone.findData(context.browser_timezone)
        if index >= 0:
            self.zone.setCurrentIndex(index)
        else:
            self.zone.setCurrentText(context.browser_timezone)
        ours = context.grafana_globals
        for edit, text in ((self.user_login, ours.user_login), (self.user_email, ours.user_email),
                           (self.org_name, ours.org_name), (self.dashboard_uid, ours.dashboard_uid),
                           (self.dashboard_title, ours.dashboard_title)):
            edit.setText(text)
        self.user_id.setValue(ours.user_id)
        self.org_id.setValue(ours.org_id)
        self.fiscal.setCurrentIndex(context.fiscal_year_start_month - 1)
        self._check()

    def browser_zone(self) -> str:
        """The zone chosen or typed ("" for this machine's)."""
        text = self.zone.currentText().strip()
        index = self.zone.findText(text)
        if index >= 0:
            return str(self.zone.itemData(index) or "")
        return "" if text in ("", "browser") else text

    def context(self) -> GrafanaContext:
        ours = GrafanaGlobals(user_login=self.user_login.text(), user_email=self.user_email.text(),
                              user_id=self.user_id.value(), org_name=self.org_name.text(), org_id=self.org_id.value(),
                              dashboard_uid=self.dashboard_uid.text(), dashboard_title=self.dashboard_title.text())
        return GrafanaContext(self.browser_zone(), ours, int(self.fiscal.currentData()))

    def _check(self) -> None:
        zone = self.browser_zone()
        message = ""
        if zone:
            try:
                resolve_zone(zone)
            except CqlscopeError:
                message = f"Unknown time zone '{zone}': pick one from the list or type an IANA name (Europe/Berlin)."
        self.problem.setText(message)
        self.problem.setVisible(bool(message))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not message)


def edit_context(holder: GrafanaContextHolder, parent: QWidget | None = None) -> None:
    """Open the dialog on the holder's context; OK sets the edited one (every tab and dashboard view follows)."""
    dialog = GrafanaContextDialog(holder.value, parent)
    dialog.setObjectName("grafana-context-dialog")
    dialog.accepted.connect(lambda: holder.set(dialog.context()))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
