"""Two processes editing one profile: merges by uid and field, conflicts named, nothing lost or overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.datasource import DataSource
from core.config.merge import ConflictError, Preference
from core.config.profile_file import ProfileFile
from core.config.secrets import SecretStore
from core.config.store import DataSourceStore


def _two_stores(memory_secrets: SecretStore) -> tuple[DataSourceStore, DataSourceStore]:
    seed = DataSourceStore(secrets=memory_secrets)
    seed.load()
    seed.add(DataSource(name="a", uid="uid-a", hosts=["h1"], keyspace="k1"))
    seed.add(DataSource(name="b", uid="uid-b", hosts=["h2"]))
    first, second = DataSourceStore(secrets=memory_secrets), DataSourceStore(secrets=memory_secrets)
    first.load()
    second.load()
    return first, second


def test_adds_from_two_stores_are_both_kept(memory_secrets: SecretStore) -> None:
    first, second = _two_stores(memory_secrets)
    first.add(DataSource(name="c", hosts=["h"]))
    second.add(DataSource(name="d", hosts=["h"]))
    assert [ds.name for ds in ProfileFile().load()] == ["a", "b", "c", "d"]
    assert second.names() == ["a", "b", "c", "d"], "a writer takes in what it found on disk"


def test_edits_of_different_fields_merge(memory_secrets: SecretStore) -> None:
    first, second = _two_stores(memory_secrets)
    first.update(first.get("a").copy(port=9043))
    second.update(second.get("a").copy(keyspace="k2"))
    stored = {ds.name: ds for ds in ProfileFile().load()}
    assert (stored["a"].port, stored["a"].keyspace) == (9043, "k2")


def test_the_same_field_changed_differently_is_a_conflict_and_nothing_is_written(
        config_dir: Path, memory_secrets: SecretStore) -> None:
    first, second = _two_stores(memory_secrets)
    first.update(first.get("a").copy(keyspace="theirs"))
    before = (config_dir / "datasources.yaml").read_bytes()
    with pytest.raises(ConflictError) as caught:
        second.update(second.get("a").copy(keyspace="mine", port=9050))
    assert caught.value.fields == ["keyspace"]
    assert "keyspace: yours 'mine', theirs 'theirs'" in caught.value.message
    assert (config_dir / "datasources.yaml").read_bytes() == before
    # The user chose: mine wins the conflicting field; their other changes are kept either way.
    second.update(second.get("a").copy(keyspace="mine", port=9050), base=caught.value.base, prefer=Preference.MINE)
    assert (ProfileFile().load()[0].keyspace, ProfileFile().load()[0].port) == ("mine", 9050)


def test_taking_theirs_keeps_their_value_and_my_other_changes(memory_secrets: SecretStore) -> None:
    first, second = _two_stores(memory_secrets)
    first.update(first.get("a").copy(keyspace="theirs"))
    saved = second.update(second.get("a").copy(keyspace="mine", port=9050), prefer=Preference.THEIRS)
    assert (saved.keyspace, saved.port) == ("theirs", 9050)


def test_the_same_change_on_both_sides_is_no_conflict(memory_secrets: SecretStore) -> None:
    first, second = _two_stores(memory_secrets)
    first.update(first.get("a").copy(port=9999))
    assert second.update(second.get("a").copy(port=9999)).port == 9999


def test_editing_a_data_source_removed_elsewhere_is_a_conflict(memory_secrets: SecretStore) -> None:
    first, second = _two_stores(memory_secrets)
    first.remove("a")
    with pytest.raises(ConflictError, match="was removed by another cqlscope process"):
        second.update(second.get("a").copy(port=1234))
    assert [ds.name for ds in ProfileFile().load()] == ["b"]
    second.update(second.get("a").copy(port=1234), prefer=Preference.MINE)
    assert [ds.name for ds in ProfileFile().load()] == ["b", "a"]


def test_an_explicit_base_protects_fields_changed_elsewhere(memory_secrets: SecretStore) -> None:
    """The GUI edits from the version it showed; a reload meanwhile must not make its copy look newer."""
    first, second = _two_stores(memory_secrets)
    shown = second.get("a")
    first.update(first.get("a").copy(hosts=["elsewhere"]))
    second.reload()
    saved = second.update(shown.copy(keyspace="gui"), base=shown)
    assert (saved.hosts, saved.keyspace) == (["elsewhere"], "gui")


def test_a_rename_onto_a_name_taken_elsewhere_is_refused(memory_secrets: SecretStore) -> None:
    from core.errors import ValidationError

    first, second = _two_stores(memory_secrets)
    first.add(DataSource(name="taken", hosts=["h"]))
    with pytest.raises(ValidationError, match="already exists"):
        second.update(second.get("b").copy(name="taken"))
    assert [ds.name for ds in ProfileFile().load()] == ["a", "b", "taken"]


def test_set_default_applies_to_the_file_as_it_is_now(memory_secrets: SecretStore) -> None:
    first, second = _two_stores(memory_secrets)
    first.add(DataSource(name="c", hosts=["h"], is_default=True))
    second.set_default("b")
    assert {ds.name: ds.is_default for ds in ProfileFile().load()} == {"a": False, "b": True, "c": False}


def test_the_cli_names_the_conflicting_field_and_writes_nothing(
        config_dir: Path, memory_secrets: SecretStore, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli.main import main

    _two_stores(memory_secrets)
    original = DataSourceStore.load

    def load_then_another_process_edits(self: DataSourceStore) -> None:
        original(self)
        other = DataSourceStore(secrets=memory_secrets)
        original(other)
        other.update(other.get("a").copy(keyspace="theirs"))

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setattr(DataSourceStore, "load", load_then_another_process_edits)
    before = (config_dir / "datasources.yaml").read_bytes()
    assert main(["datasource", "edit", "a", "--keyspace", "mine"]) == 1
    err = capsys.readouterr().err
    assert "keyspace: yours 'mine', theirs 'theirs'" in err and "Nothing was saved" in err
    assert b"keyspace: theirs" in (config_dir / "datasources.yaml").read_bytes()
    assert (config_dir / "datasources.yaml").read_bytes() != before  # only the other process's edit
