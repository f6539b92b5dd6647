"""Turn driver exceptions into classified failures with a message that names the cause, the node and the fix.

Shared by the health check, query execution, schema loading and the CLI. Connection failures are classified
here; query failures and node-aware causes (replicas down, timeouts, a login that needs a QUORUM) in
core.cql.diagnosis. Secret values (never the user name, which Grafana stores unencrypted) are redacted from
every text that leaves, by whole token only.
"""

from __future__ import annotations

import errno
import re
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.config.datasource import DataSource
    from core.cql.diagnosis import QueryContext
    from core.cql.probe import ProbeAnswer
    from core.cql.sessions import Credentials


class FailureKind(StrEnum):
    """What went wrong, coarsely, so callers and tests can branch on it."""

    CONFIGURATION = "configuration"
    KEYRING = "keyring"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    AUTHENTICATION = "authentication"
    AUTH_UNAVAILABLE = "auth_unavailable"
    TLS = "tls"
    PROTOCOL = "protocol"
    NOT_CQL = "not_cql"
    KEYSPACE_MISSING = "keyspace_missing"
    SYNTAX = "syntax"
    INVALID_QUERY = "invalid_query"
    UNAUTHORIZED = "unauthorized"
    UNAVAILABLE = "unavailable"
    SERVER = "server"
    DECODE = "decode"
    OTHER = "other"


@dataclass(frozen=True)
class Failure:
    """A classified failure: the kind and a message that names the host and the fix."""

    kind: FailureKind
    message: str

    @property
    def title(self) -> str:
        return _TITLES[self.kind]


class ClassifiedError(Exception):
    """An error cqlscope raised itself with its failure already classified (a deadline of our own, a local
    datacenter that does not exist or is down); the classifiers hand its failure on unchanged."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


_TITLES = {
    FailureKind.CONFIGURATION: "Invalid settings",
    FailureKind.KEYRING: "Keyring unavailable",
    FailureKind.UNREACHABLE: "Host unreachable",
    FailureKind.TIMEOUT: "Timed out",
    FailureKind.AUTHENTICATION: "Authentication failed",
    FailureKind.AUTH_UNAVAILABLE: "Login not checked: not enough replicas",
    FailureKind.TLS: "TLS handshake failed",
    FailureKind.PROTOCOL: "Protocol version mismatch",
    FailureKind.NOT_CQL: "Not a CQL server",
    FailureKind.KEYSPACE_MISSING: "Keyspace missing",
    FailureKind.SYNTAX: "CQL syntax error",
    FailureKind.INVALID_QUERY: "Invalid query",
    FailureKind.UNAUTHORIZED: "Not authorized",
    FailureKind.UNAVAILABLE: "Not enough replicas",
    FailureKind.SERVER: "Server error",
    FailureKind.DECODE: "Cannot decode the result",
    FailureKind.OTHER: "Connection failed",
}

# A character that continues an identifier or a host name: a secret touching one is part of a bigger token.
_WORD = r"[\w-]"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret value that stands as a whole token in `text` with `***`.

    A match inside an identifier or host name (letters, digits, `_`, `-`, or a `.` joining two such parts)
    is left alone, so `cassandra-nonexistent.example.invalid` keeps its name when the secret is `cassandra`.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        before = rf"(?<!{_WORD})(?<!{_WORD}\.)" if re.match(_WORD, secret[0]) else ""
        after = rf"(?!{_WORD}|\.{_WORD})" if re.match(_WORD, secret[-1]) else ""
        text = re.sub(before + re.escape(secret) + after, "***", text)
    return text


def public_safe(secrets: Iterable[str | None], user: str | None) -> list[str | None]:
    """The secrets to redact: a password equal to the user name is public already (the user name is stored
    unencrypted), and hiding it would turn every mention of the user into `***`."""
    return [secret for secret in secrets if secret and secret != user]


def connect_failure(exc: BaseException, ds: DataSource, credentials: Credentials | None = None, *,
                    probe: bool = True) -> Failure:
    """Classify a failed connect of `ds` with everything the message needs (the one entry for callers)."""
    from core.cql.probe import probe_native_protocol

    credentials_user = credentials.user if credentials is not None else None
    password = credentials.password if credentials is not None else None

    def ask(endpoint: str) -> ProbeAnswer:
        return probe_native_protocol(endpoint, timeout=min(ds.connect_timeout, 3.0))

    return classify_connect_error(exc, connect_timeout=ds.connect_timeout, secrets=[password],
                                  tls_enabled=ds.tls_enabled, protocol_version=ds.protocol_version,
                                  user=credentials_user, probe=ask if probe and not ds.tls_enabled else None)


def classify_connect_error(
    exc: BaseException, *, connect_timeout: float, secrets: Iterable[str | None] = (),
    tls_enabled: bool = False, protocol_version: int | None = None, user: str | None = None,
    probe: Callable[[str], ProbeAnswer] | None = None,
) -> Failure:
    """Classify an exception raised while opening a session (usually NoHostAvailable).

    `protocol_version` None means auto (negotiated); `probe` asks a host what it speaks on its port, and is
    only used when the driver's error leaves that open (a timeout, a reset, an unreadable answer).
    """
    from cassandra.cluster import NoHostAvailable

    secrets = public_safe(secrets, user)
    if isinstance(exc, ClassifiedError):
        return Failure(exc.failure.kind, redact(exc.failure.message, secrets))
    settings = _ConnectSettings(connect_timeout, tls_enabled, protocol_version, user, probe)
    if isinstance(exc, NoHostAvailable) and exc.errors and not isinstance(exc.errors, dict):
        # The session's own "Unable to connect to any servers": the control connection worked, but no
        # connection pool could be opened (the driver lists the nodes, without their errors).
        nodes = ", ".join(str(node) for node in exc.errors)
        return Failure(FailureKind.UNREACHABLE, (
            f"Connected, but no connection could be opened to any node the data source uses ({nodes}): they "
            "are down or restarting. Bring one back up, or check the data source's hosts and local datacenter."))
    if isinstance(exc, NoHostAvailable) and exc.errors:
        failures = [_classify_one(str(endpoint), error, settings) for endpoint, error in exc.errors.items()]
        # Report the most telling kind first (auth and TLS beat a refused second contact point).
        order = [FailureKind.AUTH_UNAVAILABLE, FailureKind.AUTHENTICATION, FailureKind.TLS, FailureKind.NOT_CQL,
                 FailureKind.PROTOCOL, FailureKind.TIMEOUT, FailureKind.UNREACHABLE, FailureKind.SERVER,
                 FailureKind.OTHER]
        failures.sort(key=lambda f: order.index(f.kind) if f.kind in order else len(order))
        main = failures[0]
        message = main.message
        others = [f.message for f in failures[1:] if f.message != main.message]
        if others:
            message += " Other contact points: " + " ".join(others)
        return Failure(main.kind, redact(message, secrets))
    return _fallback(exc, settings, secrets)


@dataclass(frozen=True)
class _ConnectSettings:
    connect_timeout: float
    tls_enabled: bool
    protocol_version: int | None
    user: str | None
    probe: Callable[[str], ProbeAnswer] | None


def _fallback(exc: BaseException, settings: _ConnectSettings, secrets: list[str | None]) -> Failure:
    """An error raised by connect itself, not per host (a timeout, or the driver giving up on the protocol)."""
    from cassandra import OperationTimedOut

    if isinstance(exc, OperationTimedOut | socket.timeout | TimeoutError):
        return Failure(FailureKind.TIMEOUT,
                       f"No answer within {settings.connect_timeout:g} s. Check the host and firewall.")
    text = redact(str(exc) or type(exc).__name__, secrets)
    protocol = _protocol_failure("The server", exc, text, settings)
    return protocol or Failure(FailureKind.OTHER, f"Could not connect: {text}")


def _host_label(endpoint: str) -> str:
    return endpoint.split(" ")[0]


def _classify_one(endpoint: str, error: BaseException, settings: _ConnectSettings) -> Failure:
    from cassandra import AuthenticationFailed, OperationTimedOut
    from cassandra.connection import ConnectionException, ProtocolError

    from core.cql.diagnosis import auth_needs_replicas, consistency_failure

    host = _host_label(endpoint)
    text = str(error)
    if isinstance(error, AuthenticationFailed) or "Bad credentials" in text or "requires authentication" in text:
        if "requires authentication" in text:
            return Failure(FailureKind.AUTHENTICATION,
                           f"{host} requires authentication but no user and password are configured: "
                           "set both on the Credentials tab (or 'cqlscope datasource set-secret').")
        server = server_message(text)
        if consistency_failure(server) is not None:
            return auth_needs_replicas(host, server, settings.user, what="login")
        return Failure(FailureKind.AUTHENTICATION,
                       f"{host} rejected the credentials ({server}). Check the user and password "
                       "(Credentials tab, or 'cqlscope datasource set-secret').")
    if isinstance(error, ssl.SSLError) or "SSL" in type(error).__name__ or "[SSL" in text \
            or "certificate" in text.lower():
        return Failure(FailureKind.TLS, f"TLS with {host} failed: {_tls_reason(error)}")
    protocol = _protocol_failure(host, error, text, settings)
    if protocol is not None:
        return protocol
    if isinstance(error, ProtocolError):  # bytes that are no CQL frame: ask what answers there
        return _probe_not_cql(endpoint, host, settings) or _not_cql(
            endpoint, f"it answered bytes that are no CQL frame: {_short(text)}")
    if isinstance(error, OperationTimedOut | socket.timeout | TimeoutError) or "timed out" in text.lower():
        found = _probe_not_cql(endpoint, host, settings)
        return found or Failure(
            FailureKind.TIMEOUT,
            f"{host} did not answer within the connect timeout of {settings.connect_timeout:g} s. Check that the "
            "address and port are right and that no firewall drops the traffic.")
    if _is_refused(error, text):
        if "reset" in text.lower():
            found = _probe_not_cql(endpoint, host, settings)
            if found is not None:
                return found
        hint = " (the server may expect TLS)" if not settings.tls_enabled and "reset" in text.lower() else ""
        return Failure(FailureKind.UNREACHABLE,
                       f"{host} refused the connection{hint}: nothing listens there. Check the host and "
                       "port, and that the node is running with its native transport enabled.")
    if isinstance(error, OSError):
        reason = error.strerror or text
        return Failure(FailureKind.UNREACHABLE, f"{host} is unreachable: {reason}. Check the host name and network.")
    found = _probe_not_cql(endpoint, host, settings)
    if found is not None:
        return found
    if isinstance(error, ConnectionException):
        return Failure(FailureKind.UNREACHABLE, f"{host}: {_short(text)}")
    return Failure(FailureKind.OTHER, f"{host}: {_short(text)}")


def _protocol_failure(host: str, error: BaseException, text: str, settings: _ConnectSettings) -> Failure | None:
    """A real protocol version disagreement (the server answered in CQL and named the problem)."""
    from cassandra.connection import ProtocolVersionUnsupported

    lowered = text.lower()
    explicit = any(words in lowered for words in (
        "explicitly set client protocol_version", "unsupported protocol version", "beta version of the protocol",
        "cannot downgrade protocol version"))
    if not (isinstance(error, ProtocolVersionUnsupported) or explicit):
        return None
    detail = server_message(text)
    if settings.protocol_version is not None:
        return Failure(FailureKind.PROTOCOL,
                       f"{host} does not accept native protocol version {settings.protocol_version}, which is set "
                       f"explicitly ({detail}). Set the protocol version to auto, or to one the server supports "
                       "(Cassandra 4.0 and later and ScyllaDB speak 3 to 5; older servers 3 or 4).")
    return Failure(FailureKind.PROTOCOL,
                   f"{host} and cqlscope found no native protocol version both speak ({detail}). The driver "
                   "speaks versions 3 to 5: the server is too old or too new for it.")


def _probe_not_cql(endpoint: str, host: str, settings: _ConnectSettings) -> Failure | None:
    if settings.probe is None:
        return None
    answer = settings.probe(endpoint)
    return _not_cql(endpoint, answer.detail) if answer.speaks_cql is False else None


def _not_cql(endpoint: str, detail: str) -> Failure:
    return Failure(FailureKind.NOT_CQL,
                   f"{endpoint} does not speak the CQL native protocol ({detail}): check the port. Cassandra and "
                   "ScyllaDB clients connect to the native transport port (9042 by default), not to an HTTP, "
                   "JMX or storage port.")


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


def server_message(text: str) -> str:
    """The server's own words from a driver error text (`message="..."`), else the whole text shortened."""
    match = re.search(r'message="([^"]*)"', text)
    return match.group(1) if match else _short(text)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def classify_query_error(exc: BaseException, *, timeout: float, secrets: Iterable[str | None] = (),
                         context: QueryContext | None = None) -> Failure:
    """Classify an exception raised by a query, keeping the server's own message (see core.cql.diagnosis)."""
    from core.cql.diagnosis import QueryContext, diagnose_query_error

    return diagnose_query_error(exc, timeout=timeout, secrets=list(secrets), context=context or QueryContext())
