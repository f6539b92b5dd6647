"""Driver sessions: one per data source, created on first use, reused, rebuilt when settings change.

Like the Grafana plugins' instance manager, the session is keyed by the data source's uid and
fingerprinted by its settings and secrets; a different fingerprint closes the old cluster and builds
a new one. Secrets stay in memory only (the fingerprint holds a hash of them).
"""

from __future__ import annotations

import hashlib
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.config.datasource import ConnectionScope, DataSource, Flavor
from core.cql.deadline import DeadlineExceeded, call_within
from core.cql.localdc import local_dc_problem, settle_local_pools

if TYPE_CHECKING:
    from cassandra.cluster import Cluster, Session

CONNECT_GRACE_S = 1.0  # beyond the driver's connect timeouts: the handshake, metadata and the keyspace


@dataclass(frozen=True)
class Credentials:
    """A data source's user and password, held in memory while a session is built."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def complete(self) -> bool:
        return bool(self.user) and bool(self.password)

    def digest(self) -> str:
        raw = f"{self.user}\0{self.password}".encode()
        return hashlib.sha256(raw).hexdigest()

    def __repr__(self) -> str:  # never show the values
        return f"Credentials(user={'set' if self.user else 'unset'}, password={'set' if self.password else 'unset'})"


def ssl_context_for(ds: DataSource) -> ssl.SSLContext | None:
    """The TLS context of a data source, or None when TLS is off; verification off skips every check."""
    if not ds.tls_enabled:
        return None
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if ds.tls_ca_file:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=_expand(ds.tls_ca_file))
    if ds.tls_cert_file and ds.tls_key_file:
        context.load_cert_chain(_expand(ds.tls_cert_file), _expand(ds.tls_key_file))
    if not ds.tls_verify_hostname:
        # The plugins hand this setting to Go's tls.Config.InsecureSkipVerify (the cassandra plugin's
        # allowInsecureTLS): off means no verification at all, neither the chain nor the host name.
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _expand(path: str) -> str:
    import os

    return os.path.expanduser(path)


def build_cluster(ds: DataSource, credentials: Credentials) -> Cluster:
    """A driver Cluster configured exactly from the data source (not yet connected)."""
    from cassandra import ConsistencyLevel
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.connection import DefaultEndPoint
    from cassandra.policies import (
        DCAwareRoundRobinPolicy,
        LoadBalancingPolicy,
        TokenAwarePolicy,
        WhiteListRoundRobinPolicy,
    )

    from core.cql.localdc import pools_to_every_node

    endpoints = [DefaultEndPoint(host, port) for host, port in ds.endpoints()]
    policy: LoadBalancingPolicy
    if uses_host_list(ds):
        policy = WhiteListRoundRobinPolicy([host for host, _ in ds.endpoints()])
    elif ds.local_dc:
        policy = pools_to_every_node(TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=ds.local_dc)))
    else:
        policy = pools_to_every_node(TokenAwarePolicy(DCAwareRoundRobinPolicy()))
    profile = ExecutionProfile(
        load_balancing_policy=policy,
        consistency_level=ConsistencyLevel.name_to_value[ds.consistency],
        request_timeout=ds.request_timeout,
    )
    kwargs: dict[str, object] = {
        "contact_points": endpoints,
        "execution_profiles": {EXEC_PROFILE_DEFAULT: profile},
        "connect_timeout": ds.connect_timeout,
        "control_connection_timeout": ds.connect_timeout,
        "ssl_context": ssl_context_for(ds),
    }
    if ds.protocol_version is not None:
        kwargs["protocol_version"] = ds.protocol_version
    if credentials.complete:
        kwargs["auth_provider"] = PlainTextAuthProvider(username=credentials.user, password=credentials.password)
    return Cluster(**kwargs)


def uses_host_list(ds: DataSource) -> bool:
    """Whether the session talks only to the listed hosts (the scylla plugin's "specified list" scope)."""
    return ds.flavor == Flavor.SCYLLA and ds.scope == ConnectionScope.SPECIFIED_LIST


def connect_deadline(ds: DataSource) -> float:
    """Our own limit on a connect: the driver tries the contact points one by one, each within the connect
    timeout, and a grace covers the rest of the handshake."""
    return ds.connect_timeout * max(1, len(ds.endpoints())) + CONNECT_GRACE_S


def contact_points_text(ds: DataSource) -> str:
    return ", ".join(f"{host}:{port}" for host, port in ds.endpoints()) or "the contact points"


def connect_within(ds: DataSource, cluster: Cluster, keyspace: bool = True) -> Session:
    """`cluster.connect()` (and the data source's keyspace, and with a local datacenter its nodes' pools) within
    `connect_deadline`; a connect that misses it raises DeadlineExceeded and shuts its cluster down when it
    ends. Any other failure shuts the cluster down at once, and a local datacenter that is unknown or down
    raises its own classified error."""
    seconds = connect_deadline(ds)
    ends = time.monotonic() + seconds

    def connect() -> Session:
        session = cluster.connect()
        if keyspace:
            _use_keyspace(session, ds.keyspace)
        if ds.local_dc and not uses_host_list(ds):
            settle_local_pools(session, ds.local_dc, ends - 0.25)
        return session

    advice = ("The node may be stopped, frozen or overloaded, or a firewall may drop the traffic: check the hosts "
              "and port, or raise the connect timeout.")
    try:
        session = call_within(seconds, connect, what=f"{contact_points_text(ds)} (connecting)", advice=advice,
                              cleanup=lambda: shutdown_within(cluster, SHUTDOWN_WAIT_S))
    except BaseException as exc:
        if not isinstance(exc, DeadlineExceeded):  # the call has ended: its cluster can go now
            problem = local_dc_problem(ds.local_dc, cluster) if ds.local_dc and not uses_host_list(ds) else None
            shutdown_within(cluster, SHUTDOWN_WAIT_S)
            if problem is not None:
                raise problem from None
        raise
    problem = local_dc_problem(ds.local_dc, cluster) if ds.local_dc and not uses_host_list(ds) else None
    if problem is not None:
        shutdown_within(cluster, SHUTDOWN_WAIT_S)
        raise problem
    return session


def fingerprint(ds: DataSource, credentials: Credentials) -> str:
    """Changes whenever a setting or a secret that affects the connection changes."""
    settings = ds.to_dict()
    for key in ("name", "is_default", "org_id", "editable"):
        settings.pop(key)
    return json.dumps(settings, sort_keys=True) + credentials.digest()


def _use_keyspace(session: Session, keyspace: str) -> None:
    """Make the data source's keyspace the session's default when it exists (the health check reports it
    when it does not)."""
    if not keyspace:
        return
    wanted = keyspace[1:-1] if keyspace.startswith('"') else keyspace.lower()
    if wanted in session.cluster.metadata.keyspaces:
        session.set_keyspace(keyspace)


SHUTDOWN_WAIT_S = 5.0  # how long closing a session may take before it is left to finish in the background
log = logging.getLogger(__name__)


def shutdown_within(cluster: Cluster, wait_s: float) -> bool:
    """Shut a driver cluster down, waiting at most `wait_s`: the driver's shutdown joins its own threads and can
    wait on a connection that never answers, and closing the window or a test must not wait with it."""
    worker = threading.Thread(target=cluster.shutdown, name="cqlscope-cluster-shutdown", daemon=True)
    worker.start()
    worker.join(wait_s)
    if worker.is_alive():
        log.warning("closing a session took longer than %g s; it goes on in the background", wait_s)
        return False
    return True


@dataclass
class _Entry:
    fingerprint: str
    cluster: Cluster
    session: Session


class SessionManager:
    """Hands out one connected session per data source, thread-safely."""

    def __init__(self, credentials_for: Callable[[DataSource], Credentials]) -> None:
        self._credentials_for = credentials_for
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def session(self, ds: DataSource, credentials: Credentials | None = None) -> Session:
        """The data source's session, connecting (blocking) when there is none or settings changed.
        `credentials`, when the caller has just read them, saves reading the keyring again.

        Raises the driver's exception when the connection fails, or a ClassifiedError (our own deadline, a
        local datacenter that is unknown or down); classify either with core.cql.failures.
        """
        if credentials is None:
            credentials = self._credentials_for(ds)
        wanted = fingerprint(ds, credentials)
        with self._lock_for(ds.uid):
            entry = self._entries.get(ds.uid)
            if entry is not None and entry.fingerprint == wanted and not entry.cluster.is_shutdown:
                problem = local_dc_problem(ds.local_dc, entry.cluster) if ds.local_dc and not uses_host_list(ds) \
                    else None
                if problem is not None:  # the session is kept: it recovers when a local node comes back
                    raise problem
                return entry.session
            if entry is not None:
                self._shutdown(ds.uid)
            cluster = build_cluster(ds, credentials)
            session = connect_within(ds, cluster)
            self._entries[ds.uid] = _Entry(wanted, cluster, session)
            return session

    def cluster(self, uid: str) -> Cluster | None:
        entry = self._entries.get(uid)
        return entry.cluster if entry else None

    def uids(self) -> list[str]:
        """The data sources that have an open session."""
        return list(self._entries)

    def has_session(self, uid: str) -> bool:
        return uid in self._entries

    def close(self, uid: str) -> None:
        """Close the session of one data source (when it is removed)."""
        with self._lock_for(uid):
            self._shutdown(uid)

    def close_all(self) -> None:
        """Close every session (when the app quits)."""
        for uid in list(self._entries):
            self.close(uid)

    def _shutdown(self, uid: str) -> None:
        entry = self._entries.pop(uid, None)
        if entry is not None:
            shutdown_within(entry.cluster, SHUTDOWN_WAIT_S)

    def _lock_for(self, uid: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(uid, threading.Lock())
