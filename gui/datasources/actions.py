"""The data source list's actions (add, duplicate, remove, mark default) as a part of the main window.

A mixin so the window keeps one owner of every state change while this file holds one concern.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from core.config.datasource import DataSource
from core.config.naming import free_name
from core.config.secrets import SecretState
from core.config.store import DataSourceStore
from core.config.workspace import Workspace
from core.errors import CqlscopeError
from gui.common.banner import Banner, BannerKind
from gui.common.prompts import Prompts
from gui.datasources.connection_form import ConnectionForm
from gui.datasources.editor import DataSourceEditor
from gui.datasources.list_panel import DataSourceList

NEW_NAME = "New data source"


class DataSourceActions:
    """Add, duplicate, remove and mark default; MainWindow provides the state and views declared here."""

    workspace: Workspace
    store: DataSourceStore
    prompts: Prompts
    banner: Banner
    editor: DataSourceEditor
    connection_form: ConnectionForm
    list_panel: DataSourceList
    tabs: QTabWidget
    _draft: DataSource | None
    _current_uid: str | None
    _read_only: bool

    def resolve_unsaved_changes(self) -> bool:
        raise NotImplementedError

    def saved_datasource(self) -> DataSource | None:
        raise NotImplementedError

    def is_new(self) -> bool:
        raise NotImplementedError

    def show_error(self, title: str, message: str) -> None:
        raise NotImplementedError

    def _show(self, uid: str | None) -> None:
        raise NotImplementedError

    def _refresh_list(self) -> None:
        raise NotImplementedError

    def add_datasource(self) -> None:
        """Start a new data source; it is stored on the first successful Save."""
        if self._read_only or not self.resolve_unsaved_changes():
            return
        self._draft = DataSource(name=self._free_name(NEW_NAME))
        self._show(self._draft.uid)
        self.tabs.setCurrentWidget(self.connection_form)
        self.connection_form.name_edit.setFocus()
        self.connection_form.name_edit.selectAll()

    def duplicate_datasource(self) -> None:
        """Copy the shown data source (settings and secrets) under a free name and show the copy."""
        if self._read_only or not self.resolve_unsaved_changes():
            return
        source = self.saved_datasource()
        if source is None:
            return
        new_name = self._free_name(f"{source.name} (copy)")
        try:
            self.store.duplicate(source.name, new_name)
        except CqlscopeError as exc:
            if new_name not in self.store.names():  # the settings were not copied either
                self.show_error(exc.title, exc.message)
                return
            self._show(self.store.get(new_name).uid)
            self.show_error(exc.title, f"'{new_name}' was created without the secrets. {exc.message}")
        else:
            self._show(self.store.get(new_name).uid)
            self._report_duplicate(new_name)

    def _report_duplicate(self, new_name: str) -> None:
        states = set(self.store.secret_states(new_name).values())
        if SecretState.UNAVAILABLE in states:
            self.banner.show_message(BannerKind.WARNING, f"Duplicated as '{new_name}', without secrets",
                                     "The system keyring is unavailable, so the user and password were not copied.")
        elif SecretState.CONFIGURED in states:
            self.banner.show_message(BannerKind.SUCCESS, f"Duplicated as '{new_name}'",
                                     "The copy has its own uid; its configured secrets were copied too.")
        else:
            self.banner.show_message(BannerKind.SUCCESS, f"Duplicated as '{new_name}'", "The copy has its own uid.")

    def remove_datasource(self) -> None:
        """Remove the shown data source and its keyring entries, after confirmation."""
        uid = self._current_uid
        if uid is None or self._read_only:
            return
        name = self.editor.datasource().name if self.is_new() else self._saved_name(uid)
        if not self.prompts.confirm_remove(name):
            return
        shown = [entry.uid for entry in self.list_panel.entries()]
        error: CqlscopeError | None = None
        if self.is_new():
            self._draft = None
        else:
            try:
                self.workspace.remove(name)
            except CqlscopeError as exc:
                error = exc
        stored = self.store_uids()
        if uid in stored:  # the settings could not be removed: stay on it
            self._show(uid)
        else:
            index = shown.index(uid)
            others = [u for u in shown if u in stored]
            self._show(others[min(index, len(others) - 1)] if others else None)
        if error is not None:
            self.show_error(error.title, error.message)
        else:
            self.banner.show_message(BannerKind.INFO, f"Removed '{name}'")

    def mark_default(self) -> None:
        """Make the shown (saved) data source its org's default."""
        saved = self.saved_datasource()
        if saved is None or self._read_only:
            return
        try:
            self.store.set_default(saved.name)
        except CqlscopeError as exc:
            self.show_error(exc.title, exc.message)
            return
        self.editor.accept_saved_field(self.store.by_uid(saved.uid), "is_default")
        self._refresh_list()
        self.banner.show_message(BannerKind.SUCCESS, f"'{saved.name}' is now the default data source",
                                 f"The default of Grafana org {saved.org_id}; the others of that org were unmarked.")

    def store_uids(self) -> set[str]:
        return {ds.uid for ds in self.store.list()}

    def _saved_name(self, uid: str) -> str:
        return self.store.by_uid(uid).name

    def _free_name(self, base: str) -> str:
        taken = set(self.store.names()) | ({self._draft.name} if self._draft else set())
        return free_name(taken, base, lambda n: f"{base} {n}")
