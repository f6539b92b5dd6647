"""`make demo`: the local Cassandra with demo data, a demo data source, and the GUI with example queries.

It starts what it needs (and stops it again on exit or Ctrl+C), loads a week of sensor readings, stores the
demo password in the system keyring (or, with no keyring, asks for it once and keeps it in memory for this
run only), seeds three example query tabs and opens the window on them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.config.datasource import DataSource, Flavor
from core.config.saved_queries import QueryFileState, QueryTabsFile, QueryTabState
from core.config.secrets import RunOnlyKeyring, SecretStore
from core.config.workspace import Workspace
from core.errors import CqlscopeError, SecretStoreError

REPO = Path(__file__).resolve().parent.parent
LOCAL_CASSANDRA = REPO / "scripts" / "local-cassandra"
DEMO_NAME = "cqlscope demo"
DEMO_UID = "cqlscope-demo"
DEMO_USER = "cassandra"
SENSORS = ["b-temp-1", "b-temp-2", "o-temp-1"]

EXAMPLES = (
    QueryTabState(
        title="Time series", flavor="cassandra", raw_from="now-24h", raw_to="now", max_data_points=1000,
        variables={"sensors": SENSORS},
        text="SELECT sensor, value, ts FROM cqlscope_demo.readings\n"
             "WHERE sensor IN (${sensors:sqlstring})\n  AND ts >= $__timeFrom AND ts <= $__timeTo"),
    QueryTabState(
        title="Multi-value variable", flavor="scylla", variables={"sensors": ["b-hum-1", "l-hum-1", "o-hum-1"]},
        text="SELECT sensor, site, kind, installed FROM cqlscope_demo.sensors\n"
             "WHERE sensor IN (${sensors:sqlstring})"),
    QueryTabState(
        title="Pinned to a node", flavor="scylla", host="127.0.0.1",
        text="SELECT broadcast_address, data_center, rack, release_version, cluster_name\nFROM system.local"),
)


def say(message: str) -> None:
    print(f"demo: {message}", flush=True)


def local_cassandra(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LOCAL_CASSANDRA), *args], text=True, capture_output=True)


def start_cassandra() -> bool:
    """Start the local node (and node 2 when it once joined: logins need its quorum); True if we started any."""
    was_running = local_cassandra("status").returncode == 0
    nodes = ["1"] + (["2"] if (REPO / ".run" / "cassandra" / "node2").is_dir() else [])
    for node in nodes:
        say(f"starting the local Cassandra node {node} (the first time fetches it from Maven Central) ...")
        result = subprocess.run([str(LOCAL_CASSANDRA), "start", "--node", node], text=True)
        if result.returncode != 0:
            raise CqlscopeError("The local Cassandra could not start; see the messages above.",
                                title="Cassandra not started")
    return not was_running


def load_data() -> None:
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster

    from core.cql.failures import classify_connect_error
    from core.demo.data import load_demo_data

    cluster = Cluster(["127.0.0.1"], auth_provider=PlainTextAuthProvider("cassandra", "cassandra"),
                      connect_timeout=10)
    try:
        try:
            session = cluster.connect()
        except Exception as exc:  # the driver's own errors: explain them instead of a traceback
            failure = classify_connect_error(exc, connect_timeout=10)
            raise CqlscopeError(f"{failure.message} (scripts/local-cassandra status shows the nodes)",
                                title=failure.title) from None
        try:
            summary = load_demo_data(session)
        except Exception as exc:
            raise CqlscopeError(f"Loading the demo data failed: {type(exc).__name__}: {exc}",
                                title="Demo data not loaded") from None
    finally:
        cluster.shutdown()
    if summary.reloaded:
        say(f"loaded {summary.readings:,} sensor readings (7 days, one per minute) into cqlscope_demo")
    else:
        say("the demo data is recent: kept it")


def demo_workspace(ask_password: bool) -> Workspace:
    """The user's workspace with the demo data source; its password in the keyring, or asked for once."""
    workspace = Workspace()
    try:
        workspace.secrets.backend()
    except SecretStoreError as exc:
        say(f"{exc.message}\ndemo: the demo keeps the password in memory for this run only.")
        workspace = Workspace(secrets=SecretStore(RunOnlyKeyring()))
        password = os.environ.get("CQLSCOPE_DEMO_PASSWORD")
        if password is None and ask_password and sys.stdin.isatty():
            password = getpass.getpass("Password of the local Cassandra user 'cassandra' (it is cassandra): ")
        if not password:
            password = "cassandra"
            say("no terminal to ask on: using the local node's default password")
        secrets = {"user": DEMO_USER, "password": password}
    else:
        secrets = {"user": DEMO_USER, "password": "cassandra"}
    workspace.store.load()
    demo = DataSource(name=DEMO_NAME, uid=DEMO_UID, flavor=Flavor.CASSANDRA, hosts=["127.0.0.1"],
                      keyspace="cqlscope_demo", consistency="LOCAL_ONE")
    if DEMO_UID in {ds.uid for ds in workspace.store.list()}:
        current = workspace.store.by_uid(DEMO_UID)
        workspace.store.update(demo.copy(name=current.name))
    else:
        if DEMO_NAME in workspace.store.names():
            demo.name = workspace.store.free_name(DEMO_NAME)
        workspace.store.add(demo)
    name = workspace.store.by_uid(DEMO_UID).name
    for field, value in secrets.items():
        workspace.store.set_secret(name, field, value)
    tabs = QueryTabsFile(DEMO_UID)
    state = tabs.load()
    if not state.tabs:
        tabs.save(QueryFileState(tabs=list(EXAMPLES), history=state.history))
    return workspace


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
    started = False
    for signum in (signal.SIGTERM, signal.SIGHUP):  # a closed terminal or `kill` also stops what we started
        signal.signal(signum, _exit_on_signal)
    try:
        started = start_cassandra()
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
            local_cassandra("stop", "--all")


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
            say(f"first example query: {'ok' if result.ok else 'failed'}, {result.rows} rows"
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
