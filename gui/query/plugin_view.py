"""The "As the plugin sees it" view: the frames the selected flavor's plugin would build from the result
(names, fields, Grafana types, values), beside the compatibility report."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget

from core.findings import Finding
from core.grafana.plugin_response import PluginView
from gui.common.table_sizing import size_columns_to_head
from gui.common.text import plural
from gui.query.plugin_answer import PluginAnswerBox
from gui.query.results_table import FrameTableModel

SEVERITY_COLORS = {"error": "#a50e0e", "warning": "#7a4f01", "info": "#174ea6"}


def findings_html(findings: list[Finding], error: str | None = None) -> str:
    """The compatibility report as rich text, most severe first; `error` when it could not be built."""
    if error is not None:
        return (f"<p style='color:#a50e0e'><b>The compatibility report could not be built:</b> "
                f"{html.escape(error)}</p><p>Nothing can be said about this result: please report the problem.</p>")
    if not findings:
        return "<p style='color:#0d652d'><b>No compatibility problems found.</b></p>"
    parts = []
    for finding in findings:
        color = SEVERITY_COLORS.get(finding.severity, "#3c4043")
        parts.append(f"<p><b style='color:{color}'>{html.escape(finding.severity.upper())}</b> "
                     f"<code>{html.escape(finding.code)}</code><br>{html.escape(finding.message)}<br>"
                     f"<i style='color:#5f6368'>{html.escape(finding.suggestion)}</i></p>")
    return "".join(parts)


class PluginViewPanel(QWidget):
    """A frame chooser and table on the left, the compatibility report on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PluginView("")
        self.summary = QLabel("Run a query to see what the plugin would return.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.frame_combo = QComboBox()
        self.frame_combo.currentIndexChanged.connect(self._show_frame)
        self.model = FrameTableModel(self, grafana_types=True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(True)
        self.report = QTextBrowser()
        self.report.setOpenLinks(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("Frame"))
        top.addWidget(self.frame_combo, 1)
        left_layout.addWidget(self.summary)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("<b>Compatibility report</b>"))
        right_layout.addWidget(self.report, 1)
        self.answer = PluginAnswerBox()
        right_layout.addWidget(self.answer, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([600, 360])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(splitter)

    def show_view(self, view: PluginView | None, findings: list[Finding], errors: dict[str, str] | None = None) -> None:
        """Show the plugin's frames (or its error and notes) and the findings; `errors` holds the views
        ("plugin", "report") that could not be derived, shown as errors rather than as an empty view."""
        errors = errors or {}
        self.view = view or PluginView("")
        self.frame_combo.blockSignals(True)
        self.frame_combo.clear()
        for frame in self.view.frames:
            counts = f"{plural(frame.row_count, 'row')}, {plural(len(frame.fields), 'field')}"
            self.frame_combo.addItem(f"{frame.name} ({counts})")
        self.frame_combo.blockSignals(False)
        lines = []
        if "plugin" in errors:
            lines.append(f"The plugin's frames could not be built: {errors['plugin']}")
        elif view is None:
            lines.append("The query did not return a result.")
        elif self.view.error:
            lines.append(f"The {self.view.flavor} plugin fails: {self.view.error}")
        else:
            count = self.view.total_frames
            lines.append(f"The {self.view.flavor} plugin returns {count:,} frame{'s' if count != 1 else ''}.")
        lines.extend(self.view.notes)
        self.summary.setText("\n".join(lines))
        failed = bool(self.view.error) or "plugin" in errors
        self.summary.setStyleSheet("color: #a50e0e;" if failed else "color: #3c4043;")
        self.report.setHtml(findings_html(findings, errors.get("report")))
        self._show_frame(0)

    def _show_frame(self, index: int) -> None:
        frames = self.view.frames
        self.model.set_frame(frames[index] if 0 <= index < len(frames) else None)
        size_columns_to_head(self.table)
