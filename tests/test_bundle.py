"""The PyInstaller bundle builds, prints its version, runs the CLI and starts the GUI offscreen."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from core import __version__
from tests.bundle_build import finished_build

pytestmark = pytest.mark.bundle


@pytest.fixture(scope="module")
def bundle() -> Path:
    """The bundle built by PyInstaller from packaging/cqlscope.spec (started early, see tests/bundle_build.py)."""
    code, executable, log = finished_build()
    assert code == 0, log
    assert executable.is_file()
    return executable


def test_bundle_prints_its_version(bundle: Path) -> None:
    result = subprocess.run([str(bundle), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"cqlscope {__version__}"


def test_bundle_runs_the_cli(bundle: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(bundle), "render", "--from", "0", "--to", "60000", "ts >= $__from AND ts < $__to"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "CQLSCOPE_CONFIG_DIR": str(tmp_path)})
    assert result.stdout == "ts >= 0 AND ts < 60000\n"


def test_bundle_starts_the_gui_offscreen(bundle: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CQLSCOPE_CONFIG_DIR": str(tmp_path)}
    result = subprocess.run([str(bundle), "gui", "--quit-after", "1500"], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr


def test_bundle_starts_a_fetch_process(bundle: Path) -> None:
    from core.query.fetch_process import BUNDLE_ARGUMENT, FetchProcess

    child = FetchProcess([str(bundle), BUNDLE_ARGUMENT])
    try:
        assert child.wait_ready(60), "the bundled executable runs as a query's fetch process"
    finally:
        child.close()
    assert child.process.returncode == 0
