"""Session fixtures: a private config dir, keyrings (in-memory and a real Secret Service), and the
local Apache Cassandra node started through scripts/local-cassandra. A server that cannot start fails
the tests loudly; nothing is skipped."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.config.secrets import SERVICE, SecretStore
from core.config.workspace import Workspace
from tests.secret_service import INCIDENTS, PrivateSecretService
from tests.support import ARTIFACTS, LOCAL_CASSANDRA, RUN_DIR, LocalNode, MemoryKeyring, local_workspace, new_keyspace


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "multi_dc: uses the two-datacenter cluster of nodes 5 and 6 (runs near the "
                                       "end, before the fault tests)")


def _run_order(item: pytest.Item) -> int:
    if item.get_closest_marker("faults") is not None:
        return 2
    return 1 if item.get_closest_marker("multi_dc") is not None else 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The two-datacenter tests run near the end and fault tests (they freeze or kill node 2) after everything
    else. When bundle tests were collected, the PyInstaller build starts now in the background (it takes over a
    minute) and overlaps the other tests."""
    items.sort(key=_run_order)
    if any(item.get_closest_marker("bundle") for item in items):
        from tests.bundle_build import start_build

        start_build()


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.bundle_build import cleanup

    cleanup()


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty config directory (CQLSCOPE_CONFIG_DIR)."""
    directory = tmp_path / "config"
    monkeypatch.setenv("CQLSCOPE_CONFIG_DIR", str(directory))
    return directory


@pytest.fixture
def memory_secrets() -> SecretStore:
    return SecretStore(MemoryKeyring())


# -- a real Secret Service ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def secret_service() -> Iterator[PrivateSecretService]:
    """A private D-Bus session with an unlocked gnome-keyring, exported to os.environ for the run."""
    service = PrivateSecretService(unlock=True)
    env = service.start()
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield service
    finally:
        service.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def secret_service_env(secret_service: PrivateSecretService) -> dict[str, str]:
    """The environment of the run's Secret Service (also in os.environ)."""
    return secret_service.env


@pytest.fixture(autouse=True)
def _secret_service_answers(request: pytest.FixtureRequest) -> None:
    """Before a test that uses the Secret Service, it is checked to answer (and restarted if not)."""
    if "secret_service" in request.fixturenames:
        request.getfixturevalue("secret_service").ensure_answering()


@pytest.fixture
def real_secrets(secret_service: PrivateSecretService) -> Iterator[SecretStore]:
    """A SecretStore on the real Secret Service; entries it made are removed afterwards."""
    from keyring.backends.SecretService import Keyring

    backend = Keyring()  # the Secret Service was checked to answer (_secret_service_answers)
    store = SecretStore(backend)
    assert store.backend_name().endswith("SecretService.Keyring")
    yield store
    collection = backend.get_preferred_collection()
    for item in collection.search_items({"service": SERVICE}):
        item.delete()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Restarts of the private Secret Service are shown at the end of the run (they are the machine's)."""
    if INCIDENTS:
        terminalreporter.section("private Secret Service restarts")
        for incident in INCIDENTS:
            terminalreporter.write_line(incident)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "secret-service-incidents.log").write_text("\n\n".join(INCIDENTS) + "\n")


# -- the local Cassandra node --------------------------------------------------------------------


def _local_cassandra(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LOCAL_CASSANDRA), *args], capture_output=True, text=True, timeout=timeout)


def _start_node(node: int) -> None:
    result = _local_cassandra("start", "--node", str(node), "--tls")
    if result.returncode != 0:
        pytest.fail(f"the local Cassandra node {node} could not start:\n" + result.stdout + result.stderr,
                    pytrace=False)


@pytest.fixture(scope="session")
def cassandra() -> Iterator[LocalNode]:
    """Node 1 of the local cluster with TLS on (plain clients are accepted on the same port).

    A node 2 that once joined is started too: the default superuser needs a QUORUM of the ring.
    The nodes are stopped at the end when this session started them, unless CQLSCOPE_KEEP_CASSANDRA is set.
    """
    was_running = _local_cassandra("status", "--seed", "1").returncode == 0  # nodes 1 and 2, not the 2-DC cluster
    _start_node(1)
    if (RUN_DIR / "node2").is_dir():
        _start_node(2)
    tls_dir = Path(_local_cassandra("tls-dir").stdout.strip())
    yield LocalNode(host="127.0.0.1", port=9042, tls_dir=tls_dir)
    if not was_running and not os.environ.get("CQLSCOPE_KEEP_CASSANDRA"):
        _local_cassandra("stop", "--all")


@pytest.fixture(scope="session")
def two_node_cluster(cassandra: LocalNode) -> LocalNode:
    """Node 2 on 127.0.0.2 joined to node 1; it runs until the session ends."""
    _start_node(2)
    return LocalNode(host="127.0.0.2", port=9042, tls_dir=cassandra.tls_dir)


@pytest.fixture(scope="session")
def two_dc_cluster() -> Iterator[LocalNode]:
    """A cluster of its own in two datacenters: node 5 (127.0.0.5) in dc1, its own seed, and node 6 (127.0.0.6) in
    dc2 joining it; plain CQL, no TLS. Stopped at the end when this session started them, unless
    CQLSCOPE_KEEP_CASSANDRA is set."""
    was_running = _local_cassandra("status", "--seed", "5").returncode == 0
    for node, dc in ((5, "dc1"), (6, "dc2")):
        result = _local_cassandra("start", "--node", str(node), "--dc", dc, "--seed", "5")
        if result.returncode != 0:
            pytest.fail(f"the local Cassandra node {node} ({dc}) could not start:\n" + result.stdout + result.stderr,
                        pytrace=False)
    yield LocalNode(host="127.0.0.5", port=9042, tls_dir=RUN_DIR / "tls")
    if not was_running and not os.environ.get("CQLSCOPE_KEEP_CASSANDRA"):
        for node in (6, 5):
            _local_cassandra("stop", "--node", str(node))


@pytest.fixture
def workspace(config_dir: Path, memory_secrets: SecretStore, cassandra: LocalNode) -> Iterator[Workspace]:
    """A workspace whose data source, "local", is the local test node (tests.support.local_workspace); a module
    that needs another defines its own `workspace`."""
    ws = local_workspace(config_dir, memory_secrets, cassandra)
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def admin_session(cassandra: LocalNode) -> Iterator[Any]:
    """A superuser driver session, for tests that create keyspaces and roles."""
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster

    cluster = Cluster([cassandra.host], port=cassandra.port,
                      auth_provider=PlainTextAuthProvider(cassandra.user, cassandra.password))
    session = cluster.connect()
    yield session
    cluster.shutdown()


@pytest.fixture
def scratch_keyspace(admin_session: Any) -> Iterator[str]:
    """A keyspace of this test's own, dropped afterwards."""
    with new_keyspace(admin_session) as name:
        yield name


@pytest.fixture
def scratch_role(admin_session: Any) -> Iterator[tuple[str, str]]:
    """A login role with a random password, dropped afterwards."""
    name = f"r_{uuid.uuid4().hex[:12]}"
    password = f"pw-{uuid.uuid4().hex}"
    admin_session.execute(f"CREATE ROLE {name} WITH LOGIN = true AND PASSWORD = '{password}'")
    yield name, password
    admin_session.execute(f"DROP ROLE IF EXISTS {name}")


@pytest.fixture
def every_type_table(admin_session: Any, scratch_keyspace: str) -> str:
    """A table with a column of every CQL type: one full row (k=1) and one of NULLs (k=2)."""
    from tests.cql_types import ALL_TYPES_DDL, ALL_TYPES_ROW

    admin_session.execute(f"CREATE TYPE {scratch_keyspace}.addr (street text, num int)")
    admin_session.execute(ALL_TYPES_DDL.format(ks=scratch_keyspace))
    admin_session.execute(ALL_TYPES_ROW.format(ks=scratch_keyspace))
    admin_session.execute(f"INSERT INTO {scratch_keyspace}.every_type (k) VALUES (2)")
    return f"{scratch_keyspace}.every_type"


@pytest.fixture(scope="session")
def oracle_keyspace(two_node_cluster: LocalNode, admin_session: Any) -> str:
    """The plugin vectors' data (tests/fixtures/plugins/setup.cql) on the two-node cluster."""
    from tests.conformance.plugin_cases import load_setup

    load_setup(admin_session)
    return "oracle_ks"
