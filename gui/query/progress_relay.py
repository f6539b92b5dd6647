"""A running query's progress, carried from its worker to the GUI thread with one event in flight at a time: a
backlog of queued events would outlive the run and keep the GUI thread busy while rows arrive."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from gui.common.responsiveness import Throttle

Report = Callable[[int, int, float], None]  # rows so far, pages so far, elapsed seconds

INTERVAL_S = 0.25  # at most four updates a second: each repaints the progress label and the status bar


class ProgressRelay(QObject):
    """`reporter()` gives the worker its progress callback; the GUI slot calls `delivered()` when it has shown one.
    Reports closer together than INTERVAL_S are dropped."""

    progress = Signal(int, int, float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending = threading.Event()

    def reporter(self) -> Report:
        """A callback for one run: it emits only while no earlier event waits to be shown."""
        pending = self._pending = threading.Event()
        throttle = Throttle(INTERVAL_S)

        def report(rows: int, pages: int, elapsed: float) -> None:
            if not pending.is_set() and throttle.ready():
                pending.set()
                self.progress.emit(rows, pages, elapsed)

        return report

    def delivered(self) -> None:
        self._pending.clear()
