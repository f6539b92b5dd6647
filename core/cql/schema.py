"""Schema metadata for query completion (keyspaces, tables, columns) and the cluster's nodes.

It is loaded on a driver connection of its own, never the session that runs queries (as pgcli's
refresher does), so a slow schema fetch cannot hold up a query. CQL keywords come from the driver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.config.datasource import DataSource
from core.config.workspace import Workspace
from core.cql.failures import connect_failure
from core.cql.nodes import NodeInfo, address_of, node_info
from core.cql.sessions import SHUTDOWN_WAIT_S, build_cluster, connect_within, shutdown_within
from core.errors import CqlscopeError


class SchemaError(CqlscopeError):
    """The schema could not be loaded (the message says why, secrets removed)."""

    title = "Schema not loaded"


@dataclass
class Schema:
    """Keyspaces, their tables and each table's columns (name, CQL type), plus the nodes."""

    keyspaces: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    nodes: list[NodeInfo] = field(default_factory=list)

    def tables(self, keyspace: str) -> list[str]:
        return sorted(self.keyspaces.get(keyspace, {}))

    def columns(self, keyspace: str, table: str) -> list[tuple[str, str]]:
        return list(self.keyspaces.get(keyspace, {}).get(table, []))

    def all_tables(self) -> list[tuple[str, str]]:
        """Every (keyspace, table), sorted."""
        return sorted((ks, table) for ks, tables in self.keyspaces.items() for table in tables)


def cql_keywords() -> list[str]:
    """CQL keywords, upper case and sorted, from the driver's metadata module."""
    from cassandra.metadata import cql_keywords as keywords

    return sorted(word.upper() for word in keywords)


def load_schema(workspace: Workspace, ds: DataSource) -> Schema:
    """Connect with a Cluster of its own (within our own connect deadline), read the schema metadata and the
    nodes, then shut it down."""
    credentials = workspace.credentials(ds)
    cluster = build_cluster(ds, credentials)
    try:
        connect_within(ds, cluster, keyspace=False)  # shuts the cluster down itself when the connect fails
    except Exception as exc:
        failure = connect_failure(exc, ds, credentials)
        raise SchemaError(failure.message, title=f"Schema not loaded: {failure.title}") from None
    try:
        return schema_from_metadata(cluster.metadata)
    finally:
        shutdown_within(cluster, SHUTDOWN_WAIT_S)


def schema_from_metadata(metadata: Any) -> Schema:
    """A Schema from a driver `Metadata` (tables and views with their columns in declared order)."""
    schema = Schema()
    for ks_name, keyspace in metadata.keyspaces.items():
        tables: dict[str, list[tuple[str, str]]] = {}
        for table_name, table in {**keyspace.tables, **keyspace.views}.items():
            tables[table_name] = [(name, str(column.cql_type)) for name, column in table.columns.items()]
        schema.keyspaces[ks_name] = tables
    schema.nodes = [node_info(h) for h in sorted(metadata.all_hosts(), key=address_of)]
    return schema
