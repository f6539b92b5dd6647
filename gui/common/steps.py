"""Work split into steps that run one per turn of the event loop, so that paints and input come in between and
no single handler holds the GUI thread for long."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

Step = Callable[[], None]


class Steps(QObject):
    """A queue of steps: `add` schedules them, each runs on its own turn of the event loop; `finish` runs every
    step still waiting at once (before anything that must not interleave with them)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: deque[Step] = deque()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    def add(self, *steps: Step) -> None:
        self._waiting.extend(steps)
        self._timer.start()

    def finish(self) -> None:
        self._timer.stop()
        while self._waiting:
            self._waiting.popleft()()

    def _next(self) -> None:
        if self._waiting:
            self._waiting.popleft()()
        if self._waiting:
            self._timer.start()
