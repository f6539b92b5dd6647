"""Data sources with every setting, shared by the provisioning tests and their golden files."""

from __future__ import annotations

import os
from pathlib import Path

from core.config.datasource import ConnectionScope, DataSource, Flavor

GOLDEN = Path(__file__).resolve().parent / "golden"


def scylla_full() -> DataSource:
    """A scylla data source with every setting the plugin can express (and some it cannot)."""
    return DataSource(
        name="Scylla prod", uid="scylla-prod", flavor=Flavor.SCYLLA, hosts=["10.0.0.1", "10.0.0.2", "[fd00::3]:9043"],
        port=9042, scope=ConnectionScope.SPECIFIED_LIST, tls_enabled=True, tls_ca_file="/etc/grafana/tls/ca.pem",
        tls_cert_file="/etc/grafana/tls/client.pem", tls_key_file="/etc/grafana/tls/client.key",
        tls_verify_hostname=False, is_default=True, org_id=1, editable=True)


def cassandra_full() -> DataSource:
    """A cassandra data source with every setting the plugin can express."""
    return DataSource(
        name="Cassandra analytics", uid="cass-analytics", flavor=Flavor.CASSANDRA, hosts=["c1.example", "c2.example"],
        port=9142, keyspace="metrics", consistency="LOCAL_QUORUM", request_timeout=30.0, tls_enabled=True,
        tls_ca_file="/etc/grafana/tls/ca.pem", tls_cert_file="/etc/grafana/tls/client.pem",
        tls_key_file="/etc/grafana/tls/client.key", tls_verify_hostname=True, is_default=False, org_id=2,
        editable=False)


SECRETS = {
    ("scylla-prod", "user"): "grafana_ro",
    ("scylla-prod", "password"): "s3cr3t: 'quoted'",
    ("cass-analytics", "user"): "analyst",
    ("cass-analytics", "password"): "pa$$word",
}


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME byte for byte (UPDATE_GOLDEN=1 rewrites the file)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"
