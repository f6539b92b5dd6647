"""The Query area of one data source: several query tabs, each with its own state, saved with the data
source (and its history) and restored on restart. Schema and nodes load on a worker, on their own connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QToolButton, QVBoxLayout, QWidget

from core.config.saved_queries import HistoryEntry, QueryFileState, QueryTabsFile, QueryTabState
from core.config.workspace import Workspace
from core.cql.schema import Schema, load_schema
from core.errors import CqlscopeError, NotFoundError
from gui.common.workers import TaskRunner
from gui.query.tab import QueryTab

SAVE_DELAY_MS = 800
UNSAVED_TEXT = "Save the data source first: queries run on saved data sources."


class QueryArea(QWidget):
    """Query tabs for the selected data source; `status` and `error` go to the window."""

    status = Signal(str)
    error = Signal(str, str)
    schema_loaded = Signal(object)  # Schema

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.tasks = TaskRunner(self)
        self.tasks.failed.connect(self.error)
        self.uid: str | None = None
        self.file: QueryTabsFile | None = None
        self.history: list[HistoryEntry] = []
        self.schema = Schema()
        self._schema_wanted = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.tabBarDoubleClicked.connect(self.rename_tab)
        self.tabs.setToolTip("Double-click a tab to rename it")
        self.ask_title: Callable[[str], str | None] = self._ask_title
        self.add_button = QToolButton()
        self.add_button.setText("+")
        self.add_button.setToolTip("Open a new query tab")
        self.add_button.clicked.connect(lambda: self.add_tab())
        self.tabs.setCornerWidget(self.add_button, Qt.Corner.TopRightCorner)
        self.placeholder = QLabel(UNSAVED_TEXT)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #5f6368;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    # -- data source ---------------------------------------------------------------------------

    def set_datasource(self, uid: str | None) -> None:
        """Show the saved tabs of a (saved) data source; None shows the placeholder."""
        if uid == self.uid:
            return
        self.save()
        for tab in self.query_tabs():
            tab.cancel()
        self.tabs.clear()
        self.uid = uid
        self.schema = Schema()
        self._schema_wanted = True
        if uid is None:
            self.file = None
            self.history = []
            self.stack.setCurrentWidget(self.placeholder)
            return
        self.file = QueryTabsFile(uid)
        state = self.file.load()
        if self.file.problem:
            self.error.emit("Saved queries not loaded", self.file.problem)
        self.history = state.history
        for tab_state in state.tabs or [QueryTabState()]:
            self.add_tab(tab_state, save=False)
        self.tabs.setCurrentIndex(0)
        self.stack.setCurrentWidget(self.tabs)
        if self.isVisible():
            self.refresh_schema()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._schema_wanted and self.uid is not None:
            self.refresh_schema()

    def _default_flavor(self) -> str:
        if self.uid is None:
            return "generic"
        try:
            return self.workspace.store.by_uid(self.uid).flavor.value
        except NotFoundError:
            return "generic"

    # -- tabs ----------------------------------------------------------------------------------

    def query_tabs(self) -> list[QueryTab]:
        return [w for w in (self.tabs.widget(i) for i in range(self.tabs.count())) if isinstance(w, QueryTab)]

    def current_tab(self) -> QueryTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, QueryTab) else None

    def add_tab(self, state: QueryTabState | None = None, *, save: bool = True) -> QueryTab | None:
        if self.uid is None:
            return None
        if state is None:
            taken = {tab.title for tab in self.query_tabs()}
            number = 1
            while f"Query {number}" in taken:
                number += 1
            state = QueryTabState(title=f"Query {number}")
        tab = QueryTab(self.workspace, self.uid, self.tasks, state, self._default_flavor())
        tab.set_schema(self.schema)
        tab.history.set_history(self.history)
        tab.status.connect(self.status)
        tab.error.connect(self.error)
        tab.state_changed.connect(self._save_timer.start)
        tab.ran.connect(self._record)
        tab.refresh_schema_requested.connect(self.refresh_schema)
        self.tabs.addTab(tab, tab.title)
        self.tabs.setCurrentWidget(tab)
        if save:
            self.save()
        return tab

    def rename_tab(self, index: int) -> None:
        """Ask for a new title of a tab; the title is saved with the tab."""
        widget = self.tabs.widget(index)
        if not isinstance(widget, QueryTab):
            return
        title = self.ask_title(widget.title)
        if title is None or not title.strip():
            return
        widget.title = title.strip()
        self.tabs.setTabText(index, widget.title)
        self.save()

    def _ask_title(self, current: str) -> str | None:
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(self, "Rename query tab", "Title:", QLineEdit.EchoMode.Normal, current)
        return text if ok else None

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, QueryTab):
            widget.cancel()
        self.tabs.removeTab(index)
        if widget is not None:
            widget.deleteLater()
        if self.tabs.count() == 0:
            self.add_tab(save=False)
        self.save()

    def _record(self, entry: Any) -> None:
        assert isinstance(entry, HistoryEntry)
        self.history.append(entry)
        for tab in self.query_tabs():
            tab.history.set_history(self.history)
        self.save()

    def save(self) -> None:
        """Write the tabs and the history of the shown data source (errors go to the banner)."""
        self._save_timer.stop()
        if self.file is None:
            return
        try:
            self.file.save(QueryFileState([tab.state() for tab in self.query_tabs()], self.history))
        except (OSError, CqlscopeError) as exc:
            self.error.emit("Queries not saved", f"Cannot write {self.file.path}: {exc}")

    # -- schema --------------------------------------------------------------------------------

    def refresh_schema(self) -> None:
        """Load keyspaces, tables, columns and nodes on a worker with its own connection."""
        if self.uid is None:
            return
        self._schema_wanted = False
        try:
            ds = self.workspace.store.by_uid(self.uid)
        except NotFoundError:
            return
        workspace, uid = self.workspace, self.uid
        self.status.emit("Loading the schema…")
        self.tasks.start(lambda: (uid, load_schema(workspace, ds)), self._on_schema)

    def _on_schema(self, result: Any) -> None:
        uid, schema = result
        if uid != self.uid:
            return
        self.schema = schema
        for tab in self.query_tabs():
            tab.set_schema(schema)
        self.status.emit(f"Schema loaded: {len(schema.keyspaces)} keyspaces, {len(schema.nodes)} nodes")
        self.schema_loaded.emit(schema)

    def shutdown(self, timeout_ms: int) -> None:
        """Save, cancel running queries and wait for the workers (when the window closes)."""
        self.save()
        for tab in self.query_tabs():
            tab.cancel()
        self.tasks.shutdown(timeout_ms)
