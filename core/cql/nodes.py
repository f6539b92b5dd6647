"""The cluster's nodes as the driver sees them: one node-info type for the health check, the schema and the
host override, and the helpers that name and list the driver's hosts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NodeInfo:
    """One node: its address, datacenter, rack, whether the driver sees it up, and its Cassandra version."""

    address: str
    datacenter: str | None
    rack: str | None
    up: bool
    release_version: str | None = None

    def label(self) -> str:
        return f"{self.address} ({self.datacenter or '?'}, {'up' if self.up else 'down'})"


def address_of(host: Any) -> str:
    """The address of a driver Host (or of anything that names one)."""
    endpoint = getattr(host, "endpoint", None)
    address = getattr(endpoint, "address", None) or getattr(host, "address", None)
    return str(address if address is not None else host)


def node_info(host: Any) -> NodeInfo:
    """The NodeInfo of a driver Host."""
    return NodeInfo(address_of(host), host.datacenter, host.rack, bool(host.is_up),
                    getattr(host, "release_version", None))


def known_nodes(session: Any) -> list[Any]:
    """The cluster's nodes as the driver sees them, by address."""
    return sorted(session.cluster.metadata.all_hosts(), key=address_of)


def describe_nodes(session: Any) -> str:
    """`addr (up), addr (down)`: the nodes for an error message ("not connected" for a node the session's
    load balancing leaves out, such as one outside the scylla plugin's specified host list)."""
    return ", ".join(f"{address_of(h)} ({node_state(h)})" for h in known_nodes(session))


def node_state(host: Any) -> str:
    """'up', 'down', or 'not connected' (the driver has no state for a node it opens no pool to)."""
    return "not connected" if host.is_up is None else "up" if host.is_up else "down"
