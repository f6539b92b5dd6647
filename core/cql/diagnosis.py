"""Name the real cause of a failed query and the node behind it: replicas down, a login or permission check
that needs a QUORUM, a replica or a node that timed out, each with advice that fits.

Pure: everything about the cluster comes in through a QueryContext (see `down_nodes` for filling it from a
session), so every message can be checked from a driver exception alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.cql.failures import ClassifiedError, Failure, FailureKind, public_safe, redact, server_message
from core.cql.nodes import address_of

DEFAULT_SUPERUSER = "cassandra"  # Cassandra reads only this role's login and permissions at QUORUM


@dataclass(frozen=True)
class QueryContext:
    """What the caller knew when the query failed: the statement, its consistency, the coordinator it was
    sent to, the nodes the driver sees down and the user (for advice, never secret)."""

    statement: str | None = None
    consistency: str | None = None
    coordinator: str | None = None
    down: tuple[str, ...] = ()
    user: str | None = None


def down_nodes(session: Any) -> tuple[str, ...]:
    """The addresses of the nodes the session's cluster metadata sees down (empty when unknown)."""
    try:
        hosts = session.cluster.metadata.all_hosts()
    except Exception:
        return ()
    return tuple(sorted(address_of(h) for h in hosts if h.is_up is False))


def consistency_failure(message: str) -> str | None:
    """The consistency level named by "Cannot achieve consistency level X" (or a timed-out auth read)."""
    match = re.search(r"Cannot achieve consistency level (\w+)", message)
    if match:
        return match.group(1)
    if re.search(r"Unable to perform (authentication|authorization).*(timed out|Operation timed out)", message):
        return "QUORUM" if "super-user" in message else "the required level"
    return None


def auth_needs_replicas(host: str, server: str, user: str | None, *, what: str,
                        down: tuple[str, ...] = ()) -> Failure:
    """A login (or permission check) the server could not make because system_auth replicas are down."""
    level = consistency_failure(server) or "QUORUM"
    whom = f" of '{user}'" if user else ""
    down_text = f" ({', '.join(down)} is down)" if len(down) == 1 else f" ({', '.join(down)} are down)" if down else ""
    if what == "login":
        verdict = "The user and password were not checked, so they are not known to be wrong."
        subject = f"{host} could not check the login{whom}"
    else:
        verdict = "The role was not denied access: its permissions could not be read."
        subject = f"{host} could not check the permissions{whom}"
    if level == "QUORUM":
        fix = (f"Bring the down node back up{down_text}, or use a role other than the default superuser "
               f"'{DEFAULT_SUPERUSER}': Cassandra reads that role at QUORUM, every other role at LOCAL_ONE, "
               "which one live replica of system_auth answers.")
    else:
        fix = (f"Bring the down nodes back up{down_text}: no replica of system_auth that holds this role "
               "answered. Give system_auth a replication factor that covers every datacenter.")
    return Failure(FailureKind.AUTH_UNAVAILABLE,
                   f"{subject}: a node is down, and reading the role needs consistency {level} "
                   f"(server: \"{server}\"). {verdict} {fix}")


def is_unbounded(statement: str | None) -> bool:
    """Whether a SELECT has neither a WHERE clause nor a LIMIT (a whole-table read), outside quotes."""
    if not statement:
        return False
    text = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|//[^\n]*|/\*.*?\*/", " ", statement, flags=re.S)
    upper = text.upper()
    return (re.match(r"\s*SELECT\b", upper) is not None and re.search(r"\bWHERE\b", upper) is None
            and re.search(r"\bLIMIT\b", upper) is None)


def _level_name(value: Any, fallback: str | None) -> str:
    from cassandra import ConsistencyLevel

    if isinstance(value, int):
        return str(ConsistencyLevel.value_to_name.get(value, value))
    return str(value) if value else (fallback or "the requested level")


def _nodes_text(down: tuple[str, ...]) -> str:
    return f"down: {', '.join(down)}" if down else "the driver sees no node down yet"


def _slow_node_advice(context: QueryContext, host: str) -> str:
    if is_unbounded(context.statement):
        return ("The query reads the whole table: add a WHERE clause on the partition key or a LIMIT, or raise "
                "the timeout.")
    return (f"{host} may be overloaded, stopped or cut off: check it (Save & test, or 'cqlscope check'), raise "
            "the timeout, or pin the query to another node.")


def diagnose_query_error(exc: BaseException, *, timeout: float, secrets: list[str | None],
                         context: QueryContext) -> Failure:
    """Classify an exception raised by a query, keeping the server's own message (and position)."""
    failure = _diagnose(exc, timeout, secrets, context)
    return Failure(failure.kind, redact(failure.message, public_safe(secrets, context.user)))


def _diagnose(exc: BaseException, timeout: float, secrets: list[str | None], context: QueryContext) -> Failure:
    from cassandra import (
        CoordinationFailure,
        InvalidRequest,
        OperationTimedOut,
        Timeout,
        Unauthorized,
        Unavailable,
    )
    from cassandra.cluster import NoHostAvailable
    from cassandra.protocol import SyntaxException

    if isinstance(exc, ClassifiedError):
        return exc.failure
    server = server_message(str(exc))
    coordinator = context.coordinator or "the coordinator"
    if isinstance(exc, SyntaxException):
        return Failure(FailureKind.SYNTAX, f"{server}. Fix the statement at the position the server gives.")
    if isinstance(exc, Unauthorized):
        if consistency_failure(server) is not None:
            return auth_needs_replicas(coordinator, server, context.user, what="permissions", down=context.down)
        return Failure(FailureKind.UNAUTHORIZED, f"{server}. Grant the role access, or use another user.")
    if isinstance(exc, InvalidRequest):
        return Failure(FailureKind.INVALID_QUERY, _invalid_hint(server))
    if isinstance(exc, Unavailable):
        level = _level_name(exc.consistency, consistency_failure(server) or context.consistency)
        alive = "?" if exc.alive_replicas is None else str(exc.alive_replicas)
        required = "?" if exc.required_replicas is None else str(exc.required_replicas)
        verb = "is" if alive == "1" else "are"
        return Failure(FailureKind.UNAVAILABLE, (
            f"Not enough replicas are up for consistency {level}: {alive} of the {required} required {verb} alive "
            f"(coordinator {coordinator}; {_nodes_text(context.down)}). Bring the down node back up, or run the "
            "query at a lower consistency (ONE or LOCAL_ONE) if an answer from fewer replicas will do."))
    if isinstance(exc, Timeout):
        level = _level_name(getattr(exc, "consistency", None), context.consistency)
        got, wanted = getattr(exc, "received_responses", None), getattr(exc, "required_responses", None)
        counts = f"{got} of {wanted} replicas answered" if wanted is not None else "the replicas did not answer"
        action = "write" if "Write" in type(exc).__name__ else "read"
        return Failure(FailureKind.TIMEOUT, (
            f"The coordinator {coordinator} timed out waiting for the replicas of a {action} at consistency "
            f"{level}: {counts} ({_nodes_text(context.down)}; server: \"{server}\"). A replica is slow or down. "
            + _slow_node_advice(context, "A replica")))
    if isinstance(exc, CoordinationFailure):
        level = _level_name(getattr(exc, "consistency", None), context.consistency)
        return Failure(FailureKind.SERVER, (
            f"Replicas failed the request at consistency {level} (coordinator {coordinator}; server: \"{server}\"). "
            "Their logs say why (for example too many tombstones)."))
    if isinstance(exc, OperationTimedOut):
        host = address_of(exc.last_host) if exc.last_host is not None else coordinator
        level = f" at consistency {context.consistency}" if context.consistency else ""
        return Failure(FailureKind.TIMEOUT, (
            f"No answer from {host} within the request timeout of {timeout:g} s{level}. "
            + _slow_node_advice(context, host)))
    if isinstance(exc, NoHostAvailable):
        return _no_host(exc, timeout, secrets, context)
    decoding = _UNDECODABLE.search(str(exc))
    if decoding is not None:
        return _undecodable(decoding)
    return Failure(FailureKind.SERVER, f"{type(exc).__name__}: {server}")


_UNDECODABLE = re.compile(r'Failed decoding result column "(?P<column>[^"]*)" of type (?P<type>\S+): (?P<reason>.*)')


def _undecodable(found: re.Match[str]) -> Failure:
    """The server answered, but the Python driver cannot turn a value into a Python one: not a server error.
    (Timestamps, which the driver stops at years 1 to 9999, are decoded exactly by core.cql.exact_timestamps.)"""
    column, cql_type, reason = found.group("column"), found.group("type"), found.group("reason").strip()
    return Failure(FailureKind.DECODE, f"The server answered, but the Python driver cannot decode column {column} "
                                       f"({cql_type}): {reason}. Leave the column out, or select it converted to "
                                       f"text.")


def _invalid_hint(server: str) -> str:
    hint = ""
    lowered = server.lower()
    if "no keyspace has been specified" in lowered:
        hint = " Qualify the table with its keyspace (keyspace.table), or set the data source's keyspace."
    elif "keyspace" in lowered and "does not exist" in lowered:
        hint = " Check the keyspace name: SELECT keyspace_name FROM system_schema.keyspaces lists them."
    elif "table" in lowered and "does not exist" in lowered:
        hint = " Check the table name and its keyspace."
    return server + hint if server.endswith(".") else server + "." + hint


def _no_host(exc: Any, timeout: float, secrets: list[str | None], context: QueryContext) -> Failure:
    """Every node the driver tried failed: report the telling server error, with the nodes that were lost."""
    from cassandra import OperationTimedOut
    from cassandra.cluster import NoHostAvailable

    errors: dict[Any, BaseException] = dict(exc.errors) if isinstance(exc.errors, dict) else {}
    if not errors:
        return Failure(FailureKind.UNREACHABLE, (
            f"No node could take the query ({_nodes_text(context.down)}). Check that the nodes are up (Save & test, "
            "or 'cqlscope check'), or clear a host override that names a node that is down."))
    lost = tuple(address_of(h) for h, e in errors.items() if _is_connection_error(e))
    telling = [(h, e) for h, e in errors.items() if not _is_connection_error(e)]
    telling = telling or [(h, e) for h, e in errors.items() if isinstance(e, OperationTimedOut)]
    if not telling or isinstance(telling[0][1], NoHostAvailable):
        closed = "; ".join(f"{address_of(host)}: {_short_error(error)}" for host, error in errors.items())
        return Failure(FailureKind.UNREACHABLE, (
            f"No node could run the query ({closed}). The nodes are down or restarting: bring one back up, or "
            "check the network."))
    host, error = telling[0]
    down = tuple(sorted(set(context.down) | set(lost) - {address_of(host)}))
    inner = QueryContext(context.statement, context.consistency, address_of(host), down, context.user)
    return _diagnose(error, timeout, secrets, inner)


def _is_connection_error(error: BaseException) -> bool:
    from cassandra import OperationTimedOut
    from cassandra.connection import ConnectionException

    return isinstance(error, ConnectionException | OSError | OperationTimedOut)


def _short_error(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    if "defunct" in text or "closed" in text.lower() or "shutdown" in text.lower():
        return "connection closed (the node is down or restarting)"
    return text if len(text) <= 200 else text[:197] + "..."
