"""Python's cyclic garbage collector runs on the GUI thread only, on a timer (pyqtgraph's GarbageCollector).

Left automatic, a collection can start on any thread, for instance a worker loading the schema, and delete
the C++ objects of garbage Qt wrappers there. A Qt destructor on the worker then waits for the GIL while
holding a QObject lock, and the GUI thread, holding the GIL, waits for that lock: the window freezes for good
(seen in the test suite: `QObject::~QObject` on both threads).
"""

from __future__ import annotations

from pyqtgraph.util.garbage_collector import GarbageCollector

_collector: GarbageCollector | None = None


def collect_on_the_gui_thread(interval_s: float = 1.0) -> GarbageCollector:
    """Turn automatic collection off and collect from a timer of the GUI thread (idempotent); call it once a
    QApplication exists, from the GUI thread."""
    global _collector
    if _collector is None:
        _collector = GarbageCollector(interval=interval_s)
    return _collector


def collect_now() -> None:
    """One collection step with the thresholds automatic collection would use, on the calling (GUI) thread."""
    if _collector is not None:
        _collector.check()
