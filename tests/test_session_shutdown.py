"""Closing a session never waits longer than its bound, even when the driver's shutdown hangs."""

from __future__ import annotations

import threading
import time
from typing import Any, cast

from core.cql.sessions import shutdown_within


class _HangingCluster:
    """A cluster whose shutdown blocks until released (as the driver's can on a connection that never answers)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.finished = threading.Event()

    def shutdown(self) -> None:
        self.release.wait(60)
        self.finished.set()


def test_a_hanging_shutdown_is_left_in_the_background() -> None:
    cluster = _HangingCluster()
    started = time.monotonic()
    assert shutdown_within(cast(Any, cluster), 0.2) is False
    waited = time.monotonic() - started
    assert waited < 30, "returned long before the hanging shutdown ended"
    assert not cluster.finished.is_set()
    cluster.release.set()
    assert cluster.finished.wait(10), "the shutdown still finishes on its own"


def test_a_quick_shutdown_is_waited_for() -> None:
    cluster = _HangingCluster()
    cluster.release.set()
    assert shutdown_within(cast(Any, cluster), 10) is True
    assert cluster.finished.is_set()
