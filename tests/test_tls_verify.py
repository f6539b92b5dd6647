"""The TLS verify setting against the real TLS node: off skips every check, like the plugins' InsecureSkipVerify.

Expected behaviour from the cassandra plugin 3.3.0 (HadesArchitect/GrafanaCassandraDatasource cc6b21f,
pkg/settings.go): `tls.Config{InsecureSkipVerify: allowInsecureTLS}`, so a wrong CA still connects when
verification is off, and fails when it is on.
"""

from __future__ import annotations

import ssl

import pytest

from core.config.datasource import DataSource, Flavor
from core.config.options import OPTIONS_BY_NAME
from core.cql.sessions import Credentials, SessionManager, ssl_context_for
from tests.support import LocalNode

CREDENTIALS = Credentials("cassandra", "cassandra")


def tls_source(node: LocalNode, ca: str, verify: bool) -> DataSource:
    return DataSource(name="tls", uid=f"tls-{verify}", flavor=Flavor.CASSANDRA, hosts=[node.host], port=node.port,
                      tls_enabled=True, tls_ca_file=str(node.tls_dir / ca), tls_verify_hostname=verify,
                      connect_timeout=10.0)


def test_context_without_verification_checks_nothing() -> None:
    context = ssl_context_for(DataSource(name="x", hosts=["h"], tls_enabled=True, tls_verify_hostname=False))
    assert context is not None
    assert context.verify_mode == ssl.CERT_NONE and not context.check_hostname
    verified = ssl_context_for(DataSource(name="x", hosts=["h"], tls_enabled=True))
    assert verified is not None
    assert verified.verify_mode == ssl.CERT_REQUIRED and verified.check_hostname


def test_label_says_what_it_does() -> None:
    spec = OPTIONS_BY_NAME["tls_verify_hostname"]
    assert spec.label == "Verify server certificate"
    assert "insecure" in spec.help and "allowInsecureTLS" in spec.help


@pytest.mark.cassandra
def test_wrong_ca_connects_without_verification(cassandra: LocalNode) -> None:
    manager = SessionManager(lambda ds: CREDENTIALS)
    try:
        ds = tls_source(cassandra, "other-ca.pem", verify=False)
        session = manager.session(ds)
        assert list(session.execute("SELECT release_version FROM system.local"))
        cluster = manager.cluster(ds.uid)
        assert cluster is not None
        # the node also accepts plain CQL: make sure this connection really is TLS
        assert isinstance(cluster.control_connection._connection._socket, ssl.SSLSocket)
    finally:
        manager.close_all()


@pytest.mark.cassandra
def test_wrong_ca_fails_with_verification(cassandra: LocalNode) -> None:
    from cassandra.cluster import NoHostAvailable

    manager = SessionManager(lambda ds: CREDENTIALS)
    try:
        with pytest.raises(NoHostAvailable, match=r"(?i)certificate"):
            manager.session(tls_source(cassandra, "other-ca.pem", verify=True))
        session = manager.session(tls_source(cassandra, "ca.pem", verify=True))  # the right CA still works
        assert list(session.execute("SELECT release_version FROM system.local"))
    finally:
        manager.close_all()
