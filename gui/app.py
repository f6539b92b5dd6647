"""The `cqlscope-gui` entry point: a QApplication, the user's workspace and the main window."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from core import __version__, unsupported_python
from core.config.workspace import Workspace
from gui.common.main_thread_gc import collect_on_the_gui_thread
from gui.common.responsiveness import favor_the_gui_thread
from gui.main_window import APP_NAME, MainWindow

log = logging.getLogger(__name__)


ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "cqlscope.svg"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Options of `cqlscope-gui`; Qt's own options (such as -platform) pass through."""
    parser = argparse.ArgumentParser(prog="cqlscope-gui", description="The cqlscope desktop application.")
    parser.add_argument("--version", action="version", version=f"cqlscope {__version__}")
    parser.add_argument("--quit-after", type=int, metavar="MS", help="close the window after MS milliseconds "
                        "(smoke tests of a build)")
    return parser.parse_known_args(list(argv))[0]


def application(args: Sequence[str]) -> QApplication:
    """The running QApplication, created with cqlscope's name, style and icon when there is none."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(args))
        app.setStyle("Fusion")
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.cqlscope.cqlscope")
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    collect_on_the_gui_thread()
    favor_the_gui_thread()
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Run the GUI until its window closes; returns the exit status."""
    if (problem := unsupported_python()) is not None:
        print(f"cqlscope-gui: {problem}", file=sys.stderr)
        return 1
    args = list(sys.argv if argv is None else argv)
    options = parse_args(args[1:])
    app = application(args)
    workspace = Workspace()
    window = MainWindow(workspace)
    previous_hook = sys.excepthook
    sys.excepthook = _show_in_window(window)
    try:
        window.show()
        if options.quit_after is not None:
            QTimer.singleShot(options.quit_after, window.close)
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
