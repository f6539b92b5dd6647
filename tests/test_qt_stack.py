"""The pinned Qt stack survives many calls that return None (PySide6 6.12.0 aborted CPython 3.11 with
'Fatal Python error: none_dealloc' after a few thousand), and entry points name unsupported Pythons."""

from __future__ import annotations

import os
import subprocess
import sys

from core import SUPPORTED_PYTHON, unsupported_python

REPRODUCTION = (
    "from PySide6.QtWidgets import QApplication, QComboBox, QLabel\n"
    "a = QApplication([])\n"
    "c = QComboBox()\n"
    "[c.addItem(str(i)) for i in range(200000)]\n"
    "label = QLabel()\n"
    "[label.setText(str(i)) for i in range(50000)]\n"
    "print(c.count())\n"
)


def test_many_none_returning_calls_do_not_abort_the_interpreter() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", REPRODUCTION], capture_output=True, text=True, env=env,
                            timeout=300)
    assert "none_dealloc" not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "200000"


def test_this_interpreter_is_supported_and_others_are_named() -> None:
    assert unsupported_python() is None
    low, _high = SUPPORTED_PYTHON
    assert unsupported_python((low[0], low[1] - 1)) is not None
    message = unsupported_python((3, 99))
    assert message is not None and "3.99" in message and f"{low[0]}.{low[1]}" in message
