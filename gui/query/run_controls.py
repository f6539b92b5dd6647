"""The run controls of a query tab: flavor, cqlscope's host override, Run/Cancel, progress, and the rarely changed
run options (consistency, row limit, fetch size, timeout, tracing, the window's Grafana context) in a row that
folds away; the Options button names the options that differ from their defaults, so a folded row never hides a
setting."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.config.datasource import CONSISTENCIES
from core.config.saved_queries import QueryTabState
from core.cql.nodes import NodeInfo
from core.grafana.flavors import FLAVOR_NAMES
from gui.common.eliding_label import ElidingLabel

ALL_HOSTS = "All hosts"  # the host combo's entry that runs the query on every node
DEFAULT_ROUTING = ""  # its entry that leaves the choice of node to the session
OPTIONS_TEXT_MAX_PX = 190  # the Options button's text is elided beyond this (a 1024-pixel window holds it)
_OPTIONS_HELP = ("Show or hide the run options: consistency, row limit, fetch size, timeout, tracing and the Grafana "
                 "context (Ctrl+Shift+O).")
_DEFAULTS = QueryTabState()  # a new tab's run options: the Options button names those that differ


class RunControls(QWidget):
    """The two rows above the editor; the tab connects the buttons and reads the values."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flavor_combo = QComboBox()
        self.flavor_combo.addItems(FLAVOR_NAMES)
        self.flavor_combo.setToolTip("Prepare the query as this Grafana plugin would (default: the data source's).")
        self.host_combo = QComboBox()
        self.host_combo.setEditable(True)
        self.host_combo.setMinimumWidth(140)
        host_edit = self.host_combo.lineEdit()
        assert host_edit is not None
        host_edit.setPlaceholderText("Default routing")
        self.host_combo.setToolTip("Pin the query to one node (host, host:port, a comma list or a $variable), "
                                   "or run it on all hosts.")
        self.refresh_button = QToolButton()
        self.refresh_button.setText("⟳ Schema")
        self.refresh_button.setToolTip("Reload keyspaces, tables, columns and nodes (on a connection of its own).")
        self.run_button = QPushButton("▶ Run")
        self.run_button.setToolTip("Run the query (Ctrl+Enter).")
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("■ Cancel")
        self.cancel_button.setToolTip("Stop fetching (Esc).")
        self.cancel_button.setEnabled(False)
        self.consistency_combo = QComboBox()
        self.consistency_combo.addItem("(data source)", "")
        for level in CONSISTENCIES:
            self.consistency_combo.addItem(level, level)
        self.limit_spin = QSpinBox()
        self.limit_spin.setRange(0, 100_000_000)
        self.limit_spin.setSingleStep(1000)
        self.limit_spin.setSpecialValueText("none")
        self.limit_spin.setToolTip("Row limit: fetching stops there and the result says it was truncated.")
        self.fetch_spin = QSpinBox()
        self.fetch_spin.setRange(1, 1_000_000)
        self.fetch_spin.setToolTip("Fetch size: rows per page.")
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(0, 3600)
        self.timeout_spin.setDecimals(1)
        self.timeout_spin.setSpecialValueText("(data source)")
        self.timeout_spin.setSuffix(" s")
        self.trace_check = QCheckBox("Tracing")
        self.grafana_button = QToolButton()
        self.grafana_button.setText("Grafana context…")
        self.grafana_button.setToolTip("The viewer's browser zone, user and org, and a typed query's dashboard "
                                       "(uid, title, fiscal year start), for every tab.")
        self._context_summary: list[str] = []
        # The progress text takes the room left, elided when narrow (the status bar and tooltip have it all).
        self.progress_label = ElidingLabel()
        self.progress_label.setStyleSheet("color: #5f6368;")
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.options_button = QToolButton()
        self.options_button.setCheckable(True)
        self.options_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.options_button.setToolTip(_OPTIONS_HELP)
        self.options_button.toggled.connect(self.set_options_visible)

        top = QHBoxLayout()
        top.addWidget(QLabel("Flavor"))
        top.addWidget(self.flavor_combo)
        top.addWidget(QLabel("Host"))
        top.addWidget(self.host_combo)
        top.addWidget(self.refresh_button)
        top.addWidget(self.options_button)
        top.addWidget(self.progress_label, 1)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        self.options_row = QWidget()
        options = QHBoxLayout(self.options_row)
        options.setContentsMargins(0, 0, 0, 0)
        option_widgets: list[tuple[str, QWidget]] = [
            ("Consistency", self.consistency_combo), ("Row limit", self.limit_spin),
            ("Fetch size", self.fetch_spin), ("Timeout", self.timeout_spin)]
        for label, widget in option_widgets:
            options.addWidget(QLabel(label))
            options.addWidget(widget)
        options.addWidget(self.trace_check)
        options.addWidget(self.grafana_button)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.options_row)
        self.options_row.setVisible(False)
        for signal in (self.consistency_combo.currentIndexChanged, self.limit_spin.valueChanged,
                       self.fetch_spin.valueChanged, self.timeout_spin.valueChanged, self.trace_check.toggled):
            signal.connect(lambda *_args: self._update_options_button())
        self._update_options_button()

    def set_options_visible(self, visible: bool) -> None:
        """Unfold or fold the run options row."""
        self.options_row.setVisible(visible)
        if self.options_button.isChecked() != visible:
            self.options_button.setChecked(visible)
        self._update_options_button()

    def options_summary(self) -> list[str]:
        """The run options that differ from their defaults, in a few words each."""
        changed = []
        if self.consistency_combo.currentData():
            changed.append(self.consistency_combo.currentText())
        if self.limit_spin.value() != _DEFAULTS.limit:
            changed.append(f"limit {self.limit_spin.value():,}" if self.limit_spin.value() else "no limit")
        if self.fetch_spin.value() != _DEFAULTS.fetch_size:
            changed.append(f"fetch {self.fetch_spin.value():,}")
        if self.timeout_spin.value() != _DEFAULTS.timeout:
            changed.append(f"timeout {self.timeout_spin.value():g} s")
        if self.trace_check.isChecked():
            changed.append("tracing")
        return changed + self._context_summary

    def set_context_summary(self, changed: list[str]) -> None:
        """The window's Grafana context where it differs from a fresh Grafana's, named on the Options button."""
        self._context_summary = list(changed)
        self.grafana_button.setToolTip(self.grafana_button.toolTip().split("\n")[0]
                                       + ("\nNow: " + ", ".join(changed) if changed else ""))
        self._update_options_button()

    def _update_options_button(self) -> None:
        arrow = "▾" if self.options_row.isVisible() else "▸"
        changed = self.options_summary()
        # As many as fit in a bounded width (a long list must not widen the window); the tooltip has them all.
        text = f"Options {arrow}" + (f" ({', '.join(changed)})" if changed else "")
        self.options_button.setText(self.options_button.fontMetrics().elidedText(
            text, Qt.TextElideMode.ElideRight, OPTIONS_TEXT_MAX_PX))
        self.options_button.setToolTip(_OPTIONS_HELP + ("\nNow: " + ", ".join(changed) if changed else ""))

    def set_nodes(self, nodes: Sequence[NodeInfo]) -> None:
        """List the cluster's nodes in the host combo, after the default routing and "All hosts"."""
        current = self.host_combo.currentText()
        self.host_combo.blockSignals(True)
        self.host_combo.clear()
        self.host_combo.addItem(DEFAULT_ROUTING, "")
        self.host_combo.addItem(ALL_HOSTS, ALL_HOSTS)
        for node in nodes:
            self.host_combo.addItem(node.label(), node.address)
        self.host_combo.setCurrentText(current)
        self.host_combo.blockSignals(False)

    def host_text(self) -> str:
        """The host field: a listed node's address, "All hosts", or the free text typed."""
        text = self.host_combo.currentText().strip()
        index = self.host_combo.findText(text)
        if index >= 0 and self.host_combo.itemData(index):
            return str(self.host_combo.itemData(index))
        return text
