"""A query's fetch in a child process of its own, so that a window stays responsive while a large result streams in.

In one process, the driver's decoding thread and the converting worker share the GIL and a CPU share with the
window's thread: on two cores next to a local Cassandra, that thread waited 30-110 ms at a time for a CPU or
the GIL while a million rows came in. The child (`python -m core.query.fetch_child`) runs
`core.cql.execution.run_query` and sends each converted page (compact columns, pickled) through a pipe; it
starts a session of its own (under Linux's autogroup a scheduling group of its own) at a lower CPU priority.
The parent only assembles the pages, so the views, the sink and the result are exactly those of a run in
process. Credentials go through the pipe, never to disk; the child keeps its driver sessions between runs.
This module is the parent's side and what both sides share; core.query.fetch_child is the child's.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import dataclasses
import functools
import io
import itertools
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
import weakref
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from core.config.datasource import DataSource
from core.config.workspace import Workspace
from core.cql.execution import CancelToken, PageSink, Progress, QueryError, QueryOutcome, RunOptions, run_query
from core.cql.failures import Failure, FailureKind
from core.grafana.frames import Frame, FrameBuilder
from core.query.views import ViewBuilder

log = logging.getLogger(__name__)

READY, RUN, CANCEL, EXIT, PAGE, PROGRESS, DONE, FAILED = "ready", "run", "cancel", "exit", "page", "progress", \
    "done", "failed"
START_TIMEOUT_S = 30.0  # a child that has not said it is ready by then is not used (the run stays in process)
POLL_S = 0.05  # how often the parent looks at the cancel token while it waits for the child
OUT_OF_BAND_MIN = 1 << 20  # a buffer this large travels as a message of its own (see encode)
CHILD_NICE = 10  # the child's CPU priority below the window's (Unix nice)
MAX_IDLE = 2  # children kept for the next runs (each holds its own sessions)
CLOSE_WAIT_S = 2.0  # how long a child may take to close its sessions and end before it is killed
KEPT_SESSIONS = 3  # data sources whose sessions a child keeps open between runs
_ROOT = str(Path(__file__).resolve().parents[2])  # the directory that holds the `core` package
BUNDLE_ARGUMENT = "--fetch-process"  # how the bundled executable (packaging/entry.py) is asked to be a child


def child_command() -> list[str]:
    """How to start a child: this module under this interpreter, or the bundled executable as a child."""
    if getattr(sys, "frozen", False):
        return [sys.executable, BUNDLE_ARGUMENT]
    return [sys.executable, "-m", "core.query.fetch_child"]


class _Pickler(pickle.Pickler):
    """Pickles what the driver made up on the fly, which the other process cannot import: a UDT value is an
    instance of a namedtuple class the driver created for the type, and travels as its name, fields and values;
    a map keeps its key's type class (map<frozen<list<int>>, int>, or a timestamp key), and travels as a plain
    `OrderedMap` of the same items."""

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if isinstance(obj, tuple) and hasattr(kind, "_fields") and not _importable(kind):
            return _udt_value, (kind.__name__, tuple(kind._fields), tuple(obj))
        if kind.__name__ == "OrderedMapSerializedKey" and not _importable(obj.cass_key_type):
            from cassandra.util import OrderedMap

            return OrderedMap, (list(obj.items()),)
        return NotImplemented


_IMPORTABLE: weakref.WeakKeyDictionary[type, bool] = weakref.WeakKeyDictionary()


def _importable(kind: type) -> bool:
    known = _IMPORTABLE.get(kind)
    if known is None:
        module = sys.modules.get(kind.__module__)
        known = _IMPORTABLE[kind] = module is not None and getattr(module, kind.__qualname__, None) is kind
    return known


_UDT_NUMBERS = itertools.count()


@functools.cache
def _udt_class(name: str, fields: tuple[str, ...]) -> Any:
    """A namedtuple class for the UDT, which pickle finds in this module: a map keyed by UDTs (the driver's
    OrderedMap) pickles its keys to index them."""
    kind = collections.namedtuple(name if name.isidentifier() else "udt", fields, rename=True)  # type: ignore[misc]
    kind.__module__ = __name__
    kind.__qualname__ = f"_udt_{next(_UDT_NUMBERS)}_{kind.__name__}"
    globals()[kind.__qualname__] = kind
    return kind


def _udt_value(name: str, fields: tuple[str, ...], values: tuple[Any, ...]) -> Any:
    """A UDT value again: an instance of a namedtuple class with the driver's name and fields."""
    return _udt_class(name, fields)(*values)


def encode(message: tuple[Any, ...]) -> list[Any]:
    """The messages that carry `message` over a pipe (see send_parts): its pickle, behind the number of large
    buffers that follow it, then each buffer of OUT_OF_BAND_MIN bytes or more (a NumPy array's data). The receiver
    builds those arrays on the bytes it read (read-only) instead of copying them while holding the GIL: the 17 MiB
    of a 1M-point graph took the window's process 17 ms in one call so."""
    large: list[pickle.PickleBuffer] = []

    def in_band(buffer: pickle.PickleBuffer) -> bool:
        if memoryview(buffer).nbytes < OUT_OF_BAND_MIN:
            return True
        large.append(buffer)
        return False

    stream = io.BytesIO()
    stream.write(bytes(4))
    _Pickler(stream, protocol=5, buffer_callback=in_band).dump(message)
    head = stream.getbuffer()
    head[:4] = len(large).to_bytes(4, "big")
    return [head, *(buffer.raw() for buffer in large)]


def send_parts(connection: Connection, parts: list[Any]) -> None:
    """Send what `encode` made, in order (callers sending from several threads hold one lock around it)."""
    for part in parts:
        connection.send_bytes(part)


def receive(connection: Connection) -> tuple[Any, ...]:
    """One message sent by `send_parts`."""
    head = connection.recv_bytes()
    large = [connection.recv_bytes() for _ in range(int.from_bytes(head[:4], "big"))]
    message = pickle.loads(memoryview(head)[4:], buffers=large)
    assert isinstance(message, tuple)
    return message


def isolation_available() -> bool:
    """Whether runs can go to a child process here (POSIX pipes handed to the child)."""
    return os.name == "posix"


class FetchProcess:
    """One child process and the two pipes to it."""

    def __init__(self, command: list[str] | None = None) -> None:
        to_child_read, to_child_write = os.pipe()
        from_child_read, from_child_write = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_ROOT, env.get("PYTHONPATH", "")]))
        try:
            self.process = subprocess.Popen(
                [*(command or child_command()), str(to_child_read), str(from_child_write)],
                pass_fds=(to_child_read, from_child_write), start_new_session=True, env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        except BaseException:
            for fd in (to_child_read, to_child_write, from_child_read, from_child_write):
                os.close(fd)
            raise
        os.close(to_child_read)
        os.close(from_child_write)
        self._to_child = Connection(to_child_write, readable=False)
        self._from_child = Connection(from_child_read, writable=False)
        self.ready = False

    def wait_ready(self, timeout_s: float) -> bool:
        """True once the child has started and said so (its imports done)."""
        if not self.ready:
            with contextlib.suppress(EOFError, OSError):
                self.ready = self._from_child.poll(timeout_s) and self.recv()[0] == READY
        return self.ready

    def send(self, message: tuple[Any, ...]) -> None:
        send_parts(self._to_child, encode(message))

    def poll(self, timeout_s: float) -> bool:
        return self._from_child.poll(timeout_s)

    def recv(self) -> tuple[Any, ...]:
        return receive(self._from_child)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self, wait_s: float = CLOSE_WAIT_S) -> None:
        """Ask the child to end (it closes its sessions), then make sure it does."""
        self.ask_to_exit()
        self.reap(time.monotonic() + wait_s)

    def ask_to_exit(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.send((EXIT,))
        for connection in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                connection.close()

    def reap(self, deadline: float) -> None:
        """Wait until `deadline` for the child to end, then kill it."""
        try:
            self.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _Pool:
    """Idle children, ready for the next run; one is started ahead so the first run does not wait for it."""

    def __init__(self) -> None:
        self._idle: list[FetchProcess] = []
        self._lock = threading.Lock()

    def acquire(self) -> FetchProcess | None:
        with self._lock:
            while self._idle:
                candidate = self._idle.pop()
                if candidate.alive():
                    return candidate
                candidate.close()
        try:
            child = FetchProcess()
        except OSError:
            log.warning("could not start a fetch process; the query runs in this process", exc_info=True)
            return None
        if child.wait_ready(START_TIMEOUT_S):
            return child
        log.warning("the fetch process did not start (exit status %s); the query runs in this process",
                    child.process.poll())
        child.close()
        return None

    def release(self, child: FetchProcess) -> None:
        with self._lock:
            if child.alive() and len(self._idle) < MAX_IDLE:
                self._idle.append(child)
                return
        child.close()

    def warm_up(self) -> None:
        """Start one child in the background when none is idle (call when a window opens)."""
        def start() -> None:
            child = self.acquire()
            if child is not None:
                self.release(child)

        with self._lock:
            if self._idle:
                return
        threading.Thread(target=start, name="cqlscope-fetch-process-start", daemon=True).start()

    def close_all(self) -> None:
        """End the idle children, all within one wait (at exit: the window does not wait twice)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.ask_to_exit()
        deadline = time.monotonic() + CLOSE_WAIT_S
        for child in idle:
            child.reap(deadline)


@dataclasses.dataclass
class IsolatedRun:
    """A run's outcome, and the views the child built from the same pages, finished (see run_query_isolated)."""

    outcome: QueryOutcome
    views: ViewBuilder


_pool = _Pool()
warm_up = _pool.warm_up
close_all = _pool.close_all
atexit.register(close_all)


def run_query_isolated(workspace: Workspace, ds: DataSource, statement: str, options: RunOptions, views: ViewBuilder,
                       cancel: CancelToken | None = None, progress: Progress | None = None,
                       sink: PageSink | None = None) -> IsolatedRun:
    """`run_query` with the fetch in a child process: the same pages reach `sink`, and the same outcome (its frame
    assembled here from the pages) is returned. The child also feeds the pages to `views` (a builder nothing
    has been added to) and returns it finished: graph series, report facts and plugin view cost this process
    neither CPU nor GIL. In process when no child can start."""
    cancel = cancel or CancelToken()
    child = None
    if isolation_available():
        try:
            credentials = workspace.credentials(ds)
        except Exception:  # run_query reports it, as it always does
            pass
        else:
            child = _pool.acquire()
    if child is None:
        return run_in_process(workspace, ds, statement, options, cancel, progress, sink, views)
    try:
        child.send((RUN, ds, credentials, statement, dataclasses.replace(options, keep_rows=False), views))
        received = _receive(child, options, cancel, progress, sink)
    except (EOFError, OSError) as exc:
        try:
            status: int | None = child.process.wait(2)  # a killed child is reaped here, with its signal
        except subprocess.TimeoutExpired:
            status = None
        child.close()
        raise QueryError(Failure(FailureKind.OTHER, (
            f"The process that fetched the rows ended unexpectedly ({_status_text(status, exc)}). The query may "
            "have run on the server: check before running a statement that changes data again."))) from None
    except BaseException:
        child.close()  # a bug here, or the caller interrupted: the child's state is unknown
        raise
    _pool.release(child)  # a query error too leaves the child ready for the next run
    if isinstance(received, BaseException):
        raise received
    return received


def run_in_process(workspace: Workspace, ds: DataSource, statement: str, options: RunOptions, cancel: CancelToken,
                    progress: Progress | None, sink: PageSink | None, views: ViewBuilder) -> IsolatedRun:
    """What the child does (core.query.fetch_child), here: run_query, with `views` built from its pages."""

    def on_page(page: Frame) -> None:
        if sink is not None:
            sink(page)
        views.add(page)

    outcome = run_query(workspace, ds, statement, options, cancel, progress, on_page)
    views.finish(outcome.frame)
    return IsolatedRun(outcome, views)


def _receive(child: FetchProcess, options: RunOptions, cancel: CancelToken, progress: Progress | None,
             sink: PageSink | None) -> IsolatedRun | Exception:
    """Hand on the child's pages and progress until its outcome, or the error its run ended with (to raise once
    the child is back in the pool); cancel it when the token is set."""
    builder: FrameBuilder | None = None
    asked_to_cancel = False
    while True:
        if cancel.cancelled and not asked_to_cancel:
            child.send((CANCEL,))
            asked_to_cancel = True
        if not child.poll(POLL_S):
            if not child.alive() and not child.poll(0):
                raise EOFError("the child exited")
            continue
        kind, *payload = child.recv()
        if kind == PAGE:
            page: Frame = payload[0]
            if builder is None:
                builder = FrameBuilder([f.name for f in page.fields], [f.cql_type for f in page.fields], page.name,
                                       keep=options.keep_rows)
            page = builder.add_page(page)
            if sink is not None:
                sink(page)
        elif kind == PROGRESS:
            if progress is not None:
                progress(*payload)
        elif kind == DONE:
            outcome: QueryOutcome = payload[0]
            if builder is not None:
                meta = outcome.frame.meta
                outcome.frame = builder.frame()
                outcome.frame.meta = meta
            return IsolatedRun(outcome, payload[1])
        elif kind == FAILED:
            failure, title, message = payload
            if failure is not None:
                return QueryError(failure)
            # A bug in the child: raised under the same name, so service.run reports it as it would in process.
            unexpected: Exception = type(str(title), (Exception,), {})(message)
            return unexpected


def _status_text(status: int | None, exc: BaseException) -> str:
    if status is None:
        return f"its pipe failed: {exc}"
    if status < 0:
        return f"signal {-status}"
    return f"exit status {status}"
