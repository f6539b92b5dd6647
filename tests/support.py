"""Helpers shared by the tests: an in-memory keyring for unit tests and local Cassandra facts."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.config.secrets import RunOnlyKeyring

REPO = Path(__file__).resolve().parent.parent
LOCAL_CASSANDRA = REPO / "scripts" / "local-cassandra"
ARTIFACTS = REPO / "test-artifacts"
RUN_DIR = Path(os.environ.get("CQLSCOPE_CASSANDRA_RUN", REPO / ".run" / "cassandra"))


MemoryKeyring = RunOnlyKeyring  # an in-memory keyring for unit tests


@dataclass(frozen=True)
class LocalNode:
    """The local Cassandra node the suite runs against."""

    host: str
    port: int
    tls_dir: Path
    user: str = "cassandra"
    password: str = "cassandra"


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `cqlscope` in a subprocess, as a user would, and capture its output."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "core.cli", *args], capture_output=True, text=True,
                          env=full_env, input=stdin, timeout=timeout, cwd=REPO)


@contextmanager
def private_keyring(unlock: bool) -> Iterator[dict[str, str]]:
    """A private D-Bus session with gnome-keyring (unlocked, or left locked); yields its environment."""
    for tool in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: run 'make test' (it installs gnome-keyring and dbus-daemon)")
    base = Path(tempfile.mkdtemp(prefix="cqlscope-keyring-"))
    (base / "data").mkdir()
    (base / "run").mkdir(mode=0o700)
    started = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                             capture_output=True, text=True, check=True)
    address, pid = started.stdout.split()[:2]
    env = {"DBUS_SESSION_BUS_ADDRESS": address, "XDG_DATA_HOME": str(base / "data"),
           "XDG_RUNTIME_DIR": str(base / "run")}
    try:
        command = ["gnome-keyring-daemon", "--unlock" if unlock else "--start", "--components=secrets"]
        subprocess.run(command, input="test-unlock" if unlock else None, capture_output=True, text=True,
                       env={**os.environ, **env}, check=True, timeout=30)
        yield env
    finally:
        os.kill(int(pid), signal.SIGTERM)
        shutil.rmtree(base, ignore_errors=True)
