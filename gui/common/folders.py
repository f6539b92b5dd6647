"""Where file dialogs open: the folder last used in this run, else the user's home (never the working directory,
which for a desktop app is wherever it was started from)."""

from __future__ import annotations

from pathlib import Path

_last_folder: dict[str, Path] = {}


def start_path(file_name: str = "") -> str:
    """A path for a file dialog: `file_name` in the last used folder or the home directory."""
    folder = _last_folder.get("any") or Path.home()
    return str(folder / file_name) if file_name else str(folder)


def remember(chosen: str) -> None:
    """Remember the folder of a file the user chose (ignored for an empty choice)."""
    if chosen:
        _last_folder["any"] = Path(chosen).expanduser().resolve().parent
