"""The plugin vectors (tests/fixtures/plugins, see PROVENANCE.md): loading the cases and their expected
answers, and loading `setup.cql` into the local two-node cluster once per test session."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "plugins"


@cache
def cases() -> list[dict[str, Any]]:
    """Every case of cases.json, in file order."""
    data: list[dict[str, Any]] = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))
    return data


@cache
def expected() -> dict[str, dict[str, Any]]:
    """expected.json by case id."""
    data: list[dict[str, Any]] = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    return {item["id"]: item for item in data}


def cases_of(plugin: str) -> list[dict[str, Any]]:
    return [case for case in cases() if case["plugin"] == plugin]


def setup_statements() -> list[str]:
    """The CQL statements of setup.cql without comments and without cqlsh's CONSISTENCY command."""
    text = re.sub(r"--[^\n]*", "", (FIXTURES / "setup.cql").read_text(encoding="utf-8"))
    statements = [part.strip() for part in text.split(";")]
    return [s for s in statements if s and not s.upper().startswith("CONSISTENCY")]


def load_setup(session: Any) -> None:
    """Run setup.cql on `session` at consistency ALL (both replicas hold every row, as when recorded)."""
    from cassandra import ConsistencyLevel
    from cassandra.query import SimpleStatement

    for statement in setup_statements():
        session.execute(SimpleStatement(statement, consistency_level=ConsistencyLevel.ALL), timeout=120)
