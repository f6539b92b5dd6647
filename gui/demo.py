"""`make demo`: the local Cassandra with demo data, a demo data source, and the GUI with example queries.

It starts what it needs (and stops it again on exit or Ctrl+C), loads a week of sensor readings, stores the
demo password in the system keyring (or, with no keyring, asks for it once and keeps it in memory for this
run only), seeds three example query tabs and opens the window on them. The set-up lives in core.demo.setup.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.config.workspace import Workspace
from core.demo.setup import DEMO_UID, demo_workspace, load_data, local_cassandra, say, start_cassandra
from core.errors import CqlscopeError
from gui.common.text import plural


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cqlscope-demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--exit-after-first-query", action="store_true",
                        help="quit once the first example query has completed (exit 1 when it failed)")
    parser.add_argument("--keep-cassandra", action="store_true", help="leave the local Cassandra running")
    parser.add_argument("--screenshot", metavar="PNG", help="after the first query, save the window with its graph "
                        "to PNG and quit (used for the README)")
    return parser.parse_known_args(list(argv))[0]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; the exit status is the GUI's (or 1 when the set-up failed)."""
    args = list(sys.argv if argv is None else argv)
    options = parse_args(args[1:])
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")):
        say("no display: run it in a desktop session, under 'xvfb-run make demo', or with QT_QPA_PLATFORM=offscreen")
        return 1
    started: list[str] = []
    for signum in (signal.SIGTERM, signal.SIGHUP):  # a closed terminal or `kill` also stops what we started
        signal.signal(signum, _exit_on_signal)
    try:
        start_cassandra(started)
        load_data()
        workspace = demo_workspace(ask_password=not options.exit_after_first_query)
        return run_window(workspace, args, options.exit_after_first_query, options.screenshot)
    except CqlscopeError as exc:
        say(f"{exc.title}: {exc.message}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        if started and not options.keep_cassandra:
            say("stopping the local Cassandra it started")
            for node in reversed(started):
                local_cassandra("stop", "--node", node)


_open_windows: list[Any] = []


def _exit_on_signal(signum: int, _frame: Any) -> None:
    """Close the window when one is open (the event loop then ends), else leave through `finally`."""
    if _open_windows:
        _open_windows[0].close()
    else:
        raise SystemExit(128 + signum)


def run_window(workspace: Workspace, args: list[str], exit_after_first_query: bool,
               screenshot: str | None = None) -> int:
    from PySide6.QtCore import QTimer

    from gui.app import application
    from gui.main_window import MainWindow

    app = application(args)
    window = MainWindow(workspace)
    window.resize(1440, 1000)
    window.show()
    window.select_datasource(DEMO_UID)
    window.tabs.setCurrentWidget(window.query_area)
    exit_code: list[int] = []
    tabs = window.query_area.query_tabs()
    if tabs:
        first = tabs[0]

        def finished(result: Any) -> None:
            say(f"first example query: {'ok' if result.ok else 'failed'}, {plural(result.rows, 'row')}"
                + ("" if result.ok else f" ({result.error_title}: {result.error_message})"))
            if screenshot:
                first.results.setCurrentWidget(first.graph)
                QTimer.singleShot(800, lambda: save_and_close(result.ok))
            elif exit_after_first_query:
                exit_code.append(0 if result.ok and result.rows > 0 else 1)
                window.close()

        def save_and_close(ok: bool) -> None:
            assert screenshot is not None
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            saved = window.grab().save(screenshot)
            say(f"screenshot saved to {screenshot}" if saved else f"could not save {screenshot}")
            exit_code.append(0 if ok and saved else 1)
            window.close()

        first.finished.connect(finished)
        QTimer.singleShot(300, first.run)
    QTimer.singleShot(200, window.save_and_test)
    _open_windows.append(window)
    signal.signal(signal.SIGINT, lambda *_: window.close())
    heartbeat = QTimer()  # lets Python run its signal handler while Qt waits
    heartbeat.start(200)
    heartbeat.timeout.connect(lambda: None)
    status = app.exec()
    window.close()
    return exit_code[0] if exit_code else int(status)


if __name__ == "__main__":
    sys.exit(main())
