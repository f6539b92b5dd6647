"""The Inspector: the CQL actually sent, variables found and missing, timings, the nodes that answered,
trace events and errors with the server's message."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from core.cql.execution import QueryOutcome
from core.grafana.flavors import PreparedQuery


@dataclass
class InspectorData:
    """What one run produced, for the inspector."""

    prepared: PreparedQuery | None = None
    outcome: QueryOutcome | None = None
    error_title: str = ""
    error_message: str = ""


def _section(title: str, body: str) -> str:
    return f"<h3 style='margin:10px 0 4px 0;color:#202124'>{html.escape(title)}</h3>{body}"


def _pre(text: str) -> str:
    return ("<pre style='background:#f1f3f4;padding:6px;border-radius:4px;white-space:pre-wrap'>"
            f"{html.escape(text)}</pre>")


def _state(found: bool, is_macro: bool) -> str:
    """A reference's state: a backend macro the plugin expands is not a missing variable."""
    if is_macro:
        return "backend macro"
    return "found" if found else "<b>missing</b>"


def inspector_html(data: InspectorData) -> str:
    """The inspector's content as rich text."""
    parts: list[str] = []
    if data.error_title:
        parts.append(_section("Error", f"<p style='color:#a50e0e'><b>{html.escape(data.error_title)}</b><br>"
                                       f"{html.escape(data.error_message)}</p>"))
    prepared = data.prepared
    if prepared is not None:
        parts.append(_section(f"CQL sent ({prepared.flavor.name} flavor)", _pre(prepared.text)))
        if prepared.rejected:
            parts.append(f"<p style='color:#a50e0e'>{html.escape(prepared.rejected)}</p>")
        macros = dict(prepared.macros)
        rows = "".join(
            f"<tr><td><code>{html.escape(ref.match)}</code></td><td>{_state(ref.found, ref.match in macros)}"
            f"</td><td><code>{html.escape(macros.get(ref.match, ref.value))}</code></td>"
            f"<td>{html.escape(ref.note)}</td></tr>"
            for ref in prepared.interpolation.references)
        if rows:
            parts.append(_section("Variables", "<table cellspacing=6><tr><th align=left>Expression</th>"
                                  "<th align=left>State</th><th align=left>Value</th><th align=left>Note</th></tr>"
                                  f"{rows}</table>"))
        for macro, value in prepared.macros:
            parts.append(f"<p>Backend macro <code>{html.escape(macro)}</code> → <code>{html.escape(value)}</code></p>")
        if prepared.hosts or prepared.all_hosts:
            target = "all hosts" if prepared.all_hosts and not prepared.hosts else ", ".join(prepared.hosts)
            parts.append(f"<p>Host field: <code>{html.escape(target)}</code></p>")
    outcome = data.outcome
    if outcome is not None:
        first = f"{outcome.first_page_ms:.1f} ms" if outcome.first_page_ms is not None else "—"
        answered = ", ".join(dict.fromkeys(outcome.hosts)) or "—"
        state = "cancelled" if outcome.cancelled else "truncated at the row limit" if outcome.truncated else "complete"
        parts.append(_section("Execution", (
            "<table cellspacing=4>"
            f"<tr><td>Answered by</td><td><b>{html.escape(answered)}</b></td></tr>"
            f"<tr><td>Rows</td><td>{outcome.row_count:,} ({state})</td></tr>"
            f"<tr><td>Pages</td><td>{outcome.pages}</td></tr>"
            f"<tr><td>Connect</td><td>{outcome.connect_ms:.1f} ms</td></tr>"
            f"<tr><td>First page</td><td>{first}</td></tr>"
            f"<tr><td>Total</td><td>{outcome.total_ms:.1f} ms</td></tr></table>")))
        for warning in outcome.warnings:
            parts.append(f"<p style='color:#7a4f01'>Warning: {html.escape(warning)}</p>")
        for trace in outcome.traces:
            events = "".join(
                f"<tr><td align=right>{'' if e.source_elapsed_us is None else e.source_elapsed_us}</td>"
                f"<td>{html.escape(e.source)}</td><td>{html.escape(e.description)}</td></tr>" for e in trace.events)
            duration = "—" if trace.duration_us is None else f"{trace.duration_us} µs"
            parts.append(_section(f"Trace (coordinator {trace.coordinator}, {duration})",
                                  "<table cellspacing=4><tr><th align=right>µs</th><th align=left>Source</th>"
                                  f"<th align=left>Event</th></tr>{events}</table>"))
    if not parts:
        return "<p style='color:#5f6368'>Run a query to inspect it.</p>"
    return "".join(parts)


class Inspector(QWidget):
    """A read-only rich-text page; `plain_text()` gives its content for tests and copying."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.browser)
        self.show_data(InspectorData())

    def show_data(self, data: InspectorData) -> None:
        self.browser.setHtml(inspector_html(data))

    def plain_text(self) -> str:
        return self.browser.toPlainText()
