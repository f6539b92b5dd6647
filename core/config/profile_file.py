"""The profile file: non-secure data source settings as YAML under the user config directory.

Writes are atomic (temporary file, fsync, rename). A file that cannot be read is never overwritten:
it is copied to a `.bak`, and loading fails with an error naming the file and the line.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from core.config.datasource import DataSource
from core.errors import ProfileError

SCHEMA_VERSION = 1
PROFILE_FILE = "datasources.yaml"
CONFIG_DIR_ENV = "CQLSCOPE_CONFIG_DIR"


def config_dir() -> Path:
    """`CQLSCOPE_CONFIG_DIR` when set, else the platform's user config directory for cqlscope."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("cqlscope", appauthor=False)


class ProfileFile:
    """Reads and writes the list of data sources of one config directory."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else config_dir()
        self.path = self.directory / PROFILE_FILE
        self._unreadable: str | None = None  # set when the file on disk must not be overwritten

    def load(self) -> list[DataSource]:
        """The data sources in the file; an absent file means none."""
        self._unreadable = None
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise self._refuse(f"cannot read {self.path}: {exc.strerror}", backup=False) from None
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise self._refuse(f"{self.path}{yaml_error_where(exc)}") from None
        return self._parse(document)

    def _parse(self, document: Any) -> list[DataSource]:
        if document is None:
            return []
        if not isinstance(document, dict):
            raise self._refuse(f"{self.path}: expected a mapping with 'schema_version' and 'datasources'")
        version = document.get("schema_version", SCHEMA_VERSION)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise self._refuse(
                f"{self.path}: schema version {version!r} is newer than this cqlscope understands "
                f"({SCHEMA_VERSION}); upgrade cqlscope", backup=False)
        entries = document.get("datasources") or []
        if not isinstance(entries, list):
            raise self._refuse(f"{self.path}: 'datasources' must be a list")
        result: list[DataSource] = []
        for index, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                raise self._refuse(f"{self.path}: data source #{index} is not a mapping")
            try:
                result.append(DataSource.from_dict(entry))
            except ValueError as exc:
                raise self._refuse(f"{self.path}: data source #{index}: {exc}") from None
        return result

    def _refuse(self, reason: str, *, backup: bool = True) -> ProfileError:
        """Remember that the file must be kept, copy it aside, and build the error to raise."""
        self._unreadable = reason
        note = ""
        if backup and self.path.exists():
            bak = self._backup_path()
            shutil.copy2(self.path, bak)
            note = f" A copy was saved as {bak}."
        return ProfileError(
            f"The profile file cannot be loaded: {reason}.{note} cqlscope will not overwrite it: fix or "
            "move the file, then restart.")

    def _backup_path(self) -> Path:
        bak = self.path.with_name(self.path.name + ".bak")
        counter = 1
        while bak.exists() and bak.read_bytes() != self.path.read_bytes():
            bak = self.path.with_name(f"{self.path.name}.bak{counter}")
            counter += 1
        return bak

    def save(self, datasources: list[DataSource]) -> None:
        """Write every data source atomically; refuses while the file on disk is unreadable."""
        if self._unreadable is not None:
            raise ProfileError(f"Not saved: {self._unreadable}. Fix or move the file first.")
        document = {
            "schema_version": SCHEMA_VERSION,
            "datasources": [ds.to_dict() for ds in datasources],
        }
        text = "# cqlscope data sources (secrets are in the system keyring, not here)\n"
        text += yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, text)
        except OSError as exc:
            raise ProfileError(
                f"Cannot write {self.path}: {exc.strerror}. Check the directory's permissions.") from None


def yaml_error_where(exc: yaml.YAMLError) -> str:
    """`, line N: problem` for a YAML parse error, to follow the file's name in a message."""
    mark = getattr(exc, "problem_mark", None)
    where = f", line {mark.line + 1}" if mark is not None else ""
    return f"{where}: {getattr(exc, 'problem', None) or 'not valid YAML'}"


def atomic_write(path: Path, text: str, mode: int = 0o600) -> None:
    """Replace `path` with `text` so that readers see the old or the new file, never a partial one."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
