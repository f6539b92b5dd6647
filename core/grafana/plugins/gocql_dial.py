"""gocql's words for a contact point it could not dial or that did not answer the connection's startup, read
from the Python driver's error: both plugins end such a failure in "unable to discover protocol version: ..."."""

from __future__ import annotations

#: gocql 1.7's startupCoordinator.setupConn, when the connection is open but OPTIONS gets no answer in time.
STARTUP_TIMEOUT = "gocql: no response to connection startup within timeout"


def dial_failure(address: str, port: int, cause: BaseException) -> str | None:
    """gocql's error for one contact point, or None when the cause is not a failure to connect."""
    text = str(cause)
    if isinstance(cause, ConnectionRefusedError) or "refused" in text.lower():
        return f"dial tcp {address}:{port}: connect: connection refused"
    if "Timed out creating connection" in text:  # the driver's OperationTimedOut: connected, no answer (frozen)
        return STARTUP_TIMEOUT
    if "timed out" in text.lower():  # the TCP connect itself timed out (a host that drops the traffic)
        return f"dial tcp {address}:{port}: i/o timeout"
    return None
