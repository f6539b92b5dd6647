"""The notice shown above the query tabs after Ctrl+W (or ×) closed a tab: "Closed tab 'X' — Undo"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class UndoNotice(QFrame):
    """A quiet strip above the tabs after a tab was closed: "Closed tab 'X'" and an Undo button."""

    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoNotice")
        self.setStyleSheet("QFrame#undoNotice { background: #f1f3f4; border: 1px solid #dadce0; border-radius: 4px; }"
                           "QFrame#undoNotice QLabel { color: #3c4043; border: none; }")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_button = QToolButton()
        self.undo_button.setText("Undo")
        self.undo_button.setToolTip("Reopen the closed tab with its query, variables, options and last result "
                                    "(Ctrl+Shift+T)")
        self.undo_button.clicked.connect(self.undo_requested)
        dismiss = QToolButton()
        dismiss.setText("×")
        dismiss.setAutoRaise(True)
        dismiss.setToolTip("Dismiss")
        dismiss.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(dismiss)
        self.hide()

    def show_closed(self, title: str) -> None:
        self.label.setText(f"Closed tab '{title}' —")
        self.show()

    def text(self) -> str:
        return f"{self.label.text()} {self.undo_button.text()}" if self.isVisible() else ""
