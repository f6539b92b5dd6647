"""The profile file: non-secure data source settings as YAML under the user config directory.

Every change takes an exclusive lock beside the file, re-reads it, applies the change to what is on disk
and writes atomically, so concurrent cqlscope processes never lose each other's changes. A file that
cannot be read is never overwritten: it is copied to a `.bak`, and loading fails naming the file and line.
The schema (with its end marker against truncation) is in `core.config.profile_schema`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from core.config import safe_yaml
from core.config.datasource import DataSource
from core.config.file_safety import atomic_write, backup_copy, exclusive_lock
from core.config.profile_schema import LEGACY_VERSION, SchemaError, dump, parse
from core.config.safe_yaml import YamlInputError, YamlLimits
from core.errors import CqlscopeError, ProfileError

__all__ = ["CONFIG_DIR_ENV", "PROFILE_FILE", "ProfileFile", "atomic_write", "config_dir", "yaml_error_where"]

PROFILE_FILE = "datasources.yaml"
CONFIG_DIR_ENV = "CQLSCOPE_CONFIG_DIR"
PROFILE_LIMITS = YamlLimits(max_bytes=10 * 1024 * 1024, max_depth=16, max_nodes=2_000_000)

Change = Callable[[list[DataSource]], list[DataSource] | None]
yaml_error_where = safe_yaml.error_where  # kept for callers that named it here


def config_dir() -> Path:
    """`CQLSCOPE_CONFIG_DIR` when set, else the platform's user config directory for cqlscope."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("cqlscope", appauthor=False)


class ProfileFile:
    """Reads and changes the list of data sources of one config directory."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else config_dir()
        self.path = self.directory / PROFILE_FILE
        self.version_on_disk: int | None = None  # the schema version last read (None: no file)

    def load(self) -> list[DataSource]:
        """The data sources in the file; an absent file means none. ProfileError when it cannot be used."""
        self.version_on_disk = None
        try:
            text = safe_yaml.read_text(self.path, PROFILE_LIMITS)
        except FileNotFoundError:
            return []
        except YamlInputError as exc:
            raise self._refuse(exc.message, backup=self.path.is_file()) from None
        try:
            loaded = safe_yaml.load(text, str(self.path), PROFILE_LIMITS)
            datasources, version = parse(text, loaded.data, loaded.node)
        except YamlInputError as exc:
            raise self._refuse(exc.message) from None
        except SchemaError as exc:
            where = f", line {exc.line}" if exc.line is not None else ""
            raise self._refuse(f"{self.path}{where}: {exc.message}", backup=not exc.newer) from None
        self.version_on_disk = version
        return datasources

    def _refuse(self, reason: str, *, backup: bool = True) -> ProfileError:
        """Copy the file aside (unless told not to) and build the error to raise."""
        note = ""
        if backup:
            try:
                note = f" A copy was saved as {backup_copy(self.path)}."
            except OSError:
                note = ""
        return ProfileError(f"The profile file cannot be loaded: {reason}.{note} cqlscope will not overwrite it: "
                            "fix or move the file, then try again.")

    def change(self, change: Change) -> list[DataSource]:
        """Under the lock: re-read the file, apply `change` to its data sources, write the result atomically.

        `change` returns the new list, or None to write nothing; it may raise to abort (nothing is written).
        A file that cannot be read is never overwritten (ProfileError starting with 'Not saved').
        """
        try:
            with exclusive_lock(self.path):
                try:
                    current = self.load()
                except ProfileError as exc:
                    raise ProfileError(f"Not saved. {exc.message}") from None
                new = change([ds.copy() for ds in current])
                if new is None:
                    return current
                if self.version_on_disk == LEGACY_VERSION:
                    backup_copy(self.path)  # the old-format file, kept once before its upgrade
                self._write(new)
                self.version_on_disk = None
                return new
        except OSError as exc:
            raise ProfileError(f"Cannot write {self.path}: {exc.strerror}. Check the directory's permissions.") \
                from None

    def save(self, datasources: list[DataSource]) -> None:
        """Replace every data source (under the lock); refuses while the file on disk cannot be read."""
        self.change(lambda _current: [ds.copy() for ds in datasources])

    def _write(self, datasources: list[DataSource]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            atomic_write(self.path, dump(datasources))
        except CqlscopeError as exc:
            raise ProfileError(exc.message) from None
