"""The views derived from a result (graph series, the plugin's frames, the compatibility report's facts), built
page by page while the query runs, so that none takes a second pass over the rows once the last page is in.

The graph and the report share one grouping of the rows into series (core.grafana.series.SeriesGroups). The
plugin view is computed on the first PLUGIN_VIEW_ROWS rows as soon as they are in, while later pages are fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace

from core.grafana.columns import compact
from core.grafana.frames import Frame, concat_frames
from core.grafana.plugin_response import PluginView, cassandra_view, scylla_view
from core.grafana.result_facts import ResultFacts
from core.grafana.series import GraphData, SeriesGroups

PLUGIN_VIEW_ROWS = 100_000  # the plugin view is computed on at most this many rows
PLUGIN_VIEW_FRAMES = 1_000  # and keeps at most this many of the cassandra plugin's frames (all are counted)


def plugin_view_for(flavor: str, frame: Frame) -> PluginView | None:
    """The frames the flavor's plugin builds (none for the generic flavor), on the first PLUGIN_VIEW_ROWS rows."""
    if flavor == "generic":
        return None
    head = frame if frame.row_count <= PLUGIN_VIEW_ROWS else concat_frames([frame], PLUGIN_VIEW_ROWS)
    return scylla_view(head) if flavor == "scylla" else cassandra_view(head, max_frames=PLUGIN_VIEW_FRAMES)


def compact_view(view: PluginView | None) -> PluginView | None:
    """The view with its number and time fields held as arrays (core.grafana.columns.compact): the GUI's worker
    took 30 ms, holding the GIL, to unpickle 100,000 rows of Python ints and floats from the fetch process."""
    if view is not None:
        view.frames = [replace(frame, fields=[replace(f, values=compact(f.values)) for f in frame.fields])
                       for frame in view.frames]
    return view


class ViewBuilder:
    """Feeds each page to what the asked views need; `finish` completes them once the query is done."""

    def __init__(self, flavor: str, views: Collection[str]) -> None:
        self.flavor = flavor
        self.views = set(views)
        self.rows = 0
        self.facts = ResultFacts(flavor) if "report" in self.views else None
        wants_groups = bool({"graph", "report"} & self.views)
        self.groups = SeriesGroups(keep_values="graph" in self.views) if wants_groups else None
        self.plugin_view: PluginView | None = None
        self.graph_data: GraphData | None = None
        self.view_errors: dict[str, str] = {}
        self._wants_plugin = "plugin" in self.views and flavor != "generic"
        self._head: list[Frame] = []
        self._head_rows = 0
        self._plugin_built = False

    def add(self, page: Frame) -> None:
        """Take one page into every view (a view that fails records its error and takes no more pages)."""
        self.rows += page.row_count
        facts, groups = self.facts, self.groups
        if facts is not None:
            self._guard("report", lambda: facts.add(page))
        if groups is not None:
            self._guard("graph" if "graph" in self.views else "report", lambda: groups.add(page))
        if self._wants_plugin and not self._plugin_built:
            self._head.append(page)
            self._head_rows += page.row_count
            if self._head_rows >= PLUGIN_VIEW_ROWS:
                self._build_plugin_view()  # while later pages are fetched

    def finish(self, frame: Frame) -> None:
        """Complete the views; `frame` is the result without rows when no page came."""
        if self.rows == 0 and not self._head and (self.facts is None or self.facts.shape is None):
            self.add(frame)
        if self._wants_plugin and not self._plugin_built:
            self._build_plugin_view()
        view = self.plugin_view
        if view is not None and self.rows > PLUGIN_VIEW_ROWS:
            view.notes.append(f"Computed on the first {PLUGIN_VIEW_ROWS:,} of {self.rows:,} rows.")
        groups = self.groups
        if groups is None:
            return
        # The series are built here (in the process that fetched, see core.query.fetch_process), then the rows
        # are dropped from the grouping: the report only reads which series repeat a timestamp.
        if "graph" in self.views:
            self._guard("graph", lambda: setattr(self, "graph_data", groups.graph()))
        if "report" in self.views:
            self._guard("report", groups.settle)
        else:
            self.groups = None

    def graph(self) -> GraphData:
        """The series built by `finish` (none when the graph view failed)."""
        if self.graph_data is None or "graph" in self.view_errors:
            return GraphData()
        return self.graph_data

    def _build_plugin_view(self) -> None:
        head = concat_frames(self._head, PLUGIN_VIEW_ROWS)
        self._head, self._plugin_built = [], True
        self._guard("plugin", lambda: setattr(self, "plugin_view", compact_view(plugin_view_for(self.flavor, head))))

    def _guard(self, view: str, work: Callable[[], object]) -> None:
        if view in self.view_errors:
            return
        try:
            work()
        except Exception as exc:
            self.view_errors[view] = f"{type(exc).__name__}: {exc}"
