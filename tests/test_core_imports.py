"""core must stay importable without Qt: a subprocess imports every core module and looks."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import REPO

PROBE = """
import importlib, json, pkgutil, sys
import core
names = [m.name for m in pkgutil.walk_packages(core.__path__, 'core.')]
for name in names:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'gui'))
print(json.dumps({'modules': names, 'forbidden': bad}))
"""


def test_core_imports_no_qt_and_no_gui() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=REPO, check=True)
    report = json.loads(result.stdout)
    assert "core.cli" in report["modules"] and "core.cql.health" in report["modules"]
    assert report["forbidden"] == []
