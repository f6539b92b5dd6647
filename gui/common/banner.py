"""The non-modal message strip at the top of the editor: success, errors, warnings and progress."""

from __future__ import annotations

import html
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QToolButton, QVBoxLayout, QWidget


class BannerKind(StrEnum):
    """The banner's tone, which sets its colors."""

    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"
    BUSY = "busy"


# background, border, text
_COLORS = {
    BannerKind.INFO: ("#e8f0fe", "#8ab4f8", "#174ea6"),
    BannerKind.SUCCESS: ("#e6f4ea", "#81c995", "#0d652d"),
    BannerKind.WARNING: ("#fef7e0", "#fdd663", "#7a4f01"),
    BannerKind.ERROR: ("#fce8e6", "#f28b82", "#a50e0e"),
    BannerKind.BUSY: ("#f1f3f4", "#bdc1c6", "#3c4043"),
}


class Banner(QFrame):
    """A colored box with a title, a (rich) message, an optional busy bar and a close button."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self._kind = BannerKind.INFO
        self._title = QLabel()
        self._title.setObjectName("bannerTitle")
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        self._title.setWordWrap(True)
        font = self._title.font()
        font.setBold(True)
        self._title.setFont(font)
        self._body = QLabel()
        self._body.setTextFormat(Qt.TextFormat.RichText)
        self._body.setWordWrap(True)
        self._body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._progress = QProgressBar()
        self._progress.setRange(0, 0)  # indeterminate: a moving bar while a task runs
        self._progress.setTextVisible(False)
        self._progress.setFixedSize(140, 8)
        self._close = QToolButton()
        self._close.setObjectName("bannerClose")
        self._close.setText("×")
        self._close.setToolTip("Dismiss")
        self._close.setAutoRaise(True)
        self._close.clicked.connect(self.dismiss)

        header = QHBoxLayout()
        header.setSpacing(10)
        header.addWidget(self._title, 1)
        header.addWidget(self._progress, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self._close, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 10)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self._body)
        self.hide()

    @property
    def kind(self) -> BannerKind:
        return self._kind

    def show_message(self, kind: BannerKind, title: str, message: str = "") -> None:
        """Show plain text (escaped, line breaks kept)."""
        self.show_html(kind, title, html.escape(message).replace("\n", "<br>"))

    def show_html(self, kind: BannerKind, title: str, body_html: str) -> None:
        """Show a title and a rich-text body in the given tone."""
        self._kind = kind
        self._title.setText(title)
        self._body.setText(body_html)
        self._body.setVisible(bool(body_html))
        busy = kind == BannerKind.BUSY
        self._progress.setVisible(busy)
        self._close.setVisible(not busy)
        background, border, text = _COLORS[kind]
        self.setStyleSheet(
            f"QFrame#banner {{ background: {background}; border: 1px solid {border}; border-radius: 6px; }}"
            f"QFrame#banner QLabel {{ color: {text}; background: transparent; border: none; }}"
            f"QToolButton#bannerClose {{ color: {text}; border: none; font-size: 16px; padding: 0 4px; }}"
        )
        self.show()

    def show_busy(self, text: str) -> None:
        """Show progress: a moving bar and `text`; it cannot be dismissed until replaced."""
        self.show_html(BannerKind.BUSY, text, "")

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    def is_busy(self) -> bool:
        return self.isVisible() and self._kind == BannerKind.BUSY

    def title(self) -> str:
        return self._title.text()

    def plain_text(self) -> str:
        """The title and message without markup (for tests and copying)."""
        document = QTextDocument()
        document.setHtml(self._body.text())
        return f"{self._title.text()}\n{document.toPlainText()}".strip()
