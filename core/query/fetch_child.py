"""The child's side of a query's fetch in a process of its own (core.query.fetch_process has the parent's side
and the messages both use): it runs each request the parent sends, one at a time, and sends back its pages,
progress and outcome, at a lower CPU priority, in a session of its own (started so by the parent)."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import queue
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

from core.config.datasource import DataSource
from core.config.workspace import Workspace
from core.cql.execution import CancelToken, QueryError
from core.cql.failures import Failure, FailureKind
from core.errors import CqlscopeError
from core.query.fetch_process import (
    CANCEL,
    CHILD_NICE,
    DONE,
    EXIT,
    FAILED,
    KEPT_SESSIONS,
    PAGE,
    PROGRESS,
    READY,
    RUN,
    encode,
    receive,
    run_in_process,
    send_parts,
)

log = logging.getLogger(__name__)


class _ChildWorkspace:
    """What run_query needs of a workspace in the child: the credentials sent with the run, and the sessions of
    the data sources used last (older ones are closed, so a long-lived child holds few connections)."""

    def __init__(self) -> None:
        from core.cql.sessions import Credentials, SessionManager

        self.current = Credentials()
        self.sessions = SessionManager(lambda _ds: self.current)
        self._recent: list[str] = []

    def credentials(self, _ds: DataSource) -> Any:
        return self.current

    def used(self, uid: str) -> None:
        """Note a run on data source `uid`; close the sessions beyond the last KEPT_SESSIONS used."""
        self._recent = [uid, *(other for other in self._recent if other != uid)]
        for stale in self._recent[KEPT_SESSIONS:]:
            self.sessions.close(stale)
        del self._recent[KEPT_SESSIONS:]


def serve(from_parent: Connection, to_parent: Connection) -> None:
    """Run each request the parent sends, one at a time, until it says exit or goes away."""
    from core.query.service import gc_paused

    requests: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
    running = [CancelToken()]
    send_lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        parts = encode(message)
        with send_lock:
            send_parts(to_parent, parts)

    def read() -> None:
        try:
            while True:
                message = receive(from_parent)
                if message[0] == RUN:
                    requests.put(message)
                elif message[0] == CANCEL:
                    running[0].cancel()
                elif message[0] == EXIT:
                    break
        except (EOFError, OSError):
            pass
        running[0].cancel()
        requests.put(None)

    workspace = _ChildWorkspace()
    threading.Thread(target=read, name="cqlscope-fetch-control", daemon=True).start()
    send((READY, os.getpid()))
    try:
        while (request := requests.get()) is not None:
            _kind, ds, credentials, statement, options, views = request
            running[0] = cancel = CancelToken()
            workspace.current = credentials
            try:
                with gc_paused():
                    run = run_in_process(cast(Workspace, workspace), ds, statement, options, cancel,
                                         lambda rows, pages, elapsed: send((PROGRESS, rows, pages, elapsed)),
                                         lambda page: send((PAGE, page)), views)
            except QueryError as exc:
                send((FAILED, exc.failure, exc.title, exc.message))
            except CqlscopeError as exc:
                send((FAILED, Failure(FailureKind.OTHER, exc.message), exc.title, exc.message))
            except Exception as exc:  # a bug: the parent reports it as service.run reports any unexpected error
                send((FAILED, None, type(exc).__name__, str(exc)))
            else:
                send((DONE, run.outcome, run.views))
                del run  # its series and plugin frames are the parent's now: not kept here until the next run
            del request, views
            workspace.used(ds.uid)
            release_free_memory()
    except (OSError, EOFError):
        pass  # the parent has gone
    finally:
        workspace.sessions.close_all()


def release_free_memory() -> None:
    """Hand the memory freed after a run back to the system (glibc keeps large freed blocks for reuse: the child
    then held its peak, some 120 MiB, while idle). Nothing where the C library has no malloc_trim."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def lower_group_priority() -> None:
    """Give this process's scheduling group (Linux autogroup: the session the child started) the child's nice
    value too: a thread's nice only weighs against the threads of its own group, so without it the child's
    group took as much CPU as the window's whole process."""
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(f"{CHILD_NICE}\n")


def main(argv: list[str]) -> int:
    """The child's entry: `python -m core.query.fetch_child READ_FD WRITE_FD`."""
    from core.query.threads import share_the_gil_finely

    with contextlib.suppress(OSError):
        os.nice(CHILD_NICE)
    lower_group_priority()
    share_the_gil_finely()
    from_parent = Connection(int(argv[0]), writable=False)
    to_parent = Connection(int(argv[1]), readable=False)
    started = time.perf_counter()
    serve(from_parent, to_parent)
    log.debug("fetch process ends after %.1f s", time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
