"""Cyclic garbage is collected on the GUI thread only, never on a worker (where deleting Qt objects
deadlocked the window against the GUI thread, see gui/common/main_thread_gc.py)."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from pytestqt.qtbot import QtBot

from gui.app import application

pytestmark = pytest.mark.gui


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_garbage_made_on_a_worker_is_collected_on_the_gui_thread(qtbot: QtBot) -> None:
    application([])
    assert not gc.isenabled(), "the app turned automatic collection off"
    collected_on: list[str] = []

    def worker() -> None:
        cycle = _Cycle()
        weakref.finalize(cycle, lambda: collected_on.append(threading.current_thread().name))
        del cycle
        # Far more garbage cycles than the threshold that would start an automatic collection right here.
        for _ in range(20_000):
            _Cycle()

    thread = threading.Thread(target=worker, name="worker")
    thread.start()
    thread.join(30)
    assert collected_on == [], "nothing was collected on the worker"
    qtbot.waitUntil(lambda: bool(collected_on), timeout=10_000)
    assert collected_on == ["MainThread"]
