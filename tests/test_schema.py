"""core.cql.schema against the real local node: keyspaces, tables, columns, nodes and CQL keywords."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.config.datasource import DataSource
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from core.cql.schema import SchemaError, cql_keywords, load_schema
from tests.support import LocalNode

pytestmark = pytest.mark.cassandra


def _workspace(config_dir: Path, secrets: SecretStore, node: LocalNode, password: str) -> Workspace:
    workspace = Workspace(config_dir, secrets)
    workspace.store.load()
    workspace.store.add(DataSource(name="local", hosts=[node.host]))
    workspace.store.set_secret("local", "user", node.user)
    workspace.store.set_secret("local", "password", password)
    return workspace


def test_schema_lists_keyspaces_tables_columns_and_nodes(
        config_dir: Path, memory_secrets: SecretStore, cassandra: LocalNode, admin_session: Any,
        scratch_keyspace: str) -> None:
    admin_session.execute(f"CREATE TABLE {scratch_keyspace}.metrics (host text, ts timestamp, value decimal, "
                          "tags map<text, text>, PRIMARY KEY (host, ts))")
    workspace = _workspace(config_dir, memory_secrets, cassandra, cassandra.password)
    ds = workspace.store.get("local")

    schema = load_schema(workspace, ds)

    assert scratch_keyspace in schema.keyspaces and "system" in schema.keyspaces
    assert schema.tables(scratch_keyspace) == ["metrics"]
    assert schema.columns(scratch_keyspace, "metrics") == [
        ("host", "text"), ("ts", "timestamp"), ("tags", "map<text, text>"), ("value", "decimal")]
    assert (scratch_keyspace, "metrics") in schema.all_tables()
    node = next(n for n in schema.nodes if n.address == "127.0.0.1")
    assert node.up and node.datacenter == "datacenter1"
    assert node.label() == "127.0.0.1 (datacenter1, up)"
    # Its own connection: the workspace's query session was never opened.
    assert not workspace.sessions.has_session(ds.uid)


def test_schema_with_a_wrong_password_is_a_schema_error_without_the_secret(
        config_dir: Path, memory_secrets: SecretStore, cassandra: LocalNode) -> None:
    workspace = _workspace(config_dir, memory_secrets, cassandra, "wrong-password-123")
    with pytest.raises(SchemaError) as raised:
        load_schema(workspace, workspace.store.get("local"))
    assert "wrong-password-123" not in raised.value.message


def test_keywords_come_from_the_driver() -> None:
    words = cql_keywords()
    assert {"SELECT", "FROM", "WHERE", "ALLOW", "FILTERING"} <= set(words)
    assert words == sorted(words)
