"""`make demo`'s program, offscreen: it loads the data, stores the password in the keyring, opens the
window with the example queries and exits once the first one has returned rows."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config.secrets import SecretStore
from tests.support import REPO, LocalNode

pytestmark = [pytest.mark.cassandra, pytest.mark.keyring]


@pytest.fixture
def drop_demo_keyspace(admin_session: Any) -> Iterator[None]:
    yield
    admin_session.execute("DROP KEYSPACE IF EXISTS cqlscope_demo")


def test_demo_runs_the_first_example_query(cassandra: LocalNode, real_secrets: SecretStore, config_dir: Path,
                                          drop_demo_keyspace: None) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CQLSCOPE_CONFIG_DIR": str(config_dir)}
    result = subprocess.run([sys.executable, "-m", "gui.demo", "--exit-after-first-query"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "first example query: ok" in result.stdout
    assert real_secrets.get("cqlscope-demo", "password") == "cassandra", "the password went to the keyring"
    profile = (config_dir / "datasources.yaml").read_text()
    assert "cqlscope demo" in profile and "password" not in profile
    tabs = (config_dir / "queries" / "cqlscope-demo.json").read_text()
    assert "Time series" in tabs and "Pinned to a node" in tabs
    # The nodes were up before the demo (the session's fixture started them): it leaves them running, even when
    # another cluster's node is known and stopped (the two-datacenter nodes once made it stop every node).
    assert "stopping the local Cassandra" not in result.stdout
    nodes = subprocess.run([str(REPO / "scripts" / "local-cassandra"), "status", "--seed", "1"], capture_output=True,
                           text=True)
    assert nodes.returncode == 0, nodes.stdout
