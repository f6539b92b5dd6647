"""Run one CQL statement on a data source's session: paging, limits, cancel, tracing, host pinning.

Paging uses the driver's paging state (never offsets). A hard row limit stops fetching and sets
`truncated`; cancellation from another thread stops before the next page. A host override pins the
statement to one node (the driver's `host=` target, not a preference); "all hosts" runs it on each
node and tags every row with the node in a `_host` column.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.config.datasource import CONSISTENCIES, DataSource
from core.config.workspace import Workspace
from core.cql.defaults import DEFAULT_FETCH_SIZE, MAX_TIMEOUT_S
from core.cql.diagnosis import QueryContext, down_nodes
from core.cql.failures import Failure, FailureKind, classify_query_error, connect_failure
from core.cql.nodes import address_of, describe_nodes, known_nodes
from core.cql.paging import PageStream, PageTimeout
from core.cql.sessions import Credentials
from core.cql.values import cql_type_name
from core.errors import CqlscopeError
from core.grafana.frames import Frame, FrameBuilder, frame_from_rows

HOST_COLUMN = "_host"
# With "all hosts", a node failing like this is skipped with a warning instead of failing the whole run.
SKIPPABLE = frozenset({FailureKind.TIMEOUT, FailureKind.UNREACHABLE, FailureKind.UNAVAILABLE})


class QueryError(CqlscopeError):
    """A query that failed, with its classified failure (the server's own message kept)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message, title=failure.title)
        self.failure = failure


class CancelToken:
    """Set from any thread to stop a running query before its next page."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass
class RunOptions:
    """How to run a statement; None means the data source's setting."""

    consistency: str | None = None
    timeout: float | None = None
    fetch_size: int = DEFAULT_FETCH_SIZE
    limit: int | None = None
    host: str | None = None
    all_hosts: bool = False
    hosts: list[str] | None = None  # with all_hosts: fan out over these instead of every node
    trace: bool = False
    keep_rows: bool = True  # False: pages go to the sink only, and the outcome's frame holds the columns alone
    text_pages: bool = False  # True: the sink only writes pages as text, so number columns stay the driver's lists


@dataclass
class TraceEvent:
    """One event of a query trace."""

    description: str
    source: str
    source_elapsed_us: int | None
    thread: str | None


@dataclass
class TraceInfo:
    """A query trace: who coordinated, how long it took, and what happened."""

    coordinator: str
    duration_us: int | None
    events: list[TraceEvent]


@dataclass
class QueryOutcome:
    """The result of a run: the exact frame plus how it was obtained."""

    frame: Frame
    statement: str
    truncated: bool = False
    cancelled: bool = False
    pages: int = 0
    hosts: list[str] = field(default_factory=list)  # the nodes that answered
    connect_ms: float = 0.0
    first_page_ms: float | None = None
    total_ms: float = 0.0
    traces: list[TraceInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    row_total: int | None = None  # every row fetched, also when they were not kept

    @property
    def row_count(self) -> int:
        return self.frame.row_count if self.row_total is None else self.row_total


Progress = Callable[[int, int, float], None]  # rows so far, pages so far, elapsed seconds
PageSink = Callable[[Frame], None]  # each page's rows as a frame, as they arrive (the CLI writes them at once)


def run_query(workspace: Workspace, ds: DataSource, statement: str, options: RunOptions | None = None,
              cancel: CancelToken | None = None, progress: Progress | None = None,
              sink: PageSink | None = None) -> QueryOutcome:
    """Run `statement` on the data source and return every row (up to the limit) as an exact frame; `sink`, when
    given, gets each page as soon as it is converted, before the next one is awaited."""
    options = options or RunOptions()
    cancel = cancel or CancelToken()
    _check_options(options)
    started = time.perf_counter()
    try:
        credentials = workspace.credentials(ds)
    except CqlscopeError as exc:
        raise QueryError(Failure(FailureKind.KEYRING, exc.message)) from None
    try:
        session = workspace.sessions.session(ds, credentials)
    except Exception as exc:
        raise QueryError(connect_failure(exc, ds, credentials)) from None
    connect_ms = (time.perf_counter() - started) * 1000
    outcome = QueryOutcome(frame=Frame("response", []), statement=statement, connect_ms=connect_ms)
    targets: list[Any | None]
    if options.all_hosts and options.hosts:
        targets = [resolve_host(session, host) for host in options.hosts]
    elif options.all_hosts:
        targets = _all_hosts(session, outcome)
    elif options.host:
        targets = [resolve_host(session, options.host)]
    else:
        targets = [None]
    collector = _Collector(options.all_hosts, sink, keep=options.keep_rows, text_pages=options.text_pages)
    names: list[str] = []
    types: list[str] = []
    answered = 0
    for target in targets:
        collector.target = target
        before = collector.rows
        try:
            if target is not None:
                _ensure_pool(session, target, ds.connect_timeout)
            names, types = _fetch(session, ds, statement, options, target, cancel, progress, outcome, started,
                                  credentials, collector)
        except QueryError as exc:
            if exc.failure.kind == FailureKind.DECODE:
                # The driver closes its connection after an answer it cannot decode, and the next query would get
                # "no node could run the query" until it reconnects: the next query gets a fresh session.
                workspace.sessions.close(ds.uid)
                raise
            if not options.all_hosts or exc.failure.kind not in SKIPPABLE:
                raise
            got = collector.rows - before
            kept = f" after {got:,} rows (they are kept)" if got else ""
            outcome.warnings.append(f"Skipped {address_of(target)}, which did not answer{kept}: "
                                    f"{exc.failure.message}")
            continue
        answered += 1
        if outcome.truncated or outcome.cancelled:
            break
    if targets and not answered and not outcome.cancelled:
        raise QueryError(Failure(FailureKind.UNREACHABLE, "No node answered: " + "; ".join(outcome.warnings)))
    outcome.frame = collector.frame(names, types)
    outcome.row_total = collector.rows
    outcome.frame.meta = {"executedQueryString": statement}
    outcome.total_ms = (time.perf_counter() - started) * 1000
    return outcome


class _Collector:
    """Turns each page into columns as it arrives (tagging rows with the node under "all hosts") and hands the
    page to the sink."""

    def __init__(self, all_hosts: bool, sink: PageSink | None, keep: bool = True, text_pages: bool = False) -> None:
        self.all_hosts = all_hosts
        self.sink = sink
        self.keep = keep
        self.text_pages = text_pages
        self.target: Any | None = None
        self.rows = 0
        self._builder: FrameBuilder | None = None

    def add(self, names: list[str], types: list[str], rows: list[Any]) -> None:
        if self.all_hosts:
            address = address_of(self.target)
            rows = [(*row, address) for row in rows]
            names, types = [*names, HOST_COLUMN], [*types, "text"]
        if self._builder is None:
            self._builder = FrameBuilder(names, types, keep=self.keep, number_arrays=not self.text_pages)
        page = self._builder.add(rows)
        self.rows += len(rows)
        if self.sink is not None:
            self.sink(page)

    def frame(self, names: list[str], types: list[str]) -> Frame:
        """Every collected row; without any page, the columns the statement announced (or none)."""
        if self._builder is not None:
            return self._builder.frame()
        if self.all_hosts:
            names, types = [*names, HOST_COLUMN], [*types, "text"]
        return frame_from_rows(names, types, [])


def _check_options(options: RunOptions) -> None:
    if options.consistency is not None and options.consistency not in CONSISTENCIES:
        choices = ", ".join(CONSISTENCIES)
        raise QueryError(Failure(FailureKind.CONFIGURATION,
                                 f"Unknown consistency '{options.consistency}': use one of {choices}."))
    if options.fetch_size < 1:
        raise QueryError(Failure(FailureKind.CONFIGURATION, "The fetch size must be 1 or more."))
    if options.limit is not None and options.limit < 0:
        raise QueryError(Failure(FailureKind.CONFIGURATION, "The row limit cannot be negative."))
    if options.timeout is not None and not (math.isfinite(options.timeout) and 0 < options.timeout <= MAX_TIMEOUT_S):
        raise QueryError(Failure(FailureKind.CONFIGURATION,
                                 f"The timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}."))
    if options.host and options.all_hosts:
        raise QueryError(Failure(FailureKind.CONFIGURATION, "Choose one host or all hosts, not both."))


def _fetch(session: Any, ds: DataSource, statement: str, options: RunOptions, target: Any | None,
           cancel: CancelToken, progress: Progress | None, outcome: QueryOutcome, started: float,
           credentials: Credentials, collector: _Collector) -> tuple[list[str], list[str]]:
    """Fetch every page of one execution (core.cql.paging) into the collector, stopping at the limit or on
    cancel; returns the column names and CQL types."""
    from cassandra import ConsistencyLevel
    from cassandra.cluster import EXEC_PROFILE_DEFAULT
    from cassandra.query import SimpleStatement, tuple_factory

    consistency = options.consistency or ds.consistency
    query = SimpleStatement(statement, fetch_size=options.fetch_size,
                            consistency_level=ConsistencyLevel.name_to_value[consistency])
    profile = session.execution_profile_clone_update(EXEC_PROFILE_DEFAULT, row_factory=tuple_factory)
    timeout = options.timeout if options.timeout is not None else ds.request_timeout
    limit = None if options.limit is None else max(options.limit - collector.rows, 0)
    got = 0
    stream: PageStream | None = None
    try:
        stream = PageStream(session, query, timeout=timeout, trace=options.trace, profile=profile, host=target,
                            cancelled=lambda: cancel.cancelled)
        page = stream.next_page()
        names = stream.column_names
        types = [cql_type_name(t) for t in stream.column_types]
        if page is None:  # cancelled before the first page
            outcome.cancelled = True
            return names, types
        if outcome.first_page_ms is None:
            outcome.first_page_ms = (time.perf_counter() - started) * 1000
        while page is not None:
            outcome.pages += 1
            cut = limit is not None and got + len(page) > limit
            if cut:
                outcome.truncated = True
                page = page[:limit - got]  # type: ignore[operator]
            collector.add(names, types, page)
            got += len(page)
            if progress is not None:
                progress(collector.rows, outcome.pages, time.perf_counter() - started)
            if cut or not stream.has_more_pages:
                break
            if cancel.cancelled:
                outcome.cancelled = True
                break
            if limit is not None and got == limit:
                # Probe: one more page tells whether the limit cut anything (a last page can be empty).
                probe = stream.next_page()
                outcome.pages += 1
                if probe or stream.has_more_pages:
                    outcome.truncated = True
                break
            page = stream.next_page()
            if page is None and cancel.cancelled:
                outcome.cancelled = True
        _collect_host_and_trace(stream.future, outcome, options.trace)
        outcome.warnings.extend(getattr(stream.future, "_warnings", None) or [])  # no wait for a prefetch
    except PageTimeout as exc:
        raise QueryError(Failure(FailureKind.TIMEOUT, (
            f"No answer from {exc.host} within {exc.timeout:g} s (consistency {consistency}): the node may be "
            "overloaded, stopped or cut off. Check it with `cqlscope check`, raise the timeout, or pin the query "
            "to another node."))) from None
    except Exception as exc:
        if isinstance(exc, QueryError):
            raise
        context = QueryContext(statement, consistency, _coordinator(target, stream), down_nodes(session),
                               credentials.user)
        raise QueryError(classify_query_error(exc, timeout=timeout, secrets=[credentials.password],
                                              context=context)) from None
    return names, types


def _coordinator(target: Any | None, stream: PageStream | None) -> str | None:
    """The node a failed request went to, for the diagnosis (None when not known)."""
    if target is not None:
        return address_of(target)
    waited = stream.waiting_on() if stream is not None else None
    return None if waited in (None, "the coordinator") else waited


def _collect_host_and_trace(future: Any, outcome: QueryOutcome, trace: bool) -> None:
    host = getattr(future, "coordinator_host", None)
    if host is not None:
        outcome.hosts.append(address_of(host) if not isinstance(host, str) else host)
    if not trace:
        return
    for query_trace in future.get_all_query_traces(max_wait_per=10):
        duration = query_trace.duration
        outcome.traces.append(TraceInfo(
            coordinator=str(query_trace.coordinator),
            duration_us=int(duration.total_seconds() * 1_000_000) if duration is not None else None,
            events=[TraceEvent(e.description, str(e.source),
                               int(e.source_elapsed.total_seconds() * 1_000_000)
                               if e.source_elapsed is not None else None, e.thread_name)
                    for e in query_trace.events],
        ))


def resolve_host(session: Any, text: str) -> Any:
    """The driver Host for `host`, `host:port` or a host name; a clear error when unknown or down."""
    wanted = text.strip().strip("{}").strip()
    address, _, port_text = wanted.rpartition(":") if wanted.count(":") == 1 else (wanted, "", "")
    if not address:
        address = wanted
    candidates = {address}
    try:
        for info in socket.getaddrinfo(address, None):
            candidates.add(str(info[4][0]))
    except OSError:
        pass
    for host in known_nodes(session):
        endpoint = getattr(host, "endpoint", None)
        port = getattr(endpoint, "port", None)
        if address_of(host) in candidates and (not port_text or str(port) == port_text):
            if host.is_up is False:  # None: not connected; the pool wait says why (core.cql.localdc)
                raise QueryError(Failure(
                    FailureKind.UNREACHABLE,
                    f"Host {wanted} is down, so the query cannot be pinned to it. Known nodes: "
                    f"{describe_nodes(session)}. Pick a node that is up, or clear the host override."))
            return host
    raise QueryError(Failure(
        FailureKind.CONFIGURATION,
        f"Host '{wanted}' is not a node of this cluster. Known nodes: {describe_nodes(session)}."))


def _ensure_pool(session: Any, host: Any, timeout: float) -> None:
    """Wait, within our own deadline, for the session's connection pool to `host` (core.cql.localdc): a pinned
    query needs one, and one that cannot come fails at once with the node's datacenter and what to do."""
    from core.cql.localdc import pool_failure

    failure = pool_failure(session, host, timeout)
    if failure is not None:
        raise QueryError(failure)


def _all_hosts(session: Any, outcome: QueryOutcome) -> list[Any | None]:
    hosts = known_nodes(session)
    down = [h for h in hosts if h.is_up is False]
    if down:
        outcome.warnings.append(
            "Skipped nodes that are down: " + ", ".join(address_of(h) for h in down)
            + " (the scylla plugin would fail the whole query).")
    unconnected = [h for h in hosts if h.is_up is None]
    if unconnected:
        outcome.warnings.append(
            "Skipped nodes the data source does not connect to: " + ", ".join(address_of(h) for h in unconnected)
            + " (outside its host list).")
    up = [h for h in hosts if h.is_up]
    if not up:
        raise QueryError(Failure(FailureKind.UNREACHABLE, f"No node is up. Known nodes: {describe_nodes(session)}."))
    return list(up)
