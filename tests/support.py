"""Helpers shared by the tests: an in-memory keyring for unit tests and local Cassandra facts."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.config.datasource import DataSource, Flavor
from core.config.secrets import RunOnlyKeyring, SecretStore
from core.config.workspace import Workspace
from tests.secret_service import PrivateSecretService

REPO = Path(__file__).resolve().parent.parent
LOCAL_CASSANDRA = REPO / "scripts" / "local-cassandra"
ARTIFACTS = REPO / "test-artifacts"
RUN_DIR = Path(os.environ.get("CQLSCOPE_CASSANDRA_RUN", REPO / ".run" / "cassandra"))


MemoryKeyring = RunOnlyKeyring  # an in-memory keyring for unit tests


@dataclass(frozen=True)
class LocalNode:
    """The local Cassandra node the suite runs against."""

    host: str
    port: int
    tls_dir: Path
    user: str = "cassandra"
    password: str = "cassandra"


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `cqlscope` in a subprocess, as a user would, and capture its output."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "core.cli", *args], capture_output=True, text=True,
                          env=full_env, input=stdin, timeout=timeout, cwd=REPO)


@contextmanager
def private_keyring(unlock: bool) -> Iterator[dict[str, str]]:
    """A private D-Bus session with gnome-keyring (unlocked, or left locked); yields its environment."""
    service = PrivateSecretService(unlock=unlock)
    try:
        yield service.start()
    finally:
        service.close()


def local_workspace(config_dir: Path, secrets: SecretStore, node: LocalNode, *, name: str = "local",
                    flavor: Flavor = Flavor.CASSANDRA) -> Workspace:
    """A workspace whose one data source points at the local node with the superuser's credentials."""
    workspace = Workspace(config_dir, secrets)
    workspace.store.load()
    workspace.store.add(DataSource(name=name, hosts=[node.host], flavor=flavor))
    workspace.store.set_secret(name, "user", node.user)
    workspace.store.set_secret(name, "password", node.password)
    return workspace


@contextmanager
def new_keyspace(admin_session: Any) -> Iterator[str]:
    """A keyspace of its own (SimpleStrategy, one replica), dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin_session.execute(
        f"CREATE KEYSPACE {name} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}")
    try:
        yield name
    finally:
        admin_session.execute(f"DROP KEYSPACE IF EXISTS {name}")
