"""The results table's view (gui.query.table_view): pages appended below the rows on screen leave the cells
unpainted (the scroll bar still grows), while rows that land in sight, a new result or a sort repaint them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.grafana.frames import Field, Frame
from gui.query.table_model import FrameTableModel
from gui.query.table_view import ResultsView
from tests.gui.driving import EventCounter

pytestmark = pytest.mark.gui


def _page(first: int, rows: int) -> Frame:
    return Frame("response", [Field.of("n", "int", list(range(first, first + rows)))])


def _settle() -> None:
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def _shown(qtbot: QtBot, first_rows: int) -> tuple[ResultsView, FrameTableModel, EventCounter]:
    view = ResultsView()
    model = FrameTableModel(view)
    view.setModel(model)
    view.resize(300, 200)  # some eight rows in sight
    model.start_pages(_page(0, first_rows))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    _settle()
    paints = EventCounter(QEvent.Type.Paint)
    view.viewport().installEventFilter(paints)
    return view, model, paints


def test_rows_appended_below_the_shown_ones_repaint_no_cell(qtbot: QtBot) -> None:
    view, model, paints = _shown(qtbot, 100)
    bottom = view.rowAt(view.viewport().height() - 1)
    assert 0 < bottom < 100, "the first page fills the view"
    range_before = view.verticalScrollBar().maximum()
    model.add_pages([_page(100, 100)])
    _settle()
    assert paints.count == 0, "the cells on screen did not change"
    assert view.skipped_repaints == 1
    assert view.verticalScrollBar().maximum() > range_before, "the scroll bar knows of the new rows"
    view.scrollToBottom()
    _settle()
    last = view.rowAt(view.viewport().height() - 1)
    assert model.data(model.index(last, 0)) == str(last) and last >= 190, "scrolling shows the appended rows"
    assert paints.count > 0


def test_rows_that_land_in_sight_are_painted(qtbot: QtBot) -> None:
    view, model, paints = _shown(qtbot, 3)
    assert view.rowAt(view.viewport().height() - 1) == -1, "three rows leave room below them"
    model.add_pages([_page(3, 50)])
    _settle()
    assert paints.count > 0 and view.skipped_repaints == 0


def test_appends_then_another_change_lay_out_in_full(qtbot: QtBot) -> None:
    view, model, paints = _shown(qtbot, 100)
    model.add_pages([_page(100, 10)])
    model.set_frame(_page(500, 100))  # a new result before the delayed layout ran
    _settle()
    assert paints.count > 0 and view.skipped_repaints == 0
    assert model.data(model.index(0, 0)) == "500"


def test_a_model_swapped_in_is_watched_and_the_old_one_no_longer(qtbot: QtBot) -> None:
    view, old, _paints = _shown(qtbot, 100)
    new = FrameTableModel(view)
    new.start_pages(_page(0, 100))
    view.setModel(new)
    _settle()
    old.add_pages([_page(100, 10)])  # the old model's rows are no business of the view's
    new.add_pages([_page(100, 10)])
    _settle()
    assert view.skipped_repaints == 1 and view.model() is new
