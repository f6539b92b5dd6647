"""The PyInstaller build of the desktop bundle, started once per test session in the background so that it
overlaps the other tests; tests/test_bundle.py waits for it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support import REPO

BUILD_TIMEOUT_S = 900


@dataclass
class Build:
    process: subprocess.Popen[bytes]
    out: Path
    log: Path


_build: Build | None = None


def start_build() -> Build:
    """Start the build unless it is running already."""
    global _build
    if _build is None:
        out = Path(tempfile.mkdtemp(prefix="cqlscope-bundle-"))
        log = out / "pyinstaller.log"
        pyinstaller = Path(sys.executable).parent / "pyinstaller"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [str(pyinstaller), "--noconfirm", "--log-level", "WARN", "--distpath", str(out / "dist"),
                 "--workpath", str(out / "work"), str(REPO / "packaging" / "cqlscope.spec")],
                stdout=sink, stderr=subprocess.STDOUT, cwd=REPO)
        _build = Build(process, out, log)
    return _build


def finished_build() -> tuple[int, Path, str]:
    """Wait for the build: its exit code, the bundle's executable and the end of its log."""
    build = start_build()
    code = build.process.wait(timeout=BUILD_TIMEOUT_S)
    return code, build.out / "dist" / "cqlscope" / "cqlscope", build.log.read_text(errors="replace")[-3000:]


def cleanup() -> None:
    """Stop a build still running and remove its files (at the end of the session)."""
    global _build
    if _build is not None:
        if _build.process.poll() is None:
            _build.process.kill()
            _build.process.wait()
        shutil.rmtree(_build.out, ignore_errors=True)
        _build = None
