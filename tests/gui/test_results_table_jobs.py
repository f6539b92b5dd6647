"""The results table sorts, filters and exports on workers: header clicks, the filter box, Cancel, and stale
answers that must never be applied. Small frames built here; expectations written by hand."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.grafana.frames import Field, Frame
from core.query import table_ops
from core.query.result_writers import write_csv, write_json_rows
from gui.query import results_table
from gui.query.results_table import ResultsTable
from gui.query.table_jobs import wait_for_table_jobs
from tests.gui.driving import save_screenshot

pytestmark = pytest.mark.gui

JOB_TIMEOUT_MS = 20_000


def _frame() -> Frame:
    return Frame("response", [
        Field.of("id", "int", [3, 1, None, 2, 1]),
        Field.of("amount", "decimal", [Decimal("10.5"), Decimal("-0.000000000000000000001"), Decimal("7"), None,
                                       Decimal("10.50")]),
        Field.of("name", "text", ["carol", "Alice", "bob", None, "alice"]),
        Field.of("big", "varint", [2**70 + 1, 2**70, 5, -(2**64), None]),
    ])


@pytest.fixture
def table(qtbot: QtBot) -> Iterator[ResultsTable]:
    widget = ResultsTable()
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_frame(_frame())
    yield widget
    widget.cancel_work()
    assert wait_for_table_jobs(JOB_TIMEOUT_MS)


def column(table: ResultsTable, index: int) -> list[str | None]:
    return [table.model.cell_text(row, index) for row in range(table.model.rowCount())]


def click_header(qtbot: QtBot, table: ResultsTable, section: int) -> None:
    header = table.view.horizontalHeader()
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def wait_idle(qtbot: QtBot, table: ResultsTable) -> None:
    qtbot.waitUntil(lambda: not table.view_job.running() and not table.exporter.running(), timeout=JOB_TIMEOUT_MS)


class Gate:
    """Holds a worker inside a wrapped function until the test opens it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            self.entered.set()
            assert self.release.wait(JOB_TIMEOUT_MS / 1000)
            kwargs.pop("cancel", None)  # a late worker that ignores its cancel: only the generation stops it
            return function(*args, **kwargs)
        return held


def test_header_clicks_sort_on_a_worker_exactly_with_nulls_last(qtbot: QtBot, table: ResultsTable) -> None:
    click_header(qtbot, table, 0)
    wait_idle(qtbot, table)
    assert column(table, 0) == ["1", "1", "2", "3", None]
    assert column(table, 2) == ["Alice", "alice", None, "carol", "bob"], "ties keep the result's order"
    click_header(qtbot, table, 0)
    wait_idle(qtbot, table)
    assert column(table, 0) == ["3", "2", "1", "1", None], "descending: ties still in the result's order"
    assert column(table, 2) == ["carol", None, "Alice", "alice", "bob"]
    click_header(qtbot, table, 1)
    wait_idle(qtbot, table)
    assert column(table, 1) == ["-1E-21", "7", "10.5", "10.50", None], "decimals compared exactly"
    click_header(qtbot, table, 3)
    wait_idle(qtbot, table)
    assert column(table, 3) == [str(-(2**64)), "5", str(2**70), str(2**70 + 1), None], "varints beyond int64"
    click_header(qtbot, table, 2)
    wait_idle(qtbot, table)
    assert column(table, 2) == ["Alice", "alice", "bob", "carol", None], "text by code point"
    assert table.view.horizontalHeader().sortIndicatorSection() == 2
    assert table.model.frame() is not None and table.model.frame().fields[2].values[0] == "carol", "data untouched"


def test_a_sort_in_flight_is_cancelled_by_a_new_click_and_its_order_never_applied(
        qtbot: QtBot, table: ResultsTable, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = Gate()
    monkeypatch.setattr(results_table, "sort_order", gate.wrap(table_ops.sort_order))
    applied: list[list[str | None]] = []
    table.model.dataChanged.connect(lambda *_: applied.append(column(table, 2)))
    click_header(qtbot, table, 2)
    assert gate.entered.wait(JOB_TIMEOUT_MS / 1000)
    assert table.busy.isVisible() and table.busy.label.text().startswith("Sorting…")
    assert column(table, 2) == ["carol", "Alice", "bob", None, "alice"], "the old order stays while sorting"
    save_screenshot(table, "results-table-sorting.png")
    monkeypatch.setattr(results_table, "sort_order", table_ops.sort_order)
    click_header(qtbot, table, 0)  # a new click: the first sort is dropped even though its worker finishes
    gate.release.set()
    wait_idle(qtbot, table)
    assert wait_for_table_jobs(JOB_TIMEOUT_MS)
    QApplication.processEvents()  # deliver the late answer (posted before the pool ended): it is ignored
    assert applied == [["Alice", "alice", None, "carol", "bob"]], "only the second sort (by id) was applied"
    assert table.view.horizontalHeader().sortIndicatorSection() == 0
    assert not table.busy.isVisible()


def test_cancel_and_a_new_result_drop_the_sort_in_flight(qtbot: QtBot, table: ResultsTable,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    gate = Gate()
    monkeypatch.setattr(results_table, "sort_order", gate.wrap(table_ops.sort_order))
    applied: list[object] = []
    table.model.dataChanged.connect(lambda *_: applied.append("changed"))
    click_header(qtbot, table, 0)
    assert gate.entered.wait(JOB_TIMEOUT_MS / 1000)
    with qtbot.waitSignal(table.notified) as said:
        table.busy.cancel_button.click()
    assert said.args == ["Sorting cancelled: the table shows the rows as before."]
    assert not table.busy.isVisible() and table.view.horizontalHeader().sortIndicatorSection() == -1
    gate.release.set()
    assert wait_for_table_jobs(JOB_TIMEOUT_MS)
    QApplication.processEvents()
    assert applied == [] and column(table, 0) == ["3", "1", None, "2", "1"]

    second = Gate()
    monkeypatch.setattr(results_table, "sort_order", second.wrap(table_ops.sort_order))
    click_header(qtbot, table, 0)
    assert second.entered.wait(JOB_TIMEOUT_MS / 1000)
    table.show_frame(Frame("r", [Field.of("id", "int", [9, 8])]))
    second.release.set()
    assert wait_for_table_jobs(JOB_TIMEOUT_MS)
    QApplication.processEvents()
    assert column(table, 0) == ["9", "8"] and applied == [], "the old frame's sort never reached the new one"


def test_filter_box_keeps_matching_rows_and_combines_with_the_sort(qtbot: QtBot, table: ResultsTable) -> None:
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert table.filter_box.hasFocus(), "Ctrl+F focuses the filter"
    qtbot.keyClicks(table.filter_box, "ALI")
    qtbot.waitUntil(lambda: table.summary.text() == "2 of 5 rows · 4 columns", timeout=JOB_TIMEOUT_MS)
    assert column(table, 2) == ["Alice", "alice"]
    click_header(qtbot, table, 1)
    wait_idle(qtbot, table)
    assert column(table, 1) == ["-1E-21", "10.50"] and column(table, 2) == ["Alice", "alice"]
    table.filter_box.clear()
    qtbot.keyClicks(table.filter_box, "NULL")
    qtbot.waitUntil(lambda: table.summary.text() == "3 of 5 rows · 4 columns", timeout=JOB_TIMEOUT_MS)
    assert column(table, 1) == ["7", "10.50", None], "rows with a NULL cell, still sorted by amount (NULL last)"
    save_screenshot(table, "results-table-filtered.png")
    table.filter_box.clear()
    qtbot.keyClicks(table.filter_box, "nul")
    qtbot.waitUntil(lambda: table.summary.text() == "0 of 5 rows · 4 columns", timeout=JOB_TIMEOUT_MS)
    table.filter_box.clear()
    table.filter_box.apply_now()
    qtbot.waitUntil(lambda: table.summary.text() == "5 rows · 4 columns", timeout=JOB_TIMEOUT_MS)
    assert column(table, 1) == ["-1E-21", "7", "10.5", "10.50", None], "the sort stays when the filter goes"


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_export_on_a_worker_writes_the_writers_bytes(qtbot: QtBot, table: ResultsTable, tmp_path: Path,
                                                     kind: str) -> None:
    target = tmp_path / f"result.{kind}"
    target.write_text("old")
    with qtbot.waitSignal(table.exported, timeout=JOB_TIMEOUT_MS) as done:
        table.start_export(target, kind)
    assert done.args == [str(target)]
    expected = io.StringIO()
    (write_csv if kind == "csv" else write_json_rows)(_frame(), expected)
    assert target.read_bytes() == expected.getvalue().encode("utf-8")
    # Shown rows only: the filtered rows, in the table's order.
    table.filter_box.setText("ali")
    table.filter_box.apply_now()
    click_header(qtbot, table, 2)
    wait_idle(qtbot, table)
    table.shown_only.setChecked(True)
    with qtbot.waitSignal(table.exported, timeout=JOB_TIMEOUT_MS):
        table.start_export(target, kind)
    shown = Frame("response", [
        Field.of("id", "int", [1, 1]), Field.of("amount", "decimal", [Decimal("-0.000000000000000000001"),
                                                                        Decimal("10.50")]),
        Field.of("name", "text", ["Alice", "alice"]), Field.of("big", "varint", [2**70, None])])
    expected = io.StringIO()
    (write_csv if kind == "csv" else write_json_rows)(shown, expected)
    assert target.read_bytes() == expected.getvalue().encode("utf-8")


def test_cancelled_export_leaves_the_old_file_and_no_temporary_file(
        qtbot: QtBot, table: ResultsTable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "result.csv"
    target.write_text("precious\n")
    gate = Gate()
    original_page = table_ops.StreamingWriter.page
    monkeypatch.setattr(table_ops.StreamingWriter, "page",
                        lambda self, frame: (original_page(self, frame), gate.wrap(lambda: None)()))
    table.start_export(target, "csv")
    assert gate.entered.wait(JOB_TIMEOUT_MS / 1000)
    assert len(list(tmp_path.iterdir())) == 2, "the export writes a temporary file beside the target"
    assert not table.csv_button.isEnabled() and table.busy.isVisible()
    with qtbot.waitSignal(table.notified) as said:
        table.busy.cancel_button.click()
    assert said.args[0] == f"Export to {target} cancelled: nothing was written."
    gate.release.set()
    assert wait_for_table_jobs(JOB_TIMEOUT_MS)
    assert target.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"], "the temporary file is removed"
    assert table.csv_button.isEnabled() and not table.busy.isVisible()


def test_export_to_a_directory_reports_what_to_do(qtbot: QtBot, table: ResultsTable, tmp_path: Path) -> None:
    with qtbot.waitSignal(table.failed, timeout=JOB_TIMEOUT_MS) as failed:
        table.start_export(tmp_path, "csv")
    title, message = failed.args
    assert title == "Cannot write file" and "is a directory" in message


def test_a_big_copy_is_built_on_a_worker_in_the_shown_order(qtbot: QtBot, table: ResultsTable,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Copy with many cells runs as a job: the GUI thread only reads the selection's rectangles, the clipboard
    gets the text when it is ready, in the table's sorted order; Cancel leaves the clipboard as it was."""
    from gui.query import table_copy

    monkeypatch.setattr(table_copy, "AT_ONCE_CELLS", 4)  # this small table counts as big
    click_header(qtbot, table, 0)  # sorted by id: 1, 1, 2, 3, NULL
    qtbot.waitUntil(lambda: column(table, 0) == ["1", "1", "2", "3", None], timeout=JOB_TIMEOUT_MS)
    built_on: list[str] = []
    real = table_copy.copied_text

    def noting(*args: Any, **kwargs: Any) -> Any:
        built_on.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(table_copy, "copied_text", noting)
    QApplication.clipboard().setText("before")
    with qtbot.waitSignal(table.notified, check_params_cb=lambda text: text.startswith("Copied"),
                          timeout=JOB_TIMEOUT_MS) as copied:
        table.copy_selection()
    assert copied.args == ["Copied 5 rows with the header row to the clipboard."]
    assert built_on and built_on[0] != threading.main_thread().name
    assert QApplication.clipboard().text().splitlines() == [
        "id\tamount\tname\tbig", "1\t-1E-21\tAlice\t1180591620717411303424",
        "1\t10.50\talice\tNULL", "2\tNULL\tNULL\t-18446744073709551616", "3\t10.5\tcarol\t1180591620717411303425",
        "NULL\t7\tbob\t5"]
    # Cancelled before the worker answers: the clipboard keeps what it had.
    QApplication.clipboard().setText("before")
    gate = threading.Event()
    monkeypatch.setattr(table_copy, "copied_text", lambda *a, **k: (gate.wait(10), real(*a, **k))[1])
    table.copy_selection()
    assert table.busy.isVisible()
    table.cancel_work()
    gate.set()
    assert wait_for_table_jobs(JOB_TIMEOUT_MS)
    qtbot.wait(50)
    assert QApplication.clipboard().text() == "before" and not table.busy.isVisible()
