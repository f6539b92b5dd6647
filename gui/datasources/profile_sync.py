"""Keeps the window's data sources in step with other cqlscope processes writing the same profile.

It reloads the store when the file changes, remembers the version each unsaved edit started from (so
a save merges with, rather than undoes, the other process's changes), and asks keep mine / take theirs
when both changed the same field.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from core.config.datasource import DataSource
from core.config.merge import ConflictError, Preference
from core.config.store import DataSourceStore
from core.errors import CqlscopeError, ProfileError
from gui.datasources.conflict_dialog import ask_keep_mine_or_theirs
from gui.datasources.profile_watch import ProfileWatcher


class ProfileSync(QObject):
    """Reloads on outside changes and saves edits merged with them; `reloaded` carries the shown uid."""

    reloaded = Signal(str)
    failed = Signal(str, str)  # title, message
    message = Signal(str)

    def __init__(self, store: DataSourceStore, window: QWidget) -> None:
        super().__init__(window)
        self.store = store
        self.edit_bases: dict[str, DataSource] = {}  # uid -> the saved version an unsaved edit started from
        self.ask_conflict: Callable[[ConflictError], Preference | None] = partial(ask_keep_mine_or_theirs, window)
        self.watcher = ProfileWatcher(store.profile.path, self)  # the window connects `changed` to its reload

    def reload(self, shown_uid: str | None, dirty: bool, shown: DataSource | None) -> None:
        """Read the file again; an unsaved edit of `shown_uid` keeps its values and the version it started from."""
        try:
            changed = self.store.reload()
        except ProfileError as exc:
            self.failed.emit(exc.title, exc.message)
            return
        if not changed or shown_uid is None:
            return
        if dirty and shown is not None:
            self.edit_bases.setdefault(shown_uid, shown)
            self.message.emit("Another cqlscope changed the profile; your unsaved edits are kept")
        self.reloaded.emit(shown_uid)

    def update(self, ds: DataSource) -> DataSource:
        """Save an edit merged with outside changes; on a conflict ask, and raise when the user cancels."""
        base = self.edit_bases.get(ds.uid)
        try:
            saved = self.store.update(ds, base=base)
        except ConflictError as conflict:
            choice = self.ask_conflict(conflict)
            if choice is None:
                raise CqlscopeError("Nothing was saved; your edits are still here.", title="Not saved") from None
            saved = self.store.update(ds, base=conflict.base, prefer=choice)
        self.edit_bases.pop(ds.uid, None)
        return saved
