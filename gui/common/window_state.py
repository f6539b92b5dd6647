"""The window's layout between runs: geometry, splitters, the selected data source and tabs, kept in a QSettings
INI file in cqlscope's config directory (so CQLSCOPE_CONFIG_DIR redirects it, and tests stay isolated)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter

STATE_FILE = "window.ini"


def settings_in(directory: Path) -> QSettings:
    """The window settings file of a config directory."""
    return QSettings(str(directory / STATE_FILE), QSettings.Format.IniFormat)


def save_splitter(settings: QSettings, key: str, splitter: QSplitter) -> None:
    settings.setValue(key, splitter.saveState())


def restore_splitter(settings: QSettings, key: str, splitter: QSplitter) -> None:
    """Restore a splitter's sizes when they were saved (a missing or bad value leaves the defaults)."""
    value = settings.value(key)
    if isinstance(value, QByteArray) and not value.isEmpty():
        splitter.restoreState(value)


def read_bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def read_text(settings: QSettings, key: str) -> str:
    value = settings.value(key, "")
    return value if isinstance(value, str) else ""


def read_int(settings: QSettings, key: str, default: int = 0) -> int:
    value = settings.value(key, default)
    try:
        return int(str(value))
    except ValueError:
        return default
