"""The query preview: the interpolated text with replaced values, macros and unresolved references marked."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from core.errors import CqlscopeError
from core.grafana.flavors import PreparedQuery

if TYPE_CHECKING:
    from gui.query.tab import QueryTab


def show_preview(tab: QueryTab) -> None:
    """The tab's preview and its title: the query after interpolation, or why it cannot be prepared."""
    try:
        prepared = tab.prepare()
    except CqlscopeError as exc:
        tab.preview.setHtml(f"<p style='color:#a50e0e'>{html.escape(exc.message)}</p>")
        return
    tab.preview.setHtml(preview_html(prepared))
    missing = [ref.match for ref in prepared.interpolation.unresolved if ref.match not in dict(prepared.macros)]
    text = "<b>Preview</b> — the query after interpolation"
    if missing:
        text += f" · <span style='color:#a50e0e'>{len(missing)} unresolved</span>"
    tab.preview_title.setText(text)


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
