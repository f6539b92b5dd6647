"""The demo data set: a week of per-minute readings with NULL gaps and labels, and every CQL type."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from core.demo.data import DAYS, SENSORS, load_demo_data, reading_value

pytestmark = pytest.mark.cassandra


@pytest.fixture
def demo_keyspace(admin_session: Any) -> Iterator[str]:
    name = f"demo_{uuid.uuid4().hex[:10]}"
    yield name
    admin_session.execute(f"DROP KEYSPACE IF EXISTS {name}")


def test_values_are_deterministic_with_gaps() -> None:
    assert reading_value("o-temp-1", 600) == reading_value("o-temp-1", 600)
    assert reading_value("b-temp-2", 30) is None, "the -2 sensors are offline early each day"
    assert reading_value("b-temp-1", 30) is not None


def test_load_is_complete_and_idempotent(admin_session: Any, demo_keyspace: str) -> None:
    now = dt.datetime(2026, 1, 10, 12, 0)
    first = load_demo_data(admin_session, now=now, keyspace=demo_keyspace)
    assert first.reloaded and first.readings == len(SENSORS) * (DAYS * 24 * 60 + 1)
    count = admin_session.execute(f"SELECT count(*) FROM {demo_keyspace}.readings").one()[0]
    assert count == first.readings
    gap = admin_session.execute(
        f"SELECT count(*), count(value) FROM {demo_keyspace}.readings WHERE sensor = 'b-temp-2' "
        "AND ts < '2026-01-03T13:30:00Z' AND ts >= '2026-01-03T12:00:00Z'").one()
    assert (gap[0], gap[1]) == (90, 0), "90 rows in the outage, every value NULL"
    second = load_demo_data(admin_session, now=now + dt.timedelta(hours=1), keyspace=demo_keyspace)
    assert not second.reloaded
    types = admin_session.execute(f"SELECT * FROM {demo_keyspace}.every_type WHERE id = 1").one()
    assert types.a_varint == 123456789012345678901234567890
