"""Hands a running query's pages from the worker thread to the GUI thread, batched.

The worker appends each page to a locked list; only the page that finds the list empty posts an event, and the
GUI thread then takes every page waiting. A fast query (thousands of small pages) thus posts one event per batch,
not one per page, and no Python object travels inside a queued signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from core.grafana.frames import Frame

Deliver = Callable[[int, Frame], None]  # (run, page) on the GUI thread


class PageRelay(QObject):
    """Created on the GUI thread; `sink_for(run)` is the query service's page sink for one run. Pages of any run
    but `current_run()` (an abandoned or replaced one) are dropped."""

    _arrived = Signal()

    def __init__(self, deliver: Deliver, current_run: Callable[[], int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._deliver = deliver
        self._current_run = current_run
        self._lock = threading.Lock()
        self._waiting: list[tuple[int, Frame]] = []
        self._arrived.connect(self._drain)

    def sink_for(self, run: int) -> Callable[[Frame], None]:
        """The sink the worker calls with each page of run `run`."""

        def sink(page: Frame) -> None:
            with self._lock:
                wake = not self._waiting
                self._waiting.append((run, page))
            if wake:
                self._arrived.emit()

        return sink

    @Slot()
    def _drain(self) -> None:
        with self._lock:
            pages, self._waiting = self._waiting, []
        current = self._current_run()
        for run, page in pages:
            if run == current:
                self._deliver(run, page)
