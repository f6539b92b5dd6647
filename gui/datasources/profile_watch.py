"""Watches the profile file so the window can reload it when another cqlscope process changes it.

The file is replaced atomically (rename), which ends a watch on it, so the directory is watched too and
the file's watch is renewed after every event. Bursts of events are folded into one `changed` signal.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

SETTLE_MS = 150


class ProfileWatcher(QObject):
    """Emits `changed` shortly after the profile file (or its directory) changes."""

    changed = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._watcher = QFileSystemWatcher(self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._settled)
        self._watcher.fileChanged.connect(self._on_event)
        self._watcher.directoryChanged.connect(self._on_event)
        self.renew()

    def renew(self) -> None:
        """Watch the directory and the file again (an atomic replace drops the file's watch)."""
        watched = set(self._watcher.files()) | set(self._watcher.directories())
        for candidate in (self.path.parent, self.path):
            if str(candidate) not in watched and candidate.exists():
                self._watcher.addPath(str(candidate))

    def _on_event(self, _path: str) -> None:
        self._settle.start()

    def _settled(self) -> None:
        self.renew()
        self.changed.emit()
