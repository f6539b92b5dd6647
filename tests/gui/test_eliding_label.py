"""The one-line label used for text that changes while rows stream in: a new text repaints the label alone, where
a QLabel asks every layout up to the tab widgets again (which then repaint all they hold)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from gui.common.eliding_label import ElidingLabel
from tests.gui.driving import EventCounter

pytestmark = pytest.mark.gui


def _settle() -> None:
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def test_a_new_text_does_not_lay_out_the_tab_widget_again(qtbot: QtBot) -> None:
    tabs = QTabWidget()
    page = QWidget()
    row = QHBoxLayout(page)
    label, plain = ElidingLabel("12 rows so far"), QLabel("12 rows so far")
    row.addWidget(label, 1)
    row.addWidget(plain)
    tabs.addTab(page, "Table")
    qtbot.addWidget(tabs)
    tabs.resize(500, 120)
    tabs.show()
    qtbot.waitExposed(tabs)
    requests = EventCounter(QEvent.Type.LayoutRequest)
    tabs.installEventFilter(requests)
    _settle()
    requests.count = 0
    label.setText("12,345 rows so far")
    _settle()
    assert requests.count == 0
    assert label.text() == label.toolTip() == "12,345 rows so far"
    plain.setText("12,345 rows so far")
    _settle()
    assert requests.count >= 1, "what the label avoids: a QLabel's new text lays the tab widget out again"


def test_it_takes_any_width_and_one_line_of_height(qtbot: QtBot) -> None:
    short, long = ElidingLabel("1 row"), ElidingLabel("1,000,000 rows so far · 2 columns",
                                                     elide=Qt.TextElideMode.ElideRight)
    for label in (short, long):
        qtbot.addWidget(label)
        assert label.minimumSizeHint().width() == 0, "a narrow row elides it instead of widening the window"
        assert label.sizeHint().height() == label.minimumSizeHint().height() == label.fontMetrics().height()
    assert long.sizeHint().width() > short.sizeHint().width() > 0
