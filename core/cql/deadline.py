"""A deadline of our own around a blocking driver call (a connect, a health probe, a schema load).

The driver's own timers do not cover every wait (a node frozen after the TCP handshake can hold a call long
past its timeout), so the call runs in a daemon thread and the caller waits at most the deadline. A call
that misses it is abandoned: it finishes on its own, and its cleanup (shutting its cluster down) runs then.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from core.cql.failures import ClassifiedError, Failure, FailureKind

T = TypeVar("T")
log = logging.getLogger(__name__)


class DeadlineExceeded(ClassifiedError):
    """A call did not end within its deadline; `failure` is a TIMEOUT that names what did not answer."""

    def __init__(self, failure: Failure, seconds: float) -> None:
        super().__init__(failure)
        self.seconds = seconds


def call_within(seconds: float, call: Callable[[], T], *, what: str, advice: str,
                cleanup: Callable[[], object] | None = None) -> T:
    """The result of `call()`, or its exception, if it ends within `seconds`; else DeadlineExceeded.

    `what` names what did not answer ("127.0.0.6:9042 (connecting)"), `advice` says what to do; `cleanup`
    runs on the call's own thread once an abandoned call ends, whether it succeeded or failed.
    """
    done = threading.Event()
    lock = threading.Lock()
    outcome: list[tuple[bool, object]] = []
    abandoned = [False]

    def work() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as exc:  # handed to the caller, or dropped with the abandoned call
            outcome.append((False, exc))
        with lock:
            late = abandoned[0]
            done.set()
        if late and cleanup is not None:
            try:
                cleanup()
            except Exception:
                log.warning("cleaning up after an abandoned call (%s) failed", what, exc_info=True)

    worker = threading.Thread(target=work, name="cqlscope-deadline", daemon=True)
    worker.start()
    done.wait(seconds)
    with lock:
        if not done.is_set():
            abandoned[0] = True
    if abandoned[0]:
        log.warning("%s did not end within %g s; it is left to finish in the background", what, seconds)
        raise DeadlineExceeded(Failure(FailureKind.TIMEOUT, f"No answer from {what} within {seconds:g} s. {advice}"),
                               seconds)
    ok, value = outcome[0]
    if not ok:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]
