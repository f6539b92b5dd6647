"""The Query area: for each data source shown while the app runs, its query tabs with their last results and
running queries (switching back shows them as they were); tabs and history are saved with the data source and
restored on restart. Schema and nodes load on a worker, on their own connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabBar, QTabWidget, QToolButton, QVBoxLayout, QWidget

from core.config.saved_queries import HistoryEntry, QueryFileState, QueryTabsFile, QueryTabState
from core.config.workspace import Workspace
from core.cql.schema import Schema, load_schema
from core.errors import CqlscopeError, NotFoundError
from core.query import fetch_process
from gui.common.text import plural
from gui.common.workers import TaskRunner
from gui.query.grafana_context import GrafanaContextHolder
from gui.query.tab import QueryTab
from gui.query.undo_notice import UndoNotice

SAVE_DELAY_MS = 800
UNSAVED_TEXT = "Save the data source first: queries run on saved data sources."
CLOSED_KEPT = 20  # closed tabs that Ctrl+Shift+T can reopen
UNDO_KEPT = 3  # of those, the last ones kept whole (their widget, with the last result) for Undo


@dataclass
class _ClosedTab:
    """A closed tab: its saved state, and while among the last UNDO_KEPT its hidden widget (with its result)."""

    index: int
    state: QueryTabState
    widget: QueryTab | None = None


@dataclass
class _Page:
    """One data source's tabs, history and schema, kept while the app runs."""

    uid: str
    tabs: QTabWidget
    file: QueryTabsFile
    history: list[HistoryEntry]
    schema: Schema = field(default_factory=Schema)
    schema_wanted: bool = True
    closed: list[_ClosedTab] = field(default_factory=list)


class QueryArea(QWidget):
    """Query tabs for the selected data source; `status`, `error` and `succeeded` go to the window."""

    status = Signal(str)
    error = Signal(str, str)
    succeeded = Signal()
    schema_loaded = Signal(object)  # Schema
    current_tab_changed = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.tasks = TaskRunner(self)
        self.grafana_context = GrafanaContextHolder(self)  # every tab's, and the dashboard views'
        fetch_process.warm_up()  # the first run need not wait for its fetch process to start
        self.tasks.failed.connect(self.error)
        self.uid: str | None = None
        self._pages: dict[str, _Page] = {}
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save)
        self.ask_title: Callable[[str], str | None] = self._ask_title
        self.placeholder = QLabel(UNSAVED_TEXT)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #5f6368;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.tabs = self._new_tab_widget()  # the shown data source's tabs (an empty one while none is)
        self.stack.addWidget(self.tabs)
        self.undo_notice = UndoNotice()
        self.undo_notice.undo_requested.connect(self.reopen_closed_tab)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.undo_notice)
        layout.addWidget(self.stack)

    def _new_tab_widget(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.setTabsClosable(False)  # our own plain close buttons: the style's red one looked like an error mark
        tabs.setMovable(True)
        tabs.setDocumentMode(False)
        tabs.tabCloseRequested.connect(self.close_tab)
        tabs.tabBarDoubleClicked.connect(self.rename_tab)
        tabs.currentChanged.connect(self._on_current_changed)
        tabs.setToolTip("Double-click a tab to rename it")
        add_button = QToolButton()
        add_button.setText("+")
        add_button.setToolTip("Open a new query tab (Ctrl+T)")
        add_button.clicked.connect(lambda: self.add_tab())
        tabs.setCornerWidget(add_button, Qt.Corner.TopRightCorner)
        return tabs

    @property
    def page(self) -> _Page | None:
        return self._pages.get(self.uid) if self.uid is not None else None

    @property
    def history(self) -> list[HistoryEntry]:
        page = self.page
        return page.history if page is not None else []

    @property
    def schema(self) -> Schema:
        page = self.page
        return page.schema if page is not None else Schema()

    @property
    def file(self) -> QueryTabsFile | None:
        page = self.page
        return page.file if page is not None else None

    # -- data source ---------------------------------------------------------------------------

    def set_datasource(self, uid: str | None) -> None:
        """Show the tabs of a (saved) data source, as they were left; None shows the placeholder.

        The tabs of the data source shown before stay as they are (running queries go on), to be shown again."""
        if uid == self.uid:
            return
        self.save()
        self.uid = uid
        self.undo_notice.hide()
        if uid is None:
            self.stack.setCurrentWidget(self.placeholder)
            self.current_tab_changed.emit()
            return
        page = self._pages.get(uid)
        if page is None:
            page = self._open_page(uid)
        self.tabs = page.tabs
        self.stack.setCurrentWidget(page.tabs)
        if self.isVisible() and page.schema_wanted:
            self.refresh_schema()
        self._on_current_changed()

    def _open_page(self, uid: str) -> _Page:
        file = QueryTabsFile(uid)
        state = file.load()
        if file.problem:
            self.error.emit("Saved queries not loaded", file.problem)
        page = _Page(uid, self._new_tab_widget(), file, state.history)
        self._pages[uid] = page
        self.stack.addWidget(page.tabs)
        for tab_state in state.tabs or [QueryTabState()]:
            self._add_tab_to(page, tab_state)
        page.tabs.setCurrentIndex(0)
        return page

    def keep_only(self, uids: set[str]) -> None:
        """Drop the kept tabs of data sources that are gone."""
        for uid in [uid for uid in self._pages if uid not in uids]:
            self.forget_datasource(uid)

    def forget_datasource(self, uid: str) -> None:
        """Drop the kept tabs of a data source that was removed (their queries are cancelled)."""
        page = self._pages.pop(uid, None)
        if page is None:
            return
        for tab in self._tabs_of(page):
            tab.cancel()
        for closed in page.closed:
            if closed.widget is not None:
                closed.widget.deleteLater()
        self.stack.removeWidget(page.tabs)
        page.tabs.deleteLater()
        if self.uid == uid:
            self.uid = None
            self.stack.setCurrentWidget(self.placeholder)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        page = self.page
        if page is not None and page.schema_wanted:
            self.refresh_schema()

    def _default_flavor(self, uid: str) -> str:
        try:
            return self.workspace.store.by_uid(uid).flavor.value
        except NotFoundError:
            return "generic"

    # -- tabs ----------------------------------------------------------------------------------

    @staticmethod
    def _tabs_of(page: _Page) -> list[QueryTab]:
        widgets = (page.tabs.widget(i) for i in range(page.tabs.count()))
        return [w for w in widgets if isinstance(w, QueryTab)]

    def query_tabs(self) -> list[QueryTab]:
        page = self.page
        return self._tabs_of(page) if page is not None else []

    def all_query_tabs(self) -> list[QueryTab]:
        """The tabs of every data source kept while the app runs."""
        return [tab for page in self._pages.values() for tab in self._tabs_of(page)]

    def current_tab(self) -> QueryTab | None:
        if self.page is None:
            return None
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, QueryTab) else None

    def add_tab(self, state: QueryTabState | None = None, *, save: bool = True) -> QueryTab | None:
        page = self.page
        if page is None:
            return None
        if state is None:
            taken = {tab.title for tab in self._tabs_of(page)}
            number = 1
            while f"Query {number}" in taken:
                number += 1
            state = QueryTabState(title=f"Query {number}")
        tab = self._add_tab_to(page, state)
        if save:
            self.save()
        return tab

    def _add_tab_to(self, page: _Page, state: QueryTabState, index: int = -1) -> QueryTab:
        tab = QueryTab(self.workspace, page.uid, self.tasks, state, self._default_flavor(page.uid),
                       context=self.grafana_context)
        tab.set_schema(page.schema)
        tab.history.set_history(page.history)
        tab.status.connect(lambda text, tab=tab: self._tab_status(tab, text))
        tab.error.connect(self.error)
        tab.succeeded.connect(self.succeeded)
        tab.state_changed.connect(self._save_timer.start)
        tab.ran.connect(lambda entry, page=page: self._record(page, entry))
        tab.refresh_schema_requested.connect(self.refresh_schema)
        self._insert(page, tab, index)
        return tab

    def _insert(self, page: _Page, tab: QueryTab, index: int) -> None:
        index = page.tabs.insertTab(index, tab, tab.title)
        page.tabs.tabBar().setTabButton(index, QTabBar.ButtonPosition.RightSide, _close_button(page.tabs, tab,
                                                                                               self.close_tab))
        page.tabs.setCurrentWidget(tab)

    def _tab_status(self, tab: QueryTab, text: str) -> None:
        """Only the current tab of the shown data source writes to the status bar."""
        if tab is self.current_tab():
            self.status.emit(text)

    def _on_current_changed(self, _index: int = -1) -> None:
        tab = self.current_tab()
        if tab is not None:
            self.status.emit(tab.last_status)
        self.current_tab_changed.emit()

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
        """Close a tab of the shown data source; Undo in the notice (or Ctrl+Shift+T) brings it back whole."""
        page = self.page
        if page is None:
            return
        widget = page.tabs.widget(index)
        page.tabs.removeTab(index)
        if isinstance(widget, QueryTab):
            widget.cancel()
            widget.hide()
            widget.setParent(self)  # kept, hidden, for Undo: its text, variables, options and last result
            page.closed = [*page.closed, _ClosedTab(index, widget.state(), widget)]
            self._drop_old_closed(page)
        elif widget is not None:
            widget.deleteLater()
        if page.tabs.count() == 0:
            self.add_tab(save=False)
        self.save()
        if isinstance(widget, QueryTab):
            self.undo_notice.show_closed(widget.title)
            self.status.emit(f"Closed '{widget.title}'. Click Undo or press Ctrl+Shift+T to reopen it.")

    @staticmethod
    def _drop_old_closed(page: _Page) -> None:
        """Keep the last CLOSED_KEPT states, and the widgets of the last UNDO_KEPT only."""
        for closed in page.closed[:-UNDO_KEPT]:
            if closed.widget is not None:
                closed.widget.deleteLater()
                closed.widget = None
        page.closed = page.closed[-CLOSED_KEPT:]

    def close_current_tab(self) -> None:
        if self.page is not None and self.tabs.currentIndex() >= 0:
            self.close_tab(self.tabs.currentIndex())

    def reopen_closed_tab(self) -> QueryTab | None:
        """Undo the last close of the shown data source: the tab comes back as it was (its last result too,
        while it is among the last few closed; older ones with their query and settings)."""
        page = self.page
        self.undo_notice.hide()
        if page is None or not page.closed:
            return None
        closed = page.closed.pop()
        index = min(closed.index, page.tabs.count())
        if closed.widget is not None:
            tab = closed.widget
            self._insert(page, tab, index)
            tab.show()
        else:
            tab = self._add_tab_to(page, closed.state, index)
        self.save()
        self.status.emit(f"Reopened '{tab.title}'.")
        return tab

    def _record(self, page: _Page, entry: Any) -> None:
        assert isinstance(entry, HistoryEntry)
        page.history.append(entry)
        for tab in self._tabs_of(page):
            tab.history.set_history(page.history)
        self._save_page(page)

    def save(self) -> None:
        """Write the tabs and the history of every kept data source (errors go to the banner)."""
        self._save_timer.stop()
        for page in self._pages.values():
            self._save_page(page)

    def _save_page(self, page: _Page) -> None:
        try:
            page.file.save(QueryFileState([tab.state() for tab in self._tabs_of(page)], page.history))
        except (OSError, CqlscopeError) as exc:
            self.error.emit("Queries not saved", f"Cannot write {page.file.path}: {exc}")

    # -- schema --------------------------------------------------------------------------------

    def refresh_schema(self) -> None:
        """Load keyspaces, tables, columns and nodes on a worker with its own connection."""
        page = self.page
        if page is None:
            return
        page.schema_wanted = False
        try:
            ds = self.workspace.store.by_uid(page.uid)
        except NotFoundError:
            return
        workspace, uid = self.workspace, page.uid
        self.status.emit("Loading the schema…")
        self.tasks.start(lambda: (uid, load_schema(workspace, ds)), self._on_schema)

    def _on_schema(self, result: Any) -> None:
        uid, schema = result
        page = self._pages.get(uid)
        if page is None:
            return
        page.schema = schema
        for tab in self._tabs_of(page):
            tab.set_schema(schema)
        if uid == self.uid:
            self.status.emit(f"Schema loaded: {plural(len(schema.keyspaces), 'keyspace')}, "
                             f"{plural(len(schema.nodes), 'node')}")
            self.schema_loaded.emit(schema)

    def shutdown(self, timeout_ms: int) -> None:
        """Save, cancel running queries and wait for the workers (when the window closes)."""
        for tab in self.all_query_tabs():
            tab.finish_showing()  # its run reaches the history
        self.save()
        for tab in self.all_query_tabs():
            tab.cancel()
        self.tasks.shutdown(timeout_ms)


def _close_button(tabs: QTabWidget, tab: QueryTab, close: Callable[[int], None]) -> QToolButton:
    """A flat, grey "×" that closes `tab` wherever it has moved to (Ctrl+W closes the current tab)."""
    button = QToolButton()
    button.setText("×")
    button.setAutoRaise(True)
    button.setToolTip("Close this tab (Ctrl+W; Undo or Ctrl+Shift+T reopens it)")
    button.setStyleSheet("QToolButton { color: #5f6368; border: none; padding: 0 2px; }"
                         "QToolButton:hover { color: #202124; background: #e8eaed; border-radius: 3px; }")
    button.clicked.connect(lambda: close(tabs.indexOf(tab)))
    return button
