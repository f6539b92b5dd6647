"""The query preview: the interpolated text with replaced values, macros and unresolved references marked."""

from __future__ import annotations

import html

from core.grafana.flavors import PreparedQuery


def preview_html(prepared: PreparedQuery) -> str:
    """The interpolated query with replaced values in purple and unresolved references in red."""
    source = prepared.original
    macros = dict(prepared.macros)
    out: list[str] = []
    position = 0
    for ref in prepared.interpolation.references:
        if ref.start < position:
            continue
        out.append(html.escape(source[position:ref.start]))
        if ref.found:
            out.append(f"<span style='color:#7e22ce;background:#f3e8ff'>{html.escape(ref.value)}</span>")
        elif ref.match in macros:
            out.append(f"<span style='color:#15803d;background:#dcfce7'>{html.escape(macros[ref.match])}</span>")
        else:
            out.append(f"<span style='color:#fff;background:#dc2626'>{html.escape(ref.match)}</span>")
        position = ref.end
    out.append(html.escape(source[position:]))
    body = "".join(out)
    note = f"<p style='color:#a50e0e'>{html.escape(prepared.rejected)}</p>" if prepared.rejected else ""
    return f"<pre style='margin:0;white-space:pre-wrap'>{body}</pre>{note}"
