"""Demo data for `make demo`: sensor readings from several sites over the last 7 days, and every CQL type.

The readings are one per minute per sensor, with NULL gaps (a sensor offline for a while) and text labels
(site, status), in a table shaped the way Grafana users query time series: partitioned by sensor,
clustered by time. Loading is idempotent: fresh data is kept, stale data is replaced.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from dataclasses import dataclass
from typing import Any

KEYSPACE = "cqlscope_demo"
DAYS = 7
SITES = {"berlin": ("b-temp-1", "b-temp-2", "b-hum-1"), "lisbon": ("l-temp-1", "l-hum-1"),
         "oslo": ("o-temp-1", "o-temp-2", "o-hum-1")}
SENSORS = {sensor: site for site, sensors in SITES.items() for sensor in sensors}
STALE_AFTER = dt.timedelta(hours=6)
BATCH_ROWS = 50  # readings per single-partition batch (about 3 KB, under Cassandra's 5 KB warning)

SCHEMA = (
    "CREATE KEYSPACE IF NOT EXISTS {ks} WITH replication = "
    "{{'class': 'SimpleStrategy', 'replication_factor': 1}}",
    "CREATE TABLE IF NOT EXISTS {ks}.sensors (sensor text PRIMARY KEY, site text, kind text, "
    "installed date)",
    "CREATE TABLE IF NOT EXISTS {ks}.readings (sensor text, ts timestamp, site text, value double, "
    "status text, PRIMARY KEY ((sensor), ts)) WITH CLUSTERING ORDER BY (ts ASC)",
    "CREATE TYPE IF NOT EXISTS {ks}.address (street text, city text, zip int)",
    "CREATE TABLE IF NOT EXISTS {ks}.every_type (id int PRIMARY KEY, a_ascii ascii, a_bigint bigint, "
    "a_blob blob, a_boolean boolean, a_date date, a_decimal decimal, a_double double, a_duration duration, "
    "a_float float, a_inet inet, a_int int, a_smallint smallint, a_text text, a_time time, a_timestamp timestamp, "
    "a_timeuuid timeuuid, a_tinyint tinyint, a_uuid uuid, a_varint varint, a_list list<int>, a_set set<text>, "
    "a_map map<text, decimal>, a_tuple tuple<int, text>, a_udt frozen<address>, a_vector vector<float, 3>)",
)

EVERY_TYPE_ROWS = (
    "INSERT INTO {ks}.every_type (id, a_ascii, a_bigint, a_blob, a_boolean, a_date, a_decimal, a_double, a_duration, "
    "a_float, a_inet, a_int, a_smallint, a_text, a_time, a_timestamp, a_timeuuid, a_tinyint, a_uuid, a_varint, "
    "a_list, a_set, a_map, a_tuple, a_udt, a_vector) VALUES (1, 'plain', 9223372036854775807, 0xcafebabe, true, "
    "'2024-02-29', 12345678901234567890.123456789012345, 0.1, 1mo2d3h4m5s, 1.1, '10.0.0.1', 2147483647, 32767, "
    "'grüße', '13:14:15.123456789', '2024-01-02T03:04:05.678Z', 13fa3d20-e8fe-11f1-8a8e-2b12f51130f8, -128, "
    "6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47, 123456789012345678901234567890, [1, 2, 3], {{'a', 'b'}}, "
    "{{'pi': 3.14159265358979323846}}, (7, 'seven'), {{street: 'Main St', city: 'Oslo', zip: 150}}, "
    "[0.5, -1.25, 3.0])",
    "INSERT INTO {ks}.every_type (id, a_text) VALUES (2, '')",
    "INSERT INTO {ks}.every_type (id) VALUES (3)",
)


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo_data` did."""

    reloaded: bool
    readings: int
    newest: dt.datetime


def reading_value(sensor: str, minute: int) -> float | None:
    """A plausible value for a sensor at a minute: a daily wave plus noise; None during outages."""
    rng = random.Random(zlib.crc32(f"{sensor}/{minute // 60}".encode()))
    if minute % 1440 < 90 and sensor.endswith("-2"):  # this sensor drops out for 90 minutes a day
        return None
    base = 45.0 if "hum" in sensor else 12.0 + 6 * (sensor[0] == "l")
    wave = math.sin(2 * math.pi * (minute % 1440) / 1440) * (8.0 if "hum" in sensor else 5.0)
    return round(base + wave + rng.uniform(-0.5, 0.5), 2)


def load_demo_data(session: Any, now: dt.datetime | None = None, force: bool = False,
                   keyspace: str = KEYSPACE) -> DemoSummary:
    """Create the demo keyspace and fill it, unless its readings are recent enough (or `force`)."""
    from cassandra.concurrent import execute_concurrent
    from cassandra.query import BatchStatement, BatchType

    now = (now or dt.datetime.now(dt.UTC)).replace(second=0, microsecond=0, tzinfo=None)
    for statement in SCHEMA:
        session.execute(statement.format(ks=keyspace))
    newest_row = session.execute(
        f"SELECT ts FROM {keyspace}.readings WHERE sensor = %s ORDER BY ts DESC LIMIT 1",
        (next(iter(SENSORS)),)).one()
    newest = newest_row[0] if newest_row is not None else None
    if newest is not None and not force and now - newest < STALE_AFTER:
        return DemoSummary(False, 0, newest)
    session.execute(f"TRUNCATE {keyspace}.readings")
    for statement in EVERY_TYPE_ROWS:
        session.execute(statement.format(ks=keyspace))
    insert_sensor = session.prepare(
        f"INSERT INTO {keyspace}.sensors (sensor, site, kind, installed) VALUES (?, ?, ?, ?)")
    for sensor, site in SENSORS.items():
        kind = "humidity" if "hum" in sensor else "temperature"
        session.execute(insert_sensor, (sensor, site, kind, dt.date(2023, 5, 1)))
    insert = session.prepare(
        f"INSERT INTO {keyspace}.readings (sensor, ts, site, value, status) VALUES (?, ?, ?, ?, ?)")
    start = now - dt.timedelta(days=DAYS)
    minutes = DAYS * 24 * 60
    rows = []
    for sensor, site in SENSORS.items():
        for minute in range(minutes + 1):
            value = reading_value(sensor, minute)
            status = "offline" if value is None else ("high" if value > 50 else "ok")
            rows.append((sensor, start + dt.timedelta(minutes=minute), site, value, status))
    # Unlogged batches of one partition (one sensor) each, small enough to stay under the server's batch-size
    # warning: a fraction of the round trips of one insert per row.
    batches = []
    for first in range(0, len(rows), BATCH_ROWS):
        chunk = [row for row in rows[first:first + BATCH_ROWS] if row[0] == rows[first][0]]
        rest = rows[first + len(chunk):first + BATCH_ROWS]
        for part in (chunk, rest):
            if part:
                batch = BatchStatement(batch_type=BatchType.UNLOGGED)
                for row in part:
                    batch.add(insert, row)
                batches.append((batch, None))
    results = execute_concurrent(session, batches, concurrency=32, raise_on_first_error=True)
    failed = [result for ok, result in results if not ok]
    if failed:
        raise RuntimeError(f"{len(failed)} demo rows could not be written: {failed[0]}")
    return DemoSummary(True, len(rows), now)
