"""The configured data sources: the profile file for settings, the keyring for secrets.

This is the one place that adds, edits, renames and removes data sources, so the profile file and
the keyring never disagree (removing a data source deletes its keyring entries).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from pathlib import Path

from core.config.datasource import DataSource, validate
from core.config.naming import free_name
from core.config.profile_file import ProfileFile
from core.config.secrets import NO_BACKEND_HELP, SecretState, SecretStore
from core.errors import NotFoundError, SecretStoreError, ValidationError


class DataSourceStore:
    """Loads, validates and saves data sources; secrets go through its `secrets` store."""

    def __init__(self, config_dir: Path | None = None, secrets: SecretStore | None = None) -> None:
        self.profile = ProfileFile(config_dir)
        self.secrets = secrets if secrets is not None else SecretStore()
        self._items: builtins.list[DataSource] = []
        self._listeners: list[Callable[[], None]] = []

    # -- loading and listening ---------------------------------------------------------------

    def load(self) -> None:
        """Read the profile file (ProfileError when it is unreadable; the file is then kept)."""
        self._items = self.profile.load()
        self._notify()

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` after every change; returns a function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- queries -----------------------------------------------------------------------------

    def list(self) -> builtins.list[DataSource]:
        """Copies of every data source, in file order."""
        return [ds.copy() for ds in self._items]

    def names(self) -> builtins.list[str]:
        return [ds.name for ds in self._items]

    def get(self, name: str) -> DataSource:
        """A copy of the data source called `name`."""
        for ds in self._items:
            if ds.name == name:
                return ds.copy()
        known = ", ".join(self.names()) or "none yet ('cqlscope datasource add NAME' creates one)"
        raise NotFoundError(f"No data source named '{name}'. Configured: {known}.")

    def by_uid(self, uid: str) -> DataSource:
        for ds in self._items:
            if ds.uid == uid:
                return ds.copy()
        raise NotFoundError(f"No data source with uid '{uid}'.")

    def problems(self, ds: DataSource, *, check_files: bool = True) -> builtins.list[tuple[str, str]]:
        """Validation problems of `ds` among the other configured data sources."""
        return validate(ds, [other for other in self._items if other.uid != ds.uid], check_files=check_files)

    # -- changes -----------------------------------------------------------------------------

    def add(self, ds: DataSource, *, check_files: bool = True) -> DataSource:
        """Validate and save a new data source (`check_files=False`: TLS paths of another machine are kept)."""
        if any(other.uid == ds.uid for other in self._items):
            raise ValidationError([("uid", f"uid '{ds.uid}' is already used by another data source")])
        self._check(ds, check_files=check_files)
        self._commit([*self._items, ds.copy()])
        return ds.copy()

    def update(self, ds: DataSource) -> DataSource:
        """Validate and save the data source with the same uid (a rename keeps the secrets)."""
        index = self._index_of_uid(ds.uid)
        self._check(ds)
        items = list(self._items)
        items[index] = ds.copy()
        self._commit(items)
        return ds.copy()

    def remove(self, name: str) -> None:
        """Delete the data source and its keyring entries. Settings go first so none dangle."""
        ds = self.get(name)
        self._commit([item for item in self._items if item.uid != ds.uid])
        self.secrets.delete_all(ds.uid)

    def set_default(self, name: str) -> None:
        """Mark `name` as its org's default and unmark the others of that org."""
        target = self.get(name)
        items = []
        for item in self._items:
            clone = item.copy()
            if clone.org_id == target.org_id:
                clone.is_default = clone.uid == target.uid
            items.append(clone)
        self._commit(items)

    def duplicate(self, name: str, new_name: str | None = None) -> DataSource:
        """Copy a data source under a new name and uid; its secrets are copied keyring to keyring."""
        from core.config.datasource import new_uid

        source = self.get(name)
        if new_name is None:
            new_name = self.free_name(f"{source.name} (copy)")
        clone = source.copy(name=new_name, uid=new_uid(), is_default=False)
        self.add(clone)
        for field, state in self.secret_states(source.name).items():
            if state == SecretState.UNAVAILABLE:
                raise SecretStoreError(f"'{clone.name}' was created without the secrets: {NO_BACKEND_HELP}")
            if state == SecretState.CONFIGURED:
                value = self.secrets.get(source.uid, field)
                if value is not None:
                    self.secrets.set(clone.uid, field, value)
        self._notify()
        return clone

    def free_name(self, base: str) -> str:
        """`base`, or `base 2`, `base 3`... whichever no data source uses yet."""
        return free_name(set(self.names()), base, lambda n: f"{base} {n}")

    # -- secrets -----------------------------------------------------------------------------

    def set_secret(self, name: str, field: str, value: str) -> None:
        self.secrets.set(self.get(name).uid, field, value)
        self._notify()

    def clear_secret(self, name: str, field: str) -> None:
        self.secrets.clear(self.get(name).uid, field)
        self._notify()

    def secret_states(self, name: str) -> dict[str, SecretState]:
        return self.secrets.states(self.get(name).uid)

    # -- internals ---------------------------------------------------------------------------

    def _index_of_uid(self, uid: str) -> int:
        for index, item in enumerate(self._items):
            if item.uid == uid:
                return index
        raise NotFoundError(f"No data source with uid '{uid}'.")

    def _check(self, ds: DataSource, *, check_files: bool = True) -> None:
        problems = self.problems(ds, check_files=check_files)
        if problems:
            raise ValidationError(problems)

    def _commit(self, items: builtins.list[DataSource]) -> None:
        self.profile.save(items)
        self._items = items
        self._notify()
