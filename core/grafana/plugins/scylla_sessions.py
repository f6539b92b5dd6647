"""The ScyllaDB plugin 0.5.0's connections: gocql clusters made from one host string, emulated with the Python
driver (one contact point = the host string whole, QUORUM, a whitelist of one host for "All hosts").

Rows come back as the native protocol's raw bytes so that core.grafana.plugins.go_values can decode them the way
gocql does (sets in server order, NULL apart from empty, vectors left unread).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any, ClassVar

from cassandra import ConsistencyLevel
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile, NoHostAvailable, Session
from cassandra.policies import LoadBalancingPolicy, RoundRobinPolicy, WhiteListRoundRobinPolicy
from cassandra.protocol import ResultMessage, _ProtocolHandler, read_int
from cassandra.query import SimpleStatement, tuple_factory

from core.grafana.plugins.go_values import CqlType, cql_type_of
from core.grafana.plugins.gocql_dial import dial_failure

DEFAULT_PORT = 9042
TIMEOUT_S = 11.0  # gocql's default Timeout and ConnectTimeout
PAGE_SIZE = 5000  # gocql's default page size
USE_STATEMENT = "use statements aren't supported. Please see https://github.com/gocql/gocql for explanation."


class SessionError(Exception):
    """gocql.NewSession failed; the message is the error text the plugin logs."""


@dataclass(frozen=True)
class ClusterConfig:
    """A gocql.ClusterConfig as the plugin fills it: one host string, maybe a whitelist and a login."""

    host: str
    whitelist: str | None = None
    user: str | None = None
    password: str | None = None


@dataclass
class QueryResult:
    """One query's columns and raw rows, or the error gocql's Iter reports (then there are no columns)."""

    columns: list[tuple[str, CqlType]]
    rows: list[tuple[bytes | None, ...]]
    error: str | None = None


class _RawResultMessage(ResultMessage):  # type: ignore[misc]
    """A RESULT message whose rows stay raw bytes: cqlscope decodes them as gocql would."""

    def recv_results_rows(self, f: Any, protocol_version: int, user_type_map: Any, result_metadata: Any,
                          column_encryption_policy: Any) -> None:
        self.recv_results_metadata(f, user_type_map)
        column_metadata = self.column_metadata or result_metadata
        rowcount = read_int(f)
        self.parsed_rows = [self.recv_row(f, len(column_metadata)) for _ in range(rowcount)]
        self.column_names = [c[2] for c in column_metadata]
        self.column_types = [c[3] for c in column_metadata]


class RawProtocolHandler(_ProtocolHandler):  # type: ignore[misc]
    """The driver's protocol handler with raw rows."""

    message_types_by_opcode: ClassVar[dict[int, Any]] = {**_ProtocolHandler.message_types_by_opcode,
                                                         ResultMessage.opcode: _RawResultMessage}


def resolve(addr: str) -> tuple[list[str], int]:
    """gocql's hostInfo: `host[:port]`; an IP literal as it is, a name through DNS. SessionError when nothing
    resolves (a comma list is one name, `[::1]` without a port is a name too)."""
    host, port = addr, DEFAULT_PORT
    match = re.fullmatch(r"\[([^\]]*)\]:([^:]*)|([^:\[\]]*):([^:]*)", addr)
    if match:
        host = match.group(1) if match.group(1) is not None else match.group(3)
        port_text = match.group(2) if match.group(2) is not None else match.group(4)
        if not port_text.isdigit():
            raise SessionError(f'gocql: unable to create session: strconv.Atoi: parsing "{port_text}": '
                               "invalid syntax")
        port = int(port_text)
    try:
        return [str(ipaddress.ip_address(host))], port
    except ValueError:
        pass
    try:
        if not host or re.fullmatch(r"[0-9.]+", host):
            raise OSError("not a name")  # Go never reads `127.1` as an address
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        raise SessionError("gocql: unable to create session: failed to resolve any of the provided "
                           "hostnames") from None
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses, port


class GoSession:
    """A gocql.Session: a driver Cluster and Session for one ClusterConfig."""

    def __init__(self, config: ClusterConfig) -> None:
        contacts, port = resolve(config.host)
        policy: LoadBalancingPolicy = RoundRobinPolicy()
        if config.whitelist is not None:
            allowed, _port = resolve(config.whitelist)
            policy = WhiteListRoundRobinPolicy(allowed)
        auth = None
        if config.user is not None and config.password is not None:
            auth = PlainTextAuthProvider(username=config.user, password=config.password)
        profile = ExecutionProfile(load_balancing_policy=policy, consistency_level=ConsistencyLevel.QUORUM,
                                   request_timeout=TIMEOUT_S, row_factory=tuple_factory)
        self._cluster = Cluster(contact_points=contacts, port=port, auth_provider=auth, protocol_version=4,
                                execution_profiles={EXEC_PROFILE_DEFAULT: profile}, connect_timeout=TIMEOUT_S,
                                control_connection_timeout=TIMEOUT_S, schema_metadata_enabled=False,
                                token_metadata_enabled=False)
        try:
            self._session: Session = self._cluster.connect()
        except NoHostAvailable as error:
            self._cluster.shutdown()
            raise SessionError("gocql: unable to create session: " + _connect_error(error, port)) from None
        except Exception as error:  # any driver failure is a failed NewSession
            self._cluster.shutdown()
            raise SessionError(f"gocql: unable to create session: {error}") from None
        self._session.client_protocol_handler = RawProtocolHandler

    def run(self, statement: str) -> QueryResult:
        """session.Query(statement).Iter(): every page, raw; a CQL error ends with no columns."""
        if len(statement) >= 3 and statement[:3].lower() == "use":
            return QueryResult([], [], USE_STATEMENT)
        try:
            result = self._session.execute(SimpleStatement(statement, fetch_size=PAGE_SIZE))
            names = list(result.column_names or [])
            types = [cql_type_of(t) for t in (result.column_types or [])]
            rows = [tuple(row) for row in result]
        except Exception as error:  # gocql only reports it through Iter.Close
            return QueryResult([], [], server_message(error))
        return QueryResult(list(zip(names, types, strict=True)), rows)

    def close(self) -> None:
        self._cluster.shutdown()


def server_message(error: Exception) -> str:
    """The server's own message of a driver error (what gocql's error text holds)."""
    text = str(getattr(error, "message", "") or error)
    match = re.search(r'message="(.*)"', text, re.DOTALL)
    return match.group(1) if match else text


def _connect_error(error: NoHostAvailable, port: int) -> str:
    """gocql's wording for the first contact point's failure."""
    errors: dict[Any, Any] = getattr(error, "errors", {}) or {}
    for endpoint, cause in errors.items():
        address = str(getattr(endpoint, "address", endpoint)).split(":")[0]
        text = str(cause)
        dial = dial_failure(address, port, cause)
        if dial is not None:
            return f"unable to discover protocol version: {dial}"
        if "requires authentication" in text or "AuthProvider" in text:
            return ('unable to discover protocol version: authentication required (using '
                    '"org.apache.cassandra.auth.PasswordAuthenticator")')
        return f"unable to discover protocol version: {server_message(cause)}"
    return "no connections were made when creating the session"
