"""The one atomic writer and the one `.bak` helper: modes, owners, symlinks, special files and locks."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from core.config.file_safety import UnsafeFileError, atomic_write, backup_copy, exclusive_lock, lock_path
from core.config.profile_file import ProfileFile
from core.config.saved_queries import HistoryEntry, QueryFileState, QueryTabsFile


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_gets_the_requested_mode(tmp_path: Path) -> None:
    atomic_write(tmp_path / "env", "A=1\n", 0o600)
    atomic_write(tmp_path / "plain.yaml", "a: 1\n", 0o644)
    assert _mode(tmp_path / "env") == 0o600
    assert _mode(tmp_path / "plain.yaml") == 0o644


def test_an_existing_file_keeps_the_stricter_mode(tmp_path: Path) -> None:
    loose, strict = tmp_path / "loose", tmp_path / "strict"
    loose.write_text("old")
    loose.chmod(0o644)
    strict.write_text("old")
    strict.chmod(0o400)
    atomic_write(loose, "secret\n", 0o600)
    atomic_write(strict, "secret\n", 0o600)
    assert (_mode(loose), _mode(strict)) == (0o600, 0o400)
    assert strict.read_text() == "secret\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_an_existing_file_keeps_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "theirs.env"
    path.write_text("old")
    os.chown(path, 65534, 65534)
    atomic_write(path, "new\n", 0o600)
    info = os.stat(path)
    assert (info.st_uid, info.st_gid) == (65534, 65534)
    assert path.read_text() == "new\n"


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "real" / "export.yaml"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    atomic_write(link, "new\n", 0o600)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new\n"
    assert _mode(target) == 0o600


def test_directories_and_fifos_are_refused(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(UnsafeFileError, match="is a directory"):
        atomic_write(tmp_path / "dir", "x")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UnsafeFileError, match="is a FIFO"):
        atomic_write(tmp_path / "fifo", "x")
    assert stat.S_ISFIFO(os.stat(tmp_path / "fifo").st_mode), "the FIFO is left alone"


def test_backup_copy_reuses_an_identical_copy_and_never_overwrites_another(tmp_path: Path) -> None:
    path = tmp_path / "datasources.yaml"
    path.write_text("first")
    assert backup_copy(path) == tmp_path / "datasources.yaml.bak"
    assert backup_copy(path) == tmp_path / "datasources.yaml.bak"
    path.write_text("second")
    assert backup_copy(path) == tmp_path / "datasources.yaml.bak1"
    assert (tmp_path / "datasources.yaml.bak").read_text() == "first"
    assert (tmp_path / "datasources.yaml.bak1").read_text() == "second"


def test_a_held_lock_makes_another_writer_give_up_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "datasources.yaml"
    with exclusive_lock(path):
        second = exclusive_lock(path, timeout=0.1)
        with pytest.raises(UnsafeFileError, match="Another cqlscope process"):
            second.__enter__()
    with exclusive_lock(path, timeout=0.1):
        assert _mode(lock_path(path)) == 0o600


def test_the_profile_is_written_0600_and_a_profile_symlink_survives(config_dir: Path, tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "datasources.yaml"
    real.parent.mkdir()
    config_dir.mkdir()
    (config_dir / "datasources.yaml").symlink_to(real)
    ProfileFile().save([])
    assert (config_dir / "datasources.yaml").is_symlink()
    assert real.read_text().rstrip().endswith("# end of cqlscope profile: 0 data sources")
    assert _mode(real) == 0o600


def test_saved_queries_keep_history_written_by_another_process(config_dir: Path) -> None:
    first, second = QueryTabsFile("cqls-q"), QueryTabsFile("cqls-q")
    first.save(QueryFileState(history=[HistoryEntry(text="SELECT 1", timestamp=1.0)]))
    second.save(QueryFileState(history=[HistoryEntry(text="SELECT 2", timestamp=2.0)]))
    assert [entry.text for entry in QueryTabsFile("cqls-q").load().history] == ["SELECT 1", "SELECT 2"]
