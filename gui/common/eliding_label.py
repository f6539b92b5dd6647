"""A one-line label that elides its text (with "…") when the row is narrow, instead of widening the window or
clipping mid-glyph; the full text stays in the tooltip.

It is a plain widget that paints its text, not a QLabel: QLabel.setText always asks its layout to lay out again,
and the request climbs to every QTabWidget around it, which each repaint all they hold (QTabWidget::setUpLayout).
Updated four times a second while rows stream in, a progress or row-count label repainted the whole window each
time. A new text here repaints the label alone.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class ElidingLabel(QWidget):
    """Takes the room it is given; shows as much of the text as fits, cut at the left (or where `elide` says)."""

    def __init__(self, text: str = "", parent: QWidget | None = None,
                 elide: Qt.TextElideMode = Qt.TextElideMode.ElideLeft) -> None:
        super().__init__(parent)
        self._text = ""
        self._elide = elide
        self._alignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        """Show `text` (and make it the tooltip); only this label repaints."""
        if text == self._text:
            return
        self._text = text
        self.setToolTip(text)
        self.update()

    def alignment(self) -> Qt.AlignmentFlag:
        return self._alignment

    def setAlignment(self, alignment: Qt.AlignmentFlag) -> None:
        self._alignment = alignment
        self.update()

    def sizeHint(self) -> QSize:
        metrics, margins = self.fontMetrics(), self.contentsMargins()
        return QSize(metrics.horizontalAdvance(self._text) + margins.left() + margins.right(),
                     metrics.height() + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self._text, self._elide, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self._alignment), shown)
