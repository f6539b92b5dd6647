"""The results table shows a running query's pages and drops the pages of stale runs (no cluster needed: pages are
built here, as the query service hands them to the tab's sink)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelRoleData, QModelRoleDataSpan, QPoint, Qt
from pytestqt.qtbot import QtBot

from core.grafana.frames import Field, Frame
from gui.query.results_table import ResultsTable

pytestmark = pytest.mark.gui


def page(first: int, rows: int) -> Frame:
    numbers = range(first, first + rows)
    return Frame("response", [Field.of("n", "bigint", list(numbers)),
                              Field.of("s", "text", [None if i % 3 == 0 else f"r{i}" for i in numbers])])


def whole(rows: int) -> Frame:
    return page(0, rows)


def test_pages_then_the_whole_frame_and_stale_pages_dropped(qtbot: QtBot) -> None:
    table = ResultsTable()
    qtbot.addWidget(table)
    table.show_frame(whole(2))
    table.add_page(7, page(0, 4))
    assert table.model.rowCount() == 4 and table.model.is_paged()
    assert table.summary.text() == "4 rows so far · 2 columns"
    assert not table.csv_button.isEnabled() and not table.filter_box.isEnabled(), "export and filter wait for the end"
    table.add_page(7, page(4, 4))
    table.add_page(7, page(8, 2))
    qtbot.waitUntil(lambda: table.model.rowCount() == 10)
    assert [table.model.cell_text(r, 0) for r in (0, 3, 4, 9)] == ["0", "3", "4", "9"], "rows found by page"
    assert table.model.cell_text(3, 1) is None and table.model.cell_text(4, 1) == "r4"
    table.add_page(6, page(100, 5))  # an older run's late page
    table.view.selectionModel().select(table.model.index(8, 1), QItemSelectionModel.SelectionFlag.Select)
    table.view.verticalScrollBar().setValue(table.view.verticalScrollBar().maximum())
    scrolled = table.view.verticalScrollBar().value()
    resets: list[int] = []
    table.model.modelReset.connect(lambda: resets.append(1))
    table.show_frame(whole(12), run=7)  # two rows came after the last page shown
    assert resets == [] and table.model.rowCount() == 12 and not table.model.is_paged()
    assert [(i.row(), i.column()) for i in table.view.selectionModel().selectedIndexes()] == [(8, 1)]
    assert table.view.verticalScrollBar().value() == scrolled
    assert table.summary.text() == "12 rows · 2 columns" and table.csv_button.isEnabled()
    table.add_page(7, page(12, 3))  # a page of the run that has shown its result
    table.add_page(5, page(50, 3))
    assert not table._flush_timer.isActive(), "nothing queued for the model"
    assert table.model.rowCount() == 12 and table.model.cell_text(11, 0) == "11"
    table.add_page(8, page(0, 1))  # the next run's first page replaces the result
    assert table.model.rowCount() == 1 and table.model.is_paged()


def test_one_call_per_cell_gives_what_each_role_gives(qtbot: QtBot) -> None:
    """The view paints through multiData (one Python call per cell): it answers as data() does, role by role."""
    table = ResultsTable()
    qtbot.addWidget(table)
    table.show_frame(Frame("r", [Field.of("n", "bigint", [7, None]), Field.of("s", "text", ["a\nb", "x" * 600])]))
    model = table.model
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
             Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.BackgroundRole]
    for row in range(2):
        for column in range(2):
            index = model.index(row, column)
            for role in roles:
                entry = QModelRoleData(int(role))
                model.multiData(index, QModelRoleDataSpan(entry))
                assert entry.data() == model.data(index, role), (row, column, role)
    assert model.data(model.index(1, 0)) == "NULL" and model.data(model.index(0, 1)) == "a⏎b"
    assert model.data(model.index(1, 1)) == "x" * 500 + "…"


def test_row_numbers_header_selects_rows_and_fits_the_numbers(qtbot: QtBot) -> None:
    table = ResultsTable()
    qtbot.addWidget(table)
    table.resize(600, 300)
    table.show()
    qtbot.waitExposed(table)
    table.show_frame(whole(5))
    header = table.view.verticalHeader()
    narrow = header.sizeHint().width()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(5, header.sectionViewportPosition(2) + header.sectionSize(2) // 2))
    assert {i.row() for i in table.view.selectionModel().selectedIndexes()} == {2}, "a click selects the row"
    table.show_frame(whole(123_456))
    assert header.sizeHint().width() > narrow, "six digits need a wider header than one"
    assert header.sizeHint().width() >= header.fontMetrics().horizontalAdvance("123456")


def test_the_worker_waits_for_the_first_page_to_be_painted(qtbot: QtBot) -> None:
    """After a run's first page the worker pauses until the table has painted it (so that paint does not wait
    for the GIL at each of its calls into Python), at most FIRST_PAGE_WAIT_S; later pages never wait."""
    import threading
    import time

    from gui.query import table_pages
    from gui.query.table_pages import PageRelay, after_next_paint

    table = ResultsTable()
    qtbot.addWidget(table)
    table.resize(600, 300)
    table.show()
    qtbot.waitExposed(table)
    painted: list[float] = []
    relay = PageRelay(lambda run, frame: (table.add_page(run, frame), after_next_paint(
        table.view.viewport(), lambda: (painted.append(time.perf_counter()), relay.first_page_shown()))), lambda: 1)
    sink = relay.sink_for(1)
    returned: list[float] = []

    def worker() -> None:
        sink(page(0, 5))
        returned.append(time.perf_counter())
        sink(page(5, 5))
        returned.append(time.perf_counter())

    thread = threading.Thread(target=worker)
    thread.start()
    qtbot.waitUntil(lambda: len(returned) == 2, timeout=5_000)
    thread.join(5)
    assert painted and returned[0] >= painted[0], "the worker went on only after the first page was painted"
    assert table.model.rowCount() >= 5
    # Nobody paints (the table is hidden): the worker waits FIRST_PAGE_WAIT_S at most.
    table.hide()
    quiet = relay.sink_for(2)
    started = time.perf_counter()
    quiet(page(0, 5))
    waited = time.perf_counter() - started
    assert table_pages.FIRST_PAGE_WAIT_S * 0.9 <= waited < table_pages.FIRST_PAGE_WAIT_S + 2
