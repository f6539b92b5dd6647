"""Data for the query tester tests: a workspace with a local data source, a small table of sensor
readings, and the 1,000,000-row table of the benchmarks (bench.million_rows)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bench.million_rows import MILLION_TABLE, ensure_million_rows
from tests.support import local_workspace

__all__ = ["MILLION_TABLE", "create_sensor_table", "ensure_million_rows", "local_workspace"]

SENSORS = ("s1", "s2", "s3")
DAY = "2024-05-01"
DAY_START_MS = int(datetime(2024, 5, 1, tzinfo=UTC).timestamp() * 1000)
MINUTES = 120  # readings per sensor: 00:00 to 01:59, one a minute


def create_sensor_table(admin_session: Any, scratch_keyspace: str) -> str:
    """`<ks>.readings`: sensors s1..s3, one reading a minute from 00:00 to 01:59 on 2024-05-01."""
    table = f"{scratch_keyspace}.readings"
    admin_session.execute(f"CREATE TABLE {table} (sensor text, day date, ts timestamp, value double, "
                          "PRIMARY KEY ((sensor, day), ts))")
    insert = admin_session.prepare(f"INSERT INTO {table} (sensor, day, ts, value) VALUES (?, ?, ?, ?)")
    for number, sensor in enumerate(SENSORS):
        for minute in range(MINUTES):
            admin_session.execute(insert, (sensor, DAY, DAY_START_MS + minute * 60_000, number * 100.0 + minute))
    return table
