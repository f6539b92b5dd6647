"""Turn driver exceptions into classified failures with a message that says what to do.

Shared by the health check, query execution and schema loading. Secret values are redacted from every text
that leaves this module, because server messages can echo the user name.
"""

from __future__ import annotations

import errno
import re
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class FailureKind(StrEnum):
    """What went wrong, coarsely, so callers and tests can branch on it."""

    CONFIGURATION = "configuration"
    KEYRING = "keyring"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    AUTHENTICATION = "authentication"
    TLS = "tls"
    PROTOCOL = "protocol"
    KEYSPACE_MISSING = "keyspace_missing"
    SYNTAX = "syntax"
    INVALID_QUERY = "invalid_query"
    UNAUTHORIZED = "unauthorized"
    UNAVAILABLE = "unavailable"
    SERVER = "server"
    OTHER = "other"


@dataclass(frozen=True)
class Failure:
    """A classified failure: the kind and a message that names the host and the fix."""

    kind: FailureKind
    message: str

    @property
    def title(self) -> str:
        return _TITLES[self.kind]


_TITLES = {
    FailureKind.CONFIGURATION: "Invalid settings",
    FailureKind.KEYRING: "Keyring unavailable",
    FailureKind.UNREACHABLE: "Host unreachable",
    FailureKind.TIMEOUT: "Timed out",
    FailureKind.AUTHENTICATION: "Authentication failed",
    FailureKind.TLS: "TLS handshake failed",
    FailureKind.PROTOCOL: "Protocol version mismatch",
    FailureKind.KEYSPACE_MISSING: "Keyspace missing",
    FailureKind.SYNTAX: "CQL syntax error",
    FailureKind.INVALID_QUERY: "Invalid query",
    FailureKind.UNAUTHORIZED: "Not authorized",
    FailureKind.UNAVAILABLE: "Not enough replicas",
    FailureKind.SERVER: "Server error",
    FailureKind.OTHER: "Connection failed",
}


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret value in `text` with `***`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def classify_connect_error(
    exc: BaseException, *, connect_timeout: float, secrets: Iterable[str | None] = (),
    tls_enabled: bool = False,
) -> Failure:
    """Classify an exception raised while opening a session (usually NoHostAvailable)."""
    from cassandra.cluster import NoHostAvailable

    secrets = list(secrets)
    if isinstance(exc, NoHostAvailable) and exc.errors:
        per_host = [(str(endpoint), error) for endpoint, error in exc.errors.items()]
        failures = [_classify_one(host, error, connect_timeout, tls_enabled) for host, error in per_host]
        # Report the most telling kind first (auth and TLS beat a refused second contact point).
        order = [FailureKind.AUTHENTICATION, FailureKind.TLS, FailureKind.PROTOCOL, FailureKind.TIMEOUT,
                 FailureKind.UNREACHABLE, FailureKind.SERVER, FailureKind.OTHER]
        failures.sort(key=lambda f: order.index(f.kind) if f.kind in order else len(order))
        main = failures[0]
        message = main.message
        others = [f.message for f in failures[1:] if f.message != main.message]
        if others:
            message += " Other contact points: " + " ".join(others)
        return Failure(main.kind, redact(message, secrets))
    return Failure(*_fallback(exc, connect_timeout, secrets))


def _fallback(exc: BaseException, connect_timeout: float, secrets: list[str | None]) -> tuple[FailureKind, str]:
    from cassandra import OperationTimedOut

    if isinstance(exc, OperationTimedOut | socket.timeout | TimeoutError):
        return FailureKind.TIMEOUT, f"No answer within {connect_timeout:g} s. Check the host and firewall."
    text = redact(str(exc) or type(exc).__name__, secrets)
    return FailureKind.OTHER, f"Could not connect: {text}"


def _host_label(endpoint: str) -> str:
    return endpoint.split(" ")[0]


def _classify_one(endpoint: str, error: BaseException, connect_timeout: float, tls_enabled: bool) -> Failure:
    from cassandra import AuthenticationFailed, OperationTimedOut
    from cassandra.connection import ConnectionException, ProtocolVersionUnsupported

    host = _host_label(endpoint)
    text = str(error)
    if isinstance(error, AuthenticationFailed) or "Bad credentials" in text or "requires authentication" in text:
        if "requires authentication" in text:
            return Failure(FailureKind.AUTHENTICATION,
                           f"{host} requires authentication but no user and password are configured: "
                           "set both on the Credentials tab (or 'cqlscope datasource set-secret').")
        server = _server_message(text)
        return Failure(FailureKind.AUTHENTICATION,
                       f"{host} rejected the credentials ({server}). Check the user and password "
                       "(Credentials tab, or 'cqlscope datasource set-secret').")
    if isinstance(error, ssl.SSLError) or "SSL" in type(error).__name__ or "[SSL" in text \
            or "certificate" in text.lower():
        return Failure(FailureKind.TLS, f"TLS with {host} failed: {_tls_reason(error)}")
    if isinstance(error, ProtocolVersionUnsupported) or "protocol version" in text.lower():
        return Failure(FailureKind.PROTOCOL,
                       f"{host} does not speak the configured native protocol version ({_short(text)}). "
                       "Set the protocol version to auto, or to one the server supports.")
    if isinstance(error, OperationTimedOut | socket.timeout | TimeoutError) or "timed out" in text.lower():
        return Failure(FailureKind.TIMEOUT,
                       f"{host} did not answer within the connect timeout of {connect_timeout:g} s. Check "
                       "that the address is right and that no firewall drops the traffic.")
    if _is_refused(error, text):
        hint = " (the server may expect TLS)" if not tls_enabled and "reset" in text.lower() else ""
        return Failure(FailureKind.UNREACHABLE,
                       f"{host} refused the connection{hint}: nothing listens there. Check the host and "
                       "port, and that the node is running with its native transport enabled.")
    if isinstance(error, OSError):
        reason = error.strerror or text
        return Failure(FailureKind.UNREACHABLE, f"{host} is unreachable: {reason}. Check the host name and network.")
    if isinstance(error, ConnectionException):
        return Failure(FailureKind.UNREACHABLE, f"{host}: {_short(text)}")
    return Failure(FailureKind.OTHER, f"{host}: {_short(text)}")


def _is_refused(error: BaseException, text: str) -> bool:
    if isinstance(error, ConnectionRefusedError):
        return True
    if isinstance(error, OSError) and error.errno in (errno.ECONNREFUSED, errno.ECONNRESET):
        return True
    lowered = text.lower()
    return "connection refused" in lowered or "errno 111" in lowered


def _tls_reason(error: BaseException) -> str:
    text = str(error)
    if "Last error: " in text:  # the driver wraps the ssl error in "Tried connecting to [...]"
        text = text.split("Last error: ", 1)[1]
    verify_message = getattr(error, "verify_message", None)
    if "hostname" in text.lower() or "IP address mismatch" in text:
        return ("the server certificate does not name this host (host name check). Use the name in the "
                f"certificate, or turn off 'Verify server certificate' (insecure: no check at all). [{_short(text)}]")
    if verify_message or "CERTIFICATE_VERIFY_FAILED" in text:
        detail = verify_message or _short(text)
        return (f"the server certificate could not be verified ({detail}). Check that the CA file is the "
                "one that signed the server certificate.")
    if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text:
        return "the server does not speak TLS on this port. Turn TLS off or use the TLS port."
    return _short(text)


def _server_message(text: str) -> str:
    match = re.search(r'message="([^"]*)"', text)
    return match.group(1) if match else _short(text)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def classify_query_error(exc: BaseException, *, timeout: float, secrets: Iterable[str | None] = ()) -> Failure:
    """Classify an exception raised by a query, keeping the server's own message (and position)."""
    from cassandra import (
        InvalidRequest,
        OperationTimedOut,
        ReadFailure,
        ReadTimeout,
        Unauthorized,
        Unavailable,
    )
    from cassandra.cluster import NoHostAvailable
    from cassandra.protocol import SyntaxException

    secrets = list(secrets)
    server = redact(_server_message(str(exc)), secrets)
    if isinstance(exc, SyntaxException):
        return Failure(FailureKind.SYNTAX, f"{server}. Fix the statement at the position the server gives.")
    if isinstance(exc, Unauthorized):
        return Failure(FailureKind.UNAUTHORIZED, f"{server}. Grant the role access, or use another user.")
    if isinstance(exc, InvalidRequest):
        hint = ""
        lowered = server.lower()
        if "no keyspace has been specified" in lowered:
            hint = " Qualify the table with its keyspace (keyspace.table), or set the data source's keyspace."
        elif "keyspace" in lowered and "does not exist" in lowered:
            hint = " Check the keyspace name: SELECT keyspace_name FROM system_schema.keyspaces lists them."
        elif "table" in lowered and "does not exist" in lowered:
            hint = " Check the table name and its keyspace."
        return Failure(FailureKind.INVALID_QUERY, server + "." + hint if not server.endswith(".") else server + hint)
    if isinstance(exc, Unavailable):
        return Failure(FailureKind.UNAVAILABLE,
                       f"{server}. Lower the consistency level or bring the replicas back up.")
    if isinstance(exc, ReadTimeout | ReadFailure):
        return Failure(FailureKind.TIMEOUT, f"The replicas did not answer in time: {server}.")
    if isinstance(exc, OperationTimedOut):
        return Failure(FailureKind.TIMEOUT,
                       f"No answer within the request timeout of {timeout:g} s. Raise the timeout, add a "
                       "LIMIT, or narrow the query.")
    if isinstance(exc, NoHostAvailable):
        return classify_connect_error(exc, connect_timeout=timeout, secrets=secrets)
    return Failure(FailureKind.SERVER, f"{type(exc).__name__}: {server}")
