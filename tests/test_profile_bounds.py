"""Bounded loading: non-UTF-8, oversize, deep nesting and alias bombs are refused with the file's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.profile_file import ProfileFile
from core.config.safe_yaml import YamlInputError, YamlLimits, load, read_text
from core.errors import ProfileError
from tests.support import run_cli

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
schema_version: 2
datasources: *i
"""


def _profile(config_dir: Path, data: bytes) -> Path:
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "datasources.yaml"
    path.write_bytes(data)
    return path


def _refused(path: Path, *fragments: str) -> None:
    with pytest.raises(ProfileError) as caught:
        ProfileFile().load()
    assert str(path) in caught.value.message
    assert any(fragment in caught.value.message for fragment in fragments), caught.value.message


def test_billion_laughs_under_1_kb_is_refused(config_dir: Path) -> None:
    assert len(BILLION_LAUGHS) < 1024
    path = _profile(config_dir, BILLION_LAUGHS.encode())
    _refused(path, "aliases expand to more than")


def test_a_recursive_alias_is_refused(config_dir: Path) -> None:
    path = _profile(config_dir, b"schema_version: 2\ndatasources: &x [*x]\ncount: 1\n")
    _refused(path, "recursive alias")
    path = _profile(config_dir, b"&m {schema_version: 2, datasources: [*m]}\n")
    _refused(path, "recursive alias")


def test_deep_nesting_is_refused(config_dir: Path) -> None:
    path = _profile(config_dir, b"schema_version: 2\ndatasources: " + b"[" * 100_000 + b"]" * 100_000 + b"\n")
    _refused(path, "nested deeper than", "maximum nesting depth")  # ours, or libyaml's own cap of 1000
    path = _profile(config_dir, b"schema_version: 2\ndatasources: " + b"[" * 40 + b"]" * 40 + b"\n")
    _refused(path, "nested deeper than 16 levels")


def test_non_utf8_names_the_line(config_dir: Path) -> None:
    path = _profile(config_dir, b"schema_version: 2\ndatasources:\n- name: caf\xe9\n")
    _refused(path, "line 3: not UTF-8")


def test_a_control_character_names_the_line(config_dir: Path) -> None:
    path = _profile(config_dir, b"schema_version: 2\ndatasources:\n- name: a\x00b\n")
    _refused(path, "line 3")


def test_oversize_files_are_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * 2048 + b"\n")
    with pytest.raises(YamlInputError, match="larger than"):
        read_text(path, YamlLimits(max_bytes=1024))


def test_a_directory_or_a_fifo_as_profile_is_refused(config_dir: Path) -> None:
    import os

    config_dir.mkdir(parents=True)
    (config_dir / "datasources.yaml").mkdir()
    with pytest.raises(ProfileError, match="is a directory"):
        ProfileFile().load()
    (config_dir / "datasources.yaml").rmdir()
    os.mkfifo(config_dir / "datasources.yaml")
    with pytest.raises(ProfileError, match="not a regular file"):
        ProfileFile().load()


def test_aliases_within_the_limits_still_load() -> None:
    loaded = load("base: &b {port: 9042}\nother: *b\n", "<test>")
    assert loaded.data == {"base": {"port": 9042}, "other": {"port": 9042}}


def test_an_impossible_date_is_a_clear_error() -> None:
    with pytest.raises(YamlInputError, match="a value cannot be read"):
        load("when: 2001-02-30\n", "<test>")


def test_the_cli_reports_a_broken_profile_without_a_traceback(config_dir: Path) -> None:
    _profile(config_dir, BILLION_LAUGHS.encode())
    result = run_cli("datasource", "list", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.returncode == 1
    assert "aliases expand" in result.stderr and "Traceback" not in result.stderr
