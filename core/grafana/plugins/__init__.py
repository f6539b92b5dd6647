"""The released plugins' backends, emulated: what Grafana receives for a panel target or a resource call.

Each module emulates one release (`scylla` 0.5.0, `cassandra` 3.3.0) as a plugin *instance*: like the real
plugin, an instance lives as long as its data source and keeps state between requests (its sessions).
Answers are plain JSON objects exactly as Grafana would receive them: `{"results": {"A": {...}}}` for a
query, or `{"error": "<the plugin's own message>"}` when the call fails as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class PluginRequest:
    """One panel target as the plugin's backend receives it (the front end has already interpolated it)."""

    target: Mapping[str, Any]
    from_ms: int
    to_ms: int
    ref_id: str = "A"
    max_data_points: int = 1000
    interval_ms: int = 1000
    alerting: bool = False


@dataclass(frozen=True)
class ResourceAnswer:
    """A resource call's answer: HTTP status, headers and body as the plugin wrote them."""

    status: int
    body: bytes
    headers: Mapping[str, list[str]] = field(default_factory=dict)


class PluginInstance(Protocol):
    """One emulated plugin instance of one data source."""

    release: str  # the emulated release, e.g. "0.5.0"

    def query(self, request: PluginRequest) -> dict[str, Any]:
        """The JSON Grafana would receive for QueryData with this one target."""

    def resource(self, path: str, params: Mapping[str, str]) -> ResourceAnswer:
        """The answer to CallResource (the cassandra plugin's `variables`; others answer 404)."""

    def close(self) -> None:
        """Close every session the instance opened."""


#: Grafana's plugin type id -> the module and class emulating its release.
PLUGIN_TYPES = {
    "scylladb-scylla-datasource": ("core.grafana.plugins.scylla", "ScyllaInstance"),
    "hadesarchitect-cassandra-datasource": ("core.grafana.plugins.cassandra", "CassandraInstance"),
}


def instance_for(plugin_type: str, settings: Mapping[str, Any]) -> PluginInstance:
    """A new emulated instance for Grafana's `DataSourceInstanceSettings` (`url`, `user`, `database`,
    `jsonData`, `secureJsonData`), exactly what the plugin would be started with."""
    import importlib

    try:
        module_name, class_name = PLUGIN_TYPES[plugin_type]
    except KeyError:
        raise ValueError(f"no emulation of the plugin '{plugin_type}'") from None
    factory = getattr(importlib.import_module(module_name), class_name)
    instance: PluginInstance = factory(settings)
    return instance
