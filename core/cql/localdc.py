"""Datacenters: a connection pool to every node (as gocql keeps), the local datacenter's checks, and the
wait for the pool of a pinned node.

The driver's DC-aware policy ignores every node outside the local datacenter: no pool, no up/down state,
so a query pinned to such a node, or "all hosts", could not reach it. gocql, which both Grafana plugins
use, connects to every node and lets its host selection policy only order the query plan; the wrapper
here does the same. A local datacenter that names no datacenter of the cluster, or whose nodes are all
down, is reported with the cluster's datacenters instead of the driver's bare NoHostAvailable.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from core.cql.failures import ClassifiedError, Failure, FailureKind
from core.cql.nodes import address_of, describe_nodes

POLL_S = 0.05


def pools_to_every_node(child: Any) -> Any:
    """`child`'s query plans, with a pool (REMOTE) to every node the child would ignore."""
    from cassandra.policies import HostDistance, WrapperPolicy

    class PoolsToEveryNode(WrapperPolicy):  # type: ignore[misc]
        def distance(self, host: Any) -> Any:
            distance = self._child_policy.distance(host)
            return HostDistance.REMOTE if distance == HostDistance.IGNORED else distance

        def make_query_plan(self, working_keyspace: Any = None, query: Any = None) -> Any:
            return self._child_policy.make_query_plan(working_keyspace, query)

        def check_supported(self) -> None:
            self._child_policy.check_supported()

    return PoolsToEveryNode(child)


def datacenters(hosts: Iterable[Any]) -> dict[str, list[Any]]:
    """The driver's hosts by datacenter (hosts whose datacenter is not known yet are left out)."""
    out: dict[str, list[Any]] = {}
    for host in sorted(hosts, key=address_of):
        if host.datacenter:
            out.setdefault(str(host.datacenter), []).append(host)
    return out


def _dc_summary(by_dc: dict[str, list[Any]]) -> str:
    return "; ".join(f"{dc}: " + ", ".join(f"{address_of(h)} ({'up' if h.is_up else 'down'})" for h in hosts)
                     for dc, hosts in sorted(by_dc.items()))


def local_dc_problem(local_dc: str, cluster: Any) -> ClassifiedError | None:
    """The error for a local datacenter the cluster does not have, or whose nodes are all down; None when it is
    fine or when the driver learned no datacenter at all (the connect failed before; its own error stands)."""
    try:
        by_dc = datacenters(cluster.metadata.all_hosts())
    except Exception:
        return None
    if not by_dc:
        return None
    if local_dc not in by_dc:
        names = ", ".join(sorted(by_dc))
        return ClassifiedError(Failure(FailureKind.CONFIGURATION, (
            f"The local datacenter '{local_dc}' is not a datacenter of this cluster, so the driver has no node to "
            f"send queries to. The cluster's datacenters: {names} ({_dc_summary(by_dc)}). Set the local "
            "datacenter to one of them (names are case-sensitive), or clear it to use the contact point's.")))
    if not any(host.is_up for host in by_dc[local_dc]):
        others = {dc: hosts for dc, hosts in by_dc.items() if dc != local_dc and any(h.is_up for h in hosts)}
        alternative = (f"set the local datacenter to one whose nodes are up ({', '.join(sorted(others))})"
                       if others else "no other datacenter has a node up either")
        down = ", ".join(address_of(h) for h in by_dc[local_dc])
        return ClassifiedError(Failure(FailureKind.UNREACHABLE, (
            f"Every node of the local datacenter '{local_dc}' is down ({down}). Queries go only to nodes of the "
            f"local datacenter, so none can run. Bring a node of '{local_dc}' back up, or {alternative}. "
            f"Nodes: {_dc_summary(by_dc)}.")))
    return None


def settle_local_pools(session: Any, local_dc: str, until: float) -> None:
    """Wait (until the monotonic time `until` at most) for each node of the local datacenter to have a pool or
    be marked down, so the check that follows sees the datacenter as it is, not as the connect left it."""
    while time.monotonic() < until:
        pools = session.get_pool_state()
        pending = [h for h in session.cluster.metadata.all_hosts()
                   if h.datacenter == local_dc and h not in pools and h.is_up is not False]
        if not pending:
            return
        time.sleep(POLL_S)


def pool_failure(session: Any, host: Any, timeout: float) -> Failure | None:
    """Wait, within `timeout` of our own, for the session's pool to `host` (pools to nodes the driver learns of
    after connecting open in the background); None once there is one, else why there is none."""
    deadline = time.monotonic() + timeout
    address = address_of(host)
    where = f"{address} (datacenter {host.datacenter or '?'})"
    while host not in session.get_pool_state():
        if session.cluster.profile_manager.distance(host) == _ignored():
            return Failure(FailureKind.CONFIGURATION, (
                f"{where} is not among the data source's hosts, and with the scylla plugin's 'specified list' "
                f"scope no connection is opened to other nodes. Add it to the hosts, or pin the query to a listed "
                f"node. Known nodes: {describe_nodes(session)}."))
        if host.is_up is False:
            return Failure(FailureKind.UNREACHABLE, (
                f"{where} went down, so the query cannot be pinned to it. Known nodes: {describe_nodes(session)}. "
                "Pick a node that is up, or clear the host override."))
        if time.monotonic() > deadline:
            return Failure(FailureKind.TIMEOUT, (
                f"No connection to {where} within {timeout:g} s: the node did not answer. It may be stopped, frozen "
                "or overloaded, or cut off by a firewall: check it with `cqlscope check`, raise the connect "
                f"timeout, or pin the query to another node. Known nodes: {describe_nodes(session)}."))
        time.sleep(POLL_S)
    return None


def _ignored() -> Any:
    from cassandra.policies import HostDistance

    return HostDistance.IGNORED
