"""The row-number header draws what the straightforward per-section drawing draws (numbers, selected rows in bold,
whole selected rows sunken), while reading what the sections share once per paint."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QRect, Qt
from PySide6.QtGui import QImage, QPainter, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QTableView
from pytestqt.qtbot import QtBot

from gui.query.table_header import RowNumberHeader

pytestmark = pytest.mark.gui


class _PerSection(RowNumberHeader):
    """The reference: every section reads the option, the selection and the style for itself."""

    def paintEvent(self, event: object) -> None:
        QHeaderView.paintEvent(self, event)  # type: ignore[arg-type]

    def paintSection(self, painter: QPainter, rect: QRect, logicalIndex: int) -> None:
        painter.save()
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logicalIndex
        option.text = str(logicalIndex + 1)
        option.textAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        option.orientation = self.orientation()
        option.position = QStyleOptionHeader.SectionPosition.Middle
        selection = self.selectionModel()
        if selection.rowIntersectsSelection(logicalIndex, self.rootIndex()):
            option.state |= QStyle.StateFlag.State_On
            font = painter.font()
            font.setBold(True)
            painter.setFont(font)
        if selection.isRowSelected(logicalIndex, self.rootIndex()):
            option.state |= QStyle.StateFlag.State_Sunken
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()


def _drawn(qtbot: QtBot, header_type: type[RowNumberHeader], select: bool) -> QImage:
    model = QStandardItemModel(40, 3)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setVerticalHeader(header_type(view))
    view.resize(300, 500)
    view.show()
    qtbot.waitExposed(view)
    if select:
        chosen = QItemSelection()
        chosen.select(model.index(2, 0), model.index(2, 2))  # a whole row
        chosen.select(model.index(5, 1), model.index(5, 1))  # one cell of a row
        chosen.select(model.index(10, 0), model.index(12, 2))  # three whole rows
        view.selectionModel().select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.wait(20)
    return view.verticalHeader().viewport().grab().toImage()


@pytest.mark.parametrize("select", [False, True])
def test_the_header_draws_as_the_per_section_drawing_does(qtbot: QtBot, select: bool) -> None:
    ours = _drawn(qtbot, RowNumberHeader, select)
    reference = _drawn(qtbot, _PerSection, select)
    assert ours.size() == reference.size() and not ours.isNull()
    assert ours == reference
    if select:
        assert ours != _drawn(qtbot, RowNumberHeader, False), "the selection shows"
