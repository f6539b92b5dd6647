"""Secrets in the keyring: set, replace, reset; no plaintext fallback; actionable messages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from keyring.backends import fail

from core.config.datasource import DataSource
from core.config.secrets import NO_BACKEND_HELP, SecretState, SecretStore, is_usable_backend
from core.config.store import DataSourceStore
from core.errors import SecretStoreError
from tests.support import private_keyring, run_cli


def test_set_replace_reset_with_memory_backend(memory_secrets: SecretStore) -> None:
    memory_secrets.set("uid1", "password", "one")
    memory_secrets.set("uid1", "password", "two")
    assert memory_secrets.get("uid1", "password") == "two"
    assert memory_secrets.states("uid1") == {"user": SecretState.NOT_SET, "password": SecretState.CONFIGURED}
    memory_secrets.clear("uid1", "password")
    memory_secrets.clear("uid1", "password")  # resetting twice is fine
    assert memory_secrets.state("uid1", "password") == SecretState.NOT_SET
    with pytest.raises(SecretStoreError, match="Unknown secret"):
        memory_secrets.set("uid1", "token", "x")


def test_no_backend_fails_with_an_actionable_message_and_settings_still_save(config_dir: Path) -> None:
    store = DataSourceStore(secrets=SecretStore(fail.Keyring()))
    store.load()
    store.add(DataSource(name="a", hosts=["h"]))
    with pytest.raises(SecretStoreError) as caught:
        store.set_secret("a", "password", "never-on-disk")
    assert "gnome-keyring" in caught.value.message and "plain text" in caught.value.message
    assert store.secret_states("a")["password"] == SecretState.UNAVAILABLE
    text = (config_dir / "datasources.yaml").read_text()
    assert "name: a" in text and "never-on-disk" not in text


def test_plaintext_and_null_backends_are_refused() -> None:
    from keyring.backends import null

    assert not is_usable_backend(fail.Keyring())
    assert not is_usable_backend(null.Keyring())


def test_cli_without_keyring_backend_explains_and_keeps_settings(config_dir: Path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    added = run_cli("datasource", "add", "nokeyring", "--hosts", "127.0.0.1", env=env)
    assert added.returncode == 0, added.stderr
    assert "No usable system keyring" in added.stderr
    result = run_cli("datasource", "set-secret", "nokeyring", "password", "--stdin", env=env, stdin="hunter2\n")
    assert result.returncode == 1
    assert NO_BACKEND_HELP[:40] in result.stderr
    assert "Traceback" not in result.stderr
    shown = run_cli("datasource", "show", "nokeyring", env=env)
    assert "keyring unavailable" in shown.stdout
    assert "hunter2" not in (config_dir / "datasources.yaml").read_text()


@pytest.mark.keyring
def test_real_secret_service_stores_and_resets(real_secrets: SecretStore) -> None:
    real_secrets.set("uid-real", "user", "alice")
    real_secrets.set("uid-real", "password", "pa55")
    assert real_secrets.get("uid-real", "password") == "pa55"
    # A second store (as a new process would) sees the same entry in the Secret Service.
    from keyring.backends.SecretService import Keyring

    assert SecretStore(Keyring()).get("uid-real", "user") == "alice"
    real_secrets.delete_all("uid-real")
    assert real_secrets.states("uid-real") == {"user": SecretState.NOT_SET, "password": SecretState.NOT_SET}


@pytest.mark.keyring
def test_locked_keyring_says_to_unlock(tmp_path: Path, config_dir: Path) -> None:
    """A Secret Service whose keyring was never unlocked: saving fails with the unlock advice."""
    with private_keyring(unlock=False) as env:
        assert run_cli("datasource", "add", "locked", "--hosts", "h", env=env).returncode == 0
        result = run_cli("datasource", "set-secret", "locked", "password", "--stdin", env=env,
                         stdin="pw\n", timeout=60)
    assert result.returncode == 1
    assert "locked" in result.stderr.lower() and "unlock" in result.stderr.lower(), result.stderr
    assert "Traceback" not in result.stderr


def test_the_run_only_keyring_is_never_chosen_by_keyring_itself() -> None:
    from keyring.backend import get_all_keyring

    from core.config.secrets import RunOnlyKeyring

    assert not any(isinstance(ring, RunOnlyKeyring) for ring in get_all_keyring())
    store = SecretStore(RunOnlyKeyring())
    store.set("u", "password", "kept in memory")
    assert store.get("u", "password") == "kept in memory"


@pytest.mark.keyring
def test_a_keyring_daemon_that_dies_is_restarted_with_its_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' private Secret Service: a keyring daemon killed mid-run comes back unlocked, with the
    secrets it held, and the restart is recorded for the run's summary."""
    from keyring.backends.SecretService import Keyring

    from tests import secret_service

    monkeypatch.setattr(secret_service, "INCIDENTS", [])
    service = secret_service.PrivateSecretService(unlock=True)
    env = service.start()
    try:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        SecretStore(Keyring()).set("uid-kept", "password", "survives")
        daemon = service._daemon
        assert daemon is not None
        daemon.kill()
        deadline = time.monotonic() + 30
        while not (service._daemon is not daemon and service.answers()):
            assert time.monotonic() < deadline, "the keyring daemon was not restarted"
            time.sleep(0.05)
        assert SecretStore(Keyring()).get("uid-kept", "password") == "survives"
        assert len(secret_service.INCIDENTS) == 1
        assert secret_service.INCIDENTS[0].startswith("gnome-keyring-daemon exited with status -9")
    finally:
        service.close()


@pytest.mark.keyring
def test_a_keyring_daemon_that_hangs_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stopped (hung) keyring daemon is found by its ping timing out, killed and replaced."""
    import signal

    from tests import secret_service

    monkeypatch.setattr(secret_service, "INCIDENTS", [])
    monkeypatch.setattr(secret_service, "PING_TIMEOUT_S", 1.0)
    service = secret_service.PrivateSecretService(unlock=True)
    service.start()
    try:
        daemon = service._daemon
        assert daemon is not None
        daemon.send_signal(signal.SIGSTOP)
        assert not service.answers()
        service.ensure_answering()
        assert service._daemon is not daemon and service.answers()
        assert secret_service.INCIDENTS[0].startswith("the keyring daemon was running but did not answer")
        time.sleep(0.2)  # time for the watcher, woken by the kill, to look
        assert len(secret_service.INCIDENTS) == 1, "one incident, recorded once"
    finally:
        service.close()


@pytest.mark.keyring
def test_finding_the_backend_off_macos_skips_the_macos_api(secret_service_env: dict[str, str]) -> None:
    """The macOS backend's API module (ctypes.util.find_library, which runs ldconfig) is not imported off macOS,
    and the Secret Service is still the backend found."""
    script = ("import sys; from core.config.secrets import SecretStore; name = SecretStore().backend_name(); "
              "print(name, 'keyring.backends.macOS.api' in sys.modules and sys.modules['keyring.backends.macOS.api'] "
              "is not None)")
    env = {key: value for key, value in os.environ.items() if key != "PYTHON_KEYRING_BACKEND"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.split() == ["keyring.backends.SecretService.Keyring", "False"], done.stderr
