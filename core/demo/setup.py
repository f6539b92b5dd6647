"""What `make demo` sets up before the window opens: the local Cassandra, the demo data, and the demo data
source with its password (in the keyring, or in memory for this run when there is no keyring) and its example
query tabs. No Qt here: the GUI's demo entry point (gui/demo.py) only opens the window."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path

from core.config.datasource import DataSource, Flavor
from core.config.saved_queries import QueryFileState, QueryTabsFile, QueryTabState
from core.config.secrets import RunOnlyKeyring, SecretStore
from core.config.workspace import Workspace
from core.errors import CqlscopeError, SecretStoreError

REPO = Path(__file__).resolve().parent.parent.parent
LOCAL_CASSANDRA = REPO / "scripts" / "local-cassandra"
DEMO_NAME = "cqlscope demo"
DEMO_UID = "cqlscope-demo"
DEMO_SCYLLA_NAME = "cqlscope demo (ScyllaDB plugin)"
DEMO_SCYLLA_UID = "cqlscope-demo-scylla"
DEMO_DASHBOARD = REPO / "resources" / "demo" / "dashboard.json"
DEMO_USER = "cassandra"
SENSORS = ["b-temp-1", "b-temp-2", "o-temp-1"]

EXAMPLES = (
    QueryTabState(
        title="Time series", flavor="cassandra", raw_from="now-24h", raw_to="now", max_data_points=1000,
        variables={"sensors": SENSORS},
        text="SELECT sensor, value, ts FROM cqlscope_demo.readings\n"
             "WHERE sensor IN (${sensors:sqlstring})\n  AND ts >= $__timeFrom AND ts <= $__timeTo"),
    QueryTabState(
        title="Multi-value variable", flavor="scylla", variables={"sensors": ["b-hum-1", "l-hum-1", "o-hum-1"]},
        text="SELECT sensor, site, kind, installed FROM cqlscope_demo.sensors\n"
             "WHERE sensor IN (${sensors:sqlstring})"),
    QueryTabState(
        title="Pinned to a node", flavor="scylla", host="127.0.0.1",
        text="SELECT broadcast_address, data_center, rack, release_version, cluster_name\nFROM system.local"),
)


def say(message: str) -> None:
    print(f"demo: {message}", flush=True)


def local_cassandra(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LOCAL_CASSANDRA), *args], text=True, capture_output=True)


def start_cassandra(started: list[str]) -> None:
    """Start the local node (and node 2 when it once joined: logins need its quorum); `started` gets each node
    this started, as soon as it is up (so a failure later still stops it).

    Each node is asked about on its own: a stopped node of another cluster (the tests' two-datacenter nodes)
    made the overall status fail, and the demo then stopped, on exit, nodes 1 and 2 it had not started."""
    nodes = ["1"] + (["2"] if (REPO / ".run" / "cassandra" / "node2").is_dir() else [])
    for node in nodes:
        if local_cassandra("status", "--node", node).returncode == 0:
            continue
        say(f"starting the local Cassandra node {node} (the first time fetches it from Maven Central) ...")
        result = subprocess.run([str(LOCAL_CASSANDRA), "start", "--node", node], text=True)
        if result.returncode != 0:
            raise CqlscopeError("The local Cassandra could not start; see the messages above.",
                                title="Cassandra not started")
        started.append(node)


def load_data() -> None:
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster

    from core.cql.failures import classify_connect_error
    from core.demo.data import load_demo_data

    cluster = Cluster(["127.0.0.1"], auth_provider=PlainTextAuthProvider("cassandra", "cassandra"),
                      connect_timeout=10)
    try:
        try:
            session = cluster.connect()
        except Exception as exc:  # the driver's own errors: explain them instead of a traceback
            failure = classify_connect_error(exc, connect_timeout=10)
            raise CqlscopeError(f"{failure.message} (scripts/local-cassandra status shows the nodes)",
                                title=failure.title) from None
        try:
            summary = load_demo_data(session)
        except Exception as exc:
            raise CqlscopeError(f"Loading the demo data failed: {type(exc).__name__}: {exc}",
                                title="Demo data not loaded") from None
    finally:
        cluster.shutdown()
    if summary.reloaded:
        say(f"loaded {summary.readings:,} sensor readings (7 days, one per minute) into cqlscope_demo")
    else:
        say("the demo data is recent: kept it")


def demo_workspace(ask_password: bool) -> Workspace:
    """The user's workspace with the demo data source; its password in the keyring, or asked for once."""
    workspace = Workspace()
    try:
        workspace.secrets.backend()
    except SecretStoreError as exc:
        say(f"{exc.message}\ndemo: the demo keeps the password in memory for this run only.")
        workspace = Workspace(secrets=SecretStore(RunOnlyKeyring()))
        password = os.environ.get("CQLSCOPE_DEMO_PASSWORD")
        if password is None and ask_password and sys.stdin.isatty():
            password = getpass.getpass("Password of the local Cassandra user 'cassandra' (it is cassandra): ")
        if not password:
            password = "cassandra"
            say("no terminal to ask on: using the local node's default password")
        secrets = {"user": DEMO_USER, "password": password}
    else:
        secrets = {"user": DEMO_USER, "password": "cassandra"}
    workspace.store.load()
    _put(workspace, DataSource(name=DEMO_NAME, uid=DEMO_UID, flavor=Flavor.CASSANDRA, hosts=["127.0.0.1"],
                               keyspace="cqlscope_demo", consistency="LOCAL_ONE"), secrets)
    _put(workspace, DataSource(name=DEMO_SCYLLA_NAME, uid=DEMO_SCYLLA_UID, flavor=Flavor.SCYLLA,
                               hosts=["127.0.0.1"]), secrets)
    tabs = QueryTabsFile(DEMO_UID)
    state = tabs.load()
    if not state.tabs:
        tabs.save(QueryFileState(tabs=list(EXAMPLES), history=state.history))
    return workspace


def _put(workspace: Workspace, demo: DataSource, secrets: dict[str, str]) -> None:
    """Add or refresh a demo data source (kept by uid; renamed when its name is taken) and its secrets."""
    if demo.uid in {ds.uid for ds in workspace.store.list()}:
        current = workspace.store.by_uid(demo.uid)
        workspace.store.update(demo.copy(name=current.name))
    else:
        if demo.name in workspace.store.names():
            demo.name = workspace.store.free_name(demo.name)
        workspace.store.add(demo)
    name = workspace.store.by_uid(demo.uid).name
    for field, value in secrets.items():
        workspace.store.set_secret(name, field, value)
