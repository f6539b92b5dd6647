"""Turn a HealthReport into the banner's title and rich-text body (version, cluster, nodes, or the failure)."""

from __future__ import annotations

from html import escape

from core.cql.health import HealthReport
from core.cql.nodes import NodeInfo
from gui.common.text import plural

MAX_NODE_ROWS = 12
_UP = "#188038"
_DOWN = "#c5221f"


def health_title(report: HealthReport) -> str:
    """'<name>' is working, or the failure's title."""
    if report.failure is not None:
        return f"{report.failure.title} — '{report.datasource}'"
    return f"'{report.datasource}' is working"


def health_html(report: HealthReport) -> str:
    """The details: server, cluster, latency and nodes when healthy; the classified message otherwise."""
    parts: list[str] = []
    if report.failure is not None:
        parts.append(f"<p style='margin:0'>{escape(report.failure.message)}</p>")
    else:
        parts.append(f"<p style='margin:0'>{_overview(report)}</p>")
        if report.keyspace and report.keyspace_exists:
            parts.append(f"<p style='margin:2px 0 0 0'>Keyspace <b>{escape(report.keyspace)}</b> exists.</p>")
        if report.nodes:
            parts.append(_nodes_table(report.nodes))
    for warning in report.warnings:
        parts.append(f"<p style='margin:4px 0 0 0'>⚠ {escape(warning)}</p>")
    return "".join(parts)


def _overview(report: HealthReport) -> str:
    items = [f"Version <b>{escape(report.release_version or 'unknown')}</b>",
             f"cluster <b>{escape(report.cluster_name or 'unknown')}</b>"]
    if report.contacted_host:
        connected = f"connected to {escape(report.contacted_host)}"
        if report.connect_ms is not None:
            connected += f" in {report.connect_ms:.0f} ms"
        items.append(connected)
    if report.latency_ms is not None:
        items.append(f"latency {report.latency_ms:.1f} ms")
    return " · ".join(items)


def _nodes_table(nodes: list[NodeInfo]) -> str:
    up = sum(1 for node in nodes if node.up)
    rows = ["<tr>" + "".join(f"<th align='left' style='padding-right:18px'>{h}</th>"
                             for h in ("Node", "Datacenter", "Rack", "Status", "Version")) + "</tr>"]
    for node in nodes[:MAX_NODE_ROWS]:
        status = (f"<span style='color:{_UP}'>● up</span>" if node.up
                  else f"<span style='color:{_DOWN}'>● down</span>")
        cells = (escape(node.address), escape(node.datacenter or "?"), escape(node.rack or "?"), status,
                 escape(node.release_version or "?"))
        rows.append("<tr>" + "".join(f"<td style='padding-right:18px'>{cell}</td>" for cell in cells) + "</tr>")
    more = ""
    if len(nodes) > MAX_NODE_ROWS:
        more = f"<p style='margin:0'>… and {len(nodes) - MAX_NODE_ROWS} more</p>"
    return (f"<p style='margin:6px 0 2px 0'>{up} of {plural(len(nodes), 'node')} up</p>"
            f"<table cellspacing='0' cellpadding='1'>{''.join(rows)}</table>{more}")
