"""Round trip: export, import into an empty config, export again gives the identical file."""

from __future__ import annotations

from pathlib import Path

from core.config.datasource import DataSource
from core.config.secrets import SecretStore
from core.config.store import DataSourceStore
from core.provisioning import ExportOptions, SecretsMode, build_export, import_file, write_export
from tests.provisioning_support import SECRETS, cassandra_full, scylla_full
from tests.support import MemoryKeyring


def _export(store: DataSourceStore, options: ExportOptions) -> str:
    result = build_export(store.list(), options, lambda ds, field: store.secrets.get(ds.uid, field))
    assert result.errors == []
    return result.text


def _seed(tmp_path: Path) -> DataSourceStore:
    """A store with both full data sources; TLS paths point at real files so the model validates them."""
    tls = tmp_path / "tls"
    tls.mkdir()
    for name in ("ca.pem", "client.pem", "client.key"):
        (tls / name).write_text(name)
    store = DataSourceStore(tmp_path / "source", SecretStore(MemoryKeyring()))
    for ds in (scylla_full(), cassandra_full()):
        ds = ds.copy(tls_ca_file=str(tls / "ca.pem"), tls_cert_file=str(tls / "client.pem"),
                     tls_key_file=str(tls / "client.key"))
        store.add(ds)
    for (uid, field), value in SECRETS.items():
        store.secrets.set(uid, field, value)
    store.add(DataSource(name="Plain $cass", uid="plain", hosts=["p1"], request_timeout=7.0))
    return store


def test_round_trip_placeholders(tmp_path: Path) -> None:
    source = _seed(tmp_path)
    first = _export(source, ExportOptions())
    path = tmp_path / "prov.yaml"
    path.write_text(first)
    target = DataSourceStore(tmp_path / "target", SecretStore(MemoryKeyring()))
    import_file(target, path, None, {})
    assert _export(target, ExportOptions()) == first


def test_round_trip_inline(tmp_path: Path) -> None:
    source = _seed(tmp_path)
    first = build_export(source.list(), ExportOptions(secrets=SecretsMode.INLINE),
                         lambda ds, field: source.secrets.get(ds.uid, field))
    path = tmp_path / "prov.yaml"
    write_export(first, path)
    target = DataSourceStore(tmp_path / "target", SecretStore(MemoryKeyring()))
    import_file(target, path, None, {})
    assert target.secrets.get("cass-analytics", "password") == "pa$$word"
    assert target.get("Plain $cass").hosts == ["p1"]
    assert _export(target, ExportOptions(secrets=SecretsMode.INLINE)) == first.text
