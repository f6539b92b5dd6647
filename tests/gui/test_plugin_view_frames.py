"""The "As the plugin sees it" view of a cassandra result whose first column is a timestamp: the plugin makes a
frame of every distinct time, so the view keeps the first PLUGIN_VIEW_FRAMES of them, says how many the plugin
returns, and lists no more than it keeps (100,000 frames took 260 ms of the window's thread and 220 MiB)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from core.grafana.frames import Field, Frame
from core.query.views import PLUGIN_VIEW_FRAMES, plugin_view_for
from gui.query.plugin_view import PluginViewPanel

pytestmark = pytest.mark.gui

T0 = 1_704_067_200_000
ROWS = PLUGIN_VIEW_FRAMES + 500


def test_a_frame_per_timestamp_is_counted_whole_and_kept_in_part(qtbot: QtBot) -> None:
    frame = Frame("response", [Field.of("ts", "timestamp", [T0 + 1000 * n for n in range(ROWS)]),
                               Field.of("v", "double", [n / 2 for n in range(ROWS)])])
    view = plugin_view_for("cassandra", frame)
    assert view is not None and len(view.frames) == PLUGIN_VIEW_FRAMES and view.total_frames == ROWS
    assert view.frames[1].name == "2024-01-01 00:00:01 +0000 UTC" and view.frames[1].fields[1].values == [0.5]
    panel = PluginViewPanel()
    qtbot.addWidget(panel)
    panel.show_view(view, [])
    assert panel.frame_combo.count() == PLUGIN_VIEW_FRAMES
    assert panel.summary.text().splitlines()[:2] == [
        f"The cassandra plugin returns {ROWS:,} frames.",
        f"The plugin returns {ROWS:,} frames, one per distinct ts: the first {PLUGIN_VIEW_FRAMES:,} are listed here."]
