"""How the GUI thread stays responsive while workers run Python: a short GIL switch interval and throttled
progress reports.

Qt calls into Python for every paint of a custom widget and every model lookup, and PySide6 releases the GIL
around many of the C++ calls those make. Each time, the GUI thread waits for the GIL until the busy worker is
asked to drop it, which takes up to `sys.getswitchinterval()` (5 ms by default): a repaint of a few hundred
such calls stalled the window for half a second while a million rows were fetched. With 0.5 ms
(core.query.threads) the same repaint waits a tenth as long; the worker loses little, since it is only
interrupted while the GUI thread wants the GIL.
"""

from __future__ import annotations

import time

from core.query.threads import share_the_gil_finely


def favor_the_gui_thread() -> None:
    """Shorten the GIL switch interval for the GUI process (call once, when the QApplication is made)."""
    share_the_gil_finely()


class Throttle:
    """Lets a worker's progress report through at most once per `interval_s`: each report costs the GUI thread
    a repaint, and a hundred a second only slow the work they report on."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._last = -float("inf")

    def ready(self, *, last: bool = False) -> bool:
        """True when a report may go now (always for the `last` one); the time counts from the last True."""
        now = time.monotonic()
        if not last and now - self._last < self.interval_s:
            return False
        self._last = now
        return True
