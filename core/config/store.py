"""The configured data sources: the profile file for settings, the keyring for secrets.

This is the one place that adds, edits, renames and removes data sources, so the profile file and the
keyring never disagree. Every change is applied to the file as it is on disk at that moment (under its
lock), merged by uid with what other processes wrote since this one read it.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from pathlib import Path

from core.config.datasource import SECRET_FIELDS, DataSource, printable, validate
from core.config.merge import Preference, conflict_error, merge
from core.config.naming import free_name
from core.config.profile_file import ProfileFile
from core.config.secrets import NO_BACKEND_HELP, SecretState, SecretStore
from core.errors import CqlscopeError, NotFoundError, PartialChangeError, SecretStoreError, ValidationError


class DataSourceStore:
    """Loads, validates and saves data sources; secrets go through its `secrets` store."""

    def __init__(self, config_dir: Path | None = None, secrets: SecretStore | None = None) -> None:
        self.profile = ProfileFile(config_dir)
        self.secrets = secrets if secrets is not None else SecretStore()
        self._items: builtins.list[DataSource] = []  # the file as this process last read or wrote it
        self._listeners: list[Callable[[], None]] = []

    # -- loading and listening ---------------------------------------------------------------

    def load(self) -> None:
        """Read the profile file (ProfileError when it is unreadable; the file is then kept)."""
        self._items = self.profile.load()
        self._notify()

    def reload(self) -> bool:
        """Read the file again (another process may have changed it); True when the data sources differ."""
        items = self.profile.load()
        changed = items != self._items
        self._items = items
        if changed:
            self._notify()
        return changed

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
        known = ", ".join(f"'{printable(n)}'" for n in self.names()) \
            or "none yet ('cqlscope datasource add NAME' creates one)"
        raise NotFoundError(f"No data source named '{printable(name)}'. Configured: {known}.")

    def by_uid(self, uid: str) -> DataSource:
        for ds in self._items:
            if ds.uid == uid:
                return ds.copy()
        raise NotFoundError(f"No data source with uid '{uid}'.")

    def problems(self, ds: DataSource, *, check_files: bool = True) -> builtins.list[tuple[str, str]]:
        """Validation problems of `ds` among the other configured data sources."""
        return _problems(ds, self._items, check_files=check_files)

    # -- changes -----------------------------------------------------------------------------

    def add(self, ds: DataSource, *, check_files: bool = True) -> DataSource:
        """Validate and save a new data source (`check_files=False`: TLS paths of another machine are kept)."""
        new = ds.copy()

        def change(current: builtins.list[DataSource]) -> builtins.list[DataSource]:
            if any(other.uid == new.uid for other in current):
                raise ValidationError([("uid", f"uid '{new.uid}' is already used by another data source")])
            _check(new, current, check_files=check_files)
            return [*current, new]

        self._commit(change)
        return new.copy()

    def add_with_secrets(self, ds: DataSource, secrets: dict[str, str], *, check_files: bool = True) -> DataSource:
        """Add a data source and its secrets, or nothing: when a secret cannot be saved the entry is taken back."""
        if secrets:
            self.secrets.backend()  # fail before any change when there is no keyring at all
        added = self.add(ds, check_files=check_files)
        written: builtins.list[str] = []
        try:
            for field, value in secrets.items():
                self.secrets.set(added.uid, field, value)
                written.append(field)
        except SecretStoreError as exc:
            self._undo_add(added, written, exc)
            raise SecretStoreError(f"'{printable(added.name)}' was not added: its secrets could not be saved. "
                                   f"{exc.message}", title=exc.title) from None
        self._notify()
        return added

    def _undo_add(self, added: DataSource, written: builtins.list[str], cause: SecretStoreError) -> None:
        try:
            for field in written:
                self.secrets.clear(added.uid, field)
            self._commit(lambda current: [item for item in current if item.uid != added.uid])
        except CqlscopeError as undo:
            raise PartialChangeError(
                f"'{printable(added.name)}' was added, but its secrets could not be saved ({cause.message}), and "
                f"taking the entry back failed too ({undo.message}). Set its secrets with 'cqlscope datasource "
                "set-secret', or remove it.") from None

    def update(self, ds: DataSource, *, base: DataSource | None = None,
               prefer: Preference | None = None) -> DataSource:
        """Save an edit of the data source with the same uid, merged with what is on disk now.

        `base` is the version the edit started from (default: the one this store read). Fields changed
        elsewhere meanwhile are kept; the same field changed differently raises ConflictError, unless
        `prefer` says which side wins. A rename keeps the secrets.
        """
        start = base.copy() if base is not None else self.by_uid(ds.uid)
        mine = ds.copy()
        result: builtins.list[DataSource] = []

        def change(current: builtins.list[DataSource]) -> builtins.list[DataSource] | None:
            index = next((i for i, item in enumerate(current) if item.uid == mine.uid), None)
            if index is None:
                if prefer == Preference.THEIRS:
                    return None
                if prefer is None:
                    raise conflict_error(start, mine, None, [])
                _check(mine, current, check_files=True)
                result.append(mine)
                return [*current, mine]
            theirs = current[index]
            merged = merge(start, mine, theirs, prefer)
            _check(merged, current, check_files=True, previous_name=theirs.name)
            result.append(merged)
            items = list(current)
            items[index] = merged
            return items

        self._commit(change)
        if not result:
            raise NotFoundError(f"'{printable(mine.name)}' was removed elsewhere; nothing was saved.")
        return result[0].copy()

    def remove(self, name: str, *, force: bool = False) -> None:
        """Delete the data source's keyring entries, then its settings.

        When the keyring fails, nothing is removed (SecretStoreError), unless `force`: then the settings are
        removed and PartialChangeError says which keyring entries stayed behind.
        """
        ds = self.get(name)
        deleted: builtins.list[str] = []
        failure: SecretStoreError | None = None
        try:
            for field in SECRET_FIELDS:
                self.secrets.clear(ds.uid, field)
                deleted.append(field)
        except SecretStoreError as exc:
            failure = exc
        if failure is not None and not force:
            message = f"'{printable(name)}' was not removed: its keyring entries could not be deleted."
            if deleted:
                raise PartialChangeError(f"{message} Its {', '.join(deleted)} entry was already deleted from the "
                                         f"keyring; its settings are kept. {failure.message}")
            raise SecretStoreError(f"{message} Nothing was changed. {failure.message}", title=failure.title)
        self._commit(lambda current: [item for item in current if item.uid != ds.uid])
        if failure is not None:
            left = [field for field in SECRET_FIELDS if field not in deleted]
            raise PartialChangeError(
                f"The settings of '{printable(name)}' were removed, but its keyring entries ({', '.join(left)}, "
                f"service 'cqlscope', user '{ds.uid}/<field>') were not deleted: {failure.message}")

    def set_default(self, name: str) -> None:
        """Mark `name` as its org's default and unmark the others of that org."""
        target = self.get(name)

        def change(current: builtins.list[DataSource]) -> builtins.list[DataSource]:
            found = next((item for item in current if item.uid == target.uid), None)
            if found is None:
                raise NotFoundError(f"'{printable(name)}' was removed elsewhere; nothing was changed.")
            for item in current:
                if item.org_id == found.org_id:
                    item.is_default = item.uid == found.uid
            return current

        self._commit(change)

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
                raise SecretStoreError(f"'{printable(clone.name)}' was created without the secrets: {NO_BACKEND_HELP}")
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

    def _commit(self, change: Callable[[builtins.list[DataSource]], builtins.list[DataSource] | None]) -> None:
        """Apply `change` to the file as it is on disk (under its lock), then take the result as ours."""
        self._items = self.profile.change(change)
        self._notify()


def _problems(ds: DataSource, items: builtins.list[DataSource], *, check_files: bool,
              previous_name: str | None = None) -> builtins.list[tuple[str, str]]:
    if previous_name is None:
        previous_name = next((item.name for item in items if item.uid == ds.uid), None)
    others = [other for other in items if other.uid != ds.uid]
    return validate(ds, others, check_files=check_files, previous_name=previous_name)


def _check(ds: DataSource, items: builtins.list[DataSource], *, check_files: bool,
           previous_name: str | None = None) -> None:
    problems = _problems(ds, items, check_files=check_files, previous_name=previous_name)
    if problems:
        raise ValidationError(problems)
