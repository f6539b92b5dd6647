"""The plugin's own answer to the query: the exact JSON Grafana would receive from the emulated plugin release
(the same text as `cqlscope query --target FILE --format plugin`), asked for on demand and copyable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from core.errors import CqlscopeError

if TYPE_CHECKING:
    from gui.query.tab import QueryTab


class PluginAnswerBox(QWidget):
    """"Ask the plugin" runs the query through the emulated plugin (a second run, on a worker); "Copy" copies
    the JSON."""

    requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ask_button = QPushButton("Ask the plugin")
        self.ask_button.setToolTip("Run the query as a panel's raw target through the emulated plugin release and "
                                   "show the JSON Grafana would receive.")
        self.ask_button.clicked.connect(self.requested)
        self.copy_button = QPushButton("Copy JSON")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy)
        self.status = QLabel()
        self.status.setStyleSheet("color: #5f6368;")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("The JSON the plugin would answer appears here.")
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("<b>The plugin's answer</b>"))
        buttons.addStretch(1)
        buttons.addWidget(self.ask_button)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.text, 1)

    def set_busy(self) -> None:
        self.ask_button.setEnabled(False)
        self.status.setText("Asking the emulated plugin…")

    def show_answer(self, text: str, failed: bool) -> None:
        """Show the answer's JSON; `failed` when the whole call failed (Grafana shows that error)."""
        self.ask_button.setEnabled(True)
        self.text.setPlainText(text)
        self.copy_button.setEnabled(bool(text))
        self.status.setText("The call fails as a whole: the panel shows this error." if failed else "")

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.text.toPlainText())
            self.status.setText("Copied to the clipboard.")


def ask_plugin(tab: QueryTab) -> None:
    """Run the tab's query (and its plugin fields) through the emulated plugin on a worker; the exact answer
    fills the plugin view."""
    from core.query.plugin_answers import answer_for, answer_json

    try:
        request = tab.request()
        ds = tab.workspace.store.by_uid(tab.uid)
    except CqlscopeError as exc:
        tab.error.emit(exc.title, exc.message)
        return
    box = tab.plugin_panel.answer
    box.set_busy()
    workspace = tab.workspace

    def shown(answer: Any) -> None:
        box.show_answer(answer_json(answer), "error" in answer)

    tab.tasks.start(lambda: answer_for(workspace, ds, request), shown, lambda: box.ask_button.setEnabled(True))
