"""The row-number header of the results table, drawn without asking the model.

Qt's header asks the model for five roles of some two hundred sections each time rows are added (to size
itself), and for each visible section when it paints: a thousand calls into Python per page of a running query,
each waiting for the GIL while a worker converts rows. This header sizes itself from the number of digits and
paints the numbers itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
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
        self._shared: _Shared | None = None

    def sizeHint(self) -> QSize:
        digits = len(str(max(self.count(), 1)))
        if digits != self._digits or not self._size.isValid():
            self._digits = digits
            width = self.fontMetrics().horizontalAdvance("9" * digits) + PADDING
            self._size = QSize(width, self.defaultSectionSize())
        return self._size

    def paintEvent(self, event: QPaintEvent) -> None:
        # What the sections share is read once per paint, not once per section: each call into Qt from Python
        # waits for the GIL while a worker holds it, and a header paints some thirty sections.
        self._shared = self._read_shared()
        try:
            super().paintEvent(event)
        finally:
            self._shared = None

    def _read_shared(self) -> _Shared:
        template = QStyleOptionHeader()
        self.initStyleOption(template)
        template.textAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        template.orientation = Qt.Orientation.Vertical
        template.position = QStyleOptionHeader.SectionPosition.Middle
        selection = self.selectionModel() if self.highlightSections() else None
        if selection is None or not selection.hasSelection():
            return _Shared(template, self.style(), None, [])
        ranges = selection.selection()
        rows = [(ranges.at(i).top(), ranges.at(i).bottom()) for i in range(ranges.size())]
        return _Shared(template, self.style(), selection, rows)

    def paintSection(self, painter: QPainter, rect: QRect, logicalIndex: int) -> None:
        if not rect.isValid():
            return
        shared = self._shared or self._read_shared()  # also painted outside paintEvent (a moved section)
        option = QStyleOptionHeader(shared.template)
        option.rect = rect
        option.section = logicalIndex
        option.text = str(logicalIndex + 1)
        bold = shared.selection is not None and any(top <= logicalIndex <= bottom for top, bottom in shared.rows)
        if bold:
            assert shared.selection is not None
            option.state |= QStyle.StateFlag.State_On  # as Qt's own header: selected rows' numbers in bold
            if shared.selection.isRowSelected(logicalIndex, self.rootIndex()):
                option.state |= QStyle.StateFlag.State_Sunken
            painter.save()
            font = painter.font()
            font.setBold(True)
            painter.setFont(font)
        shared.style.drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        if bold:
            painter.restore()


@dataclass
class _Shared:
    """What every section of one paint shares: the option they start from, the style, the selection's rows."""

    template: QStyleOptionHeader
    style: QStyle
    selection: QItemSelectionModel | None
    rows: list[tuple[int, int]]
