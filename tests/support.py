"""Helpers shared by the tests: an in-memory keyring for unit tests and local Cassandra facts."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

REPO = Path(__file__).resolve().parent.parent
LOCAL_CASSANDRA = REPO / "scripts" / "local-cassandra"
ARTIFACTS = REPO / "test-artifacts"
RUN_DIR = Path(os.environ.get("CQLSCOPE_CASSANDRA_RUN", REPO / ".run" / "cassandra"))


class MemoryKeyring(KeyringBackend):
    """A keyring kept in a dict: fine for unit tests, never used by the application."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]


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
