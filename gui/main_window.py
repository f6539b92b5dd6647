"""The main window: data sources on the left; banner and the data source editor on the right.

The window owns every state change. The health check runs on a worker thread and reports back through
signals; every worker error is shown by `show_error`, in the banner.
"""

from __future__ import annotations

import contextlib
import time
from functools import partial

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from core.config.datasource import DataSource
from core.config.secrets import SecretState
from core.config.workspace import Workspace
from core.cql.health import HealthReport, check_health
from core.errors import CqlscopeError, NotFoundError, ProfileError
from gui.common.banner import Banner, BannerKind
from gui.common.prompts import Prompts, UnsavedChoice
from gui.common.text import plural
from gui.common.workers import TaskRunner, describe_error
from gui.datasources.actions import DataSourceActions
from gui.datasources.editor import DataSourceEditor
from gui.datasources.health_summary import health_html, health_title
from gui.datasources.list_panel import DataSourceList, ListEntry
from gui.datasources.profile_sync import ProfileSync
from gui.menus import build_menus
from gui.provisioning.export_panel import ExportPanel
from gui.provisioning.import_dialog import run_import
from gui.query.area import QueryArea
from gui.query.window_actions import QueryWindowActions

APP_NAME = "cqlscope"
DEFAULT_SIZE = (1200, 760)
# How long closing waits in all for running workers (queries are cancelled first) before closing the sessions.
CLOSE_WAIT_MS = 15_000
EMPTY_TEXT = "No data source selected.\nClick Add to create one."
READ_ONLY_TEXT = ("The profile file could not be loaded, so nothing can be changed.\n"
                  "Fix or move the file named above, then restart cqlscope.")


class _StoreEvents(QObject):
    """Relays the store's change notifications as a Qt signal (queued when they come from a worker)."""

    changed = Signal()


class MainWindow(QueryWindowActions, DataSourceActions, QMainWindow):
    """Configure, save and test the data sources of one workspace."""

    def __init__(self, workspace: Workspace, prompts: Prompts | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.store = workspace.store
        self.prompts = prompts if prompts is not None else Prompts(self)
        self.tasks = TaskRunner(self)
        self.tasks.failed.connect(self.show_error)
        self._current_uid: str | None = None
        self._draft: DataSource | None = None  # a new data source, not in the store until saved
        self._read_only = False
        self._testing = False
        self._closed = False
        self._shown_dirty = False
        self._build()
        self._store_events = _StoreEvents(self)
        self._store_events.changed.connect(self._refresh_list)
        self._unsubscribe = self.store.subscribe(self._on_store_changed)
        self._load_profile()
        self._watch_profile()
        self.restore_layout()
        self.query_area.grafana_context.changed.connect(self._save_grafana_context)

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setWindowTitle(f"{APP_NAME}[*]")
        self.resize(*DEFAULT_SIZE)
        self.list_panel = DataSourceList()
        self.list_panel.setMinimumWidth(180)
        self.list_panel.selection_changed.connect(self._on_list_selection)
        self.list_panel.add_clicked.connect(self.add_datasource)
        self.list_panel.duplicate_clicked.connect(self.duplicate_datasource)
        self.list_panel.remove_clicked.connect(self.remove_datasource)
        self.list_panel.mark_default_clicked.connect(self.mark_default)

        self.banner = Banner()
        self.editor = DataSourceEditor(self.store.problems)
        self.editor.edited.connect(self._update_modified)
        self.editor.save_clicked.connect(self.save)
        self.editor.test_clicked.connect(self.save_and_test)
        # Shortcuts for tests and readers: the editor's parts.
        self.connection_form = self.editor.connection_form
        self.credentials_form = self.editor.credentials_form
        self.tabs = self.editor.tabs
        self.save_button = self.editor.save_button
        self.test_button = self.editor.test_button
        self.query_area = QueryArea(self.workspace)
        self.query_area.status.connect(self.statusBar().showMessage)
        self.query_area.error.connect(self.show_error)
        self.query_area.succeeded.connect(self._clear_error_banner)
        self.query_area.current_tab_changed.connect(self._sync_query_actions)
        self.tabs.addTab(self.query_area, "Query")
        self.export_panel = ExportPanel(self.store)
        self.export_panel.saved.connect(
            lambda path: self.banner.show_message(BannerKind.SUCCESS, "Provisioning file saved", path))
        self.export_panel.draft = self._unsaved_datasource
        self.export_panel.copied.connect(lambda: self.statusBar().showMessage(
            "Provisioning file copied to the clipboard.", 5000))
        self.editor.edited.connect(self._refresh_export_preview)
        self.tabs.addTab(self.export_panel, "Export")
        self.tabs.currentChanged.connect(lambda _index: self._refresh_export_preview())
        self.placeholder = QLabel(EMPTY_TEXT)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #5f6368;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.editor)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.setSpacing(6)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.stack, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.list_panel)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, DEFAULT_SIZE[0] - 230])
        self.splitter = splitter
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(8, 8, 8, 4)
        central_layout.addWidget(splitter)
        self.setCentralWidget(central)

        self.profile_label = QLabel(f"Profile: {self.store.profile.path}")
        self.profile_label.setStyleSheet("color: #5f6368;")
        self.statusBar().addPermanentWidget(self.profile_label)
        self.menus = build_menus(self)
        self.import_action = self.menus.import_action

    def import_provisioning(self) -> None:
        """Pick a Grafana provisioning file, preview what changes, and add its CQL data sources."""
        if self._read_only or not self.resolve_unsaved_changes():
            return
        names = run_import(self.store, self)
        if names:
            self.banner.show_message(BannerKind.SUCCESS, f"Imported {plural(len(names), 'data source')}",
                                     ", ".join(names))

    # -- loading and state ---------------------------------------------------------------------

    def _load_profile(self) -> None:
        try:
            self.store.load()
        except ProfileError as exc:
            self._read_only = True
            self.import_action.setEnabled(False)
            self.placeholder.setText(READ_ONLY_TEXT)
            self.statusBar().showMessage("Read-only: the profile file could not be loaded")
            self.show_error(exc.title, exc.message)
        datasources = self.store.list()
        first = next((ds for ds in datasources if ds.is_default), datasources[0] if datasources else None)
        self._show(first.uid if first is not None else None)

    def _on_store_changed(self) -> None:
        with contextlib.suppress(RuntimeError):  # the window is gone; the store outlives it
            self._store_events.changed.emit()

    def current_uid(self) -> str | None:
        return self._current_uid

    def is_new(self) -> bool:
        """True while the shown data source is a new one that was never saved."""
        return self._draft is not None and self._draft.uid == self._current_uid

    def saved_datasource(self) -> DataSource | None:
        """The stored version of the shown data source (None for a new one)."""
        if self._current_uid is None or self.is_new():
            return None
        try:
            return self.store.by_uid(self._current_uid)
        except NotFoundError:
            return None

    def is_dirty(self) -> bool:
        """Whether the shown data source has changes that Save would write."""
        return self._current_uid is not None and self.editor.is_dirty()

    def _show(self, uid: str | None) -> None:
        """Load a data source (or none) into the editor, dropping unsaved edits of the previous one."""
        ds: DataSource | None = None
        if uid is not None and self._draft is not None and uid == self._draft.uid:
            ds = self._draft
        elif uid is not None:
            with contextlib.suppress(NotFoundError):
                ds = self.store.by_uid(uid)
        self._current_uid = ds.uid if ds is not None else None
        if ds is not None:
            self.editor.load(ds, self._secret_states(ds), is_new=self.is_new())
        self.query_area.set_datasource(None if ds is None or self.is_new() else ds.uid)
        if not self.banner.is_busy() and not self._read_only:
            self.banner.hide()
        self._refresh_list()

    def _secret_states(self, ds: DataSource) -> dict[str, SecretState]:
        if self.is_new():
            return self.workspace.secrets.states(ds.uid)
        return self.store.secret_states(ds.name)

    def _refresh_list(self) -> None:
        dirty = self.is_dirty()
        entries = [
            ListEntry(ds.uid, ds.name, _detail(ds), ds.is_default, modified=dirty and ds.uid == self._current_uid)
            for ds in self.store.list()
        ]
        if self._draft is not None and all(entry.uid != self._draft.uid for entry in entries):
            draft = self.editor.datasource() if self.is_new() else self._draft
            entries.append(ListEntry(draft.uid, draft.name, _detail(draft), modified=True, is_new=True))
        self.list_panel.set_entries(entries, self._current_uid)
        self.query_area.keep_only({ds.uid for ds in self.store.list()})
        self._shown_dirty = dirty
        self._update_chrome(dirty)

    def _update_chrome(self, dirty: bool) -> None:
        """Title, placeholder and the enabled state of every button."""
        has_current = self._current_uid is not None
        saved = self.saved_datasource()
        self.stack.setCurrentWidget(self.editor if has_current else self.placeholder)
        suffix = " (read-only)" if self._read_only else ""
        name = (self.editor.datasource().name or "(unnamed)") if has_current else ""
        self.setWindowTitle(f"{name}[*] — {APP_NAME}{suffix}" if has_current else f"{APP_NAME}[*]{suffix}")
        self.setWindowModified(dirty)
        writable = not self._read_only
        self.list_panel.set_actions_enabled(can_add=writable, has_selection=has_current, is_saved=saved is not None,
                                            is_default=saved is not None and saved.is_default)
        self.editor.set_actions(can_save=has_current and writable, testing=self._testing)

    def _update_modified(self) -> None:
        dirty = self.is_dirty()
        if dirty != self._shown_dirty or self.is_new():
            self._refresh_list()  # the '•' mark (and a new data source's name as typed)
        else:
            self._update_chrome(dirty)

    # -- switching, with the unsaved-changes question ------------------------------------------

    def _on_list_selection(self, uid: str) -> None:
        # Deferred: the list must finish its own selection change before we may rebuild or revert it.
        QTimer.singleShot(0, self, partial(self.select_datasource, uid))

    def select_datasource(self, uid: str | None) -> bool:
        """Show another data source, first asking about unsaved changes; False when the user stays."""
        if uid == self._current_uid:
            return True
        if not self.resolve_unsaved_changes():
            self.list_panel.select(self._current_uid)
            return False
        self._show(uid)
        return True

    def resolve_unsaved_changes(self) -> bool:
        """Ask Save / Discard / Cancel when there are unsaved changes; True when it is fine to move on."""
        if not self.is_dirty():
            return True
        name = self.editor.datasource().name or "The new data source"
        choice = self.prompts.unsaved_changes(name)
        if choice == UnsavedChoice.SAVE:
            return self.save()
        if choice == UnsavedChoice.DISCARD:
            self._discard_changes()
            return True
        return False

    def _discard_changes(self) -> None:
        if self.is_new():
            self._draft = None
            self._show(None)
        else:
            self._show(self._current_uid)

    # -- saving and testing --------------------------------------------------------------------

    def save(self) -> bool:
        """Validate, write the settings, then apply pending secret changes; True when all was saved."""
        if self._current_uid is None:
            return False
        if self._read_only:
            self.show_error("Read-only", "The profile file could not be loaded, so nothing is saved over it.")
            return False
        problems = self.editor.problems()
        if problems:
            self.connection_form.show_problems(problems)
            self.tabs.setCurrentWidget(self.connection_form)
            count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
            self.banner.show_message(BannerKind.ERROR, "Not saved",
                                     f"Fix the {count} shown in red on the Connection tab, then save again.")
            return False
        ds = self.editor.datasource()
        try:
            saved = self.store.add(ds) if self.is_new() else self.profile_sync.update(ds)
        except CqlscopeError as exc:
            self.show_error(exc.title, exc.message)
            return False
        self._draft = None
        failed, error = self._apply_secret_changes(saved.name)
        self.editor.load(saved, self._secret_states(saved), is_new=False, keep_secrets=failed)
        self._refresh_list()
        if error is not None:
            self.show_error(error.title, f"The settings of '{saved.name}' were saved, but not its secrets. "
                                         f"{error.message}")
            return False
        self.banner.show_message(BannerKind.SUCCESS, f"Saved '{saved.name}'")
        return True

    def _apply_secret_changes(self, name: str) -> tuple[set[str], CqlscopeError | None]:
        """Write pending secrets; returns the fields not written and the keyring's error, if any."""
        pending = self.credentials_form.pending()
        for field, change in pending.items():
            try:
                if change.value is None:
                    self.store.clear_secret(name, field)
                else:
                    self.store.set_secret(name, field, change.value)
            except CqlscopeError as exc:
                done = list(pending).index(field)
                return set(list(pending)[done:]), exc
        return set(), None

    def save_and_test(self) -> None:
        """Save, then run the health check on a worker thread; the result goes to the banner."""
        if self._testing or not self.save():
            return
        ds = self.saved_datasource()
        if ds is None:
            return
        self._testing = True
        self._update_chrome(self._shown_dirty)
        self.banner.show_busy(f"Testing '{ds.name}'…")
        workspace = self.workspace
        self.tasks.start(lambda: check_health(workspace, ds), self._show_health_report, self._health_check_done)

    def is_testing(self) -> bool:
        return self._testing

    def _show_health_report(self, report: HealthReport) -> None:
        kind = BannerKind.SUCCESS if report.ok else BannerKind.ERROR
        self.banner.show_html(kind, health_title(report), health_html(report))

    def _health_check_done(self) -> None:
        self._testing = False
        self._update_chrome(self._shown_dirty)

    # -- changes made by other cqlscope processes (see gui.datasources.profile_sync) -------------

    def _watch_profile(self) -> None:
        self.profile_sync = ProfileSync(self.store, self)
        self.profile_sync.watcher.changed.connect(self.reload_profile)
        self.profile_sync.reloaded.connect(self._on_profile_reloaded)
        self.profile_sync.failed.connect(self.show_error)
        self.profile_sync.message.connect(self.statusBar().showMessage)
        self._store_events.changed.connect(self.profile_sync.watcher.renew)

    def reload_profile(self) -> None:
        """Take in the profile as another process left it (the watcher calls this)."""
        if not self._read_only and not self._closed:
            self.profile_sync.reload(None if self.is_new() else self._current_uid, self.is_dirty(),
                                     self.saved_datasource())

    def _on_profile_reloaded(self, uid: str) -> None:
        if uid == self._current_uid and not self.is_dirty():
            self._show(uid)

    # -- errors and closing --------------------------------------------------------------------

    def show_error(self, title: str, message: str) -> None:
        """The one place errors are shown: a red banner (never a traceback)."""
        self.banner.show_message(BannerKind.ERROR, title, message)

    def show_unexpected_error(self, exc: BaseException) -> None:
        """Show an exception that escaped a handler, as a title and a message."""
        self.show_error(*describe_error(exc))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved changes, then wait briefly for a running check and close every session."""
        if self._closed:
            event.accept()
            return
        if not self.resolve_unsaved_changes():
            event.ignore()
            return
        self._closed = True
        self.save_layout()
        self._unsubscribe()
        self.hide()
        # One budget for every worker, so closing never waits twice (queries are cancelled first).
        deadline = time.monotonic() + CLOSE_WAIT_MS / 1000
        self.query_area.shutdown(CLOSE_WAIT_MS)
        self.tasks.shutdown(max(0, int((deadline - time.monotonic()) * 1000)))
        self.export_panel.detach()
        self.workspace.close()
        event.accept()


def _detail(ds: DataSource) -> str:
    hosts = ", ".join(ds.hosts) if ds.hosts else "no hosts"
    return f"{ds.flavor.value} · {hosts}"
