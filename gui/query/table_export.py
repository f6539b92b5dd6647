"""CSV / JSON export of the results table on a worker: written to a temporary file beside the target, renamed
over it at the end; a cancel removes the temporary file and leaves an existing target untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from core.errors import CqlscopeError
from core.grafana.frames import Frame
from core.query.table_ops import Rows, export_file
from gui.common.folders import remember, start_path
from gui.common.text import plural
from gui.query.table_jobs import TableJob


class TableExporter(QObject):
    """Runs one export at a time and reports its progress, its end and its errors as signals."""

    progressed = Signal(str)  # "Exporting… 40,000 of 1,000,000 rows"
    exported = Signal(str, int)  # path, rows
    failed = Signal(str, str)
    finished = Signal()  # ended, whatever the outcome (the busy note goes away)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job = TableJob(self)
        self.job.progressed.connect(self._on_progress)
        self.job.succeeded.connect(self._on_done)
        self.job.failed.connect(self._on_failed)
        self._path: Path | None = None

    def start(self, frame: Frame, kind: str, path: Path, rows: Rows | None = None) -> None:
        """Export `frame` (or only `rows` of it, in that order) to `path` as `kind` ("csv" or "json")."""
        self._path = path

        def work(cancelled: Any, progress: Any) -> int:
            try:
                return export_file(frame, kind, path, rows, cancel=cancelled, progress=progress)
            except OSError as exc:
                raise CqlscopeError(f"Cannot write {path}: {exc.strerror or exc}. Choose another folder or name.",
                                    title="Export failed") from None

        self.job.start(work)

    def running(self) -> bool:
        return self.job.running()

    def cancel(self) -> None:
        """Stop the export; the worker removes its temporary file, an existing target stays as it was."""
        if self.job.running():
            self.job.cancel()
            self.progressed.emit(f"Export to {self._path} cancelled: nothing was written.")
            self.finished.emit()

    def _on_progress(self, done: int, total: int) -> None:
        self.progressed.emit(f"Exporting… {done:,} of {plural(total, 'row')}")

    def _on_done(self, rows: Any) -> None:
        self.exported.emit(str(self._path), int(rows))
        self.finished.emit()

    def _on_failed(self, title: str, message: str) -> None:
        self.failed.emit(title, message)
        self.finished.emit()


def ask_export_path(parent: QWidget, kind: str) -> Path | None:
    """The file the user picks for a `kind` ("csv" or "json") export, starting in the last folder used; None when
    the dialog is cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, f"Export {kind.upper()}", start_path(f"result.{kind}"),
                                          f"{kind.upper()} files (*.{kind})")
    remember(name)
    return Path(name) if name else None
