"""The left pane: the data sources with Add, Duplicate, Remove and Mark default.

It only displays entries and reports clicks; the window decides what happens (for instance whether
unsaved changes allow switching to another data source).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

UID_ROLE = Qt.ItemDataRole.UserRole
MODIFIED_MARK = "•"
DEFAULT_MARK = "★"
_ICON_SIZE = 16


@dataclass(frozen=True)
class ListEntry:
    """What the list shows of one data source."""

    uid: str
    name: str
    detail: str = ""
    is_default: bool = False
    modified: bool = False
    is_new: bool = False

    def text(self) -> str:
        name = self.name or "(unnamed)"
        return f"{name} {MODIFIED_MARK}" if self.modified else name


def _mark_icon(mark: str | None) -> QIcon:
    pixmap = QPixmap(_ICON_SIZE * 2, _ICON_SIZE * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    if mark:
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor("#e8a317"))
        font = QFont()
        font.setPixelSize(14)
        painter.setFont(font)
        painter.drawText(QRectF(0, 0, _ICON_SIZE, _ICON_SIZE), Qt.AlignmentFlag.AlignCenter, mark)
        painter.end()
    return QIcon(pixmap)


class DataSourceList(QWidget):
    """A list of data sources (the default one starred and bold, unsaved ones marked '•')."""

    selection_changed = Signal(str)  # the uid the user picked
    add_clicked = Signal()
    duplicate_clicked = Signal()
    remove_clicked = Signal()
    mark_default_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[ListEntry] = []
        self._star = _mark_icon(DEFAULT_MARK)
        self._blank = _mark_icon(None)
        title = QLabel("Data sources")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.list_widget = QListWidget()
        self.list_widget.setIconSize(QSize(_ICON_SIZE, _ICON_SIZE))
        self.list_widget.setUniformItemSizes(True)
        self.list_widget.setStyleSheet("QListWidget::item { padding: 4px 2px; }")
        self.list_widget.currentItemChanged.connect(self._on_current_item_changed)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add a new data source.")
        self.duplicate_button = QPushButton("Duplicate")
        self.duplicate_button.setToolTip("Copy the selected data source, secrets included, under a new name.")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected data source and its keyring entries.")
        self.default_button = QPushButton("Mark default")
        self.default_button.setToolTip("Make the selected data source the default of its Grafana org.")
        self.add_button.clicked.connect(self.add_clicked)
        self.duplicate_button.clicked.connect(self.duplicate_clicked)
        self.remove_button.clicked.connect(self.remove_clicked)
        self.default_button.clicked.connect(self.mark_default_clicked)
        buttons = QGridLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.add_button, 0, 0)
        buttons.addWidget(self.duplicate_button, 0, 1)
        buttons.addWidget(self.remove_button, 1, 0)
        buttons.addWidget(self.default_button, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.list_widget, 1)
        layout.addLayout(buttons)

    def set_entries(self, entries: list[ListEntry], current_uid: str | None) -> None:
        """Replace the shown entries and select `current_uid`, without emitting `selection_changed`."""
        self._entries = list(entries)
        self.list_widget.blockSignals(True)
        try:
            self.list_widget.clear()
            for entry in entries:
                item = QListWidgetItem(self._star if entry.is_default else self._blank, entry.text())
                item.setData(UID_ROLE, entry.uid)
                font = item.font()
                font.setBold(entry.is_default)
                font.setItalic(entry.is_new)
                item.setFont(font)
                tip = [entry.detail] if entry.detail else []
                if entry.is_default:
                    tip.append("default data source of its Grafana org")
                if entry.is_new:
                    tip.append("new, not saved yet")
                elif entry.modified:
                    tip.append("unsaved changes")
                item.setToolTip("\n".join(tip))
                self.list_widget.addItem(item)
        finally:
            self.list_widget.blockSignals(False)
        self.select(current_uid)

    def select(self, uid: str | None) -> None:
        """Highlight the entry of `uid` (or none), without emitting `selection_changed`."""
        self.list_widget.blockSignals(True)
        try:
            row = next((i for i, e in enumerate(self._entries) if e.uid == uid), -1)
            self.list_widget.setCurrentRow(row)
        finally:
            self.list_widget.blockSignals(False)

    def entries(self) -> list[ListEntry]:
        return list(self._entries)

    def entry(self, uid: str) -> ListEntry:
        return next(e for e in self._entries if e.uid == uid)

    def row_of(self, uid: str) -> int:
        return next(i for i, e in enumerate(self._entries) if e.uid == uid)

    def set_actions_enabled(self, *, can_add: bool, has_selection: bool, is_saved: bool, is_default: bool) -> None:
        """Enable the buttons that make sense for the current selection."""
        self.add_button.setEnabled(can_add)
        self.duplicate_button.setEnabled(can_add and has_selection and is_saved)
        self.remove_button.setEnabled(can_add and has_selection)
        self.default_button.setEnabled(can_add and has_selection and is_saved and not is_default)

    def _on_current_item_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.selection_changed.emit(str(current.data(UID_ROLE)))
