"""Concurrent `cqlscope` processes on one profile: every change is kept (the fault campaign's cases)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from core.config.profile_file import ProfileFile
from core.config.secrets import SecretStore
from tests.support import run_cli

NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_twenty_concurrent_adds_keep_twenty(config_dir: Path) -> None:
    def add(index: int) -> CompletedProcess[str]:
        return run_cli("datasource", "add", f"ds{index:02d}", "--hosts", f"10.0.0.{index}", env=NO_KEYRING)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(add, range(20)))
    assert all(result.returncode == 0 for result in results), [r.stderr for r in results if r.returncode]
    stored = ProfileFile().load()
    assert sorted(ds.name for ds in stored) == [f"ds{index:02d}" for index in range(20)]
    assert {ds.name: ds.hosts for ds in stored} == {f"ds{index:02d}": [f"10.0.0.{index}"] for index in range(20)}


def test_concurrent_edits_of_different_fields_all_land(config_dir: Path) -> None:
    assert run_cli("datasource", "add", "shared", "--hosts", "h", env=NO_KEYRING).returncode == 0
    edits = [("--keyspace", "ks"), ("--port", "9043"), ("--local-dc", "dc2"), ("--consistency", "QUORUM"),
             ("--request-timeout", "42")]

    def edit(flag_value: tuple[str, str]) -> CompletedProcess[str]:
        return run_cli("datasource", "edit", "shared", *flag_value, env=NO_KEYRING)

    with ThreadPoolExecutor(max_workers=len(edits)) as pool:
        results = list(pool.map(edit, edits))
    assert all(result.returncode == 0 for result in results), [r.stderr for r in results if r.returncode]
    ds = ProfileFile().load()[0]
    expected = ("ks", 9043, "dc2", "QUORUM", 42.0)
    assert (ds.keyspace, ds.port, ds.local_dc, ds.consistency, ds.request_timeout) == expected


@pytest.mark.keyring
def test_ten_concurrent_add_then_set_secret_chains_all_work(config_dir: Path, real_secrets: SecretStore) -> None:
    def chain(index: int) -> tuple[CompletedProcess[str], CompletedProcess[str] | None]:
        added = run_cli("datasource", "add", f"chain{index}", "--uid", f"chain-{index}", "--hosts", "h")
        if added.returncode != 0:
            return added, None
        return added, run_cli("datasource", "set-secret", f"chain{index}", "password", "--stdin",
                              stdin=f"pw-{index}\n")

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(chain, range(10)))
    failures = [(a.stderr, s.stderr if s else "") for a, s in results if a.returncode or s is None or s.returncode]
    assert failures == []
    assert sorted(ds.uid for ds in ProfileFile().load()) == sorted(f"chain-{index}" for index in range(10))
    assert [real_secrets.get(f"chain-{index}", "password") for index in range(10)] == \
        [f"pw-{index}" for index in range(10)]
