"""Hands a running query's pages from the worker thread to the GUI thread, batched.

The worker appends each page to a locked list; only the page that finds the list empty posts an event, and the
GUI thread then takes every page waiting. A fast query (thousands of small pages) thus posts one event per batch,
not one per page, and no Python object travels inside a queued signal.

After a run's first page the worker waits (at most FIRST_PAGE_WAIT_S) until the GUI has painted it: with the
worker converting the next pages, that first paint waited for the GIL at each of its calls into Python and took
about 100 ms; alone it takes a few.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from core.grafana.frames import Frame

Deliver = Callable[[int, Frame], None]  # (run, page) on the GUI thread

FIRST_PAGE_WAIT_S = 0.15


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
        self._first_shown = threading.Event()
        self._arrived.connect(self._drain)

    def sink_for(self, run: int) -> Callable[[Frame], None]:
        """The sink the worker calls with each page of run `run`."""
        shown = self._first_shown = threading.Event()
        first = [True]

        def sink(page: Frame) -> None:
            with self._lock:
                wake = not self._waiting
                self._waiting.append((run, page))
            if wake:
                self._arrived.emit()
            if first[0]:
                first[0] = False
                shown.wait(FIRST_PAGE_WAIT_S)

        return sink

    def first_page_shown(self) -> None:
        """The GUI has painted the current run's first page: its worker goes on."""
        self._first_shown.set()

    @Slot()
    def _drain(self) -> None:
        with self._lock:
            pages, self._waiting = self._waiting, []
        current = self._current_run()
        for run, page in pages:
            if run == current:
                self._deliver(run, page)


def after_next_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` once `widget` has painted (at once when it is not on screen)."""
    if not widget.isVisible():
        callback()
        return
    widget.installEventFilter(_PaintWatcher(widget, callback))


class _PaintWatcher(QObject):
    """Calls back after the next paint of the widget it watches, then removes itself."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)  # after this paint is done
            self.deleteLater()
        return False
