"""Small widgets of the results table: the row filter box (debounced) and the busy note with its Cancel button."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from gui.common.eliding_label import ElidingLabel

FILTER_DELAY_MS = 150

FILTER_TOOLTIP = (
    "Keep the rows where any cell's exact text contains this text, ignoring case (Ctrl+F). NULL cells match "
    "only the exact word NULL, which also finds text containing 'null'. Sorting applies to the rows kept. "
    "Export writes every row of the result unless 'Shown rows only' is ticked.")


class FilterBox(QLineEdit):
    """The filter text; `changed` fires once typing pauses for 150 ms (the previous filter run is cancelled)."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Filter rows…")
        self.setClearButtonEnabled(True)
        self.setToolTip(FILTER_TOOLTIP)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(lambda: self.changed.emit(self.text()))
        self.textEdited.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self.apply_now)

    def apply_now(self) -> None:
        """Apply the text at once (Enter), without waiting for the pause."""
        self._timer.stop()
        self.changed.emit(self.text())

    def set_quietly(self, text: str) -> None:
        """Show `text` without filtering again (a cancelled filter puts the applied one back)."""
        self._timer.stop()
        self.blockSignals(True)
        self.setText(text)
        self.blockSignals(False)


class BusyNote(QWidget):
    """"Sorting… 40%" and a Cancel button, shown while a sort, filter or export runs."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Its text changes ten times a second: a label that repaints alone (see ElidingLabel), wide enough for
        # the longest note.
        self.label = ElidingLabel(elide=Qt.TextElideMode.ElideRight)
        self.label.setStyleSheet("color: #174ea6;")
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("Exporting CSV… 100%") + 8)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop it: the table keeps showing what it showed before.")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)
        # Its room is kept while hidden: showing it never resizes the table below (a relayout of a view over a
        # million rows costs the window tens of milliseconds, twice per sort).
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()

    def show_work(self, what: str, done: int = 0, total: int = 0) -> None:
        percent = f" {100 * done // total}%" if total else ""
        self.label.setText(f"{what}…{percent}")
        self.show()
