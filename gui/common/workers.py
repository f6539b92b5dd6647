"""Background tasks on a thread pool that never touch widgets: results and errors come back as signals.

Every task's error, whatever its type, reaches `TaskRunner.failed`, the one place the window shows them.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from core.errors import CqlscopeError

log = logging.getLogger(__name__)

UNEXPECTED_TITLE = "Unexpected error"


def describe_error(exc: BaseException) -> tuple[str, str]:
    """A (title, message) for any exception: domain errors keep theirs, others get their type and text."""
    if isinstance(exc, CqlscopeError):
        return exc.title, exc.message
    text = str(exc).strip()
    return UNEXPECTED_TITLE, f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _TaskSignals(QObject):
    """Signals of one task; created on the GUI thread so that receivers there get queued calls."""

    succeeded = Signal(int, object)
    failed = Signal(int, str, str)


class _Task(QRunnable):
    """Runs one callable on a pool thread and reports its result or its error, never raising."""

    def __init__(self, task_id: int, work: Callable[[], Any], signals: _TaskSignals) -> None:
        super().__init__()
        self.task_id = task_id
        self._work = work
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # every error goes back to the GUI thread, none escapes the pool
            log.debug("background task %d failed", self.task_id, exc_info=True)
            title, message = describe_error(exc)
            with contextlib.suppress(RuntimeError):  # the runner is gone (window closed mid-task)
                self._signals.failed.emit(self.task_id, title, message)
        else:
            with contextlib.suppress(RuntimeError):
                self._signals.succeeded.emit(self.task_id, result)


class TaskRunner(QObject):
    """Starts tasks on its own thread pool and calls their callbacks on the GUI thread."""

    failed = Signal(str, str)  # title, message of any task's error
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._signals = _TaskSignals(self)
        self._signals.succeeded.connect(self._on_succeeded)
        self._signals.failed.connect(self._on_failed)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[], None] | None]] = {}

    def start(self, work: Callable[[], Any], on_success: Callable[[Any], None],
              on_done: Callable[[], None] | None = None) -> int:
        """Run `work` in the background; `on_success(result)` then `on_done()` run on the GUI thread."""
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_success, on_done)
        self._pool.start(_Task(task_id, work, self._signals))
        if len(self._callbacks) == 1:
            self.busy_changed.emit(True)
        return task_id

    def active_count(self) -> int:
        """How many started tasks have not reported back yet."""
        return len(self._callbacks)

    def shutdown(self, timeout_ms: int) -> bool:
        """Drop queued tasks and wait up to `timeout_ms` for running ones; True when all ended."""
        self._pool.clear()
        return self._pool.waitForDone(timeout_ms)

    @Slot(int, object)
    def _on_succeeded(self, task_id: int, result: object) -> None:
        on_success, on_done = self._callbacks.pop(task_id, (None, None))
        try:
            if on_success is not None:
                on_success(result)
        except Exception as exc:  # a bug in a callback: show it like any task error
            log.exception("callback of task %d failed", task_id)
            self.failed.emit(*describe_error(exc))
        finally:
            self._finish(on_done)

    @Slot(int, str, str)
    def _on_failed(self, task_id: int, title: str, message: str) -> None:
        _, on_done = self._callbacks.pop(task_id, (None, None))
        self.failed.emit(title, message)
        self._finish(on_done)

    def _finish(self, on_done: Callable[[], None] | None) -> None:
        if on_done is not None:
            on_done()
        if not self._callbacks:
            self.busy_changed.emit(False)
