"""The GUI process shares the GIL finely, and workers' progress reaches the GUI thread at a bounded rate
(gui/common/responsiveness.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from gui.app import application
from gui.common import responsiveness
from gui.common.responsiveness import Throttle

pytestmark = pytest.mark.gui


@pytest.fixture
def default_switch_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield
    sys.setswitchinterval(before)


def test_the_app_shortens_the_gil_switch_interval(qtbot: QtBot, default_switch_interval: None) -> None:
    application([])
    # A repaint waits for the GIL at most this long per call into Python while a worker converts rows:
    # at CPython's 5 ms a few hundred such waits froze the window for half a second.
    assert sys.getswitchinterval() <= 0.001


def test_the_throttle_lets_one_report_through_per_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(responsiveness.time, "monotonic", lambda: now[0])
    throttle = Throttle(0.25)
    assert throttle.ready(), "the first report goes at once"
    now[0] += 0.1
    assert not throttle.ready()
    assert throttle.ready(last=True), "the last report always goes"
    now[0] += 0.2
    assert not throttle.ready(), "the interval counts from the last report that went"
    now[0] += 0.06
    assert throttle.ready()
