"""The health check behind "Save & test" and `cqlscope check`.

It connects with the data source's own settings and secrets and reports the server version, the
cluster, every node, whether the keyspace exists and the round-trip latency; failures are classified
(see core.cql.failures) with a message that says what to fix.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from core.config.datasource import DataSource, Flavor
from core.config.workspace import Workspace
from core.cql.deadline import call_within
from core.cql.diagnosis import QueryContext, down_nodes
from core.cql.failures import Failure, FailureKind, classify_query_error, connect_failure
from core.cql.nodes import NodeInfo, node_info
from core.cql.sessions import Credentials
from core.errors import SecretStoreError

LATENCY_PROBES = 3
PROBE_GRACE_S = 0.5  # beyond the request timeout, so that the driver's own timeout error arrives first when it can
_PROBED = ("release_version", "cluster_name", "contacted_host", "datacenter", "nodes", "keyspace_exists",
           "latency_ms", "failure")


@dataclass
class HealthReport:
    """The outcome of one health check; `failure` is None when healthy."""

    datasource: str
    flavor: str
    failure: Failure | None = None
    release_version: str | None = None
    cluster_name: str | None = None
    contacted_host: str | None = None
    datacenter: str | None = None
    nodes: list[NodeInfo] = field(default_factory=list)
    keyspace: str | None = None
    keyspace_exists: bool | None = None
    connect_ms: float | None = None
    latency_ms: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["failure"] = (
            {"kind": self.failure.kind.value, "title": self.failure.title, "message": self.failure.message}
            if self.failure else None
        )
        return data

    def summary(self) -> str:
        """One line: the version, cluster and nodes when healthy, the classified error otherwise."""
        if self.failure is not None:
            return f"{self.failure.title}: {self.failure.message}"
        up = sum(1 for n in self.nodes if n.up)
        return (f"Server {self.release_version}, cluster '{self.cluster_name}', "
                f"{up}/{len(self.nodes)} nodes up, latency {self.latency_ms:.1f} ms")


def check_health(workspace: Workspace, ds: DataSource) -> HealthReport:
    """Run the health check for `ds` (blocking: call it from a worker thread in the GUI)."""
    report = HealthReport(datasource=ds.name, flavor=ds.flavor.value, keyspace=ds.keyspace or None)
    problems = workspace.store.problems(ds)
    if problems:
        text = "; ".join(f"{name}: {message}" for name, message in problems)
        report.failure = Failure(FailureKind.CONFIGURATION, f"Fix the settings first: {text}")
        return report

    keyring_problem: str | None = None
    try:
        credentials = workspace.credentials(ds)
    except SecretStoreError as exc:
        credentials = Credentials()
        keyring_problem = exc.message
        report.warnings.append(f"Credentials could not be read: {exc.message}")
    if bool(credentials.user) != bool(credentials.password):
        missing = "password" if credentials.user else "user"
        report.warnings.append(f"Only one secret is set: set the {missing} too, or no authentication is sent.")

    started = time.perf_counter()
    try:
        session = workspace.sessions.session(ds, None if keyring_problem else credentials)
    except Exception as exc:
        failure = connect_failure(exc, ds, credentials)
        if keyring_problem and failure.kind == FailureKind.AUTHENTICATION:
            failure = Failure(FailureKind.KEYRING, f"{failure.message} {keyring_problem}")
        report.failure = failure
        return report
    report.connect_ms = (time.perf_counter() - started) * 1000

    def probe() -> HealthReport:  # on a report of its own: an abandoned probe must not write into ours
        probed = HealthReport(datasource=ds.name, flavor=ds.flavor.value, keyspace=report.keyspace)
        _describe(session, probed)
        _check_keyspace(session, ds, probed)
        probed.latency_ms = _latency_ms(session)
        return probed

    try:
        probed = call_within(ds.request_timeout + PROBE_GRACE_S, probe, what=f"{_control_host(session)} "
                             "(the health check's queries)", advice="The node may be frozen or overloaded: check "
                             "it, or raise the request timeout.")
        for name in _PROBED:
            setattr(report, name, getattr(probed, name))
    except Exception as exc:  # a query failing after a good connect: the same diagnosis as any query
        context = QueryContext(consistency=ds.consistency, coordinator=report.contacted_host,
                               down=down_nodes(session), user=credentials.user)
        report.failure = classify_query_error(exc, timeout=ds.request_timeout, secrets=[credentials.password],
                                              context=context)
    if ds.flavor == Flavor.SCYLLA and ds.keyspace:
        report.warnings.append("The scylla plugin has no keyspace setting: fully qualify tables in queries.")
    return report


def _control_host(session: Any) -> str:
    """The node the driver's control connection talks to (where the health check's queries go first)."""
    connection = getattr(session.cluster.control_connection, "_connection", None)
    return str(connection.endpoint) if connection is not None else "the cluster"


def _describe(session: Any, report: HealthReport) -> None:
    row = session.execute(
        "SELECT release_version, cluster_name, data_center, rack FROM system.local").one()
    report.release_version = row.release_version
    report.cluster_name = row.cluster_name
    report.datacenter = row.data_center
    host = session.cluster.control_connection._connection
    report.contacted_host = str(host.endpoint) if host is not None else None
    report.nodes = sorted(
        (node_info(h) for h in session.cluster.metadata.all_hosts()), key=lambda n: n.address)


def _check_keyspace(session: Any, ds: DataSource, report: HealthReport) -> None:
    if not ds.keyspace:
        return
    wanted = ds.keyspace[1:-1] if ds.keyspace.startswith('"') else ds.keyspace.lower()
    keyspaces = session.cluster.metadata.keyspaces
    report.keyspace_exists = wanted in keyspaces
    if not report.keyspace_exists:
        user = sorted(k for k in keyspaces if not k.startswith("system"))
        known = ", ".join(user) if user else "none besides the system keyspaces"
        report.failure = Failure(
            FailureKind.KEYSPACE_MISSING,
            f"Keyspace '{ds.keyspace}' does not exist on cluster '{report.cluster_name}'. Existing: {known}. "
            "Create it or correct the keyspace setting.")


def _latency_ms(session: Any) -> float:
    samples = []
    for _ in range(LATENCY_PROBES):
        started = time.perf_counter()
        session.execute("SELECT key FROM system.local")
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)
