"""Cancellable background jobs of the results table (sort, filter, export), one running per kind.

Each job gets a generation; starting a job of a kind cancels the one in flight, and whatever a cancelled or
superseded job reports afterwards is dropped on the GUI thread, so a stale sort order is never applied.
Workers never touch widgets: progress, results and errors come back as queued signals.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from core.query.table_ops import Cancelled
from gui.common.responsiveness import Throttle
from gui.common.workers import describe_error

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Work = Callable[[Callable[[], bool], Progress], Any]  # work(cancelled, progress) -> result

QUIT_WAIT_MS = 3000
PROGRESS_INTERVAL_S = 0.1  # progress of a job reaches the GUI at most ten times a second

_pool: QThreadPool | None = None
_running: set[threading.Event] = set()  # the cancel flags of jobs not yet ended


def _table_pool() -> QThreadPool:
    """A pool of its own, so a long sort never waits behind (or delays) queries and schema loads."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(2)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_stop_all)
    return _pool


def _stop_all() -> None:
    """On quit: cancel every job (an export removes its temporary file) and wait a little for them to end."""
    for flag in list(_running):
        flag.set()
    wait_for_table_jobs(QUIT_WAIT_MS)


class _JobSignals(QObject):
    progressed = Signal(int, int, int)  # generation, done, total
    succeeded = Signal(int, object)
    failed = Signal(int, str, str)


class _Job(QRunnable):
    def __init__(self, generation: int, work: Work, flag: threading.Event, signals: _JobSignals) -> None:
        super().__init__()
        self.generation = generation
        self._work = work
        self._flag = flag
        self._signals = signals

    def run(self) -> None:
        signals, generation = self._signals, self.generation
        throttle = Throttle(PROGRESS_INTERVAL_S)

        def progress(done: int, total: int) -> None:
            if not throttle.ready(last=done >= total):
                return
            with contextlib.suppress(RuntimeError):  # the table is gone
                signals.progressed.emit(generation, done, total)

        _running.add(self._flag)
        try:
            result = self._work(self._flag.is_set, progress)
        except Cancelled:
            log.debug("table job %d cancelled", generation)
        except BaseException as exc:  # every error goes back to the GUI thread
            log.debug("table job %d failed", generation, exc_info=True)
            with contextlib.suppress(RuntimeError):
                signals.failed.emit(generation, *describe_error(exc))
        else:
            with contextlib.suppress(RuntimeError):
                signals.succeeded.emit(generation, result)
        finally:
            _running.discard(self._flag)


class TableJob(QObject):
    """Runs one kind of job at a time; `current` is the generation whose reports are still wanted."""

    progressed = Signal(int, int)  # done, total of the current job
    succeeded = Signal(object)  # the current job's result
    failed = Signal(str, str)  # title, message

    _generations = iter(range(1, 2**62))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current = 0
        self._flag: threading.Event | None = None
        self._signals = _JobSignals(self)
        self._signals.progressed.connect(self._on_progressed)
        self._signals.succeeded.connect(self._on_succeeded)
        self._signals.failed.connect(self._on_failed)

    def start(self, work: Work) -> int:
        """Cancel the job in flight (its reports are dropped) and start `work` on a worker."""
        self.cancel()
        self.current = next(self._generations)
        self._flag = threading.Event()
        _table_pool().start(_Job(self.current, work, self._flag, self._signals))
        return self.current

    def running(self) -> bool:
        return self._flag is not None

    def cancel(self) -> None:
        """Stop the job in flight at its next chunk and forget it: nothing it reports is applied."""
        if self._flag is not None:
            self._flag.set()
        self._flag = None
        self.current = next(self._generations)

    @Slot(int, int, int)
    def _on_progressed(self, generation: int, done: int, total: int) -> None:
        if generation == self.current and self._flag is not None:
            self.progressed.emit(done, total)

    @Slot(int, object)
    def _on_succeeded(self, generation: int, result: object) -> None:
        if generation == self.current and self._flag is not None:
            self._flag = None
            self.succeeded.emit(result)

    @Slot(int, str, str)
    def _on_failed(self, generation: int, title: str, message: str) -> None:
        if generation == self.current and self._flag is not None:
            self._flag = None
            self.failed.emit(title, message)


def wait_for_table_jobs(timeout_ms: int) -> bool:
    """Wait for every table job to end (tests and shutdown); True when none is left running."""
    return _pool is None or _pool.waitForDone(timeout_ms)
