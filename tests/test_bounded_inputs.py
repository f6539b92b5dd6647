"""Small hostile inputs end in a clear message and exit 1, quickly and without a traceback: billion laughs,
recursive aliases, non-UTF-8 and device files as provisioning files, `$__file{}` on a device, and a
`$__file{}` whose contents would otherwise be quoted in an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import run_cli

LAUGHS = "\n".join([
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    *(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
    "apiVersion: 1", "datasources: []", ""])


@pytest.mark.parametrize(("content", "expected"), [
    (LAUGHS.encode(), "aliases expand to more than"),
    (b"apiVersion: 1\ndatasources:\n  - &x {name: a, type: scylladb-scylla-datasource, jsonData: *x}\n",
     "recursive alias"),
    (b"\xff\xfeapiVersion: 1\n", "not UTF-8"),
    (b"apiVersion: 1\ndatasources:\n" + b"  - " + b"[" * 5000 + b"]" * 5000 + b"\n", "nesting depth"),
])
def test_hostile_provisioning_files(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(content)
    done = run_cli("import", str(path), "--dry-run", timeout=30)
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr


def test_a_device_is_refused_as_a_file_and_as_a_file_reference(tmp_path: Path) -> None:
    done = run_cli("import", "/dev/zero", timeout=30)
    assert done.returncode == 2 and "not a regular file" in done.stderr
    path = tmp_path / "p.yaml"
    path.write_text("apiVersion: 1\ndatasources:\n  - name: a\n    type: scylladb-scylla-datasource\n"
                    "    secureJsonData:\n      password: $__file{/dev/zero}\n")
    done = run_cli("import", str(path), "--dry-run", timeout=30)
    assert done.returncode == 2 and "not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_file_contents_never_reach_an_error_message(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-line\nsecond\n")
    path = tmp_path / "p.yaml"
    path.write_text(f"apiVersion: 1\ndatasources:\n  - name: a\n    type: scylladb-scylla-datasource\n"
                    f"    isDefault: $__file{{{secret}}}\n")
    done = run_cli("import", str(path), "--dry-run", timeout=30)
    assert done.returncode == 2 and "ParseBool" in done.stderr
    assert "s3cr3t" not in done.stderr + done.stdout


@pytest.mark.keyring
def test_import_with_a_locked_keyring_adds_nothing(tmp_path: Path) -> None:
    from tests.support import private_keyring

    path = tmp_path / "p.yaml"
    path.write_text("apiVersion: 1\ndatasources:\n  - name: locked\n    type: scylladb-scylla-datasource\n"
                    "    jsonData: {host: 10.0.0.1}\n    secureJsonData: {user: u, password: p}\n")
    with private_keyring(unlock=False) as env:
        done = run_cli("import", str(path), env=env, timeout=60)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        listed = run_cli("datasource", "list", "--json", env=env)
    assert "locked" not in listed.stdout, "the data source was not added without its password"
