"""cqlscope core: data sources, secrets, connections and health checks, with no Qt anywhere."""

import sys

__version__ = "0.1.0"

#: The CPython versions cqlscope is tested on (pyproject's requires-python says the same).
SUPPORTED_PYTHON = ((3, 11), (3, 13))


def unsupported_python(version: tuple[int, int] = (sys.version_info.major, sys.version_info.minor)) -> str | None:
    """A message when this interpreter is outside SUPPORTED_PYTHON, else None; entry points print it."""
    low, high = SUPPORTED_PYTHON
    if low <= version <= high:
        return None
    return (f"cqlscope supports Python {low[0]}.{low[1]} to {high[0]}.{high[1]}, not {version[0]}.{version[1]}: "
            "create the venv with a supported python3 (make PYTHON=python3.11 ...)")
