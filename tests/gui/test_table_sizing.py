"""Columns are sized from their header and first rows, measuring only their longest texts."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from core.grafana.frames import Field, Frame
from gui.common.table_sizing import MAX_WIDTH, size_columns_to_head
from gui.query.table_model import FrameTableModel

pytestmark = pytest.mark.gui


def test_columns_fit_their_widest_head_text_and_header(qtbot: QtBot) -> None:
    names = ["a", "bb", "a-much-longer-sensor-name", None, "x" * 600]
    frame = Frame("r", [Field.of("sensor", "text", names), Field.of("n", "int", [1, 22, 333, 4444, None]),
                        Field.of("wide_header_name_here", "int", [1, 2, 3, 4, 5])])
    view = QTableView()
    qtbot.addWidget(view)
    model = FrameTableModel(view)
    view.setModel(model)
    model.set_frame(frame)
    assert model.head_texts(0, 4) == ["a", "bb", "a-much-longer-sensor-name", "NULL"]
    assert model.head_texts(1, 10) == ["1", "22", "333", "4444", "NULL"]
    size_columns_to_head(view)
    metrics = view.fontMetrics()
    assert view.columnWidth(0) == MAX_WIDTH, "the 600-character text hits the cap"
    assert view.columnWidth(1) == max(metrics.horizontalAdvance("4444"), metrics.horizontalAdvance("NULL"),
                                      metrics.horizontalAdvance("n"), metrics.horizontalAdvance("int")) + 24
    assert view.columnWidth(2) == metrics.horizontalAdvance("wide_header_name_here") + 24
