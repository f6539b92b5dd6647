"""The row-number header of the results table, drawn without asking the model.

Qt's header asks the model for five roles of some two hundred sections each time rows are added (to size
itself), and for each visible section when it paints: a thousand calls into Python per page of a running query,
each waiting for the GIL while a worker converts rows. This header sizes itself from the number of digits and
paints the numbers itself.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QWidget

PADDING = 10


class RowNumberHeader(QHeaderView):
    """A vertical header showing 1, 2, 3… (the view's row numbers, whatever the sort)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionsClickable(True)  # as the default header: a click selects the row
        self.setHighlightSections(True)
        self._digits = 0
        self._size = QSize()

    def sizeHint(self) -> QSize:
        digits = len(str(max(self.count(), 1)))
        if digits != self._digits or not self._size.isValid():
            self._digits = digits
            width = self.fontMetrics().horizontalAdvance("9" * digits) + PADDING
            self._size = QSize(width, self.defaultSectionSize())
        return self._size

    def paintSection(self, painter: QPainter, rect: QRect, logicalIndex: int) -> None:
        if not rect.isValid():
            return
        painter.save()
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logicalIndex
        option.text = str(logicalIndex + 1)
        option.textAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        option.orientation = Qt.Orientation.Vertical
        option.position = QStyleOptionHeader.SectionPosition.Middle
        selection = self.selectionModel()
        if self.highlightSections() and selection is not None:
            if selection.rowIntersectsSelection(logicalIndex, self.rootIndex()):
                option.state |= QStyle.StateFlag.State_On
                font = painter.font()  # as Qt's own header: the numbers of selected rows in bold
                font.setBold(True)
                painter.setFont(font)
            if selection.isRowSelected(logicalIndex, self.rootIndex()):
                option.state |= QStyle.StateFlag.State_Sunken
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()
