"""The `cqlscope-gui` entry point: a QApplication, the user's workspace and the main window."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from types import TracebackType

from PySide6.QtWidgets import QApplication

from core import __version__
from core.workspace import Workspace
from gui.main_window import APP_NAME, MainWindow

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the GUI until its window closes; returns the exit status."""
    args = list(sys.argv if argv is None else argv)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(args)
        app.setStyle("Fusion")
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    workspace = Workspace()
    window = MainWindow(workspace)
    previous_hook = sys.excepthook
    sys.excepthook = _show_in_window(window)
    try:
        window.show()
        status = app.exec()
    finally:
        sys.excepthook = previous_hook
        window.close()  # no-op when the user already closed it; else closes the sessions
    return int(status)


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def _show_in_window(window: MainWindow) -> ExceptHook:
    """An excepthook that logs a handler's exception for bug reports and shows it in the banner."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        window.show_unexpected_error(exc)

    return hook


if __name__ == "__main__":
    sys.exit(main())
