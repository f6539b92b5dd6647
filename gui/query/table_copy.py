"""Copy from the results table: the selected cells (every cell when none is selected) as tab-separated text
(core.query.table_copy). A small copy is built at once; a big one on a worker, with progress and Cancel, and the
clipboard gets the text when it is ready."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from core.grafana.frames import Frame
from core.query.table_copy import Range, copied_text
from core.query.table_ops import Rows
from gui.common.text import plural
from gui.query.table_jobs import TableJob

AT_ONCE_CELLS = 20_000  # a copy of at most this many cells is built on the GUI thread (a few ms)


class TableCopier(QObject):
    """Builds one copy at a time and puts it on the clipboard."""

    progressed = Signal(str)  # "Copying… 40,000 of 1,000,000 rows"
    copied = Signal(str)  # the status message: "Copied 2 rows with the header row to the clipboard."
    failed = Signal(str, str)
    finished = Signal()  # ended, whatever the outcome

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job = TableJob(self)
        self.job.progressed.connect(lambda done, total: self.progressed.emit(
            f"Copying… {done:,} of {plural(total, 'row')}"))
        self.job.succeeded.connect(self._on_done)
        self.job.failed.connect(self._on_failed)

    def copy(self, frame: Frame, shown: Rows | None, ranges: list[Range] | None, cells: int) -> bool:
        """Copy `ranges` of the shown rows (None: every cell); True when the text is on the clipboard already,
        False when a worker builds it."""
        if cells <= AT_ONCE_CELLS:
            self._on_done(copied_text(frame, shown, ranges))
            return True

        def work(cancelled: Any, progress: Any) -> tuple[str, int]:
            return copied_text(frame, shown, ranges, cancel=cancelled, progress=progress)

        self.job.start(work)
        return False

    def running(self) -> bool:
        return self.job.running()

    def cancel(self) -> None:
        if self.job.running():
            self.job.cancel()
            self.progressed.emit("Copy cancelled: the clipboard is as it was.")
            self.finished.emit()

    def _on_done(self, result: Any) -> None:
        text, rows = result
        if text:
            QApplication.clipboard().setText(text)
            self.copied.emit(f"Copied {plural(rows, 'row')} with the header row to the clipboard.")
        self.finished.emit()

    def _on_failed(self, title: str, message: str) -> None:
        self.failed.emit(title, message)
        self.finished.emit()
