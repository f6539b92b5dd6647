"""The profile file: atomic YAML writes, schema version, and corrupted files kept, never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.datasource import DataSource
from core.config.profile_file import ProfileFile, config_dir
from core.config.secrets import SecretStore
from core.config.store import DataSourceStore
from core.errors import ProfileError


def test_config_dir_follows_the_environment(config_dir: Path) -> None:
    assert config_dir_fn() == config_dir


def config_dir_fn() -> Path:
    return config_dir()


def test_save_and_load_round_trip(config_dir: Path) -> None:
    profile = ProfileFile()
    items = [DataSource(name="a", hosts=["h1"]), DataSource(name="b", hosts=["h2"], keyspace="k")]
    profile.save(items)
    text = (config_dir / "datasources.yaml").read_text()
    assert "schema_version: 2" in text
    assert ProfileFile().load() == items
    assert (config_dir / "datasources.yaml").stat().st_mode & 0o777 == 0o600
    assert not list(config_dir.glob("*.tmp")), "no temporary file is left behind"


def test_corrupted_file_is_reported_with_its_line_and_kept(config_dir: Path, memory_secrets: SecretStore) -> None:
    config_dir.mkdir(parents=True)
    path = config_dir / "datasources.yaml"
    broken = "schema_version: 1\ndatasources:\n  - name: a\n    hosts: [unclosed\n"
    path.write_text(broken)
    store = DataSourceStore(secrets=memory_secrets)
    with pytest.raises(ProfileError) as caught:
        store.load()
    assert str(path) in caught.value.message
    assert "line " in caught.value.message
    assert "will not overwrite" in caught.value.message
    assert (config_dir / "datasources.yaml.bak").read_text() == broken
    with pytest.raises(ProfileError, match="Not saved"):
        store.add(DataSource(name="new", hosts=["h"]))
    assert path.read_text() == broken


def test_wrong_types_in_an_entry_are_reported_not_overwritten(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    path = config_dir / "datasources.yaml"
    path.write_text("schema_version: 1\ndatasources:\n  - name: a\n    port: lots\n")
    profile = ProfileFile()
    with pytest.raises(ProfileError, match="data source #1: port"):
        profile.load()
    with pytest.raises(ProfileError):
        profile.save([])
    assert "lots" in path.read_text()


def test_newer_schema_is_refused(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / "datasources.yaml").write_text("schema_version: 99\ndatasources: []\n")
    with pytest.raises(ProfileError, match="upgrade cqlscope"):
        ProfileFile().load()


def test_store_rename_keeps_secrets_and_remove_deletes_them(memory_secrets: SecretStore) -> None:
    store = DataSourceStore(secrets=memory_secrets)
    store.load()
    ds = store.add(DataSource(name="a", hosts=["h"]))
    store.set_secret("a", "password", "s3cret")
    store.update(ds.copy(name="renamed"))
    assert store.secret_states("renamed")["password"].value == "configured"
    copy = store.duplicate("renamed")
    assert copy.name == "renamed (copy)" and copy.uid != ds.uid
    assert memory_secrets.get(copy.uid, "password") == "s3cret"
    store.remove("renamed")
    assert memory_secrets.get(ds.uid, "password") is None
    assert store.names() == ["renamed (copy)"]
    reloaded = DataSourceStore(secrets=memory_secrets)
    reloaded.load()
    assert reloaded.names() == ["renamed (copy)"]


def test_set_default_unmarks_the_others_of_the_org(memory_secrets: SecretStore) -> None:
    store = DataSourceStore(secrets=memory_secrets)
    store.load()
    store.add(DataSource(name="a", hosts=["h"], is_default=True))
    store.add(DataSource(name="b", hosts=["h"]))
    store.add(DataSource(name="c", hosts=["h"], org_id=2, is_default=True))
    store.set_default("b")
    assert {ds.name: ds.is_default for ds in store.list()} == {"a": False, "b": True, "c": True}
