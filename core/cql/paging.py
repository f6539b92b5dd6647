"""The pages of one statement, fetched through the driver's callbacks with a deadline of our own.

cassandra-driver 3.30 arms its client-side timer for the first page only, so a node that stops answering
can hold a later page for minutes. Here every page is awaited with our own deadline, a cancel returns at
once (the abandoned request finishes on its own), and the next page is requested as soon as one arrives,
so converting a page overlaps the server's work on the next one.
"""

from __future__ import annotations

import queue
import time
from typing import Any

from core.cql.exact_timestamps import execute_exact
from core.cql.nodes import address_of

POLL_S = 0.05  # how often a wait looks at the cancel token
GRACE_S = 0.5  # beyond the request timeout, so that the server's own timeout error arrives first when it can


class PageTimeout(Exception):
    """No page arrived within the deadline; `host` is the node the request was waiting on."""

    def __init__(self, host: str, timeout: float) -> None:
        super().__init__(f"no answer from {host} within {timeout:g} s")
        self.host = host
        self.timeout = timeout


class PageStream:
    """Yields the rows of each page; `None` from `next_page` means cancelled or no more pages."""

    def __init__(self, session: Any, query: Any, *, timeout: float, trace: bool, profile: Any, host: Any | None,
                 cancelled: Any) -> None:
        self._queue: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        self.timeout = timeout
        self._cancelled = cancelled
        self._done = False
        # Timestamps arrive as exact epoch ms, as frames hold them (core.cql.exact_timestamps).
        self.future = execute_exact(session, query, trace=trace, timeout=timeout, profile=profile, host=host)
        self.future.add_callbacks(self._on_rows, self._on_error)

    def _on_rows(self, rows: Any) -> None:  # on the driver's thread
        self._queue.put((True, rows))

    def _on_error(self, exc: BaseException) -> None:  # on the driver's thread
        self._queue.put((False, exc))

    @property
    def column_names(self) -> list[str]:
        return list(getattr(self.future, "_col_names", None) or [])

    @property
    def column_types(self) -> list[Any]:
        return list(getattr(self.future, "_col_types", None) or [])

    @property
    def has_more_pages(self) -> bool:
        return not self._done

    def waiting_on(self) -> str:
        """The node the request in flight was sent to, for messages."""
        host = getattr(self.future, "_current_host", None) or getattr(self.future, "coordinator_host", None)
        return address_of(host) if host is not None else "the coordinator"

    def next_page(self) -> list[Any] | None:
        """The next page's rows (and the following page requested); None when cancelled or done.

        Raises the driver's error for the page, or PageTimeout when nothing came within the deadline.
        """
        if self._done:
            return None
        deadline = time.monotonic() + self.timeout + GRACE_S
        while True:
            if self._cancelled():
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PageTimeout(self.waiting_on(), self.timeout)
            try:
                ok, payload = self._queue.get(timeout=min(remaining, POLL_S))
            except queue.Empty:
                continue
            if not ok:
                raise payload
            if self.future.has_more_pages:
                self.future.start_fetching_next_page()
            else:
                self._done = True
            return [] if payload is None else list(payload)  # statements without rows (INSERT, DDL)
