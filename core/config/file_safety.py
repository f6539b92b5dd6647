"""Safe file writing shared by every writer: atomic replacement, kept permissions, `.bak` copies and locks.

Every file cqlscope writes (profile, saved queries, provisioning exports, env files) goes through
`atomic_write`, so all of them keep their mode and owner, write through symlinks and refuse special files.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from core.errors import CqlscopeError

#: How long a writer waits for another cqlscope process to release a file's lock.
LOCK_TIMEOUT_S = 30.0
_LOCK_POLL_S = 0.02


class UnsafeFileError(CqlscopeError):
    """A path cqlscope refuses to write (a directory, a FIFO, a device) or cannot lock."""

    title = "Cannot write file"


def atomic_write(path: Path, text: str, mode: int = 0o600) -> None:
    """Replace `path` with `text` so readers see the old or the new file, never a partial one.

    A symlink is written through (its target is replaced, the link kept). An existing file keeps its
    owner and the stricter of its mode and `mode`; directories and special files are refused.
    """
    target = write_target(path)
    final_mode = mode & 0o777
    owner: tuple[int, int] | None = None
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None:
        final_mode &= stat.S_IMODE(info.st_mode)
        if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
            owner = (info.st_uid, info.st_gid)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, final_mode)
        if owner is not None:
            _keep_owner(fd, owner, target)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_target(path: Path) -> Path:
    """The regular file to replace: the symlink's final target, refusing directories and special files."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(info.st_mode):
        raise UnsafeFileError(f"{path} is a directory: give the path of a file to write.")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else \
            "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "a special file"
        raise UnsafeFileError(f"{path} is {kind}, not a regular file: cqlscope does not write over it. "
                              "Choose another path.")
    return target


def _keep_owner(fd: int, owner: tuple[int, int], target: Path) -> None:
    try:
        os.fchown(fd, *owner)
    except PermissionError:
        raise UnsafeFileError(
            f"{target} belongs to another user (uid {owner[0]}), and replacing it would change its owner. "
            "Write it as that user, or move it away first.") from None


def backup_copy(path: Path) -> Path:
    """Copy `path` aside as `<name>.bak` (or `.bak1`, `.bak2`... when a different copy is there); the copy's path."""
    data = path.read_bytes()
    bak = path.with_name(path.name + ".bak")
    counter = 1
    while bak.exists() and bak.read_bytes() != data:
        bak = path.with_name(f"{path.name}.bak{counter}")
        counter += 1
    if not bak.exists():
        shutil.copy2(path, bak)
    return bak


def lock_path(path: Path) -> Path:
    """The lock file beside `path` that every writer of `path` holds while it reads, merges and writes."""
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive flock on the lock file beside `path` (created 0600); UnsafeFileError after `timeout`."""
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise UnsafeFileError(f"Cannot open the lock file {lock}: {exc.strerror}. Check the directory's "
                              "permissions.") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise UnsafeFileError(f"Cannot lock {lock}: {exc.strerror}.") from None
                if time.monotonic() >= deadline:
                    raise UnsafeFileError(
                        f"Another cqlscope process has held {lock} for over {timeout:.0f} s, so {path.name} "
                        "was not changed. Close the other cqlscope (or wait for it) and try again.") from None
                time.sleep(_LOCK_POLL_S)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
