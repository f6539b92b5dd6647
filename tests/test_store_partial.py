"""Honest partial results: removal and adding with secrets either happen fully, are undone, or say what was done."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends import fail

from core.config.datasource import DataSource
from core.config.profile_file import ProfileFile
from core.config.secrets import RunOnlyKeyring, SecretStore
from core.config.store import DataSourceStore
from core.errors import PartialChangeError, SecretStoreError, ValidationError
from tests.support import run_cli

NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


class _PasswordStuck(RunOnlyKeyring):
    """A keyring that can store but never delete or replace the password entries (like a locked item)."""

    def delete_password(self, service: str, username: str) -> None:
        if username.endswith("/password"):
            raise RuntimeError("item is locked")
        super().delete_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        if username.endswith("/password") and (service, username) in self.entries:
            raise RuntimeError("item is locked")
        super().set_password(service, username, password)


def _store(secrets: SecretStore) -> DataSourceStore:
    store = DataSourceStore(secrets=secrets)
    store.load()
    return store


def test_remove_without_keyring_keeps_everything(config_dir: Path) -> None:
    _store(SecretStore(RunOnlyKeyring())).add(DataSource(name="a", hosts=["h"]))
    before = (config_dir / "datasources.yaml").read_bytes()
    store = _store(SecretStore(fail.Keyring()))
    with pytest.raises(SecretStoreError, match=r"'a' was not removed.*Nothing was changed"):
        store.remove("a")
    assert (config_dir / "datasources.yaml").read_bytes() == before


def test_forced_remove_without_keyring_says_what_stayed_behind(config_dir: Path) -> None:
    _store(SecretStore(RunOnlyKeyring())).add(DataSource(name="a", uid="uid-a", hosts=["h"]))
    store = _store(SecretStore(fail.Keyring()))
    with pytest.raises(PartialChangeError) as caught:
        store.remove("a", force=True)
    assert "settings of 'a' were removed" in caught.value.message
    assert "user, password" in caught.value.message and "uid-a" in caught.value.message
    assert ProfileFile().load() == []


def test_remove_that_deleted_one_secret_only_says_so() -> None:
    keyring = _PasswordStuck()
    store = _store(SecretStore(keyring))
    ds = store.add(DataSource(name="a", hosts=["h"]))
    store.set_secret("a", "user", "alice")
    store.set_secret("a", "password", "pw")
    with pytest.raises(PartialChangeError, match=r"Its user entry was already deleted.*settings are kept"):
        store.remove("a")
    assert [item.name for item in ProfileFile().load()] == ["a"]
    assert SecretStore(keyring).get(ds.uid, "password") == "pw"


def test_add_with_secrets_takes_the_entry_back_when_a_secret_fails() -> None:
    keyring = _PasswordStuck()
    store = _store(SecretStore(keyring))
    ds = DataSource(name="imported", uid="imp-1", hosts=["h"])
    keyring.entries[("cqlscope", "imp-1/password")] = "stale"  # the password item cannot be replaced
    with pytest.raises(SecretStoreError, match="'imported' was not added"):
        store.add_with_secrets(ds, {"user": "alice", "password": "new"})
    assert ProfileFile().load() == []
    assert ("cqlscope", "imp-1/user") not in keyring.entries, "the secret written before the failure is removed"


def test_add_with_secrets_without_keyring_changes_nothing(config_dir: Path) -> None:
    store = _store(SecretStore(fail.Keyring()))
    with pytest.raises(SecretStoreError):
        store.add_with_secrets(DataSource(name="x", hosts=["h"]), {"password": "pw"})
    assert not (config_dir / "datasources.yaml").exists()


def test_names_with_control_characters_are_refused_on_add_and_rename() -> None:
    store = _store(SecretStore(RunOnlyKeyring()))
    with pytest.raises(ValidationError, match=r"'evil\\x1b\[31m' has control characters"):
        store.add(DataSource(name="evil\x1b[31m", hosts=["h"]))
    store.add(DataSource(name="fine", hosts=["h"]))
    with pytest.raises(ValidationError, match=r"control characters"):
        store.update(store.get("fine").copy(name="line\nbreak"))
    with pytest.raises(ValidationError, match=r"control characters"):
        store.update(store.get("fine").copy(name="rtl\u202eoverride"))


def test_a_stored_name_with_control_characters_is_printed_escaped_and_still_editable(config_dir: Path) -> None:
    ProfileFile().save([DataSource(name="bad\x1b[2Jname", uid="bad-1", hosts=["h"])])
    listed = run_cli("datasource", "list", env=NO_KEYRING)
    assert listed.returncode == 0, listed.stderr
    assert "bad\\x1b[2Jname" in listed.stdout and "\x1b" not in listed.stdout
    edited = run_cli("datasource", "edit", "bad\x1b[2Jname", "--port", "9043", env=NO_KEYRING)
    assert edited.returncode == 0, edited.stderr
    assert "\x1b" not in edited.stdout
    assert ProfileFile().load()[0].port == 9043


def test_rename_to_an_empty_name_is_an_error(config_dir: Path) -> None:
    assert run_cli("datasource", "add", "a", "--hosts", "h", env=NO_KEYRING).returncode == 0
    result = run_cli("datasource", "edit", "a", "--rename", "", env=NO_KEYRING)
    assert result.returncode == 2  # a bad option value: the usage exit code
    assert "the name is empty" in result.stderr
    assert [ds.name for ds in ProfileFile().load()] == ["a"]


def test_cli_remove_without_keyring_exit_codes(config_dir: Path) -> None:
    assert run_cli("datasource", "add", "a", "--hosts", "h", env=NO_KEYRING).returncode == 0
    refused = run_cli("datasource", "remove", "a", env=NO_KEYRING)
    assert refused.returncode == 1
    assert "was not removed" in refused.stderr and "--force" in refused.stderr
    assert [ds.name for ds in ProfileFile().load()] == ["a"]
    forced = run_cli("datasource", "remove", "a", "--force", env=NO_KEYRING)
    assert forced.returncode == 3, forced.stderr
    assert "partly done: The settings of 'a' were removed" in forced.stderr
    assert "Traceback" not in forced.stderr
    assert ProfileFile().load() == []
