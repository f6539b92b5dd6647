"""The run controls of a query tab: flavor, cqlscope's host override, Run/Cancel, progress, and the run options
(consistency, row limit, fetch size, timeout, tracing)."""

from __future__ import annotations

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
from core.grafana.flavors import FLAVOR_NAMES


class RunControls(QWidget):
    """The two rows above the editor; the tab connects the buttons and reads the values."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flavor_combo = QComboBox()
        self.flavor_combo.addItems(FLAVOR_NAMES)
        self.flavor_combo.setToolTip("Prepare the query as this Grafana plugin would (default: the data source's).")
        self.host_combo = QComboBox()
        self.host_combo.setEditable(True)
        self.host_combo.setMinimumWidth(230)
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
        self.progress_label = QLabel()
        self.progress_label.setStyleSheet("color: #5f6368;")

        top = QHBoxLayout()
        top.addWidget(QLabel("Flavor"))
        top.addWidget(self.flavor_combo)
        top.addWidget(QLabel("Host"))
        top.addWidget(self.host_combo)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.progress_label)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        options = QHBoxLayout()
        option_widgets: list[tuple[str, QWidget]] = [
            ("Consistency", self.consistency_combo), ("Row limit", self.limit_spin),
            ("Fetch size", self.fetch_spin), ("Timeout", self.timeout_spin)]
        for label, widget in option_widgets:
            options.addWidget(QLabel(label))
            options.addWidget(widget)
        options.addWidget(self.trace_check)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(options)
