"""The cassandra plugin's Cassandra session (pkg/cassandra/session.go) on the Python driver, set up the
way its gocql 1.7 cluster is: only the listed hosts (initial host lookup off), the configured
consistency and timeout, a password authenticator with gocql's allow-list, statements prepared, pages
of 5000 rows. Driver errors become gocql's texts (the server's own message where there is one)."""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any, ClassVar

from core.grafana.plugins.cassandra_query import marshal
from core.grafana.plugins.cassandra_rows import Row, SelectError, scan_rows
from core.grafana.plugins.cassandra_settings import (
    CassandraSettings,
    connection_error,
    parse_consistency,
    tls_context,
)
from core.grafana.plugins.gocql_dial import dial_failure
from core.grafana.plugins.gotext import go_trim_space

DEFAULT_PORT = 9042
DEFAULT_TIMEOUT_S = 11.0  # gocql's ClusterConfig.Timeout and ConnectTimeout
PAGE_SIZE = 5000
#: gocql's defaultApprovedAuthenticators, used when `allowedAuthenticators` is empty.
DEFAULT_AUTHENTICATORS = (
    "org.apache.cassandra.auth.PasswordAuthenticator",
    "com.instaclustr.cassandra.auth.SharedSecretAuthenticator",
    "com.datastax.bdp.cassandra.auth.DseAuthenticator",
    "io.aiven.cassandra.auth.AivenAuthenticator",
    "com.ericsson.bss.cassandra.ecaudit.auth.AuditPasswordAuthenticator",
    "com.amazon.helenus.auth.HelenusAuthenticator",
    "com.ericsson.bss.cassandra.ecaudit.auth.AuditAuthenticator",
    "com.scylladb.auth.SaslauthdAuthenticator",
    "com.scylladb.auth.TransitionalAuthenticator",
    "com.instaclustr.cassandra.auth.InstaclustrPasswordAuthenticator",
)
_SERVER_MESSAGE = re.compile(r'message="(.*)"(?: info=.*)?>?$', re.DOTALL)


def split_host_port(entry: str) -> tuple[str, int]:
    """gocql's hostInfo: `host:port`, `[v6]:port`, or a bare host with the default port."""
    if entry.startswith("[") and "]:" in entry:
        host, _, port = entry[1:].partition("]:")
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    else:
        return entry, DEFAULT_PORT
    if not port.isdigit():
        return entry, DEFAULT_PORT
    return host, int(port)


def resolve_hosts(entries: Sequence[str]) -> list[tuple[str, int]]:
    """The addresses gocql would connect to: IP literals as they are, names looked up; unresolvable
    entries are dropped."""
    found: list[tuple[str, int]] = []
    for entry in entries:
        host, port = split_host_port(entry)
        try:
            found.append((str(ipaddress.ip_address(host)), port))
            continue
        except ValueError:
            pass
        try:
            infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP) if host else []
        except (OSError, UnicodeError):
            infos = []
        for info in infos:
            address = (str(info[4][0]), port)
            if address not in found:
                found.append(address)
    return found


def gocql_error_text(error: BaseException) -> str:
    """What gocql's error would say: the server's message, or gocql's own words for client failures."""
    from cassandra import OperationTimedOut
    from cassandra.cluster import NoHostAvailable

    if isinstance(error, OperationTimedOut):
        return "gocql: no response received from cassandra within timeout period"
    if isinstance(error, NoHostAvailable):
        return "gocql: no hosts available in the pool"
    message = getattr(error, "message", None)
    if isinstance(message, str):
        return message
    text = str(error)
    match = _SERVER_MESSAGE.search(text)
    return match.group(1) if match else text


def _auth_provider(user: str, password: str, allowed: Sequence[str]) -> Any:
    from cassandra import AuthenticationFailed
    from cassandra.auth import AuthProvider, PlainTextAuthenticator

    approved = tuple(allowed) or DEFAULT_AUTHENTICATORS

    class GocqlPasswordAuthenticator(PlainTextAuthenticator):  # type: ignore[misc]
        def initial_response(self) -> bytes:
            server_class = str(self.server_authenticator_class or "")
            if server_class not in approved:
                raise AuthenticationFailed(f'unexpected authenticator "{server_class}"')
            response: bytes = super().initial_response()
            return response

    class GocqlPasswordProvider(AuthProvider):  # type: ignore[misc]
        def new_authenticator(self, host: str) -> Any:
            return GocqlPasswordAuthenticator(user, password)

    return GocqlPasswordProvider()


@cache
def _exact_protocol_handler() -> Any:
    """The driver's pure-Python protocol handler, except that timestamps decode to exact epoch ms (an
    int): gocql reads any int64, while the driver's datetime stops at years 1..9999 and its failure
    breaks the connection. Underscore names keep these classes out of the driver's global registries."""
    from cassandra import cqltypes
    from cassandra.marshal import int64_unpack
    from cassandra.protocol import ResultMessage, _ProtocolHandler

    class _ExactTimestamp(cqltypes.DateType):  # type: ignore[misc]
        @staticmethod
        def deserialize(byts: bytes, protocol_version: int) -> int:
            value: int = int64_unpack(byts)
            return value

    class _ExactResult(ResultMessage):  # type: ignore[misc]
        type_codes: ClassVar[dict[int, Any]] = {**ResultMessage.type_codes, 0x000B: _ExactTimestamp}

    class _ExactHandler(_ProtocolHandler):  # type: ignore[misc]
        message_types_by_opcode: ClassVar[dict[int, Any]] = {**_ProtocolHandler.message_types_by_opcode,
                                                             _ExactResult.opcode: _ExactResult}

    return _ExactHandler


class CassandraSession:
    """cassandra.New: one driver cluster and session for the plugin instance."""

    def __init__(self, cfg: CassandraSettings) -> None:
        from cassandra import ConsistencyLevel
        from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
        from cassandra.connection import DefaultEndPoint
        from cassandra.policies import WhiteListRoundRobinPolicy
        from cassandra.query import tuple_factory

        context = tls_context(cfg)
        consistency = parse_consistency(cfg.consistency)
        timeout: float | None = DEFAULT_TIMEOUT_S
        if cfg.timeout is not None:
            timeout = float(cfg.timeout) if cfg.timeout > 0 else None
        hosts = resolve_hosts(cfg.hosts)
        if not hosts:
            raise connection_error("cluster.CreateSession: gocql: unable to create session: "
                                   "failed to resolve any of the provided hostnames")
        profile = ExecutionProfile(
            load_balancing_policy=WhiteListRoundRobinPolicy([host for host, _ in hosts]),
            consistency_level=ConsistencyLevel.name_to_value[consistency],
            request_timeout=timeout, row_factory=tuple_factory)
        self._cluster = Cluster(
            contact_points=[DefaultEndPoint(host, port) for host, port in hosts],
            execution_profiles={EXEC_PROFILE_DEFAULT: profile}, protocol_version=4,
            auth_provider=_auth_provider(cfg.user, cfg.password, cfg.allowed_authenticators),
            ssl_context=context, connect_timeout=DEFAULT_TIMEOUT_S,
            control_connection_timeout=DEFAULT_TIMEOUT_S, schema_metadata_enabled=False,
            token_metadata_enabled=False)
        try:
            self._session = self._cluster.connect(cfg.keyspace or None)
        except Exception as error:
            self._cluster.shutdown()
            raise connection_error(_connect_cause(error, cfg)) from None
        self._session.default_fetch_size = PAGE_SIZE
        self._session.client_protocol_handler = _exact_protocol_handler()
        self._prepared: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _prepare(self, query: str) -> Any:
        with self._lock:
            prepared = self._prepared.get(query)
        if prepared is None:
            prepared = self._session.prepare(query)
            with self._lock:
                if len(self._prepared) >= 1000:  # gocql keeps an LRU of prepared statements
                    self._prepared.clear()
                self._prepared[query] = prepared
        return prepared

    def select(self, query: str, values: Sequence[Any] | None = None) -> dict[str, list[Row]]:
        """Session.Select: rows grouped by the first column's value, or SelectError."""
        if not go_trim_space(query).upper().startswith("SELECT "):
            raise SelectError(f"query is not a SELECT statement: {query}")
        values = list(values or [])
        try:
            prepared = self._prepare(query)
            markers = len(prepared.column_metadata or [])
            if markers != len(values):
                raise SelectError(f"select query processing: gocql: expected {markers} values send got {len(values)}")
            markers_types = [column.type for column in prepared.column_metadata or []]
            bound = [marshal(cqltype, value) for cqltype, value in zip(markers_types, values, strict=True)]
            result = self._session.execute(prepared.bind(bound))
            rows = iter(result)
            names = list(result.column_names or [])
            types = list(result.column_types or [])
            return scan_rows(names, types, rows)
        except SelectError:
            raise
        except Exception as error:
            raise SelectError(f"select query processing: {gocql_error_text(error)}") from None

    def keyspaces(self) -> list[str]:
        """GetKeyspaces: the names in system_schema.keyspaces, in the server's order."""
        result = self._session.execute("SELECT keyspace_name FROM system_schema.keyspaces")
        return [str(row[0]) for row in result]

    def rows(self, statement: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Plain rows of a schema statement (tables and columns resources)."""
        return list(self._session.execute(statement, list(values)))

    def close(self) -> None:
        self._cluster.shutdown()


def _connect_cause(error: BaseException, cfg: CassandraSettings) -> str:
    """The plugin's log line for a failed CreateSession, as close to gocql's words as is known."""
    text = str(error)
    if "Provided username" in text or "password are incorrect" in text:
        return ("cluster.CreateSession: gocql: unable to create session: unable to discover protocol "
                f"version: Provided username {cfg.user} and/or password are incorrect")
    if cfg.keyspace and ("using keyspace" in text or ("Keyspace" in text and "does not exist" in text)):
        return "cluster.CreateSession: no connections were made when creating the session"
    causes = list((getattr(error, "errors", None) or {}).items())
    if causes:  # gocql's discoverProtocol tries each host and reports the last one's failure
        endpoint, cause = causes[-1]
        address = str(getattr(endpoint, "address", str(endpoint).rsplit(":", 1)[0]))
        dial = dial_failure(address, int(getattr(endpoint, "port", DEFAULT_PORT)), cause)
        if dial is not None:
            return ("cluster.CreateSession: gocql: unable to create session: unable to discover protocol version: "
                    + dial)
    return f"cluster.CreateSession: gocql: unable to create session: {text}"
